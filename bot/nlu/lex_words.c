/* English words of the lexicon: stemming, prefixes, typo lookup; and the
 * tokeniser that cuts forms and text alike into units (see lexicon.c). */
#include "lexicon_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- English words ---- */

/* Stems a lower-case word of N bytes into OUT (WORD_MAX): drops an
 * apostrophe, then one of -ies (-> y), -ing, -ed, -es after s/x/z/h, -s,
 * then a final e. Crude, but the same function runs on both sides, so
 * "charge", "charges", "charged" and "charging" all become "charg". Returns
 * the stem's length. */
size_t
lex_en_stem(const char *w, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o < WORD_MAX - 1; i++) {
		if (w[i] != '\'')
			out[o++] = w[i];
	}
	out[o] = '\0';
	n = o;
	if (n == 2 && !memcmp(out, "nt", 2)) {
		/* the "n't" the tokeniser cut off a verb */
		memcpy(out, "not", 4);
		return 3;
	}
	if (n >= 5 && !strcmp(out + n - 3, "ies")) {
		n -= 3;
		out[n++] = 'y';
	} else if (n >= 6 && !strcmp(out + n - 3, "ing")) {
		n -= 3;
	} else if (n >= 4 && !strcmp(out + n - 2, "ed")) {
		n -= 2;
	} else if (n >= 4 && out[n - 1] == 's' && out[n - 2] == 'e' && strchr("sxzh", out[n - 3])) {
		n -= 2;
	} else if (n >= 4 && out[n - 1] == 's' && !strchr("su", out[n - 2]) &&
	           !(out[n - 2] == 'i')) {
		n -= 1;
	}
	if (n >= 3 && out[n - 1] == 'e')
		n--;
	out[n] = '\0';
	return n;
}

/* The id of stem S (N bytes), 0 when unknown. */
uint32_t
word_find(const lexicon *lex, const char *s, size_t n)
{
	uint32_t cnt;
	const uint32_t *v = mm_get(&lex->words, lex_str_hash(s, n), &cnt);

	for (uint32_t i = 0; v && i < cnt; i++) {
		const struct word *w = &lex->wordv[v[i]];

		if (w->len == n && !memcmp(w->stem, s, n))
			return w->id;
	}
	return 0;
}

/* While loading, the word table is a plain array searched linearly (a few
 * hundred words, once); mm_build indexes it at the end. */
uint32_t
word_find_linear(const lexicon *lex, const char *s, size_t n)
{
	for (size_t i = 0; i < lex->n_words; i++) {
		if (strlen(lex->wordv[i].stem) == n && !memcmp(lex->wordv[i].stem, s, n))
			return lex->wordv[i].id;
	}
	return 0;
}

bot_err
word_intern(lexicon *lex, const char *s, size_t n, uint32_t *id)
{
	if ((*id = word_find_linear(lex, s, n)))
		return BOT_OK;
	if (lex_grow((void **)&lex->wordv, &lex->cap_words, lex->n_words + 1, sizeof(*lex->wordv)))
		return BOT_ERR_NOMEM;
	char *c = strndup(s, n);
	if (!c)
		return BOT_ERR_NOMEM;
	lex->wordv[lex->n_words].stem = c;
	lex->wordv[lex->n_words].len = (uint32_t)n;
	lex->wordv[lex->n_words].id = (uint32_t)lex->n_words + 1;
	*id = (uint32_t)lex->n_words + 1;
	lex->n_words++;
	return BOT_OK;
}

/* Prefix forms are indexed by their first two letters (every prefix has
 * two or more). */
uint32_t
prefix_find(const lexicon *lex, const char *w, size_t n)
{
	uint32_t cnt;
	const uint32_t *v;

	if (n < 2 || !(v = mm_get(&lex->prefix_idx, lex_str_hash(w, 2), &cnt)))
		return 0;
	for (uint32_t i = 0; i < cnt; i++) {
		const struct prefix *p = &lex->prefixes[v[i]];

		if (n >= p->len && !memcmp(p->p, w, p->len))
			return p->id;
	}
	return 0;
}

/* Optimal string alignment distance, stopping as soon as it exceeds one.
 * Returns 0, 1 (with *NEAR set for a swap or a doubled letter) or 2. */
static int
osa1(const char *a, size_t na, const char *b, size_t nb, int *near)
{
	size_t i = 0;

	*near = 0;
	if (na > nb + 1 || nb > na + 1)
		return 2;
	while (i < na && i < nb && a[i] == b[i])
		i++;
	if (i == na && i == nb)
		return 0;
	if (na == nb) {
		if (i + 1 < na && a[i] == b[i + 1] && a[i + 1] == b[i] &&
		    !memcmp(a + i + 2, b + i + 2, na - i - 2)) {
			*near = 1;
			return 1;
		}
		return memcmp(a + i + 1, b + i + 1, na - i - 1) ? 2 : 1;
	}
	if (na > nb) { /* a has one more */
		if (memcmp(a + i + 1, b + i, nb - i))
			return 2;
		*near = (i > 0 && a[i] == a[i - 1]) || (i + 1 < na && a[i] == a[i + 1]);
		return 1;
	}
	if (memcmp(a + i, b + i + 1, na - i))
		return 2;
	*near = (i > 0 && b[i] == b[i - 1]) || (i + 1 < nb && b[i] == b[i + 1]);
	return 1;
}

#define DEL_BASE 0x100000001b3ULL

/* The hash of W less its letter SKIP (SKIP = N: all of it), polynomial so
 * that every deletion of one word costs O(1) given its prefix hashes PRE
 * (PRE[i]: the first i letters) and the powers POW of the base. */
static uint64_t
del_hash_fast(const uint64_t *pre, const uint64_t *pow, size_t n, size_t skip)
{
	if (skip >= n)
		return pre[n] ^ n;
	/* prefix before SKIP, shifted over what follows it, plus what follows */
	uint64_t tail = pre[n] - pre[skip + 1] * pow[n - skip - 1];
	return (pre[skip] * pow[n - skip - 1] + tail) ^ (n - 1);
}

static void
del_prepare(const char *w, size_t n, uint64_t *pre, uint64_t *pow)
{
	pre[0] = 0;
	pow[0] = 1;
	for (size_t i = 0; i < n; i++) {
		pre[i + 1] = pre[i] * DEL_BASE + (unsigned char)w[i] + 1;
		pow[i + 1] = pow[i] * DEL_BASE;
	}
}

uint64_t
lex_del_hash(const char *w, size_t n, size_t skip)
{
	uint64_t pre[WORD_MAX + 1], pow[WORD_MAX + 1];

	del_prepare(w, n, pre, pow);
	return del_hash_fast(pre, pow, n, skip);
}

/* A lexicon word typed with one mistake: the id of the word it is one edit
 * from, and the cost; 0 when none, or when two different words are. Every
 * surface is indexed whole and less each of its letters; one edit leaves
 * the word and the surface with a common such form (a letter added or
 * dropped: one of them whole, the other less one; changed or swapped: both
 * less one at the same place), so the word and its own deletions are all
 * the lookups needed, and each candidate is checked by osa1. */
uint32_t
word_typo(const lexicon *lex, const char *w, size_t n, uint8_t *cost)
{
	uint32_t best = 0;
	int best_cost = 3;

	uint64_t pre[WORD_MAX + 1], pow[WORD_MAX + 1];

	if (n < FUZZY_MIN_WORD || n >= WORD_MAX)
		return 0;
	del_prepare(w, n, pre, pow);
	for (size_t skip = 0; skip <= n; skip++) {
		uint32_t cnt;
		const uint32_t *v = mm_get(&lex->surf_del, del_hash_fast(pre, pow, n, skip), &cnt);

		for (uint32_t i = 0; v && i < cnt; i++) {
			const struct surface *s = &lex->surf[v[i]];
			int near, d = osa1(w, n, s->s, s->len, &near);

			if (d != 1)
				continue;
			int c = near ? 1 : 2;
			if (best && s->id != best && c == best_cost)
				return 0; /* ambiguous */
			if (c < best_cost) {
				best = s->id;
				best_cost = c;
			}
		}
	}
	if (best)
		*cost = (uint8_t)best_cost;
	return best;
}

/* ---- tokenising (forms and text alike) ---- */

/* The length of the verb in word W (N bytes) when it ends in a negation
 * written "n't" or "nt" ("didn't", "doesnt", "can't"), else 0. The verb and
 * the negation then read as two words, "did not", on both sides. */
static size_t
negated_verb(const unsigned char *w, size_t n)
{
	static const char *const verbs[] = {"do", "does", "did", "is", "was", "are", "were",
					    "have", "has", "had", "ca", "can", "wo", "could",
					    "would", "should", NULL};
	size_t neg = n >= 3 && !memcmp(w + n - 3, "n't", 3) ? 3
		     : n >= 2 && !memcmp(w + n - 2, "nt", 2) ? 2
							      : 0;

	for (size_t k = 0; neg && verbs[k]; k++) {
		if (strlen(verbs[k]) == n - neg && !memcmp(w, verbs[k], n - neg))
			return n - neg;
	}
	return 0;
}

static int
is_punct(uint32_t c)
{
	return c < 0x80 && strchr(".?!,~;:()[]\"/&+=*#<>|", (int)c) && c;
}

/* Cuts normalised text into units. Words get their key later (they need
 * the word table, which is not there yet while forms are being read). */
bot_err
lex_tokenize(const char *text, size_t len, lex_unit **u, size_t *nu, size_t *cap)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;
	int space = 0;

	*nu = 0;
	/* no more units than bytes */
	if (lex_grow((void **)u, cap, (len < LEX_MAX_UNITS ? len : LEX_MAX_UNITS) + 1, sizeof(**u)))
		return BOT_ERR_NOMEM;
	while (i < len) {
		uint32_t c;
		size_t l = lex_decode(s + i, len - i, &c);
		lex_unit un = {.off = (uint32_t)i};

		if (c == ' ') {
			space = 1;
			i += l;
			continue;
		}
		if (*nu >= LEX_MAX_UNITS)
			break;
		if (c >= 'a' && c <= 'z') {
			size_t j = i;

			while (j < len && ((s[j] >= 'a' && s[j] <= 'z') ||
			                   (s[j] == '\'' && j + 1 < len && s[j + 1] >= 'a' &&
			                    s[j + 1] <= 'z' && j > i)))
				j++;
			un.kind = LEX_WORD;
			un.len = (uint32_t)(j - i);
			size_t verb = negated_verb(s + i, j - i);
			if (verb && *nu + 1 < LEX_MAX_UNITS) {
				un.len = (uint32_t)verb;
				if (space)
					un.flags |= LEX_SPACE;
				(*u)[(*nu)++] = un;
				un = (lex_unit){.off = (uint32_t)(i + verb), .kind = LEX_WORD,
						.len = (uint32_t)(j - i - verb)};
				space = 1; /* "did" and "not" are two words */
			}
			i = j;
		} else if (c >= '0' && c <= '9') {
			size_t j = i;
			uint32_t v = 0;

			while (j < len && s[j] >= '0' && s[j] <= '9') {
				v = v < 10000000u ? v * 10 + (s[j] - '0') : 0x0FFFFFFFu;
				j++;
			}
			un.kind = LEX_NUM;
			un.key = KEY(LEX_NUM, v);
			un.len = (uint32_t)(j - i);
			i = j;
		} else if (c == '-' && *nu && (*u)[*nu - 1].kind == LEX_WORD && i + 1 < len &&
		           s[i + 1] >= 'a' && s[i + 1] <= 'z') {
			/* "auto-pay" reads as "auto pay" */
			space = 1;
			i += l;
			continue;
		} else {
			un.kind = jamo_is_syllable(c) ? LEX_HANGUL
			          : is_punct(c)       ? LEX_PUNCT
			                              : LEX_OTHER;
			un.key = KEY(un.kind, c);
			un.len = (uint32_t)l;
			i += l;
		}
		if (space)
			un.flags |= LEX_SPACE;
		space = 0;
		(*u)[(*nu)++] = un;
	}
	return BOT_OK;
}
