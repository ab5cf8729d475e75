#include "endpoint.h"

#include <string.h>

#include "agent.h"
#include "agentproto.h"
#include "agentsend.h"
#include "chat.h"
#include "chatproto.h"
#include "chatsend.h"
#include "clock.h"
#include "metrics.h"
#include "outbox.h"

const ep_fail EP_NOT_READY = {CHAT_ERR_NOT_READY, "the first frame must be a hello",
                              CONN_CLOSE_POLICY};
const ep_fail EP_AGAIN_HELLO = {CHAT_ERR_BAD_SHAPE, "hello was already received", 0};
const ep_fail EP_RATE_LIMITED = {CHAT_ERR_RATE_LIMITED, "too many messages; wait a few seconds", 0};

int
endpoint_admit(conn *c, bot_err parsed, const char *code, const char *why, int is_hello)
{
	if (parsed != BOT_OK) {
		conn_error(c, code, why);
		return 0;
	}
	if (!c->authed && !is_hello) {
		endpoint_report(c, &EP_NOT_READY, NULL);
		return 0;
	}
	return 1;
}

bot_err
endpoint_verify(const endpoints *ep, const char *token, const char *role, token_claims *claims)
{
	if (token_verify(ep->cfg->token_secret, token, clock_now(), claims) != BOT_OK ||
	    strcmp(claims->role, role))
		return BOT_ERR_AUTH;
	return BOT_OK;
}

void
endpoint_authed(conn *c, int64_t subject)
{
	c->authed = 1;
	c->subject = subject;
	c->env->port->timeout(c, 0);
}

int
endpoint_rate_limited(conn *c)
{
	const config *cfg = c->env->cfg;
	time_t now = time(NULL);
	if (now - c->rl_window >= cfg->rate_limit_window_s) {
		c->rl_window = now;
		c->rl_count = 0;
	}
	return ++c->rl_count > cfg->rate_limit_messages;
}

void
endpoint_report(conn *c, const ep_fail *fail, const char *conv_id)
{
	metrics_error(fail->code);
	conn_put(c, agentsend_error(fail->code, fail->message, conv_id));
	if (fail->close)
		conn_close_after(c, fail->close);
}

void
endpoint_lost(conn *c, uint64_t gen)
{
	if (c->conv.id[0])
		store_conversation_get(endpoints_of(c)->st, c->conv.id, &c->conv);
	conn_error(c, CHAT_ERR_SERVER, "the message could not be saved; please send it again");
}

void
endpoint_frame_in(conn *c, const char *text, size_t len)
{
	union {
		chat_frame chat;
		agent_frame agent;
	} f;
	const char *code = NULL;
	char why[200];
	bot_err rc;
	int hello;
	if (c->kind == CONN_AGENT) {
		rc = agentproto_parse(text, len, &f.agent, &code, why, sizeof(why));
		hello = rc == BOT_OK && f.agent.type == AGENT_HELLO;
	} else {
		rc = chatproto_parse(text, len, &f.chat, &code, why, sizeof(why));
		hello = rc == BOT_OK && f.chat.type == CHAT_HELLO;
	}
	if (endpoint_admit(c, rc, code, why, hello)) {
		if (c->kind == CONN_AGENT)
			agent_dispatch(c, &f.agent);
		else
			chat_dispatch(c, &f.chat);
	}
	if (c->kind == CONN_AGENT)
		agent_frame_clear(&f.agent);
	else
		chat_frame_clear(&f.chat);
}

void
endpoint_send_replies(endpoints *ep, const char *conv_id, const dialog_result *res)
{
	for (int i = 0; i < res->n_replies; i++) {
		const dialog_reply *r = &res->replies[i];
		chatsend_reply f = {.seq = r->seq,
		                    .from = "bot",
		                    .text = r->text,
		                    .intent = r->intent,
		                    .quick_replies = r->quick_replies,
		                    .at = clock_now()};
		hub_to_customer(ep->hub, conv_id, chatsend_reply_frame(&f));
	}
}
