/* Text normalisation for matching (see normalize.h).
 *
 * Two paths produce the same result:
 *  - a fast path for text made only of ASCII and precomposed Hangul
 *    syllables (nearly every chat message): such text is already NFKC, and
 *    case folding is ASCII lowercasing, so bytes are copied straight through;
 *  - the general path through utf8proc for everything else (jamo typed as
 *    NFD, full-width forms, zero-width characters, Latin accents, ...).
 *
 * The general path needs a code point array. It lives in the caller's
 * norm_buf itself (the UTF-8 result is written back over it in place), so the
 * buffer is the only allocation and it is reused from one message to the
 * next. */
#include "normalize.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Inputs beyond this are refused: NFKC can expand one code point into 18,
 * and callers cap customer text long before this anyway. */
#define NORM_MAX_INPUT (1u << 20)

/* Grows BUF so it holds at least NEED bytes. Keeps the old contents. */
static bot_err
buf_reserve(norm_buf *buf, size_t need)
{
	size_t cap;
	char *p;

	if (need <= buf->cap)
		return BOT_OK;
	cap = buf->cap ? buf->cap : 256;
	while (cap < need)
		cap *= 2;
	p = realloc(buf->data, cap);
	if (!p)
		return BOT_ERR_NOMEM;
	buf->data = p;
	buf->cap = cap;
	return BOT_OK;
}

void
norm_buf_free(norm_buf *buf)
{
	if (!buf)
		return;
	free(buf->data);
	buf->data = NULL;
	buf->len = 0;
	buf->cap = 0;
}

/* Decodes one code point at S (N bytes left). Returns the bytes consumed
 * (at least 1) and stores the code point, or U+FFFD for a bad byte, so
 * invalid UTF-8 never stops normalisation and never reads past N. */
static size_t
decode_one(const unsigned char *s, size_t n, int32_t *cp)
{
	utf8proc_ssize_t r;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	r = utf8proc_iterate(s, n > 4 ? 4 : (utf8proc_ssize_t)n, cp);
	if (r <= 0) {
		*cp = 0xFFFD;
		return 1;
	}
	return (size_t)r;
}

/* What happens to a code point before decomposition: whitespace of any kind
 * becomes one ASCII space; control and format characters (which include the
 * zero-width space, joiners, word joiner and BOM) are dropped, because they
 * are invisible and people paste them in by accident. */
enum cp_class { CP_KEEP, CP_SPACE, CP_DROP };

static enum cp_class
classify_cp(int32_t c)
{
	if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
		if ((c >= 0x09 && c <= 0x0D) || c == 0x85)
			return CP_SPACE;
		return CP_DROP;
	}
	if (c == 0x20)
		return CP_SPACE;
	if (c < 0x80)
		return CP_KEEP;
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_ZS:
	case UTF8PROC_CATEGORY_ZL:
	case UTF8PROC_CATEGORY_ZP:
		return CP_SPACE;
	case UTF8PROC_CATEGORY_CF:
	case UTF8PROC_CATEGORY_CC:
		return CP_DROP;
	default:
		break;
	}
	/* Explicit for the characters the contract names, in case a future
	 * Unicode version reclassifies them. */
	if ((c >= 0x200B && c <= 0x200D) || c == 0x2060 || c == 0xFEFF)
		return CP_DROP;
	return CP_KEEP;
}

/* Fast path. Returns 1 and fills OUT when IN is only ASCII and precomposed
 * Hangul syllables; returns 0 (OUT contents undefined) otherwise. */
static int
normalize_fast(const unsigned char *in, size_t len, norm_buf *out)
{
	size_t i = 0, o = 0;
	int space = 0;
	char *d = out->data;

	while (i < len) {
		unsigned char b = in[i];

		if (b < 0x80) {
			if (b == ' ' || (b >= 0x09 && b <= 0x0D)) {
				space = 1;
				i++;
				continue;
			}
			i++;
			if (b < 0x20 || b == 0x7F)
				continue;
			if (space && o)
				d[o++] = ' ';
			space = 0;
			d[o++] = (char)(b >= 'A' && b <= 'Z' ? b + 32 : b);
			continue;
		}
		/* Hangul syllables U+AC00..U+D7A3 are EA B0 80 .. ED 9E A3. */
		if (b >= 0xEA && b <= 0xED && i + 2 < len && (in[i + 1] & 0xC0) == 0x80 &&
		    (in[i + 2] & 0xC0) == 0x80) {
			uint32_t c = ((uint32_t)(b & 0x0F) << 12) | ((uint32_t)(in[i + 1] & 0x3F) << 6) |
				     (in[i + 2] & 0x3F);

			if (c >= 0xAC00 && c <= 0xD7A3) {
				if (space && o)
					d[o++] = ' ';
				space = 0;
				memcpy(d + o, in + i, 3);
				o += 3;
				i += 3;
				continue;
			}
		}
		return 0;
	}
	d[o] = '\0';
	out->len = o;
	return 1;
}

/* The general path: decode (bad bytes become U+FFFD), drop or turn into a
 * space per classify_cp(), decompose with compatibility mappings and case
 * folding, put combining marks in canonical order, recompose (this also
 * rebuilds Hangul syllables from NFD jamo), then encode back to UTF-8 while
 * collapsing spaces. */
static bot_err
normalize_slow(const unsigned char *in, size_t len, norm_buf *out)
{
	const utf8proc_option_t opts = UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE;
	int32_t *cps;
	size_t n = 0, ncap, i = 0, o, k;
	int space;
	bot_err err;

	/* A first guess that fits most text without regrowing. */
	err = buf_reserve(out, (len + 16) * 4 + 1);
	if (err)
		return err;
	cps = (int32_t *)(void *)out->data;
	ncap = out->cap / 4;

	while (i < len) {
		int32_t c;
		utf8proc_ssize_t r;
		int bound = 0;

		i += decode_one(in + i, len - i, &c);
		switch (classify_cp(c)) {
		case CP_DROP:
			continue;
		case CP_SPACE:
			c = ' ';
			break;
		case CP_KEEP:
			break;
		}
		for (;;) {
			r = utf8proc_decompose_char(c, cps + n, (utf8proc_ssize_t)(ncap - n - 1),
						    opts, &bound);
			if (r < 0) {
				/* Not expected for valid code points; keep
				 * the character rather than lose text. */
				cps[n] = c;
				r = 1;
			}
			if ((size_t)r < ncap - n - 1)
				break;
			err = buf_reserve(out, (n + (size_t)r + 64) * 4 * 2 + 1);
			if (err)
				return err;
			cps = (int32_t *)(void *)out->data;
			ncap = out->cap / 4;
		}
		n += (size_t)r;
	}

	/* Canonical ordering of combining marks, as utf8proc's own whole-string
	 * decomposer does; utf8proc_normalize_utf32 expects it done. */
	for (k = 0; n > 1 && k < n - 1;) {
		const utf8proc_property_t *p1 = utf8proc_get_property(cps[k]);
		const utf8proc_property_t *p2 = utf8proc_get_property(cps[k + 1]);

		if (p1->combining_class > p2->combining_class && p2->combining_class > 0) {
			int32_t t = cps[k];

			cps[k] = cps[k + 1];
			cps[k + 1] = t;
			if (k > 0)
				k--;
		} else {
			k++;
		}
	}
	if (n) {
		utf8proc_ssize_t r = utf8proc_normalize_utf32(cps, (utf8proc_ssize_t)n,
							      UTF8PROC_COMPOSE);
		if (r < 0)
			return BOT_ERR_INVAL;
		n = (size_t)r;
	}

	/* Encode in place: code point K sits at byte 4K and its UTF-8 form is
	 * written at byte O <= 4K, at most 4 bytes, so it never overwrites a
	 * code point not yet read. */
	o = 0;
	space = 0;
	for (k = 0; k < n; k++) {
		int32_t c = cps[k];
		unsigned char tmp[4];
		utf8proc_ssize_t w;

		/* NFKC maps no-break and ideographic spaces to U+0020. */
		if (c == ' ' || classify_cp(c) == CP_SPACE) {
			space = 1;
			continue;
		}
		if (space && o)
			out->data[o++] = ' ';
		space = 0;
		w = utf8proc_encode_char(c, tmp);
		memcpy(out->data + o, tmp, (size_t)w);
		o += (size_t)w;
	}
	out->data[o] = '\0';
	out->len = o;
	return BOT_OK;
}

/* OUT keeps ownership of its buffer (grown here as needed). */
bot_err
normalize_text(const char *in, size_t len, norm_buf *out)
{
	bot_err err;

	if (!out || (!in && len))
		return BOT_ERR_INVAL;
	if (len > NORM_MAX_INPUT)
		return BOT_ERR_LIMIT;
	/* The fast path never writes more bytes than it reads. */
	err = buf_reserve(out, len + 1);
	if (err)
		return err;
	if (normalize_fast((const unsigned char *)in, len, out))
		return BOT_OK;
	return normalize_slow((const unsigned char *)in, len, out);
}

const char *
normalize_lang(const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;

	while (text && i < len) {
		int32_t c;

		i += decode_one(s + i, len - i, &c);
		if ((c >= 0xAC00 && c <= 0xD7A3) || (c >= 0x1100 && c <= 0x11FF) ||
		    (c >= 0x3130 && c <= 0x318F) || (c >= 0xA960 && c <= 0xA97F) ||
		    (c >= 0xD7B0 && c <= 0xD7FF))
			return "ko";
	}
	return "en";
}
