/* The intent engine: intents are data (one JSON file per intent in intents/), patterns are PCRE2
 * compiled once with JIT, and matching runs on normalised text.
 * It prefers "not understood" (intent NULL) over a wrong guess. */
#ifndef BOT_INTENT_H
#define BOT_INTENT_H

#include <stddef.h>
#include <time.h>
#include <jansson.h>
#include "err.h"

typedef struct intent_set intent_set;

#define INTENT_MAX_CANDIDATES 4

typedef struct intent_result {
	/* Borrowed from the set (valid while the set lives); NULL = not understood
	 * or a clarification is needed. */
	const char *intent;
	/* Owned by the result: a JSON object of canonical slot values, e.g.
	 * {"period":"last_month"}, {"month":"2026-10"}, {"card_last4":"1234"}.
	 * Always an object (possibly empty) after a successful classify. */
	json_t *slots;
	/* Near tie between several intents: intent is NULL, clarify is 1 and
	 * candidates holds the tied ids (borrowed), best first. */
	int clarify;
	int n_candidates;
	const char *candidates[INTENT_MAX_CANDIDATES];
} intent_result;

/* Loads and compiles every *.json file in DIR. On failure returns an error,
 * writes "file: pattern NAME: message at offset N" (or similar) into ERR, and
 * *OUT stays NULL. The set is immutable after load; a reload builds a new one.
 * Caller owns *OUT and frees it with intent_set_free(). */
bot_err intent_set_load_dir(const char *dir, intent_set **out, char *err, size_t errlen);
void intent_set_free(intent_set *set);

/* Classifies LEN bytes of raw customer text. NOW is the current time, used
 * to resolve relative dates in slots (Asia/Seoul calendar). Fills *RES; the
 * caller frees it with intent_result_clear(). Never fails on hostile text:
 * invalid UTF-8, huge or empty input come back as not understood. */
bot_err intent_classify(const intent_set *set, const char *text, size_t len, time_t now,
			intent_result *res);
void intent_result_clear(intent_result *res);

/* The whole JSON definition of intent ID as loaded from its file (borrowed;
 * NULL when unknown). Other modules read their own keys from it, e.g. the
 * answer module reads "answer". */
const json_t *intent_spec(const intent_set *set, const char *id);
size_t intent_count(const intent_set *set);
const char *intent_id_at(const intent_set *set, size_t i);

/* Runs every example and near-miss of every intent; prints each failure to
 * stderr and returns the number of failures. */
int intent_self_check(const intent_set *set, time_t now);

#endif
