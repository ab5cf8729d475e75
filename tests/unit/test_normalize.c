/* Unit tests of text normalisation (bot/normalize.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "normalize.h"

/* Normalises S (LEN bytes, or strlen when LEN is -1) into a fresh buffer and
 * compares with WANT. */
static void
check_len(const char *s, long len, const char *want)
{
	norm_buf b = {0};

	assert_int_equal(normalize_text(s, len < 0 ? strlen(s) : (size_t)len, &b), BOT_OK);
	assert_string_equal(b.data, want);
	assert_int_equal(b.len, strlen(want));
	norm_buf_free(&b);
}

static void
check(const char *s, const char *want)
{
	check_len(s, -1, want);
}

static void
test_ascii_fold_and_spaces(void **state)
{
	check("Free CASH  Balance", "free cash balance");
	check("  \t hello\n\nworld \r\n", "hello world");
	check("", "");
	check("   \t\n ", "");
}

static void
test_korean_fast_path(void **state)
{
	check("무상캐시  얼마 남았나요?", "무상캐시 얼마 남았나요?");
	check("세금계산서 발행실패", "세금계산서 발행실패");
}

static void
test_nfkc(void **state)
{
	/* full-width digits, letters and the ideographic space */
	check("\xEF\xBC\x91\xEF\xBC\x90\xEC\x9B\x94", "10월");
	check("\xEF\xBD\x86\xEF\xBD\x92\xEF\xBD\x85\xEF\xBD\x85\xE3\x80\x80\xEF\xBC\xA3\xEF\xBC\xA1"
	      "\xEF\xBC\xB3\xEF\xBC\xA8",
	      "free cash");
	/* no-break space collapses like any space */
	check("a\xC2\xA0\xC2\xA0"
	      "b",
	      "a b");
	/* Latin with accents is composed and folded: "ÉTÉ" */
	check("E\xCC\x81T\xC3\x89", "\xC3\xA9t\xC3\xA9");
}

static void
test_nfd_jamo(void **state)
{
	/* "무상캐시" typed as conjoining jamo (NFD) */
	const char *nfd = "\xE1\x84\x86\xE1\x85\xAE\xE1\x84\x89\xE1\x85\xA1\xE1\x86\xBC"
			  "\xE1\x84\x8F\xE1\x85\xA2\xE1\x84\x89\xE1\x85\xB5";

	check(nfd, "무상캐시");
	/* a precomposed LV syllable followed by a trailing consonant jamo */
	check("\xEC\x83\x81", "상");
	check("\xEC\x82\xAC\xE1\x86\xBC", "상");
}

static void
test_zero_width_and_controls(void **state)
{
	check("무상\xE2\x80\x8B캐시", "무상캐시");     /* U+200B */
	check("무\xE2\x80\x8C상\xE2\x80\x8D캐시", "무상캐시"); /* U+200C, U+200D */
	check("\xEF\xBB\xBF"
	      "hello\xE2\x81\xA0",
	      "hello"); /* BOM, U+2060 */
	check("a\x01\x02"
	      "b\x7F"
	      "c",
	      "abc");
	check("a\xC2\x85"
	      "b",
	      "a b"); /* NEL is a line break */
}

static void
test_invalid_utf8(void **state)
{
	/* each bad byte becomes U+FFFD; nothing is read past LEN */
	check("a\xFF"
	      "b",
	      "a\xEF\xBF\xBD"
	      "b");
	check("\xC3", "\xEF\xBF\xBD");
	check("\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); /* a surrogate */
	check_len("\xEB\xAC\xB4\xEC\x83\x81", 4, "무\xEF\xBF\xBD"); /* cut mid-character */
}

static void
test_buffer_reuse(void **state)
{
	norm_buf b = {0};
	char *data;
	size_t cap;

	assert_int_equal(normalize_text("첫 번째 메시지", strlen("첫 번째 메시지"), &b), BOT_OK);
	data = b.data;
	cap = b.cap;
	assert_int_equal(normalize_text("두번째", strlen("두번째"), &b), BOT_OK);
	assert_ptr_equal(b.data, data);
	assert_int_equal(b.cap, cap);
	assert_string_equal(b.data, "두번째");
	norm_buf_free(&b);
	assert_null(b.data);
}

static void
test_big_input(void **state)
{
	size_t n = 64 * 1024, i;
	char *s = malloc(n);
	norm_buf b = {0};

	assert_non_null(s);
	for (i = 0; i < n; i++)
		s[i] = (char)(i % 7 == 0 ? ' ' : 'A' + i % 26);
	assert_int_equal(normalize_text(s, n, &b), BOT_OK);
	assert_true(b.len > 0 && b.len <= n);
	assert_int_equal(strlen(b.data), b.len);
	/* the same with text that takes the general path */
	for (i = 0; i + 3 <= n; i += 3)
		memcpy(s + i, "\xEF\xBC\x91", 3);
	s[n - 1] = ' '; /* 64 KiB is not a multiple of 3 */
	assert_int_equal(normalize_text(s, n, &b), BOT_OK);
	assert_int_equal(b.len, n / 3);
	norm_buf_free(&b);
	free(s);
}

static void
test_lang(void **state)
{
	assert_string_equal(normalize_lang("hello", 5), "en");
	assert_string_equal(normalize_lang("hi 무상캐시", strlen("hi 무상캐시")), "ko");
	assert_string_equal(normalize_lang("\xE1\x84\x86", 3), "ko");
	assert_string_equal(normalize_lang("\xFF\xFE", 2), "en");
	assert_string_equal(normalize_lang(NULL, 0), "en");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii_fold_and_spaces),
		cmocka_unit_test(test_korean_fast_path),
		cmocka_unit_test(test_nfkc),
		cmocka_unit_test(test_nfd_jamo),
		cmocka_unit_test(test_zero_width_and_controls),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_buffer_reuse),
		cmocka_unit_test(test_big_input),
		cmocka_unit_test(test_lang),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
