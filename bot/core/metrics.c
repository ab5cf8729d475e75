/* Metrics for GET /metrics (Prometheus text exposition format 0.0.4).
 *
 * Everything lives in static storage: the recording functions run on the
 * event-loop thread for every message, so they never allocate and cost a
 * short linear scan at most. Only metrics_render() allocates (its output).
 *
 * Labelled families keep at most LABEL_SLOTS distinct values. A value past
 * that, one that is too long or not valid UTF-8, or the literal "other" is
 * counted in the family's "other" row, so hostile input (an unknown intent
 * id, an error code echoed from a client) cannot grow memory or the scrape. */
#include "metrics.h"

#include "strbuf.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LABEL_SLOTS 32
#define LABEL_MAX 64 /* bytes of a label value, NUL included */
#define OTHER "other"

/* ---- labelled families ----------------------------------------------------- */

typedef struct label_row {
	char value[LABEL_MAX];
	double v;
} label_row;

typedef struct label_family {
	int n;
	label_row rows[LABEL_SLOTS];
	double other; /* values that did not get a row of their own */
} label_family;

/* Strict UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF): the
 * exposition must be valid UTF-8, and a value that is not gets "other". */
static int
utf8_valid(const unsigned char *s)
{
	while (*s) {
		unsigned c = *s;
		int n;
		unsigned min;
		if (c < 0x80) {
			s++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1, min = 0x80, c &= 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2, min = 0x800, c &= 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3, min = 0x10000, c &= 0x07;
		} else {
			return 0;
		}
		s++;
		for (int i = 0; i < n; i++, s++) {
			if ((*s & 0xc0) != 0x80)
				return 0;
			c = (c << 6) | (*s & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
	}
	return 1;
}

/* The counter cell for VALUE in F, taking a free row when VALUE is new.
 * NULL and "" are recorded as "unknown" so a caller bug stays visible. */
static double *
family_cell(label_family *f, const char *value)
{
	if (!value || !*value)
		value = "unknown";
	for (int i = 0; i < f->n; i++)
		if (!strcmp(f->rows[i].value, value))
			return &f->rows[i].v;
	size_t len = strlen(value);
	if (f->n == LABEL_SLOTS || len >= LABEL_MAX || !strcmp(value, OTHER) ||
	    !utf8_valid((const unsigned char *)value))
		return &f->other;
	label_row *r = &f->rows[f->n++];
	memcpy(r->value, value, len + 1);
	r->v = 0;
	return &r->v;
}

/* ---- histograms --------------------------------------------------------------- */

#define HIST_MAX_BUCKETS 16

typedef struct histogram {
	int n;                           /* finite upper bounds */
	const double *le;                /* ascending */
	const char *const *le_text;      /* the same bounds as rendered */
	uint64_t count[HIST_MAX_BUCKETS + 1]; /* per bucket, not cumulative; [n] = +Inf */
	uint64_t total;
	double sum;
} histogram;

/* Bounds are written out as text too: "%g" would print 5e-05, which parses
 * but reads badly on a dashboard. */
static const double answer_le[] = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
				   0.01,    0.025,  0.05,    0.1,    0.25,  0.5,    1};
static const char *const answer_le_text[] = {"0.00005", "0.0001", "0.00025", "0.0005", "0.001",
					     "0.0025",  "0.005",  "0.01",    "0.025",  "0.05",
					     "0.1",     "0.25",   "0.5",     "1"};
static const double commit_le[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
				   0.025,  0.05,    0.1,    0.25,  0.5,    1};
static const char *const commit_le_text[] = {"0.0001", "0.00025", "0.0005", "0.001", "0.0025",
					     "0.005",  "0.01",    "0.025",  "0.05",  "0.1",
					     "0.25",   "0.5",     "1"};
/* Customers wait seconds to an hour for a human. */
static const double handoff_le[] = {1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600};
static const char *const handoff_le_text[] = {"1",   "5",   "10",   "30",   "60",  "120",
					      "300", "600", "1200", "1800", "3600"};

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static void
hist_observe(histogram *h, double v)
{
	/* A negative or NaN duration is a clock step or a caller bug; counting it
	 * as 0 keeps _sum monotonic, which rate() relies on. */
	if (!(v >= 0))
		v = 0;
	int i = 0;
	while (i < h->n && v > h->le[i])
		i++;
	h->count[i]++;
	h->total++;
	if (isfinite(v))
		h->sum += v;
}

/* ---- the registry ------------------------------------------------------------ */

static struct {
	label_family connections, messages_in, messages_out, intents, escalations, errors;
	double not_understood;
	double queue_length, queue_oldest_wait, agents_online, wal_frames;
	histogram handoff_wait, answer_latency, commit_latency;
} m;

static int initialised;

static void
init(void)
{
	memset(&m, 0, sizeof(m));
	m.handoff_wait = (histogram){.n = NELEM(handoff_le), .le = handoff_le,
				     .le_text = handoff_le_text};
	m.answer_latency = (histogram){.n = NELEM(answer_le), .le = answer_le,
				       .le_text = answer_le_text};
	m.commit_latency = (histogram){.n = NELEM(commit_le), .le = commit_le,
				       .le_text = commit_le_text};
	/* The known values exist from the start at 0, so rate() and absent()
	 * work before the first event. */
	static const char *const endpoints[] = {"chat", "agent", "kakao"};
	for (int i = 0; i < NELEM(endpoints); i++) {
		family_cell(&m.connections, endpoints[i]);
		family_cell(&m.messages_in, endpoints[i]);
		family_cell(&m.messages_out, endpoints[i]);
	}
	static const char *const reasons[] = {"agent_request", "not_understood", "needs_human"};
	for (int i = 0; i < NELEM(reasons); i++)
		family_cell(&m.escalations, reasons[i]);
	initialised = 1;
}

#define READY()                   \
	do {                      \
		if (!initialised) \
			init();   \
	} while (0)

void
metrics_connection(const char *endpoint, int delta)
{
	READY();
	*family_cell(&m.connections, endpoint) += delta;
}

void
metrics_message_in(const char *endpoint)
{
	READY();
	*family_cell(&m.messages_in, endpoint) += 1;
}

void
metrics_message_out(const char *endpoint)
{
	READY();
	*family_cell(&m.messages_out, endpoint) += 1;
}

void
metrics_intent(const char *intent)
{
	READY();
	if (intent)
		*family_cell(&m.intents, intent) += 1;
	else
		m.not_understood += 1;
}

void
metrics_escalation(const char *reason)
{
	READY();
	*family_cell(&m.escalations, reason) += 1;
}

void
metrics_queue(int length, double oldest_wait_s)
{
	READY();
	m.queue_length = length;
	m.queue_oldest_wait = oldest_wait_s >= 0 ? oldest_wait_s : 0;
}

void
metrics_agents_online(int n)
{
	READY();
	m.agents_online = n;
}

void
metrics_wal(int64_t frames)
{
	READY();
	m.wal_frames = (double)frames;
}

void
metrics_handoff_wait(double seconds)
{
	READY();
	hist_observe(&m.handoff_wait, seconds);
}

void
metrics_answer_latency(double seconds)
{
	READY();
	hist_observe(&m.answer_latency, seconds);
}

void
metrics_commit_latency(double seconds)
{
	READY();
	hist_observe(&m.commit_latency, seconds);
}

void
metrics_error(const char *code)
{
	READY();
	*family_cell(&m.errors, code) += 1;
}

void
metrics_reset(void)
{
	init();
}

/* ---- rendering ------------------------------------------------------------------ */

/* Label values escape backslash, double quote and newline (the only escapes
 * the format defines). OUT holds at least 2 * LABEL_MAX bytes. */
static const char *
escape_label(const char *v, char *out)
{
	char *o = out;
	for (; *v; v++) {
		if (*v == '\\' || *v == '"') {
			*o++ = '\\';
			*o++ = *v;
		} else if (*v == '\n') {
			*o++ = '\\';
			*o++ = 'n';
		} else {
			*o++ = *v;
		}
	}
	*o = 0;
	return out;
}

/* Sample values: integers stay integers (counters are whole numbers), others
 * keep full precision. The format spells infinities +Inf/-Inf and NaN. */
static void
put_value(strbuf *b, double v)
{
	if (isnan(v))
		strbuf_printf(b, "NaN\n");
	else if (isinf(v))
		strbuf_printf(b, v > 0 ? "+Inf\n" : "-Inf\n");
	else if (v == floor(v) && fabs(v) < 9007199254740992.0)
		strbuf_printf(b, "%.0f\n", v);
	else
		strbuf_printf(b, "%.17g\n", v);
}

static void
head(strbuf *b, const char *name, const char *type, const char *help)
{
	strbuf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
put_scalar(strbuf *b, const char *name, const char *type, const char *help, double v)
{
	head(b, name, type, help);
	strbuf_printf(b, "%s ", name);
	put_value(b, v);
}

/* One family with one label; the "other" row only once it has counted
 * something, so a quiet daemon shows no noise. */
static void
put_family(strbuf *b, const char *name, const char *type, const char *help, const char *label,
	   const label_family *f)
{
	char esc[2 * LABEL_MAX];
	head(b, name, type, help);
	for (int i = 0; i < f->n; i++) {
		strbuf_printf(b, "%s{%s=\"%s\"} ", name, label, escape_label(f->rows[i].value, esc));
		put_value(b, f->rows[i].v);
	}
	if (f->other != 0) {
		strbuf_printf(b, "%s{%s=\"" OTHER "\"} ", name, label);
		put_value(b, f->other);
	}
}

static void
put_histogram(strbuf *b, const char *name, const char *help, const histogram *h)
{
	uint64_t cum = 0;
	head(b, name, "histogram", help);
	for (int i = 0; i < h->n; i++) {
		cum += h->count[i];
		strbuf_printf(b, "%s_bucket{le=\"%s\"} %llu\n", name, h->le_text[i],
			   (unsigned long long)cum);
	}
	cum += h->count[h->n];
	strbuf_printf(b, "%s_bucket{le=\"+Inf\"} %llu\n", name, (unsigned long long)cum);
	strbuf_printf(b, "%s_sum ", name);
	put_value(b, h->sum);
	strbuf_printf(b, "%s_count %llu\n", name, (unsigned long long)h->total);
}

char *
metrics_render(void)
{
	READY();
	strbuf b = {0};
#ifdef BOTD_VERSION
	head(&b, "botd_build_info", "gauge", "The running version (always 1).");
	strbuf_printf(&b, "botd_build_info{version=\"%s\"} 1\n", BOTD_VERSION);
#endif
	put_family(&b, "botd_connections", "gauge", "Open connections by endpoint.", "endpoint",
		   &m.connections);
	put_family(&b, "botd_messages_in_total", "counter",
		   "Messages received from clients by endpoint.", "endpoint", &m.messages_in);
	put_family(&b, "botd_messages_out_total", "counter",
		   "Messages sent to clients by endpoint.", "endpoint", &m.messages_out);
	put_family(&b, "botd_intents_total", "counter", "Customer questions understood, by intent.",
		   "intent", &m.intents);
	put_scalar(&b, "botd_not_understood_total", "counter",
		   "Customer questions no intent matched.", m.not_understood);
	put_family(&b, "botd_escalations_total", "counter",
		   "Conversations handed to a human, by reason.", "reason", &m.escalations);
	put_scalar(&b, "botd_queue_length", "gauge", "Conversations waiting for an agent.",
		   m.queue_length);
	put_scalar(&b, "botd_queue_oldest_wait_seconds", "gauge",
		   "Seconds the longest-waiting queued conversation has waited.",
		   m.queue_oldest_wait);
	put_scalar(&b, "botd_agents_online", "gauge", "Agents connected to the console.",
		   m.agents_online);
	put_scalar(&b, "botd_wal_frames", "gauge",
		   "Pages in the database's write-ahead log after the last commit.", m.wal_frames);
	put_histogram(&b, "botd_handoff_wait_seconds",
		      "Seconds a customer waited in the queue before an agent claimed them.",
		      &m.handoff_wait);
	put_histogram(&b, "botd_answer_latency_seconds",
		      "Seconds from a customer message arriving to its replies being ready.",
		      &m.answer_latency);
	put_histogram(&b, "botd_commit_latency_seconds", "Seconds one database group commit took.",
		      &m.commit_latency);
	put_family(&b, "botd_errors_total", "counter", "Error frames and HTTP errors sent, by code.",
		   "code", &m.errors);
	return strbuf_take(&b); /* NULL when an append failed */
}
