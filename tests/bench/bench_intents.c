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

static double
bench(intent_set *set, const char *const *msgs, size_t n, long iters, const char *label)
{
	size_t i, bytes = 0;
	long k;
	double t0, dt;
	time_t now = time(NULL);
	intent_result r;

	for (i = 0; i < n; i++)
		bytes += strlen(msgs[i]);
	/* Warm caches and the set's scratch buffers first. */
	for (i = 0; i < n; i++) {
		intent_classify(set, msgs[i], strlen(msgs[i]), now, &r);
		intent_result_clear(&r);
	}
	t0 = now_ns();
	for (k = 0; k < iters; k++) {
		for (i = 0; i < n; i++) {
			intent_classify(set, msgs[i], strlen(msgs[i]), now, &r);
			intent_result_clear(&r);
		}
	}
	dt = (now_ns() - t0) / ((double)iters * (double)n);
	printf("%-28s %8.0f ns/message %10.0f messages/s  (avg %zu bytes)\n", label, dt, 1e9 / dt,
	       bytes / n);
	return dt;
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
	static char long1[4096], long2[4096];
	const char *long_msgs[2];
	const char *dir = "intents";
	char err[512];
	intent_set *set;
	int check = 0, classify = 0, i;
	long iters = 20000;

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

	/* Long: a rambling ~1 KiB message with the question at the end, and
	 * ~3.5 KiB of text (past the 2 KiB match cap) with no question at all. */
	long1[0] = '\0';
	while (strlen(long1) < 900)
		strcat(long1, "광고를 여러 개 운영하고 있는데요 이것저것 확인하다 보니 ");
	strcat(long1, "세금계산서 발행이 실패로 나오네요 이유가 뭔가요?");
	long2[0] = '\0';
	while (strlen(long2) < 3500)
		strcat(long2, "Lorem ipsum dolor sit amet, 광고 소재 관련 문의 ");
	long_msgs[0] = long1;
	long_msgs[1] = long2;

	printf("%zu intents loaded from %s; one core, normalise + classify\n", intent_count(set),
	       dir);
	bench(set, short_msgs, sizeof(short_msgs) / sizeof(short_msgs[0]), iters,
	      "short (16 mixed)");
	bench(set, long_msgs, 2, iters / 20 + 1, "long (1 KiB and 3.5 KiB)");
	intent_set_free(set);
	return 0;
}
