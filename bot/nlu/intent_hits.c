/* Finding hits: the rules and patterns of every intent tried on the
 * clauses, sentences and wider windows of an analysed message.
 * (see intent_hits.h). */
#include "intent_hits.h"

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
#include "intent_slots.h"
#include "intent_int.h"

/* ---- classification ---- */



static void
ws_reset(struct wstate *w)
{
	for (int i = 0; i < w->n; i++)
		w->best[w->list[i]] = -1;
	w->n = 0;
	memset(&w->mask, 0, sizeof(w->mask));
}

static void
ws_add(struct wstate *w, const lex_text *t, size_t oi)
{
	const lex_occ *o = &t->o[oi];
	int c = o->concept;

	if (o->negated)
		return;
	if (w->best[c] < 0) {
		w->best[c] = (int16_t)oi;
		w->list[w->n++] = (uint16_t)c;
		cs_add(&w->mask, c);
	} else if (o->cost < t->o[w->best[c]].cost) {
		w->best[c] = (int16_t)oi;
	}
}

/* The first occurrence starting at or after unit U. */
size_t
occ_from(const lex_text *t, size_t u)
{
	size_t lo = 0, hi = t->no;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (t->o[mid].start < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void
ws_fill(struct wstate *w, const lex_text *t, size_t start, size_t end)
{
	ws_reset(w);
	for (size_t i = occ_from(t, start); i < t->no && t->o[i].start < end; i++) {
		if (t->o[i].end <= end)
			ws_add(w, t, i);
	}
}

static bot_err
push_hit(struct scratch *s, const struct hit *h)
{
	if (s->nh == s->cap_h) {
		size_t c = s->cap_h ? s->cap_h * 2 : 32;
		struct hit *p = realloc(s->hits, c * sizeof(*p));

		if (!p)
			return BOT_ERR_NOMEM;
		s->hits = p;
		s->cap_h = c;
	}
	s->hits[s->nh++] = *h;
	return BOT_OK;
}

/* The best rule of IT on window W: fills H and returns 1, or 0. */
int
best_rule(const intent_set *set, const struct intent *it, const struct wstate *w, const cset *nots,
          const lex_text *t, struct hit *h)
{
	int found = 0;

	if (cs_meets(nots, &it->none_of))
		return 0;
	for (size_t r = 0; r < it->n_rules; r++) {
		const struct rule *ru = &it->rules[r];
		struct hit cand;
		int ok = 1, score = it->priority + ru->weight;

		if (cs_meets(nots, &ru->none_of))
			continue;
		memset(&cand, 0, sizeof(cand));
		for (int g = 0; g < ru->n_all && ok; g++) {
			int pick = -1;

			if (!cs_meets(&w->mask, &ru->all[g])) {
				ok = 0;
				break;
			}
			for (int k = 0; k < w->n; k++) {
				int c = w->list[k], oi = w->best[c];

				if (!cs_has(&ru->all[g], c))
					continue;
				if (pick < 0 || t->o[oi].cost < t->o[pick].cost ||
				    (t->o[oi].cost == t->o[pick].cost && oi < pick))
					pick = oi;
			}
			score -= t->o[pick].cost;
			cand.ev_s[g] = t->o[pick].start;
			cand.ev_e[g] = t->o[pick].end;
			cand.ev_c[g] = t->o[pick].concept;
		}
		if (!ok)
			continue;
		for (int k = 0; k < w->n; k++)
			score += it->may[w->list[k]];
		if (!found || score > h->score) {
			cand.score = score;
			cand.rule = (uint16_t)r;
			cand.n_ev = (uint8_t)ru->n_all;
			*h = cand;
			found = 1;
		}
	}
	(void)set;
	return found;
}

size_t
utf8_chars(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

/* The concepts (not negated) of units [START, END). */
static cset
mask_of(const lex_text *t, size_t start, size_t end)
{
	cset m = {{0, 0}};

	for (size_t i = occ_from(t, start); i < t->no && t->o[i].start < end; i++) {
		if (t->o[i].end <= end && !t->o[i].negated)
			cs_add(&m, t->o[i].concept);
	}
	return m;
}

/* Rules are tried on units [WS, WE); what rules an intent out ("not") is
 * looked for in NOTS, the concepts around the window that belong with it
 * (a clause's background and the clause it leads to, a sentence): a
 * clause that fires a rule is still part of a thought that may say
 * otherwise ("어제 충전했는데 아직 반영이 안 됐어요" is not a history
 * request). */
static bot_err
eval_window(const intent_set *set, struct scratch *s, struct wstate *w, const lex_text *t,
            size_t ws, size_t we, int level, size_t sent, int asking, int background,
            const uint8_t *skip, const cset *nots)
{
	ws_fill(w, t, ws, we);
	if (!w->n)
		return BOT_OK;
	if (!nots)
		nots = &w->mask;
	for (size_t i = 0; i < set->n; i++) {
		struct hit h;

		if ((skip && skip[i]) || !cs_meets(&w->mask, &set->v[i].need) ||
		    (set->v[i].max_chars && s->chars > (size_t)set->v[i].max_chars))
			continue;
		/* an intent that counts only on its own looks at the whole
		 * message for what rules it out */
		if (!best_rule(set, &set->v[i], w, set->v[i].only ? &s->all : nots, t, &h))
			continue;
		h.intent = (uint16_t)i;
		h.score -= level;
		h.level = (uint8_t)level;
		h.asking = (uint8_t)asking;
		h.background = (uint8_t)background;
		h.ws = (uint16_t)ws;
		h.we = (uint16_t)we;
		h.sent = (uint16_t)sent;
		if (push_hit(s, &h))
			return BOT_ERR_NOMEM;
	}
	return BOT_OK;
}

static size_t
sentence_of(const lex_text *t, size_t u)
{
	for (size_t i = 0; i < t->ns; i++) {
		if (u < t->sent[i].end)
			return i;
	}
	return t->ns ? t->ns - 1 : 0;
}

/* Ordered patterns and exclusions run over the whole subject. */
static bot_err
eval_patterns(const intent_set *set, struct scratch *s, const lex_text *t, const char *subj,
              size_t slen)
{
	cset all = {{0, 0}};

	for (size_t i = 0; i < t->no; i++)
		cs_add(&all, t->o[i].concept);
	for (size_t i = 0; i < set->n; i++) {
		const struct intent *it = &set->v[i];
		int best = -1, best_w = 0;
		PCRE2_SIZE m0 = 0, m1 = 0;

		if (!it->n_pats || (!cs_empty(&it->pats_if) && !cs_meets(&all, &it->pats_if)) ||
		    (it->max_chars && s->chars > (size_t)it->max_chars))
			continue;

		for (size_t k = 0; k < it->n_pats; k++) {
			if ((best < 0 || it->pats[k].weight > best_w) &&
			    rx_match(it->pats[k].re, subj, slen, 0, s->md, set->mctx) >= 0) {
				PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);

				best = (int)k;
				best_w = it->pats[k].weight;
				m0 = ov[0];
				m1 = ov[1];
			}
		}
		if (best < 0)
			continue;
		struct hit h;
		size_t u0 = 0, u1 = 0;

		memset(&h, 0, sizeof(h));
		while (u0 < t->nu && t->u[u0].off + t->u[u0].len <= m0)
			u0++;
		u1 = u0;
		while (u1 < t->nu && t->u[u1].off < m1)
			u1++;
		h.intent = (uint16_t)i;
		h.rule = (uint16_t)(it->n_rules + (size_t)best);
		h.score = it->priority + best_w;
		h.level = LV_CLAUSE;
		h.ws = 0;
		h.we = (uint16_t)t->nu;
		h.sent = (uint16_t)sentence_of(t, u0);
		h.asking = t->ns ? t->sent[h.sent].asking : 0;
		h.n_ev = 1;
		h.ev_c[0] = 0xffff;
		h.ev_s[0] = (uint16_t)u0;
		h.ev_e[0] = (uint16_t)(u1 > u0 ? u1 : u0 + 1);
		if (push_hit(s, &h))
			return BOT_ERR_NOMEM;
	}
	return BOT_OK;
}

static int
excluded(const intent_set *set, struct scratch *s, const struct intent *it, const char *subj,
         size_t slen)
{
	for (size_t k = 0; k < it->n_excl; k++) {
		if (rx_match(it->excl[k].re, subj, slen, 0, s->md, set->mctx) >= 0)
			return 1;
	}
	return 0;
}

/* Whether sentence SP is a fragment: at most three words and 16 units. */
static int
fragment(const lex_text *t, const lex_span *sp)
{
	int words = 1;

	if (sp->end - sp->start > 16)
		return 0;
	for (size_t i = sp->start + 1; i < sp->end; i++)
		words += (t->u[i].flags & LEX_SPACE) != 0;
	return words <= 3;
}

/* Every hit on the analysed text T, into S->hits. */
bot_err
find_hits(const intent_set *set, struct scratch *s, const lex_text *t, const char *subj,
          size_t slen)
{
	struct wstate w;
	uint8_t seen[MAX_INTENTS];
	bot_err e;

	memset(w.best, 0xff, sizeof(w.best));
	w.n = 0;
	memset(&w.mask, 0, sizeof(w.mask));
	s->nh = 0;
	s->all = mask_of(t, 0, t->nu);
	s->chars = utf8_chars(t->text, t->len);
	for (size_t si = 0; si < t->ns; si++) {
		const lex_span *sp = &t->sent[si];
		size_t before = s->nh;
		cset sm = mask_of(t, sp->start, sp->end), pm = {{0, 0}};

		/* A fragment of a few words after a sentence, asking nothing
		 * ("...좀 바꾸고 싶은데요 예비카드 두 장이요"), is an
		 * afterthought of that sentence. */
		if (si > 0 && !sp->asking && fragment(t, sp))
			pm = mask_of(t, t->sent[si - 1].start, t->sent[si - 1].end);
		sm.w[0] |= pm.w[0];
		sm.w[1] |= pm.w[1];

		for (size_t c = 0; c < t->nc; c++) {
			const lex_span *cl = &t->clause[c];
			size_t a = c, b = c;

			if (cl->start < sp->start || cl->end > sp->end)
				continue;
			/* A clause of background ("...충전했는데", "...휴면이라서")
			 * belongs with the clause it leads to; coordinated ones
			 * ("...재발급하고", "...거랑") stand apart. What rules an
			 * intent out is looked for in that whole stretch. */
			while (a > 0 && t->clause[a - 1].background &&
			       t->clause[a - 1].start >= sp->start)
				a--;
			while (t->clause[b].background && b + 1 < t->nc &&
			       t->clause[b + 1].end <= sp->end)
				b++;
			cset cm = mask_of(t, t->clause[a].start, t->clause[b].end);
			cm.w[0] |= pm.w[0];
			cm.w[1] |= pm.w[1];
			if ((e = eval_window(set, s, &w, t, cl->start, cl->end, LV_CLAUSE, si,
			                     sp->asking, cl->background, NULL, &cm)))
				return e;
		}
		memset(seen, 0, sizeof(seen));
		for (size_t h = before; h < s->nh; h++)
			seen[s->hits[h].intent] = 1;
		if ((e = eval_window(set, s, &w, t, sp->start, sp->end, LV_SENTENCE, si, sp->asking,
		                     0, seen, &sm)))
			return e;
	}
	/* Two neighbouring sentences, for the intents no sentence explained
	 * ("카드가 휴면으로 나와요. 그래서 자동결제도 안 된 건가요?") */
	memset(seen, 0, sizeof(seen));
	for (size_t h = 0; h < s->nh; h++)
		seen[s->hits[h].intent] = 1;
	for (size_t si = 0; si + 1 < t->ns; si++) {
		int asking = t->sent[si].asking || t->sent[si + 1].asking;

		if ((e = eval_window(set, s, &w, t, t->sent[si].start, t->sent[si + 1].end, LV_PAIR,
		                     si + 1, asking, 0, seen, NULL)))
			return e;
	}
	if (!s->nh && t->ns > 2 &&
	    (e = eval_window(set, s, &w, t, 0, t->nu, LV_ALL, t->ns - 1, 1, 0, NULL, NULL)))
		return e;
	if ((e = eval_patterns(set, s, t, subj, slen)))
		return e;
	/* Exclusions, and "only" intents when anything else was found. */
	int other = 0;
	for (size_t h = 0; h < s->nh; h++)
		other |= !set->v[s->hits[h].intent].only;
	memset(seen, 0, sizeof(seen)); /* 1 = keep, 2 = drop */
	size_t o = 0;
	for (size_t h = 0; h < s->nh; h++) {
		const struct intent *it = &set->v[s->hits[h].intent];
		uint8_t *st = &seen[s->hits[h].intent];

		if (!*st)
			*st = (other && it->only) || excluded(set, s, it, subj, slen) ? 2 : 1;
		if (*st == 1)
			s->hits[o++] = s->hits[h];
	}
	s->nh = o;
	return BOT_OK;
}

int
hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->level != y->level)
		return x->level < y->level ? -1 : 1;
	if (x->ws != y->ws)
		return x->ws < y->ws ? -1 : 1;
	return x->intent < y->intent ? -1 : x->intent > y->intent;
}

int
hits_overlap(const struct hit *a, const struct hit *b)
{
	for (int i = 0; i < a->n_ev; i++) {
		for (int j = 0; j < b->n_ev; j++) {
			if (a->ev_s[i] < b->ev_e[j] && b->ev_s[j] < a->ev_e[i])
				return 1;
		}
	}
	return 0;
}

uint16_t
hit_first(const struct hit *h)
{
	uint16_t f = 0xffff;

	for (int i = 0; i < h->n_ev; i++)
		f = h->ev_s[i] < f ? h->ev_s[i] : f;
	return f;
}
