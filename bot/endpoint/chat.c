/* The customer chat (WS /ws/chat): hello (with a resume), messages,
 * typing, ratings, ping. One dispatch switch; the handlers return NULL or
 * the failure to report. Frames for the customer's other tabs and for the
 * agent go through the hub. */
#include "chat.h"

#include <stdlib.h>
#include <string.h>

#include "agentsend.h"
#include "chatproto.h"
#include "chatsend.h"
#include "clock.h"
#include "endpoint.h"
#include "log.h"
#include "metrics.h"
#include "outbox.h"

static const ep_fail UNAUTHORIZED = {CHAT_ERR_UNAUTHORIZED, "the token is invalid or expired",
                                     CONN_CLOSE_POLICY};
static const ep_fail NOT_THEIRS = {CHAT_ERR_FORBIDDEN, "no such conversation for this member",
                                   CONN_CLOSE_POLICY};
static const ep_fail NO_START = {CHAT_ERR_SERVER, "could not start a conversation",
                                 CONN_CLOSE_UNEXPECTED};
static const ep_fail NOT_SAVED = {CHAT_ERR_SERVER, "the message could not be saved; please retry",
                                  0};
static const ep_fail NOT_HANDLED = {CHAT_ERR_SERVER,
                                    "the message could not be handled; please retry", 0};
static const ep_fail RATING_NOT_SAVED = {CHAT_ERR_SERVER,
                                         "the rating could not be saved; please retry", 0};
static const ep_fail NOTHING_TO_RATE = {CHAT_ERR_BAD_SHAPE, "there is nothing to rate", 0};

/* ---- replay ------------------------------------------------------------------ */

/* Frames of history queued at a time: at most half the queue, so a replay
 * never trips the slow-reader limit. */
static int
replay_chunk(const conn *c)
{
	int n = c->env->cfg->outbound_queue_max / 2;
	return n > 8 ? 8 : n;
}

/* Replays one stored message as the frame it was sent as. */
static int
replay_one(void *ctx, const store_message *m)
{
	conn *c = ctx;
	c->replay_seq = m->seq;
	char *text;
	if (!strcmp(m->sender, "customer")) {
		text = chatsend_echo(m->seq, m->text, m->at, m->client_id);
	} else {
		json_t *meta = m->meta ? json_loads(m->meta, 0, NULL) : NULL;
		json_t *qr = json_object_get(meta, "quick_replies");
		char name[128] = "";
		if (m->agent_id)
			store_agent_name(endpoints_of(c)->st, m->agent_id, name, sizeof(name));
		chatsend_reply r = {.seq = m->seq,
		                    .from = m->sender,
		                    .text = m->text,
		                    .intent = m->intent,
		                    .quick_replies = json_is_array(qr) ? qr : NULL,
		                    .name = name[0] ? name : NULL,
		                    .at = m->at,
		                    .replay = 1};
		text = chatsend_reply_frame(&r);
		json_decref(meta);
	}
	conn_put(c, text);
	return ++c->replay_batch >= replay_chunk(c);
}

/* Queues the next chunk of history; the queue's draining asks for more. */
static void
replay_more(conn *c)
{
	c->replay_batch = 0;
	if (store_messages_after(endpoints_of(c)->st, c->conv.id, c->replay_seq, replay_one, c) !=
	        BOT_OK ||
	    c->replay_batch < replay_chunk(c))
		c->replaying = 0;
}

static void
chat_drained(conn *c)
{
	if (c->replaying)
		replay_more(c);
}

/* ---- the handlers ---------------------------------------------------------------- */

/* A returning customer hears where their handoff stands. */
static void
tell_handoff(endpoints *ep, conn *c)
{
	int64_t owner;
	char agent[128] = "";
	if (c->conv.state == CONV_QUEUED)
		hub_queue_joined(ep->hub, c->conv.id);
	else if (c->conv.state == CONV_AGENT &&
	         store_handoff_owner(ep->st, c->conv.id, &owner) == BOT_OK &&
	         store_agent_name(ep->st, owner, agent, sizeof(agent)) == BOT_OK)
		conn_put(c, chatsend_agent_joined(agent));
}

static const ep_fail *
handle_hello(endpoints *ep, conn *c, const chat_frame *f)
{
	token_claims claims;
	if (c->authed)
		return &EP_AGAIN_HELLO;
	if (endpoint_verify(ep, f->token, "member", &claims) != BOT_OK) {
		log_warn("chat: refused a hello with an invalid token");
		return &UNAUTHORIZED;
	}
	if (f->has_resume) {
		store_conversation conv;
		if (store_conversation_get(ep->st, f->resume_conversation, &conv) != BOT_OK ||
		    conv.member_id != claims.subject || strcmp(conv.channel, "web")) {
			log_warn("chat: member %lld tried to resume a conversation that is not "
			         "theirs",
			         (long long)claims.subject);
			return &NOT_THEIRS;
		}
		c->conv = conv;
	} else if (commit_begin(ep->cm) != BOT_OK ||
	           store_conversation_create(ep->st, claims.subject, "web", NULL, &c->conv) !=
	               BOT_OK) {
		return &NO_START;
	}
	endpoint_authed(c, claims.subject);
	hub_add_customer(ep->hub, c);
	char name[128] = "";
	store_member_name(ep->st, claims.subject, name, sizeof(name));
	conn_put(c, chatsend_welcome(c->conv.id, c->conv.last_seq, c->conv.state, name));
	log_msg(LOG_INFO, c->conv.id, "chat: member %lld %s", (long long)claims.subject,
	        f->has_resume ? "resumed" : "started a conversation");
	if (f->has_resume) {
		c->replaying = 1;
		c->replay_seq = f->resume_after_seq;
		replay_more(c);
		tell_handoff(ep, c);
	}
	return NULL;
}

/* What a customer turn means for the humans: a new queue entry, a message
 * for the owning agent, or a rating. */
static void
after_turn(endpoints *ep, conn *c, const char *text, const dialog_result *res)
{
	int64_t owner = 0;
	if (res->escalated)
		hub_queue_joined(ep->hub, c->conv.id);
	if (res->for_agent) {
		if (store_handoff_owner(ep->st, c->conv.id, &owner) == BOT_OK)
			hub_to_agent(ep->hub, owner,
			             agentsend_customer_message(c->conv.id, res->customer_seq, text,
			                                        clock_now()));
		else
			/* The preview of a waiting conversation changed: agents get
			 * it with the next tick, not one snapshot per message. */
			ep->snapshot_due = 1;
	}
	if (res->rated) {
		hub_to_customer(ep->hub, c->conv.id, chatsend_rated(res->rated));
		hub_to_agent(ep->hub, res->rated_agent, agentsend_rated(c->conv.id, res->rated));
	}
}

/* Metrics of one finished turn. */
static void
count_turn(const dialog_result *res, int64_t started_us)
{
	if (res->duplicate || res->for_agent)
		return;
	if (res->intent[0])
		metrics_intent(res->intent);
	else if (res->not_understood)
		metrics_intent(NULL);
	if (res->escalated)
		metrics_escalation(res->escalated);
	metrics_answer_latency((double)(clock_mono_us() - started_us) / 1e6);
}

static const ep_fail *
handle_message(endpoints *ep, conn *c, const chat_frame *f)
{
	int64_t started = clock_mono_us();
	if (endpoint_rate_limited(c))
		return &EP_RATE_LIMITED;
	/* Another tab, an agent or a requeue may have moved the conversation on
	 * since this connection last looked: start from what is stored. */
	if (commit_begin(ep->cm) != BOT_OK ||
	    store_conversation_get(ep->st, c->conv.id, &c->conv) != BOT_OK ||
	    store_turn_begin(ep->st) != BOT_OK)
		return &NOT_SAVED;
	dialog_turn turn = {
	    .client_id = f->id, .text = f->text, .len = f->text_len, .value = f->value};
	dialog_result res;
	bot_err rc = dialog_customer_turn(ep->dlg, &c->conv, &turn, &res);
	store_turn_end(ep->st, rc == BOT_OK);
	if (rc != BOT_OK) {
		log_msg(LOG_ERROR, c->conv.id, "chat: turn failed: %s", bot_strerror(rc));
		dialog_result_clear(&res);
		/* Half a turn was undone: nothing of it is acknowledged. */
		store_conversation_get(ep->st, c->conv.id, &c->conv);
		return &NOT_HANDLED;
	}
	conn_put(c, chatsend_ack(f->id, res.customer_seq, clock_now()));
	if (!res.duplicate) {
		endpoint_send_replies(ep, c->conv.id, &res);
		after_turn(ep, c, f->text, &res);
		count_turn(&res, started);
	}
	dialog_result_clear(&res);
	return NULL;
}

/* {"type":"rating","score":N}: the same as tapping the rating:N quick reply. */
static const ep_fail *
handle_rating(endpoints *ep, conn *c, const chat_frame *f)
{
	dialog_result res;
	if (commit_begin(ep->cm) != BOT_OK)
		return &RATING_NOT_SAVED;
	bot_err rc = dialog_rate(ep->dlg, &c->conv, f->rating, &res);
	const ep_fail *fail = NULL;
	if (rc == BOT_ERR_NOT_FOUND) {
		fail = &NOTHING_TO_RATE;
	} else if (rc != BOT_OK) {
		fail = &RATING_NOT_SAVED;
	} else {
		for (int i = 0; i < res.n_replies; i++) {
			chatsend_reply r = {.seq = res.replies[i].seq,
			                    .from = "bot",
			                    .text = res.replies[i].text,
			                    .at = clock_now()};
			hub_to_customer(ep->hub, c->conv.id, chatsend_reply_frame(&r));
		}
		after_turn(ep, c, "", &res);
	}
	dialog_result_clear(&res);
	return fail;
}

/* Customer typing reaches the agent who holds the conversation. */
static const ep_fail *
handle_typing(endpoints *ep, conn *c, const chat_frame *f)
{
	int64_t owner;
	if (c->conv.state == CONV_AGENT &&
	    store_handoff_owner(ep->st, c->conv.id, &owner) == BOT_OK)
		hub_to_agent(ep->hub, owner, agentsend_typing(c->conv.id, f->typing_on));
	return NULL;
}

void
chat_dispatch(conn *c, const chat_frame *f)
{
	endpoints *ep = endpoints_of(c);
	const ep_fail *fail = NULL;
	switch (f->type) {
	case CHAT_HELLO:
		fail = handle_hello(ep, c, f);
		break;
	case CHAT_MESSAGE:
		fail = handle_message(ep, c, f);
		break;
	case CHAT_TYPING:
		fail = handle_typing(ep, c, f);
		break;
	case CHAT_PING:
		conn_put(c, chatsend_pong());
		break;
	case CHAT_RATING:
		fail = handle_rating(ep, c, f);
		break;
	}
	if (fail)
		endpoint_report(c, fail, NULL);
}

static void
chat_closed(conn *c)
{
	if (c->authed)
		log_msg(LOG_INFO, c->conv.id, "chat: connection closed");
	hub_remove_customer(endpoints_of(c)->hub, c);
}

const conn_ops chat_ops = {
    .frame_in = endpoint_frame_in,
    .drained = chat_drained,
    .lost = endpoint_lost,
    .closed = chat_closed,
};
