/* Answer templates: a small logic-less language rendered against JSON data.
 *   {{name}}            a field of the current scope (then of enclosing scopes)
 *   {{name|won}}        12300 -> "12,300원" (en: "KRW 12,300")
 *   {{name|date}}       UTC "YYYY-MM-DD HH:MM:SS" -> Asia/Seoul day with its weekday
 *   {{name|datetime}}   ... and the time of day
 *   {{name|day}}        ... without the weekday: the ends of a span ("11월 14일~11월 20일")
 *   {{name|mask}}       card/bank numbers: all but the last 4 digits masked
 *   {{name|label}}      looks the value up in the "labels" of the language
 *                       (integers and booleans are looked up as "0", "true")
 *   {{name|num}}        12300 -> "12,300" (no currency)
 *   {{name|month}}      "2026-10" -> "2026년 10월" (en: "Oct 2026")
 *   {{name|count}}      the number of rows of a list
 *   {{@index}}          1-based number of the current row inside a list section
 *   {{@count}}          rows in the list being repeated
 *   {{#@first}}..{{/@first}}, {{^@last}}..{{/@last}}  row position tests
 *                       inside a list (e.g. separators between rows)
 *   {{.}}               the current row itself (lists of plain values)
 *   {{! comment }}      renders nothing
 *   {{#list}}..{{/list}} repeats for each row of an array (or once when truthy)
 *   {{^list}}..{{/list}} renders when the array is empty / value falsy
 * A reference to a field that is absent is an error (BOT_ERR_TEMPLATE), never
 * an empty gap; so is printing a null value (guard it with a section).
 * Sections on a missing field are errors too. A value that is null, false, 0,
 * "" or [] is falsy. Malformed tags are BOT_ERR_PARSE; output is capped at
 * 256 KiB (BOT_ERR_LIMIT).
 *
 * Dates: one style for everything botd tells a customer, in Asia/Seoul, 24-hour
 * time, the year only when it is not the current one (template_ctx.now):
 *   date      ko "11월 20일(금)"        en "Fri, Nov 20"
 *   datetime  ko "11월 20일(금) 14:05"  en "Fri, Nov 20, 14:05"
 *   day       ko "11월 20일"            en "Nov 20"
 *   another year: ko "2025년 9월 11일(목)", en "Thu, Sep 11, 2025". */
#ifndef BOT_TEMPLATE_H
#define BOT_TEMPLATE_H

#include <stddef.h>
#include <time.h>
#include <jansson.h>
#include "err.h"

typedef struct template_ctx {
	const char *lang;     /* "ko" | "en": number and date formats */
	const json_t *labels; /* object value -> display text for |label; may be NULL */
	size_t max_rows;      /* list sections stop after this many rows (0 = no cap) */
	time_t now;           /* dates in this Seoul year omit the year; 0 = always write it */
} template_ctx;

/* Date styles (see above), for template_format_time. */
enum { TEMPLATE_DATE, TEMPLATE_DATETIME, TEMPLATE_DAY };

/* Renders TPL against DATA (borrowed). On success *OUT is a NUL-terminated
 * string the caller owns (free()). On failure ERR names the problem. */
bot_err template_render(const char *tpl, const json_t *data, const template_ctx *ctx, char **out,
			char *err, size_t errlen);

/* Writes instant T in the date STYLE of LANG ("ko" | "en") into BUF (64 bytes
 * hold every form), the way {{x|date}} and friends render it, so text built
 * outside templates (the dialogue's "agents are back at") matches. */
void template_format_time(time_t t, const char *lang, int style, time_t now, char *buf,
			  size_t len);

/* Checks TPL's syntax (balanced sections, known filters) without data, so
 * a broken template is refused when the intents load, not when a customer
 * asks. */
bot_err template_check(const char *tpl, char *err, size_t errlen);

#endif
