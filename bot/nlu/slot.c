/* Slot canonicalisers (see slot.h). Everything here works on small, already
 * normalised captures, in fixed stack buffers: nothing is allocated. */
#include "slot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "slot_dates.h"
#include "slot_int.h"

bot_err
slot_canon_parse(const char *name, slot_canon *out)
{
	static const struct {
		const char *name;
		slot_canon canon;
	} names[] = {
		{"text", SLOT_CANON_TEXT},
		{"period", SLOT_CANON_PERIOD},
		{"month", SLOT_CANON_MONTH},
		{"card_last4", SLOT_CANON_CARD_LAST4},
	};
	size_t i;

	for (i = 0; name && i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(name, names[i].name)) {
			*out = names[i].canon;
			return BOT_OK;
		}
	}
	return BOT_ERR_NOT_FOUND;
}

static bot_err
put_str(const char *s, char *out, size_t outlen)
{
	size_t n = strlen(s);

	if (n >= outlen)
		return BOT_ERR_LIMIT;
	memcpy(out, s, n + 1);
	return BOT_OK;
}

/* Copies TEXT without spaces into BUF, so "지난 달" and "지난달", "last 7
 * days" and "last7days" look the same to the keyword tests below. */
static void
compact(const char *text, size_t len, char *buf)
{
	size_t i, o = 0;

	for (i = 0; i < len && o < COMPACT_MAX - 1; i++) {
		if (text[i] != ' ')
			buf[o++] = text[i];
	}
	buf[o] = '\0';
}

/* ---- "최근 7일", "지난 3개월", "last 2 weeks", "past month" ---- */

/* Reads a count at S: digits, or a number word (native Korean 한 두 세 석...,
 * Sino-Korean 일 이 삼..., English one two three...). */
static int
read_count(const char *s, const char **end)
{
	static const struct {
		const char *w;
		int v;
	} words[] = {
		/* longer words first where one starts another */
		{"fourteen", 14}, {"thirty", 30}, {"twelve", 12}, {"seven", 7}, {"three", 3},
		{"eight", 8},	  {"nine", 9},	  {"four", 4},	   {"five", 5},	 {"one", 1},
		{"two", 2},	  {"six", 6},	  {"ten", 10},	   {"a", 1},	 {"다섯", 5},
		{"여섯", 6},	  {"일곱", 7},	  {"여덟", 8},	   {"아홉", 9},	 {"한", 1},
		{"두", 2},	  {"세", 3},	  {"석", 3},	   {"네", 4},	 {"넉", 4},
		{"열", 10},	  {"일", 1},	  {"이", 2},	   {"삼", 3},	 {"사", 4},
		{"오", 5},	  {"육", 6},	  {"칠", 7},	   {"팔", 8},	 {"구", 9},
		{"십", 10},
	};
	size_t i;

	if (*s >= '0' && *s <= '9') {
		long v = strtol(s, (char **)end, 10);

		return v > 0 && v <= 3660 ? (int)v : -1;
	}
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t n = strlen(words[i].w);

		if (!strncmp(s, words[i].w, n)) {
			*end = s + n;
			return words[i].v;
		}
	}
	return -1;
}

enum span_unit { SPAN_DAYS = 1, SPAN_MONTHS };

/* Reads a unit at S: its length in days (SPAN_DAYS) or months (SPAN_MONTHS),
 * or -1. */
static int
read_unit(const char *s, enum span_unit *kind)
{
	static const struct {
		const char *w;
		int n;
		enum span_unit k;
	} units[] = {
		{"주일", 7, SPAN_DAYS},	    {"일", 1, SPAN_DAYS},	  {"days", 1, SPAN_DAYS},
		{"day", 1, SPAN_DAYS},	    {"주", 7, SPAN_DAYS},	  {"weeks", 7, SPAN_DAYS},
		{"week", 7, SPAN_DAYS},	    {"개월", 1, SPAN_MONTHS}, {"달", 1, SPAN_MONTHS},
		{"months", 1, SPAN_MONTHS}, {"month", 1, SPAN_MONTHS}, {"년", 12, SPAN_MONTHS},
		{"해", 12, SPAN_MONTHS},    {"years", 12, SPAN_MONTHS}, {"year", 12, SPAN_MONTHS},
	};
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strncmp(s, units[i].w, strlen(units[i].w))) {
			*kind = units[i].k;
			return units[i].n;
		}
	}
	return -1;
}

/* The span of a "recent N units" phrase: its length and unit, 0 when there
 * is none. "최근"/"past"/"recent" allow an implied one ("past week"); "지난"
 * and "last" need a number, because "지난주"/"last week" mean the calendar
 * week, except before 일주일 ("지난 일주일" is the last seven days). */
static int
relative_span(const char *s, enum span_unit *kind)
{
	static const struct {
		const char *w;
		int implied_one;
	} prefixes[] = {
		{"최근", 1}, {"past", 1}, {"recent", 1}, {"지난", 0}, {"last", 0}, {"요근래", 1},
	};
	size_t i;

	*kind = SPAN_DAYS;
	if (strstr(s, "일주일"))
		return 7;
	if (strstr(s, "보름"))
		return 15;
	if (strstr(s, "열흘"))
		return 10;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		const char *p = strstr(s, prefixes[i].w);

		while (p) {
			const char *q = p + strlen(prefixes[i].w), *e = q;
			int n, u;

			if (!strncmp(e, "the", 3))
				e += 3;
			q = e;
			n = read_count(q, &e);
			if (n < 0 && prefixes[i].implied_one) {
				n = 1;
				e = q;
			}
			if (n > 0 && (u = read_unit(e, kind)) > 0)
				return n * u;
			p = strstr(p + 1, prefixes[i].w);
		}
	}
	/* "7일간", "30일 동안", "2주간", "3개월 동안" */
	for (i = 0; s[i]; i++) {
		if (s[i] >= '0' && s[i] <= '9' && (i == 0 || s[i - 1] < '0' || s[i - 1] > '9') &&
		    !(i >= 3 && !strncmp(s + i - 3, "월", 3))) {
			const char *e;
			int n = read_count(s + i, &e), u = n > 0 ? read_unit(e, kind) : -1;
			const char *after = e;

			if (u <= 0)
				continue;
			/* the unit itself */
			while (*after && strncmp(after, "간", strlen("간")) &&
			       strncmp(after, "동안", strlen("동안")) && strncmp(after, "치", strlen("치")) &&
			       strncmp(after, "로", strlen("로")) && after - e < 6)
				after++;
			/* "7일간", "3개월 동안", "14일치", and "6개월로" (a change of period) */
			if (!strncmp(after, "간", strlen("간")) || !strncmp(after, "동안", strlen("동안")) ||
			    !strncmp(after, "치", strlen("치")) || !strncmp(after, "로", strlen("로")))
				return n * u;
		}
	}
	return 0;
}

/* The periods said in words. A phrase may hold more than one ("그저께랑
 * 어제", "지난주랑 이번주"): their union is the range meant. */
enum pk {
	PK_TODAY,
	PK_YESTERDAY,
	PK_DAY_BEFORE,
	PK_THIS_WEEK,
	PK_WEEK_BEFORE,
	PK_LAST_WEEKEND,
	PK_LAST_WEEK,
	PK_THIS_MONTH,
	PK_MONTH_BEFORE,
	PK_LAST_MONTH,
	PK_THIS_QUARTER,
	PK_LAST_QUARTER,
	PK_THIS_YEAR,
	PK_LAST_YEAR,
	PK_ALL,
};

static const struct {
	const char *w;
	enum pk k;
} period_words[] = {
	/* where one word holds another, the longer comes first */
	{"daybeforeyesterday", PK_DAY_BEFORE},
	{"yesterday", PK_YESTERDAY},
	{"weekbeforelast", PK_WEEK_BEFORE},
	{"monthbeforelast", PK_MONTH_BEFORE},
	{"lastweekend", PK_LAST_WEEKEND},
	{"pastweekend", PK_LAST_WEEKEND},
	{"previousweek", PK_LAST_WEEK},
	{"previousmonth", PK_LAST_MONTH},
	{"monthtodate", PK_THIS_MONTH},
	{"thisquarter", PK_THIS_QUARTER},
	{"lastquarter", PK_LAST_QUARTER},
	{"thisweek", PK_THIS_WEEK},
	{"lastweek", PK_LAST_WEEK},
	{"thismonth", PK_THIS_MONTH},
	{"lastmonth", PK_LAST_MONTH},
	{"thisyear", PK_THIS_YEAR},
	{"lastyear", PK_LAST_YEAR},
	{"everything", PK_ALL},
	{"entire", PK_ALL},
	{"whole", PK_ALL},
	{"today", PK_TODAY},
	{"all", PK_ALL},
	{"지지난주", PK_WEEK_BEFORE},
	{"저저번주", PK_WEEK_BEFORE},
	{"지난주말", PK_LAST_WEEKEND},
	{"저번주말", PK_LAST_WEEKEND},
	{"지지난달", PK_MONTH_BEFORE},
	{"저저번달", PK_MONTH_BEFORE},
	{"이번분기", PK_THIS_QUARTER},
	{"요번분기", PK_THIS_QUARTER},
	{"지난분기", PK_LAST_QUARTER},
	{"저번분기", PK_LAST_QUARTER},
	{"이번년도", PK_THIS_YEAR},
	{"처음부터", PK_ALL},
	{"엊그저께", PK_DAY_BEFORE},
	{"엊그제", PK_DAY_BEFORE},
	{"그저께", PK_DAY_BEFORE},
	{"어저께", PK_YESTERDAY},
	{"이번주", PK_THIS_WEEK},
	{"요번주", PK_THIS_WEEK},
	{"지난주", PK_LAST_WEEK},
	{"저번주", PK_LAST_WEEK},
	{"이번달", PK_THIS_MONTH},
	{"요번달", PK_THIS_MONTH},
	{"지난달", PK_LAST_MONTH},
	{"저번달", PK_LAST_MONTH},
	{"금분기", PK_THIS_QUARTER},
	{"전분기", PK_LAST_QUARTER},
	{"지난해", PK_LAST_YEAR},
	{"전기간", PK_ALL},
	{"그제", PK_DAY_BEFORE},
	{"오늘", PK_TODAY},
	{"금일", PK_TODAY},
	{"어제", PK_YESTERDAY},
	{"전일", PK_YESTERDAY},
	{"금주", PK_THIS_WEEK},
	{"전주", PK_LAST_WEEK},
	{"이달", PK_THIS_MONTH},
	{"금월", PK_THIS_MONTH},
	{"당월", PK_THIS_MONTH},
	{"전월", PK_LAST_MONTH},
	{"전달", PK_LAST_MONTH},
	{"올해", PK_THIS_YEAR},
	{"금년", PK_THIS_YEAR},
	{"작년", PK_LAST_YEAR},
	{"전년", PK_LAST_YEAR},
	{"전체", PK_ALL},
	{"전부", PK_ALL},
	{"모든", PK_ALL},
	{"모두", PK_ALL},
};

/* The days [FROM, TO] of period K on TODAY's calendar, and its canonical
 * name when it has one (NULL: a range). */
static const char *
pk_range(enum pk k, long t, long *from, long *to)
{
	int y, m, d;

	cal_civil_from_days(t, &y, &m, &d);
	switch (k) {
	case PK_TODAY:
		*from = *to = t;
		return "today";
	case PK_YESTERDAY:
		*from = *to = t - 1;
		return "yesterday";
	case PK_DAY_BEFORE:
		*from = *to = t - 2;
		return NULL;
	case PK_THIS_WEEK:
		*from = cal_monday_of(t);
		*to = t;
		return "this_week";
	case PK_WEEK_BEFORE:
		*from = cal_monday_of(t) - 14;
		*to = cal_monday_of(t) - 8;
		return NULL;
	case PK_LAST_WEEKEND: /* the Saturday and Sunday before this week */
		*from = cal_monday_of(t) - 2;
		*to = cal_monday_of(t) - 1;
		return NULL;
	case PK_LAST_WEEK:
		*from = cal_monday_of(t) - 7;
		*to = cal_monday_of(t) - 1;
		return "last_week";
	case PK_THIS_MONTH:
		*from = cal_days_from_civil(y, m, 1);
		*to = t;
		return "this_month";
	case PK_MONTH_BEFORE:
		*from = cal_add_months(cal_days_from_civil(y, m, 1), -2);
		*to = cal_add_months(*from, 1) - 1;
		return NULL;
	case PK_LAST_MONTH:
		*from = cal_add_months(cal_days_from_civil(y, m, 1), -1);
		*to = cal_days_from_civil(y, m, 1) - 1;
		return "last_month";
	case PK_THIS_QUARTER:
		*from = cal_days_from_civil(y, (m - 1) / 3 * 3 + 1, 1);
		*to = t;
		return NULL;
	case PK_LAST_QUARTER:
		*from = cal_add_months(cal_days_from_civil(y, (m - 1) / 3 * 3 + 1, 1), -3);
		*to = cal_add_months(*from, 3) - 1;
		return NULL;
	case PK_THIS_YEAR:
		*from = cal_days_from_civil(y, 1, 1);
		*to = t;
		return NULL;
	case PK_LAST_YEAR:
		*from = cal_days_from_civil(y - 1, 1, 1);
		*to = cal_days_from_civil(y - 1, 12, 31);
		return NULL;
	case PK_ALL:
		*from = *to = t;
		return "all";
	}
	return NULL;
}

static bot_err
canon_period(const char *s, time_t now, char *out, size_t outlen)
{
	long t = cal_seoul_today(now), from = 0, to = 0;
	const char *name = NULL;
	enum span_unit unit;
	int span = relative_span(s, &unit), found = 0, all = 0;

	if (span > 0 && unit == SPAN_MONTHS) {
		/* One month is the admin centre's "last 30 days"; more are
		 * calendar months to today, not 30-day blocks: 20 November
		 * less three months is 20 August. */
		if (span == 1)
			return put_str("last_30_days", out, outlen);
		return cal_put_range(cal_add_months(t, -span), t, out, outlen);
	}
	if (span == 7)
		return put_str("last_7_days", out, outlen);
	if (span == 14)
		return put_str("last_14_days", out, outlen);
	if (span == 30)
		return put_str("last_30_days", out, outlen);
	if (span > 0)
		return cal_put_range(t - span + 1, t, out, outlen);
	if (slot_explicit_range(s, now, out, outlen) == BOT_OK)
		return BOT_OK;
	/* "이번 주 전체": all of that period, not all time; ALL counts only
	 * alone */
	for (const char *p = s; *p;) {
		size_t i, n = 0;

		for (i = 0; i < sizeof(period_words) / sizeof(period_words[0]); i++) {
			n = strlen(period_words[i].w);
			if (!strncmp(p, period_words[i].w, n))
				break;
		}
		if (i == sizeof(period_words) / sizeof(period_words[0])) {
			p++;
			continue;
		}
		p += n;
		if (period_words[i].k == PK_ALL) {
			all = 1;
			continue;
		}
		long f, e;
		const char *nm = pk_range(period_words[i].k, t, &f, &e);

		if (!found) {
			from = f;
			to = e;
			name = nm;
		} else {
			from = f < from ? f : from;
			to = e > to ? e : to;
			name = NULL;
		}
		found++;
	}
	if (!found)
		return all ? put_str("all", out, outlen) : BOT_ERR_NOT_FOUND;
	if (found == 1 && name)
		return put_str(name, out, outlen);
	return cal_put_range(from, to, out, outlen);
}

/* ---- tax invoice month ---- */

static int
english_month(const char *s)
{
	static const char *const names[] = {"jan", "feb", "mar", "apr", "may", "jun",
					    "jul", "aug", "sep", "oct", "nov", "dec"};
	int i;

	for (i = 0; i < 12; i++) {
		if (strstr(s, names[i]))
			return i + 1;
	}
	return 0;
}

static bot_err
canon_month(const char *s, time_t now, char *out, size_t outlen)
{
	static const char *const this_month[] = {"이번달", "금월", "당월", "thismonth", NULL};
	static const char *const last_month[] = {"지난달", "저번달", "전월", "전달", "lastmonth",
						 "previousmonth", NULL};
	int ty, tm, td, y = 0, m = 0, n;
	const char *p;

	cal_civil_from_days(cal_seoul_today(now), &ty, &tm, &td);
	if (has_any(s, last_month)) {
		y = tm == 1 ? ty - 1 : ty;
		m = tm == 1 ? 12 : tm - 1;
	} else if (has_any(s, this_month)) {
		y = ty;
		m = tm;
	} else {
		for (p = s; *p; p++) {
			const char *e;
			long v;

			if (*p < '0' || *p > '9' || (p > s && p[-1] >= '0' && p[-1] <= '9'))
				continue;
			v = strtol(p, (char **)&e, 10);
			if (!strncmp(e, "년", strlen("년"))) {
				y = (int)(e - p == 2 ? v + 2000 : v);
			} else if (!strncmp(e, "월", strlen("월"))) {
				m = (int)v;
			} else if (e - p == 4 && (*e == '-' || *e == '.' || *e == '/') && e[1] >= '0' &&
				   e[1] <= '9') {
				y = (int)v;
				m = (int)strtol(e + 1, (char **)&e, 10);
			}
			p = e - 1;
		}
		if (!m)
			m = english_month(s);
		if (!y) {
			for (p = s; *p; p++) {
				/* "september 2026" */
				if (p[0] == '2' && p[1] == '0' && p[2] >= '0' && p[2] <= '9' &&
				    p[3] >= '0' && p[3] <= '9' && (p[4] < '0' || p[4] > '9')) {
					y = (int)strtol(p, NULL, 10);
					break;
				}
			}
		}
		if (m < 1 || m > 12)
			return BOT_ERR_NOT_FOUND;
		if (!y)
			y = m > tm ? ty - 1 : ty;
	}
	if (y < 2000 || y > 2100)
		return BOT_ERR_NOT_FOUND;
	n = snprintf(out, outlen, "%04d-%02d", y, m);
	return n < 0 || (size_t)n >= outlen ? BOT_ERR_LIMIT : BOT_OK;
}

/* ---- card last four ---- */

static bot_err
canon_last4(const char *s, char *out, size_t outlen)
{
	const char *p, *found = NULL;

	/* The last run of exactly four digits: "끝자리 1234", "ending in 1234". */
	for (p = s; *p; p++) {
		if (*p >= '0' && *p <= '9' && (p == s || p[-1] < '0' || p[-1] > '9')) {
			const char *e = p;

			while (*e >= '0' && *e <= '9')
				e++;
			if (e - p == 4)
				found = p;
			p = e - 1;
		}
	}
	if (!found)
		return BOT_ERR_NOT_FOUND;
	if (outlen < 5)
		return BOT_ERR_LIMIT;
	memcpy(out, found, 4);
	out[4] = '\0';
	return BOT_OK;
}

bot_err
slot_canonicalize(slot_canon canon, const char *text, size_t len, time_t now, char *out,
		  size_t outlen)
{
	char s[COMPACT_MAX];

	if (!text || !out || !outlen)
		return BOT_ERR_INVAL;
	if (canon == SLOT_CANON_TEXT) {
		if (len >= outlen)
			len = outlen - 1;
		memcpy(out, text, len);
		out[len] = '\0';
		return len ? BOT_OK : BOT_ERR_NOT_FOUND;
	}
		if (canon == SLOT_CANON_PERIOD) {
		/* English month names are read before the spaces go:
		 * "to oct 15" is not "tooct15" */
		char e[COMPACT_MAX];
		size_t n = len < COMPACT_MAX - 1 ? len : COMPACT_MAX - 1;

		memcpy(s, text, n);
		s[n] = '\0';
		slot_english_dates(s, e);
		compact(e, strlen(e), s);
		return canon_period(s, now, out, outlen);
	}
	compact(text, len, s);
	switch (canon) {
	case SLOT_CANON_PERIOD:
		return canon_period(s, now, out, outlen);
	case SLOT_CANON_MONTH:
		return canon_month(s, now, out, outlen);
	case SLOT_CANON_CARD_LAST4:
		return canon_last4(s, out, outlen);
	case SLOT_CANON_TEXT:
		break;
	}
	return BOT_ERR_NOT_FOUND;
}

/* ---- periods relative to the one before ---- */

/* The days of canonical period P (as slot_canonicalize writes it). */
static int
period_days(const char *p, time_t now, long *from, long *to)
{
	static const struct {
		const char *name;
		enum pk k;
	} names[] = {
		{"today", PK_TODAY},	     {"yesterday", PK_YESTERDAY},   {"this_week", PK_THIS_WEEK},
		{"last_week", PK_LAST_WEEK}, {"this_month", PK_THIS_MONTH}, {"last_month", PK_LAST_MONTH},
	};
	long t = cal_seoul_today(now);
	int y1, m1, d1, y2, m2, d2, n = 0;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(p, names[i].name)) {
			pk_range(names[i].k, t, from, to);
			return 1;
		}
	}
	if (!strncmp(p, "last_", 5) && sscanf(p + 5, "%d_days%n", &y1, &n) == 1 && !p[5 + n]) {
		*from = t - y1 + 1;
		*to = t;
		return 1;
	}
	if (sscanf(p, "%4d-%2d-%2d..%4d-%2d-%2d", &y1, &m1, &d1, &y2, &m2, &d2) == 6 &&
	    slot_valid_date(y1, m1, d1) && slot_valid_date(y2, m2, d2)) {
		*from = cal_days_from_civil(y1, m1, d1);
		*to = cal_days_from_civil(y2, m2, d2);
		return 1;
	}
	return 0;
}

bot_err
slot_period_relative(const char *text, size_t len, const char *prev, time_t now, char *out,
		     size_t outlen)
{
	static const char *const before_week[] = {"그전주", "그이전주", "전주는", "theweekbefore",
						  "weekbeforethat", "previousweek", NULL};
	static const char *const before_month[] = {"그전달", "그이전달", "그전월", "themonthbefore",
						   "monthbeforethat", NULL};
	static const char *const before_day[] = {"그전날", "그전일", "thedaybefore", "daybeforethat",
						 NULL};
	static const char *const before_any[] = {"그전", "그이전", "beforethat", NULL};
	char s[COMPACT_MAX];
	long from, to;
	int y, m, d;

	if (!text || !prev || !out || !outlen || !period_days(prev, now, &from, &to))
		return BOT_ERR_NOT_FOUND;
	compact(text, len, s);
	if (has_any(s, before_week))
		return cal_put_range(from - 7, to - 7 < from - 1 ? to - 7 : from - 1, out, outlen);
	if (has_any(s, before_month)) {
		cal_civil_from_days(from, &y, &m, &d);
		long f = cal_add_months(cal_days_from_civil(y, m, 1), -1);
		return cal_put_range(f, cal_add_months(f, 1) - 1, out, outlen);
	}
	if (has_any(s, before_day))
		return cal_put_range(from - 1, from - 1, out, outlen);
	if (has_any(s, before_any)) {
		/* the span just before, as long as the one before */
		return cal_put_range(from - (to - from + 1), from - 1, out, outlen);
	}
	/* "1일부터 10일까지도요": days of the month asked about before,
	 * when the text says no period of its own */
	{
		int y2, m2, d2;
		char buf[COMPACT_MAX + 16];

		if (canon_period(s, now, buf, sizeof(buf)) == BOT_OK)
			return BOT_ERR_NOT_FOUND;

		cal_civil_from_days(from, &y, &m, &d);
		cal_civil_from_days(to, &y2, &m2, &d2);
		if (y != y2 || m != m2 || strstr(s, "월") || !strstr(s, "일"))
			return BOT_ERR_NOT_FOUND;
		snprintf(buf, sizeof(buf), "%d년%d월%s", y, m, s);
		return slot_explicit_range(buf, now, out, outlen);
	}
}

int
slot_words_dated(const char *words, size_t len)
{
	/* Longest first where one is the start of another. */
	static const char *const fillers[] = {
	    "부터", "까지", "에서", "사이", "년", "월", "일", "의", "september", "january",
	    "february", "november", "december", "between", "through", "october", "august",
	    "march", "april", "until", "july", "june", "from", "thru", "till", "sept", "and",
	    "the", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
	    "dec", "to", "of", "on", "st", "nd", "rd", "th",
	};
	size_t i = 0;
	int digits = 0;
	while (i < len) {
		unsigned char c = (unsigned char)words[i];
		if (c >= '0' && c <= '9') {
			digits = 1;
			i++;
			continue;
		}
		if (c == ' ' || c == '-' || c == '.' || c == '/' || c == '~' || c == ',' ||
		    c == ':') {
			i++;
			continue;
		}
		size_t k, n = 0;
		for (k = 0; k < sizeof(fillers) / sizeof(fillers[0]); k++) {
			n = strlen(fillers[k]);
			if (n <= len - i && !memcmp(words + i, fillers[k], n))
				break;
		}
		if (k == sizeof(fillers) / sizeof(fillers[0]))
			return 0;
		i += n;
	}
	return digits;
}
