/* Unit tests of the clock (bot/clock.c): parsing, formatting, Asia/Seoul. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "clock.h"

/* 2026-03-02 00:00:00 UTC, a Monday. */
#define MON_0302 ((time_t)1772409600)

static void
test_fixed_clock(void **state)
{
	(void)state;
	clock_set_fixed(MON_0302);
	assert_int_equal(clock_now(), MON_0302);
	clock_set_fixed(0);
	time_t real = time(NULL);
	time_t got = clock_now();
	assert_true(got >= real && got <= real + 2);
}

static void
test_parse_forms(void **state)
{
	(void)state;
	time_t t = 0;
	assert_int_equal(clock_parse_utc("2026-03-02 10:20:30", &t), BOT_OK);
	assert_int_equal(t, MON_0302 + 10 * 3600 + 20 * 60 + 30);
	t = 0;
	assert_int_equal(clock_parse_utc("2026-03-02T10:20:30Z", &t), BOT_OK);
	assert_int_equal(t, MON_0302 + 10 * 3600 + 20 * 60 + 30);
	t = 0;
	assert_int_equal(clock_parse_utc("2026-03-02T10:20:30", &t), BOT_OK);
	assert_int_equal(t, MON_0302 + 10 * 3600 + 20 * 60 + 30);
	t = 1;
	assert_int_equal(clock_parse_utc("2026-03-02", &t), BOT_OK);
	assert_int_equal(t, MON_0302);
	assert_int_equal(clock_parse_utc("1970-01-01 00:00:00", &t), BOT_OK);
	assert_int_equal(t, 0);
	/* Dates that do not exist and sloppy digits are refused, not normalised. */
	assert_int_equal(clock_parse_utc("2026-03-02 23:59:60", &t), BOT_ERR_INVAL);
	assert_int_equal(clock_parse_utc("2026-02-31", &t), BOT_ERR_INVAL);
	assert_int_equal(clock_parse_utc("2026-03-02 -1:00:00", &t), BOT_ERR_INVAL);
	assert_int_equal(clock_parse_utc("+026-03-02", &t), BOT_ERR_INVAL);
	assert_int_equal(clock_parse_utc(" 2026-3-02", &t), BOT_ERR_INVAL);
	assert_int_equal(clock_parse_utc("2028-02-29", &t), BOT_OK);
}

static void
test_parse_rejects(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"garbage",
		"2026",
		"2026-03",
		"2026/03/02",
		"2026-03-02X10:20:30",
		"2026-03-02 10:20",
		"2026-03-02 10:20:30+09",
		"2026-03-02T10:20:30z",
		"2026-03-02 10:20:30 ",
		"2026-13-01",
		"2026-00-10",
		"2026-03-00",
		"2026-03-32",
		"2026-03-02 24:00:00",
		"2026-03-02 10:60:00",
		"2026-03-02 10:00:61",
		"2026-03-0a",
		"abcd-ef-gh",
		"2026-03-02T10:20:30ZZ",
		"2026-03-02 10:20:30.123Z",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		time_t t = 42;
		if (clock_parse_utc(bad[i], &t) != BOT_ERR_INVAL)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(t, 42); /* untouched on failure */
	}
	time_t t = 42;
	assert_int_equal(clock_parse_utc(NULL, &t), BOT_ERR_INVAL);
}

static void
test_format_utc(void **state)
{
	(void)state;
	char buf[20];
	memset(buf, 'x', sizeof(buf));
	clock_format_utc(MON_0302 + 10 * 3600 + 5 * 60 + 9, buf);
	assert_string_equal(buf, "2026-03-02 10:05:09");
	clock_format_utc(0, buf);
	assert_string_equal(buf, "1970-01-01 00:00:00");
	/* Round trip. */
	time_t t;
	assert_int_equal(clock_parse_utc("2027-12-31 23:59:59", &t), BOT_OK);
	clock_format_utc(t, buf);
	assert_string_equal(buf, "2027-12-31 23:59:59");
}

/* ISO 8601 is the stored form with a T and a Z, and parses back. */
static void
test_format_iso(void **state)
{
	(void)state;
	char buf[CLOCK_ISO_LEN];
	memset(buf, 'x', sizeof(buf));
	clock_format_iso(MON_0302 + 10 * 3600 + 5 * 60 + 9, buf);
	assert_string_equal(buf, "2026-03-02T10:05:09Z");
	clock_format_iso(0, buf);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	time_t t;
	assert_int_equal(clock_parse_utc("2027-12-31T23:59:59Z", &t), BOT_OK);
	clock_format_iso(t, buf);
	assert_string_equal(buf, "2027-12-31T23:59:59Z");
}

static void
test_kst_date_across_midnight(void **state)
{
	(void)state;
	char buf[11];
	/* 14:59:59 UTC is 23:59:59 KST, still the same day. */
	clock_format_kst_date(MON_0302 + 14 * 3600 + 59 * 60 + 59, buf);
	assert_string_equal(buf, "2026-03-02");
	/* 15:00 UTC is midnight KST: the next day. */
	clock_format_kst_date(MON_0302 + 15 * 3600, buf);
	assert_string_equal(buf, "2026-03-03");
	/* 00:00 UTC is 09:00 KST, same day. */
	clock_format_kst_date(MON_0302, buf);
	assert_string_equal(buf, "2026-03-02");
	/* New year in Seoul before it is in UTC. */
	time_t t;
	assert_int_equal(clock_parse_utc("2026-12-31 15:30:00", &t), BOT_OK);
	clock_format_kst_date(t, buf);
	assert_string_equal(buf, "2027-01-01");
	assert_int_equal(clock_parse_utc("2026-12-31 14:30:00", &t), BOT_OK);
	clock_format_kst_date(t, buf);
	assert_string_equal(buf, "2026-12-31");
}

static void
test_kst_tm(void **state)
{
	(void)state;
	struct tm tm;
	/* Sunday 2026-03-01 20:00 UTC = Monday 2026-03-02 05:00 KST. */
	clock_kst_tm(MON_0302 - 4 * 3600, &tm);
	assert_int_equal(tm.tm_year, 126);
	assert_int_equal(tm.tm_mon, 2);
	assert_int_equal(tm.tm_mday, 2);
	assert_int_equal(tm.tm_hour, 5);
	assert_int_equal(tm.tm_wday, 1);
	clock_kst_tm(MON_0302 + 15 * 3600, &tm);
	assert_int_equal(tm.tm_mday, 3);
	assert_int_equal(tm.tm_hour, 0);
	assert_int_equal(tm.tm_wday, 2);
}

static void
test_kst_midnight(void **state)
{
	(void)state;
	/* 00:00 KST on 2026-03-02 is 15:00 UTC on 2026-03-01. */
	assert_int_equal(clock_kst_midnight(2026, 3, 2), MON_0302 - 9 * 3600);
	assert_int_equal(clock_kst_midnight(2026, 3, 3), MON_0302 + 15 * 3600);
	/* Normalisation like mktime: day 0 is the last day of the month before,
	 * month 13 is January of the next year. */
	assert_int_equal(clock_kst_midnight(2026, 3, 0), clock_kst_midnight(2026, 2, 28));
	assert_int_equal(clock_kst_midnight(2026, 13, 1), clock_kst_midnight(2027, 1, 1));
	assert_int_equal(clock_kst_midnight(2026, 2, 29), clock_kst_midnight(2026, 3, 1));
	char buf[11];
	clock_format_kst_date(clock_kst_midnight(2026, 3, 2), buf);
	assert_string_equal(buf, "2026-03-02");
	clock_format_kst_date(clock_kst_midnight(2026, 3, 2) - 1, buf);
	assert_string_equal(buf, "2026-03-01");
}

/* The hand-written formatter against the C library's, at instants chosen to
 * cross every calendar rule (leap days, century years, the 400-year cycle,
 * before 1970) and at a spread of others. */
static void
test_format_utc_matches_libc(void **state)
{
	(void)state;
	static const char *const edges[] = {
		"1969-12-31 23:59:59", "1900-02-28 23:59:59", "1900-03-01 00:00:00",
		"2000-02-29 12:00:00", "2000-03-01 00:00:00", "2100-02-28 23:59:59",
		"2100-03-01 00:00:00", "2400-02-29 00:00:00", "0001-01-01 00:00:00",
		"9999-12-31 23:59:59", "2024-12-31 23:59:59", "2025-01-01 00:00:00",
	};
	char mine[20], libc[20];
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		struct tm tm;
		memset(&tm, 0, sizeof(tm));
		assert_int_equal(sscanf(edges[i], "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon,
					&tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec),
				 6);
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		clock_format_utc(timegm(&tm), mine);
		assert_string_equal(mine, edges[i]);
	}
	/* Every 86,399 + 7 seconds (so the time of day moves too) across 1900-2300. */
	for (time_t t = -2208988800; t < 10413792000; t += 86406 * 37) {
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(libc, sizeof(libc), "%Y-%m-%d %H:%M:%S", &tm);
		clock_format_utc(t, mine);
		assert_string_equal(mine, libc);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_clock),
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_format_utc),
		cmocka_unit_test(test_format_utc_matches_libc),
		cmocka_unit_test(test_format_iso),
		cmocka_unit_test(test_kst_date_across_midnight),
		cmocka_unit_test(test_kst_tm),
		cmocka_unit_test(test_kst_midnight),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
