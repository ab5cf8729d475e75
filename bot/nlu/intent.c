/* The intent engine (see intent.h).
 *
 * Loading: DIR/lexicon.json gives the concepts (lexicon.h); every other
 * file in DIR is one intent, with
 *   "rules": [{"name", "all": ["TAX_INVOICE", "FAILED|NOT_DONE"], "not"?,
 *              "weight"?}]   every entry of "all" must occur (one of the
 *              concepts joined by |), none of "not", in any order;
 *   "may": {"REASON": 2}     concepts that add to the score when present
 *              (or take from it, when negative);
 *   "not": ["REISSUE"]       concepts that rule the intent out wherever a
 *              rule would fire;
 *   "patterns": [{"name", "re", "weight"?}]  ordered PCRE2 patterns over
 *              the whole message, for the few cases where order matters
 *              (a message that is only a greeting);
 *   "exclude": [{"name", "re"}]  patterns that rule the intent out;
 *   "only": true             the intent counts only when nothing else does;
 *   "slots": {"period": {"canon": "period", "concept": "PERIOD",
 *              "find"?: [patterns with a (?<period>...) group]}}.
 *
 * Classification. The message is analysed into units, sentences and
 * clauses, and concept occurrences (lexicon_analyse). Rules are tried on
 * each clause, then on each sentence for what no clause of it explained (a
 * topic and its detail in two clauses: "멤버가 탈퇴했는데 그 사람이 결제한 건
 * 환불되나요"); when nothing fired anywhere, on two neighbouring sentences and
 * then on the whole message ("메세지가 안와요. 카카오페이 연결중인데"). A hit
 * scores the intent's priority + the rule's weight + the "may" weights of
 * the concepts present, less one or two per typo among the words it used.
 *
 * Topics: the best hit is the first topic. A second topic is the best hit
 * of another intent on different words ("무상캐시 남은 거랑 세금계산서 실패
 * 사유"), or sharing an object noun but with a word of its own the first
 * intent does not know (distinct_topic); a hit with no word of its own is
 * not a topic, and when it scores within CLARIFY_MARGIN of the first
 * the customer is asked which one they mean. Of two topics the first asked
 * comes first (topic_place).
 *
 * Nothing fired: the suggestion model (learn.h) may offer its best guesses
 * (intent_result.suggest); they are never answered on their own. */
#include "intent.h"

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

#include "intent_check.h"
#include "intent_file.h"
#include "intent_followup.h"
#include "intent_hits.h"
#include "intent_int.h"
#include "intent_slots.h"

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static uint32_t
pairs_of(const pcre2_code *re)
{
	uint32_t n = 0;

	pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &n);
	return n + 1;
}

static bot_err
scratch_init(struct scratch *s, const intent_set *set)
{
	memset(s, 0, sizeof(*s));
	atomic_flag_clear(&s->busy);
	s->md = pcre2_match_data_create(set->ovec_pairs, NULL);
	s->p = calloc(set->n + 1, sizeof(*s->p));
	return s->md && s->p ? BOT_OK : BOT_ERR_NOMEM;
}

static void
scratch_fini(struct scratch *s)
{
	norm_buf_free(&s->nb);
	norm_buf_free(&s->cut);
	norm_buf_free(&s->nb2);
	lex_text_free(&s->t);
	lex_text_free(&s->t2);
	pcre2_match_data_free(s->md);
	free(s->hits);
	free(s->p);
	memset(s, 0, sizeof(*s));
}

static bot_err classify_with(const intent_set *set, struct scratch *s, const char *text, size_t len,
                             time_t now, const intent_context *ctx, int flags, intent_result *res);

/* The model learns each intent from its examples, and "none" (the last
 * class) from the near misses that the rules leave unanswered; a near miss
 * the rules give to another intent is an example of that intent. */
static bot_err
train_model(intent_set *set)
{
	learn_doc *docs = NULL;
	char **texts = NULL;
	size_t n = 0, cap = 0, i, k;
	norm_buf nb = {0};
	bot_err e = BOT_OK;

	for (i = 0; i < set->n && !e; i++) {
		json_t *ex = json_object_get(set->v[i].spec, "examples");
		json_t *nm = json_object_get(set->v[i].spec, "near_misses");
		size_t total = json_array_size(ex) + json_array_size(nm);

		for (k = 0; k < total && !e; k++) {
			int near = k >= json_array_size(ex);
			json_t *v = near ? json_array_get(nm, k - json_array_size(ex))
			                 : json_array_get(ex, k);
			const char *t = json_is_string(v)
			                    ? json_string_value(v)
			                    : json_string_value(json_object_get(v, "text"));
			int label = (int)i;

			if (!t)
				continue;
			if (near) {
				intent_result r;

				label = (int)set->n;
				if (intent_classify(set, t, strlen(t), 0, &r) == BOT_OK &&
				    r.intent) {
					for (size_t j = 0; j < set->n; j++) {
						if (!strcmp(set->v[j].id, r.intent))
							label = (int)j;
					}
				}
				intent_result_clear(&r);
			}
			if (n == cap) {
				size_t c = cap ? cap * 2 : 512;
				learn_doc *d = realloc(docs, c * sizeof(*d));
				char **tx = d ? realloc(texts, c * sizeof(*tx)) : NULL;

				if (d)
					docs = d;
				if (!d || !tx) {
					e = BOT_ERR_NOMEM;
					break;
				}
				texts = tx;
				cap = c;
			}
			if ((e = normalize_text(t, strlen(t), &nb)))
				break;
			if (!(texts[n] = strndup(nb.data, nb.len))) {
				e = BOT_ERR_NOMEM;
				break;
			}
			docs[n].text = texts[n];
			docs[n].len = nb.len;
			docs[n].label = label;
			n++;
		}
	}
	if (!e)
		e = learn_train(docs, n, (int)set->n + 1, &set->model);
	for (i = 0; i < n; i++)
		free(texts[i]);
	free(texts);
	free(docs);
	norm_buf_free(&nb);
	return e;
}

/* *OUT is owned by the caller (intent_set_free). Files are loaded in name
 * order so that results never depend on directory order. */
bot_err
intent_set_load_dir(const char *dir, intent_set **out, char *err, size_t errlen)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL, *lexpath = NULL;
	size_t n = 0, cap = 0, i, j, k;
	intent_set *set = NULL;
	bot_err e = BOT_OK;

	if (!out || !dir)
		return BOT_ERR_INVAL;
	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	else {
		static char sink[2];

		err = sink;
		errlen = sizeof(sink);
	}
	d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "%s: cannot open directory", dir);
		return BOT_ERR_IO;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char *p;

		if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".json") ||
		    !strcmp(de->d_name, "lexicon.json"))
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap ? cap * 2 : 16) * sizeof(*names));

			if (!nn) {
				e = BOT_ERR_NOMEM;
				break;
			}
			names = nn;
			cap = cap ? cap * 2 : 16;
		}
		if (asprintf(&p, "%s/%s", dir, de->d_name) < 0) {
			e = BOT_ERR_NOMEM;
			break;
		}
		names[n++] = p;
	}
	closedir(d);
	if (!e && !n) {
		snprintf(err, errlen, "%s: no intent files", dir);
		e = BOT_ERR_NOT_FOUND;
	}
	if (!e && n > MAX_INTENTS) {
		snprintf(err, errlen, "%s: more than %d intent files", dir, MAX_INTENTS);
		e = BOT_ERR_LIMIT;
	}
	if (!e) {
		if (n > 1)
			qsort(names, n, sizeof(*names), cmp_str);
		set = calloc(1, sizeof(*set));
		if (set)
			set->v = calloc(n, sizeof(*set->v));
		if (set)
			set->scratch = calloc(1, sizeof(*set->scratch));
		if (set)
			set->mctx = rx_context_new();
		if (!set || !set->v || !set->scratch || !set->mctx ||
		    asprintf(&lexpath, "%s/lexicon.json", dir) < 0)
			e = BOT_ERR_NOMEM;
	}
	if (!e)
		e = lexicon_load(lexpath, &set->lex, err, errlen);
	if (!e) {
		set->ovec_pairs = 1;
		set->c_other = lexicon_concept(set->lex, "OTHER");
		set->c_account = lexicon_concept(set->lex, "AD_ACCOUNT");
		for (int c = 0; c < (int)lexicon_concept_count(set->lex); c++) {
			if (lexicon_followup(set->lex, c))
				cs_add(&set->followup_ok, c);
		}
	}
	for (i = 0; !e && i < n; i++) {
		struct intent *it = &set->v[i];

		set->n = i + 1;
		e = intent_file_load(set, names[i], it, err, errlen);
		for (j = 0; !e && j < i; j++) {
			if (!strcmp(set->v[j].id, it->id)) {
				snprintf(err, errlen, "%s: duplicate id %s", names[i], it->id);
				e = BOT_ERR_CONFLICT;
			}
		}
		if (e)
			break;
		for (j = 0; j < it->n_pats; j++) {
			if (pairs_of(it->pats[j].re) > set->ovec_pairs)
				set->ovec_pairs = pairs_of(it->pats[j].re);
		}
		for (j = 0; j < it->n_excl; j++) {
			if (pairs_of(it->excl[j].re) > set->ovec_pairs)
				set->ovec_pairs = pairs_of(it->excl[j].re);
		}
		for (j = 0; j < it->n_slots; j++) {
			for (k = 0; k < it->slots[j].n_find; k++) {
				if (pairs_of(it->slots[j].find[k].re) > set->ovec_pairs)
					set->ovec_pairs = pairs_of(it->slots[j].find[k].re);
			}
		}
	}
	if (!e)
		e = scratch_init(set->scratch, set);
	if (!e)
		e = train_model(set);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(lexpath);
	if (e) {
		if (!err[0])
			snprintf(err, errlen, "%s: %s", dir, bot_strerror(e));
		intent_set_free(set);
		return e;
	}
	*out = set;
	return BOT_OK;
}

void
intent_set_free(intent_set *set)
{
	size_t i;

	if (!set)
		return;
	for (i = 0; i < set->n; i++)
		intent_free(&set->v[i]);
	free(set->v);
	if (set->scratch) {
		scratch_fini(set->scratch);
		free(set->scratch);
	}
	lexicon_free(set->lex);
	learn_free(set->model);
	pcre2_match_context_free(set->mctx);
	free(set);
}

/* ---- explanation ---- */

static json_t *
explain_concepts(const intent_set *set, const lex_text *t)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < t->no; i++) {
		const lex_occ *o = &t->o[i];
		size_t b0 = t->u[o->start].off, b1 = t->u[o->end - 1].off + t->u[o->end - 1].len;
		json_t *j = json_pack(
		    "{s:s, s:s, s:s%}", "concept", lexicon_concept_name(set->lex, o->concept),
		    "form", lexicon_form_text(set->lex, o->form), "text", t->text + b0, b1 - b0);

		if (j && o->cost)
			json_object_set_new(j, "typo", json_string(o->cost == 1 ? "near" : "far"));
		if (j && o->negated)
			json_object_set_new(j, "negated", json_true());
		json_array_append_new(arr, j);
	}
	return arr;
}

static json_t *
rule_name(const intent_set *set, const struct hit *h)
{
	const struct intent *it = &set->v[h->intent];
	char buf[256];

	snprintf(buf, sizeof(buf), "%s/%s", it->id,
	         h->rule < it->n_rules ? it->rules[h->rule].name
	                               : it->pats[h->rule - it->n_rules].name);
	return json_string(buf);
}

/* ---- the classifier ---- */

/* Copies the normalised form of LEN bytes at TEXT to the end of OUT. */
static bot_err
append_normalized(norm_buf *tmp, norm_buf *out, const char *text, size_t len)
{
	bot_err e = normalize_text(text, len, tmp);

	if (e)
		return e;
	if (out->len + tmp->len + 4 > out->cap) {
		size_t cap = out->len + tmp->len + 64;
		char *p = realloc(out->data, cap);

		if (!p)
			return BOT_ERR_NOMEM;
		out->data = p;
		out->cap = cap;
	}
	memcpy(out->data + out->len, tmp->data, tmp->len);
	out->len += tmp->len;
	out->data[out->len] = '\0';
	return BOT_OK;
}

/* Normalises TEXT into S and returns the subject to match: the whole text,
 * or, for a long one, its first and its last HALF_CAP bytes with a sentence
 * end between them (only those are normalised). */
bot_err
intent_prepare(struct scratch *s, const char *text, size_t len, const char **subj, size_t *slen)
{
	bot_err e;

	if (len > RAW_CAP) {
		len = RAW_CAP;
		/* Cut on a character boundary so no U+FFFD is invented. */
		while (len && ((unsigned char)text[len] & 0xC0) == 0x80)
			len--;
	}
	if (len <= 2 * HALF_CAP + 64) {
		if ((e = normalize_text(text, len, &s->nb)))
			return e;
		*subj = s->nb.data;
		*slen = s->nb.len;
		return BOT_OK;
	}
	size_t h = HALF_CAP, t = len - HALF_CAP;
	while (h && ((unsigned char)text[h] & 0xC0) == 0x80)
		h--;
	while (t < len && ((unsigned char)text[t] & 0xC0) == 0x80)
		t++;
	s->cut.len = 0;
	if ((e = append_normalized(&s->nb, &s->cut, text, h)) ||
	    (e = append_normalized(&s->nb, &s->cut, " . ", 3)) ||
	    (e = append_normalized(&s->nb, &s->cut, text + t, len - t)))
		return e;
	*subj = s->cut.data;
	*slen = s->cut.len;
	return BOT_OK;
}

void
intent_suggest(const intent_set *set, struct scratch *s, const char *subj, size_t slen,
               intent_result *res)
{
	int best[INTENT_MAX_SUGGEST] = {-1, -1};

	if (!set->model || !slen)
		return;
	learn_predict(set->model, subj, slen, s->p);
	/* "none" is the last class; it competes like any other. */
	for (int k = 0; k < INTENT_MAX_SUGGEST; k++) {
		for (size_t i = 0; i <= set->n; i++) {
			if ((k && best[0] == (int)i) || (best[k] >= 0 && s->p[i] <= s->p[best[k]]))
				continue;
			best[k] = (int)i;
		}
	}
	for (int k = 0; k < INTENT_MAX_SUGGEST; k++) {
		int i = best[k];

		if (i < 0 || i == (int)set->n || set->v[i].only ||
		    s->p[i] < (k ? SUGGEST_SECOND_P : SUGGEST_MIN_P))
			break;
		res->suggest[res->n_suggest] = set->v[i].id;
		res->suggest_p[res->n_suggest] = s->p[i];
		res->n_suggest++;
	}
}

/* Whether hit C may be a topic beside hit A: it uses a word of its own
 * that A's intent does not know (a shared object noun is fine: "세금계산서
 * 발행실패 사유랑, 다시 발행받으려면..." is two topics on one invoice). */
static int
distinct_topic(const intent_set *set, const struct hit *a, const struct hit *c)
{
	for (int j = 0; j < c->n_ev; j++) {
		int shared = 0;

		for (int i = 0; i < a->n_ev && !shared; i++)
			shared = a->ev_s[i] < c->ev_e[j] && c->ev_s[j] < a->ev_e[i];
		if (!shared &&
		    (c->ev_c[j] == 0xffff || (!cs_has(&set->v[a->intent].vocab, c->ev_c[j]) &&
		                              !cs_has(&set->followup_ok, c->ev_c[j]))))
			return 1;
	}
	return 0;
}

/* The first unit of sentence SI holding a word intent X knows and intent
 * Y does not (nor any follow-up), or 0xffff. */
static unsigned
own_word(const intent_set *set, const lex_text *t, size_t si, uint16_t x, uint16_t y)
{
	const struct intent *ix = &set->v[x], *iy = &set->v[y];

	for (size_t i = occ_from(t, t->sent[si].start);
	     i < t->no && t->o[i].start < t->sent[si].end; i++) {
		int c = t->o[i].concept;

		if (!t->o[i].negated && cs_has(&ix->vocab, c) && !cs_has(&iy->vocab, c) &&
		    !cs_has(&set->followup_ok, c))
			return t->o[i].start;
	}
	return 0xffff;
}

/* 1 when topic X (beside topic Y) is asked about: its hit is in a sentence
 * that asks, or a sentence that asks names a word of its own; or nothing
 * in the message asks at all. A hit in a sentence that only tells the
 * story ("나간 직원이 충전한 돈이 남아있어요") is context, not a topic. */
static int
topic_asked(const intent_set *set, const lex_text *t, const struct hit *hx, uint16_t y)
{
	int any = 0;

	if (hx->asking)
		return 1;
	for (size_t si = 0; si < t->ns; si++) {
		if (!t->sent[si].asking)
			continue;
		any = 1;
		if (own_word(set, t, si, hx->intent, y) != 0xffff)
			return 1;
	}
	return !any;
}

/* Where topic X (beside topic Y) is first asked: the first sentence that
 * is about X alone, or that asks (a question or a request) and names a
 * word only X knows; a sentence about both is a story of how one led to
 * the other, not an ask ("카드가 휴면이라서 결제가 안 됐나 봐요").
 * Without such a sentence, X's first word. Sentence in *SENT, unit in *POS. */
static void
topic_place(const intent_set *set, const struct scratch *s, const lex_text *t, uint16_t x,
            uint16_t y, unsigned *sent, unsigned *pos)
{
	*sent = 0xffff;
	*pos = 0xffff;
	for (size_t si = 0; si < t->ns; si++) {
		int has_x = 0, has_y = 0;
		unsigned px = 0xffff;

		for (size_t h = 0; h < s->nh; h++) {
			const struct hit *hh = &s->hits[h];

			if (hh->sent != si)
				continue;
			if (hh->intent == x) {
				has_x = 1;
				px = hit_first(hh) < px ? hit_first(hh) : px;
			}
			has_y |= hh->intent == y;
		}
		if (has_x && !has_y) {
			*sent = (unsigned)si;
			*pos = px;
			return;
		}
		if (t->sent[si].asking && (px = own_word(set, t, si, x, y)) != 0xffff) {
			*sent = (unsigned)si;
			*pos = px;
			return;
		}
	}
	for (size_t h = 0; h < s->nh; h++) {
		if (s->hits[h].intent == x && hit_first(&s->hits[h]) < *pos)
			*pos = hit_first(&s->hits[h]);
	}
}

/* The topics of the hits in S (sorted best first) into RES: the best hit,
 * and the best hit of another intent on other words; a near tie on the
 * same words is a clarification. Of two topics the first asked comes
 * first (topic_place), but an explicit request for a person always does.
 * Returns the first topic's hit (for the explanation), or NULL. */
static const struct hit *
pick_topics(const intent_set *set, struct scratch *s, const lex_text *t, time_t now,
            intent_result *res)
{
	const struct hit *first = s->nh ? &s->hits[0] : NULL, *second = NULL;

	if (!first)
		return NULL;
	for (size_t h = 1; h < s->nh && !res->clarify; h++) {
		const struct hit *c = &s->hits[h];

		if (c->intent == first->intent || !hits_overlap(first, c) ||
		    distinct_topic(set, first, c))
			continue;
		if (first->score - c->score >= CLARIFY_MARGIN)
			break;
		res->clarify = 1;
		res->candidates[res->n_candidates++] = set->v[first->intent].id;
		for (size_t k = h; k < s->nh && res->n_candidates < INTENT_MAX_CANDIDATES; k++) {
			const struct hit *d = &s->hits[k];
			int dup = 0;

			if (first->score - d->score >= CLARIFY_MARGIN)
				break;
			for (int q = 0; q < res->n_candidates; q++)
				dup |= !strcmp(res->candidates[q], set->v[d->intent].id);
			if (!dup && hits_overlap(first, d))
				res->candidates[res->n_candidates++] = set->v[d->intent].id;
		}
	}
	if (res->clarify)
		return NULL;
	for (size_t h = 1; h < s->nh; h++) {
		const struct hit *c = &s->hits[h];

		if (c->intent != first->intent && topic_asked(set, t, c, first->intent) &&
		    (!hits_overlap(first, c) || distinct_topic(set, first, c))) {
			second = c;
			break;
		}
	}
	if (second) {
		unsigned s1, s2, p1, p2;
		int swap;

		topic_place(set, s, t, first->intent, second->intent, &s1, &p1);
		topic_place(set, s, t, second->intent, first->intent, &s2, &p2);
		if (!strcmp(set->v[first->intent].id, "agent_request"))
			swap = 0;
		else if (!strcmp(set->v[second->intent].id, "agent_request"))
			swap = 1;
		else
			swap = s1 != s2 ? s2 < s1 : p2 < p1;
		if (swap) {
			const struct hit *x = first;
			first = second;
			second = x;
		}
	}
	res->intent = set->v[first->intent].id;
	intent_fill_slots(set, s, &set->v[first->intent], t, first->ws, first->we, first->sent, now,
	                  res->slots, res->slot_words);
	if (second) {
		res->also = set->v[second->intent].id;
		res->also_slots = json_object();
		res->also_slot_words = json_object();
		if (res->also_slots && res->also_slot_words)
			intent_fill_slots(set, s, &set->v[second->intent], t, second->ws,
			                  second->we, second->sent, now, res->also_slots,
			                  res->also_slot_words);
	}
	return first;
}

static bot_err
classify_with(const intent_set *set, struct scratch *s, const char *text, size_t len, time_t now,
              const intent_context *ctx, int flags, intent_result *res)
{
	const struct hit *first;
	const char *subj;
	size_t slen;
	bot_err e;
	lex_text *t = &s->t;

	if ((e = intent_prepare(s, text, len, &subj, &slen)))
		return e;
	if (!slen)
		return BOT_OK;
	if ((e = lexicon_analyse(set->lex, subj, slen, t)) ||
	    (e = find_hits(set, s, t, subj, slen)))
		return e;
	if (s->nh > 1)
		qsort(s->hits, s->nh, sizeof(*s->hits), hit_cmp);
	first = pick_topics(set, s, t, now, res);
	if (first && ctx && ctx->intent && !strcmp(res->intent, ctx->intent) &&
	    utf8_chars(t->text, t->len) <= FOLLOWUP_MAX_CHARS) {
		/* "환불도 같이 보여주세요" after last month's charges: the same
		 * question again, with what it does not change kept */
		const struct intent *it = &set->v[first->intent];
		const char *k;
		json_t *v;

		if (!json_object_get(res->slots, "period"))
			relative_period(set, it, t, ctx, now, res->slots, res->slot_words);
		json_object_foreach((json_t *)ctx->slots, k, v)
		{
			if (!json_object_get(res->slots, k))
				json_object_set(res->slots, k, v);
		}
		res->via = INTENT_VIA_FOLLOWUP;
	}
	if (!first && !res->clarify && ctx && ctx->intent)
		classify_in_context(set, s, t, now, ctx, res);
	if (!res->intent && !res->clarify) {
		/* "받았던 가상계좌 말고 새 걸로 주세요": with nothing to
		 * correct, what was negated may be the very topic. */
		int negated = 0;

		for (size_t i = 0; i < t->no; i++) {
			negated |= t->o[i].negated;
			t->o[i].negated = 0;
		}
		if (negated) {
			if ((e = find_hits(set, s, t, subj, slen)))
				return e;
			if (s->nh > 1)
				qsort(s->hits, s->nh, sizeof(*s->hits), hit_cmp);
			first = pick_topics(set, s, t, now, res);
		}
	}
	if (!res->intent && !res->clarify)
		intent_suggest(set, s, subj, slen, res);
	if (flags & INTENT_EXPLAIN)
		res->explain = json_pack("{s:o, s:o}", "concepts", explain_concepts(set, t), "rule",
		                         first ? rule_name(set, first) : json_null());
	return BOT_OK;
}

/* RES->slots and slot_words are created here and owned by RES
 * (intent_result_clear). The set is not modified, except for taking and
 * returning its scratch. */
bot_err
intent_classify_ctx(const intent_set *set, const char *text, size_t len, time_t now,
                    const intent_context *ctx, int flags, intent_result *res)
{
	struct scratch tmp, *s;
	bot_err e;

	if (!res)
		return BOT_ERR_INVAL;
	memset(res, 0, sizeof(*res));
	if (!set || (!text && len))
		return BOT_ERR_INVAL;
	res->slots = json_object();
	res->slot_words = json_object();
	if (!res->slots || !res->slot_words) {
		intent_result_clear(res);
		return BOT_ERR_NOMEM;
	}
	s = set->scratch;
	if (atomic_flag_test_and_set(&s->busy)) {
		s = &tmp;
		e = scratch_init(s, set);
		if (e) {
			scratch_fini(s);
			intent_result_clear(res);
			return e;
		}
	}
	e = classify_with(set, s, text ? text : "", len, now, ctx, flags, res);
	if (s == &tmp)
		scratch_fini(s);
	else
		atomic_flag_clear(&s->busy);
	if (e) {
		intent_result_clear(res);
		/* Hostile text is "not understood", not a failure. */
		if (e == BOT_ERR_LIMIT || e == BOT_ERR_INVAL) {
			res->slots = json_object();
			res->slot_words = json_object();
			return res->slots && res->slot_words ? BOT_OK : BOT_ERR_NOMEM;
		}
	}
	return e;
}

bot_err
intent_classify(const intent_set *set, const char *text, size_t len, time_t now, intent_result *res)
{
	return intent_classify_ctx(set, text, len, now, NULL, 0, res);
}

void
intent_result_clear(intent_result *res)
{
	if (!res)
		return;
	json_decref(res->slots);
	json_decref(res->slot_words);
	json_decref(res->also_slots);
	json_decref(res->also_slot_words);
	json_decref(res->explain);
	memset(res, 0, sizeof(*res));
}

bot_err
intent_slots(const intent_set *set, const char *id, const char *text, size_t len, time_t now,
             json_t *slots, json_t *words)
{
	struct scratch tmp, *s;
	const char *subj;
	size_t slen;
	int i = set ? intent_index(set, id) : -1;
	bot_err e;

	if (i < 0)
		return BOT_ERR_NOT_FOUND;
	if (!text || !slots || !words)
		return BOT_ERR_INVAL;
	s = set->scratch;
	if (atomic_flag_test_and_set(&s->busy)) {
		s = &tmp;
		if ((e = scratch_init(s, set))) {
			scratch_fini(s);
			return e;
		}
	}
	e = intent_prepare(s, text, len, &subj, &slen);
	if (!e && slen)
		e = lexicon_analyse(set->lex, subj, slen, &s->t);
	if (!e && slen)
		intent_fill_slots(set, s, &set->v[i], &s->t, 0, s->t.nu, 0, now, slots, words);
	if (s == &tmp)
		scratch_fini(s);
	else
		atomic_flag_clear(&s->busy);
	return e == BOT_ERR_LIMIT || e == BOT_ERR_INVAL ? BOT_OK : e;
}

const json_t *
intent_spec(const intent_set *set, const char *id)
{
	int i = set ? intent_index(set, id) : -1;

	return i >= 0 ? set->v[i].spec : NULL;
}

size_t
intent_count(const intent_set *set)
{
	return set ? set->n : 0;
}

const char *
intent_id_at(const intent_set *set, size_t i)
{
	return set && i < set->n ? set->v[i].id : NULL;
}
