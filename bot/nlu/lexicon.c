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
#include "lexicon_int.h"

#include <stdlib.h>
#include <string.h>

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
	for (i = 0; i < lex->n_rx; i++) {
		pcre2_code_free(lex->rx[i].re);
		pcre2_code_free(lex->rx[i].re_at);
	}
	free(lex->rx);
	pcre2_match_data_free(lex->md);
	pcre2_match_context_free(lex->mctx);
	free(lex->sig);
	free(lex);
}

bot_err
lex_grow(void **p, size_t *cap, size_t need, size_t size)
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

bot_err
lexicon_analyse(const lexicon *lex, const char *text, size_t len, lex_text *t)
{
	bot_err e;

	t->text = text;
	t->len = len;
	t->no = 0;
	t->ntrig = 0;
	if ((e = lex_tokenize(text, len, &t->u, &t->nu, &t->cap_u)))
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
		size_t sl = lex_en_stem(text + u->off, u->len, st);
		uint32_t id = word_find(lex, st, sl), c;
		u->key2 = lex->n_prefixes ? prefix_find(lex, text + u->off, u->len) : 0;
		if (u->key2)
			u->key2 = KEY(LEX_WORD, u->key2);
		if (!id && !u->key2 && u->len >= FUZZY_MIN_WORD &&
		    !mm_get(&lex->not_typos, lex_str_hash(text + u->off, u->len), &c))
			id = word_typo(lex, text + u->off, u->len, &u->cost);
		/* An unknown word has no key: nothing starts with it. */
		u->key = id ? KEY(LEX_WORD, id) : 0;
	}
	if ((e = lex_find_exact(lex, t)) || (e = lex_find_typos(lex, t)))
		return e;
	if (lex->n_rx) {
		if (!t->md && !(t->md = pcre2_match_data_create(16, NULL)))
			return BOT_ERR_NOMEM;
		if ((e = lex_find_regex(lex, t, t->md)))
			return e;
	}
	lex_dedupe(t);
	lex_mark_ends(t);
	if ((e = lex_split_spans(lex, t)))
		return e;
	lex_mark_negated(lex, t);
	return BOT_OK;
}
