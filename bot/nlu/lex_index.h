/* A multimap from 64-bit keys to 32-bit values, built once and then only
 * read, and the hashes the lexicon keys it with. Internal to the lexicon
 * (lexicon.c and its lex_*.c modules). */
#ifndef BOT_LEX_INDEX_H
#define BOT_LEX_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct mmap {
	uint64_t *slot_key; /* key + 1; 0 = empty */
	uint32_t *slot_first, *slot_n;
	uint32_t mask;
	uint32_t *vals;
	uint64_t *bits; /* 2^16-bit prefilter */
	/* while building */
	struct kv {
		uint64_t k;
		uint32_t v;
	} * kv;
	size_t nkv, capkv;
};

bot_err mm_add(struct mmap *m, uint64_t k, uint32_t v);
bot_err mm_build(struct mmap *m);
void mm_free(struct mmap *m);
uint64_t lex_str_hash(const char *s, size_t n);
uint64_t lex_keys_hash(const uint32_t *k, size_t n);

/* Inline: one probe per unit of every analysed text. */
/* Keys differ in their high bits (pairs of units) as often as in their
 * low ones: a full mix, so that the low bits (the slot) and the high ones
 * (the prefilter) both spread. */
static inline uint64_t
lex_mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* The prefilter's bit for K (of 2^16): the high bits of one multiply, and
 * of the key's two halves folded first so that pairs differing in either
 * half spread. */
static inline uint32_t
prefilter_bit(uint64_t k)
{
	return (uint32_t)(((k ^ (k >> 29) ^ (k >> 47)) * 0x9e3779b97f4a7c15ULL) >> 48);
}

/* The values of key K (*N of them), or NULL. */
static inline const uint32_t *
mm_get(const struct mmap *m, uint64_t k, uint32_t *n)
{
	uint32_t b = prefilter_bit(k), s;
	uint64_t h;

	/* most keys of a text are in no table: one multiply says so */
	if (!m->slot_key || !(m->bits[b >> 6] & (1ull << (b & 63))))
		return NULL;
	h = lex_mix64(k);
	for (s = (uint32_t)h & m->mask; m->slot_key[s]; s = (s + 1) & m->mask) {
		if (m->slot_key[s] == k + 1) {
			*n = m->slot_n[s];
			return m->vals + m->slot_first[s];
		}
	}
	return NULL;
}

#endif
