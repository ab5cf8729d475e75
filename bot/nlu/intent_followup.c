/* Follow-ups and corrections: a short message read in the context of the
 * intent answered before ("그럼 지난달은요?", "아니 환불 말고 충전이요").
 * (see intent_followup.h). */
#include "intent_followup.h"

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
#include "intent_hits.h"
#include "intent_slots.h"
#include "intent_int.h"

/* ---- follow-ups and corrections ---- */

int
intent_index(const intent_set *set, const char *id)
{
	for (size_t i = 0; id && i < set->n; i++) {
		if (!strcmp(set->v[i].id, id))
			return (int)i;
	}
	return -1;
}

/* A period said relative to the previous one ("그 전 주도요", "1일부터
 * 10일까지도요"): resolved against CTX's period into SLOTS. */
void
relative_period(const intent_set *set, const struct intent *it, const lex_text *t,
                const intent_context *ctx, time_t now, json_t *slots, json_t *words)
{
	const char *prev = json_string_value(json_object_get(ctx->slots, "period"));

	if (!prev)
		return;
	for (size_t k = 0; k < it->n_slots; k++) {
		const struct slot_def *sd = &it->slots[k];

		if (sd->canon != SLOT_CANON_PERIOD || sd->concept < 0)
			continue;
		for (size_t i = 0; i < t->no; i++) {
			const lex_occ *o = &t->o[i];
			size_t re = o->end, j;
			char val[SLOT_VALUE_MAX];

			if (o->concept != sd->concept || o->negated)
				continue;
			for (j = i + 1; j < t->no && t->o[j].start <= re + 2; j++) {
				if (t->o[j].concept == sd->concept && t->o[j].end > re)
					re = t->o[j].end;
			}
			size_t b0 = t->u[o->start].off, b1 = t->u[re - 1].off + t->u[re - 1].len;
			if (slot_period_relative(t->text + b0, b1 - b0, prev, now, val,
			                         sizeof(val)) == BOT_OK) {
				json_object_set_new(slots, sd->name, json_string(val));
				json_object_set_new(words, sd->name,
				                    json_stringn(t->text + b0, b1 - b0));
				return;
			}
			i = j - 1;
		}
	}
	(void)set;
}

/* Understands T (not understood on its own) in the context of the previous
 * turn. Returns 1 when it did (RES filled), 0 otherwise. */
int
classify_in_context(const intent_set *set, struct scratch *s, const lex_text *t, time_t now,
                    const intent_context *ctx, intent_result *res)
{
	int pi = intent_index(set, ctx->intent), neg = 0, c_negate;
	cset pos = {{0, 0}}, negs = {{0, 0}}, prev = {{0, 0}};
	const struct intent *pit;

	if (pi < 0 || set->v[pi].only || !t->nu)
		return 0;
	pit = &set->v[pi];
	c_negate = lexicon_concept(set->lex, "NEGATE");
	/* English "refunds not top-ups": after "not", what is not meant (read
	 * so only here, in a conversation: alone "not" is mostly part of a
	 * complaint, "message not arriving"). */
	size_t not_at = t->nu;
	for (size_t i = 0; i < t->nu; i++) {
		if (t->u[i].kind == LEX_WORD && t->u[i].len == 3 &&
		    !memcmp(t->text + t->u[i].off, "not", 3) && i + 1 < t->nu) {
			not_at = i;
			neg = 1;
			break;
		}
	}
	for (size_t i = 0; i < t->no; i++) {
		const lex_occ *o = &t->o[i];
		int inside = 0;

		/* a part of a compound ("광고" in "광고계정") says nothing new */
		for (size_t k = 0; k < t->no && !inside; k++)
		inside = k != i && t->o[k].concept != o->concept && !t->o[k].negated &&
		         t->o[k].start <= o->start && o->end <= t->o[k].end &&
		         t->o[k].end - t->o[k].start > o->end - o->start;
		if ((int)o->concept == c_negate)
			neg = 1;
		else if (o->negated || o->start > not_at)
			cs_add(&negs, o->concept);
		else if (!inside)
			cs_add(&pos, o->concept);
	}
	if (ctx->text && ctx->len && normalize_text(ctx->text, ctx->len, &s->nb2) == BOT_OK &&
	    lexicon_analyse(set->lex, s->nb2.data, s->nb2.len, &s->t2) == BOT_OK) {
		for (size_t i = 0; i < s->t2.no; i++) {
			if (!s->t2.o[i].negated)
				cs_add(&prev, s->t2.o[i].concept);
		}
	}
	/* What is negated was not in the previous question ("쓰던 가상계좌
	 * 말고" after a question about refunds): not a correction of it. */
	if (neg && !cs_empty(&negs) && !cs_meets(&negs, &prev))
		return 0;
	if (neg) {
		/* A correction: the previous question, less what is negated,
		 * plus what is asked instead. */
		struct wstate w;
		struct hit best, h;
		int found = -1;

		memset(&w, 0, sizeof(w));
		w.mask.w[0] = (prev.w[0] & ~negs.w[0]) | pos.w[0];
		w.mask.w[1] = (prev.w[1] & ~negs.w[1]) | pos.w[1];
		/* Rules need an occurrence per concept only for its place and
		 * cost; a synthetic one at unit 0 with no cost does. */
		lex_occ fake[LEX_MAX_CONCEPTS];
		lex_text ft = *t;
		int n = 0;
		for (int c = 0; c < (int)lexicon_concept_count(set->lex); c++) {
			if (!cs_has(&w.mask, c))
				continue;
			fake[n].concept = (uint16_t)c;
			fake[n].form = 0;
			fake[n].start = 0;
			fake[n].end = 1;
			fake[n].cost = 0;
			fake[n].negated = 0;
			w.best[c] = (int16_t)n;
			w.list[w.n++] = (uint16_t)c;
			n++;
		}
		ft.o = fake;
		ft.no = (size_t)n;
		for (size_t i = 0; i < set->n; i++) {
			if (set->v[i].only || !best_rule(set, &set->v[i], &w, &w.mask, &ft, &h))
				continue;
			if (found < 0 || h.score > best.score) {
				best = h;
				found = (int)i;
			}
		}
		if (found < 0)
			return 0;
		res->intent = set->v[found].id;
		res->via = INTENT_VIA_CORRECTION;
		intent_fill_slots(set, s, &set->v[found], t, 0, t->nu, 0, now, res->slots,
		           res->slot_words);
		if (found == pi && ctx->slots) {
			const char *k;
			json_t *v;
			json_object_foreach((json_t *)ctx->slots, k, v)
			{
				if (!json_object_get(res->slots, k))
					json_object_set(res->slots, k, v);
			}
		}
		return 1;
	}
	/* A follow-up: short, and holding nothing the previous intent does not
	 * know, but something new for it (a slot, a detail, another account). */
	if (utf8_chars(t->text, t->len) > FOLLOWUP_MAX_CHARS || t->ns > 2)
		return 0;
	cset known = pit->vocab;
	known.w[0] |= set->followup_ok.w[0];
	known.w[1] |= set->followup_ok.w[1];
	/* a word read two ways ("바꿔": change, or put me through) is known
	 * when one of its readings is */
	for (size_t i = 0; i < t->no; i++) {
		const lex_occ *o = &t->o[i];

		if (o->negated || cs_has(&known, o->concept) || !cs_has(&pos, o->concept))
			continue;
		for (size_t k = 0; k < t->no; k++) {
			if (t->o[k].start == o->start && t->o[k].end == o->end &&
			    cs_has(&known, t->o[k].concept)) {
				pos.w[o->concept >> 6] &= ~(1ull << (o->concept & 63));
				break;
			}
		}
	}
	if (cs_empty(&pos) || !cs_within(&pos, &known))
		return 0;
	cset detail = pos;
	detail.w[0] &= ~set->followup_ok.w[0];
	detail.w[1] &= ~set->followup_ok.w[1];
	json_t *slots = json_object(), *words = json_object();
	if (!slots || !words) {
		json_decref(slots);
		json_decref(words);
		return 0;
	}
	relative_period(set, pit, t, ctx, now, slots, words);
	intent_fill_slots(set, s, pit, t, 0, t->nu, 0, now, slots, words);
	int other = set->c_other >= 0 && set->c_account >= 0 && cs_has(&pos, set->c_other) &&
	            cs_has(&pos, set->c_account);
	if (!json_object_size(slots) && !other && cs_empty(&detail)) {
		json_decref(slots);
		json_decref(words);
		return 0;
	}
	res->intent = pit->id;
	res->via = INTENT_VIA_FOLLOWUP;
	res->other_account = other;
	if (ctx->slots) {
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)ctx->slots, k, v)
		{
			if (!json_object_get(slots, k))
				json_object_set(res->slots, k, v);
		}
	}
	json_object_update(res->slots, slots);
	json_object_update(res->slot_words, words);
	json_decref(slots);
	json_decref(words);
	return 1;
}
