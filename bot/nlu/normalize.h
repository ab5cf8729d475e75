/* Text normalisation for matching. The same function is applied to customer
 * text and to intent patterns, so both sides compare in one form:
 * NFKC, case folded, zero-width and control characters dropped, runs of
 * whitespace collapsed to one space, no leading or trailing space.
 * Invalid UTF-8 is not an error: each bad byte becomes U+FFFD. */
#ifndef BOT_NORMALIZE_H
#define BOT_NORMALIZE_H

#include <stddef.h>
#include "err.h"

/* A growable output buffer owned by the caller and reused across calls, so
 * the steady state allocates nothing per message. Zero-initialise it; free
 * it with norm_buf_free(). data is always NUL-terminated after a call. */
typedef struct norm_buf {
	char *data;
	size_t len;
	size_t cap;
} norm_buf;

/* Normalises LEN bytes at IN into OUT (replacing its contents). */
bot_err normalize_text(const char *in, size_t len, norm_buf *out);
void norm_buf_free(norm_buf *buf);

/* "ko" when the text holds any Hangul, else "en". Returns a static string. */
const char *normalize_lang(const char *text, size_t len);

#endif
