/* The agent console (WS /ws/agent): hello, claim, message, typing, note,
 * transfer, resolve, ping. One dispatch switch; the handlers return NULL or
 * the failure to report, which names the conversation it is about. */
#include "agent.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agentsend.h"
#include "chatproto.h"
#include "chatsend.h"
#include "clock.h"
#include "log.h"
#include "metrics.h"
#include "outbox.h"

static const ep_fail UNAUTHORIZED = {
    CHAT_ERR_UNAUTHORIZED, "the token is invalid, expired or not an agent's", CONN_CLOSE_POLICY};
static const ep_fail NOT_OWNER = {CHAT_ERR_NOT_OWNER, "you do not hold this conversation", 0};
static const ep_fail FULL = {CHAT_ERR_AT_CAPACITY,
                             "you already hold as many conversations as you may", 0};
static const ep_fail THEY_ARE_FULL = {CHAT_ERR_AT_CAPACITY, "that agent is at their cap", 0};
static const ep_fail TAKEN = {CHAT_ERR_ALREADY_CLAIMED, "another agent claimed it first", 0};
static const ep_fail NOT_WAITING = {CHAT_ERR_NOT_FOUND, "no such conversation in the queue", 0};
static const ep_fail NOT_ONLINE = {CHAT_ERR_NOT_FOUND, "that agent is not online", 0};
static const ep_fail TO_SELF = {CHAT_ERR_BAD_SHAPE, "you already hold this conversation", 0};
static const ep_fail CLAIM_NOT_SAVED = {CHAT_ERR_SERVER,
                                        "the claim could not be saved; please retry", 0};
static const ep_fail MESSAGE_NOT_SAVED = {CHAT_ERR_SERVER,
                                          "the message could not be saved; please retry", 0};
static const ep_fail NOTE_NOT_SAVED = {CHAT_ERR_SERVER, "the note could not be saved; please retry",
                                       0};
static const ep_fail TRANSFER_NOT_SAVED = {CHAT_ERR_SERVER,
                                           "the transfer could not be saved; please retry", 0};
static const ep_fail NOT_RESOLVED = {CHAT_ERR_SERVER,
                                     "the conversation could not be resolved; retry", 0};

void
agent_presence(endpoints *ep)
{
	metrics_agents_online(hub_presence(ep->hub));
}

/* The conversations an agent already holds, with their packets. */
static void
send_welcome(endpoints *ep, conn *c, const char *name)
{
	store_id_list ids = {0};
	store_agent_conversations(ep->st, c->subject, &ids);
	size_t n = ids.n ? ids.n : 1;
	store_packet *packets = calloc(n, sizeof(*packets));
	agentsend_held *held = calloc(n, sizeof(*held));
	size_t n_held = 0;
	for (size_t i = 0; packets && held && i < ids.n; i++) {
		if (store_handoff_packet(ep->st, ids.ids[i], &packets[n_held]) != BOT_OK)
			continue;
		held[n_held].conversation = ids.ids[i];
		held[n_held].packet = &packets[n_held];
		n_held++;
	}
	conn_put(
	    c, agentsend_welcome(c->subject, name, handoff_cap(ep->ho, c->subject), held, n_held));
	for (size_t i = 0; i < n_held; i++)
		store_packet_clear(&packets[i]);
	free(packets);
	free(held);
	store_id_list_clear(&ids);
}

static const ep_fail *
handle_hello(endpoints *ep, conn *c, const agent_frame *f)
{
	token_claims claims;
	char name[128] = "";
	if (c->authed)
		return &EP_AGAIN_HELLO;
	if (endpoint_verify(ep, f->token, "agent", &claims) != BOT_OK ||
	    store_agent_name(ep->st, claims.subject, name, sizeof(name)) != BOT_OK) {
		log_warn("agent: refused a hello with an invalid token");
		return &UNAUTHORIZED;
	}
	endpoint_authed(c, claims.subject);
	handoff_agent_back(ep->ho, claims.subject);
	send_welcome(ep, c, name);
	log_info("agent %lld (%s) connected", (long long)claims.subject, name);
	agent_presence(ep);
	hub_queue_changed(ep->hub);
	return NULL;
}

static const ep_fail *
handle_claim(endpoints *ep, conn *c, const agent_frame *f)
{
	if (handoff_room(ep->ho, c->subject, 0) != BOT_OK)
		return &FULL;
	if (commit_begin(ep->cm) != BOT_OK)
		return &CLAIM_NOT_SAVED;
	store_packet packet;
	int have = 0;
	bot_err rc = handoff_claim(ep->ho, f->conversation, c->subject, &packet, &have);
	if (rc != BOT_OK)
		return rc == BOT_ERR_CONFLICT ? &TAKEN : &NOT_WAITING;
	conn_put(c, agentsend_claimed(f->conversation, have ? &packet : NULL));
	if (have)
		store_packet_clear(&packet);
	char name[128] = "";
	store_agent_name(ep->st, c->subject, name, sizeof(name));
	hub_conversation_moved(ep->hub, f->conversation);
	hub_to_customer(ep->hub, f->conversation, chatsend_agent_joined(name));
	hub_queue_changed(ep->hub);
	return NULL;
}

static const ep_fail *
handle_message(endpoints *ep, conn *c, const agent_frame *f)
{
	if (endpoint_rate_limited(c))
		return &EP_RATE_LIMITED;
	store_conversation conv;
	if (store_conversation_get(ep->st, f->conversation, &conv) != BOT_OK ||
	    commit_begin(ep->cm) != BOT_OK)
		return &MESSAGE_NOT_SAVED;
	/* Agent ids get a prefix so they never collide with the customer's. */
	char client_id[96];
	snprintf(client_id, sizeof(client_id), "agent:%lld:%s", (long long)c->subject, f->id);
	store_message m = {
	    .sender = "agent", .client_id = client_id, .agent_id = c->subject, .text = f->text};
	int dup = 0;
	if (store_message_append(ep->st, &conv, &m, &dup) != BOT_OK)
		return &MESSAGE_NOT_SAVED;
	conn_put(c, agentsend_ack(f->id, f->conversation, m.seq, clock_now()));
	if (dup)
		return NULL;
	char name[128] = "";
	store_agent_name(ep->st, c->subject, name, sizeof(name));
	hub_conversation_changed(ep->hub, f->conversation);
	chatsend_reply r = {
	    .seq = m.seq, .from = "agent", .text = f->text, .name = name, .at = clock_now()};
	hub_to_customer(ep->hub, f->conversation, chatsend_reply_frame(&r));
	return NULL;
}

static const ep_fail *
handle_note(endpoints *ep, conn *c, const agent_frame *f)
{
	time_t at;
	if (commit_begin(ep->cm) != BOT_OK ||
	    handoff_note(ep->ho, f->conversation, c->subject, f->text, &at) != BOT_OK)
		return &NOTE_NOT_SAVED;
	char name[128] = "";
	store_agent_name(ep->st, c->subject, name, sizeof(name));
	store_note note = {.agent = name, .text = f->text, .at = at};
	hub_to_agent(ep->hub, c->subject, agentsend_noted(f->conversation, &note));
	return NULL;
}

static const ep_fail *
handle_transfer(endpoints *ep, conn *c, const agent_frame *f)
{
	switch (handoff_may_transfer(ep->ho, c->subject, f->to_agent,
	                             hub_agent_online(ep->hub, f->to_agent))) {
	case BOT_OK:
		break;
	case BOT_ERR_INVAL:
		return &TO_SELF;
	case BOT_ERR_LIMIT:
		return &THEY_ARE_FULL;
	default:
		return &NOT_ONLINE;
	}
	if (commit_begin(ep->cm) != BOT_OK ||
	    handoff_transfer(ep->ho, f->conversation, c->subject, f->to_agent) != BOT_OK)
		return &TRANSFER_NOT_SAVED;
	hub_to_agent(ep->hub, c->subject, agentsend_released(f->conversation, "transferred"));
	hub_conversation_changed(ep->hub, f->conversation);
	if (f->to_agent) {
		store_packet packet;
		char name[128] = "";
		int have = store_handoff_packet(ep->st, f->conversation, &packet) == BOT_OK;
		store_agent_name(ep->st, f->to_agent, name, sizeof(name));
		hub_to_agent(ep->hub, f->to_agent,
		             agentsend_assigned(f->conversation, have ? &packet : NULL));
		if (have)
			store_packet_clear(&packet);
		hub_to_customer(ep->hub, f->conversation, chatsend_agent_joined(name));
	}
	hub_queue_changed(ep->hub);
	return NULL;
}

static const ep_fail *
handle_resolve(endpoints *ep, conn *c, const agent_frame *f)
{
	dialog_result res;
	if (commit_begin(ep->cm) != BOT_OK ||
	    handoff_resolve(ep->ho, f->conversation, c->subject, &res) != BOT_OK) {
		dialog_result_clear(&res);
		return &NOT_RESOLVED;
	}
	hub_to_agent(ep->hub, c->subject, agentsend_released(f->conversation, "resolved"));
	hub_conversation_moved(ep->hub, f->conversation);
	hub_to_customer(ep->hub, f->conversation, chatsend_resolved());
	endpoint_send_replies(ep, f->conversation, &res);
	dialog_result_clear(&res);
	return NULL;
}

/* The frames about a conversation the agent must hold. */
static const ep_fail *
handle_held(endpoints *ep, conn *c, const agent_frame *f)
{
	if (handoff_owns(ep->ho, f->conversation, c->subject) != BOT_OK)
		return &NOT_OWNER;
	switch (f->type) {
	case AGENT_MESSAGE:
		return handle_message(ep, c, f);
	case AGENT_TYPING:
		hub_to_customer(ep->hub, f->conversation, chatsend_typing(f->typing_on));
		return NULL;
	case AGENT_NOTE:
		return handle_note(ep, c, f);
	case AGENT_TRANSFER:
		return handle_transfer(ep, c, f);
	case AGENT_RESOLVE:
		return handle_resolve(ep, c, f);
	default:
		return NULL;
	}
}

void
agent_dispatch(conn *c, const agent_frame *f)
{
	endpoints *ep = endpoints_of(c);
	const ep_fail *fail = NULL;
	switch (f->type) {
	case AGENT_HELLO:
		fail = handle_hello(ep, c, f);
		break;
	case AGENT_PING:
		conn_put(c, chatsend_pong());
		break;
	case AGENT_CLAIM:
		fail = handle_claim(ep, c, f);
		break;
	case AGENT_MESSAGE:
	case AGENT_TYPING:
	case AGENT_NOTE:
	case AGENT_TRANSFER:
	case AGENT_RESOLVE:
		fail = handle_held(ep, c, f);
		break;
	}
	if (fail)
		endpoint_report(c, fail, f->conversation);
}

/* An agent's last connection closed: their conversations wait for them for
 * the grace period (agent_tick). */
static void
agent_closed(conn *c)
{
	endpoints *ep = endpoints_of(c);
	hub_remove_agent(ep->hub, c);
	if (!c->authed)
		return;
	log_info("agent %lld disconnected", (long long)c->subject);
	if (!hub_agent_online(ep->hub, c->subject))
		handoff_agent_gone(ep->ho, c->subject, time(NULL));
	agent_presence(ep);
	hub_queue_changed(ep->hub);
}

static void
agent_opened(conn *c)
{
	hub_add_agent(endpoints_of(c)->hub, c);
}

const conn_ops agent_ops = {
    .opened = agent_opened,
    .frame_in = endpoint_frame_in,
    .lost = endpoint_lost,
    .closed = agent_closed,
};

static void
requeued(void *ctx, const char *conv_id, const dialog_result *res)
{
	endpoints *ep = ctx;
	hub_conversation_moved(ep->hub, conv_id);
	endpoint_send_replies(ep, conv_id, res);
}

void
agent_tick(endpoints *ep)
{
	int64_t due[64];
	size_t n = handoff_grace_over(ep->ho, time(NULL), due, sizeof(due) / sizeof(due[0]));
	int changed = 0;
	for (size_t i = 0; i < n; i++)
		if (commit_begin(ep->cm) == BOT_OK &&
		    handoff_requeue_agent(ep->ho, due[i], requeued, ep) > 0)
			changed = 1;
	if (changed)
		hub_queue_changed(ep->hub);
	else if (ep->snapshot_due)
		hub_queue_snapshot(ep->hub);
	ep->snapshot_due = 0;
}
