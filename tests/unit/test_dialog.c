/* Unit tests of the dialogue engine (bot/dialog.c) with the real intents in
 * intents/, the answer engine and a temporary demo database. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "demo_bot.h"

#include "clock.h"
#include "dialog.h"
#include "hours.h"
#include "log.h"

/* 2026-03-02 01:00:00 UTC = Monday 10:00 KST. */
#define T0 ((time_t)1772413200)

typedef struct fixture {
	demo_bot bot;
	store *st;   /* bot.w.st */
	dialog *dlg; /* bot.w.dlg */
} fixture;

static int
setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	if (demo_bot_open(&f->bot, "test_dialog", T0))
		return -1;
	f->st = f->bot.w.st;
	f->dlg = f->bot.w.dlg;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	fixture *f = *state;
	demo_bot_close(&f->bot);
	free(f);
	return 0;
}

static void
new_conv(fixture *f, int64_t member, store_conversation *c)
{
	assert_int_equal(store_batch_begin(f->st), BOT_OK);
	assert_int_equal(store_conversation_create(f->st, member, "web", NULL, c), BOT_OK);
	assert_int_equal(store_batch_commit(f->st), BOT_OK);
}

/* One customer turn in its own committed batch. */
static bot_err
turn(fixture *f, store_conversation *c, const char *client_id, const char *text, const char *value,
     dialog_result *res)
{
	dialog_turn t = {.client_id = client_id, .text = text, .len = strlen(text), .value = value};
	assert_int_equal(store_batch_begin(f->st), BOT_OK);
	bot_err rc = dialog_customer_turn(f->dlg, c, &t, res);
	if (rc == BOT_OK)
		assert_int_equal(store_batch_commit(f->st), BOT_OK);
	else
		store_batch_rollback(f->st);
	return rc;
}

static void
test_greeting(void **state)
{
	fixture *f = *state;
	store_conversation c, g;
	new_conv(f, 1, &c);
	dialog_result res;
	assert_int_equal(turn(f, &c, "c-1", "안녕하세요", NULL, &res), BOT_OK);
	assert_int_equal(res.customer_seq, 1);
	assert_false(res.duplicate);
	assert_false(res.for_agent);
	assert_null(res.escalated);
	assert_string_equal(res.intent, "greeting");
	assert_true(res.n_replies >= 1);
	assert_int_equal(res.replies[0].seq, 2);
	assert_non_null(res.replies[0].text);
	assert_true(strlen(res.replies[0].text) > 0);
	assert_string_equal(res.replies[0].intent, "greeting");
	assert_true(json_is_array(res.replies[0].quick_replies));
	int64_t last = res.replies[res.n_replies - 1].seq;
	dialog_result_clear(&res);
	assert_int_equal(res.n_replies, 0);
	/* The replies are stored. */
	assert_int_equal(store_conversation_get(f->st, c.id, &g), BOT_OK);
	assert_int_equal(g.last_seq, last);
	assert_string_equal(conv_state_name(g.state), "bot");

	/* A retry of the same client id: the stored seq, no second answer. */
	assert_int_equal(turn(f, &c, "c-1", "안녕하세요", NULL, &res), BOT_OK);
	assert_true(res.duplicate);
	assert_int_equal(res.customer_seq, 1);
	assert_int_equal(res.n_replies, 0);
	dialog_result_clear(&res);
	assert_int_equal(store_conversation_get(f->st, c.id, &g), BOT_OK);
	assert_int_equal(g.last_seq, last);
}

static void
test_language_follows_question(void **state)
{
	fixture *f = *state;
	store_conversation c;
	new_conv(f, 2, &c);
	dialog_result res;
	assert_int_equal(turn(f, &c, "e-1", "Hello there", NULL, &res), BOT_OK);
	assert_string_equal(c.lang, "en");
	assert_true(res.n_replies >= 1);
	dialog_result_clear(&res);
	/* A bare digit says nothing about the language. */
	assert_int_equal(turn(f, &c, "e-2", "5", NULL, &res), BOT_OK);
	assert_string_equal(c.lang, "en");
	dialog_result_clear(&res);
	assert_int_equal(turn(f, &c, "e-3", "안녕하세요", NULL, &res), BOT_OK);
	assert_string_equal(c.lang, "ko");
	dialog_result_clear(&res);
}

static int
has_value(const json_t *qr, const char *value)
{
	for (size_t i = 0; i < json_array_size(qr); i++) {
		if (!strcmp(json_string_value(json_object_get(json_array_get(qr, i), "value")), value))
			return 1;
	}
	return 0;
}

/* Two misses in a row: the bot offers a person (and a way to rephrase)
 * instead of queuing without asking; the queue only when the customer
 * taps the offer. */
static void
test_two_misses_offer_agent(void **state)
{
	fixture *f = *state;
	store_conversation c, g;
	new_conv(f, 1, &c);
	dialog_set_presence(f->dlg, 1, NULL);
	dialog_result res;
	int pos = 0;
	assert_int_equal(turn(f, &c, "m-1", "qwerty zxcvb", NULL, &res), BOT_OK);
	assert_null(res.escalated);
	assert_true(res.not_understood);
	assert_int_equal(res.n_replies, 1);
	assert_string_equal(res.intent, "");
	/* Suggestions, with a way to a person. */
	json_t *qr = res.replies[0].quick_replies;
	assert_true(json_array_size(qr) >= 2);
	assert_true(has_value(qr, "agent"));
	dialog_result_clear(&res);
	assert_int_equal(c.misses, 1);
	assert_int_equal(store_queue_position(f->st, c.id, &pos), BOT_ERR_NOT_FOUND);

	assert_int_equal(turn(f, &c, "m-2", "ㅁㄴㅇㄹ ㅁㄴㅇㄹ", NULL, &res), BOT_OK);
	assert_null(res.escalated);
	assert_true(res.not_understood);
	assert_int_equal(res.n_replies, 1);
	/* The offer of a person comes first, and nothing is queued yet. */
	qr = res.replies[0].quick_replies;
	assert_string_equal(json_string_value(json_object_get(json_array_get(qr, 0), "value")),
			    "agent");
	assert_non_null(strstr(res.replies[0].text, "상담직원"));
	dialog_result_clear(&res);
	assert_int_equal(store_queue_position(f->st, c.id, &pos), BOT_ERR_NOT_FOUND);
	assert_int_equal(store_conversation_get(f->st, c.id, &g), BOT_OK);
	assert_string_equal(conv_state_name(g.state), "bot");

	/* A third miss offers again. */
	assert_int_equal(turn(f, &c, "m-3", "zzz yyy", NULL, &res), BOT_OK);
	assert_null(res.escalated);
	assert_true(has_value(res.replies[0].quick_replies, "agent"));
	dialog_result_clear(&res);

	/* The customer takes the offer: queued, for not being understood. */
	assert_int_equal(turn(f, &c, "m-4", "상담직원 연결", "agent", &res), BOT_OK);
	assert_non_null(res.escalated);
	assert_string_equal(res.escalated, "not_understood");
	dialog_result_clear(&res);
	assert_int_equal(store_queue_position(f->st, c.id, &pos), BOT_OK);
	assert_int_equal(pos, 1);
	assert_int_equal(store_conversation_get(f->st, c.id, &g), BOT_OK);
	assert_string_equal(conv_state_name(g.state), "queued");
	store_queue_list q;
	assert_int_equal(store_queue_waiting(f->st, 0, &q), BOT_OK);
	assert_string_equal(q.items[0].reason, "not_understood");
	store_queue_list_clear(&q);

	/* From now on the messages are for the agent; the bot stays silent. */
	assert_int_equal(turn(f, &c, "m-5", "무상캐시 얼마 남았어요?", NULL, &res), BOT_OK);
	assert_true(res.for_agent);
	assert_int_equal(res.n_replies, 0);
	assert_true(res.customer_seq > 0);
	dialog_result_clear(&res);
}

/* The learned model's guess is only offered: "혹시 이 문의이신가요?" with the
 * guess and a person; the answer comes when the customer taps the guess. */
static void
test_did_you_mean(void **state)
{
	fixture *f = *state;
	store_conversation c;
	new_conv(f, 1, &c);
	dialog_result res;
	assert_int_equal(turn(f, &c, "y-1", "무상캐시요", NULL, &res), BOT_OK);
	assert_true(res.not_understood);
	assert_string_equal(res.intent, "");
	assert_int_equal(res.n_replies, 1);
	assert_string_equal(res.replies[0].intent, "");
	assert_non_null(strstr(res.replies[0].text, "혹시 이 문의이신가요?"));
	json_t *qr = res.replies[0].quick_replies;
	assert_true(has_value(qr, "intent:free_cash_status"));
	assert_true(has_value(qr, "agent"));
	dialog_result_clear(&res);
	assert_int_equal(c.misses, 1);
	assert_int_equal(turn(f, &c, "y-2", "무상캐시 상태", "intent:free_cash_status", &res),
			 BOT_OK);
	assert_false(res.not_understood);
	assert_string_equal(res.intent, "free_cash_status");
	assert_string_equal(res.replies[0].intent, "free_cash_status");
	dialog_result_clear(&res);
	assert_int_equal(c.misses, 0);
}

/* Two topics in one message: both answered, in the order asked. */
static void
test_two_topics(void **state)
{
	fixture *f = *state;
	store_conversation c;
	new_conv(f, 1, &c);
	dialog_result res;
	assert_int_equal(turn(f, &c, "t-1", "무상캐시 남은 거랑 세금계산서 실패 사유 둘 다 알려주세요",
			      NULL, &res),
			 BOT_OK);
	assert_int_equal(res.n_replies, 2);
	assert_string_equal(res.intent, "free_cash_status");
	assert_string_equal(res.replies[0].intent, "free_cash_status");
	assert_string_equal(res.replies[1].intent, "tax_invoice_failed");
	dialog_result_clear(&res);

	/* A member with two accounts chooses one first; then both answers. */
	new_conv(f, 3, &c);
	assert_int_equal(turn(f, &c, "t-2", "무상캐시 남은 거랑 세금계산서 실패 사유 둘 다 알려주세요",
			      NULL, &res),
			 BOT_OK);
	assert_int_equal(res.n_replies, 1);
	assert_true(has_value(res.replies[0].quick_replies, "account:103"));
	dialog_result_clear(&res);
	assert_non_null(strstr(c.pending, "tax_invoice_failed"));
	assert_int_equal(turn(f, &c, "t-3", "광고계정", "account:103", &res), BOT_OK);
	assert_int_equal(res.n_replies, 2);
	assert_string_equal(res.replies[0].intent, "free_cash_status");
	assert_string_equal(res.replies[1].intent, "tax_invoice_failed");
	dialog_result_clear(&res);
	assert_string_equal(c.pending, "");
}

/* The slots a stored reply of CONV says it answered with. */
static int
last_slots_cb(void *p, const store_message *m)
{
	json_t **out = p;
	if (strcmp(m->sender, "bot") || !m->intent)
		return 0;
	json_t *meta = m->meta ? json_loads(m->meta, 0, NULL) : NULL;
	json_decref(*out);
	*out = json_incref(json_object_get(meta, "slots"));
	json_decref(meta);
	return 0;
}

static const char *
last_period(fixture *f, const store_conversation *c, char *buf, size_t len)
{
	json_t *slots = NULL;
	assert_int_equal(store_messages_after(f->st, c->id, 0, last_slots_cb, &slots), BOT_OK);
	snprintf(buf, len, "%s", json_string_value(json_object_get(slots, "period")) ?: "");
	json_decref(slots);
	return buf;
}

/* A follow-up keeps the intent with the new slot; a correction switches;
 * another account asks which one. */
static void
test_followups(void **state)
{
	fixture *f = *state;
	store_conversation c;
	char period[64];
	new_conv(f, 1, &c);
	dialog_result res;
	assert_int_equal(turn(f, &c, "f-1", "지난달 충전 내역 보여줘", NULL, &res), BOT_OK);
	assert_string_equal(res.intent, "charge_refund_history");
	dialog_result_clear(&res);
	assert_string_equal(last_period(f, &c, period, sizeof(period)), "last_month");
	assert_int_equal(turn(f, &c, "f-2", "그럼 이번 달은요?", NULL, &res), BOT_OK);
	assert_string_equal(res.intent, "charge_refund_history");
	assert_false(res.not_understood);
	dialog_result_clear(&res);
	assert_string_equal(last_period(f, &c, period, sizeof(period)), "this_month");
	assert_int_equal(turn(f, &c, "f-3", "what about last week?", NULL, &res), BOT_OK);
	assert_string_equal(res.intent, "charge_refund_history");
	dialog_result_clear(&res);
	assert_string_equal(last_period(f, &c, period, sizeof(period)), "last_week");

	/* a correction: the question before, the other way */
	new_conv(f, 1, &c);
	assert_int_equal(turn(f, &c, "k-1", "세금계산서 발행 실패 사유가 뭐예요", NULL, &res), BOT_OK);
	assert_string_equal(res.intent, "tax_invoice_failed");
	dialog_result_clear(&res);
	assert_int_equal(turn(f, &c, "k-2", "아니 실패 말고 수정발행이요", NULL, &res), BOT_OK);
	assert_string_equal(res.intent, "tax_invoice_reissue");
	dialog_result_clear(&res);

	/* another account: a member with two is asked which */
	new_conv(f, 3, &c);
	assert_int_equal(turn(f, &c, "o-1", "무상캐시 얼마 남았어요", NULL, &res), BOT_OK);
	dialog_result_clear(&res);
	assert_int_equal(turn(f, &c, "o-2", "광고계정", "account:103", &res), BOT_OK);
	assert_string_equal(res.replies[0].intent, "free_cash_status");
	dialog_result_clear(&res);
	assert_int_equal(c.account_id, 103);
	assert_int_equal(turn(f, &c, "o-3", "다른 계정은요?", NULL, &res), BOT_OK);
	assert_string_equal(res.intent, "free_cash_status");
	assert_true(has_value(res.replies[0].quick_replies, "account:104"));
	dialog_result_clear(&res);
}

static void
test_understood_turn_resets_misses(void **state)
{
	fixture *f = *state;
	store_conversation c;
	new_conv(f, 1, &c);
	dialog_result res;
	assert_int_equal(turn(f, &c, "r-1", "qwerty zxcvb", NULL, &res), BOT_OK);
	dialog_result_clear(&res);
	assert_int_equal(c.misses, 1);
	assert_int_equal(turn(f, &c, "r-2", "안녕하세요", NULL, &res), BOT_OK);
	dialog_result_clear(&res);
	assert_int_equal(c.misses, 0);
	assert_int_equal(turn(f, &c, "r-3", "asdf ghjk", NULL, &res), BOT_OK);
	assert_null(res.escalated);
	dialog_result_clear(&res);
}

static void
test_agent_request(void **state)
{
	fixture *f = *state;
	store_conversation c;
	new_conv(f, 1, &c);
	dialog_set_presence(f->dlg, 2, NULL);
	dialog_result res;
	assert_int_equal(turn(f, &c, "a-1", "상담원 연결해 주세요", NULL, &res), BOT_OK);
	assert_non_null(res.escalated);
	assert_string_equal(res.escalated, "agent_request");
	assert_string_equal(conv_state_name(c.state), "queued");
	dialog_result_clear(&res);

	/* The quick-reply value "agent" does the same. */
	store_conversation d;
	new_conv(f, 2, &d);
	assert_int_equal(turn(f, &d, "a-1", "상담직원 연결", "agent", &res), BOT_OK);
	assert_non_null(res.escalated);
	assert_string_equal(res.escalated, "agent_request");
	dialog_result_clear(&res);
	int pos = 0;
	assert_int_equal(store_queue_position(f->st, d.id, &pos), BOT_OK);
	assert_int_equal(pos, 2);
}

static void
test_escalation_outside_hours(void **state)
{
	fixture *f = *state;
	hours h;
	assert_int_equal(hours_parse("09:00-18:00", "2026-03-09", &h), BOT_OK);
	/* Saturday 2026-03-07 12:00 KST; Monday is a holiday: back Tuesday. */
	clock_set_fixed(clock_kst_midnight(2026, 3, 7) + 12 * 3600);
	dialog_set_presence(f->dlg, 0, &h);
	store_conversation c;
	new_conv(f, 1, &c);
	dialog_result res;
	assert_int_equal(turn(f, &c, "h-1", "상담원 연결해 주세요", NULL, &res), BOT_OK);
	assert_non_null(res.escalated);
	assert_int_equal(res.n_replies, 1);
	assert_non_null(strstr(res.replies[0].text, "3월 10일(화) 09:00"));
	dialog_result_clear(&res);
}

static void
test_foreign_account_refused(void **state)
{
	fixture *f = *state;
	store_conversation c, g;
	new_conv(f, 1, &c);
	dialog_result res;
	/* 102 belongs to member 2; 107 to 7 (6 left it); 999 does not exist. */
	static const char *const values[] = {
	    "account:102",  "account:107", "account:999",  "account:0",    "account:-101",
	    "account:101x", "account:",    "account: 102", "account:+102", "account:0102"};
	char id[16];
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		snprintf(id, sizeof(id), "f-%zu", i);
		assert_int_equal(turn(f, &c, id, "서연뷰티 (3022914)", values[i], &res), BOT_OK);
		if (c.account_id != 0)
			fail_msg("value \"%s\" chose account %lld", values[i],
			         (long long)c.account_id);
		assert_true(res.n_replies >= 1);
		dialog_result_clear(&res);
		assert_int_equal(store_conversation_get(f->st, c.id, &g), BOT_OK);
		assert_int_equal(g.account_id, 0);
	}
	/* The member's own account is accepted. */
	assert_int_equal(turn(f, &c, "f-ok", "민준상회 (3015827)", "account:101", &res), BOT_OK);
	assert_int_equal(c.account_id, 101);
	dialog_result_clear(&res);
	assert_int_equal(store_conversation_get(f->st, c.id, &g), BOT_OK);
	assert_int_equal(g.account_id, 101);

	/* A departed member cannot choose the account they left. */
	store_conversation d;
	new_conv(f, 6, &d);
	assert_int_equal(turn(f, &d, "d-1", "지민커머스", "account:107", &res), BOT_OK);
	assert_int_equal(d.account_id, 0);
	dialog_result_clear(&res);
}

static void
test_pending_question_answered_after_choice(void **state)
{
	fixture *f = *state;
	store_conversation c;
	/* Member 3 has two accounts: the bot asks which one first. */
	new_conv(f, 3, &c);
	dialog_result res;
	assert_int_equal(turn(f, &c, "p-1", "무상캐시 얼마 남았어요?", NULL, &res), BOT_OK);
	assert_string_equal(res.intent, "free_cash_status");
	assert_int_equal(c.account_id, 0);
	assert_true(strlen(c.pending) > 0);
	json_t *qr = res.replies[0].quick_replies;
	int offers_103 = 0, offers_other = 0;
	for (size_t i = 0; i < json_array_size(qr); i++) {
		const char *v = json_string_value(json_object_get(json_array_get(qr, i), "value"));
		if (!strcmp(v, "account:103") || !strcmp(v, "account:104"))
			offers_103 = 1;
		else if (!strncmp(v, "account:", 8))
			offers_other = 1;
	}
	assert_true(offers_103);
	assert_false(offers_other);
	dialog_result_clear(&res);
	assert_int_equal(turn(f, &c, "p-2", "지훈테크 (3031006)", "account:103", &res), BOT_OK);
	assert_int_equal(c.account_id, 103);
	assert_string_equal(c.pending, "");
	assert_true(res.n_replies >= 1);
	assert_string_equal(res.replies[0].intent, "free_cash_status");
	dialog_result_clear(&res);
}

static void
test_rating_value_without_handoff(void **state)
{
	fixture *f = *state;
	store_conversation c;
	new_conv(f, 1, &c);
	dialog_result res;
	/* Nothing was resolved: "rating:5" is not a rating. */
	assert_int_equal(turn(f, &c, "x-1", "5", "rating:5", &res), BOT_OK);
	assert_int_equal(res.rated, 0);
	assert_int_equal(res.rated_agent, 0);
	assert_int_equal(res.customer_seq, 1);
	dialog_result_clear(&res);
	assert_int_equal(dialog_rate(f->dlg, &c, 5, &res), BOT_ERR_NOT_FOUND);
	dialog_result_clear(&res);
	assert_int_equal(dialog_rate(f->dlg, &c, 0, &res), BOT_ERR_INVAL);
	dialog_result_clear(&res);
	assert_int_equal(dialog_rate(f->dlg, &c, 6, &res), BOT_ERR_INVAL);
	dialog_result_clear(&res);
}

static void
test_rating_after_resolve(void **state)
{
	fixture *f = *state;
	store_conversation c;
	new_conv(f, 1, &c);
	dialog_set_presence(f->dlg, 1, NULL);
	dialog_result res;
	assert_int_equal(turn(f, &c, "y-1", "상담원 연결해 주세요", NULL, &res), BOT_OK);
	dialog_result_clear(&res);
	assert_int_equal(store_batch_begin(f->st), BOT_OK);
	assert_int_equal(store_handoff_claim(f->st, c.id, 2), BOT_OK);
	assert_int_equal(store_handoff_release(f->st, c.id, STORE_RELEASE_RESOLVED, 0), BOT_OK);
	assert_int_equal(store_conversation_get(f->st, c.id, &c), BOT_OK);
	assert_int_equal(dialog_handoff_event(f->dlg, &c, DIALOG_RESOLVED, &res), BOT_OK);
	assert_int_equal(store_batch_commit(f->st), BOT_OK);
	assert_int_equal(res.n_replies, 1);
	json_t *qr = res.replies[0].quick_replies;
	assert_int_equal(json_array_size(qr), 5);
	assert_string_equal(json_string_value(json_object_get(json_array_get(qr, 4), "value")),
	                    "rating:5");
	dialog_result_clear(&res);

	assert_int_equal(turn(f, &c, "y-2", "5", "rating:4", &res), BOT_OK);
	assert_int_equal(res.rated, 4);
	assert_int_equal(res.rated_agent, 2);
	assert_true(res.customer_seq > 0);
	assert_int_equal(res.n_replies, 1);
	dialog_result_clear(&res);
	/* Only once. */
	assert_int_equal(turn(f, &c, "y-3", "5", "rating:5", &res), BOT_OK);
	assert_int_equal(res.rated, 0);
	dialog_result_clear(&res);
	/* Malformed rating values are not ratings either. */
	assert_int_equal(turn(f, &c, "y-4", "6", "rating:6", &res), BOT_OK);
	assert_int_equal(res.rated, 0);
	dialog_result_clear(&res);
}

static void
test_requeued_event(void **state)
{
	fixture *f = *state;
	store_conversation c;
	new_conv(f, 1, &c);
	dialog_result res;
	assert_int_equal(store_batch_begin(f->st), BOT_OK);
	assert_int_equal(dialog_handoff_event(f->dlg, &c, DIALOG_REQUEUED, &res), BOT_OK);
	assert_int_equal(store_batch_commit(f->st), BOT_OK);
	assert_int_equal(res.n_replies, 1);
	assert_int_equal(res.replies[0].seq, 1);
	assert_true(strlen(res.replies[0].text) > 0);
	dialog_result_clear(&res);
}

static void
test_unknown_values_are_text(void **state)
{
	fixture *f = *state;
	store_conversation c;
	new_conv(f, 1, &c);
	dialog_result res;
	/* A value we never offer is ignored: the text is classified as typed. */
	assert_int_equal(turn(f, &c, "v-1", "안녕하세요", "intent:drop_tables", &res), BOT_OK);
	assert_string_equal(res.intent, "greeting");
	dialog_result_clear(&res);
	assert_int_equal(turn(f, &c, "v-2", "안녕하세요", "bogus", &res), BOT_OK);
	assert_string_equal(res.intent, "greeting");
	dialog_result_clear(&res);
	/* An offered intent value answers that intent. */
	assert_int_equal(turn(f, &c, "v-3", "무상캐시", "intent:free_cash_status", &res), BOT_OK);
	assert_string_equal(res.intent, "free_cash_status");
	assert_true(res.n_replies >= 1);
	dialog_result_clear(&res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_greeting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_language_follows_question, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_misses_offer_agent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_did_you_mean, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_topics, setup, teardown),
		cmocka_unit_test_setup_teardown(test_followups, setup, teardown),
		cmocka_unit_test_setup_teardown(test_understood_turn_resets_misses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agent_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escalation_outside_hours, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_account_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending_question_answered_after_choice, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rating_value_without_handoff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rating_after_resolve, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requeued_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_values_are_text, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
