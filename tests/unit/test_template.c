/* Unit tests of the answer template language (bot/template.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "template.h"

/* The clock the date tests render against: 2026-11-20 12:00 in Seoul. */
static time_t test_now;

/* Renders TPL against the JSON text DATA; returns the owned result or NULL
 * with *RC set. */
static char *
run(const char *tpl, const char *data, const char *lang, const char *labels, size_t max_rows,
    bot_err *rc)
{
	json_error_t jerr;
	json_t *d = json_loads(data, 0, &jerr);
	assert_non_null(d);
	json_t *l = labels ? json_loads(labels, 0, &jerr) : NULL;
	template_ctx ctx = {lang, l, max_rows, test_now};
	char *out = NULL, err[256];
	*rc = template_render(tpl, d, &ctx, &out, err, sizeof(err));
	json_decref(d);
	json_decref(l);
	return out;
}

static void
expect(const char *tpl, const char *data, const char *lang, const char *want)
{
	bot_err rc;
	char *got = run(tpl, data, lang, NULL, 0, &rc);
	assert_int_equal(rc, BOT_OK);
	assert_string_equal(got, want);
	free(got);
}

static void
expect_err(const char *tpl, const char *data, bot_err want)
{
	bot_err rc;
	char *got = run(tpl, data, "ko", NULL, 0, &rc);
	assert_int_equal(rc, want);
	assert_null(got);
}

static void
test_plain(void **state)
{
	(void)state;
	expect("", "{}", "ko", "");
	expect("안녕하세요", "{}", "ko", "안녕하세요");
	expect("{{a}}-{{ b }}-{{c}}", "{\"a\":\"x\",\"b\":12,\"c\":1.5}", "ko", "x-12-1.50");
	expect("{{! note }}ok", "{}", "ko", "ok");
}

static void
test_money(void **state)
{
	(void)state;
	expect("{{a|won}}", "{\"a\":12300}", "ko", "12,300원");
	expect("{{a|won}}", "{\"a\":12300}", "en", "KRW 12,300");
	expect("{{a|won}}", "{\"a\":0}", "ko", "0원");
	expect("{{a|won}}", "{\"a\":999}", "ko", "999원");
	expect("{{a|won}}", "{\"a\":1000}", "ko", "1,000원");
	expect("{{a|won}}", "{\"a\":-1234567}", "en", "KRW -1,234,567");
	expect("{{a|won}}", "{\"a\":\"50000\"}", "ko", "50,000원");
	expect("{{a|num}}", "{\"a\":1234567}", "ko", "1,234,567");
	expect_err("{{a|won}}", "{\"a\":\"abc\"}", BOT_ERR_TEMPLATE);
}

static void
test_dates(void **state)
{
	(void)state;
	/* Without a clock every date carries its year. 15:30 UTC is 00:30 the
	 * next day in Seoul. */
	test_now = 0;
	expect("{{t|date}}", "{\"t\":\"2026-11-19 15:30:00\"}", "ko", "2026년 11월 20일(금)");
	expect("{{t|date}}", "{\"t\":\"2026-11-19 15:30:00\"}", "en", "Fri, Nov 20, 2026");
	/* In the current Seoul year the year is left out; another year keeps it. */
	test_now = 1795143600; /* 2026-11-20 03:00 UTC, 12:00 in Seoul */
	expect("{{t|date}}", "{\"t\":\"2026-11-19 15:30:00\"}", "ko", "11월 20일(금)");
	expect("{{t|date}}", "{\"t\":\"2026-11-19 15:30:00\"}", "en", "Fri, Nov 20");
	expect("{{t|datetime}}", "{\"t\":\"2026-11-20 00:05:00\"}", "ko", "11월 20일(금) 09:05");
	expect("{{t|datetime}}", "{\"t\":\"2026-11-20T14:05:00Z\"}", "en", "Fri, Nov 20, 23:05");
	expect("{{t|datetime}}", "{\"t\":\"2026-12-31 15:05:00\"}", "ko",
	       "2027년 1월 1일(금) 00:05");
	expect("{{t|datetime}}", "{\"t\":\"2026-12-31T15:05:00Z\"}", "en",
	       "Fri, Jan 1, 2027, 00:05");
	expect("{{t|date}}", "{\"t\":\"2025-09-11 03:00:00\"}", "ko", "2025년 9월 11일(목)");
	/* day: the ends of a span, without the weekday */
	expect("{{a|day}}~{{b|day}}", "{\"a\":\"2026-11-13 15:00:00\",\"b\":\"2026-11-20 14:59:59\"}",
	       "ko", "11월 14일~11월 20일");
	expect("{{a|day}} – {{b|day}}", "{\"a\":\"2025-12-20\",\"b\":\"2026-01-03\"}", "en",
	       "Dec 20, 2025 – Jan 3");
	/* A bare date is a calendar day already: no shift to Seoul. */
	expect("{{t|date}}", "{\"t\":\"2026-03-01\"}", "ko", "3월 1일(일)");
	expect("{{m|month}}", "{\"m\":\"2026-10\"}", "ko", "2026년 10월");
	expect("{{m|month}}", "{\"m\":\"2026-10\"}", "en", "Oct 2026");
	expect_err("{{t|date}}", "{\"t\":\"yesterday\"}", BOT_ERR_TEMPLATE);
	expect_err("{{t|day}}", "{\"t\":5}", BOT_ERR_TEMPLATE);

	/* Text built outside templates gets the same style. */
	char buf[64];
	template_format_time(1795143600 + 3 * 86400 - 3 * 3600, "ko", TEMPLATE_DATETIME, test_now,
			     buf, sizeof(buf));
	assert_string_equal(buf, "11월 23일(월) 09:00");
	template_format_time(1795143600 + 3 * 86400 - 3 * 3600, "en", TEMPLATE_DATETIME, test_now,
			     buf, sizeof(buf));
	assert_string_equal(buf, "Mon, Nov 23, 09:00");
	test_now = 0;
}

static void
test_mask(void **state)
{
	(void)state;
	expect("{{c|mask}}", "{\"c\":\"1234\"}", "ko", "•••• 1234");
	expect("{{n|mask}}", "{\"n\":\"110-123-456789\"}", "ko", "•••-•••-••6789");
	expect("{{n|mask}}", "{\"n\":\"3333012345678\"}", "ko", "•••••••••5678");
	expect("{{n|mask}}", "{\"n\":12345}", "ko", "•2345");
	expect_err("{{n|mask}}", "{\"n\":null}", BOT_ERR_TEMPLATE);
}

static void
test_labels(void **state)
{
	(void)state;
	bot_err rc;
	const char *labels = "{\"in_use\":\"사용중\",\"1\":\"카카오페이\"}";
	char *got = run("{{s|label}}/{{k|label}}", "{\"s\":\"in_use\",\"k\":1}", "ko", labels, 0,
			&rc);
	assert_int_equal(rc, BOT_OK);
	assert_string_equal(got, "사용중/카카오페이");
	free(got);
	got = run("{{s|label}}", "{\"s\":\"expired\"}", "ko", labels, 0, &rc);
	assert_int_equal(rc, BOT_ERR_TEMPLATE);
	assert_null(got);
	got = run("{{s|label}}", "{\"s\":\"in_use\"}", "ko", NULL, 0, &rc);
	assert_int_equal(rc, BOT_ERR_TEMPLATE);
}

static void
test_sections(void **state)
{
	(void)state;
	const char *rows = "{\"rows\":[{\"n\":\"a\"},{\"n\":\"b\"},{\"n\":\"c\"}],\"none\":[],"
			   "\"x\":\"top\",\"flag\":true,\"zero\":0,\"nul\":null}";
	expect("{{#rows}}{{@index}}/{{@count}}{{n}}{{x}};{{/rows}}", rows, "ko",
	       "1/3atop;2/3btop;3/3ctop;");
	expect("{{#none}}x{{/none}}{{^none}}empty{{/none}}", rows, "ko", "empty");
	expect("{{#flag}}yes {{x}}{{/flag}}{{^zero}} zero{{/zero}}{{^nul}} null{{/nul}}", rows,
	       "ko", "yes top zero null");
	expect("{{rows|count}}", rows, "ko", "3");
	expect("{{#rows}}{{^@first}}, {{/@first}}{{n}}{{#@last}}.{{/@last}}{{/rows}}", rows, "ko",
	       "a, b, c.");
	expect("{{rows.n}}", rows, "ko", "a");
	expect("{{#rows}}{{#flag}}[{{n}}]{{/flag}}{{/rows}}", rows, "ko", "[a][b][c]");
	expect("{{#l}}{{.}},{{/l}}", "{\"l\":[1,2]}", "ko", "1,2,");
	expect("{{#o}}{{k}}{{/o}}", "{\"o\":{\"k\":\"v\"}}", "ko", "v");
	/* Nested sections with the same name close in order. */
	expect("{{#a}}{{#a}}x{{/a}}{{/a}}", "{\"a\":true}", "ko", "x");

	bot_err rc;
	char *got = run("{{#rows}}{{n}}{{/rows}}", rows, "ko", NULL, 2, &rc);
	assert_int_equal(rc, BOT_OK);
	assert_string_equal(got, "ab");
	free(got);
}

static void
test_missing_is_error(void **state)
{
	(void)state;
	expect_err("{{nope}}", "{}", BOT_ERR_TEMPLATE);
	expect_err("{{t.nope}}", "{\"t\":[{\"a\":1}]}", BOT_ERR_TEMPLATE);
	expect_err("{{t.a}}", "{\"t\":[]}", BOT_ERR_TEMPLATE);
	expect_err("{{#nope}}x{{/nope}}", "{}", BOT_ERR_TEMPLATE);
	expect_err("{{n}}", "{\"n\":null}", BOT_ERR_TEMPLATE);
	expect_err("{{@index}}", "{}", BOT_ERR_TEMPLATE);
	expect_err("{{#@first}}x{{/@first}}", "{}", BOT_ERR_TEMPLATE);
	expect_err("{{a|bogus}}", "{\"a\":1}", BOT_ERR_TEMPLATE);
	expect_err("{{#rows}}{{n}}{{/rows}}", "{\"rows\":[{\"n\":1},{}]}", BOT_ERR_TEMPLATE);
}

static void
test_syntax(void **state)
{
	(void)state;
	expect_err("{{a", "{\"a\":1}", BOT_ERR_PARSE);
	expect_err("{{#a}}x", "{\"a\":1}", BOT_ERR_PARSE);
	expect_err("{{#a}}x{{/b}}", "{\"a\":1}", BOT_ERR_PARSE);
	expect_err("x{{/a}}", "{\"a\":1}", BOT_ERR_PARSE);
	expect_err("{{}}", "{}", BOT_ERR_PARSE);
	expect_err("{{a b}}", "{}", BOT_ERR_PARSE);

	char err[128];
	assert_int_equal(template_check("{{#a}}{{b|won}}{{/a}}{{^a}}{{/a}}", err, sizeof(err)),
			 BOT_OK);
	assert_int_equal(template_check("{{#a}}", err, sizeof(err)), BOT_ERR_PARSE);
	assert_int_equal(template_check("{{#a}}{{/b}}", err, sizeof(err)), BOT_ERR_PARSE);
	assert_int_equal(template_check("{{a|wonn}}", err, sizeof(err)), BOT_ERR_PARSE);
	assert_int_equal(template_check("{{/a}}", err, sizeof(err)), BOT_ERR_PARSE);
}

static void
test_limits(void **state)
{
	(void)state;
	/* Deep nesting is refused rather than recursing without bound. */
	char tpl[2048] = "";
	for (int i = 0; i < 40; i++)
		strcat(tpl, "{{#a}}");
	for (int i = 0; i < 40; i++)
		strcat(tpl, "{{/a}}");
	expect_err(tpl, "{\"a\":true}", BOT_ERR_LIMIT);

	/* Output larger than the cap is refused. */
	json_t *big = json_array();
	for (int i = 0; i < 5000; i++)
		json_array_append_new(big, json_string("0123456789012345678901234567890123456789"
						       "0123456789012345678901234567890123456789"));
	json_t *d = json_pack("{s:o}", "l", big);
	char *out = NULL, err[128];
	template_ctx ctx = {"ko", NULL, 0, 0};
	assert_int_equal(template_render("{{#l}}{{.}}{{/l}}", d, &ctx, &out, err, sizeof(err)),
			 BOT_ERR_LIMIT);
	assert_null(out);
	json_decref(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),	 cmocka_unit_test(test_money),
		cmocka_unit_test(test_dates),	 cmocka_unit_test(test_mask),
		cmocka_unit_test(test_labels),	 cmocka_unit_test(test_sections),
		cmocka_unit_test(test_missing_is_error), cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
