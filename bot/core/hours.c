#include "hours.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"

bot_err
hours_parse(const char *window, const char *holidays, hours *out)
{
	memset(out, 0, sizeof(*out));
	int h1, m1, h2, m2, n = 0;
	/* Exactly HH:MM-HH:MM with digits only: sscanf alone would take "-1". */
	static const char shape[] = "dd:dd-dd:dd";
	if (strlen(window) != sizeof(shape) - 1)
		return BOT_ERR_INVAL;
	for (size_t i = 0; i < sizeof(shape) - 1; i++)
		if (shape[i] == 'd' ? (window[i] < '0' || window[i] > '9') : window[i] != shape[i])
			return BOT_ERR_INVAL;
	if (sscanf(window, "%2d:%2d-%2d:%2d%n", &h1, &m1, &h2, &m2, &n) != 4 ||
	    n != (int)strlen(window) || h1 > 23 || m1 > 59 || h2 > 24 || m2 > 59 ||
	    (h2 == 24 && m2 != 0))
		return BOT_ERR_INVAL;
	out->open_min = h1 * 60 + m1;
	out->close_min = h2 * 60 + m2;
	if (out->close_min <= out->open_min)
		return BOT_ERR_INVAL;
	for (const char *p = holidays; p && *p;) {
		int y, mo, d;
		if (sscanf(p, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10 || mo < 1 ||
		    mo > 12 || d < 1 || d > 31 || out->n_holidays >= 64)
			return BOT_ERR_INVAL;
		out->holidays[out->n_holidays++] = y * 10000 + mo * 100 + d;
		p += n;
		while (*p == ',' || *p == ' ')
			p++;
	}
	return BOT_OK;
}

static int
is_work_day(const hours *h, const struct tm *tm)
{
	if (tm->tm_wday == 0 || tm->tm_wday == 6)
		return 0;
	int ymd = (tm->tm_year + 1900) * 10000 + (tm->tm_mon + 1) * 100 + tm->tm_mday;
	for (int i = 0; i < h->n_holidays; i++)
		if (h->holidays[i] == ymd)
			return 0;
	return 1;
}

int
hours_open(const hours *h, time_t now)
{
	struct tm tm;
	clock_kst_tm(now, &tm);
	int minute = tm.tm_hour * 60 + tm.tm_min;
	return is_work_day(h, &tm) && minute >= h->open_min && minute < h->close_min;
}

time_t
hours_next_open(const hours *h, time_t now)
{
	if (hours_open(h, now))
		return now;
	/* Walk forward day by day (at most a few weeks of holidays). */
	for (int day = 0; day < 60; day++) {
		struct tm tm;
		clock_kst_tm(now + (time_t)day * 86400, &tm);
		time_t opening = clock_kst_midnight(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) +
				 (time_t)h->open_min * 60;
		if (opening >= now && is_work_day(h, &tm))
			return opening;
	}
	return now;
}
