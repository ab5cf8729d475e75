/* Unit tests of configuration (bot/config.c): defaults, the JSON file with
 * file:line errors, environment overrides and validation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"

static char dir[64];
static char path[128];
static char err[512];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_config.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/botd.json", dir);
	unsetenv("BOTD_TOKEN_SECRET");
	unsetenv("BOTD_KAKAO_SECRET");
	unsetenv("BOTD_NOW");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	rmdir(dir);
	return 0;
}

static void
write_file(const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Loads TEXT over fresh defaults into *CFG; returns the code, ERR set. */
static bot_err
load(const char *text, config *cfg)
{
	config_defaults(cfg);
	write_file(text);
	err[0] = 0;
	return config_load_file(cfg, path, err, sizeof(err));
}

/* Expects TEXT refused with RC and an error starting "PATH:LINE: ". */
static void
expect_error(const char *text, bot_err rc, int line)
{
	config cfg;
	bot_err got = load(text, &cfg);
	if (got != rc)
		fail_msg("want %d, got %d (%s) for: %s", rc, got, err, text);
	char prefix[200];
	snprintf(prefix, sizeof(prefix), "%s:%d: ", path, line);
	if (strncmp(err, prefix, strlen(prefix)))
		fail_msg("error \"%s\" does not start with \"%s\"", err, prefix);
	assert_true(strlen(err) > strlen(prefix));
}

static void
test_defaults(void **state)
{
	(void)state;
	config cfg;
	memset(&cfg, 0x7f, sizeof(cfg));
	config_defaults(&cfg);
	assert_string_equal(cfg.host, "127.0.0.1");
	assert_int_equal(cfg.port, 8080);
	assert_string_equal(cfg.db_path, "botd.db");
	assert_string_equal(cfg.intents_dir, "intents");
	assert_string_equal(cfg.www_dir, "bot/www");
	assert_int_equal(cfg.demo, 0);
	assert_string_equal(cfg.token_secret, "");
	assert_string_equal(cfg.kakao_secret, "");
	assert_int_equal(cfg.now, 0);
	assert_string_equal(cfg.log_level, "info");
	assert_int_equal(cfg.log_json, 0);
	assert_string_equal(cfg.log_file, "");
	assert_int_equal(cfg.n_origins, 0);
	assert_int_equal(cfg.max_connections, 20000);
	assert_int_equal(cfg.max_message_bytes, 64 * 1024);
	assert_int_equal(cfg.rate_limit_messages, 10);
	assert_int_equal(cfg.rate_limit_window_s, 10);
	assert_int_equal(cfg.outbound_queue_max, 64);
	assert_int_equal(cfg.wal_restart_mb, 256);
	assert_int_equal(cfg.hello_timeout_s, 10);
	assert_int_equal(cfg.ping_interval_s, 30);
	assert_int_equal(cfg.hangup_s, 60);
	assert_int_equal(cfg.shutdown_deadline_s, 2);
	assert_int_equal(cfg.agent_grace_s, 60);
	assert_int_equal(cfg.agent_max_concurrent, 3);
	assert_string_equal(cfg.business_hours, "09:00-18:00");
	assert_string_equal(cfg.holidays, "");
	/* Defaults validate once a secret is there (or in demo mode). */
	assert_int_equal(config_validate(&cfg, err, sizeof(err)), BOT_ERR_INVAL);
	cfg.demo = 1;
	assert_int_equal(config_validate(&cfg, err, sizeof(err)), BOT_OK);
}

static void
test_every_key(void **state)
{
	(void)state;
	config cfg;
	bot_err rc = load("{\n"
			  "  \"host\": \"0.0.0.0\",\n"
			  "  \"port\": 9090,\n"
			  "  \"db\": \"/var/lib/botd/botd.db\",\n"
			  "  \"intents\": \"/usr/share/botd/intents\",\n"
			  "  \"www\": \"/usr/share/botd/www\",\n"
			  "  \"demo\": true,\n"
			  "  \"token_secret\": \"0123456789abcdef0123\",\n"
			  "  \"kakao_secret\": \"kakao-shared\",\n"
			  "  \"now\": \"2026-11-20T03:00:00Z\",\n"
			  "  \"log_level\": \"debug\",\n"
			  "  \"log_json\": true,\n"
			  "  \"log_file\": \"/var/log/botd.log\",\n"
			  "  \"origins\": [\"https://a.example\", \"https://b.example\"],\n"
			  "  \"max_connections\": 500,\n"
			  "  \"max_message_bytes\": 8192,\n"
			  "  \"rate_limit_messages\": 5,\n"
			  "  \"rate_limit_window_s\": 20,\n"
			  "  \"outbound_queue_max\": 16,\n"
			  "  \"hello_timeout_s\": 5,\n"
			  "  \"ping_interval_s\": 15,\n"
			  "  \"hangup_s\": 45,\n"
			  "  \"shutdown_deadline_s\": 7,\n"
			  "  \"agent_grace_s\": 0,\n"
			  "  \"agent_max_concurrent\": 8,\n"
			  "  \"business_hours\": \"10:00-19:00\",\n"
			  "  \"holidays\": \"2026-12-25,2027-01-01\"\n"
			  "}\n",
			  &cfg);
	if (rc != BOT_OK)
		fail_msg("%s", err);
	assert_string_equal(cfg.host, "0.0.0.0");
	assert_int_equal(cfg.port, 9090);
	assert_string_equal(cfg.db_path, "/var/lib/botd/botd.db");
	assert_string_equal(cfg.intents_dir, "/usr/share/botd/intents");
	assert_string_equal(cfg.www_dir, "/usr/share/botd/www");
	assert_int_equal(cfg.demo, 1);
	assert_string_equal(cfg.token_secret, "0123456789abcdef0123");
	assert_string_equal(cfg.kakao_secret, "kakao-shared");
	assert_int_equal(cfg.now, (time_t)1795143600); /* 2026-11-20 03:00:00 UTC */
	assert_string_equal(cfg.log_level, "debug");
	assert_int_equal(cfg.log_json, 1);
	assert_string_equal(cfg.log_file, "/var/log/botd.log");
	assert_int_equal(cfg.n_origins, 2);
	assert_string_equal(cfg.origins[0], "https://a.example");
	assert_string_equal(cfg.origins[1], "https://b.example");
	assert_int_equal(cfg.max_connections, 500);
	assert_int_equal(cfg.max_message_bytes, 8192);
	assert_int_equal(cfg.rate_limit_messages, 5);
	assert_int_equal(cfg.rate_limit_window_s, 20);
	assert_int_equal(cfg.outbound_queue_max, 16);
	assert_int_equal(cfg.hello_timeout_s, 5);
	assert_int_equal(cfg.ping_interval_s, 15);
	assert_int_equal(cfg.hangup_s, 45);
	assert_int_equal(cfg.shutdown_deadline_s, 7);
	assert_int_equal(cfg.agent_grace_s, 0);
	assert_int_equal(cfg.agent_max_concurrent, 8);
	assert_string_equal(cfg.business_hours, "10:00-19:00");
	assert_string_equal(cfg.holidays, "2026-12-25,2027-01-01");
	assert_int_equal(config_validate(&cfg, err, sizeof(err)), BOT_OK);
}

static void
test_partial_file_keeps_defaults(void **state)
{
	(void)state;
	config cfg;
	assert_int_equal(load("{\"port\": 1234}", &cfg), BOT_OK);
	assert_int_equal(cfg.port, 1234);
	assert_string_equal(cfg.host, "127.0.0.1");
	assert_int_equal(cfg.hangup_s, 60);
	assert_int_equal(load("{}", &cfg), BOT_OK);
	assert_int_equal(cfg.port, 8080);
	/* An empty origins list is allowed. */
	assert_int_equal(load("{\"origins\": []}", &cfg), BOT_OK);
	assert_int_equal(cfg.n_origins, 0);
}

static void
test_unknown_key(void **state)
{
	(void)state;
	expect_error("{\n  \"port\": 8080,\n  \"prot\": 8081\n}\n", BOT_ERR_INVAL, 3);
	assert_non_null(strstr(err, "unknown key"));
	assert_non_null(strstr(err, "prot"));
	expect_error("{\"token-secret\": \"abc\"}", BOT_ERR_INVAL, 1);
	expect_error("{\n\n\n\n  \"Port\": 1}", BOT_ERR_INVAL, 5);
	/* Sections are not a thing: a nested object is an unknown key too. */
	expect_error("{\n\"server\": {\"port\": 1}\n}", BOT_ERR_INVAL, 2);
}

static void
test_wrong_types(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int line;
	} cases[] = {
		{"{\n\"port\": \"8080\"\n}", 2},
		{"{\n\"port\": 80.5\n}", 2},
		{"{\n\"port\": true\n}", 2},
		{"{\n\"port\": null\n}", 2},
		{"{\n\"host\": 127\n}", 2},
		{"{\n\"host\": null\n}", 2},
		{"{\n\"host\": [\"a\"]\n}", 2},
		{"{\n\"demo\": 1\n}", 2},
		{"{\n\"demo\": \"true\"\n}", 2},
		{"{\n\"log_json\": null\n}", 2},
		{"{\n\"now\": 1795143600\n}", 2},
		{"{\n\"now\": \"yesterday\"\n}", 2},
		{"{\n\"now\": \"2026-11-20T03:00:00+09:00\"\n}", 2},
		{"{\n\"origins\": \"https://a.example\"\n}", 2},
		{"{\n\"origins\": [1]\n}", 2},
		{"{\n\"origins\": [\"a\", null]\n}", 2},
		{"{\n\"token_secret\": {}\n}", 2},
		{"{\n\"holidays\": [\"2026-12-25\"]\n}", 2},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_error(cases[i].text, BOT_ERR_INVAL, cases[i].line);
}

static void
test_ranges_and_lengths(void **state)
{
	(void)state;
	static const struct {
		const char *key;
		long long lo, hi;
	} ranges[] = {
		{"port", 0, 65535},
		{"max_connections", 1, 1000000},
		{"max_message_bytes", 256, 16 * 1024 * 1024},
		{"rate_limit_messages", 1, 1000000000},
		{"rate_limit_window_s", 1, 86400},
		{"outbound_queue_max", 4, 100000},
		{"wal_restart_mb", 4, 16384},
		{"hello_timeout_s", 1, 3600},
		{"ping_interval_s", 1, 3600},
		{"hangup_s", 2, 7200},
		{"shutdown_deadline_s", 1, 600},
		{"agent_grace_s", 0, 86400},
		{"agent_max_concurrent", 1, 100},
	};
	config cfg;
	char text[256];
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		snprintf(text, sizeof(text), "{\"%s\": %lld}", ranges[i].key, ranges[i].lo);
		if (load(text, &cfg) != BOT_OK)
			fail_msg("%s", err);
		snprintf(text, sizeof(text), "{\"%s\": %lld}", ranges[i].key, ranges[i].hi);
		if (load(text, &cfg) != BOT_OK)
			fail_msg("%s", err);
		snprintf(text, sizeof(text), "{\n\"%s\": %lld}", ranges[i].key, ranges[i].lo - 1);
		expect_error(text, BOT_ERR_INVAL, 2);
		assert_non_null(strstr(err, ranges[i].key));
		snprintf(text, sizeof(text), "{\n\"%s\": %lld}", ranges[i].key, ranges[i].hi + 1);
		expect_error(text, BOT_ERR_INVAL, 2);
		/* Values that would wrap an int are refused, not truncated. */
		snprintf(text, sizeof(text), "{\"%s\": 4294967297}", ranges[i].key);
		expect_error(text, BOT_ERR_INVAL, 1);
		snprintf(text, sizeof(text), "{\"%s\": -4294967296}", ranges[i].key);
		expect_error(text, BOT_ERR_INVAL, 1);
	}
	assert_int_equal(load("{\"port\": 65535}", &cfg), BOT_OK);
	assert_int_equal(cfg.port, 65535);

	/* Strings longer than their field are refused, not cut. */
	char big[1200];
	memset(big, 'h', 64);
	big[64] = 0;
	char buf[1400];
	snprintf(buf, sizeof(buf), "{\"host\": \"%s\"}", big);
	expect_error(buf, BOT_ERR_INVAL, 1);
	assert_non_null(strstr(err, "too long"));
	big[63] = 0;
	snprintf(buf, sizeof(buf), "{\"host\": \"%s\"}", big);
	assert_int_equal(load(buf, &cfg), BOT_OK);
	assert_int_equal(strlen(cfg.host), 63);
	memset(big, 's', 256);
	big[256] = 0;
	snprintf(buf, sizeof(buf), "{\"token_secret\": \"%s\"}", big);
	expect_error(buf, BOT_ERR_INVAL, 1);
	/* The error never quotes the secret. */
	assert_null(strstr(err, "ssssssss"));

	/* At most CONFIG_MAX_ORIGINS origins. */
	char origins[1024] = "{\"origins\": [";
	for (int i = 0; i <= CONFIG_MAX_ORIGINS; i++)
		snprintf(origins + strlen(origins), sizeof(origins) - strlen(origins),
			 "%s\"https://o%d.example\"", i ? "," : "", i);
	strcat(origins, "]}");
	expect_error(origins, BOT_ERR_INVAL, 1);
}

static void
test_malformed_json(void **state)
{
	(void)state;
	expect_error("{\n  \"port\": 8080,\n  \"host\": \"x\",,\n}\n", BOT_ERR_PARSE, 3);
	expect_error("{\n  \"port\": 8080\n  \"host\": \"x\"\n}\n", BOT_ERR_PARSE, 3);
	expect_error("{\n\n\n\n\n\n  \"port\": 8080,\n", BOT_ERR_PARSE, 8);
	expect_error("", BOT_ERR_PARSE, 1);
	expect_error("# comment\n{}", BOT_ERR_PARSE, 1);
	expect_error("{\n\"port\": 1,\n\"port\": 2\n}", BOT_ERR_PARSE, 3); /* duplicate key */
	expect_error("[\"port\", 8080]", BOT_ERR_PARSE, 1);
	expect_error("{} {}", BOT_ERR_PARSE, 1);
}

static void
test_missing_file(void **state)
{
	(void)state;
	config cfg;
	config_defaults(&cfg);
	char missing[160];
	snprintf(missing, sizeof(missing), "%s/nope.json", dir);
	assert_int_equal(config_load_file(&cfg, missing, err, sizeof(err)), BOT_ERR_IO);
	assert_non_null(strstr(err, missing));
	assert_int_equal(cfg.port, 8080);
}

static void
test_large_file(void **state)
{
	(void)state;
	/* A file with lots of whitespace is read whole (several fread chunks). */
	size_t n = 20000;
	char *text = malloc(n + 64);
	memset(text, ' ', n);
	strcpy(text + 10, "{");
	text[11] = ' ';
	strcpy(text + n, "\"port\": 4321}");
	config cfg;
	assert_int_equal(load(text, &cfg), BOT_OK);
	assert_int_equal(cfg.port, 4321);
	free(text);
	/* Over 1 MiB is refused. */
	n = (size_t)3 << 20;
	text = malloc(n + 64);
	memset(text, ' ', n);
	text[0] = '{';
	strcpy(text + n, "}");
	assert_int_equal(load(text, &cfg), BOT_ERR_LIMIT);
	assert_non_null(strstr(err, path));
	free(text);
}

static void
test_env(void **state)
{
	(void)state;
	config cfg;
	config_defaults(&cfg);
	assert_int_equal(config_load_env(&cfg, err, sizeof(err)), BOT_OK);
	assert_string_equal(cfg.token_secret, "");
	assert_int_equal(cfg.now, 0);

	setenv("BOTD_TOKEN_SECRET", "env-secret-0123456789", 1);
	setenv("BOTD_KAKAO_SECRET", "env-kakao", 1);
	setenv("BOTD_NOW", "2026-11-20 03:00:00", 1);
	snprintf(cfg.token_secret, sizeof(cfg.token_secret), "file-secret-0123456789");
	assert_int_equal(config_load_env(&cfg, err, sizeof(err)), BOT_OK);
	assert_string_equal(cfg.token_secret, "env-secret-0123456789");
	assert_string_equal(cfg.kakao_secret, "env-kakao");
	assert_int_equal(cfg.now, (time_t)1795143600);
	assert_int_equal(config_validate(&cfg, err, sizeof(err)), BOT_OK);

	/* Empty variables change nothing. */
	setenv("BOTD_TOKEN_SECRET", "", 1);
	setenv("BOTD_NOW", "", 1);
	assert_int_equal(config_load_env(&cfg, err, sizeof(err)), BOT_OK);
	assert_string_equal(cfg.token_secret, "env-secret-0123456789");
	assert_int_equal(cfg.now, (time_t)1795143600);

	setenv("BOTD_NOW", "next tuesday", 1);
	err[0] = 0;
	assert_int_equal(config_load_env(&cfg, err, sizeof(err)), BOT_ERR_INVAL);
	assert_non_null(strstr(err, "BOTD_NOW"));
	unsetenv("BOTD_TOKEN_SECRET");
	unsetenv("BOTD_KAKAO_SECRET");
	unsetenv("BOTD_NOW");
}

static void
test_validate(void **state)
{
	(void)state;
	config cfg;
	config_defaults(&cfg);
	/* No secret, not demo. */
	err[0] = 0;
	assert_int_equal(config_validate(&cfg, err, sizeof(err)), BOT_ERR_INVAL);
	assert_non_null(strstr(err, "secret"));
	/* A short secret is as good as none. */
	snprintf(cfg.token_secret, sizeof(cfg.token_secret), "short");
	assert_int_equal(config_validate(&cfg, err, sizeof(err)), BOT_ERR_INVAL);
	/* Validation errors never print the secret. */
	assert_null(strstr(err, "short"));
	snprintf(cfg.token_secret, sizeof(cfg.token_secret), "0123456789abcdef");
	assert_int_equal(config_validate(&cfg, err, sizeof(err)), BOT_OK);

	/* Bad business hours and holidays. */
	snprintf(cfg.business_hours, sizeof(cfg.business_hours), "18:00-09:00");
	err[0] = 0;
	assert_int_equal(config_validate(&cfg, err, sizeof(err)), BOT_ERR_INVAL);
	assert_non_null(strstr(err, "business_hours"));
	snprintf(cfg.business_hours, sizeof(cfg.business_hours), "9 to 6");
	assert_int_equal(config_validate(&cfg, err, sizeof(err)), BOT_ERR_INVAL);
	snprintf(cfg.business_hours, sizeof(cfg.business_hours), "09:00-18:00");
	snprintf(cfg.holidays, sizeof(cfg.holidays), "Christmas");
	assert_int_equal(config_validate(&cfg, err, sizeof(err)), BOT_ERR_INVAL);
	snprintf(cfg.holidays, sizeof(cfg.holidays), "2026-12-25");
	assert_int_equal(config_validate(&cfg, err, sizeof(err)), BOT_OK);

	/* hangup must exceed the ping interval. */
	cfg.ping_interval_s = 60;
	cfg.hangup_s = 60;
	err[0] = 0;
	assert_int_equal(config_validate(&cfg, err, sizeof(err)), BOT_ERR_INVAL);
	assert_non_null(strstr(err, "hangup_s"));
	cfg.hangup_s = 30;
	assert_int_equal(config_validate(&cfg, err, sizeof(err)), BOT_ERR_INVAL);
	cfg.hangup_s = 61;
	assert_int_equal(config_validate(&cfg, err, sizeof(err)), BOT_OK);

	/* Demo mode needs no secret but still checks the rest. */
	config_defaults(&cfg);
	cfg.demo = 1;
	assert_int_equal(config_validate(&cfg, err, sizeof(err)), BOT_OK);
	cfg.hangup_s = 10;
	assert_int_equal(config_validate(&cfg, err, sizeof(err)), BOT_ERR_INVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_partial_file_keeps_defaults),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_ranges_and_lengths),
		cmocka_unit_test(test_malformed_json),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_large_file),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_validate),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
