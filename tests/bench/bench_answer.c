/* bench_answer: the answer path alone, in-process, on one core: normalise +
 * match (intent_classify), then the intent's read-only queries and its
 * template (answer_render), for members of a real database. No WebSocket and
 * no dialog: what is left is the work a question costs before the transport.
 *
 *   bench_answer --db PATH [--demo] [--members A-B] [--seconds S]
 *                [--intents DIR] [--seed N] [--by-intent]
 *                [--warm] [--commit-each] [--drop-os-cache]
 *
 * Each round picks a member uniformly from A-B (seeded, so runs compare) and
 * the next question of the mix (every intent's examples except agent_request)
 * and asks it as that member's first question: account 0, so answer_render
 * looks the member's accounts up itself, as the daemon does. With a
 * gen-data database, --members 1-N spreads the questions over N accounts; the
 * data-scale benchmark compares 1,000 with 1,000,000.
 *
 * How warm the caches are, which is most of what a large database costs:
 *   --warm           open the store as the daemon does (store_options
 *                    warm_cache: the file mapped, every page read once at
 *                    open); open_s says how long.
 *   --commit-each    every question in a batch of its own, as the daemon
 *                    answers inside the batch of its loop turn, on the handle
 *                    its answers read through: before the timing, open the
 *                    batch and write an UPDATE of one bench conversation
 *                    (created at start, one row per run); after it, commit.
 *                    The answers then share the page cache with the writes,
 *                    read written pages from the WAL, and take the WAL's read
 *                    lock once per batch, as in the daemon (in autocommit
 *                    each statement takes it: 9 fcntl calls a question); and
 *                    a store with two handles (as botd had) drops the reading
 *                    handle's cache at every such commit, which a benchmark
 *                    without writes never shows.
 *   --drop-os-cache  evict the database file from the OS page cache before
 *                    opening (posix_fadvise DONTNEED on this file only): a
 *                    cold start, as after a reboot.
 * os_cached_pct is the share of the file's pages in the OS page cache when
 * the run starts (mincore), before and after the store is opened.
 *
 * Output: one line of key=value pairs: questions/s and the latency of the
 * whole path, of matching and of answering (p50/p99/mean, microseconds);
 * cpu_mean_us, the thread's CPU time per question (what the wall clock says
 * less the time other processes took the CPU), preempted, how often they
 * did (involuntary context switches during the run), major_faults, page
 * faults that waited for the disk, and disk_read_mb, what the questions had
 * read from storage (page faults and preads alike, /proc/self/io). */
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "answer.h"
#include "benchutil.h"
#include "clock.h"
#include "intent.h"
#include "log.h"
#include "store.h"
#include "wiring.h"

/* CPU time of this thread: unlike the wall clock, it does not count the time
 * other processes on a shared CPU took from the run. */
static int64_t
cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Samples in nanoseconds; the run is bounded, so a flat array is enough. */
typedef struct samples {
	int64_t *v;
	size_t n, cap;
	int64_t sum;
} samples;

static void
sample_add(samples *s, int64_t v)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 4096;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (!s->v)
			abort();
	}
	s->v[s->n++] = v;
	s->sum += v;
}

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Percentile P of S in microseconds (sorts S). */
static double
pct_us(samples *s, double p)
{
	if (!s->n)
		return 0;
	qsort(s->v, s->n, sizeof(*s->v), cmp64);
	size_t i = (size_t)((double)(s->n - 1) * p / 100.0 + 0.5);
	return (double)s->v[i] / 1000.0;
}

/* Per-intent answer time, to point at the slow queries (--by-intent). */
#define MAX_INTENTS 64
static struct {
	const char *id;
	int64_t sum, max;
	size_t n;
} by_intent[MAX_INTENTS];

static void
intent_add(const char *id, int64_t ns)
{
	for (int i = 0; i < MAX_INTENTS; i++) {
		if (!by_intent[i].id)
			by_intent[i].id = id;
		if (by_intent[i].id == id || !strcmp(by_intent[i].id, id)) {
			by_intent[i].sum += ns;
			by_intent[i].n++;
			if (ns > by_intent[i].max)
				by_intent[i].max = ns;
			return;
		}
	}
}

/* Percentage of PATH's pages resident in the OS page cache (mincore), or -1. */
static double
os_cached_pct(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	double pct = -1;
	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) == 0 && sb.st_size > 0) {
		size_t pg = (size_t)sysconf(_SC_PAGESIZE), n = ((size_t)sb.st_size + pg - 1) / pg;
		void *m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_SHARED, fd, 0);
		unsigned char *vec = malloc(n);
		if (m != MAP_FAILED && vec && mincore(m, (size_t)sb.st_size, vec) == 0) {
			size_t in = 0;
			for (size_t i = 0; i < n; i++)
				in += vec[i] & 1;
			pct = 100.0 * (double)in / (double)n;
		}
		free(vec);
		if (m != MAP_FAILED)
			munmap(m, (size_t)sb.st_size);
	}
	close(fd);
	return pct;
}

/* Evicts PATH (and its WAL) from the OS page cache: written back first, then
 * dropped. Only these files; the rest of the machine's cache is left alone. */
static void
drop_os_cache(const char *path)
{
	char wal[1100];
	snprintf(wal, sizeof(wal), "%s-wal", path);
	const char *files[] = {path, wal};
	for (int i = 0; i < 2; i++) {
		int fd = open(files[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		fdatasync(fd);
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		close(fd);
	}
}

/* Bytes this process has had read from storage so far (/proc/self/io
 * read_bytes: page faults and preads that went to the disk), or -1. */
static long long
storage_read_bytes(void)
{
	FILE *f = fopen("/proc/self/io", "r");
	char line[128];
	long long v = -1;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "read_bytes: %lld", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"db", required_argument, NULL, 'd'},      {"demo", no_argument, NULL, 'D'},
		{"members", required_argument, NULL, 'm'}, {"seconds", required_argument, NULL, 's'},
		{"intents", required_argument, NULL, 'i'}, {"seed", required_argument, NULL, 'S'},
		{"by-intent", no_argument, NULL, 'b'},     {"warm", no_argument, NULL, 'W'},
		{"commit-each", no_argument, NULL, 'C'},   {"drop-os-cache", no_argument, NULL, 'O'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL, *dir = "intents";
	int demo = 0, opt, show_intents = 0, warm = 0, commit_each = 0, drop = 0;
	long long lo_m = 1, hi_m = 11;
	double seconds = 3;
	unsigned long long seed = 1;
	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt) {
		case 'd': db = optarg; break;
		case 'D': demo = 1; break;
		case 'm':
			if (sscanf(optarg, "%lld-%lld", &lo_m, &hi_m) != 2 || lo_m < 1 || hi_m < lo_m)
				goto usage;
			break;
		case 's': seconds = atof(optarg); break;
		case 'i': dir = optarg; break;
		case 'S': seed = strtoull(optarg, NULL, 10); break;
		case 'b': show_intents = 1; break;
		case 'W': warm = 1; break;
		case 'C': commit_each = 1; break;
		case 'O': drop = 1; break;
		default: goto usage;
		}
	}
	if (!db || seconds <= 0 || seconds > 600)
		goto usage;
	log_set_level(LOG_WARN);
	bench_questions qs;
	if (bench_questions_load(dir, NULL, &qs)) {
		fprintf(stderr, "bench_answer: no questions in %s\n", dir);
		return 1;
	}
	char err[512] = "";
	wiring w = {0};
	if (drop)
		drop_os_cache(db);
	double cached0 = os_cached_pct(db);
	store_options so = {.path = db, .load_demo = demo, .warm_cache = warm};
	int64_t t_open = bench_now_ns();
	/* The store alone first: the open (and warm_cache's read) is timed. */
	if (store_open(&so, &w.st, err, sizeof(err)) != BOT_OK) {
		fprintf(stderr, "bench_answer: %s\n", err);
		return 1;
	}
	double open_s = (double)(bench_now_ns() - t_open) / 1e9;
	double cached1 = os_cached_pct(db);
	if (wiring_load(&w, dir, &w.engines, err, sizeof(err)) != BOT_OK) {
		fprintf(stderr, "bench_answer: %s\n", err);
		return 1;
	}
	store *st = w.st;
	intent_set *set = w.engines.set;
	answer_engine *eng = w.engines.ans;
	/* The write each question is preceded by (--commit-each). */
	store_conversation conv;
	if (commit_each && (store_batch_begin(st) != BOT_OK ||
			    store_conversation_create(st, lo_m, "web", NULL, &conv) != BOT_OK ||
			    store_batch_commit(st) != BOT_OK)) {
		fprintf(stderr, "bench_answer: --commit-each: cannot write to %s\n", db);
		return 1;
	}

	samples total = {0}, match = {0}, answer = {0};
	size_t answered = 0, not_understood = 0, needs_account = 0, failed = 0, q = 0;
	int64_t cpu_sum = 0;
	struct rusage ru0, ru1;
	getrusage(RUSAGE_SELF, &ru0);
	long long io0 = storage_read_bytes();
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
	uint64_t span = (uint64_t)(hi_m - lo_m + 1);
	int64_t t_start = bench_now_ns(), t_end = t_start + (int64_t)(seconds * 1e9);
	/* Bounded by time and by count (a stuck query must not spin forever). */
	for (size_t round = 0; round < 50000000 && bench_now_ns() < t_end; round++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		int64_t member = lo_m + (int64_t)(x % span);
		const char *text = qs.text[q++ % qs.n];
		/* As in the daemon's loop turn: the question's reads run inside
		 * the open batch that holds the turn's write, so they take the
		 * WAL's read lock once per batch and not once per statement. */
		if (commit_each && (store_batch_begin(st) != BOT_OK ||
				    store_conversation_update(st, &conv) != BOT_OK)) {
			failed++;
			break;
		}
		intent_result ir;
		memset(&ir, 0, sizeof(ir));
		int64_t c0 = cpu_ns();
		int64_t t0 = bench_now_ns();
		if (intent_classify(set, text, strlen(text), clock_now(), &ir) != BOT_OK) {
			failed++;
			intent_result_clear(&ir);
			goto next;
		}
		int64_t t1 = bench_now_ns();
		if (!ir.intent) {
			not_understood++;
			cpu_sum += cpu_ns() - c0;
			sample_add(&total, t1 - t0);
			sample_add(&match, t1 - t0);
			intent_result_clear(&ir);
			goto next;
		}
		answer_request req = {.intent = ir.intent,
				      .slots = ir.slots,
				      .member_id = member,
				      .account_id = 0,
				      .lang = "ko",
				      .now = clock_now()};
		answer_reply rep;
		memset(&rep, 0, sizeof(rep));
		bot_err rc = answer_render(eng, &req, &rep);
		int64_t t2 = bench_now_ns();
		cpu_sum += cpu_ns() - c0;
		if (rc != BOT_OK)
			failed++;
		else if (rep.needs_account)
			needs_account++;
		else
			answered++;
		sample_add(&total, t2 - t0);
		sample_add(&match, t1 - t0);
		sample_add(&answer, t2 - t1);
		intent_add(ir.intent, t2 - t1);
		answer_reply_clear(&rep);
		intent_result_clear(&ir);
	next:
		if (commit_each && store_batch_commit(st) != BOT_OK) {
			failed++;
			break;
		}
	}
	double wall = (double)(bench_now_ns() - t_start) / 1e9;
	getrusage(RUSAGE_SELF, &ru1);
	long long io1 = storage_read_bytes();
	double mean_total = total.n ? (double)total.sum / (double)total.n / 1000.0 : 0;
	double mean_answer = answer.n ? (double)answer.sum / (double)answer.n / 1000.0 : 0;
	double mean_match = match.n ? (double)match.sum / (double)match.n / 1000.0 : 0;
	printf("db=%s members=%lld-%lld warm=%d commit_each=%d dropped_os_cache=%d "
	       "os_cached_pct=%.0f/%.0f open_s=%.2f ",
	       db, lo_m, hi_m, warm, commit_each, drop, cached0, cached1, open_s);
	printf("questions=%zu per_s=%.0f answered=%zu needs_account=%zu "
	       "not_understood=%zu failed=%zu total_p50_us=%.1f total_p99_us=%.1f "
	       "total_mean_us=%.1f match_p50_us=%.1f match_mean_us=%.1f answer_p50_us=%.1f "
	       "answer_p99_us=%.1f answer_mean_us=%.1f cpu_mean_us=%.1f preempted=%ld "
	       "major_faults=%ld disk_read_mb=%.1f\n",
	       total.n, (double)total.n / wall, answered, needs_account,
	       not_understood, failed, pct_us(&total, 50), pct_us(&total, 99), mean_total,
	       pct_us(&match, 50), mean_match, pct_us(&answer, 50), pct_us(&answer, 99),
	       mean_answer, total.n ? (double)cpu_sum / (double)total.n / 1000.0 : 0,
	       ru1.ru_nivcsw - ru0.ru_nivcsw, ru1.ru_majflt - ru0.ru_majflt,
	       io0 >= 0 && io1 >= 0 ? (double)(io1 - io0) / 1e6 : -1.0);
	for (int i = 0; show_intents && i < MAX_INTENTS && by_intent[i].id; i++)
		fprintf(stderr, "  %-26s n=%-7zu answer_mean_us=%-9.1f max_us=%.1f\n", by_intent[i].id,
			by_intent[i].n, (double)by_intent[i].sum / (double)by_intent[i].n / 1000.0,
			(double)by_intent[i].max / 1000.0);
	free(total.v);
	free(match.v);
	free(answer.v);
	wiring_close(&w);
	bench_questions_free(&qs);
	return failed ? 1 : 0;
usage:
	fprintf(stderr, "usage: bench_answer --db PATH [--demo] [--members A-B] [--seconds S] "
			"[--intents DIR] [--seed N] [--by-intent] [--warm] [--commit-each] "
			"[--drop-os-cache]\n");
	return 2;
}
