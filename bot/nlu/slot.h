/* Slot canonicalisers: turn the text a pattern captured (already normalised:
 * NFKC, case folded, single spaces) into the canonical value answers use.
 *   period      today, yesterday, this_week, last_week, last_7_days,
 *               last_14_days, last_30_days, this_month, last_month, all, or
 *               "YYYY-MM-DD..YYYY-MM-DD": "최근 일주일"/"지난 일주일" is
 *               last_7_days, "최근 이주" last_14_days, "그저께" that one day,
 *               "지난 3개월" three calendar months to today (20 August to
 *               20 November), "그저께랑 어제" both days, and the same in
 *               English ("past week", "last 3 months", "since october 15")
 *   month       "YYYY-MM" (tax invoice month)
 *   card_last4  four digits
 * Relative dates resolve against NOW on the Asia/Seoul calendar (UTC+9, no
 * daylight saving). */
#ifndef BOT_SLOT_H
#define BOT_SLOT_H

#include <stddef.h>
#include <time.h>
#include "err.h"

typedef enum slot_canon {
	SLOT_CANON_TEXT = 0, /* the captured text as is */
	SLOT_CANON_PERIOD,
	SLOT_CANON_MONTH,
	SLOT_CANON_CARD_LAST4,
} slot_canon;

/* Big enough for every canonical value ("YYYY-MM-DD..YYYY-MM-DD" is 22). */
#define SLOT_VALUE_MAX 64

/* Maps a canonicaliser name from an intent file ("period", "month",
 * "card_last4", "text") to its enum. Returns BOT_ERR_NOT_FOUND when unknown. */
bot_err slot_canon_parse(const char *name, slot_canon *out);

/* Canonicalises LEN bytes at TEXT into OUT (OUTLEN bytes, NUL-terminated).
 * Returns BOT_ERR_NOT_FOUND when the text holds no usable value (the slot is
 * then left out rather than guessed), BOT_ERR_LIMIT when OUT is too small. */
bot_err slot_canonicalize(slot_canon canon, const char *text, size_t len, time_t now, char *out,
			  size_t outlen);

/* A period said relative to the one asked about before, PREV (canonical):
 * "그 전 주도요" (the week before), "그 전 달", "그 전날", "before that", or
 * bare days of the same month ("1일부터 10일까지도요"). Writes the new
 * canonical value into OUT; BOT_ERR_NOT_FOUND when TEXT says none of these. */
bot_err slot_period_relative(const char *text, size_t len, const char *prev, time_t now,
			     char *out, size_t outlen);

/* Whether the LEN bytes of normalised WORDS name nothing but dates: numbers,
 * months and days and the little words between them ("2026-10-01~10-31",
 * "10월 1일부터 15일까지", "from oct 1 to oct 15"). Such words add nothing to
 * the dates an answer prints, unlike "지난 3개월" or "last week". */
int slot_words_dated(const char *words, size_t len);

#endif
