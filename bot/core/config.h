/* Configuration: built-in defaults, then a JSON file (--config), then flags.
 * The same struct serves every subcommand; each reads what it needs. */
#ifndef BOT_CONFIG_H
#define BOT_CONFIG_H

#include <stddef.h>
#include <time.h>
#include "err.h"

#define CONFIG_MAX_ORIGINS 16

/* Used only with --demo: demo tokens are worthless outside the demo. */
#define CONFIG_DEMO_SECRET "botd-demo-secret-not-for-production"

typedef struct config {
	char host[64];
	int port;
	char db_path[512];
	int warm_cache;          /* read the database once at start (store_options) */
	char intents_dir[512];
	char www_dir[512];
	int demo;
	char token_secret[256];  /* never logged */
	char kakao_secret[256];  /* shared secret header for /kakao/skill; never logged */
	time_t now;              /* fixed clock for tests; 0 = real time */

	char log_level[8];
	int log_json;
	char log_file[512];

	char origins[CONFIG_MAX_ORIGINS][256]; /* allowed Origin values, exact match */
	int n_origins;

	int max_connections;        /* total, all endpoints */
	int max_message_bytes;      /* larger frames are closed with 1009 */
	int rate_limit_messages;    /* per connection ... */
	int rate_limit_window_s;    /* ... per this many seconds */
	int outbound_queue_max;     /* frames queued per connection before it is closed */
	int wal_restart_mb;         /* the WAL starts over at about this size (durability) */
	int hello_timeout_s;        /* the first frame must be a hello within this */
	int ping_interval_s;        /* idle before a ping */
	int hangup_s;               /* idle before the peer is hung up */
	int shutdown_deadline_s;    /* SIGTERM drains for at most this long */

	int agent_grace_s;          /* a disconnected agent keeps conversations this long */
	int agent_max_concurrent;   /* default cap of conversations per agent */
	char business_hours[32];    /* "09:00-18:00" Asia/Seoul, Monday to Friday */
	char holidays[1024];        /* comma-separated YYYY-MM-DD */
} config;

void config_defaults(config *cfg);
/* Reads the JSON object in PATH over CFG. On error writes "PATH:LINE: why"
 * into ERR. Unknown keys are errors (a typo must not pass silently). */
bot_err config_load_file(config *cfg, const char *path, char *err, size_t errlen);
/* Applies environment overrides: BOTD_TOKEN_SECRET, BOTD_KAKAO_SECRET, BOTD_NOW. */
bot_err config_load_env(config *cfg, char *err, size_t errlen);
/* Checks values for a serving daemon (port range, secret present, ...). */
bot_err config_validate(const config *cfg, char *err, size_t errlen);

#endif
