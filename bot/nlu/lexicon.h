/* The lexicon: concepts shared by every intent (intents/lexicon.json).
 *
 * A concept (REFUND, CARD, FAILED, PERIOD, ...) is a set of forms in Korean
 * and English, so a synonym is added once and every intent that uses the
 * concept understands it. A form is one of
 *   - Korean, matched syllable by syllable with spaces ignored ("안 와요" and
 *     "안와요" are the same), anywhere inside words ("결제했는데" holds 결제);
 *   - English words, matched as whole words after the same stemming on both
 *     sides ("refunds", "refunded", "refunding" are "refund"), several words
 *     in a row ("virtual account"), or a prefix ("reissu*");
 *   - a PCRE2 pattern ({"re": "...", "at": [words]}) for what a word list
 *     cannot say: numbers, dates, ranges. It is tried anchored at each
 *     number (when it can start with a digit) and at each of its "at"
 *     words; a pattern with neither runs over the whole text.
 * A "^" before a form anchors it at the start of a word, a "$" after it at
 * the end of one; a "~" before it turns typo tolerance off for that form; a
 * "-" after a Korean form makes it a verb stem whose last syllable may take
 * the final of an ending ("안오-" also reads 안온, 안올, 안옴, 안옵).
 *
 * Typo tolerance is computed, not listed. A Korean form of three or more
 * syllables also matches text one jamo away (any one of initial, vowel or
 * final changed, added or dropped); one of two syllables matches only a
 * near change (jamo.h: ㅔ/ㅐ, ㅓ/ㅕ, a double consonant typed single, ...).
 * An English word of five or more letters matches a word one edit away
 * (a letter changed, added, dropped or two swapped). Words listed in
 * "not_typos" are never read as a typo of something else.
 *
 * Reserved concept names the analysis uses when the file defines them: ASK
 * and REQUEST (a sentence holding one asks something), NEGATE (what comes
 * before it in its sentence is not asked about: "환불 말고"), NEGATE_NEXT
 * (what follows it in its clause: "instead of refunds"), AGAIN and OTHER
 * (after NEGATE they keep what it would take back: "쓰던 가상계좌 말고 새 계좌로").
 *
 * Analysis (lexicon_analyse) turns normalised text into units (syllables,
 * words, numbers, punctuation), splits it into sentences and clauses, and
 * lists every concept occurrence with the form and the typo cost. */
#ifndef BOT_LEXICON_H
#define BOT_LEXICON_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

typedef struct lexicon lexicon;

#define LEX_MAX_CONCEPTS 128
/* Units of one analysed text: normalised text is capped well below this. */
#define LEX_MAX_UNITS 16384

enum lex_kind { LEX_HANGUL = 1, LEX_WORD, LEX_NUM, LEX_PUNCT, LEX_OTHER };

/* Unit flags. */
#define LEX_SPACE 0x01      /* a space comes before this unit */
#define LEX_SENT_END 0x02   /* the last unit of a sentence */
#define LEX_CLAUSE_END 0x04 /* the last unit of a clause (sentences end clauses too) */
#define LEX_BACKGROUND                                                                             \
	0x08 /* on a clause's last unit: the clause gives a reason or background                   \
	        ("...했는데", "...라서", "because ...") */

typedef struct lex_unit {
	uint32_t off, len; /* bytes in the normalised text */
	uint32_t key;      /* kind and value (see lexicon.c) */
	uint32_t key2;     /* a word's second key (a prefix form), else 0 */
	uint8_t kind;      /* enum lex_kind */
	uint8_t flags;
	uint8_t cost; /* a word read as a typo of a lexicon word: its cost */
	uint8_t pad;
} lex_unit;

typedef struct lex_occ {
	uint16_t concept;
	uint16_t form;       /* the form as written (lexicon_form_text) */
	uint16_t start, end; /* units [start, end) */
	uint8_t cost;        /* 0 exact, 1 near typo, 2 other typo */
	uint8_t negated;     /* inside "X 말고" / "instead of X": not asked about */
} lex_occ;

typedef struct lex_span {
	uint16_t start, end; /* units [start, end) */
	uint8_t asking; /* a sentence that asks or requests (question mark, 나요, 주세요, how...) */
	uint8_t background; /* a clause that gives a reason or background */
} lex_span;

/* One analysed text. Zero-initialise; the arrays are reused from one call
 * to the next and freed by lex_text_free(). */
typedef struct lex_text {
	const char *text; /* borrowed: the normalised text analysed */
	size_t len;
	lex_unit *u;
	size_t nu, cap_u;
	lex_occ *o; /* sorted by start */
	size_t no, cap_o;
	lex_span *sent, *clause;
	size_t ns, nc, cap_s, cap_c;
	void *md;       /* PCRE2 match data for the regex forms */
	uint32_t *trig; /* where regex forms may start: form << 16 | unit */
	size_t ntrig, cap_trig;
} lex_text;

/* Loads PATH. On failure writes "PATH: why" into ERR and *OUT stays NULL.
 * Caller owns *OUT (lexicon_free). Immutable after load. */
bot_err lexicon_load(const char *path, lexicon **out, char *err, size_t errlen);
void lexicon_free(lexicon *lex);

size_t lexicon_concept_count(const lexicon *lex);
/* The concept named NAME, or -1. */
int lexicon_concept(const lexicon *lex, const char *name);
const char *lexicon_concept_name(const lexicon *lex, int concept);
/* 1 when the file lists concept C under "followup": a word a follow-up
 * question may hold whatever it follows ("그럼", "다른", "계정"). */
int lexicon_followup(const lexicon *lex, int concept);
/* A form as written in the file (borrowed). */
const char *lexicon_form_text(const lexicon *lex, int form);

/* Analyses LEN bytes of normalised text (normalize_text) into T. The text
 * must outlive T's use. BOT_ERR_NOMEM only. */
bot_err lexicon_analyse(const lexicon *lex, const char *text, size_t len, lex_text *t);
void lex_text_free(lex_text *t);

/* Sizes, for the benchmark and `botd check`: forms, typo variants indexed. */
void lexicon_stats(const lexicon *lex, size_t *forms, size_t *variants);

#endif
