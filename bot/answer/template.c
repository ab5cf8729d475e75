/* Answer templates: see template.h for the language.
 *
 * The renderer walks the template text directly (templates are short and
 * rendered once per answer, so a compiled form would buy nothing) with a
 * stack of scopes: the data object at the bottom, one entry per open section
 * above it. Every error stops rendering: a half-rendered answer with a gap in
 * it is worse than no answer, because the dialog can hand over instead. */
#include "template.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "strbuf.h"

/* Asia/Seoul has no daylight saving: a fixed offset suffices (see clock.h;
 * repeated here so the unit test links this module alone). */
#define TPL_KST_OFFSET (9 * 3600)
/* Bounds that keep a faulty or hostile template from running away. */
#define TPL_MAX_DEPTH 16
#define TPL_MAX_OUT (256 * 1024)
#define TPL_MAX_NAME 128

typedef struct scope {
	const json_t *val;
	const struct scope *up;
	int has_index; /* this scope is one row of a list: @index/@count apply */
	size_t index;
	size_t count;
} scope;

typedef struct render {
	const template_ctx *ctx;
	int en;
	strbuf out; /* the rendered text; limit TPL_MAX_OUT - 1 bytes */
	char *err;
	size_t errlen;
	int depth;
} render;

static bot_err
fail_msg(render *r, bot_err code, const char *fmt, ...)
{
	if (r->err && r->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(r->err, r->errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

static bot_err
put(render *r, const char *s, size_t n)
{
	bot_err rc = strbuf_append(&r->out, s, n);
	if (rc == BOT_ERR_LIMIT)
		return fail_msg(r, rc, "rendered answer exceeds %d bytes", TPL_MAX_OUT);
	if (rc != BOT_OK)
		return fail_msg(r, BOT_ERR_NOMEM, "out of memory");
	return BOT_OK;
}

static bot_err
puts_(render *r, const char *s)
{
	return put(r, s, strlen(s));
}

/* ---- value lookup ---------------------------------------------------------- */

/* Resolves NAME (possibly dotted) against the scope chain. Returns a borrowed
 * value or NULL when absent. The special names "." (the current row),
 * "@index" (1-based row number) and "@count" (rows in the list) are handled
 * by the caller because they are not JSON values of the data. */
static const json_t *
lookup(const scope *sc, const char *name)
{
	char part[TPL_MAX_NAME];
	const char *dot = strchr(name, '.');
	size_t n = dot ? (size_t)(dot - name) : strlen(name);
	if (n == 0 || n >= sizeof(part))
		return NULL;
	memcpy(part, name, n);
	part[n] = '\0';

	const json_t *v = NULL;
	for (const scope *s = sc; s && !v; s = s->up)
		if (json_is_object(s->val))
			v = json_object_get(s->val, part);
	while (v && dot) {
		name = dot + 1;
		dot = strchr(name, '.');
		n = dot ? (size_t)(dot - name) : strlen(name);
		if (n == 0 || n >= sizeof(part))
			return NULL;
		memcpy(part, name, n);
		part[n] = '\0';
		/* "totals.remaining": a query result is an array of rows; a dotted
		 * name reads the first row, which is what single-row queries give. */
		if (json_is_array(v))
			v = json_array_get(v, 0);
		v = json_is_object(v) ? json_object_get(v, part) : NULL;
	}
	return v;
}

static const scope *
row_scope(const scope *sc)
{
	for (; sc; sc = sc->up)
		if (sc->has_index)
			return sc;
	return NULL;
}

/* ---- filters --------------------------------------------------------------- */

static int
as_integer(const json_t *v, long long *out)
{
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 1;
	}
	if (json_is_real(v)) {
		*out = llround(json_real_value(v));
		return 1;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;
		if (!*s)
			return 0;
		long long x = strtoll(s, &end, 10);
		if (*end)
			return 0;
		*out = x;
		return 1;
	}
	return 0;
}

/* 1234567 -> "1,234,567" */
static void
group_digits(long long x, char *buf, size_t len)
{
	char raw[32];
	unsigned long long u = x < 0 ? 0ULL - (unsigned long long)x : (unsigned long long)x;
	int n = snprintf(raw, sizeof(raw), "%llu", u);
	size_t o = 0;
	if (x < 0 && o + 1 < len)
		buf[o++] = '-';
	for (int i = 0; i < n && o + 1 < len; i++) {
		if (i > 0 && (n - i) % 3 == 0 && o + 1 < len)
			buf[o++] = ',';
		if (o + 1 < len)
			buf[o++] = raw[i];
	}
	buf[o] = '\0';
}

/* Parses the database's UTC text ("YYYY-MM-DD HH:MM:SS", "...T...Z" or a bare
 * date) into the Asia/Seoul calendar fields. */
static int
kst_fields(const char *text, struct tm *out)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	char sep = ' ';
	int n = sscanf(text, "%4d-%2d-%2d%c%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		       &sep, &tm.tm_hour, &tm.tm_min, &tm.tm_sec);
	if (n != 3 && n != 7)
		return 0;
	if (n == 7 && sep != ' ' && sep != 'T')
		return 0;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm);
	/* A bare date is already a calendar day: do not shift it. */
	if (n == 7)
		t += TPL_KST_OFFSET;
	gmtime_r(&t, out);
	return 1;
}

static const char *const en_months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const ko_wdays[7] = {"일", "월", "화", "수", "목", "금", "토"};
static const char *const en_wdays[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

/* The one date style of everything botd tells a customer (template.h):
 * TM holds Asia/Seoul fields; the year is written only when it is not
 * NOW's (Seoul) year, or always when NOW is 0. */
static void
format_kst(const struct tm *tm, int en, int style, time_t now, char *buf, size_t len)
{
	int year_now = -1;
	if (now) {
		time_t k = now + TPL_KST_OFFSET;
		struct tm n;
		gmtime_r(&k, &n);
		year_now = n.tm_year;
	}
	int with_year = tm->tm_year != year_now;
	int y = tm->tm_year + 1900, m = tm->tm_mon, d = tm->tm_mday;
	int wd = tm->tm_wday >= 0 && tm->tm_wday < 7 ? tm->tm_wday : 0;
	char day[48], yr[16] = "";
	if (!en) {
		if (with_year)
			snprintf(yr, sizeof(yr), "%d년 ", y);
		if (style == TEMPLATE_DAY)
			snprintf(day, sizeof(day), "%s%d월 %d일", yr, m + 1, d);
		else
			snprintf(day, sizeof(day), "%s%d월 %d일(%s)", yr, m + 1, d, ko_wdays[wd]);
	} else {
		if (with_year)
			snprintf(yr, sizeof(yr), ", %d", y);
		if (style == TEMPLATE_DAY)
			snprintf(day, sizeof(day), "%s %d%s", en_months[m], d, yr);
		else
			snprintf(day, sizeof(day), "%s, %s %d%s", en_wdays[wd], en_months[m], d, yr);
	}
	if (style == TEMPLATE_DATETIME)
		snprintf(buf, len, "%s%s%02d:%02d", day, en ? ", " : " ", tm->tm_hour, tm->tm_min);
	else
		snprintf(buf, len, "%s", day);
}

void
template_format_time(time_t t, const char *lang, int style, time_t now, char *buf, size_t len)
{
	struct tm tm;
	time_t k = t + TPL_KST_OFFSET;
	gmtime_r(&k, &tm);
	format_kst(&tm, lang && !strcmp(lang, "en"), style, now, buf, len);
}

static bot_err
filter_date(render *r, const char *name, const json_t *v, int style)
{
	struct tm tm;
	char buf[64];
	if (!json_is_string(v) || !kst_fields(json_string_value(v), &tm))
		return fail_msg(r, BOT_ERR_TEMPLATE, "{{%s}}: not a date", name);
	format_kst(&tm, r->en, style, r->ctx->now, buf, sizeof(buf));
	return puts_(r, buf);
}

/* "2026-10" -> "2026년 10월" / "Oct 2026" */
static bot_err
filter_month(render *r, const char *name, const json_t *v)
{
	int y, m;
	char buf[32];
	if (!json_is_string(v) || sscanf(json_string_value(v), "%4d-%2d", &y, &m) != 2 || m < 1 ||
	    m > 12)
		return fail_msg(r, BOT_ERR_TEMPLATE, "{{%s}}: not a month", name);
	if (r->en)
		snprintf(buf, sizeof(buf), "%s %d", en_months[m - 1], y);
	else
		snprintf(buf, sizeof(buf), "%d년 %d월", y, m);
	return puts_(r, buf);
}

/* Every letter and digit but the last four becomes a bullet; separators stay
 * so a bank number keeps its familiar shape. A bare last-4 (all that is
 * stored for cards) gets a bullet group in front so it reads as masked. */
static bot_err
filter_mask(render *r, const char *name, const json_t *v)
{
	static const char bullet[] = "\xe2\x80\xa2"; /* U+2022 */
	char tmp[32];
	const char *s;
	if (json_is_string(v)) {
		s = json_string_value(v);
	} else if (json_is_integer(v)) {
		snprintf(tmp, sizeof(tmp), "%lld", (long long)json_integer_value(v));
		s = tmp;
	} else {
		return fail_msg(r, BOT_ERR_TEMPLATE, "{{%s}}: nothing to mask", name);
	}
	size_t alnum = 0;
	for (const char *p = s; *p; p++)
		if (isalnum((unsigned char)*p))
			alnum++;
	bot_err rc;
	if (alnum <= 4) {
		for (int i = 0; i < 4; i++)
			if ((rc = puts_(r, bullet)) != BOT_OK)
				return rc;
		if ((rc = put(r, " ", 1)) != BOT_OK)
			return rc;
		return puts_(r, s);
	}
	size_t seen = 0;
	for (const char *p = s; *p; p++) {
		if (isalnum((unsigned char)*p)) {
			seen++;
			rc = seen + 4 <= alnum ? puts_(r, bullet) : put(r, p, 1);
		} else {
			rc = put(r, p, 1);
		}
		if (rc != BOT_OK)
			return rc;
	}
	return BOT_OK;
}

static bot_err
put_plain(render *r, const char *name, const json_t *v)
{
	char buf[64];
	switch (json_typeof(v)) {
	case JSON_STRING:
		return put(r, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
		return puts_(r, buf);
	case JSON_REAL: {
		double d = json_real_value(v);
		if (d == floor(d) && fabs(d) < 1e15)
			snprintf(buf, sizeof(buf), "%.0f", d);
		else
			snprintf(buf, sizeof(buf), "%.2f", d);
		return puts_(r, buf);
	}
	case JSON_NULL:
		return fail_msg(r, BOT_ERR_TEMPLATE, "{{%s}} is null", name);
	default:
		return fail_msg(r, BOT_ERR_TEMPLATE, "{{%s}} is not a scalar", name);
	}
}

static bot_err
put_value(render *r, const scope *sc, const char *name, const char *filter)
{
	char buf[64];
	const json_t *v;
	bot_err rc;

	if (strcmp(name, "@index") == 0 || strcmp(name, "@count") == 0) {
		const scope *row = row_scope(sc);
		if (!row)
			return fail_msg(r, BOT_ERR_TEMPLATE, "{{%s}} outside a list", name);
		snprintf(buf, sizeof(buf), "%zu", name[1] == 'i' ? row->index + 1 : row->count);
		if (filter)
			return fail_msg(r, BOT_ERR_TEMPLATE, "{{%s}} takes no filter", name);
		return puts_(r, buf);
	}
	v = strcmp(name, ".") == 0 ? sc->val : lookup(sc, name);
	if (!v)
		return fail_msg(r, BOT_ERR_TEMPLATE, "{{%s}}: no such field", name);
	if (!filter)
		return put_plain(r, name, v);

	if (strcmp(filter, "won") == 0 || strcmp(filter, "num") == 0) {
		long long x;
		if (!as_integer(v, &x))
			return fail_msg(r, BOT_ERR_TEMPLATE, "{{%s}}: not an amount", name);
		group_digits(x, buf, sizeof(buf));
		if (strcmp(filter, "num") == 0)
			return puts_(r, buf);
		if (r->en && (rc = puts_(r, "KRW ")) != BOT_OK)
			return rc;
		if ((rc = puts_(r, buf)) != BOT_OK)
			return rc;
		return r->en ? BOT_OK : puts_(r, "원");
	}
	if (strcmp(filter, "date") == 0)
		return filter_date(r, name, v, TEMPLATE_DATE);
	if (strcmp(filter, "datetime") == 0)
		return filter_date(r, name, v, TEMPLATE_DATETIME);
	if (strcmp(filter, "day") == 0)
		return filter_date(r, name, v, TEMPLATE_DAY);
	if (strcmp(filter, "month") == 0)
		return filter_month(r, name, v);
	if (strcmp(filter, "mask") == 0)
		return filter_mask(r, name, v);
	if (strcmp(filter, "count") == 0) {
		if (!json_is_array(v))
			return fail_msg(r, BOT_ERR_TEMPLATE, "{{%s|count}}: not a list", name);
		snprintf(buf, sizeof(buf), "%zu", json_array_size(v));
		return puts_(r, buf);
	}
	if (strcmp(filter, "label") == 0) {
		const json_t *lab;
		if (json_is_string(v)) {
			lab = json_object_get(r->ctx->labels, json_string_value(v));
		} else if (json_is_integer(v) || json_is_boolean(v)) {
			/* Flags such as via_kakaopay come from SQLite as 0/1. */
			if (json_is_integer(v))
				snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
			else
				snprintf(buf, sizeof(buf), "%s", json_is_true(v) ? "true" : "false");
			lab = json_object_get(r->ctx->labels, buf);
		} else {
			lab = NULL;
		}
		if (!json_is_string(lab))
			return fail_msg(r, BOT_ERR_TEMPLATE, "{{%s|label}}: no label for this value",
					name);
		return put(r, json_string_value(lab), json_string_length(lab));
	}
	return fail_msg(r, BOT_ERR_TEMPLATE, "{{%s|%s}}: unknown filter", name, filter);
}

/* ---- sections -------------------------------------------------------------- */

static int
truthy(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_ARRAY:
		return json_array_size(v) > 0;
	case JSON_OBJECT:
		return 1;
	case JSON_STRING:
		return json_string_length(v) > 0;
	case JSON_INTEGER:
		return json_integer_value(v) != 0;
	case JSON_REAL:
		return json_real_value(v) != 0.0;
	case JSON_TRUE:
		return 1;
	default:
		return 0;
	}
}

/* A tag: the text between "{{" and "}}", trimmed. */
typedef struct tag {
	const char *start; /* at "{{" */
	const char *end;   /* just past "}}" */
	char kind;         /* 0 value, '#', '^', '/', '!' comment */
	char name[TPL_MAX_NAME];
	char filter[32];
	int has_filter;
} tag;

/* Finds the next tag at or after P (before END). Returns 0 when none, -1 on a
 * malformed tag (message in R), 1 with *T filled. */
static int
next_tag(render *r, const char *p, const char *end, tag *t)
{
	const char *o = NULL;
	for (const char *q = p; q + 1 < end; q++)
		if (q[0] == '{' && q[1] == '{') {
			o = q;
			break;
		}
	if (!o)
		return 0;
	const char *c = NULL;
	for (const char *q = o + 2; q + 1 < end; q++)
		if (q[0] == '}' && q[1] == '}') {
			c = q;
			break;
		}
	if (!c) {
		fail_msg(r, BOT_ERR_PARSE, "unclosed tag at offset %td", o - p);
		return -1;
	}
	const char *a = o + 2, *b = c;
	while (a < b && isspace((unsigned char)*a))
		a++;
	while (b > a && isspace((unsigned char)b[-1]))
		b--;
	memset(t, 0, sizeof(*t));
	t->start = o;
	t->end = c + 2;
	if (a < b && (*a == '#' || *a == '^' || *a == '/' || *a == '!')) {
		t->kind = *a++;
		while (a < b && isspace((unsigned char)*a))
			a++;
	}
	if (t->kind == '!')
		return 1;
	const char *bar = memchr(a, '|', (size_t)(b - a));
	const char *ne = bar ? bar : b;
	while (ne > a && isspace((unsigned char)ne[-1]))
		ne--;
	size_t nl = (size_t)(ne - a);
	if (nl == 0 || nl >= sizeof(t->name)) {
		fail_msg(r, BOT_ERR_PARSE, "empty or overlong tag name");
		return -1;
	}
	memcpy(t->name, a, nl);
	for (size_t i = 0; i < nl; i++) {
		unsigned char ch = (unsigned char)t->name[i];
		if (!(isalnum(ch) || ch == '_' || ch == '.' || ch == '@')) {
			fail_msg(r, BOT_ERR_PARSE, "bad character in tag name '%.*s'", (int)nl, a);
			return -1;
		}
	}
	if (bar) {
		if (t->kind) {
			fail_msg(r, BOT_ERR_PARSE, "section {{%c%s}} takes no filter", t->kind,
				 t->name);
			return -1;
		}
		const char *f = bar + 1;
		while (f < b && isspace((unsigned char)*f))
			f++;
		size_t fl = (size_t)(b - f);
		if (fl == 0 || fl >= sizeof(t->filter)) {
			fail_msg(r, BOT_ERR_PARSE, "bad filter in {{%s}}", t->name);
			return -1;
		}
		memcpy(t->filter, f, fl);
		t->has_filter = 1;
	}
	return 1;
}

/* Finds the {{/NAME}} closing the section whose body starts at P. */
static int
find_close(render *r, const char *p, const char *end, const char *name, tag *close)
{
	int depth = 0;
	tag t;
	for (;;) {
		int got = next_tag(r, p, end, &t);
		if (got < 0)
			return -1;
		if (got == 0) {
			fail_msg(r, BOT_ERR_PARSE, "section {{#%s}} is not closed", name);
			return -1;
		}
		p = t.end;
		if (t.kind == '#' || t.kind == '^') {
			depth++;
		} else if (t.kind == '/') {
			if (depth == 0) {
				if (strcmp(t.name, name) != 0) {
					fail_msg(r, BOT_ERR_PARSE, "{{/%s}} closes {{#%s}}", t.name,
						 name);
					return -1;
				}
				*close = t;
				return 1;
			}
			depth--;
		}
	}
}

static bot_err render_span(render *r, const char *p, const char *end, const scope *sc);

static bot_err
render_section(render *r, const tag *open, const char *body, const char *body_end,
	       const scope *sc)
{
	const json_t *v;
	json_t *flag = NULL;
	if (!strcmp(open->name, "@first") || !strcmp(open->name, "@last")) {
		/* Row position flags, for separators between rows. */
		const scope *row = row_scope(sc);
		if (!row)
			return fail_msg(r, BOT_ERR_TEMPLATE, "{{%c%s}} outside a list", open->kind,
					open->name);
		flag = json_boolean(open->name[1] == 'f' ? row->index == 0
							 : row->index + 1 == row->count);
		bot_err rc = truthy(flag) == (open->kind == '#') ? render_span(r, body, body_end, sc)
								   : BOT_OK;
		json_decref(flag);
		return rc;
	}
	v = lookup(sc, open->name);
	if (!v)
		return fail_msg(r, BOT_ERR_TEMPLATE, "{{%c%s}}: no such field", open->kind,
				open->name);
	if (open->kind == '^')
		return truthy(v) ? BOT_OK : render_span(r, body, body_end, sc);
	if (!truthy(v))
		return BOT_OK;
	if (json_is_array(v)) {
		size_t n = json_array_size(v);
		size_t cap = r->ctx && r->ctx->max_rows ? r->ctx->max_rows : n;
		for (size_t i = 0; i < n && i < cap; i++) {
			scope row = {json_array_get(v, i), sc, 1, i, n};
			bot_err rc = render_span(r, body, body_end, &row);
			if (rc != BOT_OK)
				return rc;
		}
		return BOT_OK;
	}
	if (json_is_object(v)) {
		scope obj = {v, sc, 0, 0, 0};
		return render_span(r, body, body_end, &obj);
	}
	/* A true scalar: render once in the same scope. */
	return render_span(r, body, body_end, sc);
}

static bot_err
render_span(render *r, const char *p, const char *end, const scope *sc)
{
	bot_err rc = BOT_OK;
	tag t;
	if (++r->depth > TPL_MAX_DEPTH) {
		rc = fail_msg(r, BOT_ERR_LIMIT, "sections nested deeper than %d", TPL_MAX_DEPTH);
		goto out;
	}
	while (p < end) {
		int got = next_tag(r, p, end, &t);
		if (got < 0) {
			rc = BOT_ERR_PARSE;
			goto out;
		}
		if (got == 0) {
			rc = put(r, p, (size_t)(end - p));
			goto out;
		}
		if ((rc = put(r, p, (size_t)(t.start - p))) != BOT_OK)
			goto out;
		p = t.end;
		switch (t.kind) {
		case '!':
			break;
		case '/':
			rc = fail_msg(r, BOT_ERR_PARSE, "{{/%s}} without an open section", t.name);
			goto out;
		case '#':
		case '^': {
			tag close;
			if (find_close(r, p, end, t.name, &close) < 0) {
				rc = BOT_ERR_PARSE;
				goto out;
			}
			if ((rc = render_section(r, &t, p, close.start, sc)) != BOT_OK)
				goto out;
			p = close.end;
			break;
		}
		default:
			rc = put_value(r, sc, t.name, t.has_filter ? t.filter : NULL);
			if (rc != BOT_OK)
				goto out;
		}
	}
out:
	r->depth--;
	return rc;
}

bot_err
template_render(const char *tpl, const json_t *data, const template_ctx *ctx, char **out,
		char *err, size_t errlen)
{
	static const template_ctx defaults = {"ko", NULL, 0, 0};
	render r;
	memset(&r, 0, sizeof(r));
	r.out.limit = TPL_MAX_OUT - 1;
	r.ctx = ctx ? ctx : &defaults;
	r.en = r.ctx->lang && strcmp(r.ctx->lang, "en") == 0;
	r.err = err;
	r.errlen = errlen;
	if (err && errlen)
		err[0] = '\0';
	if (!tpl || !out)
		return fail_msg(&r, BOT_ERR_INVAL, "no template");
	*out = NULL;

	scope root = {data, NULL, 0, 0, 0};
	bot_err rc = put(&r, "", 0); /* so an empty template gives "" */
	if (rc == BOT_OK)
		rc = render_span(&r, tpl, tpl + strlen(tpl), &root);
	if (rc != BOT_OK)
		goto fail;
	*out = strbuf_take(&r.out);
	return BOT_OK;
fail:
	strbuf_free(&r.out);
	return rc;
}

/* Walks the template's tags without data: syntax only. */
bot_err
template_check(const char *tpl, char *err, size_t errlen)
{
	render r;
	memset(&r, 0, sizeof(r));
	r.err = err;
	r.errlen = errlen;
	if (err && errlen)
		err[0] = '\0';
	if (!tpl)
		return fail_msg(&r, BOT_ERR_INVAL, "no template");
	const char *p = tpl, *end = tpl + strlen(tpl);
	int depth = 0;
	char open[TPL_MAX_DEPTH][TPL_MAX_NAME];
	static const char *const filters[] = {"won",   "num",  "date",  "datetime", "day",
					      "month", "mask", "count", "label"};
	tag t;
	for (;;) {
		int got = next_tag(&r, p, end, &t);
		if (got < 0)
			return BOT_ERR_PARSE;
		if (got == 0)
			break;
		p = t.end;
		if (t.kind == '#' || t.kind == '^') {
			if (depth >= TPL_MAX_DEPTH)
				return fail_msg(&r, BOT_ERR_LIMIT, "sections nested too deep");
			snprintf(open[depth++], TPL_MAX_NAME, "%s", t.name);
		} else if (t.kind == '/') {
			if (depth == 0 || strcmp(open[depth - 1], t.name) != 0)
				return fail_msg(&r, BOT_ERR_PARSE, "unbalanced {{/%s}}", t.name);
			depth--;
		} else if (t.kind == 0 && t.has_filter) {
			size_t i;
			for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
				if (strcmp(filters[i], t.filter) == 0)
					break;
			if (i == sizeof(filters) / sizeof(filters[0]))
				return fail_msg(&r, BOT_ERR_PARSE, "unknown filter |%s", t.filter);
		}
	}
	if (depth)
		return fail_msg(&r, BOT_ERR_PARSE, "section {{#%s}} is not closed",
				open[depth - 1]);
	return BOT_OK;
}
