/* Unit tests of bot/metrics.c: the rendered text is checked by a small
 * validator of the Prometheus text exposition format 0.0.4 (the same rules as
 * tests/e2e/promtext.mjs), and the values must move with the recordings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "metrics.h"

/* ---- the validator ------------------------------------------------------------ */

#define V_MAX_FAMILIES 64
#define V_MAX_SERIES 2048

typedef struct vfamily {
	char name[128];
	char type[16];
	int help, samples, closed;
} vfamily;

/* Per histogram series (its labels without le): the buckets seen so far. */
typedef struct vhist {
	char family[128];
	char labels[512];
	double last_le, last_count, inf_count, count;
	int has_inf, has_count, has_sum, buckets;
} vhist;

typedef struct validator {
	vfamily fam[V_MAX_FAMILIES];
	int n_fam;
	vhist hist[V_MAX_SERIES];
	int n_hist;
	char series[V_MAX_SERIES][640];
	int n_series;
	int current; /* family of the previous sample, -1 before the first */
	char err[256];
} validator;

static int
vfail(validator *v, int line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(v->err, sizeof(v->err), "line %d: ", line);
	va_start(ap, fmt);
	vsnprintf(v->err + n, sizeof(v->err) - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static vfamily *
find_family(validator *v, const char *name)
{
	for (int i = 0; i < v->n_fam; i++)
		if (!strcmp(v->fam[i].name, name))
			return &v->fam[i];
	return NULL;
}

static vfamily *
add_family(validator *v, const char *name)
{
	vfamily *f = find_family(v, name);
	if (f || v->n_fam == V_MAX_FAMILIES)
		return f;
	f = &v->fam[v->n_fam++];
	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", name);
	return f;
}

static int
is_name_start(int c, int colon)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
}

static int
is_name_char(int c, int colon)
{
	return is_name_start(c, colon) || (c >= '0' && c <= '9');
}

/* Reads a metric (COLON) or label name at *P into OUT. */
static int
read_name(const char **p, char *out, size_t cap, int colon)
{
	const char *s = *p;
	size_t n = 0;
	if (!is_name_start((unsigned char)*s, colon))
		return -1;
	while (is_name_char((unsigned char)*s, colon)) {
		if (n + 1 >= cap)
			return -1;
		out[n++] = *s++;
	}
	out[n] = 0;
	*p = s;
	return 0;
}

static int
parse_float(const char *s, double *out)
{
	if (!strcmp(s, "+Inf") || !strcmp(s, "Inf")) {
		*out = INFINITY;
		return 0;
	}
	if (!strcmp(s, "-Inf")) {
		*out = -INFINITY;
		return 0;
	}
	if (!strcmp(s, "NaN")) {
		*out = NAN;
		return 0;
	}
	char *end = NULL;
	/* strtod also takes "inf", "nan" and hex, which the format does not. */
	for (const char *q = s; *q; q++)
		if (!strchr("0123456789+-.eE", *q))
			return -1;
	*out = strtod(s, &end);
	return end && *end == 0 && end != s ? 0 : -1;
}

/* The family a sample NAME belongs to, given the TYPE lines seen. */
static vfamily *
family_of(validator *v, const char *name, const char **suffix)
{
	vfamily *f = find_family(v, name);
	*suffix = "";
	if (f && f->type[0])
		return f;
	static const char *const sfx[] = {"_bucket", "_sum", "_count"};
	for (int i = 0; i < 3; i++) {
		size_t n = strlen(name), k = strlen(sfx[i]);
		if (n > k && !strcmp(name + n - k, sfx[i])) {
			char base[128];
			snprintf(base, sizeof(base), "%.*s", (int)(n - k), name);
			f = find_family(v, base);
			if (f && (!strcmp(f->type, "histogram") || !strcmp(f->type, "summary"))) {
				*suffix = sfx[i];
				return f;
			}
		}
	}
	return NULL;
}

static vhist *
hist_series(validator *v, const char *family, const char *labels)
{
	for (int i = 0; i < v->n_hist; i++)
		if (!strcmp(v->hist[i].family, family) && !strcmp(v->hist[i].labels, labels))
			return &v->hist[i];
	if (v->n_hist == V_MAX_SERIES)
		return NULL;
	vhist *h = &v->hist[v->n_hist++];
	memset(h, 0, sizeof(*h));
	snprintf(h->family, sizeof(h->family), "%s", family);
	snprintf(h->labels, sizeof(h->labels), "%s", labels);
	h->last_le = -INFINITY;
	return h;
}

static int
sample_line(validator *v, int ln, const char *line)
{
	const char *p = line;
	char name[128], lname[64], lval[256], labels[512] = "", le[64] = "";
	if (read_name(&p, name, sizeof(name), 1))
		return vfail(v, ln, "bad metric name in: %s", line);
	int n_labels = 0;
	char seen[16][64];
	if (*p == '{') {
		p++;
		while (*p != '}') {
			if (read_name(&p, lname, sizeof(lname), 0))
				return vfail(v, ln, "bad label name in: %s", line);
			if (!strncmp(lname, "__", 2))
				return vfail(v, ln, "reserved label name %s", lname);
			for (int i = 0; i < n_labels; i++)
				if (!strcmp(seen[i], lname))
					return vfail(v, ln, "label %s given twice", lname);
			if (n_labels < 16)
				snprintf(seen[n_labels++], 64, "%s", lname);
			if (*p++ != '=' || *p++ != '"')
				return vfail(v, ln, "label %s: expected =\"", lname);
			size_t n = 0;
			while (*p != '"') {
				if (!*p)
					return vfail(v, ln, "unterminated label value");
				if (*p == '\\') {
					p++;
					if (*p != '\\' && *p != '"' && *p != 'n')
						return vfail(v, ln, "bad escape \\%c", *p);
				}
				if (n + 1 < sizeof(lval))
					lval[n++] = *p;
				p++;
			}
			lval[n] = 0;
			p++;
			if (!strcmp(lname, "le"))
				snprintf(le, sizeof(le), "%.63s", lval);
			else
				snprintf(labels + strlen(labels), sizeof(labels) - strlen(labels),
					 "%s=%s,", lname, lval);
			if (*p == ',')
				p++;
			else if (*p != '}')
				return vfail(v, ln, "expected , or } after a label");
		}
		p++;
	}
	if (*p++ != ' ')
		return vfail(v, ln, "expected one space before the value: %s", line);
	char value[64];
	size_t vn = strcspn(p, " ");
	if (vn == 0 || vn >= sizeof(value))
		return vfail(v, ln, "missing value: %s", line);
	memcpy(value, p, vn);
	value[vn] = 0;
	double x;
	if (parse_float(value, &x))
		return vfail(v, ln, "bad value %s", value);
	p += vn;
	if (*p == ' ') { /* an optional integer timestamp */
		p++;
		if (!*p || strspn(p, "-0123456789") != strlen(p))
			return vfail(v, ln, "bad timestamp %s", p);
	}

	const char *suffix;
	vfamily *f = family_of(v, name, &suffix);
	if (!f || !f->type[0])
		return vfail(v, ln, "sample %s has no preceding TYPE line", name);
	int idx = (int)(f - v->fam);
	if (f->closed && v->current != idx)
		return vfail(v, ln, "samples of %s are not in one group", f->name);
	if (v->current >= 0 && v->current != idx)
		v->fam[v->current].closed = 1;
	v->current = idx;
	f->samples++;

	char key[640];
	snprintf(key, sizeof(key), "%s{%sle=%s}", name, labels, le);
	for (int i = 0; i < v->n_series; i++)
		if (!strcmp(v->series[i], key))
			return vfail(v, ln, "duplicate series %s", key);
	if (v->n_series < V_MAX_SERIES)
		snprintf(v->series[v->n_series++], sizeof(v->series[0]), "%s", key);

	if (!strcmp(f->type, "counter")) {
		size_t n = strlen(name);
		if (n < 6 || strcmp(name + n - 6, "_total"))
			return vfail(v, ln, "counter %s does not end in _total", name);
		if (!(x >= 0))
			return vfail(v, ln, "counter %s is negative or NaN", name);
	}
	if (!strcmp(f->type, "histogram")) {
		if (!*suffix)
			return vfail(v, ln, "histogram sample %s lacks _bucket/_sum/_count", name);
		vhist *h = hist_series(v, f->name, labels);
		if (!h)
			return vfail(v, ln, "too many series");
		if (!strcmp(suffix, "_bucket")) {
			double b;
			if (!le[0] || parse_float(le, &b) || isnan(b))
				return vfail(v, ln, "bucket without a valid le");
			if (h->has_inf)
				return vfail(v, ln, "bucket after le=\"+Inf\"");
			if (!(b > h->last_le))
				return vfail(v, ln, "bucket le=%s not increasing", le);
			if (x < h->last_count)
				return vfail(v, ln, "bucket le=%s not cumulative", le);
			h->last_le = b;
			h->last_count = x;
			h->buckets++;
			if (isinf(b)) {
				h->has_inf = 1;
				h->inf_count = x;
			}
		} else if (le[0]) {
			return vfail(v, ln, "le label on %s", name);
		} else if (!strcmp(suffix, "_count")) {
			h->has_count = 1;
			h->count = x;
		} else {
			h->has_sum = 1;
		}
	} else if (le[0] && strcmp(f->type, "untyped")) {
		return vfail(v, ln, "le label outside a histogram: %s", name);
	}
	return 0;
}

/* 0 when TEXT is a valid exposition; -1 with V->err set otherwise. */
static int
validate(validator *v, const char *text)
{
	memset(v, 0, sizeof(*v));
	v->current = -1;
	size_t len = strlen(text);
	if (len && text[len - 1] != '\n')
		return vfail(v, 0, "the text does not end in a newline");
	int ln = 0;
	for (const char *s = text; *s;) {
		const char *e = strchr(s, '\n');
		char line[1024];
		size_t n = (size_t)(e - s);
		ln++;
		if (n >= sizeof(line))
			return vfail(v, ln, "line too long");
		memcpy(line, s, n);
		line[n] = 0;
		s = e + 1;
		if (!n)
			continue;
		if (line[0] == '#') {
			char kw[8], name[128], rest[512] = "";
			if (sscanf(line, "# %7s %127s %511[^\n]", kw, name, rest) < 2 ||
			    (strcmp(kw, "HELP") && strcmp(kw, "TYPE")))
				continue; /* a plain comment */
			const char *np = name;
			char chk[128];
			if (read_name(&np, chk, sizeof(chk), 1) || *np)
				return vfail(v, ln, "bad metric name %s", name);
			vfamily *f = add_family(v, name);
			if (!f)
				return vfail(v, ln, "too many families");
			if (!strcmp(kw, "HELP")) {
				if (f->help++)
					return vfail(v, ln, "second HELP for %s", name);
				continue;
			}
			if (f->type[0])
				return vfail(v, ln, "second TYPE for %s", name);
			if (f->samples)
				return vfail(v, ln, "TYPE for %s after its samples", name);
			if (strcmp(rest, "counter") && strcmp(rest, "gauge") &&
			    strcmp(rest, "histogram") && strcmp(rest, "summary") &&
			    strcmp(rest, "untyped"))
				return vfail(v, ln, "unknown type %s", rest);
			snprintf(f->type, sizeof(f->type), "%s", rest);
			continue;
		}
		if (sample_line(v, ln, line))
			return -1;
	}
	for (int i = 0; i < v->n_hist; i++) {
		vhist *h = &v->hist[i];
		if (!h->has_inf)
			return vfail(v, ln, "%s{%s}: no le=\"+Inf\" bucket", h->family, h->labels);
		if (!h->has_count || !h->has_sum)
			return vfail(v, ln, "%s{%s}: _sum or _count missing", h->family, h->labels);
		if (h->count != h->inf_count)
			return vfail(v, ln, "%s{%s}: +Inf bucket %g != _count %g", h->family,
				    h->labels, h->inf_count, h->count);
	}
	return 0;
}

/* ---- helpers ------------------------------------------------------------------- */

/* Renders, validates, and returns the owned text. */
static char *
render_valid(void)
{
	char *text = metrics_render();
	assert_non_null(text);
	validator *v = malloc(sizeof(*v));
	assert_non_null(v);
	if (validate(v, text)) {
		fprintf(stderr, "invalid exposition: %s\n---\n%s---\n", v->err, text);
		free(v);
		free(text);
		fail();
	}
	free(v);
	return text;
}

/* The value of the sample whose name-and-labels part is exactly SERIES, or
 * NAN when it is absent. */
static double
sample(const char *text, const char *series)
{
	size_t n = strlen(series);
	for (const char *s = text; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : s)
		if (!strncmp(s, series, n) && s[n] == ' ')
			return strtod(s + n + 1, NULL);
	return NAN;
}

static double
now_value(const char *series)
{
	char *text = render_valid();
	double x = sample(text, series);
	free(text);
	return x;
}

static int
setup(void **state)
{
	(void)state;
	metrics_reset();
	return 0;
}

/* ---- tests ------------------------------------------------------------------------- */

static void
test_fresh_render(void **state)
{
	(void)state;
	char *text = render_valid();
	static const char *const families[] = {
		"botd_connections gauge",
		"botd_messages_in_total counter",
		"botd_messages_out_total counter",
		"botd_intents_total counter",
		"botd_not_understood_total counter",
		"botd_escalations_total counter",
		"botd_queue_length gauge",
		"botd_queue_oldest_wait_seconds gauge",
		"botd_agents_online gauge",
		"botd_wal_frames gauge",
		"botd_handoff_wait_seconds histogram",
		"botd_answer_latency_seconds histogram",
		"botd_commit_latency_seconds histogram",
		"botd_errors_total counter",
	};
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		char want[128];
		snprintf(want, sizeof(want), "# TYPE %s\n", families[i]);
		if (!strstr(text, want))
			fail_msg("missing %s", want);
	}
	/* Known label values exist at zero before the first event. */
	assert_true(sample(text, "botd_connections{endpoint=\"chat\"}") == 0);
	assert_true(sample(text, "botd_messages_in_total{endpoint=\"kakao\"}") == 0);
	assert_true(sample(text, "botd_escalations_total{reason=\"needs_human\"}") == 0);
	assert_true(sample(text, "botd_answer_latency_seconds_bucket{le=\"0.00005\"}") == 0);
	assert_true(sample(text, "botd_commit_latency_seconds_bucket{le=\"0.0001\"}") == 0);
	assert_true(sample(text, "botd_answer_latency_seconds_bucket{le=\"1\"}") == 0);
	assert_true(sample(text, "botd_answer_latency_seconds_count") == 0);
	/* No "other" row until something overflowed. */
	assert_null(strstr(text, "\"other\""));
	free(text);
}

static void
test_values_move(void **state)
{
	(void)state;
	metrics_connection("chat", 1);
	metrics_connection("chat", 1);
	metrics_connection("agent", 1);
	metrics_connection("chat", -1);
	for (int i = 0; i < 5; i++)
		metrics_message_in("chat");
	metrics_message_out("chat");
	metrics_message_out("kakao");
	metrics_intent("free_cash_status");
	metrics_intent("free_cash_status");
	metrics_intent("greeting");
	metrics_intent(NULL);
	metrics_escalation("agent_request");
	metrics_queue(3, 12.5);
	metrics_agents_online(2);
	metrics_wal(4096);
	metrics_error("rate_limited");
	metrics_error("rate_limited");
	metrics_error("bad_frame");

	char *t = render_valid();
	assert_true(sample(t, "botd_connections{endpoint=\"chat\"}") == 1);
	assert_true(sample(t, "botd_connections{endpoint=\"agent\"}") == 1);
	assert_true(sample(t, "botd_messages_in_total{endpoint=\"chat\"}") == 5);
	assert_true(sample(t, "botd_messages_out_total{endpoint=\"chat\"}") == 1);
	assert_true(sample(t, "botd_messages_out_total{endpoint=\"kakao\"}") == 1);
	assert_true(sample(t, "botd_intents_total{intent=\"free_cash_status\"}") == 2);
	assert_true(sample(t, "botd_intents_total{intent=\"greeting\"}") == 1);
	assert_true(sample(t, "botd_not_understood_total") == 1);
	assert_true(sample(t, "botd_escalations_total{reason=\"agent_request\"}") == 1);
	assert_true(sample(t, "botd_queue_length") == 3);
	assert_true(sample(t, "botd_queue_oldest_wait_seconds") == 12.5);
	assert_true(sample(t, "botd_agents_online") == 2);
	assert_true(sample(t, "botd_wal_frames") == 4096);
	assert_true(sample(t, "botd_errors_total{code=\"rate_limited\"}") == 2);
	assert_true(sample(t, "botd_errors_total{code=\"bad_frame\"}") == 1);
	free(t);

	/* Gauges follow the latest value; reset zeroes everything. */
	metrics_queue(0, 0);
	assert_true(now_value("botd_queue_length") == 0);
	metrics_reset();
	assert_true(now_value("botd_messages_in_total{endpoint=\"chat\"}") == 0);
	assert_true(isnan(now_value("botd_intents_total{intent=\"greeting\"}")));
}

static void
test_histograms(void **state)
{
	(void)state;
	metrics_answer_latency(0.00001); /* first bucket */
	metrics_answer_latency(0.00005); /* on a bound: le is inclusive */
	metrics_answer_latency(0.0003);
	metrics_answer_latency(2.0);     /* only +Inf */
	metrics_answer_latency(-1);      /* a clock step counts as 0 */
	metrics_answer_latency(NAN);
	metrics_commit_latency(0.002);
	metrics_handoff_wait(45);
	metrics_handoff_wait(7200);

	char *t = render_valid();
	assert_true(sample(t, "botd_answer_latency_seconds_bucket{le=\"0.00005\"}") == 4);
	assert_true(sample(t, "botd_answer_latency_seconds_bucket{le=\"0.0001\"}") == 4);
	assert_true(sample(t, "botd_answer_latency_seconds_bucket{le=\"0.0005\"}") == 5);
	assert_true(sample(t, "botd_answer_latency_seconds_bucket{le=\"1\"}") == 5);
	assert_true(sample(t, "botd_answer_latency_seconds_bucket{le=\"+Inf\"}") == 6);
	assert_true(sample(t, "botd_answer_latency_seconds_count") == 6);
	assert_true(fabs(sample(t, "botd_answer_latency_seconds_sum") - 2.00036) < 1e-9);
	assert_true(sample(t, "botd_commit_latency_seconds_bucket{le=\"0.001\"}") == 0);
	assert_true(sample(t, "botd_commit_latency_seconds_bucket{le=\"0.0025\"}") == 1);
	assert_true(sample(t, "botd_handoff_wait_seconds_bucket{le=\"60\"}") == 1);
	assert_true(sample(t, "botd_handoff_wait_seconds_bucket{le=\"3600\"}") == 1);
	assert_true(sample(t, "botd_handoff_wait_seconds_count") == 2);
	assert_true(sample(t, "botd_handoff_wait_seconds_sum") == 7245);
	free(t);
}

static void
test_label_bound(void **state)
{
	(void)state;
	char id[32];
	for (int i = 0; i < 40; i++) {
		snprintf(id, sizeof(id), "intent_%02d", i);
		metrics_intent(id);
		metrics_intent(id);
	}
	metrics_intent("other"); /* must not make a second "other" series */
	metrics_error("x");
	char *t = render_valid();
	assert_true(sample(t, "botd_intents_total{intent=\"intent_00\"}") == 2);
	assert_true(sample(t, "botd_intents_total{intent=\"intent_31\"}") == 2);
	assert_true(isnan(sample(t, "botd_intents_total{intent=\"intent_32\"}")));
	assert_true(sample(t, "botd_intents_total{intent=\"other\"}") == 8 * 2 + 1);
	/* A full family does not spill into the others. */
	assert_true(sample(t, "botd_errors_total{code=\"x\"}") == 1);
	free(t);

	/* Known endpoints are pre-seeded; the rest of the family still has room. */
	for (int i = 0; i < 100; i++) {
		snprintf(id, sizeof(id), "ep%d", i);
		metrics_message_in(id);
	}
	metrics_message_in("chat");
	assert_true(now_value("botd_messages_in_total{endpoint=\"chat\"}") == 1);
	assert_true(now_value("botd_messages_in_total{endpoint=\"other\"}") == 100 - (32 - 3));
}

static void
test_label_escaping(void **state)
{
	(void)state;
	metrics_error("say \"hi\"\\now\nplease");
	metrics_error("\xff\xfe not utf-8");
	metrics_error("\xed\xa0\x80"); /* a UTF-16 surrogate */
	metrics_error("\xc0\xaf");     /* an overlong '/' */
	metrics_error("한국어");
	char longv[200];
	memset(longv, 'a', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = 0;
	metrics_error(longv);
	metrics_error(NULL);
	metrics_error("");
	char *t = render_valid();
	assert_true(sample(t, "botd_errors_total{code=\"say \\\"hi\\\"\\\\now\\nplease\"}") == 1);
	assert_true(sample(t, "botd_errors_total{code=\"한국어\"}") == 1);
	assert_true(sample(t, "botd_errors_total{code=\"other\"}") == 4);
	assert_true(sample(t, "botd_errors_total{code=\"unknown\"}") == 2);
	free(t);
}

/* The recording functions are on the per-message path: they must not
 * allocate. mallinfo2 sees the glibc heap only, so skip under ASan (whose
 * allocator it does not see). */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#endif
static void
test_no_allocation(void **state)
{
	(void)state;
#ifdef UNDER_ASAN
	skip();
#else
	/* Fill every family to its bound first: taking a new row must not
	 * allocate either, and a full family is the worst case. */
	char id[32];
	struct mallinfo2 before = mallinfo2();
	for (int i = 0; i < 100000; i++) {
		snprintf(id, sizeof(id), "v%d", i % 50);
		metrics_intent(id);
		metrics_error(id);
		metrics_escalation(id);
		metrics_connection("chat", 1);
		metrics_message_in("kakao");
		metrics_message_out(id);
		metrics_intent(NULL);
		metrics_queue(i, i * 0.5);
		metrics_agents_online(i);
		metrics_answer_latency(i * 1e-6);
		metrics_commit_latency(i * 1e-5);
		metrics_handoff_wait(i);
	}
	struct mallinfo2 after = mallinfo2();
	assert_int_equal(before.uordblks, after.uordblks);
	assert_int_equal(before.hblkhd, after.hblkhd);
#endif
}

/* The validator itself must catch what it claims to. */
static void
test_validator_rejects(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"x 1\n",                                             /* no TYPE */
		"# TYPE x_total counter\nx_total -1\n",              /* negative counter */
		"# TYPE x counter\nx 1\n",                           /* counter without _total */
		"# TYPE x gauge\nx{a=\"b} 1\n",                      /* unterminated value */
		"# TYPE x gauge\nx{a=\"\\t\"} 1\n",                  /* bad escape */
		"# TYPE x gauge\nx{1a=\"b\"} 1\n",                   /* bad label name */
		"# TYPE x gauge\nx{a=\"b\",a=\"c\"} 1\n",            /* repeated label */
		"# TYPE x gauge\nx one\n",                           /* bad value */
		"# TYPE x gauge\nx 1\nx 2\n",                        /* duplicate series */
		"# TYPE x gauge\nx 1",                               /* no final newline */
		"# TYPE x gauge\n# TYPE x gauge\nx 1\n",             /* two TYPE lines */
		"# TYPE x gauge\n# TYPE y gauge\nx{a=\"1\"} 1\ny 1\nx{a=\"2\"} 1\n", /* split */
		"# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n", /* no +Inf */
		"# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"2\"} 1\n"
		"h_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 2\n", /* not cumulative */
		"# TYPE h histogram\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\n"
		"h_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n", /* le not increasing */
		"# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n", /* != count */
		"# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 2\n",         /* no _sum */
		"# TYPE h histogram\nh 1\n",                      /* bare histogram name */
	};
	validator *v = malloc(sizeof(*v));
	assert_non_null(v);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (validate(v, bad[i]) == 0)
			fail_msg("validator accepted case %zu: %s", i, bad[i]);
	const char *good = "# HELP h a histogram\n# TYPE h histogram\n"
			   "h_bucket{m=\"a\",le=\"1\"} 1\nh_bucket{m=\"a\",le=\"+Inf\"} 2\n"
			   "h_sum{m=\"a\"} 3.5\nh_count{m=\"a\"} 2\n"
			   "# a comment\n\n# TYPE g gauge\ng{a=\"x\\\"y\",} -Inf 1700000000000\n";
	if (validate(v, good))
		fail_msg("validator rejected a valid text: %s", v->err);
	free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_fresh_render, setup),
		cmocka_unit_test_setup(test_values_move, setup),
		cmocka_unit_test_setup(test_histograms, setup),
		cmocka_unit_test_setup(test_label_bound, setup),
		cmocka_unit_test_setup(test_label_escaping, setup),
		cmocka_unit_test_setup(test_no_allocation, setup),
		cmocka_unit_test_setup(test_validator_rejects, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
