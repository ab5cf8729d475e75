/* The frames the server sends on the customer chat (WS /ws/chat), one
 * builder per frame type; the shapes are bot/PROTOCOL.md's. Each returns the
 * frame as compact JSON text, which the caller owns (free()), or NULL when
 * memory ran out; every argument is borrowed for the call. Transport-free,
 * like the parsers in chatproto.h. */
#ifndef BOT_CHATSEND_H
#define BOT_CHATSEND_H

#include <stdint.h>
#include <time.h>
#include <jansson.h>
#include "store.h"

/* How long a typing indicator lasts unless it is repeated (PROTOCOL.md). */
#define CHATSEND_TYPING_EXPIRES_S 5

/* {"type":"welcome","conversation","seq","state","name"} */
char *chatsend_welcome(const char *conv_id, int64_t last_seq, conv_state state, const char *name);
/* {"type":"ack","id","seq","at"}: the message with client id ID is stored. */
char *chatsend_ack(const char *id, int64_t seq, time_t at);

/* A message to the customer from the bot or an agent. */
typedef struct chatsend_reply {
	int64_t seq;
	const char *from; /* "bot" | "agent" */
	const char *text;
	const char *intent;          /* NULL or "": null */
	const json_t *quick_replies; /* array of {"label","value"}; NULL: [] */
	const char *name;            /* the agent's name; NULL: absent */
	time_t at;
	int replay; /* sent again on a resume: "replay":true */
} chatsend_reply;
char *chatsend_reply_frame(const chatsend_reply *r);
/* {"type":"echo","seq","text","at","id"?,"replay":true}: the customer's own
 * message replayed on a resume. CLIENT_ID may be NULL. */
char *chatsend_echo(int64_t seq, const char *text, time_t at, const char *client_id);

/* {"type":"queued","position","eta_s","agents_online","open","returns_at"?}:
 * RETURNS_AT 0 leaves it out. */
char *chatsend_queued(int position, int eta_s, int agents_online, int open, time_t returns_at);
char *chatsend_agent_joined(const char *agent_name);
/* {"type":"typing","from":"agent","on","expires_s"} */
char *chatsend_typing(int on);
char *chatsend_resolved(void);
char *chatsend_rated(int score);
char *chatsend_pong(void);
/* {"type":"error","code","message"} (both endpoints; codes in chatproto.h). */
char *chatsend_error(const char *code, const char *message);
/* {"type":"notice","code","message"}: news for every connection (a drain). */
char *chatsend_notice(const char *code, const char *message);

/* Serialises OBJ (stolen; NULL gives NULL) compactly: the form of a frame. */
char *chatsend_dump(json_t *obj);
/* The time AT as an ISO 8601 JSON string. New reference. */
json_t *chatsend_time(time_t at);

#endif
