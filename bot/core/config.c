#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "clock.h"
#include "hours.h"

void
config_defaults(config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->host, sizeof(cfg->host), "127.0.0.1");
	cfg->port = 8080;
	snprintf(cfg->db_path, sizeof(cfg->db_path), "botd.db");
	cfg->warm_cache = 1;
	snprintf(cfg->intents_dir, sizeof(cfg->intents_dir), "intents");
	snprintf(cfg->www_dir, sizeof(cfg->www_dir), "bot/www");
	snprintf(cfg->log_level, sizeof(cfg->log_level), "info");
	cfg->max_connections = 20000;
	cfg->max_message_bytes = 64 * 1024;
	cfg->rate_limit_messages = 10;
	cfg->rate_limit_window_s = 10;
	cfg->outbound_queue_max = 64;
	cfg->wal_restart_mb = 256;
	cfg->hello_timeout_s = 10;
	cfg->ping_interval_s = 30;
	cfg->hangup_s = 60;
	cfg->shutdown_deadline_s = 2;
	cfg->agent_grace_s = 60;
	cfg->agent_max_concurrent = 3;
	snprintf(cfg->business_hours, sizeof(cfg->business_hours), "09:00-18:00");
}

typedef enum { K_STR, K_INT, K_BOOL, K_TIME, K_ORIGINS } key_kind;

typedef struct key_desc {
	const char *name;
	key_kind kind;
	size_t offset;
	size_t size; /* for strings */
	int min, max;
} key_desc;

#define STR(n, f) {n, K_STR, offsetof(config, f), sizeof(((config *)0)->f), 0, 0}
#define INT(n, f, lo, hi) {n, K_INT, offsetof(config, f), 0, lo, hi}
#define BOOL(n, f) {n, K_BOOL, offsetof(config, f), 0, 0, 1}

static const key_desc keys[] = {
	STR("host", host),
	INT("port", port, 0, 65535),
	STR("db", db_path),
	BOOL("warm_cache", warm_cache),
	STR("intents", intents_dir),
	STR("www", www_dir),
	BOOL("demo", demo),
	STR("token_secret", token_secret),
	STR("kakao_secret", kakao_secret),
	{"now", K_TIME, offsetof(config, now), 0, 0, 0},
	STR("log_level", log_level),
	BOOL("log_json", log_json),
	STR("log_file", log_file),
	{"origins", K_ORIGINS, 0, 0, 0, 0},
	INT("max_connections", max_connections, 1, 1000000),
	INT("max_message_bytes", max_message_bytes, 256, 16 * 1024 * 1024),
	INT("rate_limit_messages", rate_limit_messages, 1, 1000000000),
	INT("rate_limit_window_s", rate_limit_window_s, 1, 86400),
	INT("outbound_queue_max", outbound_queue_max, 4, 100000),
	INT("wal_restart_mb", wal_restart_mb, 4, 16384),
	INT("hello_timeout_s", hello_timeout_s, 1, 3600),
	INT("ping_interval_s", ping_interval_s, 1, 3600),
	INT("hangup_s", hangup_s, 2, 7200),
	INT("shutdown_deadline_s", shutdown_deadline_s, 1, 600),
	INT("agent_grace_s", agent_grace_s, 0, 86400),
	INT("agent_max_concurrent", agent_max_concurrent, 1, 100),
	STR("business_hours", business_hours),
	STR("holidays", holidays),
};

/* The line of KEY in the file text, for error messages (jansson does not keep
 * positions of values). 0 when not found. */
static int
line_of_key(const char *text, const char *key)
{
	char needle[80];
	snprintf(needle, sizeof(needle), "\"%s\"", key);
	/* The key is the quoted name followed by a colon, not the same text
	 * used as a value elsewhere. */
	const char *p = text;
	for (;; p++) {
		p = strstr(p, needle);
		if (!p)
			return 0;
		const char *after = p + strlen(needle);
		after += strspn(after, " \t\r\n");
		if (*after == ':')
			break;
	}
	int line = 1;
	for (const char *q = text; q < p; q++)
		if (*q == '\n')
			line++;
	return line;
}

static bot_err
set_key(config *cfg, const key_desc *k, json_t *v, char *why, size_t whylen)
{
	char *base = (char *)cfg;
	switch (k->kind) {
	case K_STR:
		if (!json_is_string(v)) {
			snprintf(why, whylen, "\"%s\" must be a string", k->name);
			return BOT_ERR_INVAL;
		}
		if (json_string_length(v) >= k->size) {
			snprintf(why, whylen, "\"%s\" is too long (at most %zu bytes)", k->name,
				 k->size - 1);
			return BOT_ERR_INVAL;
		}
		memcpy(base + k->offset, json_string_value(v), json_string_length(v) + 1);
		return BOT_OK;
	case K_INT:
		if (!json_is_integer(v) || json_integer_value(v) < k->min ||
		    json_integer_value(v) > k->max) {
			snprintf(why, whylen, "\"%s\" must be an integer from %d to %d", k->name,
				 k->min, k->max);
			return BOT_ERR_INVAL;
		}
		*(int *)(base + k->offset) = (int)json_integer_value(v);
		return BOT_OK;
	case K_BOOL:
		if (!json_is_boolean(v)) {
			snprintf(why, whylen, "\"%s\" must be true or false", k->name);
			return BOT_ERR_INVAL;
		}
		*(int *)(base + k->offset) = json_is_true(v);
		return BOT_OK;
	case K_TIME: {
		time_t t;
		if (!json_is_string(v) || clock_parse_utc(json_string_value(v), &t) != BOT_OK) {
			snprintf(why, whylen, "\"%s\" must be a UTC time like 2026-11-20T03:00:00Z",
				 k->name);
			return BOT_ERR_INVAL;
		}
		*(time_t *)(base + k->offset) = t;
		return BOT_OK;
	}
	case K_ORIGINS: {
		size_t i;
		json_t *o;
		if (!json_is_array(v) || json_array_size(v) > CONFIG_MAX_ORIGINS) {
			snprintf(why, whylen, "\"origins\" must be an array of at most %d strings",
				 CONFIG_MAX_ORIGINS);
			return BOT_ERR_INVAL;
		}
		json_array_foreach(v, i, o)
		{
			if (!json_is_string(o) || json_string_length(o) >= sizeof(cfg->origins[0])) {
				snprintf(why, whylen, "\"origins\" entries must be strings");
				return BOT_ERR_INVAL;
			}
			memcpy(cfg->origins[i], json_string_value(o), json_string_length(o) + 1);
		}
		cfg->n_origins = (int)json_array_size(v);
		return BOT_OK;
	}
	}
	return BOT_ERR_INVAL;
}

bot_err
config_load_file(config *cfg, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open configuration file", path);
		return BOT_ERR_IO;
	}
	strbuf text = {.limit = 1u << 20};
	char chunk[4096];
	size_t got;
	bot_err rc = BOT_OK;
	while (rc == BOT_OK && (got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rc = strbuf_append(&text, chunk, got);
	fclose(f);
	if (rc == BOT_ERR_LIMIT)
		snprintf(err, errlen, "%s: configuration file is larger than 1 MiB", path);
	if (rc == BOT_OK && !text.data)
		rc = strbuf_append(&text, "", 0);
	if (rc != BOT_OK) {
		strbuf_free(&text);
		return rc;
	}

	json_error_t jerr;
	json_t *root = json_loadb(text.data, text.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		snprintf(err, errlen, "%s:%d: %s", path, jerr.line, jerr.text);
		strbuf_free(&text);
		return BOT_ERR_PARSE;
	}
	if (!json_is_object(root)) {
		snprintf(err, errlen, "%s:1: the configuration must be a JSON object", path);
		rc = BOT_ERR_PARSE;
		goto done;
	}
	const char *name;
	json_t *v;
	json_object_foreach(root, name, v)
	{
		const key_desc *k = NULL;
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (!strcmp(keys[i].name, name))
				k = &keys[i];
		char why[256];
		if (!k) {
			snprintf(why, sizeof(why), "unknown key \"%.64s\"", name);
			rc = BOT_ERR_INVAL;
		} else {
			rc = set_key(cfg, k, v, why, sizeof(why));
		}
		if (rc != BOT_OK) {
			snprintf(err, errlen, "%s:%d: %s", path, line_of_key(text.data, name), why);
			goto done;
		}
	}
done:
	json_decref(root);
	strbuf_free(&text);
	return rc;
}

bot_err
config_load_env(config *cfg, char *err, size_t errlen)
{
	const char *v = getenv("BOTD_TOKEN_SECRET");
	if (v && *v)
		snprintf(cfg->token_secret, sizeof(cfg->token_secret), "%s", v);
	v = getenv("BOTD_KAKAO_SECRET");
	if (v && *v)
		snprintf(cfg->kakao_secret, sizeof(cfg->kakao_secret), "%s", v);
	v = getenv("BOTD_NOW");
	if (v && *v) {
		if (clock_parse_utc(v, &cfg->now) != BOT_OK) {
			snprintf(err, errlen, "BOTD_NOW: not a UTC time like 2026-11-20T03:00:00Z");
			return BOT_ERR_INVAL;
		}
	}
	return BOT_OK;
}

bot_err
config_validate(const config *cfg, char *err, size_t errlen)
{
	if (!cfg->demo && strlen(cfg->token_secret) < 16) {
		snprintf(err, errlen, "no token secret: set \"token_secret\" (16 characters or "
				      "more) in the configuration or BOTD_TOKEN_SECRET, or use --demo");
		return BOT_ERR_INVAL;
	}
	hours h;
	if (hours_parse(cfg->business_hours, cfg->holidays, &h) != BOT_OK) {
		snprintf(err, errlen, "business_hours must look like 09:00-18:00 and holidays like "
				      "2026-12-25,2027-01-01");
		return BOT_ERR_INVAL;
	}
	if (cfg->hangup_s <= cfg->ping_interval_s) {
		snprintf(err, errlen, "hangup_s must be larger than ping_interval_s");
		return BOT_ERR_INVAL;
	}
	return BOT_OK;
}
