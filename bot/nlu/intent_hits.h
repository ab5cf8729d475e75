/* Finding hits: the rules and patterns of every intent tried on the
 * clauses, sentences and wider windows of an analysed message. */
#ifndef BOT_INTENT_HITS_H
#define BOT_INTENT_HITS_H

#include "intent_int.h"

/* The first occurrence starting at or after unit U. */
size_t occ_from(const lex_text *t, size_t u);

void ws_fill(struct wstate *w, const lex_text *t, size_t start, size_t end);

/* The best rule of IT on window W: fills H and returns 1, or 0. */
int best_rule(const intent_set *set, const struct intent *it, const struct wstate *w, const cset *nots, const lex_text *t, struct hit *h);

size_t utf8_chars(const char *s, size_t n);

/* Every hit on the analysed text T, into S->hits. */
bot_err find_hits(const intent_set *set, struct scratch *s, const lex_text *t, const char *subj, size_t slen);

int hit_cmp(const void *a, const void *b);

int hits_overlap(const struct hit *a, const struct hit *b);

uint16_t hit_first(const struct hit *h);
#endif
