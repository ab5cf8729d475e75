/* libwebsockets glue: one protocol, one callback switch, per-session state.
 * Writes happen only from the WRITEABLE callbacks, from a bounded
 * per-session queue; the ready frames of a session share one lws_write.
 * Frames produced while a store batch is open are held until that batch
 * commits: acknowledgements never precede the disk. */
#include "server.h"

#include <errno.h>
#include <libwebsockets.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agentproto.h"
#include "agentsend.h"
#include "durability.h"
#include "chatproto.h"
#include "chatsend.h"
#include "hours.h"
#include "kakao.h"
#include "clock.h"
#include "log.h"
#include "metrics.h"
#include "token.h"
#include "wsguard.h"

enum endpoint { EP_NONE = 0, EP_CHAT, EP_AGENT };

/* One queued outgoing frame; DATA has LWS_PRE bytes of headroom. */
typedef struct outframe {
	struct outframe *next;
	uint64_t gen; /* batch generation that must be committed before sending */
	size_t len;
	unsigned char data[];
} outframe;

typedef struct session {
	struct lws *wsi;
	struct session *prev, *next;  /* every WebSocket session */
	struct session *dirty_next;   /* sessions holding frames for the open batch */
	int dirty;
	struct session *awaiting_next; /* sessions holding frames of a batch being synced */
	int awaiting;
	enum endpoint ep;
	int authed;
	int64_t subject; /* member id (chat) or agent id (agent) */
	store_conversation conv;
	outframe *q_head, *q_tail;
	int q_len;
	char *rx; /* fragments of a message being reassembled (malloc'd) */
	size_t rx_len;
	time_t rl_window;
	int rl_count;
	struct session *conv_next;  /* chain in the conversation map (chat) */
	struct session *agent_next; /* list of agent sessions */
	int last_position;          /* last queue position sent (chat); 0 = none */
	int rx_paused;  /* reading stopped until the client drains its queue */
	int close_code; /* close with this once the queue is flushed */
	int closing;    /* lws has begun closing: nothing more is queued or written */
	/* Resume replays history a few frames at a time as the client reads, so
	 * a long conversation never overflows the bounded queue. */
	int replaying;
	int64_t replay_seq;
	int replay_batch;
	/* HTTP responses built in the HTTP callback and written when writeable;
	 * a response to a request that wrote to the store waits for the commit
	 * of batch http_gen. */
	char *http_body;
	size_t http_len;
	uint64_t http_gen;
	unsigned int http_status;
	const char *http_ctype;
	int http_headers_sent;
	/* POST /kakao/skill: the request body as it arrives (malloc'd). */
	char *post;
	size_t post_len;
	int post_too_large;
} session;

static struct server_state {
	const server_deps *deps;
	const config *cfg;
	struct lws_context *ctx;
	session *sessions;
	session *dirty;
	int n_sessions;
	uint64_t batch_gen;     /* generation of the open (or next) batch */
	uint64_t written_gen;   /* the last batch committed (maybe not yet synced) */
	uint64_t committed_gen; /* the last batch on disk: frames up to it may go */
	session *awaiting;      /* sessions waiting for the sync of a batch */
	int commit_waiting;     /* a batch waits for the sync in flight to end */
	durability *durable;    /* its threads make commits durable; NULL: commits do */
	int sync_failed;
	int64_t unsynced_since_us; /* when the oldest batch not yet synced committed */
	lws_sorted_usec_list_t commit_sul;
	int commit_scheduled;
	lws_sorted_usec_list_t drain_sul;
	/* Customer sessions by conversation id (chained; a conversation may be
	 * open in several tabs), and the agent sessions. */
	session *conv_map[4096];
	session *agents;
	int agents_online;
	/* Agents who left while holding conversations: requeued after the grace. */
	struct gone_agent {
		int64_t id;
		time_t since;
	} gone[64];
	int n_gone;
	hours hours;
	int snapshot_due; /* agents' queue snapshot is stale (sent by tick_cb) */
	lws_sorted_usec_list_t tick_sul;
	const intent_set *intents; /* the current set, for /readyz */
	volatile sig_atomic_t stop_requested;
	volatile sig_atomic_t reload_requested;
	volatile sig_atomic_t reopen_requested;
	int draining;
	time_t drain_deadline;
	int done;
} srv;

static const char *
endpoint_name(const session *s)
{
	return s->ep == EP_AGENT ? "agent" : "chat";
}

/* ---- outbound queue ------------------------------------------------------ */

/* The two waiting lists: sessions with frames of the open batch (released
 * by its commit), and sessions with frames of committed batches whose sync
 * has not finished (released by the syncer, below). */
static void
dirty_add(session *s)
{
	if (!s->dirty) {
		s->dirty = 1;
		s->dirty_next = srv.dirty;
		srv.dirty = s;
	}
}

static void
awaiting_add(session *s)
{
	if (!s->awaiting) {
		s->awaiting = 1;
		s->awaiting_next = srv.awaiting;
		srv.awaiting = s;
	}
}

static void
awaiting_remove(session *s)
{
	if (!s->awaiting)
		return;
	for (session **pp = &srv.awaiting; *pp; pp = &(*pp)->awaiting_next) {
		if (*pp == s) {
			*pp = s->awaiting_next;
			break;
		}
	}
	s->awaiting = 0;
}

/* Queues TEXT (borrowed, LEN bytes) for S. Frames produced inside an open
 * batch wait for its commit. A session whose queue is full is killed: a
 * client that stops reading must not grow our memory. */
static void
session_send(session *s, const char *text, size_t len)
{
	if (s->closing)
		return;
	if (s->q_len >= srv.cfg->outbound_queue_max) {
		log_warn("closing a session whose outbound queue is full");
		lws_set_timeout(s->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
		return;
	}
	outframe *f = malloc(sizeof(*f) + LWS_PRE + len);
	if (!f) {
		lws_set_timeout(s->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
		return;
	}
	f->next = NULL;
	f->len = len;
	memcpy(f->data + LWS_PRE, text, len);
	int held = store_batch_open(srv.deps->st);
	/* Outside a batch a frame still waits for whatever was committed before
	 * it: it may tell of that state. */
	f->gen = held ? srv.batch_gen : srv.written_gen;
	if (s->q_tail)
		s->q_tail->next = f;
	else
		s->q_head = f;
	s->q_tail = f;
	s->q_len++;
	/* Back-pressure before the hard limit: a client that sends faster than
	 * it reads stops being read until its queue drains. Only a queue that
	 * still fills up (frames pushed to it from elsewhere) gets it closed. */
	if (!s->rx_paused && s->q_len >= srv.cfg->outbound_queue_max / 2) {
		s->rx_paused = 1;
		lws_rx_flow_control(s->wsi, 0);
		/* A client that stays stalled this long is not reading at all. */
		lws_set_timeout(s->wsi, PENDING_TIMEOUT_USER_OK, srv.cfg->hello_timeout_s);
	}
	if (held)
		dirty_add(s);
	else if (f->gen > srv.committed_gen)
		awaiting_add(s);
	else
		lws_callback_on_writable(s->wsi);
}

/* Serialises OBJ (stolen); caller frees the result (NULL when OBJ is NULL
 * or out of memory). A frame for several sessions is serialised once. */
static char *
dump_frame(json_t *obj)
{
	char *text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
	json_decref(obj);
	return text;
}

/* Queues TEXT (stolen; NULL, out of memory, sends nothing). */
static void
session_put(session *s, char *text)
{
	if (text)
		session_send(s, text, strlen(text));
	free(text);
}

/* Serialises and queues OBJ (stolen). */
static void
session_send_json(session *s, json_t *obj)
{
	session_put(s, dump_frame(obj));
}

static void
session_error(session *s, const char *code, const char *message)
{
	metrics_error(code);
	char *text = chatsend_error(code, message);
	if (text)
		session_send(s, text, strlen(text));
	free(text);
}

/* Sends an error, then closes with CLOSE_CODE once the queue drains. */
static void
session_refuse(session *s, const char *code, const char *message, int close_code)
{
	session_error(s, code, message);
	s->close_code = close_code;
	lws_callback_on_writable(s->wsi);
}

static void
session_drop_queue(session *s)
{
	while (s->q_head) {
		outframe *f = s->q_head;
		s->q_head = f->next;
		free(f);
	}
	s->q_tail = NULL;
	s->q_len = 0;
}

static void
dirty_remove(session *s)
{
	if (!s->dirty)
		return;
	for (session **pp = &srv.dirty; *pp; pp = &(*pp)->dirty_next) {
		if (*pp == s) {
			*pp = s->dirty_next;
			break;
		}
	}
	s->dirty = 0;
}

/* ---- durability ------------------------------------------------------------ */

static void commit_if_waiting(void);

/* Called from the durability threads after each sync, and when the WAL is
 * due to start over. */
static void
wake_loop(void *arg)
{
	lws_cancel_service(arg);
}

/* The checkpointer copied nearly all of the WAL and asks the loop to copy
 * the rest between two batches (see durability.h): a few milliseconds with
 * no batch open, after which the next batch writes the WAL from its start. */
static void
restart_wal_if_due(void)
{
	if (srv.durable && !store_batch_open(srv.deps->st) &&
	    durability_restart_due(srv.durable)) {
		store_checkpoint(srv.deps->st);
		durability_restarted(srv.durable);
	}
}

/* Whether S still holds frames of a batch that is not on disk. */
static int
holds_unsynced(const session *s)
{
	return (s->q_tail && s->q_tail->gen > srv.committed_gen) ||
	       (s->http_body && s->http_gen > srv.committed_gen);
}

static int ws_writeable(struct lws *wsi, session *s);

/* S's frames that are on disk now go out at once where a write cannot
 * block or close the connection: waiting for the writable callback costs a
 * poll round, which under load comes after that round's reads (0.4 ms at
 * 3,700 messages/s). The callback does the rest. */
static void
write_released(session *s)
{
	if (s->ep != EP_NONE && !s->close_code && !lws_send_pipe_choked(s->wsi) &&
	    ws_writeable(s->wsi, s) == 0)
		return;
	lws_callback_on_writable(s->wsi);
}

/* Frames of every batch up to SYNCED, now on disk, may go. */
static void
release_synced(uint64_t synced)
{
	srv.committed_gen = synced;
	if (srv.unsynced_since_us) {
		metrics_commit_latency((double)(clock_mono_us() - srv.unsynced_since_us) / 1e6);
		srv.unsynced_since_us = synced < srv.written_gen ? clock_mono_us() : 0;
	}
	session *s = srv.awaiting;
	srv.awaiting = NULL;
	while (s) {
		session *next = s->awaiting_next;
		s->awaiting = 0;
		s->awaiting_next = NULL;
		write_released(s);
		if (holds_unsynced(s))
			awaiting_add(s);
		s = next;
	}
}

/* On the loop, when a durability thread woke it: release what is now on
 * disk, commit a batch that waited for the sync, and restart the WAL when
 * asked. A failed sync stops the server: what it held cannot be promised. */
static void
sync_progress(void)
{
	uint64_t synced;
	int failed = durability_synced(srv.durable, &synced) != BOT_OK;
	if (failed && !srv.sync_failed) {
		srv.sync_failed = 1;
		srv.done = 1;
		log_error("the database could not be synced to disk: stopping without "
			  "acknowledging anything more");
		return;
	}
	if (synced > srv.committed_gen)
		release_synced(synced);
	commit_if_waiting();
	restart_wal_if_due();
}

/* ---- group commit --------------------------------------------------------- */

static void commit_cb(lws_sorted_usec_list_t *sul);

/* Commits the open batch now: the end of a loop turn, or a reload or the
 * drain that must not leave writes half-done. */
static void
commit_now(void)
{
	/* Called directly too (reload, drain): then the timer must not fire. */
	if (srv.commit_scheduled)
		lws_sul_schedule(srv.ctx, 0, &srv.commit_sul, commit_cb, LWS_SET_TIMER_USEC_CANCEL);
	srv.commit_scheduled = 0;
	int64_t started = clock_mono_us();
	bot_err rc = store_batch_commit(srv.deps->st);
	uint64_t gen = srv.batch_gen++;
	if (rc == BOT_OK) {
		srv.written_gen = gen;
		if (!srv.durable)
			metrics_commit_latency((double)store_last_commit_us(srv.deps->st) / 1e6);
		else if (!srv.unsynced_since_us)
			srv.unsynced_since_us = started;
	}
	session *s = srv.dirty;
	srv.dirty = NULL;
	while (s) {
		session *next = s->dirty_next;
		s->dirty = 0;
		s->dirty_next = NULL;
		if (rc != BOT_OK && s->ep == EP_NONE) {
			/* An HTTP request whose writes were lost: say so, not 200. */
			static const char lost[] = "{\"error\":{\"code\":\"server_error\","
						   "\"message\":\"the request could not be saved\"}}";
			if (s->http_body && s->http_gen == gen) {
				free(s->http_body);
				s->http_body = malloc(LWS_PRE + sizeof(lost));
				if (s->http_body) {
					memcpy(s->http_body + LWS_PRE, lost, sizeof(lost) - 1);
					s->http_len = sizeof(lost) - 1;
					s->http_status = 500;
					s->http_ctype = "application/json";
				}
			}
		} else if (rc != BOT_OK) {
			/* Nothing of that batch is on disk: drop its frames, reload the
			 * conversation as stored, and say so rather than ack. */
			outframe **pp = &s->q_head;
			s->q_tail = NULL;
			while (*pp) {
				if ((*pp)->gen == gen) {
					outframe *f = *pp;
					*pp = f->next;
					free(f);
					s->q_len--;
				} else {
					s->q_tail = *pp;
					pp = &(*pp)->next;
				}
			}
			if (s->conv.id[0])
				store_conversation_get(srv.deps->st, s->conv.id, &s->conv);
			session_error(s, CHAT_ERR_SERVER,
				      "the message could not be saved; please send it again");
		}
		if (rc == BOT_OK && srv.durable)
			awaiting_add(s);
		else
			lws_callback_on_writable(s->wsi);
		s = next;
	}
	if (rc == BOT_OK && srv.durable) {
		durability_want(srv.durable, gen);
		restart_wal_if_due();
	} else if (!srv.durable) {
		srv.committed_gen = gen;
	}
}

/* Runs once per loop turn after the turn's writes. While the syncer is
 * still busy with earlier batches, committing this one would not get its
 * frames out any sooner: the batch stays open, takes the next loop turns'
 * writes too, and commits when that sync ends (commit_if_waiting). Fewer,
 * larger commits write a page once for several turns. */
static void
commit_cb(lws_sorted_usec_list_t *sul)
{
	srv.commit_scheduled = 0;
	if (srv.durable && durability_busy(srv.durable)) {
		srv.commit_waiting = 1;
		return;
	}
	commit_now();
}

static void
commit_if_waiting(void)
{
	if (!srv.commit_waiting || durability_busy(srv.durable))
		return;
	srv.commit_waiting = 0;
	if (store_batch_open(srv.deps->st))
		commit_now();
}

/* Opens the batch for this turn and makes sure it commits at the turn's end. */
static bot_err
batch_begin(void)
{
	bot_err rc = store_batch_begin(srv.deps->st);
	if (rc == BOT_OK && !srv.commit_scheduled) {
		srv.commit_scheduled = 1;
		lws_sul_schedule(srv.ctx, 0, &srv.commit_sul, commit_cb, 1);
	}
	return rc;
}

/* ---- chat frames ---------------------------------------------------------- */

/* The handoff side, below: chat frames reach agents through these. */
static void queue_changed(void);
static void queue_joined(const char *conv_id);
static void agents_snapshot(void);
static void conv_map_add(session *s);
static void to_agent(int64_t agent_id, char *text);
static void to_customer(const char *id, char *text);

static char *
reply_frame(int64_t seq, const char *from, const char *text, const char *intent,
	    const json_t *qr, const char *name)
{
	chatsend_reply r = {.seq = seq, .from = from, .text = text, .intent = intent,
			    .quick_replies = qr, .name = name, .at = clock_now()};
	return chatsend_reply_frame(&r);
}

/* Frames of history queued at a time: at most half the queue, so replay
 * never trips the slow-reader limit. */
static int
replay_chunk(void)
{
	int n = srv.cfg->outbound_queue_max / 2;
	return n > 8 ? 8 : n;
}

/* Replays one stored message as the frame it was sent as. */
static int
replay_one(void *ctx, const store_message *m)
{
	session *s = ctx;
	s->replay_seq = m->seq;
	char *text;
	if (!strcmp(m->sender, "customer")) {
		text = chatsend_echo(m->seq, m->text, m->at, m->client_id);
	} else {
		json_t *meta = m->meta ? json_loads(m->meta, 0, NULL) : NULL;
		json_t *qr = json_object_get(meta, "quick_replies");
		char name[128] = "";
		if (m->agent_id)
			store_agent_name(srv.deps->st, m->agent_id, name, sizeof(name));
		chatsend_reply r = {.seq = m->seq, .from = m->sender, .text = m->text,
				    .intent = m->intent, .quick_replies = json_is_array(qr) ? qr : NULL,
				    .name = name[0] ? name : NULL, .at = m->at, .replay = 1};
		text = chatsend_reply_frame(&r);
		json_decref(meta);
	}
	session_put(s, text);
	return ++s->replay_batch >= replay_chunk();
}

/* Queues the next chunk of history; the writeable callback asks for more. */
static void
replay_more(session *s)
{
	s->replay_batch = 0;
	if (store_messages_after(srv.deps->st, s->conv.id, s->replay_seq, replay_one, s) !=
		    BOT_OK ||
	    s->replay_batch < replay_chunk())
		s->replaying = 0;
}

static void
chat_hello(session *s, const chat_frame *f)
{
	token_claims claims;
	if (s->authed) {
		session_error(s, CHAT_ERR_BAD_SHAPE, "hello was already received");
		return;
	}
	if (token_verify(srv.cfg->token_secret, f->token, clock_now(), &claims) != BOT_OK ||
	    strcmp(claims.role, "member")) {
		log_warn("chat: refused a hello with an invalid token");
		session_refuse(s, CHAT_ERR_UNAUTHORIZED, "the token is invalid or expired",
			       LWS_CLOSE_STATUS_POLICY_VIOLATION);
		return;
	}
	if (f->has_resume) {
		store_conversation c;
		if (store_conversation_get(srv.deps->st, f->resume_conversation, &c) != BOT_OK ||
		    c.member_id != claims.subject || strcmp(c.channel, "web")) {
			log_warn("chat: member %lld tried to resume a conversation that is not "
				 "theirs",
				 (long long)claims.subject);
			session_refuse(s, CHAT_ERR_FORBIDDEN, "no such conversation for this member",
				       LWS_CLOSE_STATUS_POLICY_VIOLATION);
			return;
		}
		s->conv = c;
	} else {
		if (batch_begin() != BOT_OK ||
		    store_conversation_create(srv.deps->st, claims.subject, "web", NULL, &s->conv) !=
			    BOT_OK) {
			session_refuse(s, CHAT_ERR_SERVER, "could not start a conversation",
				       LWS_CLOSE_STATUS_UNEXPECTED_CONDITION);
			return;
		}
	}
	s->authed = 1;
	s->subject = claims.subject;
	conv_map_add(s);
	lws_set_timeout(s->wsi, NO_PENDING_TIMEOUT, 0);
	char name[128] = "";
	store_member_name(srv.deps->st, claims.subject, name, sizeof(name));
	session_put(s, chatsend_welcome(s->conv.id, s->conv.last_seq, s->conv.state, name));
	log_msg(LOG_INFO, s->conv.id, "chat: member %lld %s", (long long)claims.subject,
		f->has_resume ? "resumed" : "started a conversation");
	if (f->has_resume) {
		s->replaying = 1;
		s->replay_seq = f->resume_after_seq;
		replay_more(s);
		/* Tell a returning customer where their handoff stands. */
		int64_t owner;
		char agent[128] = "";
		if (s->conv.state == CONV_QUEUED)
			queue_joined(s->conv.id);
		else if (s->conv.state == CONV_AGENT &&
			 store_handoff_owner(srv.deps->st, s->conv.id, &owner) == BOT_OK &&
			 store_agent_name(srv.deps->st, owner, agent, sizeof(agent)) == BOT_OK)
			session_send_json(s, json_pack("{s:s, s:s}", "type", "agent_joined", "name",
						       agent));
	}
}

/* Fixed-window rate limit per connection. */
static int
rate_limited(session *s)
{
	time_t now = time(NULL);
	if (now - s->rl_window >= srv.cfg->rate_limit_window_s) {
		s->rl_window = now;
		s->rl_count = 0;
	}
	return ++s->rl_count > srv.cfg->rate_limit_messages;
}

/* What a customer turn means for the humans: a new queue entry, a message
 * for the owning agent, or a rating. */
static void
chat_after_turn(session *s, const char *text, const dialog_result *res)
{
	int64_t owner = 0;
	if (res->escalated)
		queue_joined(s->conv.id);
	if (res->for_agent) {
		if (store_handoff_owner(srv.deps->st, s->conv.id, &owner) == BOT_OK) {
			to_agent(owner, agentsend_customer_message(s->conv.id, res->customer_seq,
								   text, clock_now()));
		} else {
			/* The preview of a waiting conversation changed: agents get it
			 * with the next tick, not one snapshot per customer message. */
			srv.snapshot_due = 1;
		}
	}
	if (res->rated) {
		to_customer(s->conv.id, chatsend_rated(res->rated));
		to_agent(res->rated_agent, agentsend_rated(s->conv.id, res->rated));
	}
}

/* {"type":"rating","score":N}: the same as tapping the rating:N quick reply. */
static void
chat_rating(session *s, const chat_frame *f)
{
	dialog_result res;
	if (batch_begin() != BOT_OK) {
		session_error(s, CHAT_ERR_SERVER, "the rating could not be saved; please retry");
		return;
	}
	bot_err rc = dialog_rate(srv.deps->dlg, &s->conv, f->rating, &res);
	if (rc == BOT_ERR_NOT_FOUND) {
		session_error(s, CHAT_ERR_BAD_SHAPE, "there is nothing to rate");
	} else if (rc != BOT_OK) {
		session_error(s, CHAT_ERR_SERVER, "the rating could not be saved; please retry");
	} else {
		for (int i = 0; i < res.n_replies; i++)
			to_customer(s->conv.id, reply_frame(res.replies[i].seq, "bot",
							    res.replies[i].text, NULL, NULL, NULL));
		chat_after_turn(s, "", &res);
	}
	dialog_result_clear(&res);
}

/* Customer typing reaches the agent who holds the conversation. */
static void
chat_typing(session *s, const chat_frame *f)
{
	int64_t owner;
	if (s->conv.state != CONV_AGENT ||
	    store_handoff_owner(srv.deps->st, s->conv.id, &owner) != BOT_OK)
		return;
	to_agent(owner, agentsend_typing(s->conv.id, f->typing_on));
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

static void
chat_message(session *s, const chat_frame *f)
{
	int64_t started = clock_mono_us();
	if (rate_limited(s)) {
		session_error(s, CHAT_ERR_RATE_LIMITED, "too many messages; wait a few seconds");
		return;
	}
	/* Another tab, an agent or a requeue may have moved the conversation on
	 * since this session last looked: start from what is stored. */
	if (batch_begin() != BOT_OK ||
	    store_conversation_get(srv.deps->st, s->conv.id, &s->conv) != BOT_OK ||
	    store_turn_begin(srv.deps->st) != BOT_OK) {
		session_error(s, CHAT_ERR_SERVER, "the message could not be saved; please retry");
		return;
	}
	dialog_turn turn = {.client_id = f->id, .text = f->text, .len = f->text_len,
			    .value = f->value};
	dialog_result res;
	bot_err rc = dialog_customer_turn(srv.deps->dlg, &s->conv, &turn, &res);
	store_turn_end(srv.deps->st, rc == BOT_OK);
	if (rc != BOT_OK) {
		log_msg(LOG_ERROR, s->conv.id, "chat: turn failed: %s", bot_strerror(rc));
		dialog_result_clear(&res);
		/* Half a turn was undone: nothing of it is acknowledged. */
		store_conversation_get(srv.deps->st, s->conv.id, &s->conv);
		session_error(s, CHAT_ERR_SERVER, "the message could not be handled; please retry");
		return;
	}
	session_put(s, chatsend_ack(f->id, res.customer_seq, clock_now()));
	if (res.duplicate) {
		dialog_result_clear(&res);
		return;
	}
	/* Replies go to every tab showing this conversation. */
	for (int i = 0; i < res.n_replies; i++) {
		dialog_reply *r = &res.replies[i];
		to_customer(s->conv.id, reply_frame(r->seq, "bot", r->text, r->intent,
						    r->quick_replies, NULL));
	}
	chat_after_turn(s, f->text, &res);
	count_turn(&res, started);
	dialog_result_clear(&res);
}

static void
chat_frame_in(session *s, const char *buf, size_t len)
{
	chat_frame f;
	const char *code = NULL;
	char why[200];
	if (chatproto_parse(buf, len, &f, &code, why, sizeof(why)) != BOT_OK) {
		session_error(s, code, why);
		return;
	}
	if (!s->authed && f.type != CHAT_HELLO) {
		session_refuse(s, CHAT_ERR_NOT_READY, "the first frame must be a hello",
			       LWS_CLOSE_STATUS_POLICY_VIOLATION);
		goto done;
	}
	switch (f.type) {
	case CHAT_HELLO:
		chat_hello(s, &f);
		break;
	case CHAT_MESSAGE:
		chat_message(s, &f);
		break;
	case CHAT_TYPING:
		chat_typing(s, &f);
		break;
	case CHAT_PING:
		session_put(s, chatsend_pong());
		break;
	case CHAT_RATING:
		chat_rating(s, &f);
		break;
	}
done:
	chat_frame_clear(&f);
}


/* ---- the conversation map and agent presence ---------------------------- */

static unsigned
conv_hash(const char *id)
{
	unsigned h = 2166136261u;
	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 16777619u;
	return h % (sizeof(srv.conv_map) / sizeof(srv.conv_map[0]));
}

static void
conv_map_add(session *s)
{
	unsigned h = conv_hash(s->conv.id);
	s->conv_next = srv.conv_map[h];
	srv.conv_map[h] = s;
}

static void
conv_map_remove(session *s)
{
	if (!s->conv.id[0])
		return;
	for (session **pp = &srv.conv_map[conv_hash(s->conv.id)]; *pp; pp = &(*pp)->conv_next) {
		if (*pp == s) {
			*pp = s->conv_next;
			break;
		}
	}
	s->conv_next = NULL;
}

/* Calls FN for every customer session showing conversation ID. */
static void
for_conversation(const char *id, void (*fn)(session *, void *), void *arg)
{
	session *next;
	for (session *p = srv.conv_map[conv_hash(id)]; p; p = next) {
		next = p->conv_next;
		if (p->authed && !strcmp(p->conv.id, id))
			fn(p, arg);
	}
}

static void
send_text_to(session *s, void *text)
{
	session_send(s, text, strlen(text));
}

/* Sends TEXT (stolen) to every customer session of conversation ID. */
static void
to_customer(const char *id, char *text)
{
	if (text)
		for_conversation(id, send_text_to, text);
	free(text);
}

/* Sends TEXT (stolen) to every session of agent AGENT_ID. */
static void
to_agent(int64_t agent_id, char *text)
{
	for (session *a = srv.agents; text && a; a = a->agent_next)
		if (a->authed && a->subject == agent_id)
			send_text_to(a, text);
	free(text);
}

static void
clear_position(session *c, void *arg)
{
	c->last_position = 0;
}

static void
reload_conv(session *s, void *arg)
{
	store_conversation_get(srv.deps->st, s->conv.id, &s->conv);
}

static int
agent_is_online(int64_t agent_id)
{
	for (session *a = srv.agents; a; a = a->agent_next)
		if (a->authed && a->subject == agent_id)
			return 1;
	return 0;
}

/* Recounts distinct agents online and tells the dialog (escalation replies
 * depend on it). */
static void
presence_changed(void)
{
	int n = 0;
	for (session *a = srv.agents; a; a = a->agent_next) {
		if (!a->authed)
			continue;
		int seen = 0;
		for (session *b = srv.agents; b != a; b = b->agent_next)
			if (b->authed && b->subject == a->subject)
				seen = 1;
		n += !seen;
	}
	srv.agents_online = n;
	metrics_agents_online(n);
	dialog_set_presence(srv.deps->dlg, n, &srv.hours);
}

/* Recent handling time of one conversation, in seconds: read once for a
 * pass over the waiting customers, not once for each of them. */
static int
handle_time_s(void)
{
	int avg = 0;
	store_handle_time_avg(srv.deps->st, &avg);
	return avg > 0 ? avg : 300; /* no history yet: five minutes a conversation */
}

/* Estimated wait for queue POSITION: AVG_S of handling per agent slot, plus
 * the time until agents are back when none can answer now. */
static int
eta_seconds(int position, int avg_s, time_t now, int *open, time_t *returns_at)
{
	int agents = srv.agents_online > 0 ? srv.agents_online : 1;
	int eta = ((position + agents - 1) / agents) * avg_s;
	*open = srv.agents_online > 0 && hours_open(&srv.hours, now);
	*returns_at = 0;
	if (!*open) {
		time_t back = hours_next_open(&srv.hours, now);
		if (back <= now)
			back = now + 3600; /* open hours but nobody online: guess an hour */
		*returns_at = back;
		eta += (int)(back - now);
	}
	return eta;
}

/* A place in the queue to tell a customer (send_queued's argument). */
typedef struct queue_place {
	int position;
	int handle_time_s;
} queue_place;

static void
send_queued(session *s, void *arg)
{
	const queue_place *place = arg;
	int position = place->position;
	if (s->last_position == position)
		return;
	s->last_position = position;
	int open;
	time_t back, now = clock_now();
	int eta = eta_seconds(position, place->handle_time_s, now, &open, &back);
	session_put(s, chatsend_queued(position, eta, srv.agents_online, open, back));
}

/* Agents see at most this many waiting conversations in a snapshot (and the
 * total); customers further back still get their own positions. */
#define QUEUE_SNAPSHOT_MAX 200

/* Sends every agent the queue snapshot: the first QUEUE_SNAPSHOT_MAX waiting.
 * Costs nothing when no agent is connected. */
static void
agents_snapshot(void)
{
	int any = 0;
	for (session *a = srv.agents; a; a = a->agent_next)
		any |= a->authed;
	if (!any)
		return;
	store_queue_list waiting;
	if (store_queue_waiting(srv.deps->st, QUEUE_SNAPSHOT_MAX, &waiting) != BOT_OK)
		return;
	char *snap = agentsend_queue(&waiting, srv.agents_online, clock_now());
	store_queue_list_clear(&waiting);
	for (session *a = srv.agents; snap && a; a = a->agent_next)
		if (a->authed)
			send_text_to(a, snap);
	free(snap);
}

/* The queue moved (a claim, a requeue, a transfer back, a change in who is
 * online): every waiting customer whose position or estimate may have
 * changed gets a `queued` frame, and agents the new snapshot. One pass over
 * the store's copy of the queue order, one map lookup per waiting
 * conversation; only the snapshot's rows are read from the database. */
static void
queue_changed(void)
{
	queue_place place = {0, handle_time_s()};
	const waitq *order = NULL;
	if (store_queue_order(srv.deps->st, &order) == BOT_OK) {
		/* send_queued reads nothing from the store, so ORDER stays valid. */
		for (size_t i = 0; i < order->len; i++) {
			place.position = (int)i + 1;
			for_conversation(order->v[i].conv, send_queued, &place);
		}
	}
	agents_snapshot();
}

/* CONV_ID joined the queue (or its customer came back): it gets its own
 * position; nobody else's moved. */
static void
queue_joined(const char *conv_id)
{
	queue_place place = {0, 0};
	if (store_queue_position(srv.deps->st, conv_id, &place.position) == BOT_OK) {
		place.handle_time_s = handle_time_s();
		for_conversation(conv_id, clear_position, NULL);
		for_conversation(conv_id, send_queued, &place);
	}
	agents_snapshot();
}

static void
send_reply_frames(const char *conv_id, const dialog_result *res)
{
	for (int i = 0; i < res->n_replies; i++) {
		const dialog_reply *r = &res->replies[i];
		to_customer(conv_id,
			    reply_frame(r->seq, "bot", r->text, r->intent, r->quick_replies, NULL));
	}
}

/* ---- agent frames ----------------------------------------------------------- */

static void
agent_hello(session *s, const agent_frame *f)
{
	token_claims claims;
	char name[128] = "";
	if (s->authed) {
		session_error(s, CHAT_ERR_BAD_SHAPE, "hello was already received");
		return;
	}
	if (token_verify(srv.cfg->token_secret, f->token, clock_now(), &claims) != BOT_OK ||
	    strcmp(claims.role, "agent") ||
	    store_agent_name(srv.deps->st, claims.subject, name, sizeof(name)) != BOT_OK) {
		log_warn("agent: refused a hello with an invalid token");
		session_refuse(s, CHAT_ERR_UNAUTHORIZED, "the token is invalid, expired or not an "
							 "agent's", LWS_CLOSE_STATUS_POLICY_VIOLATION);
		return;
	}
	s->authed = 1;
	s->subject = claims.subject;
	lws_set_timeout(s->wsi, NO_PENDING_TIMEOUT, 0);
	for (int i = 0; i < srv.n_gone; i++) {
		if (srv.gone[i].id == claims.subject) {
			srv.gone[i] = srv.gone[--srv.n_gone];
			break;
		}
	}
	int cap = srv.cfg->agent_max_concurrent;
	store_agent_cap(srv.deps->st, claims.subject, &cap);
	store_id_list ids = {0};
	store_agent_conversations(srv.deps->st, claims.subject, &ids);
	store_packet *packets = calloc(ids.n ? ids.n : 1, sizeof(*packets));
	agentsend_held *held = calloc(ids.n ? ids.n : 1, sizeof(*held));
	size_t n_held = 0;
	for (size_t i = 0; packets && held && i < ids.n; i++) {
		if (store_handoff_packet(srv.deps->st, ids.ids[i], &packets[n_held]) != BOT_OK)
			continue;
		held[n_held].conversation = ids.ids[i];
		held[n_held].packet = &packets[n_held];
		n_held++;
	}
	session_put(s, agentsend_welcome(claims.subject, name, cap, held, n_held));
	for (size_t i = 0; i < n_held; i++)
		store_packet_clear(&packets[i]);
	free(packets);
	free(held);
	store_id_list_clear(&ids);
	log_info("agent %lld (%s) connected", (long long)claims.subject, name);
	presence_changed();
	queue_changed();
}

static void agent_error(session *s, const char *conv_id, const char *code, const char *message);

/* The agent must hold the conversation to act on it. */
static int
agent_owns(session *s, const char *conv_id)
{
	int64_t owner = 0;
	if (store_handoff_owner(srv.deps->st, conv_id, &owner) == BOT_OK && owner == s->subject)
		return 1;
	agent_error(s, conv_id, CHAT_ERR_NOT_OWNER, "you do not hold this conversation");
	return 0;
}

static void
agent_claim(session *s, const agent_frame *f)
{
	store_id_list mine = {0};
	int cap = srv.cfg->agent_max_concurrent;
	store_agent_cap(srv.deps->st, s->subject, &cap);
	store_agent_conversations(srv.deps->st, s->subject, &mine);
	size_t held = mine.n;
	store_id_list_clear(&mine);
	if ((int)held >= cap) {
		agent_error(s, f->conversation, CHAT_ERR_AT_CAPACITY, "you already hold as many conversations as "
						       "you may");
		return;
	}
	if (batch_begin() != BOT_OK) {
		agent_error(s, f->conversation, CHAT_ERR_SERVER, "the claim could not be saved; please retry");
		return;
	}
	bot_err rc = store_handoff_claim(srv.deps->st, f->conversation, s->subject);
	if (rc == BOT_ERR_CONFLICT) {
		agent_error(s, f->conversation, CHAT_ERR_ALREADY_CLAIMED, "another agent claimed it first");
		return;
	}
	if (rc != BOT_OK) {
		agent_error(s, f->conversation, CHAT_ERR_NOT_FOUND, "no such conversation in the queue");
		return;
	}
	store_packet packet;
	int have = store_handoff_packet(srv.deps->st, f->conversation, &packet) == BOT_OK;
	metrics_handoff_wait(have ? (double)packet.waited_s : 0);
	session_put(s, agentsend_claimed(f->conversation, have ? &packet : NULL));
	if (have)
		store_packet_clear(&packet);
	char name[128] = "";
	store_agent_name(srv.deps->st, s->subject, name, sizeof(name));
	for_conversation(f->conversation, reload_conv, NULL);
	for_conversation(f->conversation, clear_position, NULL);
	to_customer(f->conversation, chatsend_agent_joined(name));
	log_msg(LOG_INFO, f->conversation, "claimed by agent %lld", (long long)s->subject);
	queue_changed();
}

static void
agent_message(session *s, const agent_frame *f)
{
	if (!agent_owns(s, f->conversation))
		return;
	if (rate_limited(s)) {
		agent_error(s, f->conversation, CHAT_ERR_RATE_LIMITED, "too many messages; wait a few seconds");
		return;
	}
	store_conversation conv;
	if (store_conversation_get(srv.deps->st, f->conversation, &conv) != BOT_OK ||
	    batch_begin() != BOT_OK) {
		agent_error(s, f->conversation, CHAT_ERR_SERVER, "the message could not be saved; please retry");
		return;
	}
	/* Agent ids get a prefix so they never collide with the customer's. */
	char client_id[96];
	snprintf(client_id, sizeof(client_id), "agent:%lld:%s", (long long)s->subject, f->id);
	store_message m = {.sender = "agent", .client_id = client_id, .agent_id = s->subject,
			   .text = f->text};
	int dup = 0;
	if (store_message_append(srv.deps->st, &conv, &m, &dup) != BOT_OK) {
		agent_error(s, f->conversation, CHAT_ERR_SERVER, "the message could not be saved; please retry");
		return;
	}
	session_put(s, agentsend_ack(f->id, f->conversation, m.seq, clock_now()));
	if (dup)
		return;
	char name[128] = "";
	store_agent_name(srv.deps->st, s->subject, name, sizeof(name));
	for_conversation(f->conversation, reload_conv, NULL);
	to_customer(f->conversation, reply_frame(m.seq, "agent", f->text, NULL, NULL, name));
}

static void
agent_note(session *s, const agent_frame *f)
{
	time_t at;
	if (!agent_owns(s, f->conversation))
		return;
	if (batch_begin() != BOT_OK ||
	    store_note_add(srv.deps->st, f->conversation, s->subject, f->text, &at) != BOT_OK) {
		agent_error(s, f->conversation, CHAT_ERR_SERVER, "the note could not be saved; please retry");
		return;
	}
	char name[128] = "";
	store_agent_name(srv.deps->st, s->subject, name, sizeof(name));
	store_note note = {.agent = name, .text = f->text, .at = at};
	to_agent(s->subject, agentsend_noted(f->conversation, &note));
}

static void
released(int64_t agent_id, const char *conv_id, const char *reason)
{
	to_agent(agent_id, agentsend_released(conv_id, reason));
}

static void
agent_transfer(session *s, const agent_frame *f)
{
	if (!agent_owns(s, f->conversation))
		return;
	if (f->to_agent == s->subject) {
		agent_error(s, f->conversation, CHAT_ERR_BAD_SHAPE, "you already hold this conversation");
		return;
	}
	if (f->to_agent) {
		store_id_list theirs = {0};
		int cap = srv.cfg->agent_max_concurrent;
		if (store_agent_cap(srv.deps->st, f->to_agent, &cap) != BOT_OK ||
		    !agent_is_online(f->to_agent)) {
			agent_error(s, f->conversation, CHAT_ERR_NOT_FOUND, "that agent is not online");
			return;
		}
		store_agent_conversations(srv.deps->st, f->to_agent, &theirs);
		int full = (int)theirs.n >= cap;
		store_id_list_clear(&theirs);
		if (full) {
			agent_error(s, f->conversation, CHAT_ERR_AT_CAPACITY, "that agent is at their cap");
			return;
		}
	}
	if (batch_begin() != BOT_OK ||
	    store_handoff_release(srv.deps->st, f->conversation,
				  f->to_agent ? STORE_RELEASE_MOVE : STORE_RELEASE_REQUEUE,
				  f->to_agent) != BOT_OK) {
		agent_error(s, f->conversation, CHAT_ERR_SERVER, "the transfer could not be saved; please retry");
		return;
	}
	released(s->subject, f->conversation, "transferred");
	for_conversation(f->conversation, reload_conv, NULL);
	if (f->to_agent) {
		store_packet packet;
		char name[128] = "";
		int have = store_handoff_packet(srv.deps->st, f->conversation, &packet) == BOT_OK;
		store_agent_name(srv.deps->st, f->to_agent, name, sizeof(name));
		to_agent(f->to_agent, agentsend_assigned(f->conversation, have ? &packet : NULL));
		if (have)
			store_packet_clear(&packet);
		to_customer(f->conversation, chatsend_agent_joined(name));
	}
	log_msg(LOG_INFO, f->conversation, "transferred by agent %lld to %s",
		(long long)s->subject, f->to_agent ? "another agent" : "the queue");
	queue_changed();
}

static void
agent_resolve(session *s, const agent_frame *f)
{
	if (!agent_owns(s, f->conversation))
		return;
	store_conversation conv;
	dialog_result res;
	if (batch_begin() != BOT_OK ||
	    store_handoff_release(srv.deps->st, f->conversation, STORE_RELEASE_RESOLVED, 0) !=
		    BOT_OK ||
	    store_conversation_get(srv.deps->st, f->conversation, &conv) != BOT_OK ||
	    dialog_handoff_event(srv.deps->dlg, &conv, DIALOG_RESOLVED, &res) != BOT_OK) {
		agent_error(s, f->conversation, CHAT_ERR_SERVER, "the conversation could not be resolved; retry");
		return;
	}
	released(s->subject, f->conversation, "resolved");
	for_conversation(f->conversation, reload_conv, NULL);
	for_conversation(f->conversation, clear_position, NULL);
	to_customer(f->conversation, chatsend_resolved());
	send_reply_frames(f->conversation, &res);
	dialog_result_clear(&res);
	log_msg(LOG_INFO, f->conversation, "resolved by agent %lld", (long long)s->subject);
}

/* Errors about one conversation name it, so the console can show them in
 * the right tab. */
static void
agent_error(session *s, const char *conv_id, const char *code, const char *message)
{
	metrics_error(code);
	session_put(s, agentsend_error(code, message, conv_id));
}

static void
agent_frame_in(session *s, const char *buf, size_t len)
{
	agent_frame f;
	const char *code = NULL;
	char why[200];
	if (agentproto_parse(buf, len, &f, &code, why, sizeof(why)) != BOT_OK) {
		session_error(s, code, why);
		return;
	}
	if (!s->authed && f.type != AGENT_HELLO) {
		session_refuse(s, CHAT_ERR_NOT_READY, "the first frame must be a hello",
			       LWS_CLOSE_STATUS_POLICY_VIOLATION);
		goto done;
	}
	switch (f.type) {
	case AGENT_HELLO:
		agent_hello(s, &f);
		break;
	case AGENT_PING:
		session_put(s, chatsend_pong());
		break;
	case AGENT_CLAIM:
		agent_claim(s, &f);
		break;
	case AGENT_MESSAGE:
		agent_message(s, &f);
		break;
	case AGENT_TYPING:
		if (agent_owns(s, f.conversation))
			to_customer(f.conversation, chatsend_typing(f.typing_on));
		break;
	case AGENT_NOTE:
		agent_note(s, &f);
		break;
	case AGENT_TRANSFER:
		agent_transfer(s, &f);
		break;
	case AGENT_RESOLVE:
		agent_resolve(s, &f);
		break;
	}
done:
	agent_frame_clear(&f);
}

/* An agent's last connection closed: their conversations wait for them for
 * the grace period (see tick_cb). */
static void
agent_left(session *s)
{
	for (session **pp = &srv.agents; *pp; pp = &(*pp)->agent_next) {
		if (*pp == s) {
			*pp = s->agent_next;
			break;
		}
	}
	if (!s->authed)
		return;
	log_info("agent %lld disconnected", (long long)s->subject);
	if (!agent_is_online(s->subject) && srv.n_gone < (int)(sizeof(srv.gone) / sizeof(srv.gone[0]))) {
		srv.gone[srv.n_gone].id = s->subject;
		srv.gone[srv.n_gone].since = time(NULL);
		srv.n_gone++;
	}
	presence_changed();
	queue_changed();
}

/* 256 MiB of WAL at 4 KiB pages. */
enum { WAL_PAGES_MAX = 65536 };

/* Once a second: agents whose grace ran out lose their conversations to the
 * front of the queue, and their customers are told. */
static void
tick_cb(lws_sorted_usec_list_t *sul)
{
	time_t now = time(NULL);
	int changed = 0;
	for (int i = 0; i < srv.n_gone;) {
		if (now - srv.gone[i].since < srv.cfg->agent_grace_s) {
			i++;
			continue;
		}
		int64_t agent = srv.gone[i].id;
		srv.gone[i] = srv.gone[--srv.n_gone];
		store_id_list ids = {0};
		if (store_agent_conversations(srv.deps->st, agent, &ids) != BOT_OK ||
		    batch_begin() != BOT_OK) {
			store_id_list_clear(&ids);
			continue;
		}
		for (size_t k = 0; k < ids.n; k++) {
			const char *cid = ids.ids[k];
			store_conversation conv;
			dialog_result res;
			if (store_handoff_release(srv.deps->st, cid, STORE_RELEASE_REQUEUE, 0) !=
				    BOT_OK ||
			    store_conversation_get(srv.deps->st, cid, &conv) != BOT_OK ||
			    dialog_handoff_event(srv.deps->dlg, &conv, DIALOG_REQUEUED, &res) != BOT_OK)
				continue;
			log_msg(LOG_INFO, cid, "agent %lld did not come back: requeued",
				(long long)agent);
			for_conversation(cid, reload_conv, NULL);
			for_conversation(cid, clear_position, NULL);
			send_reply_frames(cid, &res);
			dialog_result_clear(&res);
			changed = 1;
		}
		store_id_list_clear(&ids);
	}
	if (changed)
		queue_changed();
	else if (srv.snapshot_due)
		agents_snapshot();
	srv.snapshot_due = 0;
	/* The durability threads checkpoint in the background; should they fall
	 * behind a busy writer, the loop catches the WAL up itself. */
	if (!srv.durable || store_wal_pages(srv.deps->st) > WAL_PAGES_MAX)
		store_checkpoint(srv.deps->st);
	lws_sul_schedule(srv.ctx, 0, &srv.tick_sul, tick_cb, LWS_US_PER_SEC);
}

/* ---- HTTP ------------------------------------------------------------------ */

/* Queues a response; headers and body are written from HTTP_WRITEABLE
 * (headers first, then the body), and not before the batch that holds the
 * request's writes has committed. CTYPE must be a static string. */
static int
http_respond(struct lws *wsi, session *s, unsigned int status, const char *ctype, const char *body,
	     size_t len)
{
	free(s->http_body);
	s->http_body = malloc(LWS_PRE + len + 1);
	if (!s->http_body)
		return -1;
	memcpy(s->http_body + LWS_PRE, body, len);
	s->http_len = len;
	s->http_status = status;
	s->http_ctype = ctype;
	s->http_headers_sent = 0;
	s->wsi = wsi;
	int held = store_batch_open(srv.deps->st);
	s->http_gen = held ? srv.batch_gen : srv.written_gen;
	if (held)
		dirty_add(s);
	else if (s->http_gen > srv.committed_gen)
		awaiting_add(s);
	else
		lws_callback_on_writable(wsi);
	return 0;
}

static int
http_writeable(struct lws *wsi, session *s)
{
	if (!s || !s->http_body || s->http_gen > srv.committed_gen)
		return 0;
	if (!s->http_headers_sent) {
		unsigned char hdr[LWS_PRE + 1024];
		unsigned char *start = hdr + LWS_PRE, *p = start, *end = hdr + sizeof(hdr) - 1;
		if (lws_add_http_common_headers(wsi, s->http_status, s->http_ctype,
						(lws_filepos_t)s->http_len, &p, end) ||
		    lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:",
						(const unsigned char *)"no-store", 8, &p, end) ||
		    lws_add_http_header_by_name(wsi, (const unsigned char *)"x-content-type-options:",
						(const unsigned char *)"nosniff", 7, &p, end) ||
		    lws_finalize_write_http_header(wsi, start, &p, end))
			return -1;
		s->http_headers_sent = 1;
		lws_callback_on_writable(wsi);
		return 0;
	}
	int n = lws_write(wsi, (unsigned char *)s->http_body + LWS_PRE, s->http_len,
			  LWS_WRITE_HTTP_FINAL);
	free(s->http_body);
	s->http_body = NULL;
	if (n < 0 || lws_http_transaction_completed(wsi))
		return -1;
	return 0;
}

/* Responds with OBJ (stolen) as JSON. */
static int
http_json(struct lws *wsi, session *s, unsigned int status, json_t *obj)
{
	char *body = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
	json_decref(obj);
	if (!body)
		return -1;
	int rc = http_respond(wsi, s, status, "application/json", body, strlen(body));
	free(body);
	return rc;
}

static int
http_error(struct lws *wsi, session *s, unsigned int status, const char *code, const char *message)
{
	metrics_error(code);
	return http_json(wsi, s, status,
			 json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", message));
}

static const char *
mime_type(const char *path)
{
	const char *dot = strrchr(path, '.');
	static const struct { const char *ext, *type; } types[] = {
		{".html", "text/html; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},
		{".json", "application/json"},
		{".png", "image/png"},
		{".svg", "image/svg+xml"},
		{".ico", "image/x-icon"},
		{".txt", "text/plain; charset=utf-8"},
	};
	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(dot, types[i].ext))
			return types[i].type;
	return NULL;
}

/* Serves a file below the www directory. URI is the decoded path; anything
 * but plain names (no "..", no hidden files, no odd bytes) is refused, and
 * the resolved path must still lie inside the directory. */
static int
serve_static(struct lws *wsi, session *s, const char *uri)
{
	char rel[512];
	snprintf(rel, sizeof(rel), "%s", !strcmp(uri, "/") ? "/index.html" : uri);
	if (strlen(uri) >= 256 || strstr(rel, "..") || strstr(rel, "//") || strstr(rel, "/."))
		return http_error(wsi, s, 404, "not_found", "no such page");
	for (const char *p = rel; *p; p++) {
		char c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '/' || c == '.' || c == '-' || c == '_'))
			return http_error(wsi, s, 404, "not_found", "no such page");
	}
	const char *type = mime_type(rel);
	char root[PATH_MAX], path[PATH_MAX + 512], real[PATH_MAX];
	struct stat sb;
	if (!type || !realpath(srv.cfg->www_dir, root))
		return http_error(wsi, s, 404, "not_found", "no such page");
	snprintf(path, sizeof(path), "%s%s", root, rel);
	if (!realpath(path, real) || strncmp(real, root, strlen(root)) ||
	    real[strlen(root)] != '/' || stat(real, &sb) || !S_ISREG(sb.st_mode))
		return http_error(wsi, s, 404, "not_found", "no such page");
	static const char extra[] = "x-content-type-options: nosniff\r\n"
				    "cache-control: no-cache\r\n";
	int n = lws_serve_http_file(wsi, real, type, extra, (int)strlen(extra));
	if (n < 0 || (n > 0 && lws_http_transaction_completed(wsi)))
		return -1;
	return 0;
}

/* GET /demo/token?member=ID or ?agent=ID: demo mode only, so the demo pages
 * can log in as a cast member. Demo tokens are signed with the demo secret
 * and are worthless outside the demo. */
static int
demo_token(struct lws *wsi, session *s)
{
	char buf[32];
	const char *role = "member";
	const char *v = lws_get_urlarg_by_name(wsi, "member=", buf, sizeof(buf));
	if (!v) {
		role = "agent";
		v = lws_get_urlarg_by_name(wsi, "agent=", buf, sizeof(buf));
	}
	char *end = NULL;
	long long id = v ? strtoll(v, &end, 10) : 0;
	if (!srv.cfg->demo)
		return http_error(wsi, s, 404, "not_found", "demo tokens exist only in demo mode");
	if (!v || !end || *end || id <= 0)
		return http_error(wsi, s, 400, "bad_request", "give ?member=ID or ?agent=ID");
	char name[128];
	bot_err found = !strcmp(role, "member")
				? store_member_name(srv.deps->st, id, name, sizeof(name))
				: store_agent_name(srv.deps->st, id, name, sizeof(name));
	if (found != BOT_OK)
		return http_error(wsi, s, 404, "not_found", "no such demo member or agent");
	char *tok = NULL;
	if (token_mint(srv.cfg->token_secret, role, id, 8 * 3600, clock_now(), &tok) != BOT_OK)
		return http_error(wsi, s, 500, "server_error", "could not mint a token");
	int rc = http_json(wsi, s, 200, json_pack("{s:s, s:s, s:I, s:s}", "token", tok, "role",
						  role, "id", (json_int_t)id, "name", name));
	free(tok);
	return rc;
}

/* POST /kakao/skill, once the whole body is in. */
static int
kakao_request(struct lws *wsi, session *s)
{
	metrics_message_in("kakao");
	if (s->post_too_large) {
		free(s->post);
		s->post = NULL;
		return http_error(wsi, s, 413, "too_large", "the request body is too large");
	}
	char secret[300];
	int n = lws_hdr_custom_copy(wsi, secret, sizeof(secret), KAKAO_SECRET_HEADER ":",
				    (int)strlen(KAKAO_SECRET_HEADER ":"));
	if (batch_begin() != BOT_OK) {
		free(s->post);
		s->post = NULL;
		return http_error(wsi, s, 503, "unavailable", "the database is not writable");
	}
	kakao_response r;
	memset(&r, 0, sizeof(r));
	bot_err rc = store_turn_begin(srv.deps->st);
	if (rc == BOT_OK) {
		rc = kakao_handle(srv.deps->kakao, n > 0 ? secret : NULL, s->post ? s->post : "",
				  s->post_len, clock_now(), &r);
		/* A request that failed halfway leaves nothing stored. */
		store_turn_end(srv.deps->st, rc == BOT_OK && r.status < 500);
	}
	free(s->post);
	s->post = NULL;
	s->post_len = 0;
	int ret;
	if (rc != BOT_OK || !r.body)
		ret = http_error(wsi, s, 500, "server_error", "the request could not be handled");
	else
		ret = http_respond(wsi, s, (unsigned int)r.status, "application/json", r.body,
				   strlen(r.body));
	if (r.escalated_conversation[0]) {
		metrics_escalation(r.escalated_reason ? r.escalated_reason : "agent_request");
		queue_joined(r.escalated_conversation);
	}
	metrics_message_out("kakao");
	kakao_response_clear(&r);
	return ret;
}

/* The demo cast as GET /demo/cast shows it: {"members":[{"id","name",
 * "accounts":[{"id","account_no","name"}],"scenario"}],"agents":[{"id","name"}]}. */
typedef struct cast_json {
	store *st;
	json_t *members, *agents;
	int failed;
} cast_json;

static int
cast_member(void *ctx, const store_cast_member *m)
{
	cast_json *c = ctx;
	store_account acc[16];
	size_t n = 0;
	if (store_member_accounts(c->st, m->id, NULL, 0, acc, 16, &n) != BOT_OK) {
		c->failed = 1;
		return 1;
	}
	json_t *accounts = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(accounts, json_pack("{s:I, s:s, s:s}", "id",
							  (json_int_t)acc[i].id, "account_no",
							  acc[i].account_no, "name", acc[i].name));
	json_array_append_new(c->members, json_pack("{s:I, s:s, s:o, s:s}", "id", (json_int_t)m->id,
						    "name", m->name, "accounts", accounts,
						    "scenario", m->scenario));
	return 0;
}

static int
cast_agent(void *ctx, int64_t id, const char *name)
{
	cast_json *c = ctx;
	json_array_append_new(c->agents, json_pack("{s:I, s:s}", "id", (json_int_t)id, "name", name));
	return 0;
}

static bot_err
demo_cast_json(store *st, json_t **out)
{
	*out = json_pack("{s:[], s:[]}", "members", "agents");
	if (!*out)
		return BOT_ERR_NOMEM;
	cast_json c = {st, json_object_get(*out, "members"), json_object_get(*out, "agents"), 0};
	bot_err rc = store_demo_cast(st, cast_member, cast_agent, &c);
	if (rc == BOT_OK && c.failed)
		rc = BOT_ERR_DB;
	if (rc != BOT_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

static int
http_request(struct lws *wsi, session *s, const char *uri)
{
	int is_get = lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) > 0;
	if (srv.draining)
		return http_error(wsi, s, 503, "shutting_down", "the server is shutting down");
	if (!strcmp(uri, "/kakao/skill")) {
		if (lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) <= 0)
			return http_error(wsi, s, 405, "method_not_allowed", "POST a SkillPayload");
		char cl[32];
		if (lws_hdr_copy(wsi, cl, sizeof(cl), WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0 &&
		    strtoll(cl, NULL, 10) > KAKAO_MAX_BODY)
			return http_error(wsi, s, 413, "too_large", "the request body is too large");
		s->post_too_large = 0;
		s->post_len = 0;
		return 0; /* the body arrives in LWS_CALLBACK_HTTP_BODY */
	}
	if (!strcmp(uri, "/healthz"))
		return http_json(wsi, s, 200, json_pack("{s:s}", "status", "ok"));
	if (!strcmp(uri, "/readyz")) {
		int db_ok = store_check_writable(srv.deps->st) == BOT_OK;
		size_t n = intent_count(srv.intents);
		return http_json(wsi, s, db_ok && n ? 200 : 503,
				 json_pack("{s:s, s:b, s:I}", "status",
					   db_ok && n ? "ready" : "not_ready", "database_writable",
					   db_ok, "intents", (json_int_t)n));
	}
	if (!strcmp(uri, "/metrics")) {
		int length = 0;
		double oldest = 0;
		store_queue_stats(srv.deps->st, &length, &oldest);
		metrics_queue(length, oldest);
		metrics_wal(store_wal_pages(srv.deps->st));
		char *text = metrics_render();
		if (!text)
			return http_error(wsi, s, 500, "server_error", "out of memory");
		int rc = http_respond(wsi, s, 200, "text/plain; version=0.0.4; charset=utf-8", text,
				      strlen(text));
		free(text);
		return rc;
	}
	if (!strcmp(uri, "/demo/cast")) {
		json_t *cast = NULL;
		if (!srv.cfg->demo || demo_cast_json(srv.deps->st, &cast) != BOT_OK)
			return http_error(wsi, s, 404, "not_found", "the demo cast exists only in "
								    "demo mode");
		return http_json(wsi, s, 200, cast);
	}
	if (!strcmp(uri, "/demo/token"))
		return demo_token(wsi, s);
	if (!is_get)
		return http_error(wsi, s, 405, "method_not_allowed", "only GET is served here");
	return serve_static(wsi, s, uri);
}

/* ---- the callback ------------------------------------------------------------ */

static int
origin_allowed(struct lws *wsi)
{
	char origin[256], host[256], self[300];
	if (lws_hdr_copy(wsi, origin, sizeof(origin), WSI_TOKEN_ORIGIN) <= 0)
		return 1; /* not a browser: Origin protects browsers from other sites */
	for (int i = 0; i < srv.cfg->n_origins; i++)
		if (!strcmp(origin, srv.cfg->origins[i]))
			return 1;
	if (srv.cfg->n_origins)
		return 0;
	/* No list configured: same origin only. */
	if (lws_hdr_copy(wsi, host, sizeof(host), WSI_TOKEN_HOST) <= 0)
		return 0;
	snprintf(self, sizeof(self), "http://%s", host);
	return !strcmp(origin, self);
}

/* RFC 6455 4.2.1: version 13 and a key of 16 random bytes (base64, 24
 * characters), which lws 4.1 does not check itself. */
static int
handshake_ok(struct lws *wsi)
{
	char version[8], key[64];
	if (lws_hdr_copy(wsi, version, sizeof(version), WSI_TOKEN_VERSION) <= 0 ||
	    strcmp(version, "13"))
		return 0;
	int n = lws_hdr_copy(wsi, key, sizeof(key), WSI_TOKEN_KEY);
	if (n != 24 || key[22] != '=' || key[23] != '=')
		return 0;
	for (int i = 0; i < 22; i++) {
		char c = key[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '+' || c == '/'))
			return 0;
	}
	return 1;
}

/* A Close from the peer: RFC 6455 5.5.1 and 7.4 allow no payload, or a code
 * of 1000-1003, 1007-1011 or 3000-4999 followed by UTF-8. Anything else is
 * a protocol error, answered with 1002 rather than echoed. */
static int
peer_close(struct lws *wsi, void *in, size_t len)
{
	unsigned char *p = in;
	if (len == 0)
		return 0;
	int code = len >= 2 ? (p[0] << 8) | p[1] : 0;
	int valid = len >= 2 && ((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) ||
				 (code >= 3000 && code <= 4999));
	if (valid)
		return 0;
	if (len >= 2) {
		/* lws echoes this payload: make the echo say 1002. */
		p[0] = LWS_CLOSE_STATUS_PROTOCOL_ERR >> 8;
		p[1] = LWS_CLOSE_STATUS_PROTOCOL_ERR & 0xff;
		return 0;
	}
	lws_close_reason(wsi, LWS_CLOSE_STATUS_PROTOCOL_ERR, NULL, 0);
	return -1;
}

/* LWS_CALLBACK_WS_SERVER_DROP_PROTOCOL: lws 4.1 calls it from
 * __lws_close_free_wsi() before it queues its own Close (a protocol error it
 * found, a timeout, our close_code), or as it kills the socket. From here on
 * nothing of ours may reach the wire (RFC 6455 5.5.1: no data after a
 * Close), yet lws still calls SERVER_WRITEABLE while it waits for the
 * peer's Close: drop what is queued (frames held for the group commit too)
 * and take nothing more. What the dropped acks and replies carried is
 * stored; the client resends by id after reconnecting. */
static void
ws_closing(struct lws *wsi, session *s)
{
	if (wsguard_failed(lws_get_socket_fd(wsi))) {
		/* wsguard failed the read that carried an unmasked frame, which
		 * is why lws is closing: its Close (sent next) says 1002. */
		log_warn("closing a connection that sent an unmasked frame (RFC 6455 5.1)");
		lws_close_reason(wsi, LWS_CLOSE_STATUS_PROTOCOL_ERR, (unsigned char *)"unmasked frame",
				 14);
	}
	if (!s || s->wsi != wsi)
		return; /* closed before LWS_CALLBACK_ESTABLISHED */
	s->closing = 1;
	dirty_remove(s);
	awaiting_remove(s);
	session_drop_queue(s);
}

static void
session_unlink(session *s)
{
	metrics_connection(endpoint_name(s), -1);
	if (s->prev)
		s->prev->next = s->next;
	else if (srv.sessions == s)
		srv.sessions = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->prev = s->next = NULL;
	dirty_remove(s);
	awaiting_remove(s);
	session_drop_queue(s);
	free(s->rx);
	s->rx = NULL;
	srv.n_sessions--;
}

static void
frame_in(session *s, const char *buf, size_t len)
{
	metrics_message_in(endpoint_name(s));
	/* Closing (a refusal, or the server draining): nothing more is taken in,
	 * so the queue empties and the Close goes out. An unacknowledged message
	 * is the client's to send again after reconnecting. */
	if (s->close_code || srv.draining)
		return;
	if (s->ep == EP_AGENT)
		agent_frame_in(s, buf, len);
	else
		chat_frame_in(s, buf, len);
}

static int
ws_receive(struct lws *wsi, session *s, const char *in, size_t len)
{
	if (lws_frame_is_binary(wsi)) {
		lws_close_reason(wsi, LWS_CLOSE_STATUS_UNACCEPTABLE_OPCODE,
				 (unsigned char *)"text frames only", 16);
		return -1;
	}
	size_t max = (size_t)srv.cfg->max_message_bytes;
	int whole = lws_is_first_fragment(wsi) && lws_is_final_fragment(wsi) &&
		    !lws_remaining_packet_payload(wsi) && !s->rx;
	if (whole) {
		if (len > max)
			goto too_large;
		frame_in(s, in, len);
		return 0;
	}
	if (s->rx_len + len > max)
		goto too_large;
	char *n = realloc(s->rx, s->rx_len + len + 1);
	if (!n)
		return -1;
	s->rx = n;
	memcpy(s->rx + s->rx_len, in, len);
	s->rx_len += len;
	if (lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi)) {
		frame_in(s, s->rx, s->rx_len);
		free(s->rx);
		s->rx = NULL;
		s->rx_len = 0;
	}
	return 0;
too_large:
	lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE,
			 (unsigned char *)"message too large", 17);
	return -1;
}

/* Frames ready at once go out in one send: a turn's ack and reply (and a
 * queue position) would otherwise cost a send and a loop turn each, which
 * was the largest kernel cost under load. */
enum { COALESCE_MAX = 32768 };

/* Writes the header of an unmasked, final text frame of LEN payload bytes
 * (RFC 6455 5.2; the server never masks) to H; returns its length. */
static size_t
text_frame_header(unsigned char *h, size_t len)
{
	h[0] = 0x81;
	if (len < 126) {
		h[1] = (unsigned char)len;
		return 2;
	}
	if (len < 65536) {
		h[1] = 126;
		h[2] = (unsigned char)(len >> 8);
		h[3] = (unsigned char)len;
		return 4;
	}
	h[1] = 127;
	for (int i = 0; i < 8; i++)
		h[2 + i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
	return 10;
}

/* Whether the frame after F is also ready and fits in one send with it. */
static int
coalescable(const outframe *f)
{
	const outframe *n = f->next;
	return n && n->gen <= srv.committed_gen && f->len + n->len + 20 <= COALESCE_MAX;
}

/* Sends the committed frames at the head of S's queue: one lws_write of a
 * single frame, or several whole frames framed here and handed to lws as
 * raw bytes (lws 4.1 passes LWS_WRITE_HTTP through unframed on a WebSocket
 * connection and buffers what the socket does not take). Returns
 * lws_write's result. */
static int
write_ready_frames(struct lws *wsi, session *s)
{
	static unsigned char buf[LWS_PRE + COALESCE_MAX];
	outframe *f = s->q_head;
	if (!coalescable(f)) {
		s->q_head = f->next;
		s->q_len--;
		int n = lws_write(wsi, f->data + LWS_PRE, f->len, LWS_WRITE_TEXT);
		free(f);
		metrics_message_out(endpoint_name(s));
		return n;
	}
	size_t used = 0;
	while (f && f->gen <= srv.committed_gen && used + f->len + 10 <= COALESCE_MAX) {
		used += text_frame_header(buf + LWS_PRE + used, f->len);
		memcpy(buf + LWS_PRE + used, f->data + LWS_PRE, f->len);
		used += f->len;
		s->q_head = f->next;
		s->q_len--;
		free(f);
		metrics_message_out(endpoint_name(s));
		f = s->q_head;
	}
	return lws_write(wsi, buf + LWS_PRE, used, LWS_WRITE_HTTP);
}

static int
ws_writeable(struct lws *wsi, session *s)
{
	outframe *f = s->q_head;
	if (f && f->gen <= srv.committed_gen) {
		int n = write_ready_frames(wsi, s);
		if (!s->q_head)
			s->q_tail = NULL;
		if (n < 0)
			return -1;
		if (s->rx_paused && s->q_len <= srv.cfg->outbound_queue_max / 4) {
			s->rx_paused = 0;
			lws_rx_flow_control(wsi, 1);
			if (s->authed)
				lws_set_timeout(wsi, NO_PENDING_TIMEOUT, 0);
		}
		if (!s->q_head && s->replaying)
			replay_more(s);
		if (s->q_head && s->q_head->gen <= srv.committed_gen)
			lws_callback_on_writable(wsi);
		else if (!s->q_head && s->close_code)
			lws_callback_on_writable(wsi);
		return 0;
	}
	if (!f && s->close_code) {
		static const char reason[] = "closing";
		lws_close_reason(wsi, (enum lws_close_status)s->close_code,
				 (unsigned char *)reason, sizeof(reason) - 1);
		return -1;
	}
	return 0;
}

/* The drain deadline: stop even if some peers never answer the close. */
static void
drain_deadline_cb(lws_sorted_usec_list_t *sul)
{
	srv.done = 1;
}

static void handle_signals(void);

static int
callback_botd(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	session *s = user;
	char uri[300];
	switch (reason) {
	case LWS_CALLBACK_HTTP:
		return http_request(wsi, s, (const char *)in);
	case LWS_CALLBACK_HTTP_WRITEABLE:
		return http_writeable(wsi, s);
	case LWS_CALLBACK_HTTP_FILE_COMPLETION:
		if (lws_http_transaction_completed(wsi))
			return -1;
		break;
	case LWS_CALLBACK_HTTP_BODY:
		if (!s->post_too_large && s->post_len + len > KAKAO_MAX_BODY) {
			s->post_too_large = 1;
			free(s->post);
			s->post = NULL;
			s->post_len = 0;
		}
		if (!s->post_too_large) {
			char *n = realloc(s->post, s->post_len + len + 1);
			if (!n)
				return -1;
			s->post = n;
			memcpy(s->post + s->post_len, in, len);
			s->post_len += len;
		}
		break;
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		return kakao_request(wsi, s);
	case LWS_CALLBACK_CLOSED_HTTP:
	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
		if (s) {
			dirty_remove(s);
			free(s->http_body);
			s->http_body = NULL;
			free(s->post);
			s->post = NULL;
		}
		break;
	case LWS_CALLBACK_FILTER_NETWORK_CONNECTION:
		/* A new socket (IN is its descriptor): see wsguard.h. */
		return wsguard_http((int)(intptr_t)in) ? 1 : 0;
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		if (srv.draining)
			return 1;
		if (lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI) <= 0 ||
		    (strcmp(uri, "/ws/chat") && strcmp(uri, "/ws/agent")))
			return 1;
		if (!origin_allowed(wsi)) {
			log_warn("refused a WebSocket from an origin not on the allow-list");
			return 1;
		}
		if (!handshake_ok(wsi))
			return 1;
		break;
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		return peer_close(wsi, in, len);
	case LWS_CALLBACK_WS_SERVER_DROP_PROTOCOL:
		ws_closing(wsi, s);
		break;
	case LWS_CALLBACK_ESTABLISHED:
		memset(s, 0, sizeof(*s));
		s->wsi = wsi;
		if (lws_get_network_wsi(wsi) == wsi) /* not a stream inside HTTP/2 */
			wsguard_websocket(lws_get_socket_fd(wsi));
		s->ep = EP_CHAT;
		if (lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI) > 0 &&
		    !strcmp(uri, "/ws/agent")) {
			s->ep = EP_AGENT;
			s->agent_next = srv.agents;
			srv.agents = s;
		}
		s->next = srv.sessions;
		if (srv.sessions)
			srv.sessions->prev = s;
		srv.sessions = s;
		srv.n_sessions++;
		metrics_connection(endpoint_name(s), 1);
		if (srv.n_sessions > srv.cfg->max_connections) {
			session_refuse(s, CHAT_ERR_FULL, "too many connections; try again later",
				       1013);
			break;
		}
		/* The hello must come within hello_timeout_s, or lws closes us. */
		lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, srv.cfg->hello_timeout_s);
		break;
	case LWS_CALLBACK_RECEIVE:
		return ws_receive(wsi, s, in, len);
	case LWS_CALLBACK_SERVER_WRITEABLE:
		if (s->closing)
			return 0; /* lws's Close is out or on its way: nothing after it */
		return ws_writeable(wsi, s);
	case LWS_CALLBACK_CLOSED:
		if (s->ep == EP_AGENT) {
			agent_left(s);
		} else {
			if (s->authed)
				log_msg(LOG_INFO, s->conv.id, "chat: connection closed");
			conv_map_remove(s);
		}
		session_unlink(s);
		break;
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		if (srv.durable)
			sync_progress();
		handle_signals();
		if (srv.stop_requested && !srv.draining) {
			srv.draining = 1;
			srv.drain_deadline = time(NULL) + srv.cfg->shutdown_deadline_s;
			log_info("shutting down: closing %d connections", srv.n_sessions);
			lws_sul_schedule(srv.ctx, 0, &srv.drain_sul, drain_deadline_cb,
					 (lws_usec_t)srv.cfg->shutdown_deadline_s * LWS_US_PER_SEC);
			/* Everything taken in so far goes to disk first. */
			if (store_batch_open(srv.deps->st))
				commit_now();
			for (session *p = srv.sessions; p; p = p->next) {
				/* Frames still queued to a slow reader would hold the Close
				 * back past the deadline: drop them. All they carried is
				 * stored; the client resumes and retries by id. */
				session_drop_queue(p);
				session_send_json(p, json_pack("{s:s, s:s, s:s}", "type", "notice",
							       "code", "going_away", "message",
							       "the server is restarting; "
							       "reconnect in a moment"));
				p->close_code = LWS_CLOSE_STATUS_GOINGAWAY;
				lws_callback_on_writable(p->wsi);
			}
		}
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols protocols[] = {
	{"botd", callback_botd, sizeof(session), 4096, 0, NULL, 0},
	{NULL, NULL, 0, 0, 0, NULL, 0},
};

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		srv.reload_requested = 1;
	else if (sig == SIGUSR1)
		srv.reopen_requested = 1;
	else
		srv.stop_requested = 1;
	if (srv.ctx)
		lws_cancel_service(srv.ctx);
}

/* SIGHUP and SIGUSR1, handled on the loop (not in the signal handler). */
static void
handle_signals(void)
{
	if (srv.reopen_requested) {
		srv.reopen_requested = 0;
		if (log_reopen())
			log_error("could not reopen the log file");
		else
			log_info("log file reopened");
	}
	if (srv.reload_requested && srv.deps->reload) {
		srv.reload_requested = 0;
		char err[512] = "";
		const intent_set *set = NULL;
		/* Nothing half-done may straddle the swap. */
		if (store_batch_open(srv.deps->st))
			commit_now();
		bot_err rc = srv.deps->reload(srv.deps->reload_ctx, &set, err, sizeof(err));
		if (rc != BOT_OK) {
			log_error("reload refused, nothing changed: %s", err);
			return;
		}
		srv.intents = set;
		hours h;
		if (hours_parse(srv.cfg->business_hours, srv.cfg->holidays, &h) == BOT_OK)
			srv.hours = h;
		presence_changed();
		log_info("reloaded: %zu intents", intent_count(set));
	}
}

static void
lws_log_to_ours(int level, const char *line)
{
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	log_msg(level == LLL_ERR ? LOG_ERROR : LOG_WARN, NULL, "lws: %.*s", (int)n, line);
}

bot_err
server_run(const server_deps *deps, char *err, size_t errlen)
{
	memset(&srv, 0, sizeof(srv));
	srv.deps = deps;
	srv.cfg = deps->cfg;
	srv.intents = deps->intents;
	srv.batch_gen = 1;
	srv.written_gen = srv.committed_gen = 0;

	lws_set_log_level(LLL_ERR, lws_log_to_ours);

	static const uint32_t backoff_ms[] = {1000};
	static lws_retry_bo_t retry;
	retry.retry_ms_table = backoff_ms;
	retry.retry_ms_table_count = 1;
	retry.secs_since_valid_ping = (uint16_t)srv.cfg->ping_interval_s;
	retry.secs_since_valid_hangup = (uint16_t)srv.cfg->hangup_s;

	struct lws_context_creation_info info;
	memset(&info, 0, sizeof(info));
	info.port = srv.cfg->port;
	info.iface = srv.cfg->host;
	info.protocols = protocols;
	info.retry_and_idle_policy = &retry;
	info.options = LWS_SERVER_OPTION_VALIDATE_UTF8 |
		       LWS_SERVER_OPTION_HTTP_HEADERS_SECURITY_BEST_PRACTICES_ENFORCE;
	info.max_http_header_data = 4096;
	info.timeout_secs = 10;
	info.fd_limit_per_thread = (unsigned int)srv.cfg->max_connections + 64;

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (hours_parse(srv.cfg->business_hours, srv.cfg->holidays, &srv.hours) != BOT_OK) {
		snprintf(err, errlen, "business_hours or holidays are malformed");
		return BOT_ERR_INVAL;
	}
	dialog_set_presence(deps->dlg, 0, &srv.hours);
	/* Agents who held conversations when we stopped get the grace period to
	 * come back, counted from now. */
	int64_t holding[sizeof(srv.gone) / sizeof(srv.gone[0])];
	size_t n_holding = 0;
	if (store_agents_holding(deps->st, holding, sizeof(holding) / sizeof(holding[0]),
				 &n_holding) == BOT_OK) {
		for (size_t i = 0; i < n_holding; i++) {
			srv.gone[srv.n_gone].id = holding[i];
			srv.gone[srv.n_gone].since = time(NULL);
			srv.n_gone++;
		}
	}

	srv.ctx = lws_create_context(&info);
	if (!srv.ctx) {
		snprintf(err, errlen, "cannot listen on %s:%d (in use, or not an address of this "
				      "machine)", srv.cfg->host, srv.cfg->port);
		return BOT_ERR_IO;
	}
	const char *delay = getenv("BOTD_TEST_SYNC_DELAY_MS");
	durability_options dopt = {.st = deps->st,
				   .wake = wake_loop,
				   .wake_arg = srv.ctx,
				   .sync_delay_ms = delay ? (unsigned)strtoul(delay, NULL, 10) : 0,
				   .checkpoint_ms = 250,
				   /* frames of 4 KiB pages (SQLite's default size) */
				   .wal_restart_frames = (unsigned)srv.cfg->wal_restart_mb * 256};
	if (store_deferred_sync(deps->st) && durability_start(&dopt, &srv.durable) != BOT_OK) {
		lws_context_destroy(srv.ctx);
		srv.ctx = NULL;
		snprintf(err, errlen, "cannot start the thread that syncs the database");
		return BOT_ERR_NOMEM;
	}
	log_info("listening on http://%s:%d", srv.cfg->host, srv.cfg->port);
	lws_sul_schedule(srv.ctx, 0, &srv.tick_sul, tick_cb, LWS_US_PER_SEC);
	while (!srv.done) {
		if (lws_service(srv.ctx, 0) < 0)
			break;
		if (srv.draining && (srv.n_sessions == 0 || time(NULL) >= srv.drain_deadline))
			srv.done = 1;
	}
	if (store_batch_open(deps->st) && store_batch_commit(deps->st) == BOT_OK && srv.durable)
		durability_want(srv.durable, srv.batch_gen++);
	if (durability_stop(srv.durable) != BOT_OK)
		srv.sync_failed = 1;
	srv.durable = NULL;
	lws_context_destroy(srv.ctx);
	srv.ctx = NULL;
	if (srv.sync_failed) {
		snprintf(err, errlen, "the database could not be synced to disk");
		return BOT_ERR_IO;
	}
	log_info("stopped");
	return BOT_OK;
}
