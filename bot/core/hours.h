/* Business hours for human agents: weekdays within the configured window in
 * Asia/Seoul, except the configured holidays. */
#ifndef BOT_HOURS_H
#define BOT_HOURS_H

#include <time.h>
#include "err.h"

typedef struct hours {
	int open_min;  /* minutes after midnight, Asia/Seoul */
	int close_min;
	int n_holidays;
	int holidays[64]; /* YYYYMMDD */
} hours;

/* Parses WINDOW ("09:00-18:00") and HOLIDAYS ("2026-12-25,2027-01-01").
 * Returns BOT_ERR_INVAL for a malformed value. */
bot_err hours_parse(const char *window, const char *holidays, hours *out);
/* Whether agents work at NOW. */
int hours_open(const hours *h, time_t now);
/* The next moment (UTC) at or after NOW when hours_open() is true. */
time_t hours_next_open(const hours *h, time_t now);

#endif
