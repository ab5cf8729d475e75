/* Filling the slots of a hit from the concepts and "find" patterns of its
 * window.
 * (see intent_slots.h). */
#include "intent_slots.h"

#include <dirent.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "learn.h"
#include "lexicon.h"
#include "log.h"
#include "normalize.h"
#include "rx.h"
#include "slot.h"

#include "intent_file.h"
#include "intent_followup.h"
#include "intent_hits.h"
#include "intent_int.h"

/* ---- slots ---- */

static void
set_slot(json_t *slots, json_t *words, const char *name, const char *val, const char *w,
         size_t wlen)
{
	json_object_set_new(slots, name, json_string(val));
	/* Dates typed as dates are said by the answer's own dates. */
	if (words && w && !slot_words_dated(w, wlen))
		json_object_set_new(words, name, json_stringn(w, wlen));
}

/* Occurrence K continues a phrase of SD's concept that ends at unit RE:
 * nothing but a connective of at most PHRASE_GAP units between them
 * ("어제랑 오늘", "10월 1일부터 15일까지", "last week and this week"). */
#define PHRASE_GAP 2

static int
same_concept(const lex_occ *o, const struct slot_def *sd)
{
	return o->concept == sd->concept && !o->negated;
}

/* A slot from the occurrences of its concept: the first one in units
 * [WS, WE) anchors the phrase, which then takes in the adjacent ones on
 * both sides, inside the window or not, so that a window cut between two
 * halves of "어제랑 오늘" still reads both. */
static int
slot_from_concept(const lex_text *t, const struct slot_def *sd, size_t ws, size_t we, time_t now,
                  json_t *slots, json_t *words)
{
	size_t i = occ_from(t, ws);

	while (i < t->no && t->o[i].start < we) {
		const lex_occ *o = &t->o[i];
		size_t rs, re, j, k;
		char val[SLOT_VALUE_MAX];

		if (!same_concept(o, sd) || o->end > we) {
			i++;
			continue;
		}
		rs = o->start;
		re = o->end;
		for (k = i; k-- > 0;) {
			if (same_concept(&t->o[k], sd) && t->o[k].start < rs &&
			    (size_t)t->o[k].end + PHRASE_GAP >= rs)
				rs = t->o[k].start;
		}
		for (j = i + 1; j < t->no && t->o[j].start <= re + PHRASE_GAP; j++) {
			if (same_concept(&t->o[j], sd) && t->o[j].end > re)
				re = t->o[j].end;
		}
		size_t b0 = t->u[rs].off, b1 = t->u[re - 1].off + t->u[re - 1].len;
		if (slot_canonicalize(sd->canon, t->text + b0, b1 - b0, now, val, sizeof(val)) ==
		    BOT_OK) {
			set_slot(slots, words, sd->name, val, t->text + b0, b1 - b0);
			return 1;
		}
		i = j;
	}
	return 0;
}

static int
slot_from_find(const intent_set *set, struct scratch *s, const struct slot_def *sd,
               const char *subj, size_t b0, size_t b1, time_t now, json_t *slots, json_t *words)
{
	for (size_t k = 0; k < sd->n_find; k++) {
		char cap[256], val[SLOT_VALUE_MAX];
		PCRE2_SIZE clen = sizeof(cap);

		if (rx_match(sd->find[k].re, subj + b0, b1 - b0, 0, s->md, set->mctx) < 0)
			continue;
		if (pcre2_substring_copy_byname(s->md, (PCRE2_SPTR)sd->name, (PCRE2_UCHAR *)cap,
		                                &clen) != 0)
			continue;
		if (slot_canonicalize(sd->canon, cap, clen, now, val, sizeof(val)) != BOT_OK)
			continue;
		set_slot(slots, words, sd->name, val, cap, clen);
		return 1;
	}
	return 0;
}

/* Fills IT's slots, looking first in the hit's window, then in its
 * sentence, then in the whole message. */
void
intent_fill_slots(const intent_set *set, struct scratch *s, const struct intent *it,
                  const lex_text *t, size_t ws, size_t we, size_t sent, time_t now, json_t *slots,
                  json_t *words)
{
	size_t win[3][2] = {{ws, we}, {0, 0}, {0, t->nu}};

	if (t->ns && sent < t->ns) {
		win[1][0] = t->sent[sent].start;
		win[1][1] = t->sent[sent].end;
	}
	for (size_t k = 0; k < it->n_slots; k++) {
		const struct slot_def *sd = &it->slots[k];

		if (json_object_get(slots, sd->name))
			continue;
		for (int w = 0; w < 3; w++) {
			size_t a = win[w][0], b = win[w][1];

			if (a >= b || b > t->nu)
				continue;
			if (sd->concept >= 0 && slot_from_concept(t, sd, a, b, now, slots, words))
				break;
			if (sd->n_find &&
			    slot_from_find(set, s, sd, t->text, t->u[a].off,
			                   t->u[b - 1].off + t->u[b - 1].len, now, slots, words))
				break;
		}
	}
}
