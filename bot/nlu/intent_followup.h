/* Follow-ups and corrections: a short message read in the context of the
 * intent answered before ("그럼 지난달은요?", "아니 환불 말고 충전이요"). */
#ifndef BOT_INTENT_FOLLOWUP_H
#define BOT_INTENT_FOLLOWUP_H

#include "intent_int.h"

int intent_index(const intent_set *set, const char *id);

/* A period said relative to the previous one ("그 전 주도요", "1일부터
 * 10일까지도요"): resolved against CTX's period into SLOTS. */
void relative_period(const intent_set *set, const struct intent *it, const lex_text *t, const intent_context *ctx, time_t now, json_t *slots, json_t *words);

/* Understands T (not understood on its own) in the context of the previous
 * turn. Returns 1 when it did (RES filled), 0 otherwise. */
int classify_in_context(const intent_set *set, struct scratch *s, const lex_text *t, time_t now, const intent_context *ctx, intent_result *res);
#endif
