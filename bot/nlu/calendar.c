/* Calendar arithmetic for the slot canonicalisers (see calendar.h): pure
 * functions of day numbers, nothing allocated. */
#include "calendar.h"

#include <stdio.h>

#define KST_OFFSET (9 * 3600)

long
cal_days_from_civil(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
cal_civil_from_days(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int
cal_days_in_month(int y, int m)
{
	static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dim[m - 1];
}

/* Today's day number on the Seoul calendar. */
long
cal_seoul_today(time_t now)
{
	long long t = (long long)now + KST_OFFSET;

	return (long)(t >= 0 ? t / 86400 : (t - 86399) / 86400);
}

bot_err
cal_put_range(long from, long to, char *out, size_t outlen)
{
	int y1, m1, d1, y2, m2, d2;
	int n;

	cal_civil_from_days(from, &y1, &m1, &d1);
	cal_civil_from_days(to, &y2, &m2, &d2);
	n = snprintf(out, outlen, "%04d-%02d-%02d..%04d-%02d-%02d", y1, m1, d1, y2, m2, d2);
	return n < 0 || (size_t)n >= outlen ? BOT_ERR_LIMIT : BOT_OK;
}

/* Day number D moved by MONTHS calendar months, the day clamped to the
 * month's length (31 March less one month is 28 or 29 February). */
long
cal_add_months(long d, int months)
{
	int y, m, dd, k;

	cal_civil_from_days(d, &y, &m, &dd);
	k = y * 12 + (m - 1) + months;
	y = k / 12;
	m = k % 12 + 1;
	if (dd > cal_days_in_month(y, m))
		dd = cal_days_in_month(y, m);
	return cal_days_from_civil(y, m, dd);
}

/* Monday of the week holding day D (1970-01-01 was a Thursday). */
long
cal_monday_of(long d)
{
	long wd = ((d % 7) + 7 + 3) % 7; /* 0 = Monday */

	return d - wd;
}

