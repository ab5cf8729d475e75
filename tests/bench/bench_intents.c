/* Intent engine benchmark: normalise + classify one message against the whole
 * intent set, on one core, for short and long messages.
 *
 *   build/tests/bench_intents [DIR]          benchmark (default DIR: intents)
 *   build/tests/bench_intents --classify     stdin lines -> JSON, like botd
 *   build/tests/bench_intents check [DIR]    run every example / near miss
 *
 * The last two modes mirror `botd --classify` / `botd check`, so the engine can
 * be exercised without the daemon. BOTD_NOW (ISO 8601 UTC) fixes "now". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "intent.h"
#include "intent_check.h"

static time_t
env_now(void)
{
	const char *s = getenv("BOTD_NOW");
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (s && sscanf(s, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			&tm.tm_hour, &tm.tm_min, &tm.tm_sec) == 6) {
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		return timegm(&tm);
	}
	return time(NULL);
}

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int
classify_lines(intent_set *set)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	time_t now = env_now();

	while ((n = getline(&line, &cap, stdin)) >= 0) {
		intent_result r;
		json_t *o;
		char *s;
		int k;

		if (n && line[n - 1] == '\n')
			n--;
		if (intent_classify(set, line, (size_t)n, now, &r))
			return 1;
		o = json_object();
		json_object_set_new(o, "intent", r.intent ? json_string(r.intent) : json_null());
		json_object_set(o, "slots", r.slots);
		json_object_set_new(o, "clarify", json_array());
		for (k = 0; k < r.n_candidates; k++)
			json_array_append_new(json_object_get(o, "clarify"),
					      json_string(r.candidates[k]));
		s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
		printf("%s\n", s);
		fflush(stdout);
		free(s);
		json_decref(o);
		intent_result_clear(&r);
	}
	free(line);
	return 0;
}

/* The machine this runs on is shared, so each figure is the best of ROUNDS
 * rounds of ITERS passes (the median is printed too): a round slowed by
 * another process says nothing about the engine. */
#define ROUNDS 7

static int
dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
bench(intent_set *set, const char *const *msgs, size_t n, long iters, const char *label)
{
	size_t i, bytes = 0;
	long k;
	double t0, dt[ROUNDS];
	time_t now = time(NULL);
	intent_result r;

	for (i = 0; i < n; i++)
		bytes += strlen(msgs[i]);
	/* Warm caches and the set's scratch buffers first. */
	for (i = 0; i < n; i++) {
		intent_classify(set, msgs[i], strlen(msgs[i]), now, &r);
		intent_result_clear(&r);
	}
	for (int round = 0; round < ROUNDS; round++) {
		t0 = now_ns();
		for (k = 0; k < iters; k++) {
			for (i = 0; i < n; i++) {
				intent_classify(set, msgs[i], strlen(msgs[i]), now, &r);
				intent_result_clear(&r);
			}
		}
		dt[round] = (now_ns() - t0) / ((double)iters * (double)n);
	}
	qsort(dt, ROUNDS, sizeof(dt[0]), dbl_cmp);
	printf("%-28s %8.0f ns/message %10.0f messages/s  (median %.0f ns, avg %zu bytes)\n",
	       label, dt[0], 1e9 / dt[0], dt[ROUNDS / 2], bytes / n);
	return dt[0];
}

int
main(int argc, char **argv)
{
	static const char *const short_msgs[] = {
		"무상캐시 얼마 남았나요?",
		"세금계산서 발행실패로 보여요. 사유가 뭔가요?",
		"자동결제가 실패했어요",
		"지난달 충전 내역 보여줘",
		"카카오페이 메시지가 오지 않습니다",
		"상담원 연결해 주세요",
		"안녕하세요",
		"감사합니다",
		"광고 소재 심사가 반려됐어요",
		"오늘 날씨 어때?",
		"show my top-up history for last month",
		"tax invoice failed",
		"가상계좌 재발급",
		"talk to a human",
		"탈퇴한 멤버가 결제했던 내역 카드취소 가능한가요?",
		"ｆｒｅｅ ｃａｓｈ　ｂａｌａｎｃｅ",
	};
	const char *dir = "intents";
	char err[512];
	intent_set *set;
	int check = 0, classify = 0, i;
	long iters = 4000;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--classify"))
			classify = 1;
		else if (!strcmp(argv[i], "check"))
			check = 1;
		else if (!strcmp(argv[i], "--intents") && i + 1 < argc)
			dir = argv[++i];
		else if (!strcmp(argv[i], "--iters") && i + 1 < argc)
			iters = atol(argv[++i]);
		else
			dir = argv[i];
	}
	if (intent_set_load_dir(dir, &set, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (classify) {
		i = classify_lines(set);
		intent_set_free(set);
		return i;
	}
	if (check) {
		int f = intent_self_check(set, env_now());

		fprintf(stderr, "%zu intents, %d failures\n", intent_count(set), f);
		intent_set_free(set);
		return f ? 1 : 0;
	}

	/* Long messages, 1 to 3.5 KiB: a story with the question last, the
	 * question first with context after it, the same in English, a
	 * rambling message with no question at all, and repeated filler. */
	static const char *const story[] = {
		"안녕하세요. 저희는 작은 온라인 쇼핑몰을 운영하고 있고 올해 초부터 카카오모먼트로 광고를 "
		"집행하고 있습니다. ",
		"처음에는 제가 직접 관리하다가 여름부터는 마케터 한 분이 맡아서 캠페인을 돌렸는데요, 그분이 "
		"지난달 말에 퇴사하셨어요. ",
		"인수인계를 받으면서 보니 광고계정 설정이나 소재 같은 건 정리가 잘 되어 있었는데 결제 쪽은 "
		"제가 잘 몰라서 하나씩 확인하고 있습니다. ",
		"대시보드에 들어가 보면 여러 숫자가 보이는데 어떤 게 어떤 의미인지 헷갈리기도 하고, 회계팀에서 "
		"정산 자료를 달라고 해서 이것저것 찾아보는 중이에요. ",
		"그러다 보니 궁금한 게 생겼는데요. ",
	};
	static const char *const en_story =
		"Hi there, I took over our company's ad account last month after my colleague moved to "
		"another team, and I am still finding my way around the admin centre. We run a few "
		"campaigns for our online store and the reporting side looks fine, but I am less sure "
		"about billing. Our accounting team asked me to prepare a summary for the quarter, so I "
		"went through the menus one by one and wrote down what I found. ";
	static char bufs[6][4096];
	const char *long_msgs[6];
	size_t n_long = 0;

	/* 1. a story, then the question (about 1.5 KiB) */
	for (i = 0; i < 5; i++)
		strcat(bufs[0], story[i]);
	strcat(bufs[0], story[1]);
	strcat(bufs[0], story[2]);
	strcat(bufs[0], "그 마케터가 본인 카드로 충전해 둔 캐시가 남아있는데 이건 환불받을 수 있나요?");
	/* 2. the question first, then context (about 2 KiB) */
	strcat(bufs[1], "지난 3개월 동안 충전하고 환불받은 내역을 한 번에 볼 수 있을까요? ");
	while (strlen(bufs[1]) < 1900)
		for (i = 0; i < 5 && strlen(bufs[1]) < 1900; i++)
			strcat(bufs[1], story[i]);
	/* 3. English: a story, then the question (about 1.5 KiB) */
	while (strlen(bufs[2]) < 1300)
		strcat(bufs[2], en_story);
	strcat(bufs[2], "Why did our tax invoice for last month fail to issue, and how do I get it reissued?");
	/* 4. a long message with no question in it (about 3 KiB) */
	while (strlen(bufs[3]) < 3000)
		for (i = 0; i < 4 && strlen(bufs[3]) < 3000; i++)
			strcat(bufs[3], story[i]);
	/* 5. repeated filler with the question at the end (about 1 KiB) */
	while (strlen(bufs[4]) < 900)
		strcat(bufs[4], "광고를 여러 개 운영하고 있는데요 이것저것 확인하다 보니 ");
	strcat(bufs[4], "세금계산서 발행이 실패로 나오네요 이유가 뭔가요?");
	/* 6. mixed filler, 3.5 KiB, past the part that is read */
	while (strlen(bufs[5]) < 3500)
		strcat(bufs[5], "Lorem ipsum dolor sit amet, 광고 소재 관련 문의 ");
	for (i = 0; i < 6; i++)
		long_msgs[n_long++] = bufs[i];

	printf("%zu intents loaded from %s; one core, normalise + classify\n", intent_count(set),
	       dir);
	double ds = bench(set, short_msgs, sizeof(short_msgs) / sizeof(short_msgs[0]), iters,
	                  "short (16 mixed)");
	double dl = bench(set, long_msgs, n_long, iters / 20 + 1, "long (6 of 1-3.5 KiB)");
	for (i = 0; i < (int)n_long; i++) {
		char label[64];

		snprintf(label, sizeof(label), "  long %d (%zu bytes)", i + 1, strlen(long_msgs[i]));
		bench(set, &long_msgs[i], 1, iters / 40 + 1, label);
	}
	printf("targets: short at least 300000 messages/s (%s), long at most 20000 ns/message "
	       "(%s)\n",
	       1e9 / ds >= 300000 ? "met" : "missed", dl <= 20000 ? "met" : "missed");
	intent_set_free(set);
	return 0;
}
