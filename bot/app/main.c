/* botd: the command line. Subcommands: serve (default), token, classify,
 * check, ask, gen-data. Each has --help. */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "answer.h"
#include "clock.h"
#include "config.h"
#include "dialog.h"
#include "gendata.h"
#include "intent.h"
#include "intent_check.h"
#include "kakao.h"
#include "log.h"
#include "normalize.h"
#include "queryjson.h"
#include "server.h"
#include "store.h"
#include "token.h"
#include "wiring.h"

static const char usage_serve[] =
	"usage: botd [serve] [options]\n"
	"Serves the web chat (WS /ws/chat), the health checks and the static pages.\n"
	"  --host H              address to listen on (default 127.0.0.1)\n"
	"  --port P              port (default 8080)\n"
	"  --db PATH             SQLite database; created with the schema when absent\n"
	"  --config FILE         JSON configuration (see README); flags override it\n"
	"  --demo                load the demo cast into a new database, use the demo token\n"
	"                        secret and serve GET /demo/cast\n"
	"  --intents DIR         intent files (default intents)\n"
	"  --www DIR             static pages (default bot/www)\n"
	"  --log-level LEVEL     debug, info, warn or error (default info)\n"
	"  --log-json            log JSON lines instead of plain text\n"
	"  --log-file PATH       log to PATH instead of stderr (reopened on SIGUSR1)\n"
	"  --now TIME            fix the clock (UTC, 2026-11-20T03:00:00Z), for tests\n"
	"  --classify            read lines on stdin, print one JSON classification each\n"
	"  --version             print the version\n"
	"  --help                this text\n"
	"Commands: serve (default), check, classify, ask, token, gen-data; each has --help.\n"
	"Environment: BOTD_TOKEN_SECRET, BOTD_KAKAO_SECRET, BOTD_NOW.\n"
	"Signals: SIGTERM/SIGINT drain and stop; SIGHUP reloads the configuration and\n"
	"intents; SIGUSR1 reopens the log file.\n";

enum {
	OPT_HOST = 256,
	OPT_PORT,
	OPT_DB,
	OPT_CONFIG,
	OPT_DEMO,
	OPT_INTENTS,
	OPT_WWW,
	OPT_LOG_LEVEL,
	OPT_LOG_JSON,
	OPT_LOG_FILE,
	OPT_NOW,
	OPT_CLASSIFY,
	OPT_VERSION,
	OPT_HELP,
	OPT_MEMBER,
	OPT_AGENT,
	OPT_TTL,
	OPT_ACCOUNT,
	OPT_LANG,
};

static const struct option common_opts[] = {
	{"host", required_argument, NULL, OPT_HOST},
	{"port", required_argument, NULL, OPT_PORT},
	{"db", required_argument, NULL, OPT_DB},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"demo", no_argument, NULL, OPT_DEMO},
	{"intents", required_argument, NULL, OPT_INTENTS},
	{"www", required_argument, NULL, OPT_WWW},
	{"log-level", required_argument, NULL, OPT_LOG_LEVEL},
	{"log-json", no_argument, NULL, OPT_LOG_JSON},
	{"log-file", required_argument, NULL, OPT_LOG_FILE},
	{"now", required_argument, NULL, OPT_NOW},
	{"classify", no_argument, NULL, OPT_CLASSIFY},
	{"version", no_argument, NULL, OPT_VERSION},
	{"help", no_argument, NULL, OPT_HELP},
	{"member", required_argument, NULL, OPT_MEMBER},
	{"agent", required_argument, NULL, OPT_AGENT},
	{"ttl", required_argument, NULL, OPT_TTL},
	{"account", required_argument, NULL, OPT_ACCOUNT},
	{"lang", required_argument, NULL, OPT_LANG},
	{NULL, 0, NULL, 0},
};

/* Options that are not configuration: which subcommand-specific values were
 * given on the command line. */
typedef struct cli {
	const char *config_path;
	int classify;
	int64_t member, agent, account;
	int member_given; /* --member 0 (ask): an unlinked KakaoTalk user */
	long ttl;
	const char *lang;
	/* Flags are applied after the file, so they are kept here first. */
	const char *host, *db, *intents, *www, *log_level, *log_file, *now;
	int port, demo, log_json;
} cli;

static int
die(const char *fmt, const char *a)
{
	fprintf(stderr, "botd: ");
	fprintf(stderr, fmt, a);
	fputc('\n', stderr);
	return 2;
}

static int
parse_int64(const char *s, int64_t *out)
{
	char *end = NULL;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || !end || *end || end == s)
		return -1;
	*out = v;
	return 0;
}

/* Parses ARGV into C. Returns 0, 1 for --help/--version handled, or 2 for a
 * usage error (already reported). */
static int
parse_args(int argc, char **argv, cli *c, const char *usage)
{
	int opt;
	int64_t v;
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", common_opts, NULL)) != -1) {
		switch (opt) {
		case OPT_HOST: c->host = optarg; break;
		case OPT_PORT:
			if (parse_int64(optarg, &v) || v < 0 || v > 65535)
				return die("--port: not a port number: %s", optarg);
			c->port = (int)v + 1; /* 0 means "not given" */
			break;
		case OPT_DB: c->db = optarg; break;
		case OPT_CONFIG: c->config_path = optarg; break;
		case OPT_DEMO: c->demo = 1; break;
		case OPT_INTENTS: c->intents = optarg; break;
		case OPT_WWW: c->www = optarg; break;
		case OPT_LOG_LEVEL:
			if (log_level_parse(optarg) < 0)
				return die("--log-level: expected debug, info, warn or error, not %s",
					   optarg);
			c->log_level = optarg;
			break;
		case OPT_LOG_JSON: c->log_json = 1; break;
		case OPT_LOG_FILE: c->log_file = optarg; break;
		case OPT_NOW: c->now = optarg; break;
		case OPT_CLASSIFY: c->classify = 1; break;
		case OPT_VERSION: printf("botd %s\n", BOTD_VERSION); return 1;
		case OPT_HELP: fputs(usage, stdout); return 1;
		case OPT_MEMBER:
			if (parse_int64(optarg, &c->member) || c->member < 0)
				return die("--member: not a member id: %s", optarg);
			c->member_given = 1;
			break;
		case OPT_AGENT:
			if (parse_int64(optarg, &c->agent) || c->agent <= 0)
				return die("--agent: not an agent id: %s", optarg);
			break;
		case OPT_ACCOUNT:
			if (parse_int64(optarg, &c->account) || c->account <= 0)
				return die("--account: not an account id: %s", optarg);
			break;
		case OPT_TTL:
			if (parse_int64(optarg, &v) || v <= 0 || v > 365L * 86400)
				return die("--ttl: expected seconds from 1 to one year, not %s", optarg);
			c->ttl = (long)v;
			break;
		case OPT_LANG:
			if (strcmp(optarg, "ko") && strcmp(optarg, "en"))
				return die("--lang: expected ko or en, not %s", optarg);
			c->lang = optarg;
			break;
		default:
			if (optopt && optopt < 256)
				fprintf(stderr, "botd: unknown option -%c\n", optopt);
			else
				fprintf(stderr, "botd: unknown or incomplete option %s\n",
					argv[optind - 1]);
			fprintf(stderr, "Try 'botd --help'.\n");
			return 2;
		}
	}
	return 0;
}

/* Defaults, then the file, then the environment, then the flags. On error
 * writes the reason into ERR and returns -1. */
static int
read_config(const cli *c, config *cfg, char *err, size_t errlen)
{
	config_defaults(cfg);
	if (c->config_path && config_load_file(cfg, c->config_path, err, errlen) != BOT_OK)
		return -1;
	if (config_load_env(cfg, err, errlen) != BOT_OK)
		return -1;
#define FLAG_STR(field, value) \
	if (value)             \
	snprintf(cfg->field, sizeof(cfg->field), "%s", value)
	FLAG_STR(host, c->host);
	FLAG_STR(db_path, c->db);
	FLAG_STR(intents_dir, c->intents);
	FLAG_STR(www_dir, c->www);
	FLAG_STR(log_level, c->log_level);
	FLAG_STR(log_file, c->log_file);
#undef FLAG_STR
	if (c->port)
		cfg->port = c->port - 1;
	if (c->demo)
		cfg->demo = 1;
	if (c->log_json)
		cfg->log_json = 1;
	if (c->now && clock_parse_utc(c->now, &cfg->now) != BOT_OK) {
		snprintf(err, errlen, "--now: not a UTC time like 2026-11-20T03:00:00Z: %s", c->now);
		return -1;
	}
	if (cfg->demo && !cfg->token_secret[0])
		snprintf(cfg->token_secret, sizeof(cfg->token_secret), "%s", CONFIG_DEMO_SECRET);
	if (log_level_parse(cfg->log_level) < 0) {
		snprintf(err, errlen, "log_level: expected debug, info, warn or error, not %s",
			 cfg->log_level);
		return -1;
	}
	return 0;
}

/* Puts the logging settings and the clock of CFG into effect. */
static int
apply_runtime(const config *cfg, char *err, size_t errlen)
{
	if (cfg->log_file[0] && log_open_file(cfg->log_file)) {
		snprintf(err, errlen, "cannot open log file %s", cfg->log_file);
		return -1;
	}
	if (!cfg->log_file[0])
		log_open_file(NULL);
	log_set_level((log_level)log_level_parse(cfg->log_level));
	log_set_json(cfg->log_json);
	clock_set_fixed(cfg->now);
	return 0;
}

static int
build_config(const cli *c, config *cfg)
{
	char err[512];
	if (read_config(c, cfg, err, sizeof(err)) || apply_runtime(cfg, err, sizeof(err)))
		return die("%s", err);
	return 0;
}

static int
load_intents(const config *cfg, intent_set **out)
{
	char err[512] = "";
	if (intent_set_load_dir(cfg->intents_dir, out, err, sizeof(err)) != BOT_OK)
		return die("intents: %s", err[0] ? err : "cannot load");
	return 0;
}

/* ---- classify ---------------------------------------------------------------- */

/* One classification as a JSON object (a new reference). */
static json_t *
classification_json(const intent_result *r)
{
	json_t *out = json_pack("{s:o, s:O, s:O}", "intent",
				r->intent ? json_string(r->intent) : json_null(), "slots", r->slots,
				"slot_words", r->slot_words);
	if (!out)
		return NULL;
	if (r->also)
		json_object_set_new(out, "also",
				    json_pack("{s:s, s:O, s:O}", "intent", r->also, "slots",
					      r->also_slots, "slot_words", r->also_slot_words));
	if (r->clarify) {
		json_t *cands = json_array();
		for (int i = 0; i < r->n_candidates; i++)
			json_array_append_new(cands, json_string(r->candidates[i]));
		json_object_set_new(out, "clarify", cands);
	}
	json_t *sug = json_array();
	for (int i = 0; i < r->n_suggest; i++)
		json_array_append_new(sug, json_string(r->suggest[i]));
	json_object_set_new(out, "suggest", sug);
	if (r->via == INTENT_VIA_FOLLOWUP || r->via == INTENT_VIA_CORRECTION)
		json_object_set_new(out, "via", json_string(r->via == INTENT_VIA_FOLLOWUP
								     ? "followup"
								     : "correction"));
	if (r->other_account)
		json_object_set_new(out, "other_account", json_true());
	if (r->explain) {
		json_object_set(out, "matched", json_object_get(r->explain, "concepts"));
		json_object_set(out, "rule", json_object_get(r->explain, "rule"));
	}
	return out;
}

/* Each line is a message; a line with tabs is a conversation, its last
 * field the message and the fields before it the earlier turns, each
 * classified in the context of the one before (what the dialogue does). */
static int
cmd_classify(const config *cfg)
{
	intent_set *set = NULL;
	if (load_intents(cfg, &set))
		return 2;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, stdin)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		line[n] = '\0';
		intent_result r, prev;
		memset(&r, 0, sizeof(r));
		memset(&prev, 0, sizeof(prev));
		intent_context ctx = {0};
		const char *turn = line, *prev_text = NULL;
		bot_err rc = BOT_OK;
		for (;;) {
			const char *tab = strchr(turn, '\t');
			size_t len = tab ? (size_t)(tab - turn) : strlen(turn);
			rc = intent_classify_ctx(set, turn, len, clock_now(), ctx.intent ? &ctx : NULL,
						 tab ? 0 : INTENT_EXPLAIN, &r);
			if (rc != BOT_OK || !tab)
				break;
			/* A follow-up keeps the question it follows as its context. */
			if (r.intent) {
				if (r.via == INTENT_VIA_TEXT || !prev_text)
					prev_text = turn, ctx.len = len;
				intent_result_clear(&prev);
				prev = r;
				memset(&r, 0, sizeof(r));
				ctx.intent = prev.intent;
				ctx.slots = prev.slots;
				ctx.text = prev_text;
			} else {
				intent_result_clear(&r);
			}
			turn = tab + 1;
		}
		json_t *out;
		if (rc == BOT_OK)
			out = classification_json(&r);
		else
			out = json_pack("{s:n, s:{}, s:s}", "intent", "slots", "error",
					"classification failed");
		intent_result_clear(&r);
		intent_result_clear(&prev);
		char *s = out ? json_dumps(out, JSON_COMPACT) : NULL;
		json_decref(out);
		if (s) {
			puts(s);
			free(s);
		}
		fflush(stdout);
	}
	free(line);
	intent_set_free(set);
	return 0;
}

/* ---- check ------------------------------------------------------------------- */

static int
cmd_check(const config *cfg, const char *config_path)
{
	intent_set *set = NULL;
	char err[512];
	if (config_validate(cfg, err, sizeof(err)) != BOT_OK && config_path)
		return die("configuration: %s", err);
	if (load_intents(cfg, &set))
		return 1;
	int failures = intent_self_check(set, clock_now());
	printf("%zu intents loaded, %d example failures\n", intent_count(set), failures);
	intent_set_free(set);
	return failures ? 1 : 0;
}

/* ---- token ------------------------------------------------------------------- */

static int
cmd_token(const cli *c, const config *cfg)
{
	if (!!c->member == !!c->agent)
		return die("token: give exactly one of --member ID or --agent ID%s", "");
	if (!cfg->token_secret[0])
		return die("token: no secret; use --demo, --config FILE or BOTD_TOKEN_SECRET%s", "");
	char *tok = NULL;
	if (token_mint(cfg->token_secret, c->member ? "member" : "agent",
		       c->member ? c->member : c->agent, c->ttl ? c->ttl : 3600, clock_now(),
		       &tok) != BOT_OK)
		return die("token: cannot mint a token%s", "");
	puts(tok);
	free(tok);
	return 0;
}

/* ---- ask ----------------------------------------------------------------------- */

/* Whether MEMBER (0: an unlinked KakaoTalk user, always there) and ACCOUNT
 * (0: none given) are in the database. An id it does not hold is the
 * caller's mistake, not a question: 0 when both are there, else 1 with a
 * message naming the id (or what went wrong reading them). */
static int
ask_check_ids(store *st, int64_t member, int64_t account)
{
	char err[256] = "";
	store_query *q = NULL;
	json_t *params = NULL, *rows = NULL;
	int rc = 1;
	if (store_query_prepare(st,
				"SELECT EXISTS (SELECT 1 FROM members WHERE id = :member) AS member, "
				"EXISTS (SELECT 1 FROM ad_accounts WHERE id = :account) AS account",
				&q, err, sizeof(err)) != BOT_OK) {
		fprintf(stderr, "botd: ask: cannot read the members: %s\n", err);
		goto done;
	}
	params = json_pack("{s:I, s:I}", "member", (json_int_t)member, "account",
			   (json_int_t)account);
	if (!params || queryjson_run(q, params, 1, &rows) != BOT_OK) {
		fprintf(stderr, "botd: ask: cannot read the members\n");
		goto done;
	}
	const json_t *row = json_array_get(rows, 0);
	if (member && !json_integer_value(json_object_get(row, "member"))) {
		fprintf(stderr, "botd: ask: member %lld does not exist in this database\n",
			(long long)member);
		goto done;
	}
	if (account && !json_integer_value(json_object_get(row, "account"))) {
		fprintf(stderr, "botd: ask: ad account %lld does not exist in this database\n",
			(long long)account);
		goto done;
	}
	rc = 0;
done:
	json_decref(rows);
	json_decref(params);
	store_query_free(q);
	return rc;
}

/* Runs one question through the whole dialogue on a scratch conversation and
 * prints what the customer would see. Nothing is committed. An unknown
 * member or account id exits 1 with a message naming it; an account the
 * member does not belong to is answered (the reply says it is not theirs). */
static int
cmd_ask(const cli *c, const config *cfg, const char *question)
{
	if (!c->member_given)
		return die("ask: --member ID is required (0 = an unlinked KakaoTalk user)%s", "");
	if (!question)
		return die("ask: give the question as the last argument%s", "");
	int rc = 1;
	char err[512] = "";
	wiring w;
	store_options so = {.path = cfg->db_path, .load_demo = cfg->demo};
	if (wiring_open(&so, cfg->intents_dir, &w, err, sizeof(err)) != BOT_OK) {
		die("%s", err);
		return 1;
	}
	store *st = w.st;
	if (ask_check_ids(st, c->member, c->account)) {
		wiring_close(&w);
		return 1;
	}
	store_conversation conv;
	dialog_result res;
	store_batch_begin(st);
	if (store_conversation_create(st, c->member, c->member ? "web" : "kakao", NULL, &conv) !=
	    BOT_OK)
		goto rollback;
	conv.account_id = c->account;
	if (c->lang)
		snprintf(conv.lang, sizeof(conv.lang), "%s", c->lang);
	dialog_turn turn = {.text = question, .len = strlen(question)};
	if (dialog_customer_turn(w.dlg, &conv, &turn, &res) != BOT_OK) {
		dialog_result_clear(&res);
		goto rollback;
	}
	for (int i = 0; i < res.n_replies; i++) {
		printf("%s\n", res.replies[i].text);
		size_t k;
		json_t *q;
		json_array_foreach(res.replies[i].quick_replies, k, q)
		printf("[%s] %s\n", json_string_value(json_object_get(q, "label")),
		       json_string_value(json_object_get(q, "value")));
	}
	if (res.escalated)
		printf("(handed to an agent: %s)\n", res.escalated);
	dialog_result_clear(&res);
	rc = 0;
rollback:
	/* A question asked from the command line leaves no trace. */
	store_batch_rollback(st);
	wiring_close(&w);
	return rc;
}

/* ---- serve --------------------------------------------------------------------- */

/* What SIGHUP may change while serving. */
typedef struct serve_state {
	const cli *c;
	config *cfg;
	wiring *w;
} serve_state;

/* SIGHUP: reads the configuration again and reloads the intents. Everything
 * is built aside first; only when all of it is good does it replace the old
 * set, so a broken reload changes nothing. The listening address, the
 * database and the directories stay as they were at start-up. */
static bot_err
reload(void *ctx, const intent_set **intents, char *err, size_t errlen)
{
	serve_state *ss = ctx;
	config fresh;
	wiring_engines next;
	if (read_config(ss->c, &fresh, err, errlen))
		return BOT_ERR_INVAL;
	if (config_validate(&fresh, err, errlen) != BOT_OK)
		return BOT_ERR_INVAL;
	if (wiring_load(ss->w, ss->cfg->intents_dir, &next, err, errlen) != BOT_OK)
		return BOT_ERR_PARSE;
	if (apply_runtime(&fresh, err, errlen)) {
		wiring_engines_free(&next);
		return BOT_ERR_IO;
	}
	/* Keep what cannot change under running connections. */
	memcpy(fresh.host, ss->cfg->host, sizeof(fresh.host));
	fresh.port = ss->cfg->port;
	memcpy(fresh.db_path, ss->cfg->db_path, sizeof(fresh.db_path));
	fresh.warm_cache = ss->cfg->warm_cache;
	memcpy(fresh.intents_dir, ss->cfg->intents_dir, sizeof(fresh.intents_dir));
	memcpy(fresh.www_dir, ss->cfg->www_dir, sizeof(fresh.www_dir));
	fresh.demo = ss->cfg->demo;
	*ss->cfg = fresh;
	wiring_swap(ss->w, &next);
	*intents = ss->w->engines.set;
	return BOT_OK;
}

static int
cmd_serve(const cli *c, config *cfg)
{
	char err[512] = "";
	int rc = 1;
	wiring w;
	kakao *kk = NULL;
	if (config_validate(cfg, err, sizeof(err)) != BOT_OK)
		return die("%s", err);
	/* Every turn frees SQLite's statement journal; without these glibc hands
	 * the memory back to the kernel and takes it again each time (setting
	 * the trim threshold also freezes the mmap threshold at 128 KiB, below
	 * some of SQLite's per-statement buffers). */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
	store_options so = {.path = cfg->db_path,
			    .load_demo = cfg->demo,
			    .manual_checkpoint = 1,
			    .deferred_sync = 1,
			    .warm_cache = cfg->warm_cache};
	if (wiring_open(&so, cfg->intents_dir, &w, err, sizeof(err)) != BOT_OK) {
		die("%s", err);
		return 1;
	}
	if (kakao_new(cfg, w.st, w.dlg, &kk) != BOT_OK)
		goto done;
	serve_state ss = {.c = c, .cfg = cfg, .w = &w};
	server_deps deps = {.cfg = cfg,
			    .st = w.st,
			    .dlg = w.dlg,
			    .intents = w.engines.set,
			    .kakao = kk,
			    .reload = reload,
			    .reload_ctx = &ss};
	if (cfg->demo) {
		char *tok = NULL;
		token_mint(cfg->token_secret, "member", 1, 86400, clock_now(), &tok);
		/* The banner is for the person at the terminal, not a log line:
		 * stdout, so the log (stderr) never carries a token. */
		fprintf(stdout,
			"\nbotd demo\n"
			"  web chat:      http://%s:%d/\n"
			"  agent console: http://%s:%d/agent.html\n"
			"  health check:  http://%s:%d/healthz\n"
			"  demo login:    pick a demo member on the chat page, or use this token\n"
			"                 for member 1: %s\n\n",
			cfg->host, cfg->port, cfg->host, cfg->port, cfg->host, cfg->port,
			tok ? tok : "(none)");
		fflush(stdout);
		free(tok);
	}
	if (server_run(&deps, err, sizeof(err)) != BOT_OK) {
		die("%s", err);
		goto done;
	}
	rc = 0;
done:
	kakao_free(kk);
	wiring_close(&w);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *sub = "serve";
	if (argc > 1 && argv[1][0] != '-') {
		sub = argv[1];
		argv++;
		argc--;
	}
	/* gen-data has options of its own (see gendata.h). */
	if (!strcmp(sub, "gen-data"))
		return gendata_main(argc, argv);
	static const struct {
		const char *name, *usage;
	} subs[] = {
		{"serve", usage_serve},
		{"classify", "usage: botd classify [--intents DIR] [--now TIME]\n"
			     "Reads UTF-8 lines on stdin and writes one JSON object per line:\n"
			     "{\"intent\": id or null, \"slots\": {...}, \"slot_words\": {...},\n"
			     " \"also\": {second topic}, \"suggest\": [...], \"matched\": [...],\n"
			     " \"rule\": ...}. A line with tabs is a conversation: its last field\n"
			     "is classified after the fields before it (follow-ups).\n"},
		{"check", "usage: botd check [--config FILE] [--intents DIR]\n"
			  "Validates the configuration and every intent file, and runs every\n"
			  "example and near-miss; prints each failure, exits 1 on any.\n"},
		{"token", "usage: botd token --member ID | --agent ID [--ttl SECONDS] [--demo | "
			  "--config FILE]\nPrints a signed access token.\n"},
		{"ask", "usage: botd ask --db PATH --member ID [--account ID] [--lang ko|en] "
			"[--demo] \"question\"\n"
			"Prints the answer a customer would get (nothing is stored).\n"
			"--member 0 asks as an unlinked KakaoTalk user (general answers only).\n"},
	};
	const char *usage = NULL;
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(sub, subs[i].name))
			usage = subs[i].usage;
	if (!usage) {
		fprintf(stderr, "botd: unknown command %s\nTry 'botd --help'.\n", sub);
		return 2;
	}
	cli c;
	memset(&c, 0, sizeof(c));
	int prc = parse_args(argc, argv, &c, usage);
	if (prc == 1)
		return 0;
	if (prc)
		return prc;
	config cfg;
	if (build_config(&c, &cfg))
		return 2;
	if (c.classify || !strcmp(sub, "classify"))
		return cmd_classify(&cfg);
	if (!strcmp(sub, "check"))
		return cmd_check(&cfg, c.config_path);
	if (!strcmp(sub, "token"))
		return cmd_token(&c, &cfg);
	if (!strcmp(sub, "ask"))
		return cmd_ask(&c, &cfg, optind < argc ? argv[optind] : NULL);
	if (optind < argc)
		return die("unexpected argument %s", argv[optind]);
	return cmd_serve(&c, &cfg);
}
