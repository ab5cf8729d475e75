/* Finding concept occurrences in analysed text: exact forms, typos,
 * regex forms, and the removal of overlaps (see lexicon.c). */
#include "lexicon_int.h"

#include <stdlib.h>
#include <string.h>

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

static bot_err
add_occ(lex_text *t, int concept, int form, size_t start, size_t end, int cost)
{
	if (lex_grow((void **)&t->o, &t->cap_o, t->no + 1, sizeof(*t->o)))
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
			if (lex_grow((void **)&t->trig, &t->cap_trig, t->ntrig + 1,
			             sizeof(*t->trig)))
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
bot_err
lex_find_exact(const lexicon *lex, lex_text *t)
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
				if (b[y] && (e = find_at(lex, t, i, lex_pair_key(a[x], b[y]))))
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

		lex_decode((const unsigned char *)syl + i, 3, &p);
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

/* 1 when syllables A and B (unit keys) differ only in their final
 * consonant. */
static int
final_only(uint32_t a, uint32_t b)
{
	int ia, va, fa, ib, vb, fb;

	jamo_split(a & 0x0FFFFFFFu, &ia, &va, &fa);
	jamo_split(b & 0x0FFFFFFFu, &ib, &vb, &fb);
	return ia == ib && va == vb && fa != fb;
}

bot_err
lex_find_typos(const lexicon *lex, lex_text *t)
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
			v = mm_get(&lex->anchor, lex_anchor_key(gap, t->u[p].key, t->u[b].key),
			           &cnt);
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
				 * typo counts there, or a final consonant mistyped
				 * at the end of the word (재발금 for 재발급). */
				if (in->n == 3 && at == start + 2 && cost != JAMO_NEAR &&
				    !(word_end(t, at) &&
				      final_only(t->u[at].key, lex->keys[in->first + 2])))
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
				if (mm_get(&lex->not_typos, lex_keys_hash(keys, in->n), &c2) ||
				    mm_get(&lex->exact_seq, lex_keys_hash(keys, in->n), &c2))
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

	if (pcre2_match(r->re_at, (PCRE2_SPTR)t->text, t->len, t->u[u].off, 0, md, lex->mctx) < 0)
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

bot_err
lex_find_regex(const lexicon *lex, lex_text *t, pcre2_match_data *md)
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
void
lex_dedupe(lex_text *t)
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
