/* The store: all state in one SQLite database (WAL; synchronous=FULL, or
 * NORMAL with the WAL synced by store_sync() before anything is acknowledged).
 * Only store.c includes sqlite3.h. Everything goes through one handle;
 * writes are grouped: the server opens a batch at the first write of a loop
 * turn and commits it once at the end of the turn (group commit); nothing is
 * acknowledged to a client before its batch is on disk: store_batch_commit()
 * returned BOT_OK, and store_sync() too with deferred_sync.
 * Answers read through prepared queries that are refused unless read-only. */
#ifndef BOT_STORE_H
#define BOT_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "err.h"
#include "waitq.h"

typedef struct store store;

typedef struct store_options {
	const char *path;     /* database file; created with the schema when absent */
	int load_demo;        /* load the demo cast when the database is new */
	int manual_checkpoint; /* the caller runs store_checkpoint() regularly */
	/* Commits only write the WAL (synchronous=NORMAL) and the caller makes
	 * them durable with store_sync() before acknowledging anything: the
	 * server syncs on a thread of its own while its loop goes on. */
	int deferred_sync;
	/* Map the whole database file and read it once at open (rovfs.c), so
	 * that answers find their pages in memory instead of paying a pread, a
	 * page fault or a disk read per page: the daemon does (config
	 * "warm_cache"), one-shot commands need not. */
	int warm_cache;
} store_options;

/* Opens (creating and migrating as needed) the database. On failure writes a
 * one-line reason into ERR. Caller owns *OUT; free with store_close(). */
bot_err store_open(const store_options *opt, store **out, char *err, size_t errlen);
void store_close(store *st);
int store_schema_version(store *st);
/* Writes a probe row inside a rolled-back transaction: is the disk writable? */
bot_err store_check_writable(store *st);

/* ---- group commit -------------------------------------------------------- */

/* Starts a batch if none is open (cheap when one is). */
bot_err store_batch_begin(store *st);
/* Commits the open batch (no-op without one). On failure the batch is rolled
 * back and every write in it is lost: the caller must not acknowledge them. */
bot_err store_batch_commit(store *st);
int store_batch_open(const store *st);
/* One customer turn inside the batch: store_turn_end(st, 0) undoes that
 * turn's writes (a turn that failed halfway) and keeps the rest of the batch;
 * store_turn_end(st, 1) keeps them. */
bot_err store_turn_begin(store *st);
void store_turn_end(store *st, int keep);
/* Throws the open batch away (for dry runs such as `botd ask`). */
void store_batch_rollback(store *st);
/* Microseconds the last commit took (for metrics). */
int64_t store_last_commit_us(const store *st);
/* Makes every commit that returned before the call durable (fdatasync of
 * the WAL); BOT_OK at once without deferred_sync. Safe to call from another
 * thread while the owner of ST goes on using it: it touches only a
 * descriptor of its own. BOT_ERR_IO when the disk refused: nothing since the
 * last successful sync may be acknowledged. */
bot_err store_sync(store *st);
int store_deferred_sync(const store *st);

/* ---- conversations and messages ----------------------------------------- */

typedef struct store_conversation {
	char id[33];
	int64_t member_id;  /* 0 when unknown */
	int64_t account_id; /* 0 when not chosen */
	char channel[8];    /* "web" | "kakao" */
	char state[8];      /* "bot" | "queued" | "agent" | "closed" */
	char lang[4];
	int64_t last_seq;
	int misses;
	/* JSON {"intent":..,"slots":..} of a question waiting for the member to
	 * choose an account; empty when none. */
	char pending[512];
} store_conversation;

/* Creates a conversation with a fresh random id (inside the open batch). */
bot_err store_conversation_create(store *st, int64_t member_id, const char *channel,
				  const char *channel_key, store_conversation *out);
/* Loads conversation ID. BOT_ERR_NOT_FOUND when absent. */
bot_err store_conversation_get(store *st, const char *id, store_conversation *out);
/* Latest open conversation for a KakaoTalk bot user key. */
bot_err store_conversation_find_channel(store *st, const char *channel, const char *channel_key,
					store_conversation *out);
/* Saves account_id, state, lang, misses and pending of CONV. */
bot_err store_conversation_update(store *st, const store_conversation *conv);

typedef struct store_message {
	int64_t seq;
	const char *sender;    /* "customer" | "bot" | "agent" | "system" */
	const char *client_id; /* may be NULL */
	int64_t agent_id;
	const char *text;
	const char *intent;    /* may be NULL */
	const char *meta;      /* JSON text or NULL */
	const char *created_at;
} store_message;

/* Appends MSG to CONV (assigning msg->seq = ++conv->last_seq) inside the open
 * batch. When MSG has a client_id already stored in this conversation,
 * nothing is written, *DUPLICATE is set and msg->seq is the stored one. */
bot_err store_message_append(store *st, store_conversation *conv, store_message *msg,
			     int *duplicate);
/* Calls FN for each message of CONV with seq > AFTER, in order; the message's
 * strings are borrowed for the duration of the call only. */
typedef int (*store_message_fn)(void *ctx, const store_message *msg);
bot_err store_messages_after(store *st, const char *conv_id, int64_t after, store_message_fn fn,
			     void *ctx);
/* The reply stored right after the customer message with CLIENT_ID, if any:
 * lets a retried message be answered once, not twice. */
bot_err store_message_by_client_id(store *st, const char *conv_id, const char *client_id,
				   int64_t *seq_out);

/* ---- the handoff queue ---------------------------------------------------- */

/* Puts CONV in the agent queue (inside the open batch) and sets its state to
 * "queued". INTENT, SLOTS_JSON and ATTACHMENTS_JSON may be NULL. */
bot_err store_handoff_enqueue(store *st, store_conversation *conv, const char *reason,
			      int priority, const char *intent, const char *slots_json,
			      const char *attachments_json);

/* The first LIMIT (0 = all) of the waiting queue in order (priority, then
 * waiting time) as a JSON array
 * of {"conversation","priority","reason","intent","channel","enqueued_at",
 * "member":{"id","name"}|null,"preview"}. Caller owns *OUT. */
bot_err store_queue_waiting(store *st, int limit, json_t **out);
/* 1-based place of CONV_ID in the waiting queue; BOT_ERR_NOT_FOUND when it is
 * not waiting. An indexed lookup and a binary search in the store's copy of
 * the queue's order (the first call reads that copy from the table). */
bot_err store_queue_position(store *st, const char *conv_id, int *position);
/* The waiting conversations in queue order, the same as
 * store_queue_waiting's, in *ORDER: borrowed, valid until the store's next
 * call. The store keeps it in step with what its own functions change (and
 * reads it again after a rollback); a change made to the file by another
 * program is seen after the daemon restarts. */
bot_err store_queue_order(store *st, const waitq **order);
/* How many conversations wait, and for how long the oldest has (seconds). */
bot_err store_queue_stats(store *st, int *length, double *oldest_wait_s);
/* Copies the WAL into the database without waiting for any lock, outside a
 * batch (the server calls it from a timer, so commits do not pay for
 * checkpoints, and when durability_restart_due() asks). Once every frame is
 * copied the next batch writes the WAL from its start again. */
void store_checkpoint(store *st);
/* Pages in the WAL after the last commit (counted with manual_checkpoint). */
int64_t store_wal_pages(const store *st);
/* A passive checkpoint through a connection of the store's own, for one
 * thread other than the owner's: copies the WAL back while the owner goes on
 * committing, without a lock the owner waits for, and syncs the database
 * file (written back in pieces first, so the owner's WAL syncs do not queue
 * behind all of it), so that the owner's own store_checkpoint() before the
 * WAL starts over has only the last few pages to sync. BOT_ERR_CONFLICT when another
 * checkpoint was running. *WAL_FRAMES (may be NULL): frames in the WAL;
 * *UNCOPIED_FRAMES (may be NULL): how many of them the pass left to copy
 * (frames committed while it ran, or held by an older reader). */
bot_err store_checkpoint_aside(store *st, int *wal_frames, int *uncopied_frames);
/* Claims the waiting handoff of CONV_ID for AGENT_ID (inside the open batch).
 * BOT_ERR_CONFLICT when someone holds it already, BOT_ERR_NOT_FOUND when it
 * is not in the queue. Sets the conversation's state to "agent". */
bot_err store_handoff_claim(store *st, const char *conv_id, int64_t agent_id);
/* The agent holding CONV_ID; BOT_ERR_NOT_FOUND when nobody does. */
bot_err store_handoff_owner(store *st, const char *conv_id, int64_t *agent_id);
/* Ends the claim on CONV_ID: "resolved" (the bot takes over again), "queue"
 * (back to the front of the queue) or "agent" (straight to TO_AGENT). */
bot_err store_handoff_release(store *st, const char *conv_id, const char *how, int64_t to_agent);
/* Everything an agent needs to take a conversation over (see PROTOCOL.md,
 * "claimed"). Caller owns *OUT. */
bot_err store_handoff_packet(store *st, const char *conv_id, json_t **out);
/* Conversation ids AGENT_ID currently holds, as a JSON array of strings. */
bot_err store_agent_conversations(store *st, int64_t agent_id, json_t **out);
/* Adds an internal note; *NOTE (owned by the caller) is {"agent","text","at"}. */
bot_err store_note_add(store *st, const char *conv_id, int64_t agent_id, const char *text,
		       json_t **note);
/* Records SCORE on the latest resolved, unrated handoff of CONV_ID.
 * BOT_ERR_NOT_FOUND when there is nothing to rate. */
bot_err store_handoff_rate(store *st, const char *conv_id, int score, int64_t *agent_id);
/* Agents holding at least one claimed conversation, as a JSON array of ids
 * (at start-up: whoever does not come back within the grace period loses
 * them to the queue). */
bot_err store_agents_holding(store *st, json_t **out);
/* An agent's conversation cap (agents.max_concurrent). */
bot_err store_agent_cap(store *st, int64_t agent_id, int *cap);
/* Mean seconds from claim to resolve over the last 20 resolved handoffs;
 * 0 when there are none. */
bot_err store_handle_time_avg(store *st, int *seconds);

/* ---- members and accounts ----------------------------------------------- */

typedef struct store_account {
	int64_t id;
	char account_no[32];
	char name[128];
} store_account;

/* Active memberships of MEMBER (left_at IS NULL), up to MAX, ordered by
 * account number; *N receives the count found. NAME (may be NULL) receives
 * the member's name in the same statement, "" for a departed or unknown
 * member (who has no accounts either). */
bot_err store_member_accounts(store *st, int64_t member_id, char *name, size_t name_len,
			      store_account *out, size_t max, size_t *n);
/* BOT_OK when MEMBER currently belongs to ACCOUNT, else BOT_ERR_FORBIDDEN. */
bot_err store_member_can_see(store *st, int64_t member_id, int64_t account_id);
/* Looks a member's name up; BOT_ERR_NOT_FOUND for unknown or departed ids. */
bot_err store_member_name(store *st, int64_t member_id, char *buf, size_t len);
bot_err store_agent_name(store *st, int64_t agent_id, char *buf, size_t len);
/* The demo cast as JSON ({"members":[...],"agents":[...]}); caller owns it. */
bot_err store_demo_cast(store *st, json_t **out);
/* Member linked to a KakaoTalk bot user key; BOT_ERR_NOT_FOUND when none. */
bot_err store_kakao_member(store *st, const char *bot_user_key, int64_t *member_id);

/* ---- read-only answer queries ------------------------------------------- */

typedef struct store_query store_query;

/* Prepares SQL once; it must be one read-only SELECT. Only named parameters
 * (:member, :account, :now, ...) are allowed. Caller owns *OUT. */
bot_err store_query_prepare(store *st, const char *sql, store_query **out, char *err,
			    size_t errlen);
/* Binds each named parameter from PARAMS (key without the ':'; a key absent
 * from PARAMS binds NULL), runs, and returns at most MAX_ROWS rows as a JSON
 * array of objects keyed by column name. Caller owns *ROWS. */
bot_err store_query_run(store_query *q, const json_t *params, size_t max_rows, json_t **rows);
void store_query_free(store_query *q);

#endif
