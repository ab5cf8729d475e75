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

uint64_t lex_mix64(uint64_t x);
bot_err mm_add(struct mmap *m, uint64_t k, uint32_t v);
bot_err mm_build(struct mmap *m);
const uint32_t *mm_get(const struct mmap *m, uint64_t k, uint32_t *n);
void mm_free(struct mmap *m);
uint64_t lex_str_hash(const char *s, size_t n);
uint64_t lex_keys_hash(const uint32_t *k, size_t n);

#endif
