/* PCRE2 for the intent engine (see rx.h). */
#include "rx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "normalize.h"

/* Run-time and load-time limits. The load-time probe uses the same match
 * context, so a pattern admitted at load cannot hit the limit later on text
 * of the probe's length or shorter in the same way. */
#define MATCH_LIMIT 200000
#define DEPTH_LIMIT 1000
#define HEAP_LIMIT_KIB 2048

pcre2_match_context *
rx_context_new(void)
{
	pcre2_match_context *m = pcre2_match_context_create(NULL);

	if (!m)
		return NULL;
	pcre2_set_match_limit(m, MATCH_LIMIT);
	pcre2_set_depth_limit(m, DEPTH_LIMIT);
	pcre2_set_heap_limit(m, HEAP_LIMIT_KIB);
	return m;
}

/* A growable string; the caller owns s and frees it. */
struct sbuf {
	char *s;
	size_t len, cap;
};

static bot_err
sb_add(struct sbuf *b, const char *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 128;
		char *q;

		while (cap < b->len + n + 1)
			cap *= 2;
		q = realloc(b->s, cap);
		if (!q)
			return BOT_ERR_NOMEM;
		b->s = q;
		b->cap = cap;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
	return BOT_OK;
}

/* Normalises a pattern the same way as customer text, except that escape
 * sequences are copied as they are (case folding would turn \S into \s and
 * \D into \d) and that spaces are kept where they are, collapsed to one.
 * Literal runs go through normalize_text() itself, so both sides of a match
 * are produced by one function. Returns a string the caller frees. */
bot_err
rx_normalize(const char *re, char **out)
{
	struct sbuf b = {0};
	norm_buf nb = {0};
	size_t i = 0, n = strlen(re);
	bot_err err = BOT_OK;

	while (i < n && !err) {
		size_t j;

		if (re[i] == '\\') {
			j = i + 1;
			if (j < n) {
				/* \p{..}, \x{..}, \N{..}, \g{..}, \k{..}: keep the braces */
				if (strchr("pPxNgko", re[j]) && j + 1 < n && re[j + 1] == '{') {
					const char *e = strchr(re + j, '}');

					j = e ? (size_t)(e - re) + 1 : n;
				} else {
					j++;
					while (j < n && ((unsigned char)re[j] & 0xC0) == 0x80)
						j++;
				}
			}
			err = sb_add(&b, re + i, j - i);
			i = j;
			continue;
		}
		if (re[i] == ' ' || re[i] == '\t' || re[i] == '\n' || re[i] == '\r') {
			while (i < n &&
			       (re[i] == ' ' || re[i] == '\t' || re[i] == '\n' || re[i] == '\r'))
				i++;
			err = sb_add(&b, " ", 1);
			continue;
		}
		for (j = i; j < n && re[j] != '\\' && re[j] != ' ' && re[j] != '\t' &&
		            re[j] != '\n' && re[j] != '\r';
		     j++)
			;
		err = normalize_text(re + i, j - i, &nb);
		if (!err)
			err = sb_add(&b, nb.data, nb.len);
		i = j;
	}
	if (!err && !b.s)
		err = sb_add(&b, "", 0);
	norm_buf_free(&nb);
	if (err) {
		free(b.s);
		return err;
	}
	*out = b.s;
	return BOT_OK;
}

int
rx_match(const pcre2_code *re, const char *s, size_t len, size_t start, pcre2_match_data *md,
         pcre2_match_context *mctx)
{
	return pcre2_match(re, (PCRE2_SPTR)s, len, start, 0, md, mctx);
}

/* Fills BUF (RX_SUBJECT_MAX bytes + NUL) by repeating UNIT. */
static size_t
fill_repeat(char *buf, const char *unit, size_t ulen)
{
	size_t o = 0;

	if (!ulen)
		return 0;
	while (o + ulen <= RX_SUBJECT_MAX) {
		memcpy(buf + o, unit, ulen);
		o += ulen;
	}
	buf[o] = '\0';
	return o;
}

/* Runs RE over subjects built to provoke backtracking: long runs of one
 * character, of spaces, and of the pattern's own literal characters (which
 * is what makes nested or adjacent quantifiers explode). Returns 0, or the
 * PCRE2 error code of the first probe that failed other than "no match". */
static int
probe_adversarial(const pcre2_code *re, const char *norm_re, pcre2_match_data *md,
                  pcre2_match_context *mctx)
{
	char buf[RX_SUBJECT_MAX + 1];
	char lit[512], lit_sp[1024];
	size_t nl = 0, ns = 0, i, len;
	int rc;
	static const char *const units[] = {"a", " ", "가", "a ", "캐시 ", "1", "\xff"};

	/* The pattern's literal characters, in order, then with spaces. */
	for (i = 0; norm_re[i] && nl + 4 < sizeof(lit) && ns + 5 < sizeof(lit_sp);) {
		unsigned char c = (unsigned char)norm_re[i];
		size_t clen = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;

		if (c == '\\') {
			i += norm_re[i + 1] ? 2 : 1;
			continue;
		}
		if (c < 0x80 && (strchr("()[]{}|?*+.^$<>=!:,", c) || c == ' ')) {
			i++;
			continue;
		}
		if (strlen(norm_re + i) < clen)
			break;
		memcpy(lit + nl, norm_re + i, clen);
		nl += clen;
		memcpy(lit_sp + ns, norm_re + i, clen);
		ns += clen;
		lit_sp[ns++] = ' ';
		i += clen;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]) + 2; i++) {
		if (i < sizeof(units) / sizeof(units[0]))
			len = fill_repeat(buf, units[i], strlen(units[i]));
		else if (i == sizeof(units) / sizeof(units[0]))
			len = fill_repeat(buf, lit, nl);
		else
			len = fill_repeat(buf, lit_sp, ns);
		if (!len)
			continue;
		rc = rx_match(re, buf, len, 0, md, mctx);
		if (rc < 0 && rc != PCRE2_ERROR_NOMATCH)
			return rc;
	}
	return 0;
}

void
rx_message(int code, char *buf, size_t len)
{
	if (pcre2_get_error_message(code, (PCRE2_UCHAR *)buf, len) < 0)
		snprintf(buf, len, "pcre2 error %d", code);
}

/* BOTD_NO_JIT=1 leaves patterns interpreted: valgrind cannot follow
 * JIT-generated code and reports its loads as uninitialised (the sanitizer
 * and fuzz runs cover the JIT path). */
int
rx_jit_wanted(void)
{
	const char *v = getenv("BOTD_NO_JIT");
	return !(v && *v && strcmp(v, "0"));
}

bot_err
rx_compile(const char *file, const char *what, const char *name, const char *re,
           pcre2_match_context *mctx, pcre2_code **out, char **norm_out, char *err, size_t errlen)
{
	char *norm = NULL;
	char msg[256];
	pcre2_code *code;
	pcre2_match_data *md;
	int ecode, rc;
	PCRE2_SIZE eoff;
	bot_err e;

	e = rx_normalize(re, &norm);
	if (e) {
		snprintf(err, errlen, "%s: %s %s: %s", file, what, name, bot_strerror(e));
		return e;
	}
	code = pcre2_compile((PCRE2_SPTR)norm, PCRE2_ZERO_TERMINATED, RX_COMPILE_FLAGS, &ecode,
	                     &eoff, NULL);
	if (!code) {
		rx_message(ecode, msg, sizeof(msg));
		snprintf(err, errlen, "%s: %s %s: %s at offset %zu (of normalised \"%s\")", file,
		         what, name, msg, (size_t)eoff, norm);
		free(norm);
		return BOT_ERR_PARSE;
	}
	rc = rx_jit_wanted() ? pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) : 0;
	if (rc < 0) {
		/* Still correct without JIT, only slower. */
		rx_message(rc, msg, sizeof(msg));
		log_warn("%s: %s %s: no JIT (%s)", file, what, name, msg);
	}
	md = pcre2_match_data_create_from_pattern(code, NULL);
	if (!md) {
		pcre2_code_free(code);
		free(norm);
		snprintf(err, errlen, "%s: %s %s: out of memory", file, what, name);
		return BOT_ERR_NOMEM;
	}
	rc = probe_adversarial(code, norm, md, mctx);
	pcre2_match_data_free(md);
	if (rc) {
		rx_message(rc, msg, sizeof(msg));
		snprintf(err, errlen,
		         "%s: %s %s: refused, %s on adversarial input (offset 0 of \"%s\")", file,
		         what, name, msg, norm);
		pcre2_code_free(code);
		free(norm);
		return BOT_ERR_LIMIT;
	}
	*out = code;
	if (norm_out)
		*norm_out = norm;
	else
		free(norm);
	return BOT_OK;
}
