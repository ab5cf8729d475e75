/* libFuzzer: the chat endpoint's real dispatcher (bot/endpoint/chat.c), as
 * the server runs it for WS /ws/chat, on a connection of a transport that
 * keeps what it is sent: every accepted message runs a whole dialogue turn
 * (intent matching, account choice, answer queries on the demo database,
 * templates, handoff) and comes back as the frames a client would read.
 *
 * Input: byte 0 picks the demo member (1..11, departed ones included) and
 * byte 1 the mode; the rest is split on '\n' into up to 6 messages, after
 * the connection's hello.
 *   mode even: each line is a JSON client frame, handed to the endpoint as
 *              the transport hands it a whole message;
 *   mode odd:  each line is raw customer text (any bytes but NUL),
 *              optionally followed by a TAB and a quick-reply value (e.g.
 *              "account:103"), handed to the dispatcher as a message frame.
 * The demo database is built once in a temporary file; every input runs in
 * one store batch that is rolled back, so inputs do not affect each other.
 *
 * Properties (authorisation as well as memory safety):
 * - the conversation's account is always 0 or one the member belongs to;
 * - no reply names an ad account (number or name) the member does not
 *   belong to, unless the customer typed it;
 * - every frame is a JSON object with a type; every reply has text and a
 *   seq after the ack of its message. */
#include <stdint.h>
#include <string.h>

#include "chat.h"
#include "chatproto.h"
#include "commit.h"
#include "demo_stack.h"
#include "endpoint.h"
#include "fuzz_common.h"
#include "handoff.h"
#include "hours.h"
#include "hub.h"
#include "outbox.h"
#include "token.h"

static demo_stack *demo;
static config cfg;
static endpoints ep;
static conn_env env;
static char tokens[12][1024]; /* a member token for each demo member */
static int killed;

static void
port_nothing(conn *c)
{
}

static void
port_kill(conn *c)
{
	killed = 1;
}

static void
port_reading(conn *c, int on)
{
}

static void
port_timeout(conn *c, int seconds)
{
}

static const conn_port port = {port_nothing, port_nothing, port_kill, port_reading, port_timeout};

static void
loop_nothing(void *arg)
{
}

static void
close_endpoints(void)
{
	commit_stop(ep.cm);
	commit_free(ep.cm);
	hub_free(ep.hub);
	handoff_free(ep.ho);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	demo = demo_stack_open("fuzz_dispatch");
	config_defaults(&cfg);
	snprintf(cfg.token_secret, sizeof(cfg.token_secret), "%s", CONFIG_DEMO_SECRET);
	static const commit_loop loop = {loop_nothing, loop_nothing, loop_nothing, NULL};
	hours h;
	ep = (endpoints){.cfg = &cfg, .st = demo->st, .dlg = demo->dlg};
	if (hours_parse(cfg.business_hours, cfg.holidays, &h) != BOT_OK ||
	    handoff_new(ep.st, ep.dlg, &cfg, &ep.ho) != BOT_OK ||
	    hub_new(ep.st, ep.ho, &ep.hub) != BOT_OK ||
	    commit_start(ep.st, &loop, &cfg, &ep.cm) != BOT_OK)
		abort();
	handoff_set_hours(ep.ho, &h);
	env = (conn_env){.port = &port,
			 .ops = {[CONN_CHAT] = &chat_ops},
			 .ctx = &ep,
			 .cm = ep.cm,
			 .cfg = &cfg};
	for (int m = 1; m <= 11; m++) {
		char *tok = NULL;
		if (token_mint(CONFIG_DEMO_SECRET, "member", m, 86400, time(NULL), &tok) != BOT_OK)
			abort();
		snprintf(tokens[m], sizeof(tokens[m]), "%s", tok);
		free(tok);
	}
	/* Before the stack's own: atexit runs in reverse. */
	atexit(close_endpoints);
	return 0;
}

/* The frames queued since LAST (the one before them, or NULL for all),
 * checked as the customer would read them; returns the newest. */
static outframe *
check_frames(const conn *c, outframe *last, int64_t member, const char *input, int64_t *acked)
{
	for (outframe *f = last ? last->next : c->out.head; f; f = f->next) {
		last = f;
		const char *text = (const char *)f->data + OUTBOX_HEADROOM;
		json_t *o = json_loadb(text, f->len, 0, NULL);
		const char *type = json_string_value(json_object_get(o, "type"));
		if (!o || !type)
			__builtin_trap(); /* not a frame */
		json_int_t seq = json_integer_value(json_object_get(o, "seq"));
		if (!strcmp(type, "ack")) {
			*acked = seq;
		} else if (!strcmp(type, "reply")) {
			const char *t = json_string_value(json_object_get(o, "text"));
			if (!t || seq <= *acked)
				__builtin_trap();
			demo_check_accounts(demo, member, t, input);
		}
		json_decref(o);
	}
	return last;
}

static void
check_account(const conn *c)
{
	if (c->conv.account_id &&
	    store_member_can_see(demo->st, c->conv.member_id, c->conv.account_id) != BOT_OK)
		__builtin_trap(); /* the conversation now points at someone else's account */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size > 8192)
		return 0;
	int64_t member = 1 + data[0] % 11;
	int frames = !(data[1] & 1);
	char *buf = malloc(size - 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 2, size - 2);
	buf[size - 2] = 0;
	/* text turns are C strings: stop at an embedded NUL like the parser would refuse */
	size_t blen = frames ? size - 2 : strlen(buf);

	if (store_batch_begin(demo->st) != BOT_OK)
		abort();
	conn c;
	conn_init(&c, CONN_CHAT, &env);
	killed = 0;
	char hello[1200];
	snprintf(hello, sizeof(hello), "{\"type\":\"hello\",\"token\":\"%s\"}", tokens[member]);
	chat_ops.frame_in(&c, hello, strlen(hello));
	if (!c.authed)
		abort(); /* the demo member's own token */
	int64_t acked = 0;
	outframe *seen = check_frames(&c, NULL, member, NULL, &acked);

	char *line = buf, *end = buf + blen;
	for (int turn = 0; turn < 6 && line < end && !c.close_code && !killed; turn++) {
		char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
		char input[CHAT_MAX_TEXT + 1] = "";
		if (frames) {
			/* What the customer typed, for the leak check only. */
			chat_frame f;
			const char *code;
			char why[256];
			if (chatproto_parse(line, n, &f, &code, why, sizeof(why)) == BOT_OK &&
			    f.type == CHAT_MESSAGE)
				snprintf(input, sizeof(input), "%s", f.text);
			chat_frame_clear(&f);
			chat_ops.frame_in(&c, line, n);
		} else {
			line[n] = 0;
			char *tab = strchr(line, '\t');
			const char *value = NULL;
			if (tab) {
				*tab = 0;
				value = tab + 1;
			}
			char id[16];
			snprintf(id, sizeof(id), "t%d", turn);
			chat_frame f = {.type = CHAT_MESSAGE,
					.id = id,
					.text = line,
					.text_len = strlen(line),
					.value = value};
			snprintf(input, sizeof(input), "%s", line);
			if (f.text_len)
				chat_dispatch(&c, &f);
		}
		check_account(&c);
		seen = check_frames(&c, seen, member, input, &acked);
		line += n + 1;
	}
	store_batch_rollback(demo->st);
	chat_ops.closed(&c);
	commit_forget(ep.cm, &c);
	outbox_drop(&c);
	free(buf);
	return 0;
}
