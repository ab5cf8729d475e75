/* Sentences and clauses of analysed text, whether each asks something,
 * and which occurrences a negation takes back (see lexicon.c). */
#include "lexicon_int.h"

#include <stdlib.h>
#include <string.h>

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
void
lex_mark_ends(lex_text *t)
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
	if (lex_grow((void **)v, cap, *n + 1, sizeof(**v)))
		return BOT_ERR_NOMEM;
	(*v)[*n].start = (uint16_t)start;
	(*v)[*n].end = (uint16_t)end;
	(*v)[*n].asking = (uint8_t)asking;
	(*v)[*n].background = (uint8_t)bg;
	(*n)++;
	return BOT_OK;
}

bot_err
lex_split_spans(const lexicon *lex, lex_text *t)
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
void
lex_mark_negated(const lexicon *lex, lex_text *t)
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
