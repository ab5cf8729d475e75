/* The intent engine: intents are data (one JSON file per intent in intents/,
 * and the concepts they share in intents/lexicon.json). An intent says which
 * concepts must, may and must not occur together in a clause or sentence,
 * in any order (rules), and may add ordered PCRE2 patterns where order
 * matters; matching runs on normalised text.
 * It prefers "not understood" (intent NULL) over a wrong guess; a model
 * learned from the examples may only suggest what the customer could mean. */
#ifndef BOT_INTENT_H
#define BOT_INTENT_H

#include <stddef.h>
#include <time.h>
#include <jansson.h>
#include "err.h"

typedef struct intent_set intent_set;

#define INTENT_MAX_CANDIDATES 4
#define INTENT_MAX_SUGGEST 2

/* How a result came about. */
enum intent_via {
	INTENT_VIA_TEXT = 0, /* the message itself */
	INTENT_VIA_FOLLOWUP, /* a follow-up: the previous intent with new slots */
	INTENT_VIA_CORRECTION, /* "아니 환불 말고 충전이요": the previous question corrected */
};

typedef struct intent_result {
	/* Borrowed from the set (valid while the set lives); NULL = not understood
	 * or a clarification is needed. With two topics, the first asked. */
	const char *intent;
	/* Owned by the result: a JSON object of canonical slot values, e.g.
	 * {"period":"last_month"}, {"month":"2026-10"}, {"card_last4":"1234"}.
	 * Always an object (possibly empty) after a successful classify. */
	json_t *slots;
	/* Owned: slot name -> the customer's own words for it (normalised
	 * text), e.g. {"period":"지난 3개월"}. Always an object. */
	json_t *slot_words;
	/* A second topic asked in the same message ("무상캐시 남은 거랑 세금계산서
	 * 실패 사유"): its id (borrowed) and slots (owned objects), else NULL. */
	const char *also;
	json_t *also_slots;
	json_t *also_slot_words;
	/* Near tie between several intents on the same words: intent is NULL,
	 * clarify is 1 and candidates holds the tied ids (borrowed), best first. */
	int clarify;
	int n_candidates;
	const char *candidates[INTENT_MAX_CANDIDATES];
	/* Not understood, but the learned model thinks it may be one of these
	 * (borrowed ids, most likely first). Never set when intent is set. */
	int n_suggest;
	const char *suggest[INTENT_MAX_SUGGEST];
	double suggest_p[INTENT_MAX_SUGGEST];
	enum intent_via via;
	/* The customer asks about another ad account ("다른 계정은요?"). */
	int other_account;
	/* With INTENT_EXPLAIN: owned {"concepts":[{"concept","form","text",
	 * "typo"?,"negated"?}...], "rule":"<intent>/<rule>"|null}; else NULL. */
	json_t *explain;
} intent_result;

/* The previous turn of a conversation, for follow-ups and corrections. */
typedef struct intent_context {
	const char *intent;  /* what it was understood as (NULL: no context) */
	const json_t *slots; /* its slots (borrowed; may be NULL) */
	const char *text;    /* the question as the customer typed it (may be NULL) */
	size_t len;
} intent_context;

#define INTENT_EXPLAIN 0x01 /* fill intent_result.explain */

/* Loads and compiles DIR/lexicon.json and every other *.json file in DIR
 * (one intent each), and trains the suggestion model on their examples. On
 * failure returns an error, writes "file: pattern NAME: message at offset N"
 * (or similar) into ERR, and *OUT stays NULL. The set is immutable after
 * load; a reload builds a new one. Caller owns *OUT and frees it with
 * intent_set_free(). */
bot_err intent_set_load_dir(const char *dir, intent_set **out, char *err, size_t errlen);
void intent_set_free(intent_set *set);

/* Classifies LEN bytes of raw customer text. NOW is the current time, used
 * to resolve relative dates in slots (Asia/Seoul calendar). Fills *RES; the
 * caller frees it with intent_result_clear(). Never fails on hostile text:
 * invalid UTF-8, huge or empty input come back as not understood. */
bot_err intent_classify(const intent_set *set, const char *text, size_t len, time_t now,
                        intent_result *res);
/* The same in the context CTX of the previous turn (may be NULL), with
 * FLAGS (INTENT_EXPLAIN). A message that is understood on its own is
 * answered on its own; one that is not may be a follow-up of CTX (only a
 * slot or a detail changes: "그럼 지난달은요?", "what about last week?",
 * "다른 계정은요?") or a correction of it ("아니 환불 말고 충전이요"). */
bot_err intent_classify_ctx(const intent_set *set, const char *text, size_t len, time_t now,
                            const intent_context *ctx, int flags, intent_result *res);
void intent_result_clear(intent_result *res);

/* The slots intent ID would take from TEXT (e.g. the period of a question
 * the customer then confirmed by tapping the suggestion): canonical values
 * into SLOTS and the customer's words into WORDS (both owned by the caller,
 * objects). BOT_ERR_NOT_FOUND when ID is unknown. */
bot_err intent_slots(const intent_set *set, const char *id, const char *text, size_t len,
                     time_t now, json_t *slots, json_t *words);

/* The whole JSON definition of intent ID as loaded from its file (borrowed;
 * NULL when unknown). Other modules read their own keys from it, e.g. the
 * answer module reads "answer". */
const json_t *intent_spec(const intent_set *set, const char *id);
size_t intent_count(const intent_set *set);
const char *intent_id_at(const intent_set *set, size_t i);

#endif
