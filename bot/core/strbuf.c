#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for N more bytes and the NUL. */
static bot_err
reserve(strbuf *b, size_t n)
{
	if (b->failed)
		return BOT_ERR_NOMEM;
	if (n > (size_t)-1 / 2 - b->len || (b->limit && b->len + n > b->limit)) {
		b->failed = 1;
		return BOT_ERR_LIMIT;
	}
	if (b->len + n + 1 <= b->cap)
		return BOT_OK;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + n + 1)
		cap *= 2;
	char *p = realloc(b->data, cap);
	if (!p) {
		b->failed = 1;
		return BOT_ERR_NOMEM;
	}
	b->data = p;
	b->cap = cap;
	return BOT_OK;
}

bot_err
strbuf_append(strbuf *b, const void *p, size_t n)
{
	bot_err rc = reserve(b, n);
	if (rc != BOT_OK)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
	return BOT_OK;
}

bot_err
strbuf_puts(strbuf *b, const char *s)
{
	return strbuf_append(b, s, strlen(s));
}

bot_err
strbuf_printf(strbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return BOT_ERR_INVAL;
	}
	bot_err rc = reserve(b, (size_t)n);
	if (rc != BOT_OK)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return BOT_OK;
}

void
strbuf_reset(strbuf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->data)
		b->data[0] = 0;
}

char *
strbuf_take(strbuf *b)
{
	char *p = b->failed ? NULL : b->data;
	if (b->failed)
		free(b->data);
	size_t limit = b->limit;
	memset(b, 0, sizeof(*b));
	b->limit = limit;
	return p;
}

void
strbuf_free(strbuf *b)
{
	free(strbuf_take(b));
}
