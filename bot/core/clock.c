#include "clock.h"

#include <stdio.h>
#include <string.h>

static time_t fixed_now;

void
clock_set_fixed(time_t t)
{
	fixed_now = t;
}

time_t
clock_now(void)
{
	return fixed_now ? fixed_now : time(NULL);
}

bot_err
clock_parse_utc(const char *text, time_t *out)
{
	if (!text)
		return BOT_ERR_INVAL;
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	int n = 0;
	char sep = 0;
	size_t len = strlen(text);
	if (len == 10) {
		if (sscanf(text, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n) != 3 ||
		    n != 10)
			return BOT_ERR_INVAL;
	} else if (len == 19 || (len == 20 && text[19] == 'Z')) {
		if (sscanf(text, "%4d-%2d-%2d%c%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			   &sep, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 7 ||
		    n != 19 || (sep != ' ' && sep != 'T'))
			return BOT_ERR_INVAL;
	} else {
		return BOT_ERR_INVAL;
	}
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
	    tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59)
		return BOT_ERR_INVAL;
	/* Digits where digits belong: sscanf would also take "+026" or " 3". */
	static const char shape[] = "dddd-dd-dd?dd:dd:dd";
	for (size_t i = 0; i < len && i < sizeof(shape) - 1; i++)
		if (shape[i] == 'd' && (text[i] < '0' || text[i] > '9'))
			return BOT_ERR_INVAL;
	int day = tm.tm_mday, month = tm.tm_mon;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = timegm(&tm);
	/* timegm normalises 02-31 to 03-03: refuse dates that do not exist. */
	struct tm back;
	gmtime_r(out, &back);
	if (back.tm_mday != day || back.tm_mon + 1 != month)
		return BOT_ERR_INVAL;
	return BOT_OK;
}

/* Writes N as DIGITS decimal digits, zero-padded, at P. */
static char *
put_digits(char *p, long n, int digits)
{
	for (int i = digits - 1; i >= 0; i--, n /= 10)
		p[i] = (char)('0' + n % 10);
	return p + digits;
}

/* Days since 1970-01-01 to a Gregorian date. The calendar repeats every 400
 * years (146,097 days); counted from 0000-03-01, each era's leap day is the
 * last day of its year, so a year is found from the day within the era
 * without knowing the month. */
static void
civil_from_days(long days, long *year, int *month, int *day)
{
	long z = days + 719468; /* days from 0000-03-01 */
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;                                      /* 0..146096 */
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* 0..399 */
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* from March 1 */
	long mp = (5 * doy + 2) / 153;                                    /* 0 = March */
	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = yoe + era * 400 + (*month <= 2);
}

int64_t
clock_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void
clock_format_utc(time_t t, char *buf)
{
	/* By hand: it runs several times a message, and gmtime_r with strftime
	 * cost more than the rest of a turn's formatting together. */
	long days = (long)(t / 86400), secs = (long)(t % 86400);
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	long year;
	int month, day;
	civil_from_days(days, &year, &month, &day);
	if (year < 0 || year > 9999) {
		/* Not four digits: the C library's form, whatever it is. */
		struct tm tm;
		if (!gmtime_r(&t, &tm) || !strftime(buf, 20, "%Y-%m-%d %H:%M:%S", &tm))
			snprintf(buf, 20, "%s", "0000-00-00 00:00:00");
		return;
	}
	char *p = put_digits(buf, year, 4);
	*p++ = '-';
	p = put_digits(p, month, 2);
	*p++ = '-';
	p = put_digits(p, day, 2);
	*p++ = ' ';
	p = put_digits(p, secs / 3600, 2);
	*p++ = ':';
	p = put_digits(p, secs / 60 % 60, 2);
	*p++ = ':';
	p = put_digits(p, secs % 60, 2);
	*p = 0;
}

void
clock_format_iso(time_t t, char *buf)
{
	clock_format_utc(t, buf);
	buf[10] = 'T';
	buf[19] = 'Z';
	buf[20] = 0;
}

void
clock_kst_tm(time_t t, struct tm *out)
{
	time_t local = t + CLOCK_KST_OFFSET;
	gmtime_r(&local, out);
}

void
clock_format_kst_date(time_t t, char *buf)
{
	struct tm tm;
	clock_kst_tm(t, &tm);
	strftime(buf, 11, "%Y-%m-%d", &tm);
}

time_t
clock_kst_midnight(int year, int month, int day)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	return timegm(&tm) - CLOCK_KST_OFFSET;
}
