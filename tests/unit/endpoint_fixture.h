/* What the endpoint tests (test_chat.c, test_agent.c) share: the whole bot
 * on a temporary demo database, wired as the daemon wires it, with a
 * recording transport in place of libwebsockets. A recorded connection
 * ("rconn") keeps what the endpoint asked of its transport; settle() ends
 * the loop turn as the server does (the group commit) and moves every frame
 * that may go out into the connection's list of received frames, so a test
 * sees exactly what a client would, and when. Included by one test file
 * each: its functions are static inline, so each file uses what it needs. */
#ifndef TEST_ENDPOINT_FIXTURE_H
#define TEST_ENDPOINT_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "demo_bot.h"

#include "agent.h"
#include "chat.h"
#include "clock.h"
#include "commit.h"
#include "endpoint.h"
#include "handoff.h"
#include "hours.h"
#include "hub.h"
#include "log.h"
#include "outbox.h"
#include "token.h"
#include "wiring.h"

/* 2026-03-02 01:00:00 UTC = Monday 10:00 KST, within business hours. */
#define T0 ((time_t)1772413200)

typedef struct rconn {
	conn c;          /* first: an rconn is a conn */
	json_t *got;     /* frames received, in order (array of objects) */
	size_t read;     /* how many of them next() has handed out */
	int want_writes; /* times the endpoint asked to write */
	int killed;      /* the transport was told to kill it */
	int reading;     /* 1 reading, 0 paused */
	int timeout_s;   /* the timer armed last; 0 none */
	int open;        /* not closed yet */
} rconn;

typedef struct fixture {
	demo_bot bot;
	config cfg;
	endpoints ep;
	conn_env env;
	int turn_end_due; /* the endpoint opened a batch: settle() commits it */
	rconn *conns[16];
	int n_conns;
} fixture;

static fixture *the_fixture;

/* ---- the recording transport --------------------------------------------------- */

static inline void
rec_want_write(conn *c)
{
	((rconn *)c)->want_writes++;
}

static inline void
rec_kill(conn *c)
{
	((rconn *)c)->killed = 1;
}

static inline void
rec_reading(conn *c, int on)
{
	((rconn *)c)->reading = on;
}

static inline void
rec_timeout(conn *c, int seconds)
{
	((rconn *)c)->timeout_s = seconds;
}

static const conn_port rec_port = {rec_want_write, rec_want_write, rec_kill, rec_reading,
                                   rec_timeout};

static inline void
loop_turn_end(void *arg)
{
	((fixture *)arg)->turn_end_due = 1;
}

static inline void
loop_cancel(void *arg)
{
	((fixture *)arg)->turn_end_due = 0;
}

static inline void
loop_wake(void *arg)
{
}

/* ---- the fixture ------------------------------------------------------------------ */

static inline int
fixture_setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	the_fixture = f;
	config_defaults(&f->cfg);
	snprintf(f->cfg.token_secret, sizeof(f->cfg.token_secret), "%s", CONFIG_DEMO_SECRET);
	f->cfg.agent_grace_s = 0;
	if (demo_bot_open(&f->bot, "test_endpoint", T0))
		return -1;
	static commit_loop loop = {loop_turn_end, loop_cancel, loop_wake, NULL};
	loop.arg = f;
	hours h;
	endpoints *ep = &f->ep;
	ep->cfg = &f->cfg;
	ep->st = f->bot.w.st;
	ep->dlg = f->bot.w.dlg;
	if (hours_parse(f->cfg.business_hours, f->cfg.holidays, &h) != BOT_OK ||
	    handoff_new(ep->st, ep->dlg, &f->cfg, &ep->ho) != BOT_OK ||
	    hub_new(ep->st, ep->ho, &ep->hub) != BOT_OK ||
	    commit_start(ep->st, &loop, &f->cfg, &ep->cm) != BOT_OK)
		return -1;
	handoff_set_hours(ep->ho, &h);
	f->env = (conn_env){.port = &rec_port,
	                    .ops = {[CONN_CHAT] = &chat_ops, [CONN_AGENT] = &agent_ops},
	                    .ctx = ep,
	                    .cm = ep->cm,
	                    .cfg = &f->cfg};
	*state = f;
	return 0;
}

static inline void conn_gone(fixture *f, rconn *r);

static inline int
fixture_teardown(void **state)
{
	fixture *f = *state;
	for (int i = 0; i < f->n_conns; i++) {
		conn_gone(f, f->conns[i]);
		json_decref(f->conns[i]->got);
		free(f->conns[i]);
	}
	commit_stop(f->ep.cm);
	commit_free(f->ep.cm);
	hub_free(f->ep.hub);
	handoff_free(f->ep.ho);
	demo_bot_close(&f->bot);
	free(f);
	return 0;
}

/* ---- connections ------------------------------------------------------------------- */

/* A new connection of KIND, as the transport opens it. */
static inline rconn *
connect_as(fixture *f, conn_kind kind)
{
	rconn *r = calloc(1, sizeof(*r));
	conn_init(&r->c, kind, &f->env);
	r->got = json_array();
	r->reading = 1;
	r->open = 1;
	assert_true(f->n_conns < 16);
	f->conns[f->n_conns++] = r;
	if (f->env.ops[kind]->opened)
		f->env.ops[kind]->opened(&r->c);
	return r;
}

/* The peer went away, as the transport reports it. */
static inline void
conn_gone(fixture *f, rconn *r)
{
	if (!r->open)
		return;
	r->open = 0;
	f->env.ops[r->c.kind]->closed(&r->c);
	commit_forget(f->ep.cm, &r->c);
	outbox_drop(&r->c);
}

/* The end of a loop turn: the group commit, then every frame that may go
 * out is "written" to its client. */
static inline void
settle(fixture *f)
{
	if (f->turn_end_due) {
		f->turn_end_due = 0;
		commit_turn_end(f->ep.cm);
	}
	for (int i = 0; i < f->n_conns; i++) {
		rconn *r = f->conns[i];
		outframe *of;
		while (r->open && outbox_ready(&r->c) && (of = outbox_pop(&r->c))) {
			json_error_t jerr;
			json_t *o =
			    json_loadb((const char *)of->data + OUTBOX_HEADROOM, of->len, 0, &jerr);
			if (!o)
				fail_msg("a frame is not JSON: %.*s", (int)of->len,
				         of->data + OUTBOX_HEADROOM);
			json_array_append_new(r->got, o);
			free(of);
			if (!r->c.out.head && f->env.ops[r->c.kind]->drained)
				f->env.ops[r->c.kind]->drained(&r->c);
		}
	}
}

/* The client sends TEXT (one whole message) and the loop turn ends. */
static inline void
send_text(fixture *f, rconn *r, const char *text)
{
	f->env.ops[r->c.kind]->frame_in(&r->c, text, strlen(text));
	settle(f);
}

static inline void __attribute__((format(printf, 3, 4)))
sendf(fixture *f, rconn *r, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	send_text(f, r, buf);
}

/* Frames received and not yet handed out. */
static inline size_t
pending(const rconn *r)
{
	return json_array_size(r->got) - r->read;
}

/* The next frame received (borrowed), which must be of TYPE; frames of other
 * types before it are skipped when SKIP. */
static inline json_t *
next_of(rconn *r, const char *type, int skip)
{
	while (r->read < json_array_size(r->got)) {
		json_t *o = json_array_get(r->got, r->read++);
		const char *t = json_string_value(json_object_get(o, "type"));
		if (t && !strcmp(t, type))
			return o;
		if (!skip)
			fail_msg("expected a %s frame, got %s", type, json_dumps(o, JSON_COMPACT));
	}
	fail_msg("no %s frame came", type);
	return NULL;
}

static inline json_t *
next(rconn *r, const char *type)
{
	return next_of(r, type, 0);
}

/* Skips to the next frame of TYPE. */
static inline json_t *
next_skip(rconn *r, const char *type)
{
	return next_of(r, type, 1);
}

/* Whether a frame of TYPE is among those not yet handed out. */
static inline int
has_pending(const rconn *r, const char *type)
{
	for (size_t i = r->read; i < json_array_size(r->got); i++) {
		const char *t =
		    json_string_value(json_object_get(json_array_get(r->got, i), "type"));
		if (t && !strcmp(t, type))
			return 1;
	}
	return 0;
}

/* A signed token, as `botd token` mints it. */
static inline const char *
token_for(const char *role, int64_t id)
{
	static char buf[4][1024];
	static int i;
	char *tok = NULL;
	assert_int_equal(token_mint(CONFIG_DEMO_SECRET, role, id, 3600, clock_now(), &tok), BOT_OK);
	char *out = buf[i++ % 4];
	snprintf(out, sizeof(buf[0]), "%s", tok);
	free(tok);
	return out;
}

/* A connection of KIND whose hello as ROLE ID was welcomed. */
static inline rconn *
welcomed(fixture *f, conn_kind kind, const char *role, int64_t id)
{
	rconn *r = connect_as(f, kind);
	sendf(f, r, "{\"type\":\"hello\",\"token\":\"%s\"}", token_for(role, id));
	next(r, "welcome");
	return r;
}

/* A customer connected and welcomed: MEMBER's new conversation. */
static inline rconn *
customer(fixture *f, int64_t member)
{
	return welcomed(f, CONN_CHAT, "member", member);
}

/* An agent connected and welcomed (the queue snapshot that follows is
 * left to read). */
static inline rconn *
agent(fixture *f, int64_t agent_id)
{
	return welcomed(f, CONN_AGENT, "agent", agent_id);
}

#endif
