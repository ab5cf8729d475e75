/* Unit tests of the growable buffer (bot/core/strbuf.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "strbuf.h"

static void
test_append_grows_and_terminates(void **state)
{
	(void)state;
	strbuf b = {0};
	assert_int_equal(strbuf_append(&b, "ab", 2), BOT_OK);
	assert_int_equal(b.len, 2);
	assert_string_equal(b.data, "ab");
	/* Past the first allocation: the bytes stay and the NUL follows. */
	char big[1000];
	memset(big, 'z', sizeof(big));
	assert_int_equal(strbuf_append(&b, big, sizeof(big)), BOT_OK);
	assert_int_equal(b.len, 1002);
	assert_int_equal(b.data[1002], 0);
	assert_int_equal(b.data[1], 'b');
	assert_int_equal(b.data[2], 'z');
	assert_true(b.cap >= 1003);
	assert_int_equal(strbuf_printf(&b, "-%d-%s", 42, "x"), BOT_OK);
	assert_string_equal(b.data + 1002, "-42-x");
	assert_int_equal(strbuf_puts(&b, "!"), BOT_OK);
	assert_int_equal(b.len, 1008);
	/* Reset keeps the memory; take hands it over and leaves B empty. */
	size_t cap = b.cap;
	strbuf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_int_equal(b.cap, cap);
	assert_int_equal(strbuf_puts(&b, "again"), BOT_OK);
	char *s = strbuf_take(&b);
	assert_string_equal(s, "again");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	free(s);
	assert_null(strbuf_take(&b)); /* nothing appended: nothing to hand over */
	strbuf_free(&b);
}

static void
test_limit_fails_and_sticks(void **state)
{
	(void)state;
	strbuf b = {.limit = 8};
	assert_int_equal(strbuf_append(&b, "12345678", 8), BOT_OK);
	assert_int_equal(strbuf_append(&b, "9", 1), BOT_ERR_LIMIT);
	assert_true(b.failed);
	assert_int_equal(b.len, 8);                                /* what it held stays */
	assert_int_equal(strbuf_append(&b, "", 0), BOT_ERR_NOMEM); /* failed: no-op */
	assert_null(strbuf_take(&b)); /* a failed buffer hands nothing over */
	assert_int_equal(b.limit, 8);
	assert_false(b.failed);
	assert_int_equal(strbuf_printf(&b, "%s", "123456789"), BOT_ERR_LIMIT);
	strbuf_reset(&b);
	assert_false(b.failed);
	assert_int_equal(strbuf_printf(&b, "%d", 1234), BOT_OK);
	assert_string_equal(b.data, "1234");
	strbuf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_append_grows_and_terminates),
	    cmocka_unit_test(test_limit_fails_and_sticks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
