/* Unit tests of the chat's server frames (bot/proto/chatsend.c): each
 * builder's shape, as PROTOCOL.md gives it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "unit_helpers.h"

#include "chatproto.h"
#include "chatsend.h"

/* 2026-03-02 01:00:42 UTC. */
#define T0 ((time_t)1772413242)

static void
test_error_frame(void **state)
{
	(void)state;
	char *s = chatsend_error(CHAT_ERR_BAD_SHAPE, "message frame: \"text\" is empty\n");
	assert_non_null(s);
	json_error_t jerr;
	json_t *o = json_loads(s, 0, &jerr);
	assert_non_null(o);
	assert_int_equal(json_object_size(o), 3);
	assert_string_equal(json_string_value(json_object_get(o, "type")), "error");
	assert_string_equal(json_string_value(json_object_get(o, "code")), "bad_shape");
	assert_string_equal(json_string_value(json_object_get(o, "message")),
	                    "message frame: \"text\" is empty\n");
	assert_null(strchr(s, '\n')); /* compact, escaped: one frame, one line */
	json_decref(o);
	free(s);
}

static void
test_welcome_ack_pong(void **state)
{
	(void)state;
	json_t *o =
	    frame(chatsend_welcome("0123456789abcdef0123456789abcdef", 7, CONV_QUEUED, "김민준"));
	assert_string_equal(jstr(o, "type"), "welcome");
	assert_string_equal(jstr(o, "conversation"), "0123456789abcdef0123456789abcdef");
	assert_int_equal(jint(o, "seq"), 7);
	assert_string_equal(jstr(o, "state"), "queued");
	assert_string_equal(jstr(o, "name"), "김민준");
	assert_int_equal(json_object_size(o), 5);
	json_decref(o);

	o = frame(chatsend_ack("c-17", 8, T0));
	assert_string_equal(jstr(o, "type"), "ack");
	assert_string_equal(jstr(o, "id"), "c-17");
	assert_int_equal(jint(o, "seq"), 8);
	assert_string_equal(jstr(o, "at"), "2026-03-02T01:00:42Z");
	assert_int_equal(json_object_size(o), 4);
	json_decref(o);

	char *s = chatsend_pong();
	assert_string_equal(s, "{\"type\":\"pong\"}");
	free(s);
	s = chatsend_resolved();
	assert_string_equal(s, "{\"type\":\"resolved\"}");
	free(s);
}

static void
test_reply_and_echo(void **state)
{
	(void)state;
	json_t *qr = json_pack("[{s:s, s:s}]", "label", "상담직원 연결", "value", "agent");
	chatsend_reply r = {.seq = 9,
	                    .from = "bot",
	                    .text = "답변",
	                    .intent = "free_cash_status",
	                    .quick_replies = qr,
	                    .at = T0};
	/* The key order is the contract's reading order, so it is checked too. */
	char *s = chatsend_reply_frame(&r);
	assert_string_equal(
	    s, "{\"type\":\"reply\",\"seq\":9,\"from\":\"bot\",\"text\":\"답변\","
	       "\"intent\":\"free_cash_status\",\"quick_replies\":[{\"label\":"
	       "\"상담직원 연결\",\"value\":\"agent\"}],\"at\":\"2026-03-02T01:00:42Z\"}");
	free(s);
	/* An agent's reply: a name, no intent (null), no quick replies ([]). */
	r = (chatsend_reply){.seq = 10,
	                     .from = "agent",
	                     .text = "확인해 드릴게요",
	                     .name = "김지수",
	                     .at = T0,
	                     .replay = 1};
	json_t *o = frame(chatsend_reply_frame(&r));
	assert_true(json_is_null(json_object_get(o, "intent")));
	assert_int_equal(json_array_size(json_object_get(o, "quick_replies")), 0);
	assert_string_equal(jstr(o, "name"), "김지수");
	assert_true(json_is_true(json_object_get(o, "replay")));
	json_decref(o);
	/* An empty intent is none too. */
	r.intent = "";
	o = frame(chatsend_reply_frame(&r));
	assert_true(json_is_null(json_object_get(o, "intent")));
	json_decref(o);
	json_decref(qr);

	o = frame(chatsend_echo(3, "무상캐시 얼마?", T0, "c-1"));
	assert_string_equal(jstr(o, "type"), "echo");
	assert_int_equal(jint(o, "seq"), 3);
	assert_string_equal(jstr(o, "text"), "무상캐시 얼마?");
	assert_string_equal(jstr(o, "at"), "2026-03-02T01:00:42Z");
	assert_string_equal(jstr(o, "id"), "c-1");
	assert_true(json_is_true(json_object_get(o, "replay")));
	json_decref(o);
	o = frame(chatsend_echo(4, "no id", T0, NULL));
	assert_null(json_object_get(o, "id"));
	json_decref(o);
}

static void
test_handoff_frames(void **state)
{
	(void)state;
	json_t *o = frame(chatsend_queued(2, 240, 1, 1, 0));
	assert_string_equal(jstr(o, "type"), "queued");
	assert_int_equal(jint(o, "position"), 2);
	assert_int_equal(jint(o, "eta_s"), 240);
	assert_int_equal(jint(o, "agents_online"), 1);
	assert_true(json_is_true(json_object_get(o, "open")));
	assert_null(json_object_get(o, "returns_at"));
	json_decref(o);
	o = frame(chatsend_queued(1, 3600, 0, 0, T0));
	assert_true(json_is_false(json_object_get(o, "open")));
	assert_string_equal(jstr(o, "returns_at"), "2026-03-02T01:00:42Z");
	json_decref(o);

	o = frame(chatsend_agent_joined("김상담"));
	assert_string_equal(jstr(o, "type"), "agent_joined");
	assert_string_equal(jstr(o, "name"), "김상담");
	json_decref(o);
	o = frame(chatsend_typing(1));
	assert_string_equal(jstr(o, "from"), "agent");
	assert_true(json_is_true(json_object_get(o, "on")));
	assert_int_equal(jint(o, "expires_s"), 5);
	json_decref(o);
	o = frame(chatsend_rated(5));
	assert_string_equal(jstr(o, "type"), "rated");
	assert_int_equal(jint(o, "score"), 5);
	json_decref(o);
	o = frame(chatsend_notice("going_away", "the server is restarting"));
	assert_string_equal(jstr(o, "type"), "notice");
	assert_string_equal(jstr(o, "code"), "going_away");
	json_decref(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_error_frame),
	    cmocka_unit_test(test_welcome_ack_pong),
	    cmocka_unit_test(test_reply_and_echo),
	    cmocka_unit_test(test_handoff_frames),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
