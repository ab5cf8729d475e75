/* Unit tests of the agent console protocol parser (bot/agentproto.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "agentproto.h"
#include "chatproto.h"

#define CONV "0123456789abcdef0123456789abcdef"

static char why[256];

static void
ok(const char *buf, agent_frame *f)
{
	const char *code = NULL;
	why[0] = 0;
	bot_err rc = agentproto_parse(buf, strlen(buf), f, &code, why, sizeof(why));
	if (rc != BOT_OK)
		fail_msg("refused (%d %s: %s): %.200s", rc, code ? code : "-", why, buf);
	assert_non_null(f->root);
}

static void
bad(const char *buf, const char *want_code)
{
	bot_err want_rc = strcmp(want_code, CHAT_ERR_BAD_JSON) ? BOT_ERR_INVAL : BOT_ERR_PARSE;
	agent_frame f;
	const char *code = NULL;
	why[0] = 0;
	bot_err rc = agentproto_parse(buf, strlen(buf), &f, &code, why, sizeof(why));
	if (rc != want_rc || !code || strcmp(code, want_code))
		fail_msg("want %d %s, got %d %s (%s): %.200s", want_rc, want_code, rc,
			 code ? code : "-", why, buf);
	assert_true(why[0] != 0);
	assert_null(f.root);
	assert_null(f.conversation);
	assert_null(f.text);
	assert_null(f.token);
}

static void
test_hello_ping(void **state)
{
	(void)state;
	agent_frame f;
	ok("{\"type\":\"hello\",\"token\":\"a.b.c\"}", &f);
	assert_int_equal(f.type, AGENT_HELLO);
	assert_string_equal(f.token, "a.b.c");
	assert_null(f.conversation);
	agent_frame_clear(&f);
	assert_null(f.root);
	ok("{\"type\":\"ping\"}", &f);
	assert_int_equal(f.type, AGENT_PING);
	agent_frame_clear(&f);

	bad("{\"type\":\"hello\"}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"hello\",\"token\":1}", CHAT_ERR_BAD_SHAPE);
	/* The customer hello's resume is not part of the agent hello. */
	bad("{\"type\":\"hello\",\"token\":\"t\",\"resume\":null}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"hello\",\"token\":\"t\",\"lang\":\"ko\"}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"ping\",\"conversation\":\"" CONV "\"}", CHAT_ERR_BAD_SHAPE);
}

static void
test_claim_resolve(void **state)
{
	(void)state;
	agent_frame f;
	ok("{\"type\":\"claim\",\"conversation\":\"" CONV "\"}", &f);
	assert_int_equal(f.type, AGENT_CLAIM);
	assert_string_equal(f.conversation, CONV);
	agent_frame_clear(&f);
	ok("{\"type\":\"resolve\",\"conversation\":\"" CONV "\"}", &f);
	assert_int_equal(f.type, AGENT_RESOLVE);
	assert_string_equal(f.conversation, CONV);
	agent_frame_clear(&f);

	bad("{\"type\":\"claim\"}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"claim\",\"conversation\":null}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"claim\",\"conversation\":12}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"resolve\",\"conversation\":\"" CONV "\",\"note\":\"x\"}",
	    CHAT_ERR_BAD_SHAPE);
}

static void
test_bad_conversation_ids(void **state)
{
	(void)state;
	static const char *const ids[] = {
		"",
		"5f0c",
		"0123456789abcdef0123456789abcde",   /* 31 */
		"0123456789abcdef0123456789abcdef0", /* 33 */
		"0123456789ABCDEF0123456789ABCDEF",  /* upper case */
		"0123456789abcdef0123456789abcdeg",
		"0123456789abcdef 123456789abcdef",
		"../../../../../../../etc/passwd..",
		"0123456789abcdef0123456789abcd'--",
	};
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		char buf[256];
		static const char *const fmts[] = {
			"{\"type\":\"claim\",\"conversation\":\"%s\"}",
			"{\"type\":\"resolve\",\"conversation\":\"%s\"}",
			"{\"type\":\"message\",\"conversation\":\"%s\",\"id\":\"a\",\"text\":\"t\"}",
			"{\"type\":\"note\",\"conversation\":\"%s\",\"text\":\"t\"}",
			"{\"type\":\"typing\",\"conversation\":\"%s\",\"on\":true}",
			"{\"type\":\"transfer\",\"conversation\":\"%s\",\"to\":null}",
		};
		for (size_t j = 0; j < sizeof(fmts) / sizeof(fmts[0]); j++) {
			snprintf(buf, sizeof(buf), fmts[j], ids[i]);
			bad(buf, CHAT_ERR_BAD_SHAPE);
			assert_non_null(strstr(why, "conversation"));
		}
	}
}

static void
test_message(void **state)
{
	(void)state;
	agent_frame f;
	ok("{\"type\":\"message\",\"conversation\":\"" CONV "\",\"id\":\"a-1\","
	   "\"text\":\"확인해 드릴게요.\"}",
	   &f);
	assert_int_equal(f.type, AGENT_MESSAGE);
	assert_string_equal(f.conversation, CONV);
	assert_string_equal(f.id, "a-1");
	assert_string_equal(f.text, "확인해 드릴게요.");
	assert_int_equal(f.text_len, strlen("확인해 드릴게요."));
	agent_frame_clear(&f);

	char buf[8192], text[4200];
	memset(text, 'a', 4096);
	text[4096] = 0;
	snprintf(buf, sizeof(buf),
		 "{\"type\":\"message\",\"conversation\":\"" CONV "\",\"id\":\"a\",\"text\":\"%s\"}",
		 text);
	ok(buf, &f);
	assert_int_equal(f.text_len, 4096);
	agent_frame_clear(&f);
	text[4096] = 'a';
	text[4097] = 0;
	snprintf(buf, sizeof(buf),
		 "{\"type\":\"message\",\"conversation\":\"" CONV "\",\"id\":\"a\",\"text\":\"%s\"}",
		 text);
	bad(buf, CHAT_ERR_BAD_SHAPE);

	static const char *const frames[] = {
		"{\"type\":\"message\",\"conversation\":\"" CONV "\",\"text\":\"t\"}",
		"{\"type\":\"message\",\"conversation\":\"" CONV "\",\"id\":\"a\"}",
		"{\"type\":\"message\",\"id\":\"a\",\"text\":\"t\"}",
		"{\"type\":\"message\",\"conversation\":\"" CONV "\",\"id\":\"a\",\"text\":\"\"}",
		"{\"type\":\"message\",\"conversation\":\"" CONV "\",\"id\":\"a\",\"text\":\" \\n\\t\"}",
		"{\"type\":\"message\",\"conversation\":\"" CONV "\",\"id\":\"a\",\"text\":5}",
		"{\"type\":\"message\",\"conversation\":\"" CONV "\",\"id\":\"a\",\"text\":null}",
		"{\"type\":\"message\",\"conversation\":\"" CONV "\",\"id\":\"a\",\"text\":[]}",
		"{\"type\":\"message\",\"conversation\":\"" CONV "\",\"id\":\"\",\"text\":\"t\"}",
		"{\"type\":\"message\",\"conversation\":\"" CONV "\",\"id\":\"a b\",\"text\":\"t\"}",
		"{\"type\":\"message\",\"conversation\":\"" CONV "\",\"id\":3,\"text\":\"t\"}",
		"{\"type\":\"message\",\"conversation\":\"" CONV "\",\"id\":\"a\",\"text\":\"t\","
		"\"value\":\"x\"}",
	};
	for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++)
		bad(frames[i], CHAT_ERR_BAD_SHAPE);
	/* A 65-character id. */
	char id[70];
	memset(id, 'i', 65);
	id[65] = 0;
	snprintf(buf, sizeof(buf),
		 "{\"type\":\"message\",\"conversation\":\"" CONV "\",\"id\":\"%s\",\"text\":\"t\"}",
		 id);
	bad(buf, CHAT_ERR_BAD_SHAPE);
	/* NUL is refused by the JSON parser itself. */
	bad("{\"type\":\"message\",\"conversation\":\"" CONV "\",\"id\":\"a\",\"text\":\"a\\u0000\"}",
	    CHAT_ERR_BAD_JSON);
}

static void
test_note_typing(void **state)
{
	(void)state;
	agent_frame f;
	ok("{\"type\":\"note\",\"conversation\":\"" CONV "\",\"text\":\"서류 확인 필요\"}", &f);
	assert_int_equal(f.type, AGENT_NOTE);
	assert_string_equal(f.text, "서류 확인 필요");
	assert_null(f.id);
	agent_frame_clear(&f);
	bad("{\"type\":\"note\",\"conversation\":\"" CONV "\"}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"note\",\"conversation\":\"" CONV "\",\"text\":\"  \"}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"note\",\"conversation\":\"" CONV "\",\"text\":1}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"note\",\"conversation\":\"" CONV "\",\"text\":\"x\",\"id\":\"a\"}",
	    CHAT_ERR_BAD_SHAPE);
	char buf[8192], text[4200];
	memset(text, 'n', 4097);
	text[4097] = 0;
	snprintf(buf, sizeof(buf), "{\"type\":\"note\",\"conversation\":\"" CONV "\",\"text\":\"%s\"}",
		 text);
	bad(buf, CHAT_ERR_BAD_SHAPE);

	ok("{\"type\":\"typing\",\"conversation\":\"" CONV "\",\"on\":true}", &f);
	assert_int_equal(f.type, AGENT_TYPING);
	assert_true(f.typing_on);
	agent_frame_clear(&f);
	ok("{\"type\":\"typing\",\"conversation\":\"" CONV "\",\"on\":false}", &f);
	assert_false(f.typing_on);
	agent_frame_clear(&f);
	bad("{\"type\":\"typing\",\"conversation\":\"" CONV "\"}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"typing\",\"conversation\":\"" CONV "\",\"on\":0}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"typing\",\"on\":true}", CHAT_ERR_BAD_SHAPE);
}

static void
test_transfer(void **state)
{
	(void)state;
	agent_frame f;
	ok("{\"type\":\"transfer\",\"conversation\":\"" CONV "\",\"to\":2}", &f);
	assert_int_equal(f.type, AGENT_TRANSFER);
	assert_int_equal(f.to_agent, 2);
	agent_frame_clear(&f);
	ok("{\"type\":\"transfer\",\"conversation\":\"" CONV "\",\"to\":null}", &f);
	assert_int_equal(f.to_agent, 0);
	agent_frame_clear(&f);
	ok("{\"type\":\"transfer\",\"conversation\":\"" CONV "\",\"to\":5000000000}", &f);
	assert_int_equal(f.to_agent, 5000000000LL);
	agent_frame_clear(&f);

	static const char *const tos[] = {"\"2\"", "0", "-1", "1.5", "true", "false",
					  "[2]", "{\"id\":2}", "\"\""};
	for (size_t i = 0; i < sizeof(tos) / sizeof(tos[0]); i++) {
		char buf[256];
		snprintf(buf, sizeof(buf),
			 "{\"type\":\"transfer\",\"conversation\":\"" CONV "\",\"to\":%s}", tos[i]);
		bad(buf, CHAT_ERR_BAD_SHAPE);
		assert_non_null(strstr(why, "transfer"));
	}
	/* "to" is required: null must be said, not implied. */
	bad("{\"type\":\"transfer\",\"conversation\":\"" CONV "\"}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"transfer\",\"conversation\":\"" CONV "\",\"to\":2,\"x\":1}",
	    CHAT_ERR_BAD_SHAPE);
}

static void
test_bad_json_and_types(void **state)
{
	(void)state;
	bad("", CHAT_ERR_BAD_JSON);
	bad("{", CHAT_ERR_BAD_JSON);
	bad("claim", CHAT_ERR_BAD_JSON);
	bad("{\"type\":\"claim\",\"type\":\"resolve\",\"conversation\":\"" CONV "\"}",
	    CHAT_ERR_BAD_JSON);
	bad("{\"type\":\"note\",\"conversation\":\"" CONV "\",\"text\":\"\xc3\x28\"}",
	    CHAT_ERR_BAD_JSON);
	bad("[]", CHAT_ERR_BAD_SHAPE);
	bad("{}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":1}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":[\"claim\"]}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"rating\",\"score\":5}", CHAT_ERR_UNKNOWN_TYPE);
	bad("{\"type\":\"Claim\",\"conversation\":\"" CONV "\"}", CHAT_ERR_UNKNOWN_TYPE);
	bad("{\"type\":\"\"}", CHAT_ERR_UNKNOWN_TYPE);
	bad("{\"type\":\"c\"}", CHAT_ERR_UNKNOWN_TYPE);
	bad("{\"type\":\"r\"}", CHAT_ERR_UNKNOWN_TYPE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_ping),
		cmocka_unit_test(test_claim_resolve),
		cmocka_unit_test(test_bad_conversation_ids),
		cmocka_unit_test(test_message),
		cmocka_unit_test(test_note_typing),
		cmocka_unit_test(test_transfer),
		cmocka_unit_test(test_bad_json_and_types),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
