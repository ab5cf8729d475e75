/* KakaoTalk: a Kakao i Open Builder skill (POST /kakao/skill). This module
 * turns a SkillPayload into a dialogue turn and the turn's replies into a
 * SkillResponse. It is transport-free: net/http.c reads the HTTP request,
 * opens the store batch, calls kakao_handle(), and sends the response only
 * after the batch has committed. */
#ifndef BOT_KAKAO_H
#define BOT_KAKAO_H

#include <stddef.h>
#include <time.h>
#include "config.h"
#include "dialog.h"
#include "err.h"
#include "store.h"

/* The request header carrying the shared secret (config "kakao_secret"). */
#define KAKAO_SECRET_HEADER "x-botd-skill-secret"
/* Bodies larger than this are refused with 413 before parsing. */
#define KAKAO_MAX_BODY (64 * 1024)

typedef struct kakao kakao;

typedef struct kakao_response {
	int status;            /* HTTP status: 200, 400, 401, 413, 429, 500 */
	char *body;            /* owned JSON text: a SkillResponse, or {"error":{...}} */
	/* When the turn put the conversation in the agent queue, its id (so the
	 * server can tell agents); empty otherwise. */
	char escalated_conversation[33];
	const char *escalated_reason; /* static string, with escalated_conversation */
} kakao_response;

/* Borrows CFG, ST and DLG, which must outlive it. Caller owns *OUT. */
bot_err kakao_new(const config *cfg, store *st, dialog *dlg, kakao **out);
void kakao_free(kakao *k);

/* Handles one POST. SECRET is the value of the KAKAO_SECRET_HEADER header
 * (NULL when absent); BODY is LEN bytes, hostile. Writes happen inside the
 * store's open batch (the caller has begun it). Always fills *OUT with a
 * status and a body, even for refused requests; the caller frees it with
 * kakao_response_clear(). Returns BOT_OK unless memory ran out. */
bot_err kakao_handle(kakao *k, const char *secret, const char *body, size_t len, time_t now,
		     kakao_response *out);
void kakao_response_clear(kakao_response *r);

#endif
