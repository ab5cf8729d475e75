/* Unit tests of the customer chat protocol parser (bot/chatproto.c): every
 * frame type valid and invalid, and the error codes returned. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "chatproto.h"

static char why[256];

/* Parses the LEN bytes of BUF; expects success. The frame must be cleared. */
static void
ok_len(const char *buf, size_t len, chat_frame *f)
{
	const char *code = NULL;
	why[0] = 0;
	bot_err rc = chatproto_parse(buf, len, f, &code, why, sizeof(why));
	if (rc != BOT_OK)
		fail_msg("refused (%d %s: %s): %.200s", rc, code ? code : "-", why, buf);
	assert_non_null(f->root);
}

static void
ok(const char *buf, chat_frame *f)
{
	ok_len(buf, strlen(buf), f);
}

/* Expects BUF refused with RC and CODE, a reason, and a cleared frame. */
static void
bad_len(const char *buf, size_t len, bot_err want_rc, const char *want_code)
{
	chat_frame f;
	const char *code = NULL;
	why[0] = 0;
	bot_err rc = chatproto_parse(buf, len, &f, &code, why, sizeof(why));
	if (rc != want_rc || !code || strcmp(code, want_code))
		fail_msg("want %d %s, got %d %s (%s): %.200s", want_rc, want_code, rc,
			 code ? code : "-", why, buf);
	assert_true(why[0] != 0);
	assert_null(f.root);
	assert_null(f.text);
	assert_null(f.id);
	assert_null(f.token);
}

static void
bad(const char *buf, const char *want_code)
{
	bot_err want_rc = strcmp(want_code, CHAT_ERR_BAD_JSON) ? BOT_ERR_INVAL : BOT_ERR_PARSE;
	bad_len(buf, strlen(buf), want_rc, want_code);
}

static void
test_hello(void **state)
{
	(void)state;
	chat_frame f;
	ok("{\"type\":\"hello\",\"token\":\"abc.def.ghi\"}", &f);
	assert_int_equal(f.type, CHAT_HELLO);
	assert_string_equal(f.token, "abc.def.ghi");
	assert_false(f.has_resume);
	chat_frame_clear(&f);
	assert_null(f.root);

	ok("{\"type\":\"hello\",\"token\":\"t\",\"resume\":{\"conversation\":\"5f0c\","
	   "\"after_seq\":3}}",
	   &f);
	assert_true(f.has_resume);
	assert_string_equal(f.resume_conversation, "5f0c");
	assert_int_equal(f.resume_after_seq, 3);
	chat_frame_clear(&f);

	ok("{\"type\":\"hello\",\"token\":\"t\",\"resume\":{\"conversation\":\"c\"}}", &f);
	assert_true(f.has_resume);
	assert_int_equal(f.resume_after_seq, 0);
	chat_frame_clear(&f);

	ok("{\"type\":\"hello\",\"token\":\"t\",\"resume\":null,\"lang\":\"en\"}", &f);
	assert_false(f.has_resume);
	chat_frame_clear(&f);

	/* Large seqs are kept whole (64 bits). */
	ok("{\"type\":\"hello\",\"token\":\"t\",\"resume\":{\"conversation\":\"c\","
	   "\"after_seq\":5000000000}}",
	   &f);
	assert_int_equal(f.resume_after_seq, 5000000000LL);
	chat_frame_clear(&f);

	bad("{\"type\":\"hello\"}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"hello\",\"token\":null}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"hello\",\"token\":7}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"hello\",\"token\":\"t\",\"extra\":1}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"hello\",\"token\":\"t\",\"lang\":1}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"hello\",\"token\":\"t\",\"resume\":\"c\"}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"hello\",\"token\":\"t\",\"resume\":{}}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"hello\",\"token\":\"t\",\"resume\":{\"conversation\":5}}",
	    CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"hello\",\"token\":\"t\",\"resume\":{\"conversation\":\"c\","
	    "\"after_seq\":-1}}",
	    CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"hello\",\"token\":\"t\",\"resume\":{\"conversation\":\"c\","
	    "\"after_seq\":\"3\"}}",
	    CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"hello\",\"token\":\"t\",\"resume\":{\"conversation\":\"c\","
	    "\"after_seq\":1.5}}",
	    CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"hello\",\"token\":\"t\",\"resume\":{\"conversation\":\"c\",\"x\":1}}",
	    CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"hello\",\"token\":\"t\",\"token\":\"u\"}", CHAT_ERR_BAD_JSON);
}

static void
test_message(void **state)
{
	(void)state;
	chat_frame f;
	ok("{\"type\":\"message\",\"id\":\"c-17\",\"text\":\"무상캐시 얼마 남았나요?\"}", &f);
	assert_int_equal(f.type, CHAT_MESSAGE);
	assert_string_equal(f.id, "c-17");
	assert_string_equal(f.text, "무상캐시 얼마 남았나요?");
	assert_int_equal(f.text_len, strlen("무상캐시 얼마 남았나요?"));
	assert_null(f.value);
	chat_frame_clear(&f);

	ok("{\"type\":\"message\",\"id\":\"c-18\",\"text\":\"민준상회\",\"value\":\"account:101\"}",
	   &f);
	assert_string_equal(f.value, "account:101");
	chat_frame_clear(&f);

	/* Text of exactly 4096 bytes passes; a 64-character id passes. */
	char buf[8192];
	char text[4200];
	memset(text, 'a', 4096);
	text[4096] = 0;
	snprintf(buf, sizeof(buf),
		 "{\"type\":\"message\",\"id\":\"%s\",\"text\":\"%s\"}",
		 "0123456789012345678901234567890123456789012345678901234567890123", text);
	ok(buf, &f);
	assert_int_equal(f.text_len, 4096);
	chat_frame_clear(&f);

	/* 4096 bytes counted in bytes, not characters: 1366 Hangul = 4098 bytes. */
	text[0] = 0;
	for (int i = 0; i < 1366; i++)
		strcat(text, "가");
	snprintf(buf, sizeof(buf), "{\"type\":\"message\",\"id\":\"x\",\"text\":\"%s\"}", text);
	bad(buf, CHAT_ERR_BAD_SHAPE);
	memset(text, 'a', 4097);
	text[4097] = 0;
	snprintf(buf, sizeof(buf), "{\"type\":\"message\",\"id\":\"x\",\"text\":\"%s\"}", text);
	bad(buf, CHAT_ERR_BAD_SHAPE);
	assert_non_null(strstr(why, "4096"));

	/* Text around spaces is kept as sent. */
	ok("{\"type\":\"message\",\"id\":\"x\",\"text\":\"  hi \"}", &f);
	assert_string_equal(f.text, "  hi ");
	chat_frame_clear(&f);
}

static void
test_message_invalid(void **state)
{
	(void)state;
	static const char *const frames[] = {
		"{\"type\":\"message\",\"text\":\"hi\"}",
		"{\"type\":\"message\",\"id\":\"x\"}",
		"{\"type\":\"message\",\"id\":\"x\",\"text\":\"\"}",
		"{\"type\":\"message\",\"id\":\"x\",\"text\":\"   \"}",
		"{\"type\":\"message\",\"id\":\"x\",\"text\":\" \\t\\r\\n \"}",
		"{\"type\":\"message\",\"id\":\"x\",\"text\":7}",
		"{\"type\":\"message\",\"id\":\"x\",\"text\":null}",
		"{\"type\":\"message\",\"id\":\"x\",\"text\":[\"hi\"]}",
		"{\"type\":\"message\",\"id\":\"x\",\"text\":{\"t\":\"hi\"}}",
		"{\"type\":\"message\",\"id\":\"x\",\"text\":true}",
		"{\"type\":\"message\",\"id\":7,\"text\":\"hi\"}",
		"{\"type\":\"message\",\"id\":null,\"text\":\"hi\"}",
		"{\"type\":\"message\",\"id\":\"\",\"text\":\"hi\"}",
		"{\"type\":\"message\",\"id\":\"a b\",\"text\":\"hi\"}",
		"{\"type\":\"message\",\"id\":\"a\\nb\",\"text\":\"hi\"}",
		"{\"type\":\"message\",\"id\":\"a\\u007f\",\"text\":\"hi\"}",
		"{\"type\":\"message\",\"id\":\"아이디\",\"text\":\"hi\"}",
		("{\"type\":\"message\",\"id\":\"01234567890123456789012345678901234567890123456789"
		 "012345678901234\",\"text\":\"hi\"}"), /* 65 */
		"{\"type\":\"message\",\"id\":\"x\",\"text\":\"hi\",\"value\":7}",
		"{\"type\":\"message\",\"id\":\"x\",\"text\":\"hi\",\"value\":null}",
		"{\"type\":\"message\",\"id\":\"x\",\"text\":\"hi\",\"extra\":1}",
		"{\"type\":\"message\",\"id\":\"x\",\"text\":\"hi\",\"seq\":1}",
	};
	for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++)
		bad(frames[i], CHAT_ERR_BAD_SHAPE);

	/* NUL in text: jansson refuses \u0000 at parse time (no JSON_ALLOW_NUL). */
	bad("{\"type\":\"message\",\"id\":\"x\",\"text\":\"a\\u0000b\"}", CHAT_ERR_BAD_JSON);
	bad("{\"type\":\"message\",\"id\":\"x\",\"text\":\"\\u0000\"}", CHAT_ERR_BAD_JSON);

	/* A value over 128 bytes. */
	char buf[512], value[200];
	memset(value, 'v', 129);
	value[129] = 0;
	snprintf(buf, sizeof(buf), "{\"type\":\"message\",\"id\":\"x\",\"text\":\"hi\",\"value\":\"%s\"}",
		 value);
	bad(buf, CHAT_ERR_BAD_SHAPE);
	value[128] = 0;
	snprintf(buf, sizeof(buf), "{\"type\":\"message\",\"id\":\"x\",\"text\":\"hi\",\"value\":\"%s\"}",
		 value);
	chat_frame f;
	ok(buf, &f);
	chat_frame_clear(&f);
}

static void
test_typing_rating_ping(void **state)
{
	(void)state;
	chat_frame f;
	ok("{\"type\":\"typing\",\"on\":true}", &f);
	assert_int_equal(f.type, CHAT_TYPING);
	assert_true(f.typing_on);
	chat_frame_clear(&f);
	ok("{\"type\":\"typing\",\"on\":false}", &f);
	assert_false(f.typing_on);
	chat_frame_clear(&f);
	bad("{\"type\":\"typing\"}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"typing\",\"on\":1}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"typing\",\"on\":\"true\"}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"typing\",\"on\":true,\"x\":1}", CHAT_ERR_BAD_SHAPE);

	for (int s = 1; s <= 5; s++) {
		char buf[64];
		snprintf(buf, sizeof(buf), "{\"type\":\"rating\",\"score\":%d}", s);
		ok(buf, &f);
		assert_int_equal(f.type, CHAT_RATING);
		assert_int_equal(f.rating, s);
		chat_frame_clear(&f);
	}
	bad("{\"type\":\"rating\",\"score\":0}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"rating\",\"score\":6}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"rating\",\"score\":-1}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"rating\",\"score\":4.5}", CHAT_ERR_BAD_SHAPE);
	/* Large numbers must not wrap into 1..5. */
	bad("{\"type\":\"rating\",\"score\":4294967297}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"rating\",\"score\":-4294967291}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"rating\",\"score\":\"5\"}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"rating\"}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":\"rating\",\"score\":5,\"comment\":\"x\"}", CHAT_ERR_BAD_SHAPE);

	ok("{\"type\":\"ping\"}", &f);
	assert_int_equal(f.type, CHAT_PING);
	chat_frame_clear(&f);
	ok(" \n{ \"type\" : \"ping\" }\n ", &f);
	chat_frame_clear(&f);
	bad("{\"type\":\"ping\",\"x\":1}", CHAT_ERR_BAD_SHAPE);
}

static void
test_bad_json_and_types(void **state)
{
	(void)state;
	bad("", CHAT_ERR_BAD_JSON);
	bad("{", CHAT_ERR_BAD_JSON);
	bad("not json", CHAT_ERR_BAD_JSON);
	bad("{\"type\":\"ping\"} {}", CHAT_ERR_BAD_JSON);
	bad("{'type':'ping'}", CHAT_ERR_BAD_JSON);
	/* Invalid UTF-8 inside a string. */
	bad("{\"type\":\"message\",\"id\":\"x\",\"text\":\"\xff\xfe\"}", CHAT_ERR_BAD_JSON);
	/* Duplicate keys are refused, so a second "text" cannot hide behind the first. */
	bad("{\"type\":\"message\",\"id\":\"x\",\"text\":\"a\",\"text\":\"b\"}", CHAT_ERR_BAD_JSON);
	/* Only LEN bytes are read: a valid frame cut short is bad JSON. */
	const char *frame = "{\"type\":\"ping\"}";
	bad_len(frame, strlen(frame) - 1, BOT_ERR_PARSE, CHAT_ERR_BAD_JSON);
	/* ... and a valid prefix of a longer buffer is fine. */
	chat_frame f;
	ok_len("{\"type\":\"ping\"}garbage", strlen(frame), &f);
	chat_frame_clear(&f);
	/* A NUL byte in the buffer. */
	bad_len("{\"type\":\"ping\"}\0", strlen(frame) + 1, BOT_ERR_PARSE, CHAT_ERR_BAD_JSON);

	/* Top-level non-objects never decode (no JSON_DECODE_ANY)... */
	bad("\"ping\"", CHAT_ERR_BAD_JSON);
	bad("42", CHAT_ERR_BAD_JSON);
	bad("null", CHAT_ERR_BAD_JSON);
	/* ... arrays do, and are the wrong shape. */
	bad("[]", CHAT_ERR_BAD_SHAPE);
	bad("[{\"type\":\"ping\"}]", CHAT_ERR_BAD_SHAPE);
	bad("{}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":7}", CHAT_ERR_BAD_SHAPE);
	bad("{\"type\":null}", CHAT_ERR_BAD_SHAPE);
	bad("{\"Type\":\"ping\"}", CHAT_ERR_BAD_SHAPE);

	bad("{\"type\":\"pong\"}", CHAT_ERR_UNKNOWN_TYPE);
	bad("{\"type\":\"\"}", CHAT_ERR_UNKNOWN_TYPE);
	bad("{\"type\":\"PING\"}", CHAT_ERR_UNKNOWN_TYPE);
	bad("{\"type\":\"claim\",\"conversation\":\"x\"}", CHAT_ERR_UNKNOWN_TYPE);
	/* The reason quotes a long type only in part. */
	char buf[600], t[500];
	memset(t, 'z', 499);
	t[499] = 0;
	snprintf(buf, sizeof(buf), "{\"type\":\"%s\"}", t);
	bad(buf, CHAT_ERR_UNKNOWN_TYPE);
	assert_true(strlen(why) < 100);
}

static void
test_reason_truncated_safely(void **state)
{
	(void)state;
	chat_frame f;
	const char *code = NULL;
	char small[8];
	assert_int_equal(chatproto_parse("{\"type\":\"typing\"}", 17, &f, &code, small,
					 sizeof(small)),
			 BOT_ERR_INVAL);
	assert_string_equal(code, CHAT_ERR_BAD_SHAPE);
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

static void
test_client_id_ok(void **state)
{
	(void)state;
	assert_true(chatproto_client_id_ok("a"));
	assert_true(chatproto_client_id_ok("c-17"));
	assert_true(chatproto_client_id_ok("!~{}\"\\"));
	char id[80];
	memset(id, 'x', 64);
	id[64] = 0;
	assert_true(chatproto_client_id_ok(id));
	id[64] = 'x';
	id[65] = 0;
	assert_false(chatproto_client_id_ok(id));
	assert_false(chatproto_client_id_ok(""));
	assert_false(chatproto_client_id_ok(" "));
	assert_false(chatproto_client_id_ok("a b"));
	assert_false(chatproto_client_id_ok("a\tb"));
	assert_false(chatproto_client_id_ok("\x7f"));
	assert_false(chatproto_client_id_ok("\xc3\xa9"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello),
		cmocka_unit_test(test_message),
		cmocka_unit_test(test_message_invalid),
		cmocka_unit_test(test_typing_rating_ping),
		cmocka_unit_test(test_bad_json_and_types),
		cmocka_unit_test(test_reason_truncated_safely),
		cmocka_unit_test(test_client_id_ok),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
