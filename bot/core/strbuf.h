/* A growable byte buffer, the one every module appends to (request bodies,
 * reassembled WebSocket messages, rendered templates and metrics). It keeps
 * a NUL after its bytes, so text in it is a C string. After the first
 * failed allocation (or an append past LIMIT) it is "failed": every later
 * append is a no-op, so a caller may append many times and check once. */
#ifndef BOT_STRBUF_H
#define BOT_STRBUF_H

#include <stddef.h>

#include "err.h"

typedef struct strbuf {
	char *data;   /* owned; NULL until the first append; NUL-terminated */
	size_t len;   /* bytes in it, the NUL not counted */
	size_t cap;   /* bytes allocated */
	size_t limit; /* 0: none; else appends that would pass LEN > LIMIT fail */
	int failed;   /* an append failed: out of memory or over LIMIT */
} strbuf;

/* Zero-initialised is empty and ready (no limit). */
/* Appends N bytes of P. BOT_ERR_NOMEM, or BOT_ERR_LIMIT past the limit:
 * then the buffer is failed and keeps what it held. */
bot_err strbuf_append(strbuf *b, const void *p, size_t n);
bot_err strbuf_puts(strbuf *b, const char *s);
bot_err strbuf_printf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Empties B and keeps its memory and limit. */
void strbuf_reset(strbuf *b);
/* Hands the bytes to the caller (free() them; NULL when nothing was ever
 * appended or B failed) and leaves B empty, with its limit. */
char *strbuf_take(strbuf *b);
/* Frees B's memory; B is empty and ready again, with its limit. */
void strbuf_free(strbuf *b);

#endif
