/* Unit tests of logging (bot/log.c): levels, plain and JSON lines, escaping,
 * file targets and reopening for rotation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "log.h"

static char dir[64];
static char path[128];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_log.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/botd.log", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	log_open_file(NULL);
	char p[160];
	snprintf(p, sizeof(p), "%s/botd.log", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/botd.log.1", dir);
	unlink(p);
	rmdir(dir);
	return 0;
}

/* Reads the whole of FILE (owned result). */
static char *
slurp(const char *file)
{
	FILE *f = fopen(file, "r");
	if (!f)
		return NULL;
	char *buf = calloc(1, 65536);
	size_t n = fread(buf, 1, 65535, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static int
count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Truncates the log file to nothing (the logger appends). */
static void
reset_file(void)
{
	assert_int_equal(log_open_file(NULL), 0);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(log_open_file(path), 0);
}

static void
test_level_parse(void **state)
{
	(void)state;
	assert_int_equal(log_level_parse("debug"), LOG_DEBUG);
	assert_int_equal(log_level_parse("info"), LOG_INFO);
	assert_int_equal(log_level_parse("warn"), LOG_WARN);
	assert_int_equal(log_level_parse("error"), LOG_ERROR);
	assert_int_equal(log_level_parse("INFO"), -1);
	assert_int_equal(log_level_parse("warning"), -1);
	assert_int_equal(log_level_parse(""), -1);
	assert_int_equal(log_level_parse("info "), -1);
	assert_int_equal(log_level_parse(NULL), -1);
	log_set_level(LOG_ERROR);
	assert_int_equal(log_get_level(), LOG_ERROR);
	log_set_level(LOG_INFO);
	assert_int_equal(log_get_level(), LOG_INFO);
}

static void
test_level_filter(void **state)
{
	(void)state;
	reset_file();
	log_set_json(0);
	log_set_level(LOG_WARN);
	log_debug("no-debug");
	log_info("no-info");
	log_warn("yes-warn");
	log_error("yes-error %d", 7);
	log_set_level(LOG_INFO);
	char *s = slurp(path);
	assert_non_null(s);
	assert_null(strstr(s, "no-debug"));
	assert_null(strstr(s, "no-info"));
	assert_non_null(strstr(s, "warn  yes-warn\n"));
	assert_non_null(strstr(s, "error yes-error 7\n"));
	assert_int_equal(count_lines(s), 2);
	free(s);
}

static void
test_plain_lines(void **state)
{
	(void)state;
	reset_file();
	log_set_json(0);
	log_msg(LOG_INFO, "c0ffee", "two\nlines\rhere");
	log_msg(LOG_INFO, NULL, "bare");
	char *s = slurp(path);
	assert_non_null(s);
	assert_int_equal(count_lines(s), 2);
	/* Newlines in the text become spaces: one event, one line. */
	assert_non_null(strstr(s, "info  [c0ffee] two lines here\n"));
	assert_non_null(strstr(s, "info  bare\n"));
	/* Lines start with an ISO-8601 UTC timestamp with milliseconds. */
	assert_true(strlen(s) > 24);
	assert_int_equal(s[4], '-');
	assert_int_equal(s[10], 'T');
	assert_int_equal(s[19], '.');
	assert_int_equal(s[23], 'Z');
	free(s);
}

static void
test_json_escaping(void **state)
{
	(void)state;
	reset_file();
	log_set_json(1);
	log_msg(LOG_WARN, "conv\"x\\y", "say \"hi\" \\ tab\there bell\a nl\nend \x01\x1f 한글");
	log_msg(LOG_ERROR, NULL, "%s", "}\"{,\"level\":\"debug");
	log_set_json(0);
	char *s = slurp(path);
	assert_non_null(s);
	assert_int_equal(count_lines(s), 2);

	char *line2 = strchr(s, '\n') + 1;
	line2[-1] = 0;
	json_error_t jerr;
	json_t *o = json_loads(s, 0, &jerr);
	if (!o)
		fail_msg("line 1 is not JSON: %s: %s", jerr.text, s);
	assert_string_equal(json_string_value(json_object_get(o, "level")), "warn");
	assert_string_equal(json_string_value(json_object_get(o, "conversation")), "conv\"x\\y");
	assert_string_equal(json_string_value(json_object_get(o, "msg")),
			    "say \"hi\" \\ tab\there bell\a nl end \x01\x1f 한글");
	const char *ts = json_string_value(json_object_get(o, "ts"));
	assert_non_null(ts);
	assert_int_equal(strlen(ts), 24);
	assert_int_equal(ts[23], 'Z');
	json_decref(o);

	char *end = strchr(line2, '\n');
	*end = 0;
	o = json_loads(line2, 0, &jerr);
	if (!o)
		fail_msg("line 2 is not JSON: %s: %s", jerr.text, line2);
	/* A hostile message cannot add or change keys. */
	assert_string_equal(json_string_value(json_object_get(o, "level")), "error");
	assert_null(json_object_get(o, "conversation"));
	assert_string_equal(json_string_value(json_object_get(o, "msg")), "}\"{,\"level\":\"debug");
	assert_int_equal(json_object_size(o), 3);
	json_decref(o);
	free(s);
}

static void
test_long_message_truncated_to_one_line(void **state)
{
	(void)state;
	reset_file();
	log_set_json(1);
	char big[5000];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	log_info("%s", big);
	log_set_json(0);
	char *s = slurp(path);
	assert_non_null(s);
	assert_int_equal(count_lines(s), 1);
	json_error_t jerr;
	json_t *o = json_loads(s, JSON_DISABLE_EOF_CHECK, &jerr);
	assert_non_null(o);
	size_t n = strlen(json_string_value(json_object_get(o, "msg")));
	assert_true(n > 0 && n < sizeof(big) - 1);
	json_decref(o);
	free(s);
}

static void
test_open_failure_keeps_target(void **state)
{
	(void)state;
	reset_file();
	log_set_json(0);
	assert_int_equal(log_open_file("/nonexistent-dir-botd/x.log"), -1);
	log_info("still-here");
	char *s = slurp(path);
	assert_non_null(s);
	assert_non_null(strstr(s, "still-here"));
	free(s);
}

static void
test_reopen(void **state)
{
	(void)state;
	reset_file();
	log_set_json(0);
	log_info("before-rotation");
	char rotated[160];
	snprintf(rotated, sizeof(rotated), "%s.1", path);
	assert_int_equal(rename(path, rotated), 0);
	/* Until the reopen, lines still go to the renamed file. */
	log_info("after-rename");
	assert_int_equal(log_reopen(), 0);
	log_info("after-reopen");

	char *old = slurp(rotated), *cur = slurp(path);
	assert_non_null(old);
	assert_non_null(cur);
	assert_non_null(strstr(old, "before-rotation"));
	assert_non_null(strstr(old, "after-rename"));
	assert_null(strstr(old, "after-reopen"));
	assert_non_null(strstr(cur, "after-reopen"));
	assert_null(strstr(cur, "before-rotation"));
	free(old);
	free(cur);

	/* Reopen appends, it does not truncate. */
	assert_int_equal(log_reopen(), 0);
	log_info("second-reopen");
	cur = slurp(path);
	assert_non_null(strstr(cur, "after-reopen"));
	assert_non_null(strstr(cur, "second-reopen"));
	free(cur);

	/* Back on stderr, reopen has nothing to do. */
	assert_int_equal(log_open_file(NULL), 0);
	assert_int_equal(log_reopen(), 0);
	unlink(rotated);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_level_parse),
		cmocka_unit_test(test_level_filter),
		cmocka_unit_test(test_plain_lines),
		cmocka_unit_test(test_json_escaping),
		cmocka_unit_test(test_long_message_truncated_to_one_line),
		cmocka_unit_test(test_open_failure_keeps_target),
		cmocka_unit_test(test_reopen),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
