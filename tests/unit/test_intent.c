/* Unit tests of the intent engine (bot/intent.c, bot/slot.c) against the real
 * intent files in intents/ (run from the repository top, as `make unit` does)
 * and against small broken files written to a temporary directory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "intent.h"
#include "intent_check.h"
#include "slot.h"

/* 2026-11-20T03:00:00Z (Friday, noon in Seoul) */
#define NOW ((time_t)1795143600)

static intent_set *set;

static int
setup(void **state)
{
	char err[512];

	if (intent_set_load_dir("intents", &set, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	intent_set_free(set);
	return 0;
}

/* Classifies S (LEN bytes) and returns the intent id or "null"; the slot
 * object is dumped into SLOTS when it is not NULL. */
static const char *
classify_len(const char *s, size_t len, char *slots, size_t slen, intent_result *out)
{
	intent_result r;
	const char *id;

	assert_int_equal(intent_classify(set, s, len, NOW, &r), BOT_OK);
	assert_non_null(r.slots);
	id = r.intent ? r.intent : "null";
	if (slots) {
		char *d = json_dumps(r.slots, JSON_COMPACT | JSON_SORT_KEYS);

		snprintf(slots, slen, "%s", d);
		free(d);
	}
	if (out)
		*out = r;
	else
		intent_result_clear(&r);
	return id;
}

static const char *
classify(const char *s)
{
	return classify_len(s, strlen(s), NULL, 0, NULL);
}

static void
test_loaded(void **state)
{
	static const char *const ids[] = {
		"free_cash_status",	    "tax_invoice_failed",    "tax_invoice_reissue",
		"departed_member_refund",   "payment_dashboard",     "autopay_failure",
		"card_dormant",		    "kakaopay_message_missing", "virtual_account_reissue",
		"charge_refund_history",    "agent_request",	     "greeting",
		"thanks",
	};
	size_t i;

	assert_int_equal(intent_count(set), 13);
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		assert_non_null(intent_spec(set, ids[i]));
	assert_null(intent_spec(set, "nope"));
	assert_null(intent_id_at(set, 13));
}

static void
test_self_check(void **state)
{
	assert_int_equal(intent_self_check(set, NOW), 0);
}

static void
test_basic(void **state)
{
	assert_string_equal(classify("안녕하세요 무상캐시 얼마 남았나요"), "free_cash_status");
	assert_string_equal(classify("안녕하세요"), "greeting");
	assert_string_equal(classify("감사합니다 그런데 세금계산서 발행이 실패했어요"),
			    "tax_invoice_failed");
	assert_string_equal(classify("광고 소재 심사가 반려됐어요"), "null");
	assert_string_equal(classify("오늘 날씨 어때?"), "null");
	/* spacing and typos */
	assert_string_equal(classify("무상 캐쉬 얼마남음"), "free_cash_status");
	assert_string_equal(classify("카카오페이메세지안와요"), "kakaopay_message_missing");
	/* zero-width space and full-width text */
	assert_string_equal(classify("무상\xE2\x80\x8B캐시 상태"), "free_cash_status");
	assert_string_equal(classify("\xEF\xBC\xB4\xEF\xBC\xA1\xEF\xBC\xB8 invoice failed"),
			    "tax_invoice_failed");
}

/* Two topics in one message are both kept, the first asked first. */
static void
test_two_topics(void **state)
{
	intent_result r;
	const char *t = "가상계좌 재발급하고 세금계산서 재발행도 필요해요";

	assert_int_equal(intent_classify(set, t, strlen(t), NOW, &r), BOT_OK);
	assert_string_equal(r.intent, "virtual_account_reissue");
	assert_non_null(r.also);
	assert_string_equal(r.also, "tax_invoice_reissue");
	assert_int_equal(r.clarify, 0);
	intent_result_clear(&r);
	t = "무상캐시 남은 거랑 세금계산서 실패 사유 둘 다 알려주세요";
	assert_int_equal(intent_classify(set, t, strlen(t), NOW, &r), BOT_OK);
	assert_string_equal(r.intent, "free_cash_status");
	assert_string_equal(r.also, "tax_invoice_failed");
	intent_result_clear(&r);
	/* a cause and its effect, in the order told */
	t = "자동결제 카드가 휴면이라서 결제가 실패했어요";
	assert_int_equal(intent_classify(set, t, strlen(t), NOW, &r), BOT_OK);
	assert_string_equal(r.intent, "card_dormant");
	assert_string_equal(r.also, "autopay_failure");
	intent_result_clear(&r);
	/* one topic: no second */
	t = "세금계산서 발행 실패 사유가 뭔가요";
	assert_int_equal(intent_classify(set, t, strlen(t), NOW, &r), BOT_OK);
	assert_string_equal(r.intent, "tax_invoice_failed");
	assert_null(r.also);
	assert_null(r.also_slots);
	intent_result_clear(&r);
	/* a story sentence holds words of another topic (money left in the
	 * account); only the sentence that asks has a topic */
	t = "우리 광고계정에서 나간 직원이 있는데 그 사람이 자기 카드로 충전한 돈이 남아있어요. "
	    "카드 취소로 돌려받을 수 있을까요?";
	assert_int_equal(intent_classify(set, t, strlen(t), NOW, &r), BOT_OK);
	assert_string_equal(r.intent, "departed_member_refund");
	assert_null(r.also);
	intent_result_clear(&r);
}

static void
expect_slots(const char *text, const char *id, const char *want)
{
	char got[256];

	assert_string_equal(classify_len(text, strlen(text), got, sizeof(got), NULL), id);
	assert_string_equal(got, want);
}

static void
test_slots(void **state)
{
	expect_slots("지난달 충전 내역", "charge_refund_history", "{\"period\":\"last_month\"}");
	expect_slots("최근 7일 환불 내역", "charge_refund_history", "{\"period\":\"last_7_days\"}");
	expect_slots("최근 3일 충전 내역", "charge_refund_history",
		     "{\"period\":\"2026-11-18..2026-11-20\"}");
	expect_slots("10월 1일부터 15일까지 충전 내역", "charge_refund_history",
		     "{\"period\":\"2026-10-01..2026-10-15\"}");
	expect_slots("2026-09-01~2026-09-30 환불 내역", "charge_refund_history",
		     "{\"period\":\"2026-09-01..2026-09-30\"}");
	expect_slots("12월 충전 내역", "charge_refund_history",
		     "{\"period\":\"2025-12-01..2025-12-31\"}");
	expect_slots("charge history past two weeks", "charge_refund_history",
		     "{\"period\":\"last_14_days\"}");
	/* two periods joined by a connective are one range, whichever the hit's
	 * window held (today is Friday 20 November) */
	expect_slots("어제랑 오늘 충전 내역", "charge_refund_history",
		     "{\"period\":\"2026-11-19..2026-11-20\"}");
	expect_slots("그저께하고 어제 환불 내역", "charge_refund_history",
		     "{\"period\":\"2026-11-18..2026-11-19\"}");
	expect_slots("refunds yesterday and today", "charge_refund_history",
		     "{\"period\":\"2026-11-19..2026-11-20\"}");
	expect_slots("11월 1일~15일 충전 내역", "charge_refund_history",
		     "{\"period\":\"2026-11-01..2026-11-15\"}");
	expect_slots("충전 내역", "charge_refund_history", "{}");
	expect_slots("지난달 세금계산서 발행 실패", "tax_invoice_failed", "{\"month\":\"2026-10\"}");
	expect_slots("2025년 12월분 세금계산서 재발행", "tax_invoice_reissue",
		     "{\"month\":\"2025-12\"}");
	expect_slots("reissue my september invoice", "tax_invoice_reissue",
		     "{\"month\":\"2026-09\"}");
	expect_slots("끝자리 4321 카드가 휴면이래요", "card_dormant", "{\"card_last4\":\"4321\"}");
	expect_slots("9876으로 끝나는 카드 자동결제 실패", "autopay_failure",
		     "{\"card_last4\":\"9876\"}");
}

static void
test_slot_canon(void **state)
{
	char out[SLOT_VALUE_MAX];
	slot_canon c;

	assert_int_equal(slot_canon_parse("period", &c), BOT_OK);
	assert_int_equal(c, SLOT_CANON_PERIOD);
	assert_int_equal(slot_canon_parse("zzz", &c), BOT_ERR_NOT_FOUND);
	/* new year crossing, and a bad date */
	assert_int_equal(slot_canonicalize(SLOT_CANON_PERIOD, "12월 20일부터 1월 5일까지",
					   strlen("12월 20일부터 1월 5일까지"), NOW, out,
					   sizeof(out)),
			 BOT_OK);
	assert_string_equal(out, "2025-12-20..2026-01-05");
	assert_int_equal(slot_canonicalize(SLOT_CANON_PERIOD, "2월 30일", strlen("2월 30일"), NOW,
					   out, sizeof(out)),
			 BOT_ERR_NOT_FOUND);
	assert_int_equal(slot_canonicalize(SLOT_CANON_MONTH, "1월", strlen("1월"), NOW, out,
					   sizeof(out)),
			 BOT_OK);
	assert_string_equal(out, "2026-01");
	/* January: last month is December of the year before */
	assert_int_equal(slot_canonicalize(SLOT_CANON_MONTH, "지난달", strlen("지난달"),
					   (time_t)1768000000, out, sizeof(out)),
			 BOT_OK);
	assert_string_equal(out, "2025-12");
	assert_int_equal(slot_canonicalize(SLOT_CANON_CARD_LAST4, "12345", 5, NOW, out,
					   sizeof(out)),
			 BOT_ERR_NOT_FOUND);
	assert_int_equal(slot_canonicalize(SLOT_CANON_PERIOD, "어제", strlen("어제"), NOW, out, 4),
			 BOT_ERR_LIMIT);
}

static void
test_hostile_input(void **state)
{
	size_t n = 64 * 1024, i;
	char *big = malloc(n);
	static const char *const odd[] = {
		"", " ", "\t\n\r   ", "\xFF\xFE\xFD", "\xC3", "(a+)+$ .* [ ] \\ ^ $ | ? * + ( ) { }",
		"\x01\x02\x03\x1B[31m", "\xE2\x80\x8B\xE2\x80\x8B", "%s%n%x", "\xED\xA0\x80",
	};

	assert_non_null(big);
	for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
		assert_string_equal(classify_len(odd[i], strlen(odd[i]), NULL, 0, NULL), "null");
	memset(big, 'a', n);
	assert_string_equal(classify_len(big, n, NULL, 0, NULL), "null");
	for (i = 0; i + 3 <= n; i += 3)
		memcpy(big + i, "캐", 3);
	assert_string_equal(classify_len(big, n, NULL, 0, NULL), "null");
	for (i = 0; i < n; i++)
		big[i] = (char)(0x80 + i % 64);
	assert_string_equal(classify_len(big, n, NULL, 0, NULL), "null");
	/* the question after 64 KiB of filler is past the matched prefix */
	assert_string_equal(classify_len(big, n, NULL, 0, NULL), "null");
	free(big);
	/* NUL inside the text: only LEN counts */
	assert_string_equal(classify_len("무상캐시 잔액\0zzz", 23, NULL, 0, NULL), "free_cash_status");
	assert_int_equal(intent_classify(set, NULL, 3, NOW, &(intent_result){0}), BOT_ERR_INVAL);
}

/* Writes one intent file into a fresh temporary directory DIR. */
static void
write_intent(char *dir, const char *id, const char *patterns)
{
	char path[512];
	FILE *f;

	strcpy(dir, "/tmp/botd-intent-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/%s.json", dir, id);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f,
		"{\"id\":\"%s\",\"title\":{\"ko\":\"t\",\"en\":\"t\"},\"priority\":50,"
		"\"patterns\":%s,\"examples\":[\"x\"],\"near_misses\":[]}",
		id, patterns);
	fclose(f);
	snprintf(path, sizeof(path), "%s/lexicon.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "{\"concepts\":{\"X\":[\"x\"]}}");
	fclose(f);
}

static void
remove_dir(const char *dir, const char *id)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s.json", dir, id);
	unlink(path);
	snprintf(path, sizeof(path), "%s/lexicon.json", dir);
	unlink(path);
	rmdir(dir);
}

static void
test_bad_files(void **state)
{
	char dir[64], err[512];
	intent_set *s = (intent_set *)1;

	/* a compile error names the file, the pattern and the offset */
	write_intent(dir, "broken", "[{\"name\":\"unclosed\",\"re\":\"abc(def\"}]");
	assert_int_equal(intent_set_load_dir(dir, &s, err, sizeof(err)), BOT_ERR_PARSE);
	assert_null(s);
	assert_non_null(strstr(err, "broken.json"));
	assert_non_null(strstr(err, "unclosed"));
	assert_non_null(strstr(err, "offset 7"));
	remove_dir(dir, "broken");

	/* catastrophic backtracking is refused at load */
	write_intent(dir, "slow", "[{\"name\":\"nested\",\"re\":\"^(\\\\w+\\\\s?)*$\"}]");
	assert_int_equal(intent_set_load_dir(dir, &s, err, sizeof(err)), BOT_ERR_LIMIT);
	assert_non_null(strstr(err, "slow.json"));
	assert_non_null(strstr(err, "nested"));
	remove_dir(dir, "slow");

	/* the id must match the file name */
	write_intent(dir, "other", "[{\"name\":\"p\",\"re\":\"x\"}]");
	{
		char a[512], b[512];

		snprintf(a, sizeof(a), "%s/other.json", dir);
		snprintf(b, sizeof(b), "%s/renamed.json", dir);
		assert_int_equal(rename(a, b), 0);
		assert_int_equal(intent_set_load_dir(dir, &s, err, sizeof(err)), BOT_ERR_PARSE);
		assert_non_null(strstr(err, "does not match"));
		remove_dir(dir, "renamed");
	}

	/* a missing directory */
	assert_int_equal(intent_set_load_dir("/nonexistent/intents", &s, err, sizeof(err)),
			 BOT_ERR_IO);
}

/* MSG read after PREV (classified on its own first): the intent id or
 * "null", and the period slot into PERIOD. */
static const char *
in_context(const char *prev, const char *msg, char *period, size_t plen, int *via)
{
	intent_result p, r;
	intent_context ctx = {0};
	static char id[64];

	assert_int_equal(intent_classify(set, prev, strlen(prev), NOW, &p), BOT_OK);
	assert_non_null(p.intent);
	ctx.intent = p.intent;
	ctx.slots = p.slots;
	ctx.text = prev;
	ctx.len = strlen(prev);
	assert_int_equal(intent_classify_ctx(set, msg, strlen(msg), NOW, &ctx, 0, &r), BOT_OK);
	snprintf(id, sizeof(id), "%s", r.intent ? r.intent : "null");
	snprintf(period, plen, "%s", json_string_value(json_object_get(r.slots, "period")) ?: "");
	*via = r.via;
	intent_result_clear(&r);
	intent_result_clear(&p);
	return id;
}

static void
test_context(void **state)
{
	char period[SLOT_VALUE_MAX];
	int via;

	/* a follow-up keeps the intent with the new period */
	assert_string_equal(
	    in_context("지난주 충전 내역 보여줘", "그럼 어제는?", period, sizeof(period), &via),
	    "charge_refund_history");
	assert_string_equal(period, "yesterday");
	assert_int_equal(via, INTENT_VIA_FOLLOWUP);
	assert_string_equal(in_context("show my refunds for this month", "and last week?", period,
	                               sizeof(period), &via),
	                    "charge_refund_history");
	assert_string_equal(period, "last_week");
	/* relative to the period asked before */
	assert_string_equal(
	    in_context("10월 충전 내역", "그 전 달도요", period, sizeof(period), &via),
	    "charge_refund_history");
	assert_string_equal(period, "2026-09-01..2026-09-30");
	/* a correction switches */
	assert_string_equal(in_context("환불받은 내역 있나요", "아니 환불 말고 무상캐시요", period,
	                               sizeof(period), &via),
	                    "free_cash_status");
	assert_int_equal(via, INTENT_VIA_CORRECTION);
	/* what is negated was not asked before: a question of its own */
	assert_string_equal(in_context("환불 내역 보여주세요", "쓰던 가상계좌 말고 새 계좌로",
	                               period, sizeof(period), &via),
	                    "virtual_account_reissue");
	assert_int_equal(via, INTENT_VIA_TEXT);
	/* something the previous intent does not know is not a follow-up */
	assert_string_equal(
	    in_context("지난주 충전 내역 보여줘", "날씨 어때요?", period, sizeof(period), &via),
	    "null");
}

/* The customer's words for a period go to the answer unless they are dates
 * the answer prints anyway. */
static void
test_period_words(void **state)
{
	(void)state;
	static const char *const dated[] = {"2026-10-01~2026-10-31", "10월 1일부터 15일까지",
					    "from oct 1 to oct 15", "11/1-11/15", "2026년 9월"};
	static const char *const said[] = {"지난 3개월", "최근 90일", "지난주", "last week",
					   "그저께", "this month", "전체"};
	for (size_t i = 0; i < sizeof(dated) / sizeof(dated[0]); i++)
		assert_true(slot_words_dated(dated[i], strlen(dated[i])));
	for (size_t i = 0; i < sizeof(said) / sizeof(said[0]); i++)
		assert_false(slot_words_dated(said[i], strlen(said[i])));

	intent_result r;
	const char *q = "2026-10-01~2026-10-31 충전 내역";
	assert_int_equal(intent_classify(set, q, strlen(q), NOW, &r), BOT_OK);
	assert_string_equal(json_string_value(json_object_get(r.slots, "period")),
			    "2026-10-01..2026-10-31");
	assert_null(json_object_get(r.slot_words, "period"));
	intent_result_clear(&r);
	q = "최근 90일 충전 내역";
	assert_int_equal(intent_classify(set, q, strlen(q), NOW, &r), BOT_OK);
	assert_string_equal(json_string_value(json_object_get(r.slot_words, "period")), "최근 90일");
	intent_result_clear(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loaded),	     cmocka_unit_test(test_self_check),
		cmocka_unit_test(test_basic),	     cmocka_unit_test(test_two_topics),
		cmocka_unit_test(test_slots),	     cmocka_unit_test(test_slot_canon),
		cmocka_unit_test(test_hostile_input), cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_context),	     cmocka_unit_test(test_period_words),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
