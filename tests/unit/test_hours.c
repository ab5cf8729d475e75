/* Unit tests of business hours (bot/hours.c): parsing, open/closed in
 * Asia/Seoul, weekends, holidays and the next opening. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "clock.h"
#include "hours.h"

/* 2026-03-02 00:00:00 UTC (Monday) = 09:00 KST. */
#define MON_0302 ((time_t)1772409600)
#define HOUR 3600
#define DAY 86400

/* UTC instant of HH:MM KST on the given day of March 2026. */
static time_t
kst(int mday, int hh, int mm)
{
	return clock_kst_midnight(2026, 3, mday) + hh * HOUR + mm * 60;
}

static void
test_parse_ok(void **state)
{
	(void)state;
	hours h;
	assert_int_equal(hours_parse("09:00-18:00", "", &h), BOT_OK);
	assert_int_equal(h.open_min, 9 * 60);
	assert_int_equal(h.close_min, 18 * 60);
	assert_int_equal(h.n_holidays, 0);
	assert_int_equal(hours_parse("09:30-17:45", NULL, &h), BOT_OK);
	assert_int_equal(h.open_min, 9 * 60 + 30);
	assert_int_equal(h.close_min, 17 * 60 + 45);
	assert_int_equal(hours_parse("00:00-24:00", "2026-12-25,2027-01-01", &h), BOT_OK);
	assert_int_equal(h.close_min, 24 * 60);
	assert_int_equal(h.n_holidays, 2);
	assert_int_equal(h.holidays[0], 20261225);
	assert_int_equal(h.holidays[1], 20270101);
	/* Spaces after commas are tolerated. */
	assert_int_equal(hours_parse("09:00-18:00", "2026-12-25, 2027-01-01", &h), BOT_OK);
	assert_int_equal(h.n_holidays, 2);
}

static void
test_parse_errors(void **state)
{
	(void)state;
	static const char *const bad_windows[] = {
		"", "09:00", "09:00-", "9-18", "09:00-18:00x", "09:00 - 18:00", "18:00-09:00",
		"09:00-09:00", "24:00-24:30", "09:60-18:00", "09:00-18:60", "09:00-25:00",
		"ab:cd-ef:gh", "09:00-18:00 ", "-1:00-18:00", "09:-1-18:00", "09:00-24:30",
	};
	hours h;
	for (size_t i = 0; i < sizeof(bad_windows) / sizeof(bad_windows[0]); i++)
		if (hours_parse(bad_windows[i], "", &h) != BOT_ERR_INVAL)
			fail_msg("window \"%s\" accepted", bad_windows[i]);

	static const char *const bad_holidays[] = {
		"2026-12-2", "2026/12/25", "2026-13-01", "2026-12-32", "2026-00-10", "2026-12-00",
		"2026-12-25;2027-01-01", "xmas", "2026-12-25,x",
	};
	for (size_t i = 0; i < sizeof(bad_holidays) / sizeof(bad_holidays[0]); i++)
		if (hours_parse("09:00-18:00", bad_holidays[i], &h) != BOT_ERR_INVAL)
			fail_msg("holidays \"%s\" accepted", bad_holidays[i]);
}

static void
test_holiday_limit(void **state)
{
	(void)state;
	char list[65 * 12] = "";
	size_t off = 0;
	for (int i = 0; i < 64; i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s2026-%02d-%02d",
					i ? "," : "", 1 + i / 28, 1 + i % 28);
	hours h;
	assert_int_equal(hours_parse("09:00-18:00", list, &h), BOT_OK);
	assert_int_equal(h.n_holidays, 64);
	snprintf(list + off, sizeof(list) - off, ",2026-12-31");
	assert_int_equal(hours_parse("09:00-18:00", list, &h), BOT_ERR_INVAL);
}

static void
test_open_weekday(void **state)
{
	(void)state;
	hours h;
	assert_int_equal(hours_parse("09:00-18:00", "", &h), BOT_OK);
	assert_int_equal(kst(2, 9, 0), MON_0302);
	assert_true(hours_open(&h, kst(2, 10, 0)));  /* Monday 10:00 */
	assert_true(hours_open(&h, kst(2, 9, 0)));   /* opening minute */
	assert_true(hours_open(&h, kst(2, 17, 59))); /* last minute */
	assert_false(hours_open(&h, kst(2, 8, 59)));
	assert_false(hours_open(&h, kst(2, 18, 0)));
	assert_false(hours_open(&h, kst(2, 23, 0)));
	assert_false(hours_open(&h, kst(3, 0, 30)));
	/* Monday 10:00 KST is 01:00 UTC: the judgement is in Seoul time. */
	assert_true(hours_open(&h, MON_0302 + HOUR));
	/* Sunday 20:00 UTC is Monday 05:00 KST: still closed. */
	assert_false(hours_open(&h, MON_0302 - 4 * HOUR));
	/* Friday 10:00 KST is open, Friday 18:00 is not. */
	assert_true(hours_open(&h, kst(6, 10, 0)));
	assert_false(hours_open(&h, kst(6, 18, 0)));
}

static void
test_weekends_and_holidays(void **state)
{
	(void)state;
	hours h;
	assert_int_equal(hours_parse("09:00-18:00", "2026-03-04", &h), BOT_OK);
	assert_false(hours_open(&h, kst(7, 10, 0))); /* Saturday */
	assert_false(hours_open(&h, kst(8, 10, 0))); /* Sunday */
	assert_false(hours_open(&h, kst(4, 10, 0))); /* Wednesday holiday */
	assert_true(hours_open(&h, kst(3, 10, 0)));
	assert_true(hours_open(&h, kst(5, 10, 0)));
	/* The holiday is a Seoul date: 2026-03-03 16:00 UTC is already 03-04 01:00
	 * KST, and 2026-03-04 10:00 UTC (19:00 KST) is after hours anyway. */
	assert_false(hours_open(&h, kst(4, 9, 0)));
	assert_false(hours_open(&h, kst(4, 17, 59)));
}

static void
test_next_open(void **state)
{
	(void)state;
	hours h;
	assert_int_equal(hours_parse("09:00-18:00", "", &h), BOT_OK);
	/* Open now: now. */
	assert_int_equal(hours_next_open(&h, kst(2, 10, 0)), kst(2, 10, 0));
	/* Early morning: later that day. */
	assert_int_equal(hours_next_open(&h, kst(2, 8, 0)), kst(2, 9, 0));
	/* Evening: tomorrow morning. */
	assert_int_equal(hours_next_open(&h, kst(2, 18, 0)), kst(3, 9, 0));
	/* Friday evening: Monday 09:00 KST (= Monday 00:00 UTC). */
	assert_int_equal(hours_next_open(&h, kst(6, 19, 0)), kst(9, 9, 0));
	assert_int_equal(hours_next_open(&h, kst(6, 19, 0)), (time_t)1773014400);
	/* Saturday and Sunday: Monday. */
	assert_int_equal(hours_next_open(&h, kst(7, 12, 0)), kst(9, 9, 0));
	assert_int_equal(hours_next_open(&h, kst(8, 23, 59)), kst(9, 9, 0));

	/* A holiday Monday is skipped: Tuesday 09:00. */
	assert_int_equal(hours_parse("09:00-18:00", "2026-03-09", &h), BOT_OK);
	assert_int_equal(hours_next_open(&h, kst(6, 19, 0)), kst(10, 9, 0));
	/* Two holidays in a row. */
	assert_int_equal(hours_parse("09:00-18:00", "2026-03-09,2026-03-10", &h), BOT_OK);
	assert_int_equal(hours_next_open(&h, kst(6, 19, 0)), kst(11, 9, 0));
	/* The result is always open, and nothing earlier after NOW is. */
	time_t from = kst(6, 19, 0), next = hours_next_open(&h, from);
	assert_true(hours_open(&h, next));
	assert_false(hours_open(&h, next - 60));
}

static void
test_next_open_over_year_end(void **state)
{
	(void)state;
	hours h;
	assert_int_equal(hours_parse("09:00-18:00", "2026-12-31,2027-01-01", &h), BOT_OK);
	/* Wednesday 2026-12-30 18:30 KST -> Thu/Fri holidays, weekend ->
	 * Monday 2027-01-04 09:00 KST. */
	time_t from = clock_kst_midnight(2026, 12, 30) + 18 * HOUR + 30 * 60;
	assert_int_equal(hours_next_open(&h, from), clock_kst_midnight(2027, 1, 4) + 9 * HOUR);
	(void)DAY;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_holiday_limit),
		cmocka_unit_test(test_open_weekday),
		cmocka_unit_test(test_weekends_and_holidays),
		cmocka_unit_test(test_next_open),
		cmocka_unit_test(test_next_open_over_year_end),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
