/* Periods typed as dates (see slot_dates.h): small normalised captures in
 * fixed stack buffers, nothing allocated. */
#include "slot_dates.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "slot_int.h"

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

int
slot_valid_date(int y, int m, int d)
{
	return y >= 2000 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= cal_days_in_month(y, m);
}

/* Rewrites English dates in S ("oct 1 to oct 15", "october 1st",
 * "since september") into the Korean form scan_dates reads ("10월1일to10월15일"),
 * into OUT (COMPACT_MAX). */
void
slot_english_dates(const char *s, char *out)
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

bot_err
slot_explicit_range(const char *s0, time_t now, char *out, size_t outlen)
{
	static const char *const since[] = {"부터", "이후", "since", "from", "after", NULL};
	static const char *const last_month[] = {"지난달", "저번달", "전월", "전달", "lastmonth",
						 NULL};
	static const char *const this_month[] = {"이번달", "이달", "요번달", "금월", "당월",
						 "thismonth", NULL};
	char s[COMPACT_MAX];
	struct pdate dt[2];
	int n, ty, tm, td, y1, m1, d1, y2, m2, d2;
	long today = cal_seoul_today(now), from, to;

		memcpy(s, s0, strlen(s0) + 1);
	n = scan_dates(s, dt);
	if (n == 0)
		return BOT_ERR_NOT_FOUND;
	cal_civil_from_days(today, &ty, &tm, &td);
	/* "작년 12월": the year is said in words */
	{
		static const char *const last_year[] = {"작년", "지난해", "전년", "lastyear", NULL};
		static const char *const this_year[] = {"올해", "금년", "thisyear", NULL};
		int hint = has_any(s, last_year) ? ty - 1 : has_any(s, this_year) ? ty : 0;

		for (int k = 0; hint && k < n; k++) {
			if (!dt[k].y && dt[k].m)
				dt[k].y = hint;
		}
	}
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
		if (!slot_valid_date(y1, m1, d1))
			return BOT_ERR_NOT_FOUND;
		from = cal_days_from_civil(y1, m1, d1);
		if (!dt[0].y && from > today && slot_valid_date(y1 - 1, m1, d1))
			from = cal_days_from_civil(y1 - 1, m1, d1);
		if (from > today)
			return BOT_ERR_NOT_FOUND;
		return cal_put_range(from, today, out, outlen);
	}
	if (n == 1) {
		y2 = y1;
		m2 = dt[0].m ? m1 : 12;
		d1 = dt[0].d ? dt[0].d : 1;
		d2 = dt[0].d ? dt[0].d : (m2 >= 1 && m2 <= 12 ? cal_days_in_month(y2, m2) : 1);
	} else {
		y2 = dt[1].y ? dt[1].y : y1;
		m2 = dt[1].m ? dt[1].m : m1;
		d1 = dt[0].d ? dt[0].d : 1;
		d2 = dt[1].d ? dt[1].d : (m2 >= 1 && m2 <= 12 ? cal_days_in_month(y2, m2) : 1);
	}
	if (!slot_valid_date(y1, m1, d1) || !slot_valid_date(y2, m2, d2))
		return BOT_ERR_NOT_FOUND;
	from = cal_days_from_civil(y1, m1, d1);
	to = cal_days_from_civil(y2, m2, d2);
	/* Without a year, people mean the most recent such date. */
	if (!dt[0].y && from > today) {
		y1--;
		if (!(n == 2 && dt[1].y))
			y2--;
		if (!slot_valid_date(y1, m1, d1) || !slot_valid_date(y2, m2, d2))
			return BOT_ERR_NOT_FOUND;
		from = cal_days_from_civil(y1, m1, d1);
		to = cal_days_from_civil(y2, m2, d2);
	}
	/* "12월 20일부터 1월 5일까지" crosses a new year. */
	if (to < from && n == 2 && !dt[1].y && slot_valid_date(y2 + 1, m2, d2))
		to = cal_days_from_civil(y2 + 1, m2, d2);
	if (to < from)
		return BOT_ERR_NOT_FOUND;
	/* A range that runs into the future ends today. */
	if (to > today && from <= today)
		to = today;
	return cal_put_range(from, to, out, outlen);
}

