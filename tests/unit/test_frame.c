/* Unit tests of the frame prologue both WebSocket protocols share
 * (bot/frame.c): the exact reasons clients read, and who owns what. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "chatproto.h"
#include "frame.h"

static char why[256];

/* Expects BUF refused with RC, CODE and the reason WANT, and nothing held. */
static void
refused(const char *buf, bot_err want_rc, const char *want_code, const char *want)
{
	json_t *root = (json_t *)1;
	const char *type = "x", *code = NULL;
	why[0] = 0;
	assert_int_equal(frame_open(buf, strlen(buf), &root, &type, &code, why, sizeof(why)),
			 want_rc);
	assert_string_equal(code, want_code);
	assert_string_equal(why, want);
	assert_null(root);
	assert_null(type);
}

static void
test_open(void **state)
{
	(void)state;
	json_t *root = NULL;
	const char *type = NULL, *code = NULL;
	const char *buf = "{\"type\":\"ping\"}";
	assert_int_equal(frame_open(buf, strlen(buf), &root, &type, &code, why, sizeof(why)),
			 BOT_OK);
	/* One reference, the caller's; TYPE lives inside it. */
	assert_true(json_is_object(root));
	assert_int_equal(root->refcount, 1);
	assert_string_equal(type, "ping");
	assert_ptr_equal(type, json_string_value(json_object_get(root, "type")));
	json_decref(root);
}

static void
test_open_refused(void **state)
{
	(void)state;
	refused("nope", BOT_ERR_PARSE, CHAT_ERR_BAD_JSON,
		"not valid JSON: '[' or '{' expected near 'nope'");
	refused("{\"type\":\"a\",\"type\":\"b\"}", BOT_ERR_PARSE, CHAT_ERR_BAD_JSON,
		"not valid JSON: duplicate object key near '\"type\"'");
	refused("[\"type\"]", BOT_ERR_INVAL, CHAT_ERR_BAD_SHAPE,
		"frame: must be a JSON object with a string \"type\"");
	refused("{}", BOT_ERR_INVAL, CHAT_ERR_BAD_SHAPE,
		"frame: must be a JSON object with a string \"type\"");
	refused("{\"type\":1}", BOT_ERR_INVAL, CHAT_ERR_BAD_SHAPE,
		"frame: must be a JSON object with a string \"type\"");
}

static void
test_refusals(void **state)
{
	(void)state;
	const char *code = NULL;
	assert_int_equal(frame_bad_shape("message", "text is empty", &code, why, sizeof(why)),
			 BOT_ERR_INVAL);
	assert_string_equal(code, CHAT_ERR_BAD_SHAPE);
	assert_string_equal(why, "message frame: text is empty");

	assert_int_equal(frame_unknown_type("poke", &code, why, sizeof(why)), BOT_ERR_INVAL);
	assert_string_equal(code, CHAT_ERR_UNKNOWN_TYPE);
	assert_string_equal(why, "unknown frame type \"poke\"");

	/* A long type is cut to 40 bytes; a short buffer is cut and terminated. */
	char type[100];
	memset(type, 'x', sizeof(type) - 1);
	type[sizeof(type) - 1] = 0;
	frame_unknown_type(type, &code, why, sizeof(why));
	assert_int_equal(strlen(why), strlen("unknown frame type \"\"") + 40);
	char small[8];
	frame_bad_shape(type, "detail", &code, small, sizeof(small));
	assert_string_equal(small, "xxxxxxx");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_open_refused),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
