/* Declarations shared by the modules of the lexicon (lexicon.c: loading
 * entry, accessors and the analysis pipeline; lex_index.c: the multimap;
 * lex_words.c: English words, typo lookup and tokenising; lex_load.c: forms
 * and their typo variants; lex_match.c: finding occurrences; lex_clause.c:
 * sentences, clauses and negation). Not part of the interface (lexicon.h). */
#ifndef BOT_LEXICON_INT_H
#define BOT_LEXICON_INT_H

#include <stddef.h>
#include <stdint.h>

#include "jamo.h"
#include "lex_index.h"
#include "lexicon.h"
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
	pcre2_code *re;    /* owned */
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

/* One UTF-8 character of S (N bytes left) into *CP; its length. Malformed
 * bytes read as U+FFFD, one byte each. */
static inline size_t
lex_decode(const unsigned char *s, size_t n, uint32_t *cp)
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

/* Forms of two units or more are indexed by their first two. */
static inline uint64_t
lex_pair_key(uint32_t a, uint32_t b)
{
	return (1ull << 63) | ((uint64_t)a << 32) | b;
}

/* A typo anchor's key: two syllables of a form and GAP, how they stand
 * (lex_load.c, add_anchors). */
static inline uint64_t
lex_anchor_key(int gap, uint32_t a, uint32_t b)
{
	return ((uint64_t)gap << 62) | ((uint64_t)(a & 0x1FFFFF) << 21) | (b & 0x1FFFFF);
}

/* 1 when unit J ends a word. */
static inline int
word_end(const lex_text *t, size_t j)
{
	return j + 1 >= t->nu || (t->u[j + 1].flags & LEX_SPACE) || t->u[j + 1].kind != LEX_HANGUL;
}

/* lexicon.c */
bot_err lex_grow(void **p, size_t *cap, size_t need, size_t size);

/* lex_words.c: English words, typo lookup, tokenising */
size_t lex_en_stem(const char *w, size_t n, char *out);
uint32_t word_find(const lexicon *lex, const char *s, size_t n);
uint32_t word_find_linear(const lexicon *lex, const char *s, size_t n);
bot_err word_intern(lexicon *lex, const char *s, size_t n, uint32_t *id);
uint32_t prefix_find(const lexicon *lex, const char *w, size_t n);
uint64_t lex_del_hash(const char *w, size_t n, size_t skip);
uint32_t word_typo(const lexicon *lex, const char *w, size_t n, uint8_t *cost);
bot_err lex_tokenize(const char *text, size_t len, lex_unit **u, size_t *nu, size_t *cap);

/* lex_match.c: occurrences */
bot_err lex_find_exact(const lexicon *lex, lex_text *t);
bot_err lex_find_typos(const lexicon *lex, lex_text *t);
bot_err lex_find_regex(const lexicon *lex, lex_text *t, pcre2_match_data *md);
void lex_dedupe(lex_text *t);

/* lex_clause.c: sentences, clauses, negation */
void lex_mark_ends(lex_text *t);
bot_err lex_split_spans(const lexicon *lex, lex_text *t);
void lex_mark_negated(const lexicon *lex, lex_text *t);

#endif
