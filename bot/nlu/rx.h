/* PCRE2 for the intent engine: every pattern (a lexicon form that needs a
 * regex, an intent's ordered pattern, a slot's find pattern) is normalised
 * like customer text, compiled once with JIT and probed at load against
 * adversarial subjects under the match limit used at run time, so a pattern
 * that could backtrack out of control is refused before it sees a customer.
 * Only the nlu modules include pcre2.h. */
#ifndef BOT_RX_H
#define BOT_RX_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>
#include "err.h"

#define RX_COMPILE_FLAGS (PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF | PCRE2_DUPNAMES)

/* Normalised text longer than this is never matched whole (see intent.c);
 * the adversarial probes use subjects of this length. */
#define RX_SUBJECT_MAX 2048

/* A match context with the run-time limits. Caller owns it
 * (pcre2_match_context_free). NULL when out of memory. */
pcre2_match_context *rx_context_new(void);

/* Compiles RE (raw, as written in FILE) into *OUT, probing it under MCTX; on
 * failure writes "FILE: WHAT NAME: message at offset N" into ERR. *OUT is
 * owned by the caller (pcre2_code_free). NORM_OUT, when not NULL, receives
 * the normalised pattern text (caller frees). WHAT names the kind of pattern
 * in messages ("pattern", "form"). */
bot_err rx_compile(const char *file, const char *what, const char *name, const char *re,
                   pcre2_match_context *mctx, pcre2_code **out, char **norm_out, char *err,
                   size_t errlen);

/* Normalises a pattern the way customer text is normalised (escapes kept as
 * they are). *OUT is owned by the caller. */
bot_err rx_normalize(const char *re, char **out);

/* pcre2_match from byte START; returns pcre2_match's code. */
int rx_match(const pcre2_code *re, const char *s, size_t len, size_t start, pcre2_match_data *md,
             pcre2_match_context *mctx);

/* PCRE2's message for CODE into BUF. */
void rx_message(int code, char *buf, size_t len);

/* 0 when BOTD_NO_JIT asks for interpreted patterns (valgrind). */
int rx_jit_wanted(void);

#endif
