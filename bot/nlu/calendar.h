/* Calendar arithmetic for the slot canonicalisers: day numbers (days since
 * 1970-01-01) on the proleptic Gregorian calendar, and today on the
 * Asia/Seoul calendar (UTC+9, no daylight saving). */
#ifndef BOT_CALENDAR_H
#define BOT_CALENDAR_H

#include <stddef.h>
#include <time.h>
#include "err.h"

/* The day number of Y-M-D (M 1-12, D 1-31). */
long cal_days_from_civil(int y, int m, int d);

/* The date of day number Z. */
void cal_civil_from_days(long z, int *y, int *m, int *d);

/* The days in month M (1-12) of year Y. */
int cal_days_in_month(int y, int m);

/* Today's day number on the Seoul calendar at NOW. */
long cal_seoul_today(time_t now);

/* Writes "YYYY-MM-DD..YYYY-MM-DD" for days FROM..TO into OUT (OUTLEN bytes,
 * NUL-terminated). BOT_ERR_LIMIT when OUT is too small. */
bot_err cal_put_range(long from, long to, char *out, size_t outlen);

/* Day number D moved by MONTHS calendar months, the day clamped to the
 * month's length (31 March less one month is 28 or 29 February). */
long cal_add_months(long d, int months);

/* Monday of the week holding day D. */
long cal_monday_of(long d);

#endif
