/* Unit tests of the KakaoTalk skill module (bot/kakao.c). The dialog and the
 * store are replaced by fakes defined here, so the test links only kakao.o
 * (with err/log) and can script any turn: long answers to cut, many quick
 * replies, an escalation, a conversation a human owns, a link that changed.
 * The real dialogue over the demo data is covered by tests/e2e/kakao.test.mjs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kakao.h"

/* ---- fakes ------------------------------------------------------------------ */

struct store {
	int unused;
};
struct dialog {
	int unused;
};

/* The linked keys, the conversations that exist, and the scripted turn. */
static const char *linked_key;
static int64_t linked_member;
static store_conversation existing;
static int have_existing;
static int created;
static int turns;
static char seen_value_buf[80];
static const char *seen_value; /* NULL or seen_value_buf: the payload is freed after the turn */
static char seen_text[256];
static int64_t seen_member;

/* The next turn's result. */
static const char *script_texts[DIALOG_MAX_REPLIES];
static int script_n;
static int script_qr; /* quick replies to add to the first reply */
static const char *script_escalated;
static int script_for_agent;
static conv_state script_state = CONV_BOT;

bot_err
store_kakao_member(store *st, const char *bot_user_key, int64_t *member_id)
{
	if (linked_key && !strcmp(bot_user_key, linked_key)) {
		*member_id = linked_member;
		return BOT_OK;
	}
	return BOT_ERR_NOT_FOUND;
}

bot_err
store_conversation_find_channel(store *st, const char *channel, const char *channel_key,
				store_conversation *out)
{
	if (!have_existing)
		return BOT_ERR_NOT_FOUND;
	*out = existing;
	return BOT_OK;
}

bot_err
store_conversation_create(store *st, int64_t member_id, const char *channel,
			  const char *channel_key, store_conversation *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->id, sizeof(out->id), "conv%028d", ++created);
	out->member_id = member_id;
	snprintf(out->channel, sizeof(out->channel), "%s", channel);
	out->state = CONV_BOT;
	snprintf(out->lang, sizeof(out->lang), "ko");
	return BOT_OK;
}

bot_err
dialog_customer_turn(dialog *dlg, store_conversation *conv, const dialog_turn *turn,
		     dialog_result *res)
{
	memset(res, 0, sizeof(*res));
	turns++;
	seen_value = NULL;
	if (turn->value) {
		snprintf(seen_value_buf, sizeof(seen_value_buf), "%s", turn->value);
		seen_value = seen_value_buf;
	}
	seen_member = conv->member_id;
	snprintf(seen_text, sizeof(seen_text), "%.*s", (int)turn->len, turn->text);
	conv->state = script_state;
	res->for_agent = script_for_agent;
	res->escalated = script_escalated;
	for (int i = 0; i < script_n; i++) {
		res->replies[i].text = strdup(script_texts[i]);
		res->replies[i].quick_replies = json_array();
	}
	res->n_replies = script_n;
	for (int i = 0; i < script_qr; i++) {
		char label[64], value[32];
		snprintf(label, sizeof(label), i == 0 ? "아주아주 긴 광고계정 이름 (3031187)"
					       : "선택지 %d번 아주 긴 라벨입니다", i);
		snprintf(value, sizeof(value), "account:%d", 100 + i);
		json_array_append_new(res->replies[0].quick_replies,
				      json_pack("{s:s, s:s}", "label", label, "value", value));
	}
	return BOT_OK;
}

void
dialog_result_clear(dialog_result *res)
{
	for (int i = 0; i < res->n_replies; i++) {
		free(res->replies[i].text);
		json_decref(res->replies[i].quick_replies);
	}
	memset(res, 0, sizeof(*res));
}

/* ---- helpers ------------------------------------------------------------------ */

static config cfg;
static struct store the_store;
static struct dialog the_dialog;

static int
setup(void **state)
{
	memset(&cfg, 0, sizeof(cfg));
	cfg.demo = 1;
	cfg.rate_limit_messages = 1000;
	cfg.rate_limit_window_s = 10;
	linked_key = NULL;
	linked_member = 0;
	have_existing = 0;
	created = turns = 0;
	seen_value = NULL;
	seen_text[0] = 0;
	seen_member = -1;
	script_texts[0] = "안녕하세요!";
	script_n = 1;
	script_qr = 0;
	script_escalated = NULL;
	script_for_agent = 0;
	script_state = CONV_BOT;
	kakao *k = NULL;
	assert_int_equal(kakao_new(&cfg, &the_store, &the_dialog, &k), BOT_OK);
	*state = k;
	return 0;
}

static int
teardown(void **state)
{
	kakao_free(*state);
	return 0;
}

static char *
payload(const char *text, const char *key, const char *extra_json)
{
	json_t *p = json_pack("{s:{s:s, s:{s:s, s:s}}}", "userRequest", "utterance", text, "user",
			      "id", key, "type", "botUserKey");
	if (extra_json)
		json_object_set_new(p, "action",
				    json_pack("{s:o}", "clientExtra", json_loads(extra_json, 0, NULL)));
	char *s = json_dumps(p, JSON_COMPACT);
	json_decref(p);
	return s;
}

/* Runs one request; returns the parsed body (caller owns) and the status. */
static json_t *
run(kakao *k, const char *secret, const char *body, int *status, kakao_response *keep)
{
	kakao_response r;
	assert_int_equal(kakao_handle(k, secret, body, strlen(body), 1000, &r), BOT_OK);
	assert_non_null(r.body);
	*status = r.status;
	json_t *j = json_loads(r.body, 0, NULL);
	assert_non_null(j);
	if (keep)
		*keep = r;
	else
		kakao_response_clear(&r);
	return j;
}

static json_t *
ask(kakao *k, const char *text, const char *key, int *status)
{
	char *b = payload(text, key, NULL);
	json_t *j = run(k, NULL, b, status, NULL);
	free(b);
	return j;
}

/* UTF-16 units, what Kakao and a JavaScript client count. */
static size_t
units(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p & 0xc0) != 0x80)
			n += *p >= 0xf0 ? 2 : 1;
	}
	return n;
}

static int
valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		int n = *p < 0x80 ? 0 : *p >= 0xf0 ? 3 : *p >= 0xe0 ? 2 : *p >= 0xc0 ? 1 : -1;
		if (n < 0)
			return 0;
		p++;
		while (n--) {
			if ((*p & 0xc0) != 0x80)
				return 0;
			p++;
		}
	}
	return 1;
}

static const char *
error_code(json_t *j)
{
	return json_string_value(json_object_get(json_object_get(j, "error"), "code"));
}

/* ---- tests ---------------------------------------------------------------- */

static void
test_demo_open_without_secret(void **state)
{
	int st;
	json_t *j = ask(*state, "안녕하세요", "user-a", &st);
	assert_int_equal(st, 200);
	assert_string_equal(json_string_value(json_object_get(j, "version")), "2.0");
	json_t *outs = json_object_get(json_object_get(j, "template"), "outputs");
	assert_int_equal(json_array_size(outs), 1);
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(json_array_get(outs, 0), "simpleText"), "text")),
			    "안녕하세요!");
	json_decref(j);
	assert_int_equal(turns, 1);
	assert_int_equal(seen_member, 0); /* unlinked */
}

static void
test_closed_without_secret_outside_demo(void **state)
{
	cfg.demo = 0;
	int st;
	json_t *j = ask(*state, "안녕하세요", "user-a", &st);
	assert_int_equal(st, 401);
	assert_string_equal(error_code(j), "unauthorized");
	json_decref(j);
	assert_int_equal(turns, 0);
}

static void
test_secret(void **state)
{
	snprintf(cfg.kakao_secret, sizeof(cfg.kakao_secret), "s3cret-value");
	char *b = payload("안녕하세요", "user-a", NULL);
	int st;
	const char *wrong[] = {NULL, "", "s3cret-valu", "s3cret-value2", "S3cret-value"};
	for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		json_t *j = run(*state, wrong[i], b, &st, NULL);
		assert_int_equal(st, 401);
		json_decref(j);
	}
	assert_int_equal(turns, 0);
	json_decref(run(*state, "s3cret-value", b, &st, NULL));
	assert_int_equal(st, 200);
	free(b);
}

static void
test_bad_payloads(void **state)
{
	static const char *const bad[] = {
		"",
		"{",
		"[]",
		"null",
		"{\"userRequest\":1}",
		"{\"userRequest\":{}}",
		"{\"userRequest\":{\"utterance\":\"a\"}}",
		"{\"userRequest\":{\"utterance\":\"a\",\"user\":{}}}",
		"{\"userRequest\":{\"utterance\":\"a\",\"user\":{\"id\":7}}}",
		"{\"userRequest\":{\"utterance\":\"a\",\"user\":{\"id\":\"\"}}}",
		"{\"userRequest\":{\"utterance\":\"a\",\"user\":{\"id\":\"a b\"}}}",
		"{\"userRequest\":{\"utterance\":\"a\",\"user\":{\"id\":\"k\",\"type\":\"appUserId\"}}}",
		"{\"userRequest\":{\"utterance\":\"a\",\"user\":{\"id\":\"k\",\"properties\":[]}}}",
		"{\"userRequest\":{\"utterance\":\"a\",\"user\":{\"id\":\"k\",\"properties\":"
		"{\"appUserId\":5}}}}",
		"{\"userRequest\":{\"utterance\":\"a\",\"user\":{\"id\":\"k\"},\"params\":[]}}",
		"{\"userRequest\":{\"utterance\":\"a\",\"user\":{\"id\":\"k\"}},\"action\":\"x\"}",
		"{\"userRequest\":{\"utterance\":\"a\",\"user\":{\"id\":\"k\"}},\"action\":"
		"{\"clientExtra\":\"agent\"}}",
		"{\"userRequest\":{\"utterance\":\"a\",\"user\":{\"id\":\"k\"}},\"action\":"
		"{\"clientExtra\":{\"value\":\"account:1 OR 1\"}}}",
		"{\"userRequest\":{\"utterance\":\"a\",\"user\":{\"id\":\"k\"}},\"action\":"
		"{\"clientExtra\":{\"value\":\"agent\",\"x\":1}}}",
		"{\"userRequest\":{\"utterance\":\"\",\"user\":{\"id\":\"k\"}}}",
		"{\"userRequest\":{\"utterance\":\"a\\u0000b\",\"user\":{\"id\":\"k\"}}}",
		"{\"userRequest\":{\"utterance\":\"a\",\"utterance\":\"b\",\"user\":{\"id\":\"k\"}}}",
		"{\"userRequest\":{\"utterance\":\"\xff\xfe\",\"user\":{\"id\":\"k\"}}}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int st;
		json_t *j = run(*state, NULL, bad[i], &st, NULL);
		if (st != 400)
			fail_msg("payload %zu: status %d", i, st);
		assert_non_null(error_code(j));
		json_decref(j);
	}
	assert_int_equal(turns, 0);
}

static void
test_too_long_utterance(void **state)
{
	char *text = malloc(5000);
	memset(text, 'a', 4999);
	text[4999] = 0;
	int st;
	json_t *j = ask(*state, text, "user-a", &st);
	assert_int_equal(st, 400);
	assert_string_equal(error_code(j), "too_long");
	json_decref(j);
	free(text);
}

static void
test_body_over_cap(void **state)
{
	kakao_response r;
	static char big[KAKAO_MAX_BODY + 2];
	memset(big, ' ', sizeof(big) - 1);
	assert_int_equal(kakao_handle(*state, NULL, big, sizeof(big) - 1, 0, &r), BOT_OK);
	assert_int_equal(r.status, 413);
	kakao_response_clear(&r);
}

static void
test_value_from_client_extra(void **state)
{
	char *b = payload("지훈테크 (3031006)", "user-a", "{\"value\":\"account:103\"}");
	int st;
	json_decref(run(*state, NULL, b, &st, NULL));
	free(b);
	assert_int_equal(st, 200);
	assert_non_null(seen_value);
	assert_string_equal(seen_value, "account:103");
	assert_string_equal(seen_text, "지훈테크 (3031006)");

	/* An empty extra or null is no value. */
	b = payload("안녕", "user-a", "{}");
	json_decref(run(*state, NULL, b, &st, NULL));
	free(b);
	assert_int_equal(st, 200);
	assert_null(seen_value);
}

static void
test_linked_member(void **state)
{
	linked_key = "user-linked";
	linked_member = 7;
	int st;
	json_decref(ask(*state, "안녕", "user-linked", &st));
	assert_int_equal(seen_member, 7);
}

static void
test_link_change_starts_new_conversation(void **state)
{
	/* An open conversation of member 7, and the key is now unlinked. */
	memset(&existing, 0, sizeof(existing));
	snprintf(existing.id, sizeof(existing.id), "old");
	existing.member_id = 7;
	existing.state = CONV_BOT;
	have_existing = 1;
	int st;
	json_decref(ask(*state, "안녕", "user-x", &st));
	assert_int_equal(created, 1);
	assert_int_equal(seen_member, 0);

	/* Same identity: continued. */
	existing.member_id = 0;
	json_decref(ask(*state, "안녕", "user-x", &st));
	assert_int_equal(created, 1);

	/* A human owns it: kept even though the link changed. */
	existing.member_id = 7;
	existing.state = CONV_AGENT;
	json_decref(ask(*state, "안녕", "user-x", &st));
	assert_int_equal(created, 1);
}

static void
test_long_text_cut_on_character(void **state)
{
	/* 1500 Hangul syllables and an emoji near the cut. */
	char *text = malloc(1500 * 3 + 8);
	size_t o = 0;
	for (int i = 0; i < 1500; i++) {
		if (i == 990) {
			memcpy(text + o, "\xf0\x9f\x98\x80", 4);
			o += 4;
			continue;
		}
		memcpy(text + o, "가", 3);
		o += 3;
	}
	text[o] = 0;
	script_texts[0] = text;
	int st;
	json_t *j = ask(*state, "길게", "user-a", &st);
	const char *t = json_string_value(json_object_get(
		json_object_get(json_array_get(json_object_get(json_object_get(j, "template"),
							       "outputs"),
					       0),
				"simpleText"),
		"text"));
	assert_non_null(t);
	assert_true(units(t) <= 1000);
	assert_true(units(t) > 900);
	assert_true(valid_utf8(t));
	assert_non_null(strstr(t, "이어지는 내용은"));
	json_decref(j);
	free(text);
}

static void
test_quick_replies_capped_and_labels_short(void **state)
{
	script_qr = 14;
	int st;
	json_t *j = ask(*state, "골라", "user-a", &st);
	json_t *qrs = json_object_get(json_object_get(j, "template"), "quickReplies");
	assert_int_equal(json_array_size(qrs), 10);
	size_t i;
	json_t *q;
	json_array_foreach(qrs, i, q) {
		const char *label = json_string_value(json_object_get(q, "label"));
		assert_non_null(label);
		assert_true(units(label) >= 1 && units(label) <= 14);
		assert_true(valid_utf8(label));
		assert_string_equal(json_string_value(json_object_get(q, "action")), "message");
		assert_non_null(json_string_value(json_object_get(q, "messageText")));
		assert_non_null(json_string_value(
			json_object_get(json_object_get(q, "extra"), "value")));
	}
	/* An account label keeps its number when the name is shortened. */
	const char *first = json_string_value(json_object_get(json_array_get(qrs, 0), "label"));
	assert_non_null(strstr(first, "(3031187)"));
	/* The full label is what the user's bubble shows. */
	assert_string_equal(json_string_value(json_object_get(json_array_get(qrs, 0),
							      "messageText")),
			    "아주아주 긴 광고계정 이름 (3031187)");
	json_decref(j);
}

static void
test_escalation_has_operator_button(void **state)
{
	script_texts[0] = "답변입니다.";
	script_texts[1] = "상담직원에게 연결해 드릴게요.";
	script_n = 2;
	script_escalated = "needs_human";
	script_state = CONV_QUEUED;
	kakao_response r;
	char *b = payload("재발행", "user-a", NULL);
	int st;
	json_t *j = run(*state, NULL, b, &st, &r);
	free(b);
	assert_int_equal(st, 200);
	assert_int_equal(strlen(r.escalated_conversation), 32);
	kakao_response_clear(&r);
	json_t *outs = json_object_get(json_object_get(j, "template"), "outputs");
	assert_int_equal(json_array_size(outs), 2);
	assert_non_null(json_object_get(json_array_get(outs, 0), "simpleText"));
	json_t *card = json_object_get(json_array_get(outs, 1), "textCard");
	assert_non_null(card);
	json_t *btn = json_array_get(json_object_get(card, "buttons"), 0);
	assert_string_equal(json_string_value(json_object_get(btn, "action")), "operator");
	assert_string_equal(json_string_value(json_object_get(btn, "label")), "상담직원 연결");
	json_decref(j);
}

static void
test_for_agent_points_at_agent(void **state)
{
	script_n = 0;
	script_for_agent = 1;
	script_state = CONV_AGENT;
	kakao_response r;
	char *b = payload("여보세요", "user-a", NULL);
	int st;
	json_t *j = run(*state, NULL, b, &st, &r);
	free(b);
	assert_int_equal(st, 200);
	assert_string_equal(r.escalated_conversation, ""); /* not a new escalation */
	kakao_response_clear(&r);
	json_t *outs = json_object_get(json_object_get(j, "template"), "outputs");
	assert_int_equal(json_array_size(outs), 1);
	json_t *card = json_object_get(json_array_get(outs, 0), "textCard");
	assert_non_null(strstr(json_string_value(json_object_get(card, "description")), "상담직원"));
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(card, "buttons"), 0), "action")),
			    "operator");
	json_decref(j);
}

static void
test_rate_limit_per_key(void **state)
{
	cfg.rate_limit_messages = 2;
	int st;
	for (int i = 0; i < 2; i++) {
		json_decref(ask(*state, "안녕", "user-a", &st));
		assert_int_equal(st, 200);
	}
	json_t *j = ask(*state, "안녕", "user-a", &st);
	assert_int_equal(st, 429);
	assert_string_equal(error_code(j), "rate_limited");
	json_decref(j);
	json_decref(ask(*state, "안녕", "user-b", &st));
	assert_int_equal(st, 200);
	/* A flood of other keys neither locks user-b out nor grows anything. */
	for (int i = 0; i < 20000; i++) {
		char key[32];
		snprintf(key, sizeof(key), "flood-%d", i);
		json_decref(ask(*state, "안녕", key, &st));
		assert_int_equal(st, 200);
	}
	json_decref(ask(*state, "안녕", "user-b", &st));
	assert_int_equal(st, 200);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_demo_open_without_secret, setup, teardown),
		cmocka_unit_test_setup_teardown(test_closed_without_secret_outside_demo, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_secret, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_payloads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_long_utterance, setup, teardown),
		cmocka_unit_test_setup_teardown(test_body_over_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_value_from_client_extra, setup, teardown),
		cmocka_unit_test_setup_teardown(test_linked_member, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_change_starts_new_conversation, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_long_text_cut_on_character, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quick_replies_capped_and_labels_short, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_escalation_has_operator_button, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_for_agent_points_at_agent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit_per_key, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
