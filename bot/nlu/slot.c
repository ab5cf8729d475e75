/* Slot canonicalisers (see slot.h). Everything here works on small, already
 * normalised captures, in fixed stack buffers: nothing is allocated. */
#include "slot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longer captures are cut: a period or month phrase is a few words. */
#define COMPACT_MAX 256
#define KST_OFFSET (9 * 3600)

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

/* ---- calendar arithmetic (proleptic Gregorian, days since 1970-01-01) ---- */

static long
days_from_civil(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(long z, int *y, int *m, int *d)
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

static int
days_in_month(int y, int m)
{
	static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dim[m - 1];
}

/* Today's day number on the Seoul calendar. */
static long
seoul_today(time_t now)
{
	long long t = (long long)now + KST_OFFSET;

	return (long)(t >= 0 ? t / 86400 : (t - 86399) / 86400);
}

static bot_err
put_range(long from, long to, char *out, size_t outlen)
{
	int y1, m1, d1, y2, m2, d2;
	int n;

	civil_from_days(from, &y1, &m1, &d1);
	civil_from_days(to, &y2, &m2, &d2);
	n = snprintf(out, outlen, "%04d-%02d-%02d..%04d-%02d-%02d", y1, m1, d1, y2, m2, d2);
	return n < 0 || (size_t)n >= outlen ? BOT_ERR_LIMIT : BOT_OK;
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

static int
has_any(const char *s, const char *const *words)
{
	for (; *words; words++) {
		if (strstr(s, *words))
			return 1;
	}
	return 0;
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
		if (s[i] >= '0' && s[i] <= '9' && (i == 0 || s[i - 1] < '0' || s[i - 1] > '9')) {
			const char *e;
			int n = read_count(s + i, &e), u = n > 0 ? read_unit(e, kind) : -1;
			const char *after = e;

			if (u <= 0)
				continue;
			/* the unit itself */
			while (*after && strncmp(after, "간", strlen("간")) &&
			       strncmp(after, "동안", strlen("동안")) && after - e < 6)
				after++;
			if (!strncmp(after, "간", strlen("간")) || !strncmp(after, "동안", strlen("동안")))
				return n * u;
		}
	}
	return 0;
}

/* Day number D moved by MONTHS calendar months, the day clamped to the
 * month's length (31 March less one month is 28 or 29 February). */
static long
add_months(long d, int months)
{
	int y, m, dd, k;

	civil_from_days(d, &y, &m, &dd);
	k = y * 12 + (m - 1) + months;
	y = k / 12;
	m = k % 12 + 1;
	if (dd > days_in_month(y, m))
		dd = days_in_month(y, m);
	return days_from_civil(y, m, dd);
}

/* ---- explicit dates: "10월 1일부터 15일까지", "2026-10-01~2026-10-15" ---- */

struct pdate {
	int y, m, d; /* 0 = not given */
};

/* Splits S into at most two partial dates. A field that repeats or goes back
 * in Y-M-D order starts the next date ("10월 1일부터 15일까지" is
 * {m10 d1}, {d15}). Returns the number of dates found. */
static int
scan_dates(const char *s, struct pdate *out)
{
	int n = 0, order = -1;
	struct pdate cur = {0, 0, 0};
	const char *p = s;

	while (*p && n < 2) {
		const char *e;
		long v;
		int field, nd;

		if (*p < '0' || *p > '9') {
			p++;
			continue;
		}
		v = strtol(p, (char **)&e, 10);
		nd = (int)(e - p);
		if (v > 9999) {
			p = e;
			continue;
		}
		/* Separated forms: 2026-10-01, 2026.10.1, 10/15. */
		if ((*e == '-' || *e == '.' || *e == '/') && e[1] >= '0' && e[1] <= '9') {
			char sep = *e;
			long v2, v3 = 0;
			const char *e2, *e3;

			v2 = strtol(e + 1, (char **)&e2, 10);
			if (nd == 4 && *e2 == sep && e2[1] >= '0' && e2[1] <= '9') {
				v3 = strtol(e2 + 1, (char **)&e3, 10);
				e2 = e3;
			}
			if (order >= 0) {
				out[n++] = cur;
				if (n == 2)
					break;
			}
			if (nd == 4) {
				cur.y = (int)v;
				cur.m = (int)v2;
				cur.d = (int)v3;
			} else {
				cur.y = 0;
				cur.m = (int)v;
				cur.d = (int)v2;
			}
			order = 2;
			p = e2;
			continue;
		}
		if (!strncmp(e, "년", strlen("년"))) {
			field = 0;
			e += strlen("년");
			if (nd == 2)
				v += 2000;
		} else if (!strncmp(e, "월", strlen("월"))) {
			field = 1;
			e += strlen("월");
		} else if (!strncmp(e, "일", strlen("일"))) {
			field = 2;
			e += strlen("일");
		} else {
			p = e;
			continue;
		}
		if (field <= order) {
			out[n++] = cur;
			memset(&cur, 0, sizeof(cur));
			if (n == 2)
				break;
		}
		if (field == 0)
			cur.y = (int)v;
		else if (field == 1)
			cur.m = (int)v;
		else
			cur.d = (int)v;
		order = field;
		p = e;
	}
	if (order >= 0 && n < 2)
		out[n++] = cur;
	return n;
}

static int
valid_date(int y, int m, int d)
{
	return y >= 2000 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/* Rewrites English dates in S ("oct 1 to oct 15", "october 1st",
 * "since september") into the Korean form scan_dates reads ("10월1일to10월15일"),
 * into OUT (COMPACT_MAX). */
static void
english_dates(const char *s, char *out)
{
	static const char *const names[] = {"jan", "feb", "mar", "apr", "may", "jun",
					    "jul", "aug", "sep", "oct", "nov", "dec"};
	size_t o = 0;

	while (*s && o + 12 < COMPACT_MAX) {
		int m = 0;

		if (*s >= 'a' && *s <= 'z' && (o == 0 || out[o - 1] < 'a' || out[o - 1] > 'z')) {
			for (int i = 0; i < 12; i++) {
				if (!strncmp(s, names[i], 3)) {
					m = i + 1;
					break;
				}
			}
		}
		if (m) {
			s += 3;
			while (*s >= 'a' && *s <= 'z')
				s++;
			const char *after = s;
			while (*s == ' ' || *s == '.')
				s++;
			if (!(*s >= '0' && *s <= '9'))
				s = after;
			o += (size_t)snprintf(out + o, COMPACT_MAX - o, "%d월", m);
			if (*s >= '0' && *s <= '9' && !(s[1] >= '0' && s[1] <= '9' && s[2] >= '0' &&
							 s[2] <= '9' && s[3] >= '0')) {
				while (*s >= '0' && *s <= '9' && o + 4 < COMPACT_MAX)
					out[o++] = *s++;
				o += (size_t)snprintf(out + o, COMPACT_MAX - o, "일");
				if (!strncmp(s, "st", 2) || !strncmp(s, "nd", 2) || !strncmp(s, "rd", 2) ||
				    !strncmp(s, "th", 2))
					s += 2;
			}
			continue;
		}
		/* "15th" */
		if (o && out[o - 1] >= '0' && out[o - 1] <= '9' &&
		    (!strncmp(s, "st", 2) || !strncmp(s, "nd", 2) || !strncmp(s, "rd", 2) ||
		     !strncmp(s, "th", 2)) &&
		    !(s[2] >= 'a' && s[2] <= 'z')) {
			o += (size_t)snprintf(out + o, COMPACT_MAX - o, "일");
			s += 2;
			continue;
		}
		out[o++] = *s++;
	}
	out[o] = '\0';
}

static bot_err
explicit_range(const char *s0, time_t now, char *out, size_t outlen)
{
	static const char *const since[] = {"부터", "이후", "since", "from", "after", NULL};
	static const char *const last_month[] = {"지난달", "저번달", "전월", "전달", "lastmonth",
						 NULL};
	static const char *const this_month[] = {"이번달", "이달", "요번달", "금월", "당월",
						 "thismonth", NULL};
	char s[COMPACT_MAX];
	struct pdate dt[2];
	int n, ty, tm, td, y1, m1, d1, y2, m2, d2;
	long today = seoul_today(now), from, to;

		memcpy(s, s0, strlen(s0) + 1);
	n = scan_dates(s, dt);
	if (n == 0)
		return BOT_ERR_NOT_FOUND;
	civil_from_days(today, &ty, &tm, &td);
	/* "지난달 15일부터": the month is said in words */
	if (!dt[0].m && !dt[0].y && dt[0].d) {
		if (has_any(s, last_month))
			dt[0].m = tm == 1 ? 12 : tm - 1, dt[0].y = tm == 1 ? ty - 1 : ty;
		else if (has_any(s, this_month))
			dt[0].m = tm, dt[0].y = ty;
	}
	if (!dt[0].m && !dt[0].y)
		return BOT_ERR_NOT_FOUND; /* a bare day ("15일") is too vague */
	y1 = dt[0].y ? dt[0].y : ty;
	m1 = dt[0].m ? dt[0].m : 1;
	if (n == 1 && has_any(s, since)) {
		/* "10월 15일부터 (오늘까지)", "since october": to today */
		d1 = dt[0].d ? dt[0].d : 1;
		if (!valid_date(y1, m1, d1))
			return BOT_ERR_NOT_FOUND;
		from = days_from_civil(y1, m1, d1);
		if (!dt[0].y && from > today && valid_date(y1 - 1, m1, d1))
			from = days_from_civil(y1 - 1, m1, d1);
		if (from > today)
			return BOT_ERR_NOT_FOUND;
		return put_range(from, today, out, outlen);
	}
	if (n == 1) {
		y2 = y1;
		m2 = dt[0].m ? m1 : 12;
		d1 = dt[0].d ? dt[0].d : 1;
		d2 = dt[0].d ? dt[0].d : (m2 >= 1 && m2 <= 12 ? days_in_month(y2, m2) : 1);
	} else {
		y2 = dt[1].y ? dt[1].y : y1;
		m2 = dt[1].m ? dt[1].m : m1;
		d1 = dt[0].d ? dt[0].d : 1;
		d2 = dt[1].d ? dt[1].d : (m2 >= 1 && m2 <= 12 ? days_in_month(y2, m2) : 1);
	}
	if (!valid_date(y1, m1, d1) || !valid_date(y2, m2, d2))
		return BOT_ERR_NOT_FOUND;
	from = days_from_civil(y1, m1, d1);
	to = days_from_civil(y2, m2, d2);
	/* Without a year, people mean the most recent such date. */
	if (!dt[0].y && from > today) {
		y1--;
		if (!(n == 2 && dt[1].y))
			y2--;
		if (!valid_date(y1, m1, d1) || !valid_date(y2, m2, d2))
			return BOT_ERR_NOT_FOUND;
		from = days_from_civil(y1, m1, d1);
		to = days_from_civil(y2, m2, d2);
	}
	/* "12월 20일부터 1월 5일까지" crosses a new year. */
	if (to < from && n == 2 && !dt[1].y && valid_date(y2 + 1, m2, d2))
		to = days_from_civil(y2 + 1, m2, d2);
	if (to < from)
		return BOT_ERR_NOT_FOUND;
	/* A range that runs into the future ends today. */
	if (to > today && from <= today)
		to = today;
	return put_range(from, to, out, outlen);
}

/* Monday of the week holding day D (1970-01-01 was a Thursday). */
static long
monday_of(long d)
{
	long wd = ((d % 7) + 7 + 3) % 7; /* 0 = Monday */

	return d - wd;
}

static bot_err
canon_period(const char *s, time_t now, char *out, size_t outlen)
{
	static const char *const today[] = {"오늘", "금일", "today", NULL};
	static const char *const yesterday[] = {"어제", "어저께", "전일", "yesterday", NULL};
	static const char *const day_before[] = {"그저께", "그제", "엊그제", "daybeforeyesterday",
						 NULL};
	static const char *const both_days[] = {"어제오늘", "어제랑오늘", "어제와오늘",
						"어제부터오늘", "yesterdayandtoday", NULL};
	static const char *const this_week[] = {"이번주", "요번주", "금주", "thisweek", NULL};
	static const char *const week_before[] = {"지지난주", "저저번주", "weekbeforelast", NULL};
	static const char *const last_week[] = {"지난주", "저번주", "전주", "lastweek",
						"previousweek", NULL};
	static const char *const this_month[] = {"이번달", "요번달", "이달", "금월", "당월",
						 "thismonth", "monthtodate", NULL};
	static const char *const month_before[] = {"지지난달", "저저번달", "monthbeforelast",
						   NULL};
	static const char *const last_month[] = {"지난달", "저번달", "전월", "전달", "lastmonth",
						 "previousmonth", NULL};
	static const char *const this_quarter[] = {"이번분기", "요번분기", "금분기", "thisquarter",
						   NULL};
	static const char *const last_quarter[] = {"지난분기", "저번분기", "전분기", "lastquarter",
						   NULL};
	static const char *const this_year[] = {"올해", "금년", "이번년도", "올해들어", "thisyear",
						NULL};
	static const char *const last_year[] = {"작년", "지난해", "전년", "lastyear", NULL};
	static const char *const all[] = {"전체", "전부", "모든", "모두", "전기간", "처음부터",
					  "all", "entire", "everything", "whole", NULL};
	long t = seoul_today(now);
	enum span_unit unit;
	int span = relative_span(s, &unit), y, m, d;

	civil_from_days(t, &y, &m, &d);
	if (has_any(s, both_days))
		return put_range(t - 1, t, out, outlen);
	if (has_any(s, day_before))
		return put_range(t - 2, t - 2, out, outlen);
	if (span > 0 && unit == SPAN_MONTHS) {
		/* One month is the admin centre's "last 30 days"; more are
		 * calendar months to today, not 30-day blocks: 20 November
		 * less three months is 20 August. */
		if (span == 1)
			return put_str("last_30_days", out, outlen);
		return put_range(add_months(t, -span), t, out, outlen);
	}
	if (span == 7)
		return put_str("last_7_days", out, outlen);
	if (span == 14)
		return put_str("last_14_days", out, outlen);
	if (span == 30)
		return put_str("last_30_days", out, outlen);
	if (span > 0)
		return put_range(t - span + 1, t, out, outlen);
	if (explicit_range(s, now, out, outlen) == BOT_OK)
		return BOT_OK;
	if (has_any(s, week_before))
		return put_range(monday_of(t) - 14, monday_of(t) - 8, out, outlen);
	if (has_any(s, month_before)) {
		long first = add_months(days_from_civil(y, m, 1), -2);
		return put_range(first, add_months(first, 1) - 1, out, outlen);
	}
	if (has_any(s, this_quarter))
		return put_range(days_from_civil(y, (m - 1) / 3 * 3 + 1, 1), t, out, outlen);
	if (has_any(s, last_quarter)) {
		long q = add_months(days_from_civil(y, (m - 1) / 3 * 3 + 1, 1), -3);
		return put_range(q, add_months(q, 3) - 1, out, outlen);
	}
	if (has_any(s, this_year))
		return put_range(days_from_civil(y, 1, 1), t, out, outlen);
	if (has_any(s, last_year))
		return put_range(days_from_civil(y - 1, 1, 1), days_from_civil(y - 1, 12, 31), out,
				 outlen);
	if (has_any(s, today))
		return put_str("today", out, outlen);
	if (has_any(s, yesterday))
		return put_str("yesterday", out, outlen);
	if (has_any(s, this_week))
		return put_str("this_week", out, outlen);
	if (has_any(s, last_week))
		return put_str("last_week", out, outlen);
	if (has_any(s, this_month))
		return put_str("this_month", out, outlen);
	if (has_any(s, last_month))
		return put_str("last_month", out, outlen);
	if (has_any(s, all))
		return put_str("all", out, outlen);
	return BOT_ERR_NOT_FOUND;
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

	civil_from_days(seoul_today(now), &ty, &tm, &td);
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
		english_dates(s, e);
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
