/* The lexicon's multimap and key hashes (see lex_index.h). */
#include "lex_index.h"

#include <stdlib.h>
#include <string.h>

bot_err
mm_add(struct mmap *m, uint64_t k, uint32_t v)
{
	if (m->nkv == m->capkv) {
		size_t cap = m->capkv ? m->capkv * 2 : 256;
		struct kv *p = realloc(m->kv, cap * sizeof(*p));

		if (!p)
			return BOT_ERR_NOMEM;
		m->kv = p;
		m->capkv = cap;
	}
	m->kv[m->nkv].k = k;
	m->kv[m->nkv].v = v;
	m->nkv++;
	return BOT_OK;
}

static int
kv_cmp(const void *a, const void *b)
{
	const struct kv *x = a, *y = b;

	if (x->k != y->k)
		return x->k < y->k ? -1 : 1;
	return x->v < y->v ? -1 : x->v > y->v;
}

/* Turns the added pairs into the table. */
bot_err
mm_build(struct mmap *m)
{
	size_t distinct = 0, i, size = 16;

	if (m->nkv)
		qsort(m->kv, m->nkv, sizeof(*m->kv), kv_cmp);
	for (i = 0; i < m->nkv; i++)
		distinct += !i || m->kv[i].k != m->kv[i - 1].k;
	while (size < distinct * 2)
		size *= 2;
	m->mask = (uint32_t)(size - 1);
	m->slot_key = calloc(size, sizeof(*m->slot_key));
	m->slot_first = calloc(size, sizeof(*m->slot_first));
	m->slot_n = calloc(size, sizeof(*m->slot_n));
	m->vals = malloc((m->nkv ? m->nkv : 1) * sizeof(*m->vals));
	m->bits = calloc(1024, sizeof(*m->bits));
	if (!m->slot_key || !m->slot_first || !m->slot_n || !m->vals || !m->bits)
		return BOT_ERR_NOMEM;
	for (i = 0; i < m->nkv;) {
		size_t j = i;
		uint64_t h = lex_mix64(m->kv[i].k);
		uint32_t s = (uint32_t)h & m->mask;

		while (j < m->nkv && m->kv[j].k == m->kv[i].k) {
			m->vals[j] = m->kv[j].v;
			j++;
		}
		/* The same value twice under one key (two pairs of one form
		 * that happen to be equal) is harmless: callers lex_dedupe. */
		while (m->slot_key[s])
			s = (s + 1) & m->mask;
		m->slot_key[s] = m->kv[i].k + 1;
		m->slot_first[s] = (uint32_t)i;
		m->slot_n[s] = (uint32_t)(j - i);
		uint32_t bit = prefilter_bit(m->kv[i].k);
		m->bits[bit >> 6] |= 1ull << (bit & 63);
		i = j;
	}
	free(m->kv);
	m->kv = NULL;
	m->nkv = m->capkv = 0;
	return BOT_OK;
}

/* The values under K (borrowed) and their number; NULL when none. */
void
mm_free(struct mmap *m)
{
	free(m->slot_key);
	free(m->slot_first);
	free(m->slot_n);
	free(m->vals);
	free(m->bits);
	free(m->kv);
}

uint64_t
lex_str_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

uint64_t
lex_keys_hash(const uint32_t *k, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;

	for (size_t i = 0; i < n; i++)
		h = lex_mix64(h ^ k[i]) + i;
	return h;
}
