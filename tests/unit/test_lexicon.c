/* Unit tests of the pieces under the intent engine: jamo distances
 * (bot/nlu/jamo.c), the lexicon's forms, computed typo tolerance, sentence
 * and clause splitting and negation (bot/nlu/lexicon.c, on a small lexicon
 * written to a temporary directory), the learned model (bot/nlu/learn.c)
 * and the period slot (bot/nlu/slot.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "jamo.h"
#include "learn.h"
#include "lexicon.h"
#include "normalize.h"
#include "slot.h"

/* 2026-11-20T03:00:00Z (Friday, noon in Seoul) */
#define NOW ((time_t)1795143600)

static lexicon *lex;
static char dir[64];

static const char *const lexicon_json = "{\"concepts\": {"
                                        "\"PAYMENT\": [\"결제\", \"payment\", \"pay\"],"
                                        "\"INVOICE\": [\"세금계산서\", \"invoice\"],"
                                        "\"REFUND\": [\"환불\", \"refund\", \"reimburs*\"],"
                                        "\"CHARGE\": [\"충전\", \"top up\", \"charge\"],"
                                        "\"HISTORY\": [\"내역\", \"history\"],"
                                        "\"CARD\": [\"카드\", \"card\"],"
                                        "\"REISSUE\": [\"재발급\"],"
                                        "\"MISSING\": [\"안오-\", \"안 와\"],"
                                        "\"DIGITS\": [{\"re\": \"\\\\d{4}\"}],"
                                        "\"NOEDIT\": [\"~세금계산기\"],"
                                        "\"ASK\": [\"나요\", \"?\"],"
                                        "\"NEGATE\": [\"말고\"],"
                                        "\"NOTWORK\": [\"does not work\"]"
                                        "}, \"not_typos\": [\"계산서\"]}";

static int
setup(void **state)
{
	char path[128], err[512];
	FILE *f;

	snprintf(dir, sizeof(dir), "/tmp/test_lexicon.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/lexicon.json", dir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(lexicon_json, f);
	fclose(f);
	if (lexicon_load(path, &lex, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	char path[128];

	lexicon_free(lex);
	snprintf(path, sizeof(path), "%s/lexicon.json", dir);
	unlink(path);
	rmdir(dir);
	return 0;
}

/* Analyses S and writes "CONCEPT:cost" for each occurrence, in order and
 * separated by spaces, into OUT. A negated occurrence is marked "!". */
static void
concepts_of(const char *s, char *out, size_t outlen, lex_text *t)
{
	norm_buf nb = {0};
	size_t o = 0;

	assert_int_equal(normalize_text(s, strlen(s), &nb), BOT_OK);
	assert_int_equal(lexicon_analyse(lex, nb.data, nb.len, t), BOT_OK);
	out[0] = 0;
	for (size_t i = 0; i < t->no && o < outlen; i++)
		o += (size_t)snprintf(out + o, outlen - o, "%s%s%s:%u", o ? " " : "",
		                      t->o[i].negated ? "!" : "",
		                      lexicon_concept_name(lex, t->o[i].concept), t->o[i].cost);
	norm_buf_free(&nb);
}

static void
expect(const char *s, const char *want)
{
	lex_text t = {0};
	char got[512];

	concepts_of(s, got, sizeof(got), &t);
	if (strcmp(got, want))
		fail_msg("\"%s\": want \"%s\", got \"%s\"", s, want, got);
	lex_text_free(&t);
}

/* "doesn't", "doesnt" and "does not" are the same two words on both sides
 * of the match; a word that only ends in "nt" is left whole. */
static void
test_contractions(void **state)
{
	expect("my card does not work", "CARD:0 NOTWORK:0");
	expect("my card doesn't work", "CARD:0 NOTWORK:0");
	expect("my card doesnt work", "CARD:0 NOTWORK:0");
	expect("card does work", "CARD:0");
	expect("I want a refund", "REFUND:0");
	expect("the payment didnt go through", "PAYMENT:0");
}

static void
test_jamo(void **state)
{
	int i, v, f;

	jamo_split(0xACB0 /* 결 */, &i, &v, &f);
	assert_int_equal(jamo_join(i, v, f), 0xACB0);
	assert_true(jamo_is_syllable(0xAC00));
	assert_false(jamo_is_syllable('a'));
	assert_int_equal(jamo_distance(0xC81C /* 제 */, 0xC81C), JAMO_SAME);
	/* ㅔ/ㅐ: 결제 / 결재 */
	assert_int_equal(jamo_distance(0xC81C /* 제 */, 0xC7AC /* 재 */), JAMO_NEAR);
	/* a double consonant typed single: 했 / 햇 */
	assert_int_equal(jamo_distance(0xD588 /* 했 */, 0xD587 /* 햇 */), JAMO_NEAR);
	/* ㅓ/ㅕ: 서 / 셔 */
	assert_int_equal(jamo_distance(0xC11C /* 서 */, 0xC154 /* 셔 */), JAMO_NEAR);
	/* another initial: 제 / 베 is far; two jamo apart is none */
	assert_int_equal(jamo_distance(0xC81C /* 제 */, 0xBCA0 /* 베 */), JAMO_FAR);
	assert_int_equal(jamo_distance(0xC81C /* 제 */, 0xBC30 /* 배 */), JAMO_NONE);
	assert_int_equal(jamo_distance(0xC81C, 'x'), JAMO_NONE);
}

static void
test_forms(void **state)
{
	/* spaces inside Korean are ignored, forms are found inside words */
	expect("결 제했는데 환불되나요", "PAYMENT:0 REFUND:0 ASK:0");
	/* English words are stemmed, a prefix form takes any ending */
	expect("refunds for my payments", "REFUND:0 PAYMENT:0");
	expect("can I get reimbursed", "REFUND:0");
	expect("top up history", "CHARGE:0 HISTORY:0");
	/* words of a form typed together are the form, typos included */
	expect("topup history", "CHARGE:0 HISTORY:0");
	expect("topups", "CHARGE:0");
	expect("toppup", "CHARGE:1");
	/* a verb stem takes the final of an ending */
	expect("메시지가 안옴", "MISSING:0");
	/* a pattern */
	expect("카드 1234", "CARD:0 DIGITS:0");
}

static void
test_typos(void **state)
{
	/* two syllables: only a near change (ㅔ/ㅐ) */
	expect("결재 내역", "PAYMENT:1 HISTORY:0");
	expect("결베 내역", "HISTORY:0");
	/* three or more: any one jamo, near ones cheaper */
	expect("세금계샨서", "INVOICE:1");
	expect("세금게산서", "INVOICE:1");
	expect("세금개산서", "INVOICE:2");
	/* the last of three syllables: only its final mistyped, at the end of
	 * the word (a changed initial or vowel there makes other words) */
	expect("재발금", "REISSUE:2");
	expect("재발그 해주세요", "REISSUE:2");
	expect("재발금액", "");
	expect("재발겁", "");
	/* inside a word only a near typo: a far one is another word's end */
	expect("가세금개산서", "");
	expect("가세금계샨서", "INVOICE:1");
	/* English: one edit from five letters (two letters swapped is near),
	 * none below */
	expect("refnud", "REFUND:1");
	expect("invocie", "INVOICE:1");
	expect("refxnd", "REFUND:2");
	expect("crad", "");
	/* listed as not a typo, and a form with tolerance turned off */
	expect("계산서", "");
	expect("세금계산기", "NOEDIT:0");
	expect("세금개산기", "");
}

static void
test_sentences(void **state)
{
	lex_text t = {0};
	char got[512];

	concepts_of("환불했는데요. 충전 내역은 어디서 보나요? 그리고 카드는요", got, sizeof(got),
	            &t);
	assert_int_equal(t.ns, 3);
	assert_true(t.sent[1].asking);
	assert_true(t.nc >= 3);
	lex_text_free(&t);
	/* "X 말고": X is not asked about */
	expect("환불 말고 충전 내역", "!REFUND:0 NEGATE:0 CHARGE:0 HISTORY:0");
}

static void
test_learn(void **state)
{
	static const char *const a[] = {"환불 받고 싶어요", "환불 가능한가요", "돈 돌려주세요",
	                                "환불 신청", "refund please"};
	static const char *const b[] = {"세금계산서 발행", "계산서 재발행", "세금계산서 다시",
	                                "invoice again", "계산서 발급"};
	learn_doc docs[10];
	learn_model *m;
	double p[2];

	for (int i = 0; i < 5; i++) {
		docs[i] = (learn_doc){a[i], strlen(a[i]), 0};
		docs[5 + i] = (learn_doc){b[i], strlen(b[i]), 1};
	}
	assert_int_equal(learn_train(docs, 10, 2, &m), BOT_OK);
	learn_predict(m, "환불 돼요?", strlen("환불 돼요?"), p);
	assert_true(p[0] > p[1]);
	assert_true(p[0] + p[1] > 0.999 && p[0] + p[1] < 1.001);
	learn_predict(m, "계산서", strlen("계산서"), p);
	assert_true(p[1] > p[0]);
	learn_free(m);
}

static void
expect_period(const char *s, const char *want)
{
	char out[SLOT_VALUE_MAX];
	bot_err e = slot_canonicalize(SLOT_CANON_PERIOD, s, strlen(s), NOW, out, sizeof(out));

	if (e != BOT_OK)
		fail_msg("\"%s\": not a period", s);
	if (strcmp(out, want))
		fail_msg("\"%s\": want %s, got %s", s, want, out);
}

static void
test_periods(void **state)
{
	expect_period("최근 일주일", "last_7_days");
	expect_period("지난 일주일", "last_7_days");
	expect_period("past week", "last_7_days");
	expect_period("최근 이주", "last_14_days");
	expect_period("last two weeks", "last_14_days");
	expect_period("그저께", "2026-11-18..2026-11-18");
	expect_period("the day before yesterday", "2026-11-18..2026-11-18");
	/* three calendar months to today, not 90 days */
	expect_period("지난 3개월", "2026-08-20..2026-11-20");
	expect_period("last 3 months", "2026-08-20..2026-11-20");
	expect_period("지난달", "last_month");
	expect_period("last month", "last_month");
	expect_period("어제", "yesterday");
	expect_period("이번 주", "this_week");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_jamo), cmocka_unit_test(test_contractions),  cmocka_unit_test(test_forms),
	    cmocka_unit_test(test_typos), cmocka_unit_test(test_sentences),
	    cmocka_unit_test(test_learn), cmocka_unit_test(test_periods),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
