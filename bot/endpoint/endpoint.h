/* What the WebSocket endpoints (chat.c for customers, agent.c for agents)
 * share: their context, the way a frame is admitted, the hello's token
 * check, the rate limit, and the errors they answer with. Like kakao.c they
 * are transport-free: a parsed frame and a conn in, frames out through the
 * conn's outbox (outbox.h), to others through the hub (hub.h).
 *
 * Every frame enters through endpoint_frame_in(), which parses it with its
 * conn's protocol and admits it; each endpoint then has one dispatch switch
 * (mosquitto's read_handle.c): its handlers return NULL or the failure to
 * report, and the dispatcher turns that into the error frame, in one place. */
#ifndef BOT_ENDPOINT_H
#define BOT_ENDPOINT_H

#include <stddef.h>

#include "commit.h"
#include "config.h"
#include "conn.h"
#include "dialog.h"
#include "err.h"
#include "handoff.h"
#include "hub.h"
#include "store.h"
#include "token.h"

/* Everything the endpoints work with; all borrowed, owned by the server
 * (or a test), and shared by every conn through conn_env.ctx. */
typedef struct endpoints {
	const config *cfg;
	store *st;
	dialog *dlg;
	handoff *ho;
	hub *hub;
	commit *cm;
	int snapshot_due; /* agents' queue snapshot is stale: the next tick sends it */
} endpoints;

static inline endpoints *
endpoints_of(const conn *c)
{
	return c->env->ctx;
}

/* A failure a handler reports: an error code (chatproto.h), the message a
 * client reads, and the close code that follows it (0: the connection
 * stays). */
typedef struct ep_fail {
	const char *code;
	const char *message;
	int close;
} ep_fail;

/* The failures both endpoints report. */
extern const ep_fail EP_NOT_READY;    /* a frame before the hello */
extern const ep_fail EP_AGAIN_HELLO;  /* a second hello */
extern const ep_fail EP_RATE_LIMITED; /* too many messages */

/* conn_ops.frame_in of both: parses TEXT (LEN bytes, hostile) with the
 * conn's protocol, refuses what does not parse and, before a hello,
 * anything but one, and hands the rest to chat_dispatch() or
 * agent_dispatch(). */
void endpoint_frame_in(conn *c, const char *text, size_t len);
/* The refusals endpoint_frame_in() makes: what did not parse (PARSED, with
 * CODE and WHY from the parser) and, before a hello, anything but one
 * (IS_HELLO). Whether the frame may go on to its handler. */
int endpoint_admit(conn *c, bot_err parsed, const char *code, const char *why, int is_hello);
/* Checks a hello's TOKEN for ROLE ("member" or "agent") into *CLAIMS. */
bot_err endpoint_verify(const endpoints *ep, const char *token, const char *role,
                        token_claims *claims);
/* The hello was accepted: C belongs to SUBJECT from now on. */
void endpoint_authed(conn *c, int64_t subject);
/* Counts one more message of C in its window: 1 when it is over the limit. */
int endpoint_rate_limited(conn *c);
/* Sends FAIL on C as an error frame (naming CONV_ID when not NULL), then
 * closes when FAIL says so. */
void endpoint_report(conn *c, const ep_fail *fail, const char *conv_id);
/* conn_ops.lost of both: the message could not be saved. */
void endpoint_lost(conn *c, uint64_t gen);
/* The bot's replies in RES to every tab of CONV_ID. */
void endpoint_send_replies(endpoints *ep, const char *conv_id, const dialog_result *res);

/* ---- the endpoints' conn_ops ---------------------------------------------- */

extern const conn_ops chat_ops;
extern const conn_ops agent_ops;

#endif
