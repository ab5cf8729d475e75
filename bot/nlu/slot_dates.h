/* Periods typed as dates, for the period canonicaliser (slot.c): "10월 1일부터
 * 15일까지", "2026-10-01~2026-10-15", "since october 15". Inputs are
 * normalised, compacted captures (no spaces) of at most COMPACT_MAX bytes
 * (slot_int.h); nothing is allocated. */
#ifndef BOT_SLOT_DATES_H
#define BOT_SLOT_DATES_H

#include <stddef.h>
#include <time.h>
#include "err.h"

/* Whether Y-M-D is a real date between the years 2000 and 2100. */
int slot_valid_date(int y, int m, int d);

/* Rewrites English dates in S ("oct 1 to oct 15", "october 1st", "since
 * september") into the Korean form the range reader takes
 * ("10월1일to10월15일"), into OUT (COMPACT_MAX bytes). */
void slot_english_dates(const char *s, char *out);

/* The range of dates S names, resolved against NOW on the Seoul calendar, as
 * "YYYY-MM-DD..YYYY-MM-DD" into OUT (OUTLEN bytes). BOT_ERR_NOT_FOUND when S
 * names no dates (or an impossible range), BOT_ERR_LIMIT when OUT is too
 * small. */
bot_err slot_explicit_range(const char *s, time_t now, char *out, size_t outlen);

#endif
