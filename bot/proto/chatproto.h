/* The customer chat protocol (WS /ws/chat): parsing and validating client
 * frames (the server's frames are built in chatsend.h), and the error codes
 * both WebSocket endpoints send. Transport-free so it can be fuzzed and
 * unit-tested alone. The contract is documented in bot/PROTOCOL.md. */
#ifndef BOT_CHATPROTO_H
#define BOT_CHATPROTO_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "err.h"

#define CHAT_MAX_TEXT 4096 /* bytes of customer text in one message */
#define CHAT_MAX_CLIENT_ID 64

typedef enum chat_type {
	CHAT_HELLO,
	CHAT_MESSAGE,
	CHAT_TYPING,
	CHAT_RATING,
	CHAT_PING,
} chat_type;

/* A validated client frame. Strings are borrowed from ROOT, which the frame
 * owns; release with chat_frame_clear(). */
typedef struct chat_frame {
	json_t *root; /* first (frame_start) */
	chat_type type;
	/* hello */
	const char *token;
	int has_resume;
	const char *resume_conversation;
	int64_t resume_after_seq;
	/* message */
	const char *id;
	const char *text;
	size_t text_len;
	const char *value; /* quick-reply value, may be NULL */
	/* typing */
	int typing_on;
	/* rating */
	int rating;
} chat_frame;

/* Error codes sent in {"type":"error","code":...}. */
#define CHAT_ERR_BAD_JSON "bad_json"
#define CHAT_ERR_BAD_SHAPE "bad_shape"
#define CHAT_ERR_UNKNOWN_TYPE "unknown_type"
#define CHAT_ERR_UNAUTHORIZED "unauthorized"
#define CHAT_ERR_FORBIDDEN "forbidden"
#define CHAT_ERR_RATE_LIMITED "rate_limited"
#define CHAT_ERR_NOT_READY "hello_required"
#define CHAT_ERR_SERVER "server_error"
#define CHAT_ERR_FULL "server_full"

/* Parses LEN bytes. On failure returns BOT_ERR_PARSE or BOT_ERR_INVAL and
 * points *CODE at one of the CHAT_ERR_ codes and writes a reason in WHY. */
bot_err chatproto_parse(const char *buf, size_t len, chat_frame *out, const char **code, char *why,
                        size_t whylen);
void chat_frame_clear(chat_frame *frame);

#define CHAT_ERR_NOT_FOUND "not_found"
#define CHAT_ERR_ALREADY_CLAIMED "already_claimed"
#define CHAT_ERR_NOT_OWNER "not_owner"
#define CHAT_ERR_AT_CAPACITY "at_capacity"

/* Client message ids: 1 to CHAT_MAX_CLIENT_ID printable ASCII characters. */
int chatproto_client_id_ok(const char *id);

#endif
