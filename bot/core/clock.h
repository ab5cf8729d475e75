/* The current time, injectable so tests are deterministic, and the two time
 * forms botd uses: UTC text in the database, Asia/Seoul for people. */
#ifndef BOT_CLOCK_H
#define BOT_CLOCK_H

#include <stdint.h>
#include <time.h>
#include "err.h"

/* Asia/Seoul has kept UTC+9 without daylight saving since 1988. */
#define CLOCK_KST_OFFSET (9 * 3600)

/* Fixes the clock at T (the configuration's "now" or BOTD_NOW); 0 = real time. */
void clock_set_fixed(time_t t);
time_t clock_now(void);
/* Microseconds on the monotonic clock, for durations (never the fixed clock). */
int64_t clock_mono_us(void);

/* Parses "YYYY-MM-DD HH:MM:SS", "YYYY-MM-DDTHH:MM:SSZ" or "YYYY-MM-DD" as UTC. */
bot_err clock_parse_utc(const char *text, time_t *out);
/* Writes "YYYY-MM-DD HH:MM:SS" (UTC) into BUF, which holds at least 20 bytes:
 * the form times are stored in. */
void clock_format_utc(time_t t, char *buf);
/* Writes "YYYY-MM-DDTHH:MM:SSZ" (UTC, ISO 8601) into BUF, which holds at
 * least CLOCK_ISO_LEN bytes: the form every frame and log line shows. */
#define CLOCK_ISO_LEN 21
void clock_format_iso(time_t t, char *buf);
/* Writes the Asia/Seoul calendar date "YYYY-MM-DD" into BUF (>= 11 bytes). */
void clock_format_kst_date(time_t t, char *buf);
/* Splits T into Asia/Seoul calendar fields (tm_year etc. as in struct tm). */
void clock_kst_tm(time_t t, struct tm *out);
/* UTC instant of 00:00 Asia/Seoul on the given calendar day (month 1-12;
 * out-of-range days and months are normalised, as mktime does). */
time_t clock_kst_midnight(int year, int month, int day);

#endif
