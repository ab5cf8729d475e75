/* The lexicon (see lexicon.h).
 *
 * Why an index and not one PCRE2 alternation per concept: PCRE2 tries the
 * alternatives of a pattern one after the other at each start position, and
 * every Hangul syllable starts with one of four bytes, so its start-byte
 * filter skips nothing in Korean text; a thousand forms would cost a
 * thousand tries per syllable. Instead the forms are cut into units (a
 * syllable, a stemmed word, a number) and indexed by their first unit: one
 * pass over the text looks up each unit once and finds every occurrence of
 * every concept. The forms that need a regex are compiled to PCRE2 (one
 * pattern per concept, each form marked) and run only when the text holds a
 * byte the pattern can start with.
 *
 * Typo tolerance is precomputed at load:
 *  - a two-syllable Korean form gets its near variants (jamo.h) as extra
 *    indexed forms;
 *  - a longer one is indexed under pairs of its syllables: syllables 1-2
 *    (offset 0), 2-3 (offset 1) and 1 _ 3 (a gap). With one syllable
 *    changed, at least one of the three pairs is intact, so each position
 *    of the text costs three bitmap probes, and only a hit is compared
 *    jamo by jamo;
 *  - an English word of five letters or more is listed with its inflections
 *    under its first two letters and under its last two, with its length:
 *    one edit leaves one end intact, so an unknown word costs two lookups.
 *
 * Keys: every unit has a 32-bit key, kind in the top four bits: a Hangul
 * syllable (or other character) its code point, a word its id in the word
 * table (stems of the lexicon's words; unknown words 0), a number its value. */
#include "lexicon.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jamo.h"
#include "normalize.h"
#include "rx.h"

#define KEY(kind, v) (((uint32_t)(kind) << 28) | ((uint32_t)(v)&0x0FFFFFFFu))
#define KEY_KIND(k) ((k) >> 28)

#define WORD_MAX 48 /* longer "words" are not words we know */
#define FORM_MAX_UNITS 16
#define FUZZY_MIN_WORD 5

/* Form flags. */
#define F_START 0x01 /* must begin a word */
#define F_END 0x02   /* must end a word */
#define F_NOTYPO 0x04
#define F_TRIGGER 0x08 /* not a form: where regex form number "form" may start */

/* ---- a multimap built once: 64-bit key -> values ---- */

struct mmap {
	uint64_t *slot_key; /* key + 1; 0 = empty */
	uint32_t *slot_first, *slot_n;
	uint32_t mask;
	uint32_t *vals;
	uint64_t *bits; /* 2^16-bit prefilter */
	/* while building */
	struct kv {
		uint64_t k;
		uint32_t v;
	} * kv;
	size_t nkv, capkv;
};

/* Keys differ in their high bits (pairs of units) as often as in their
 * low ones: a full mix, so that the low bits (the slot) and the high ones
 * (the prefilter) both spread. */
static uint64_t
mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* The prefilter's bit for K (of 2^16): the high bits of one multiply, and
 * of the key's two halves folded first so that pairs differing in either
 * half spread. */
static inline uint32_t
prefilter_bit(uint64_t k)
{
	return (uint32_t)(((k ^ (k >> 29) ^ (k >> 47)) * 0x9e3779b97f4a7c15ULL) >> 48);
}

static bot_err
mm_add(struct mmap *m, uint64_t k, uint32_t v)
{
	if (m->nkv == m->capkv) {
		size_t cap = m->capkv ? m->capkv * 2 : 256;
		struct kv *p = realloc(m->kv, cap * sizeof(*p));

		if (!p)
			return BOT_ERR_NOMEM;
		m->kv = p;
		m->capkv = cap;
	}
	m->kv[m->nkv].k = k;
	m->kv[m->nkv].v = v;
	m->nkv++;
	return BOT_OK;
}

static int
kv_cmp(const void *a, const void *b)
{
	const struct kv *x = a, *y = b;

	if (x->k != y->k)
		return x->k < y->k ? -1 : 1;
	return x->v < y->v ? -1 : x->v > y->v;
}

/* Turns the added pairs into the table. */
static bot_err
mm_build(struct mmap *m)
{
	size_t distinct = 0, i, size = 16;

	if (m->nkv)
		qsort(m->kv, m->nkv, sizeof(*m->kv), kv_cmp);
	for (i = 0; i < m->nkv; i++)
		distinct += !i || m->kv[i].k != m->kv[i - 1].k;
	while (size < distinct * 2)
		size *= 2;
	m->mask = (uint32_t)(size - 1);
	m->slot_key = calloc(size, sizeof(*m->slot_key));
	m->slot_first = calloc(size, sizeof(*m->slot_first));
	m->slot_n = calloc(size, sizeof(*m->slot_n));
	m->vals = malloc((m->nkv ? m->nkv : 1) * sizeof(*m->vals));
	m->bits = calloc(1024, sizeof(*m->bits));
	if (!m->slot_key || !m->slot_first || !m->slot_n || !m->vals || !m->bits)
		return BOT_ERR_NOMEM;
	for (i = 0; i < m->nkv;) {
		size_t j = i;
		uint64_t h = mix64(m->kv[i].k);
		uint32_t s = (uint32_t)h & m->mask;

		while (j < m->nkv && m->kv[j].k == m->kv[i].k) {
			m->vals[j] = m->kv[j].v;
			j++;
		}
		/* The same value twice under one key (two pairs of one form
		 * that happen to be equal) is harmless: callers dedupe. */
		while (m->slot_key[s])
			s = (s + 1) & m->mask;
		m->slot_key[s] = m->kv[i].k + 1;
		m->slot_first[s] = (uint32_t)i;
		m->slot_n[s] = (uint32_t)(j - i);
		uint32_t bit = prefilter_bit(m->kv[i].k);
		m->bits[bit >> 6] |= 1ull << (bit & 63);
		i = j;
	}
	free(m->kv);
	m->kv = NULL;
	m->nkv = m->capkv = 0;
	return BOT_OK;
}

/* The values under K (borrowed) and their number; NULL when none. */
static const uint32_t *
mm_get(const struct mmap *m, uint64_t k, uint32_t *n)
{
	uint32_t b = prefilter_bit(k), s;
	uint64_t h;

	/* most keys of a text are in no table: one multiply says so */
	if (!m->slot_key || !(m->bits[b >> 6] & (1ull << (b & 63))))
		return NULL;
	h = mix64(k);
	for (s = (uint32_t)h & m->mask; m->slot_key[s]; s = (s + 1) & m->mask) {
		if (m->slot_key[s] == k + 1) {
			*n = m->slot_n[s];
			return m->vals + m->slot_first[s];
		}
	}
	return NULL;
}

static void
mm_free(struct mmap *m)
{
	free(m->slot_key);
	free(m->slot_first);
	free(m->slot_n);
	free(m->vals);
	free(m->bits);
	free(m->kv);
}

static uint64_t
str_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t
keys_hash(const uint32_t *k, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;

	for (size_t i = 0; i < n; i++)
		h = mix64(h ^ k[i]) + i;
	return h;
}

/* ---- the lexicon ---- */

struct inst {
	uint32_t first; /* into keys[] */
	uint16_t n;
	uint16_t concept;
	uint16_t form;
	uint8_t cost;
	uint8_t flags;
};

struct word {
	char *stem; /* owned */
	uint32_t id;
	uint32_t len;
};

struct surface { /* an English word as it may be typed, for typo matching */
	char s[WORD_MAX];
	uint8_t len;
	uint32_t id;
};

struct prefix {
	char p[WORD_MAX];
	uint8_t len;
	uint32_t id;
};

/* A form that needs a regex. It runs anchored where it may start: at each
 * number when it can start with a digit, and at each of its "at" words
 * (indexed as trigger instances); without either, over the whole text. */
struct rx_form {
	pcre2_code *re;	   /* owned */
	pcre2_code *re_at; /* owned: the same anchored with \G, for JIT (PCRE2_ANCHORED
			      at match time would fall back to the interpreter) */
	uint16_t concept;
	uint16_t form;
	uint8_t at_digit; /* may start with a digit */
	uint8_t has_at;   /* has trigger words */
};

struct lexicon {
	char *path;                    /* owned */
	char *names[LEX_MAX_CONCEPTS]; /* owned */
	size_t n_concepts;
	char **forms; /* owned: each form as written */
	size_t n_forms, cap_forms;
	uint32_t *keys; /* owned: unit keys of every instance */
	size_t n_keys, cap_keys;
	struct inst *inst; /* owned */
	size_t n_inst, cap_inst;
	size_t n_variants;
	struct mmap first;  /* first unit key -> instances */
	struct mmap anchor; /* syllable pairs -> instance << 2 | kind */
	struct mmap words;  /* stem hash -> word index */
	struct word *wordv;
	size_t n_words, cap_words;
	struct prefix *prefixes;
	size_t n_prefixes, cap_prefixes;
	struct mmap prefix_idx; /* first two letters -> prefix */
	struct surface *surf;
	size_t n_surf, cap_surf;
	struct mmap surf_del;  /* hash of a surface, and of it less one letter -> surface */
	struct mmap not_typos; /* key-sequence hashes and word hashes */
	struct mmap exact_seq; /* key-sequence hash of every exact instance */
	struct rx_form *rx;
	size_t n_rx, cap_rx;
	pcre2_match_context *mctx; /* owned */
	pcre2_match_data *md;      /* owned: used only at load */
	int c_ask, c_request, c_negate, c_negate_next, c_again, c_other;
	uint8_t followup[LEX_MAX_CONCEPTS];
	/* Per Hangul syllable: SY_FIRST when some form starts with it,
	 * SY_ANCHOR when some typo anchor does; most syllables of a text need
	 * no lookup at all. */
	uint8_t syl[11172];
	uint64_t *sig; /* while loading: see sig_seen */
	size_t n_sig, cap_sig;
};

#define SY_FIRST 0x01
#define SY_ANCHOR 0x02

size_t
lexicon_concept_count(const lexicon *lex)
{
	return lex ? lex->n_concepts : 0;
}

int
lexicon_concept(const lexicon *lex, const char *name)
{
	for (size_t i = 0; lex && name && i < lex->n_concepts; i++) {
		if (!strcmp(lex->names[i], name))
			return (int)i;
	}
	return -1;
}

const char *
lexicon_concept_name(const lexicon *lex, int c)
{
	return lex && c >= 0 && (size_t)c < lex->n_concepts ? lex->names[c] : "?";
}

const char *
lexicon_form_text(const lexicon *lex, int f)
{
	return lex && f >= 0 && (size_t)f < lex->n_forms ? lex->forms[f] : "?";
}

void
lexicon_stats(const lexicon *lex, size_t *forms, size_t *variants)
{
	*forms = lex ? lex->n_forms : 0;
	*variants = lex ? lex->n_variants : 0;
}

int
lexicon_followup(const lexicon *lex, int c)
{
	return lex && c >= 0 && (size_t)c < lex->n_concepts && lex->followup[c];
}

void
lexicon_free(lexicon *lex)
{
	size_t i;

	if (!lex)
		return;
	free(lex->path);
	for (i = 0; i < lex->n_concepts; i++)
		free(lex->names[i]);
	for (i = 0; i < lex->n_forms; i++)
		free(lex->forms[i]);
	free(lex->forms);
	free(lex->keys);
	free(lex->inst);
	mm_free(&lex->first);
	mm_free(&lex->anchor);
	mm_free(&lex->words);
	mm_free(&lex->surf_del);
	mm_free(&lex->prefix_idx);
	mm_free(&lex->not_typos);
	mm_free(&lex->exact_seq);
	for (i = 0; i < lex->n_words; i++)
		free(lex->wordv[i].stem);
	free(lex->wordv);
	free(lex->prefixes);
	free(lex->surf);
	for (i = 0; i < lex->n_rx; i++)
		{
		pcre2_code_free(lex->rx[i].re);
		pcre2_code_free(lex->rx[i].re_at);
	}
	free(lex->rx);
	pcre2_match_data_free(lex->md);
	pcre2_match_context_free(lex->mctx);
	free(lex->sig);
	free(lex);
}

static bot_err
grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return BOT_OK;
	size_t c = *cap ? *cap : 64;
	while (c < need)
		c *= 2;
	void *q = realloc(*p, c * size);
	if (!q)
		return BOT_ERR_NOMEM;
	*p = q;
	*cap = c;
	return BOT_OK;
}

/* ---- English words ---- */

/* Stems a lower-case word of N bytes into OUT (WORD_MAX): drops an
 * apostrophe, then one of -ies (-> y), -ing, -ed, -es after s/x/z/h, -s,
 * then a final e. Crude, but the same function runs on both sides, so
 * "charge", "charges", "charged" and "charging" all become "charg". Returns
 * the stem's length. */
static size_t
en_stem(const char *w, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o < WORD_MAX - 1; i++) {
		if (w[i] != '\'')
			out[o++] = w[i];
	}
	out[o] = '\0';
	n = o;
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
static uint32_t
word_find(const lexicon *lex, const char *s, size_t n)
{
	uint32_t cnt;
	const uint32_t *v = mm_get(&lex->words, str_hash(s, n), &cnt);

	for (uint32_t i = 0; v && i < cnt; i++) {
		const struct word *w = &lex->wordv[v[i]];

		if (w->len == n && !memcmp(w->stem, s, n))
			return w->id;
	}
	return 0;
}

/* While loading, the word table is a plain array searched linearly (a few
 * hundred words, once); mm_build indexes it at the end. */
static uint32_t
word_find_linear(const lexicon *lex, const char *s, size_t n)
{
	for (size_t i = 0; i < lex->n_words; i++) {
		if (strlen(lex->wordv[i].stem) == n && !memcmp(lex->wordv[i].stem, s, n))
			return lex->wordv[i].id;
	}
	return 0;
}

static bot_err
word_intern(lexicon *lex, const char *s, size_t n, uint32_t *id)
{
	if ((*id = word_find_linear(lex, s, n)))
		return BOT_OK;
	if (grow((void **)&lex->wordv, &lex->cap_words, lex->n_words + 1, sizeof(*lex->wordv)))
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
static uint32_t
prefix_find(const lexicon *lex, const char *w, size_t n)
{
	uint32_t cnt;
	const uint32_t *v;

	if (n < 2 || !(v = mm_get(&lex->prefix_idx, str_hash(w, 2), &cnt)))
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

static uint64_t
del_hash(const char *w, size_t n, size_t skip)
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
static uint32_t
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

static inline size_t
decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xF0 && n >= 4) {
		*cp = ((c & 7u) << 18) | ((s[1] & 63u) << 12) | ((s[2] & 63u) << 6) | (s[3] & 63u);
		return 4;
	}
	if (c >= 0xE0 && n >= 3) {
		*cp = ((c & 15u) << 12) | ((s[1] & 63u) << 6) | (s[2] & 63u);
		return 3;
	}
	if (c >= 0xC0 && n >= 2) {
		*cp = ((c & 31u) << 6) | (s[1] & 63u);
		return 2;
	}
	*cp = 0xFFFD;
	return 1;
}

static int
is_punct(uint32_t c)
{
	return c < 0x80 && strchr(".?!,~;:()[]\"/&+=*#<>|", (int)c) && c;
}

/* Cuts normalised text into units. Words get their key later (they need
 * the word table, which is not there yet while forms are being read). */
static bot_err
tokenize(const char *text, size_t len, lex_unit **u, size_t *nu, size_t *cap)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;
	int space = 0;

	*nu = 0;
	/* no more units than bytes */
	if (grow((void **)u, cap, (len < LEX_MAX_UNITS ? len : LEX_MAX_UNITS) + 1, sizeof(**u)))
		return BOT_ERR_NOMEM;
	while (i < len) {
		uint32_t c;
		size_t l = decode(s + i, len - i, &c);
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

/* ---- loading ---- */

static bot_err
add_form_text(lexicon *lex, const char *s, uint16_t *id)
{
	if (lex->n_forms >= 65535)
		return BOT_ERR_LIMIT;
	if (grow((void **)&lex->forms, &lex->cap_forms, lex->n_forms + 1, sizeof(*lex->forms)))
		return BOT_ERR_NOMEM;
	lex->forms[lex->n_forms] = strdup(s);
	if (!lex->forms[lex->n_forms])
		return BOT_ERR_NOMEM;
	*id = (uint16_t)lex->n_forms++;
	return BOT_OK;
}

/* A set of 64-bit signatures, used while loading so that a form listed twice
 * ("광고 계정" and "광고계정" are the same units) is indexed once. */
static int
sig_seen(lexicon *lex, uint64_t sig)
{
	if (lex->n_sig * 2 >= lex->cap_sig) {
		size_t cap = lex->cap_sig ? lex->cap_sig * 2 : 4096;
		uint64_t *v = calloc(cap, sizeof(*v));

		if (!v)
			return -1;
		for (size_t i = 0; i < lex->cap_sig; i++) {
			uint64_t x = lex->sig[i];
			size_t k;

			if (!x)
				continue;
			for (k = mix64(x) & (cap - 1); v[k]; k = (k + 1) & (cap - 1))
				;
			v[k] = x;
		}
		free(lex->sig);
		lex->sig = v;
		lex->cap_sig = cap;
	}
	sig |= 1; /* never 0 */
	size_t k;
	for (k = mix64(sig) & (lex->cap_sig - 1); lex->sig[k]; k = (k + 1) & (lex->cap_sig - 1)) {
		if (lex->sig[k] == sig)
			return 1;
	}
	lex->sig[k] = sig;
	lex->n_sig++;
	return 0;
}

static bot_err
add_inst(lexicon *lex, const uint32_t *keys, size_t n, uint16_t concept, uint16_t form,
         uint8_t cost, uint8_t flags)
{
	/* The same units, concept, cost and flags: nothing new to find. A
	 * trigger is kept apart (its form field names its regex). */
	uint64_t sig = keys_hash(keys, n) ^ ((uint64_t) concept << 40) ^ ((uint64_t)cost << 56) ^
	               ((uint64_t)flags << 48) ^ ((flags & F_TRIGGER) ? (uint64_t)form << 20 : 0);
	int seen = sig_seen(lex, sig);

	if (seen < 0)
		return BOT_ERR_NOMEM;
	if (seen)
		return BOT_OK;
	if (grow((void **)&lex->keys, &lex->cap_keys, lex->n_keys + n, sizeof(*lex->keys)) ||
	    grow((void **)&lex->inst, &lex->cap_inst, lex->n_inst + 1, sizeof(*lex->inst)))
		return BOT_ERR_NOMEM;
	memcpy(lex->keys + lex->n_keys, keys, n * sizeof(*keys));
	struct inst *in = &lex->inst[lex->n_inst++];
	in->first = (uint32_t)lex->n_keys;
	in->n = (uint16_t)n;
	in->concept = concept;
	in->form = form;
	in->cost = cost;
	in->flags = flags;
	lex->n_keys += n;
	return BOT_OK;
}

static bot_err
add_surface(lexicon *lex, const char *s, size_t n, uint32_t id)
{
	if (n < FUZZY_MIN_WORD - 1 || n >= WORD_MAX - 1)
		return BOT_OK;
	for (size_t i = 0; i < lex->n_surf; i++) {
		if (lex->surf[i].len == n && !memcmp(lex->surf[i].s, s, n))
			return BOT_OK;
	}
	if (grow((void **)&lex->surf, &lex->cap_surf, lex->n_surf + 1, sizeof(*lex->surf)))
		return BOT_ERR_NOMEM;
	struct surface *sf = &lex->surf[lex->n_surf++];
	memcpy(sf->s, s, n);
	sf->s[n] = '\0';
	sf->len = (uint8_t)n;
	sf->id = id;
	return BOT_OK;
}

/* The inflections a word may be typed in, for typo matching. */
static bot_err
add_surfaces(lexicon *lex, const char *w, size_t n, uint32_t id)
{
	static const char *const suffix[] = {"", "s", "es", "ed", "d", "ing"};
	char buf[WORD_MAX + 4];
	bot_err e = BOT_OK;

	if (n + 4 >= WORD_MAX || memchr(w, '\'', n))
		return BOT_OK;
	for (size_t k = 0; k < sizeof(suffix) / sizeof(suffix[0]) && !e; k++) {
		size_t m = n;

		memcpy(buf, w, n);
		if (!strcmp(suffix[k], "d") && w[n - 1] != 'e')
			continue;
		if (!strcmp(suffix[k], "ing") && w[n - 1] == 'e')
			m--;
		memcpy(buf + m, suffix[k], strlen(suffix[k]));
		m += strlen(suffix[k]);
		char st[WORD_MAX];
		size_t sl = en_stem(buf, m, st);
		/* only inflections that stem back to the word */
		if (word_find_linear(lex, st, sl) != id)
			continue;
		e = add_surface(lex, buf, m, id);
	}
	return e;
}

/* Parses form S of CONCEPT (a string from the file) into an instance. */
static bot_err
load_form(lexicon *lex, int concept, const char *s, int concept_typos, int trigger, char *err,
          size_t errlen)
{
	char buf[512];
	norm_buf nb = {0};
	lex_unit *u = NULL;
	size_t nu = 0, cap = 0, n = strlen(s);
	uint32_t keys[FORM_MAX_UNITS];
	uint8_t flags = 0;
	int prefix = 0, hangul_only = 1, stem = 0;
	uint16_t form;
	bot_err e;

	if (n >= sizeof(buf)) {
		snprintf(err, errlen, "%s: %s: form too long", lex->path, lex->names[concept]);
		return BOT_ERR_PARSE;
	}
	memcpy(buf, s, n + 1);
	s = buf;
	for (;; s++, n--) {
		if (*s == '~')
			flags |= F_NOTYPO;
		else if (*s == '^')
			flags |= F_START;
		else
			break;
	}
	if (n && s[n - 1] == '$') {
		flags |= F_END;
		buf[s - buf + --n] = '\0';
	}
	if (n && s[n - 1] == '*') {
		prefix = 1;
		buf[s - buf + --n] = '\0';
	}
	if (n && s[n - 1] == '-') {
		stem = 1;
		buf[s - buf + --n] = '\0';
	}
	if ((e = add_form_text(lex, buf, &form)))
		goto fail;
	if ((e = normalize_text(s, n, &nb)) || (e = tokenize(nb.data, nb.len, &u, &nu, &cap)))
		goto fail;
	if (!nu || nu > FORM_MAX_UNITS) {
		snprintf(err, errlen, "%s: %s: form \"%s\" must have 1 to %d units", lex->path,
		         lex->names[concept], lex->forms[form], FORM_MAX_UNITS);
		e = BOT_ERR_PARSE;
		goto fail;
	}
	if (prefix && (u[nu - 1].kind != LEX_WORD || u[nu - 1].len < 2)) {
		snprintf(err, errlen,
		         "%s: %s: form \"%s\": * follows an English word of two letters or more",
		         lex->path, lex->names[concept], lex->forms[form]);
		e = BOT_ERR_PARSE;
		goto fail;
	}
	for (size_t i = 0; i < nu; i++) {
		const char *w = nb.data + u[i].off;
		char st[WORD_MAX];
		uint32_t id;

		hangul_only &= u[i].kind == LEX_HANGUL;
		if (u[i].kind != LEX_WORD) {
			keys[i] = u[i].key;
			continue;
		}
		if (u[i].len >= WORD_MAX - 2) {
			snprintf(err, errlen, "%s: %s: form \"%s\": word too long", lex->path,
			         lex->names[concept], lex->forms[form]);
			e = BOT_ERR_PARSE;
			goto fail;
		}
		if (prefix && i == nu - 1) {
			/* A prefix is its own pseudo-word "*prefix". */
			st[0] = '*';
			memcpy(st + 1, w, u[i].len);
			if ((e = word_intern(lex, st, u[i].len + 1, &id)))
				goto fail;
			int known = 0;
			for (size_t k = 0; k < lex->n_prefixes; k++)
				known |= lex->prefixes[k].id == id;
			if (!known) {
				if (grow((void **)&lex->prefixes, &lex->cap_prefixes,
				         lex->n_prefixes + 1, sizeof(*lex->prefixes))) {
					e = BOT_ERR_NOMEM;
					goto fail;
				}
				struct prefix *p = &lex->prefixes[lex->n_prefixes++];
				memcpy(p->p, w, u[i].len);
				p->p[u[i].len] = '\0';
				p->len = (uint8_t)u[i].len;
				p->id = id;
			}
		} else {
			size_t sl = en_stem(w, u[i].len, st);
			if ((e = word_intern(lex, st, sl, &id)))
				goto fail;
			if (concept_typos && !(flags & F_NOTYPO) &&
			    (e = add_surfaces(lex, w, u[i].len, id)))
				goto fail;
		}
		keys[i] = KEY(LEX_WORD, id);
	}
	if (!concept_typos || !hangul_only)
		flags |= F_NOTYPO;
	if (trigger >= 0) {
		/* not a form: where regex form TRIGGER may start */
		flags |= F_TRIGGER | F_NOTYPO;
		form = (uint16_t)trigger;
	}
	e = add_inst(lex, keys, nu, (uint16_t) concept, form, 0, flags);
	if (!e && stem) {
		/* A verb stem: its last syllable also stands with the final an
		 * ending adds (안오- is 안온, 안올, 안옴, 안옵, 안왔 not). */
		static const int finals[] = {4 /* ㄴ */, 8 /* ㄹ */, 16 /* ㅁ */, 17 /* ㅂ */,
		                             20 /* ㅆ */};
		int ini, vow, fin;
		uint32_t last = keys[nu - 1] & 0x0FFFFFFFu;

		if (u[nu - 1].kind != LEX_HANGUL || (jamo_split(last, &ini, &vow, &fin), fin)) {
			snprintf(err, errlen,
			         "%s: %s: form \"%s\": - follows a syllable without a final",
			         lex->path, lex->names[concept], lex->forms[form]);
			e = BOT_ERR_PARSE;
			goto fail;
		}
		for (size_t k = 0; k < sizeof(finals) / sizeof(finals[0]) && !e; k++) {
			keys[nu - 1] = KEY(LEX_HANGUL, jamo_join(ini, vow, finals[k]));
			e = add_inst(lex, keys, nu, (uint16_t) concept, form, 0, flags);
		}
	}
fail:
	if (e == BOT_ERR_NOMEM)
		snprintf(err, errlen, "%s: out of memory", lex->path);
	norm_buf_free(&nb);
	free(u);
	return e;
}

static bot_err
load_regex_form(lexicon *lex, int concept, json_t *o, char *err, size_t errlen)
{
	const char *re = NULL;
	json_t *at = NULL, *v;
	json_error_t jerr;
	uint16_t form;
	size_t i;
	bot_err e;

	if (json_unpack_ex(o, &jerr, JSON_STRICT, "{s:s, s?o}", "re", &re, "at", &at) ||
	    (at && !json_is_array(at))) {
		snprintf(err, errlen,
		         "%s: %s: a form is a string or {\"re\": \"...\", \"at\"?: [words]}",
		         lex->path, lex->names[concept]);
		return BOT_ERR_PARSE;
	}
	if ((e = add_form_text(lex, re, &form)))
		return e;
	if (grow((void **)&lex->rx, &lex->cap_rx, lex->n_rx + 1, sizeof(*lex->rx)))
		return BOT_ERR_NOMEM;
	struct rx_form *r = &lex->rx[lex->n_rx++];
	char *anchored = NULL;

	/* counted at once, so that lexicon_free frees what compiled */
	memset(r, 0, sizeof(*r));
	e = rx_compile(lex->path, "form of", lex->names[concept], re, lex->mctx, &r->re, NULL, err,
		       errlen);
	if (e)
		return e;
	if (asprintf(&anchored, "\\G(?:%s)", re) < 0)
		return BOT_ERR_NOMEM;
	e = rx_compile(lex->path, "form of", lex->names[concept], anchored, lex->mctx, &r->re_at,
		       NULL, err, errlen);
	free(anchored);
	if (e)
		return e;
	r->concept = (uint16_t) concept;
	r->form = form;
	/* Whether a match can start with a digit. */
	const uint8_t *bm = NULL;
	uint32_t type = 0, unit = 0;
	pcre2_pattern_info(r->re, PCRE2_INFO_FIRSTBITMAP, &bm);
	pcre2_pattern_info(r->re, PCRE2_INFO_FIRSTCODETYPE, &type);
	if (bm) {
		for (int d = '0'; d <= '9'; d++)
			r->at_digit |= (bm[d >> 3] >> (d & 7)) & 1;
	} else if (type == 1) {
		pcre2_pattern_info(r->re, PCRE2_INFO_FIRSTCODEUNIT, &unit);
		r->at_digit = unit >= '0' && unit <= '9';
	} else {
		r->at_digit = 1;
	}
	/* The trigger words are forms of their own, marked as triggers of
	 * this regex (the form field holds its index). */
	json_array_foreach(at, i, v)
	{
		if (!json_is_string(v)) {
			snprintf(err, errlen, "%s: %s: \"at\" holds words", lex->path,
			         lex->names[concept]);
			return BOT_ERR_PARSE;
		}
		if ((e = load_form(lex, concept, json_string_value(v), 0, (int)lex->n_rx - 1, err,
		                   errlen)))
			return e;
		r->has_at = 1;
	}
	return BOT_OK;
}

/* The near variants of each two-syllable Korean form become forms of their
 * own, unless the variant is itself a form or a word listed as no typo. */
static bot_err
add_near_variants(lexicon *lex)
{
	size_t n = lex->n_inst;

	for (size_t k = 0; k < n; k++) {
		struct inst in = lex->inst[k];
		uint32_t base[2], v[2];
		uint32_t cnt;

		if (in.n != 2 || in.cost || (in.flags & F_NOTYPO))
			continue;
		memcpy(base, lex->keys + in.first, sizeof(base));
		for (int pos = 0; pos < 2; pos++) {
			int ini, vow, fin;
			uint32_t cp = base[pos] & 0x0FFFFFFFu;

			jamo_split(cp, &ini, &vow, &fin);
			for (int part = 0; part < 3; part++) {
				int lim = part == 0   ? JAMO_N_INITIAL
				          : part == 1 ? JAMO_N_VOWEL
				                      : JAMO_N_FINAL;
				for (int alt = 0; alt < lim; alt++) {
					int near =
					    part == 0   ? alt != ini && jamo_initial_near(ini, alt)
					    : part == 1 ? alt != vow && jamo_vowel_near(vow, alt)
					                : alt != fin && jamo_final_near(fin, alt);
					if (!near)
						continue;
					memcpy(v, base, sizeof(v));
					v[pos] = KEY(LEX_HANGUL, jamo_join(part == 0 ? alt : ini,
					                                   part == 1 ? alt : vow,
					                                   part == 2 ? alt : fin));
					uint64_t h = keys_hash(v, 2);
					if (mm_get(&lex->exact_seq, h, &cnt) ||
					    mm_get(&lex->not_typos, h, &cnt))
						continue;
					if (add_inst(lex, v, 2, in.concept, in.form, JAMO_NEAR,
					             in.flags))
						return BOT_ERR_NOMEM;
					lex->n_variants++;
				}
			}
		}
	}
	return BOT_OK;
}

/* Forms of two units or more are indexed by their first two. */
static uint64_t
pair_key(uint32_t a, uint32_t b)
{
	return (1ull << 63) | ((uint64_t)a << 32) | b;
}

static uint64_t
anchor_key(int gap, uint32_t a, uint32_t b)
{
	return ((uint64_t)gap << 62) | ((uint64_t)(a & 0x1FFFFF) << 21) | (b & 0x1FFFFF);
}

static bot_err
add_anchors(lexicon *lex)
{
	for (size_t k = 0; k < lex->n_inst; k++) {
		const struct inst *in = &lex->inst[k];
		const uint32_t *ky = lex->keys + in->first;

		if (in->n < 3 || in->cost || (in->flags & F_NOTYPO))
			continue;
		/* Syllables 1-2 cover a typo from the third on, 2-3 one in the
		 * first, 1 _ 3 one in the second. */
		if (mm_add(&lex->anchor, anchor_key(0, ky[0], ky[1]), (uint32_t)k << 2) ||
		    mm_add(&lex->anchor, anchor_key(0, ky[1], ky[2]), (uint32_t)k << 2 | 1) ||
		    mm_add(&lex->anchor, anchor_key(1, ky[0], ky[2]), (uint32_t)k << 2))
			return BOT_ERR_NOMEM;
		lex->syl[(ky[0] & 0x0FFFFFFFu) - 0xAC00] |= SY_ANCHOR;
		lex->syl[(ky[1] & 0x0FFFFFFFu) - 0xAC00] |= SY_ANCHOR;
		lex->n_variants++;
	}
	return mm_build(&lex->anchor);
}

/* Words and phrases that are real words, never typos of a form ("change" is
 * not "charge"). */
static bot_err
load_not_typos(lexicon *lex, json_t *arr, char *err, size_t errlen)
{
	norm_buf nb = {0};
	lex_unit *u = NULL;
	size_t nu = 0, cap = 0, i;
	json_t *v;
	bot_err e = BOT_OK;

	if (arr && !json_is_array(arr)) {
		snprintf(err, errlen, "%s: \"not_typos\" must be an array of strings", lex->path);
		return BOT_ERR_PARSE;
	}
	json_array_foreach(arr, i, v)
	{
		const char *s = json_string_value(v);
		uint32_t keys[FORM_MAX_UNITS];

		if (!s) {
			snprintf(err, errlen, "%s: not_typos[%zu] must be a string", lex->path, i);
			e = BOT_ERR_PARSE;
			break;
		}
		if ((e = normalize_text(s, strlen(s), &nb)) ||
		    (e = tokenize(nb.data, nb.len, &u, &nu, &cap)))
			break;
		if (nu == 1 && u[0].kind == LEX_WORD) {
			if ((e = mm_add(&lex->not_typos, str_hash(nb.data, nb.len), 0)))
				break;
			continue;
		}
		if (!nu || nu > FORM_MAX_UNITS)
			continue;
		for (size_t k = 0; k < nu; k++)
			keys[k] = u[k].key;
		if ((e = mm_add(&lex->not_typos, keys_hash(keys, nu), 0)))
			break;
	}
	norm_buf_free(&nb);
	free(u);
	if (!e)
		e = mm_build(&lex->not_typos);
	return e;
}

static bot_err
load_concepts(lexicon *lex, json_t *concepts, char *err, size_t errlen)
{
	const char *name;
	json_t *val;
	bot_err e;

	if (!json_is_object(concepts) || !json_object_size(concepts)) {
		snprintf(err, errlen, "%s: \"concepts\" must be a non-empty object", lex->path);
		return BOT_ERR_PARSE;
	}
	if (json_object_size(concepts) > LEX_MAX_CONCEPTS) {
		snprintf(err, errlen, "%s: more than %d concepts", lex->path, LEX_MAX_CONCEPTS);
		return BOT_ERR_LIMIT;
	}
	/* Names first, so that the order of concepts is the file's. */
	json_object_foreach(concepts, name, val)
	{
		for (const char *c = name; *c; c++) {
			if (!((*c >= 'A' && *c <= 'Z') || *c == '_' ||
			      (c > name && *c >= '0' && *c <= '9'))) {
				snprintf(err, errlen, "%s: concept \"%s\": use [A-Z_][A-Z0-9_]*",
				         lex->path, name);
				return BOT_ERR_PARSE;
			}
		}
		lex->names[lex->n_concepts] = strdup(name);
		if (!lex->names[lex->n_concepts])
			return BOT_ERR_NOMEM;
		lex->n_concepts++;
	}
	json_object_foreach(concepts, name, val)
	{
		int c = lexicon_concept(lex, name), typos = 1;
		json_t *forms = val, *v;
		size_t i;

		if (json_is_object(val)) {
			json_error_t jerr;
			const char *note = NULL;

			forms = NULL;
			if (json_unpack_ex(val, &jerr, JSON_STRICT, "{s:o, s?b, s?s}", "forms",
			                   &forms, "typos", &typos, "note", &note)) {
				snprintf(err, errlen, "%s: %s: %s", lex->path, name, jerr.text);
				return BOT_ERR_PARSE;
			}
		}
		if (!json_is_array(forms) || !json_array_size(forms)) {
			snprintf(err, errlen, "%s: %s: needs a non-empty array of forms", lex->path,
			         name);
			return BOT_ERR_PARSE;
		}
		json_array_foreach(forms, i, v)
		{
			if (json_is_string(v))
				e = load_form(lex, c, json_string_value(v), typos, -1, err, errlen);
			else
				e = load_regex_form(lex, c, v, err, errlen);
			if (e)
				return e;
		}
	}
	return BOT_OK;
}

bot_err
lexicon_load(const char *path, lexicon **out, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root = NULL, *concepts = NULL, *not_typos = NULL, *followup = NULL, *v;
	const char *note = NULL;
	lexicon *lex;
	bot_err e = BOT_ERR_NOMEM;

	*out = NULL;
	lex = calloc(1, sizeof(*lex));
	if (!lex || !(lex->path = strdup(path)) || !(lex->mctx = rx_context_new()))
		goto fail;
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		snprintf(err, errlen, "%s:%d: %s", path, jerr.line, jerr.text);
		e = BOT_ERR_PARSE;
		goto fail;
	}
	if (json_unpack_ex(root, &jerr, JSON_STRICT, "{s:o, s?o, s?o, s?s}", "concepts", &concepts,
	                   "not_typos", &not_typos, "followup", &followup, "note", &note)) {
		snprintf(err, errlen, "%s: %s", path, jerr.text);
		e = BOT_ERR_PARSE;
		goto fail;
	}
	if ((e = load_not_typos(lex, not_typos, err, errlen)) ||
	    (e = load_concepts(lex, concepts, err, errlen)))
		goto fail;
	/* Indexes: words, every exact form by its units, then the typo ones. */
	for (size_t i = 0; i < lex->n_words; i++) {
		if ((e = mm_add(&lex->words,
		                str_hash(lex->wordv[i].stem, strlen(lex->wordv[i].stem)),
		                (uint32_t)i)))
			goto fail;
	}
	for (size_t i = 0; i < lex->n_inst; i++) {
		if ((e = mm_add(&lex->exact_seq,
		                keys_hash(lex->keys + lex->inst[i].first, lex->inst[i].n),
		                (uint32_t)i)))
			goto fail;
	}
	if ((e = mm_build(&lex->words)) || (e = mm_build(&lex->exact_seq)) ||
	    (e = add_near_variants(lex)) || (e = add_anchors(lex)))
		goto fail;
	for (size_t i = 0; i < lex->n_inst; i++) {
		const uint32_t *k = lex->keys + lex->inst[i].first;

		if ((e = mm_add(&lex->first, lex->inst[i].n > 1 ? pair_key(k[0], k[1]) : k[0],
		                (uint32_t)i)))
			goto fail;
		if (KEY_KIND(k[0]) == LEX_HANGUL)
			lex->syl[(k[0] & 0x0FFFFFFFu) - 0xAC00] |= SY_FIRST;
	}
	for (size_t i = 0; i < lex->n_surf; i++) {
		const struct surface *sf = &lex->surf[i];

		for (size_t skip = 0; skip <= sf->len; skip++) {
			if ((e = mm_add(&lex->surf_del, del_hash(sf->s, sf->len, skip),
			                (uint32_t)i)))
				goto fail;
		}
	}
	for (size_t i = 0; i < lex->n_prefixes; i++) {
		if ((e = mm_add(&lex->prefix_idx, str_hash(lex->prefixes[i].p, 2), (uint32_t)i)))
			goto fail;
	}
	if ((e = mm_build(&lex->first)) || (e = mm_build(&lex->surf_del)) ||
	    (e = mm_build(&lex->prefix_idx)))
		goto fail;
	if (followup && !json_is_array(followup)) {
		snprintf(err, errlen, "%s: \"followup\" must be an array of concept names", path);
		e = BOT_ERR_PARSE;
		goto fail;
	}
	size_t i;
	json_array_foreach(followup, i, v)
	{
		int c = lexicon_concept(lex, json_string_value(v));
		if (c < 0) {
			snprintf(err, errlen, "%s: followup[%zu]: not a concept", path, i);
			e = BOT_ERR_PARSE;
			goto fail;
		}
		lex->followup[c] = 1;
	}
	lex->c_ask = lexicon_concept(lex, "ASK");
	lex->c_request = lexicon_concept(lex, "REQUEST");
	lex->c_negate = lexicon_concept(lex, "NEGATE");
	lex->c_negate_next = lexicon_concept(lex, "NEGATE_NEXT");
	lex->c_again = lexicon_concept(lex, "AGAIN");
	lex->c_other = lexicon_concept(lex, "OTHER");
	json_decref(root);
	*out = lex;
	return BOT_OK;
fail:
	if (e == BOT_ERR_NOMEM && err && (!err[0]))
		snprintf(err, errlen, "%s: out of memory", path);
	json_decref(root);
	lexicon_free(lex);
	return e;
}

/* ---- analysis ---- */

void
lex_text_free(lex_text *t)
{
	if (!t)
		return;
	free(t->u);
	free(t->o);
	free(t->sent);
	free(t->clause);
	free(t->trig);
	pcre2_match_data_free(t->md);
	memset(t, 0, sizeof(*t));
}

static int
word_start(const lex_text *t, size_t i)
{
	return i == 0 || (t->u[i].flags & LEX_SPACE) || t->u[i - 1].kind != LEX_HANGUL;
}

static int
word_end(const lex_text *t, size_t j)
{
	return j + 1 >= t->nu || (t->u[j + 1].flags & LEX_SPACE) || t->u[j + 1].kind != LEX_HANGUL;
}

static bot_err
add_occ(lex_text *t, int concept, int form, size_t start, size_t end, int cost)
{
	if (grow((void **)&t->o, &t->cap_o, t->no + 1, sizeof(*t->o)))
		return BOT_ERR_NOMEM;
	lex_occ *o = &t->o[t->no++];
	o->concept = (uint16_t) concept;
	o->form = (uint16_t)form;
	o->start = (uint16_t)start;
	o->end = (uint16_t)end;
	o->cost = (uint8_t)cost;
	o->negated = 0;
	return BOT_OK;
}

/* Whether instance IN matches the units from START exactly; the match's
 * cost (word typos included) goes to *COST. */
static int
inst_matches(const lexicon *lex, const struct inst *in, const lex_text *t, size_t start, int *cost)
{
	const uint32_t *k = lex->keys + in->first;
	int c = in->cost;

	if (start + in->n > t->nu)
		return 0;
	for (size_t i = 0; i < in->n; i++) {
		const lex_unit *u = &t->u[start + i];

		if (u->key != k[i] && !(u->key2 && u->key2 == k[i]))
			return 0;
		/* A Korean form does not run on from one word into a Latin
		 * word or across punctuation: those are units of their own. */
		if (u->cost > c && u->key == k[i])
			c = u->cost;
	}
	if ((in->flags & F_START) && !word_start(t, start))
		return 0;
	if ((in->flags & F_END) && !word_end(t, start + in->n - 1))
		return 0;
	*cost = c;
	return 1;
}

static bot_err
find_at(const lexicon *lex, lex_text *t, size_t i, uint64_t key)
{
	uint32_t cnt;
	const uint32_t *v = mm_get(&lex->first, key, &cnt);

	for (uint32_t k = 0; v && k < cnt; k++) {
		const struct inst *in = &lex->inst[v[k]];
		int cost;

		if (!inst_matches(lex, in, t, i, &cost))
			continue;
		if (in->flags & F_TRIGGER) {
			if (grow((void **)&t->trig, &t->cap_trig, t->ntrig + 1, sizeof(*t->trig)))
				return BOT_ERR_NOMEM;
			t->trig[t->ntrig++] = (uint32_t)in->form << 16 | (uint32_t)i;
			continue;
		}
		if (add_occ(t, in->concept, in->form, i, i + in->n, cost))
			return BOT_ERR_NOMEM;
	}
	return BOT_OK;
}

/* Every form that starts at each unit: one lookup for the one-unit forms,
 * one for the longer ones by their first two units (a word unit may have a
 * second key, a prefix form, so up to four pairs). */
static bot_err
find_exact(const lexicon *lex, lex_text *t)
{
	bot_err e;

	for (size_t i = 0; i < t->nu; i++) {
		const lex_unit *u = &t->u[i], *n = i + 1 < t->nu ? &t->u[i + 1] : NULL;
		uint32_t a[2] = {u->key, u->key2}, b[2] = {n ? n->key : 0, n ? n->key2 : 0};

		if (u->kind == LEX_HANGUL &&
		    !(lex->syl[(u->key & 0x0FFFFFFFu) - 0xAC00] & SY_FIRST))
			continue;

		for (int x = 0; x < 2; x++) {
			if (!a[x])
				continue;
			if ((e = find_at(lex, t, i, a[x])))
				return e;
			for (int y = 0; n && y < 2; y++) {
				if (b[y] && (e = find_at(lex, t, i, pair_key(a[x], b[y]))))
					return e;
			}
		}
	}
	return BOT_OK;
}

/* One syllable of the units from START differs from instance IN by one
 * jamo: returns its cost (JAMO_NEAR or JAMO_FAR), else 0. */
static int
inst_typo(const lexicon *lex, const struct inst *in, const lex_text *t, size_t start,
          size_t *diff_at)
{
	const uint32_t *k = lex->keys + in->first;
	size_t at = 0;
	int diff = 0, d;

	if (start + in->n > t->nu)
		return 0;
	for (size_t i = 0; i < in->n; i++) {
		const lex_unit *u = &t->u[start + i];

		if (u->kind != LEX_HANGUL)
			return 0;
		if (u->key != k[i]) {
			if (++diff > 1)
				return 0;
			at = start + i;
		}
	}
	if (!diff)
		return 0;
	d = jamo_distance(t->u[at].key & 0x0FFFFFFFu, k[at - start] & 0x0FFFFFFFu);
	if (d != JAMO_NEAR && d != JAMO_FAR)
		return 0;
	if ((in->flags & F_START) && !word_start(t, start))
		return 0;
	if ((in->flags & F_END) && !word_end(t, start + in->n - 1))
		return 0;
	*diff_at = at;
	return d;
}

static int
occ_known(const lex_text *t, size_t from, int concept, size_t start, size_t end)
{
	for (size_t i = from; i < t->no; i++) {
		if (t->o[i].concept == concept && t->o[i].start == start && t->o[i].end == end)
			return 1;
	}
	return 0;
}

/* Whether syllable C is a particle or an ending ("발행이", "잔액은"): a form
 * whose last syllable differs from the text only there is the text's word
 * plus its particle, not a typo of the form. */
static int
particle_like(uint32_t c)
{
	static const char syl[] =
	    "이가은는을를에의도만로와과랑고서요다게지야나니면며께한된인할될던든라죠네데"
	    "하해했합함되돼됐됨";

	for (size_t i = 0; i + 3 <= sizeof(syl) - 1; i += 3) {
		uint32_t p;

		decode((const unsigned char *)syl + i, 3, &p);
		if (p == c)
			return 1;
	}
	return 0;
}

/* Whether unit U lies inside one of the first N occurrences (the forms
 * found as written, and the near variants of two-syllable ones). */
static int
inside_found(const lex_text *t, size_t n, size_t u)
{
	/* they were found unit by unit: sorted by start */
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (t->o[mid].start <= u)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i-- > 0 && (size_t)t->o[i].start + FORM_MAX_UNITS > u;) {
		if (u < t->o[i].end)
			return 1;
	}
	return 0;
}

static bot_err
find_typos(const lexicon *lex, lex_text *t)
{
	size_t exact = t->no;

	for (size_t p = 0; p + 1 < t->nu; p++) {
		if (t->u[p].kind != LEX_HANGUL || t->u[p + 1].kind != LEX_HANGUL ||
		    !(lex->syl[(t->u[p].key & 0x0FFFFFFFu) - 0xAC00] & SY_ANCHOR))
			continue;
		for (int gap = 0; gap < 2; gap++) {
			uint32_t cnt;
			const uint32_t *v;
			size_t b = p + 1 + gap;

			if (b >= t->nu || t->u[b].kind != LEX_HANGUL)
				continue;
			v = mm_get(&lex->anchor, anchor_key(gap, t->u[p].key, t->u[b].key), &cnt);
			for (uint32_t k = 0; v && k < cnt; k++) {
				const struct inst *in = &lex->inst[v[k] >> 2];
				size_t off = v[k] & 3, start;
				int cost;

				if (off > p)
					continue;
				start = p - off;
				size_t at = 0;
				if (!(cost = inst_typo(lex, in, t, start, &at)))
					continue;
				/* The changed syllable is part of a word of its own
				 * ("발행실패" is not a typo of 발행일), a particle after
				 * a shorter word ("발행이"), or the end of the word
				 * before ("받은 금액" is not 쓴 금액): not a typo. */
				if (inside_found(t, exact, at) ||
				    (at == start + in->n - 1 &&
				     particle_like(t->u[at].key & 0x0FFFFFFFu)) ||
				    (at == start && !word_start(t, start)))
					continue;
				/* The changed last syllable and the word goes on with
				 * more than a particle: another word ("상담 시간" is not
				 * 상담사). */
				if (at == start + in->n - 1 && !word_end(t, at) &&
				    !particle_like(t->u[at + 1].key & 0x0FFFFFFFu))
					continue;
				/* The last of three syllables is where words change
				 * into other words (운영자, 운영하): only a near
				 * typo counts there. */
				if (in->n == 3 && at == start + 2 && cost != JAMO_NEAR)
					continue;
				/* Inside a word only a near typo is read: a form
				 * found in the middle of a word with a far change is
				 * the end of another word ("현금영수증 발급" is not
				 * 수정발급). */
				if (cost != JAMO_NEAR && !word_start(t, start))
					continue;
				if (occ_known(t, exact, in->concept, start, start + in->n))
					continue;
				/* The text is a word listed as no typo, or an exact
				 * form of another concept: not a typo. */
				uint32_t keys[FORM_MAX_UNITS], c2;
				for (size_t q = 0; q < in->n; q++)
					keys[q] = t->u[start + q].key;
				if (mm_get(&lex->not_typos, keys_hash(keys, in->n), &c2) ||
				    mm_get(&lex->exact_seq, keys_hash(keys, in->n), &c2))
					continue;
				if (add_occ(t, in->concept, in->form, start, start + in->n, cost))
					return BOT_ERR_NOMEM;
			}
		}
	}
	return BOT_OK;
}

static size_t
unit_at(const lex_text *t, size_t off)
{
	size_t lo = 0, hi = t->nu;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (t->u[mid].off + t->u[mid].len <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Runs regex form R anchored at unit U; adds what it matches. */
static bot_err
regex_at(const lexicon *lex, lex_text *t, const struct rx_form *r, size_t u, pcre2_match_data *md)
{
	PCRE2_SIZE *ov;
	size_t s, e;

	if (pcre2_match(r->re_at, (PCRE2_SPTR)t->text, t->len, t->u[u].off, 0, md,
	                lex->mctx) < 0)
		return BOT_OK;
	ov = pcre2_get_ovector_pointer(md);
	if (ov[1] <= ov[0])
		return BOT_OK;
	s = unit_at(t, ov[0]);
	e = unit_at(t, ov[1] - 1) + 1;
	if (s < e && e <= t->nu)
		return add_occ(t, r->concept, r->form, s, e, 0);
	return BOT_OK;
}

static bot_err
find_regex(const lexicon *lex, lex_text *t, pcre2_match_data *md)
{
	bot_err e;

	for (size_t k = 0; k < t->ntrig; k++) {
		if ((e = regex_at(lex, t, &lex->rx[t->trig[k] >> 16], t->trig[k] & 0xFFFF, md)))
			return e;
	}
	/* Where numbers are (a message with more than 64 has them read in
	 * the first 64). */
	size_t nums[64], nn = 0;

	for (size_t u = 0; u < t->nu && nn < sizeof(nums) / sizeof(nums[0]); u++) {
		if (t->u[u].kind == LEX_NUM)
			nums[nn++] = u;
	}
	for (size_t r = 0; r < lex->n_rx; r++) {
		const struct rx_form *rf = &lex->rx[r];

		for (size_t k = 0; rf->at_digit && k < nn; k++) {
			if ((e = regex_at(lex, t, rf, nums[k], md)))
				return e;
		}
		if (rf->at_digit || rf->has_at)
			continue;
		/* Nowhere to anchor it: over the whole text. */
		for (size_t at = 0; at < t->len;) {
			PCRE2_SIZE *ov;

			if (rx_match(rf->re, t->text, t->len, at, md, lex->mctx) < 0)
				break;
			ov = pcre2_get_ovector_pointer(md);
			if (ov[1] <= ov[0]) {
				at = ov[0] + 1;
				continue;
			}
			size_t s = unit_at(t, ov[0]), en = unit_at(t, ov[1] - 1) + 1;
			if (s < en && en <= t->nu &&
			    (e = add_occ(t, rf->concept, rf->form, s, en, 0)))
				return e;
			at = ov[1];
		}
	}
	return BOT_OK;
}

static int
occ_cmp(const void *a, const void *b)
{
	const lex_occ *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1; /* longer first */
	if (x->concept != y->concept)
	return x->concept < y->concept ? -1 : 1;
	return x->cost - y->cost;
}

/* Keeps, per concept, the occurrences no other of the same concept
 * contains (and the cheaper of two on the same units); drops a typo that
 * lies inside an exact form of another concept (the text is that word).
 * Sorted by start, longer first, so a container comes before what it
 * contains and lies at most FORM_MAX_UNITS starts back. */
static void
dedupe(lex_text *t)
{
	size_t o = 0;

	/* Nearly sorted already (found unit by unit): insertion sort. */
	for (size_t i = 1; i < t->no; i++) {
		lex_occ x = t->o[i];
		size_t j = i;

		while (j > 0 && occ_cmp(&t->o[j - 1], &x) > 0) {
			t->o[j] = t->o[j - 1];
			j--;
		}
		t->o[j] = x;
	}
	for (size_t i = 0; i < t->no; i++) {
		const lex_occ *x = &t->o[i];

		for (size_t j = i; j-- > 0;) {
			const lex_occ *y = &t->o[j];

			if (y->start + FORM_MAX_UNITS < x->start)
				break;
			if (y->end < x->end)
				continue;
			if ((y->concept == x->concept) || (x->cost && !y->cost)) {
				t->o[i].negated = 2; /* dropped */
				break;
			}
		}
		/* A short word read as a typo is not one when it overlaps a word
		 * spelled right ("카드는" holds 카드, not 뜨는; "충전하" holds 충전,
		 * not 전화). */
		if (x->cost && x->end - x->start == 2 && t->o[i].negated != 2) {
			for (size_t j = i; j-- > 0 && t->o[j].start + FORM_MAX_UNITS > x->start;) {
				const lex_occ *y = &t->o[j];
				if (!y->cost && y->concept != x->concept && y->end > x->start) {
					t->o[i].negated = 2;
					break;
				}
			}
			for (size_t j = i + 1; j < t->no && t->o[j].start < x->end; j++) {
				const lex_occ *y = &t->o[j];
				if (!y->cost && y->concept != x->concept && t->o[i].negated != 2)
					t->o[i].negated = 2;
			}
		}
	}
	for (size_t i = 0; i < t->no; i++) {
		if (t->o[i].negated != 2)
			t->o[o++] = t->o[i];
	}
	t->no = o;
}

/* The syllable before the last of the word ending at unit J, or 0. */
static uint32_t
prev_syllable(const lex_text *t, size_t j)
{
	if (j == 0 || (t->u[j].flags & LEX_SPACE) || t->u[j - 1].kind != LEX_HANGUL)
		return 0;
	return t->u[j - 1].key & 0x0FFFFFFFu;
}

static size_t
word_len(const lex_text *t, size_t j)
{
	size_t n = 1;

	while (j >= n && t->u[j - n + 1].kind == LEX_HANGUL &&
	       !(t->u[j - n + 1].flags & LEX_SPACE) && t->u[j - n].kind == LEX_HANGUL)
		n++;
	return n;
}

/* Whether a word ending in syllables P C ends a clause: 2 for a reason or
 * background (-ㄴ데 as in 했는데/인데, -던데, -아서/-어서 as in 해서/라서/돼서,
 * 때문에, -니까), 1 for a plain join (-고 after a verb, -지만, -면서, -랑), else
 * 0. Nouns that end the same way stay whole: 광고 and 잔고 are not -고,
 * 계산서, 청구서 and 명세서 are not -서. */
static int
connective(uint32_t c, uint32_t p)
{
	static const uint32_t go_after[] = {
	    0xD558 /* 하 */,         0xB418 /* 되 */, 0xB3FC /* 돼 */, 0xD588 /* 했 */,
	    0xB410 /* 됐 */,         0xC788 /* 있 */, 0xC5C6 /* 없 */, 0xBC1B /* 받 */,
	    0xC558 /* 았 */,         0xC5C8 /* 었 */, 0xC600 /* 였 */, 0xACA0 /* 겠 */,
	    0xC774 /* 이 */,         0xC54A /* 않 */, 0xC2F6 /* 싶 */, 0xC654 /* 왔 */,
	    0xAC14 /* 갔 */,         0xBD24 /* 봤 */, 0xC92C /* 줬 */, 0xB0AC /* 났 */,
	    0xC2DC /* 시: 주시고 */, 0xC168 /* 셨 */,
	};
	int pi = 0, pv = 0, pf = 0;

	if (!p || (c != 0xB370 && c != 0xC11C && c != 0xC5D0 && c != 0xAE4C && c != 0xACE0 &&
	           c != 0xB9CC && c != 0xB791))
		return 0;
	jamo_split(p, &pi, &pv, &pf);
	if (c == 0xB370 /* 데 */ && (pf == 4 /* ㄴ */ || p == 0xB358 /* 던 */))
		return 2;
	if (c == 0xC11C /* 서 */ && pf == 0 &&
	    (pv == 0 || pv == 1 || pv == 3 || pv == 4 || pv == 6 || pv == 9 || pv == 10 ||
	     pv == 11 || pv == 14))
		return 2;
	if ((c == 0xC5D0 /* 에 */ && p == 0xBB38 /* 문 */) || (c == 0xAE4C /* 까 */ && p == 0xB2C8))
		return 2;
	if (c == 0xACE0 /* 고 */) {
		for (size_t i = 0; i < sizeof(go_after) / sizeof(go_after[0]); i++) {
			if (go_after[i] == p)
				return 1;
		}
		return 0;
	}
	if ((c == 0xB9CC /* 만 */ && p == 0xC9C0 /* 지 */) ||
	    (c == 0xC11C && p == 0xBA74 /* 면 */) || c == 0xB791 /* 랑 */)
		return 1;
	return 0;
}

/* Marks sentence and clause ends on the units. A sentence ends at . ? ! ~
 * or at a word ending a polite sentence (...요, ...니다, ...니까, ...죠)
 * when more follows; a clause ends at , ; and at the connective endings
 * (...는데, ...해서/라서, ...고, ...지만, ...면서, 때문에, ...랑), the first two
 * kinds marking background. */
static void
mark_ends(lex_text *t)
{
	for (size_t j = 0; j < t->nu; j++) {
		lex_unit *u = &t->u[j];
		uint32_t c = u->key & 0x0FFFFFFFu, p;
		int more = j + 1 < t->nu;

		if (u->kind == LEX_PUNCT) {
			/* "10/1~10/15" and "3.5" are not sentence ends */
			int between_numbers = j > 0 && more && t->u[j - 1].kind == LEX_NUM &&
			                      t->u[j + 1].kind == LEX_NUM;
			if (((c == '.' || c == '~') && !between_numbers) || c == '?' || c == '!')
				u->flags |= LEX_SENT_END | LEX_CLAUSE_END;
			else if (c == ',' || c == ';')
				u->flags |= LEX_CLAUSE_END;
			continue;
		}
		if (u->kind == LEX_WORD && j > 0) {
			const char *w = t->text + u->off;
			size_t n = u->len;
			if ((n == 3 && !memcmp(w, "and", 3)) || (n == 3 && !memcmp(w, "but", 3)) ||
			    (n == 4 && !memcmp(w, "also", 4)) ||
			    (n == 4 && !memcmp(w, "plus", 4)) ||
			    (n == 7 && !memcmp(w, "because", 7)) || (n == 2 && !memcmp(w, "so", 2)))
				t->u[j - 1].flags |= LEX_CLAUSE_END;
			continue;
		}
		if (u->kind != LEX_HANGUL || !word_end(t, j) || !more)
			continue;
		if (t->u[j + 1].kind == LEX_PUNCT)
			continue; /* the punctuation decides */
		p = prev_syllable(t, j);
		if ((c == 0xC694 /* 요 */ && p != 0xD544 /* 필 */ && p != 0xC911 /* 중 */) ||
		    (c == 0xB2E4 /* 다 */ && p == 0xB2C8 /* 니 */) ||
		    (c == 0xAE4C /* 까 */ && p == 0xB2C8) || c == 0xC8E0 /* 죠 */) {
			u->flags |= LEX_SENT_END | LEX_CLAUSE_END;
			continue;
		}
		if (c == 0xBC0F /* 및: "A 및 B" */) {
			if (j > 0)
				t->u[j - 1].flags |= LEX_CLAUSE_END;
			continue;
		}
		if (word_len(t, j) < 2)
			continue;
		if (connective(c, p) == 2)
			u->flags |= LEX_CLAUSE_END | LEX_BACKGROUND;
		else if (connective(c, p) == 1)
			u->flags |= LEX_CLAUSE_END;
	}
	if (t->nu)
		t->u[t->nu - 1].flags |= LEX_SENT_END | LEX_CLAUSE_END;
}

static bot_err
add_span(lex_span **v, size_t *n, size_t *cap, size_t start, size_t end, int asking, int bg)
{
	if (grow((void **)v, cap, *n + 1, sizeof(**v)))
		return BOT_ERR_NOMEM;
	(*v)[*n].start = (uint16_t)start;
	(*v)[*n].end = (uint16_t)end;
	(*v)[*n].asking = (uint8_t)asking;
	(*v)[*n].background = (uint8_t)bg;
	(*n)++;
	return BOT_OK;
}

static bot_err
split_spans(const lexicon *lex, lex_text *t)
{
	size_t s0 = 0, c0 = 0, oi = 0;

	t->ns = t->nc = 0;
	for (size_t j = 0; j < t->nu; j++) {
		const lex_unit *u = &t->u[j];

		if (u->flags & LEX_CLAUSE_END) {
			if (add_span(&t->clause, &t->nc, &t->cap_c, c0, j + 1, 0,
			             !!(u->flags & LEX_BACKGROUND)))
				return BOT_ERR_NOMEM;
			c0 = j + 1;
		}
		if (u->flags & LEX_SENT_END) {
			int asking = 0;

			for (size_t k = s0; k <= j && !asking; k++)
				asking = t->u[k].kind == LEX_PUNCT && (t->u[k].key & 0xFFFF) == '?';
			while (oi < t->no && t->o[oi].start < s0)
				oi++;
			for (size_t k = oi; k < t->no && t->o[k].start <= j && !asking; k++)
			asking = (int)t->o[k].concept == lex->c_ask ||
			         (int)t->o[k].concept == lex->c_request;
			if (add_span(&t->sent, &t->ns, &t->cap_s, s0, j + 1, asking, 0))
				return BOT_ERR_NOMEM;
			s0 = j + 1;
		}
	}
	return BOT_OK;
}

/* "환불 말고 충전": the word before NEGATE is not asked about; "instead of
 * X": what follows NEGATE_NEXT to the end of its clause. */
static void
mark_negated(const lexicon *lex, lex_text *t)
{
	for (size_t i = 0; i < t->no; i++) {
		const lex_occ *n = &t->o[i];
		size_t from = 0, to = 0;

		if ((int)n->concept == lex->c_negate) {
			/* "쓰던 가상계좌 말고 새 계좌로": instead of the old one, a new
			 * one of the same: nothing is taken back */
			int keep = 0;
			for (size_t k = i + 1; k < t->no && t->o[k].start == t->o[i + 1].start; k++)
			keep |= (int)t->o[k].concept == lex->c_again ||
			        (int)t->o[k].concept == lex->c_other;
			if (keep)
				continue;
			/* the word before it ("아니 환불 말고 충전이요"), or the
			 * one it ends ("환불말고") */
			to = n->start;
			from = to;
			if (from > 0 && (from == 0 || (t->u[from].flags & LEX_SPACE)))
				from--;
			while (from > 0 && !(t->u[from].flags & LEX_SPACE) &&
			       t->u[from - 1].kind != LEX_PUNCT)
				from--;
		} else if ((int)n->concept == lex->c_negate_next) {
			from = n->end;
			to = t->nu;
			for (size_t c = 0; c < t->nc; c++) {
				if (t->clause[c].start <= n->start && n->start < t->clause[c].end)
					to = t->clause[c].end;
			}
		} else {
			continue;
		}
		for (size_t k = 0; k < t->no; k++) {
			if (k != i && t->o[k].start >= from && t->o[k].end <= to)
				t->o[k].negated = 1;
		}
	}
}

bot_err
lexicon_analyse(const lexicon *lex, const char *text, size_t len, lex_text *t)
{
	bot_err e;

	t->text = text;
	t->len = len;
	t->no = 0;
	t->ntrig = 0;
	if ((e = tokenize(text, len, &t->u, &t->nu, &t->cap_u)))
		return e;
	for (size_t i = 0; i < t->nu; i++) {
		lex_unit *u = &t->u[i];
		char st[WORD_MAX];

		if (u->kind != LEX_WORD)
			continue;
		if (u->len >= WORD_MAX) {
			u->key = KEY(LEX_WORD, 0);
			continue;
		}
		size_t sl = en_stem(text + u->off, u->len, st);
		uint32_t id = word_find(lex, st, sl), c;
		u->key2 = lex->n_prefixes ? prefix_find(lex, text + u->off, u->len) : 0;
		if (u->key2)
			u->key2 = KEY(LEX_WORD, u->key2);
		if (!id && !u->key2 && u->len >= FUZZY_MIN_WORD &&
		    !mm_get(&lex->not_typos, str_hash(text + u->off, u->len), &c))
			id = word_typo(lex, text + u->off, u->len, &u->cost);
		/* An unknown word has no key: nothing starts with it. */
		u->key = id ? KEY(LEX_WORD, id) : 0;
	}
	if ((e = find_exact(lex, t)) || (e = find_typos(lex, t)))
		return e;
	if (lex->n_rx) {
		if (!t->md && !(t->md = pcre2_match_data_create(16, NULL)))
			return BOT_ERR_NOMEM;
		if ((e = find_regex(lex, t, t->md)))
			return e;
	}
	dedupe(t);
	mark_ends(t);
	if ((e = split_spans(lex, t)))
		return e;
	mark_negated(lex, t);
	return BOT_OK;
}
