/* The store: all state botd keeps, behind one interface that speaks in C
 * structs: no SQL, no backend types and no JSON library in it. Strings that
 * hold JSON (a message's meta, a pending question, a handoff's slots) are
 * opaque text to the store.
 *
 * One backend exists, SQLite (sq_*.c, in WAL mode); store_backend.h is what
 * another one implements, and store_options.backend picks one at run time.
 *
 * Writes are grouped: the server opens a batch at the first write of a loop
 * turn and commits it once at the end of the turn (group commit); nothing is
 * acknowledged to a client before its batch is durable: store_batch_commit()
 * returned BOT_OK, and store_sync() too with deferred_sync. Answers read
 * through prepared queries that are refused unless read-only. */
#ifndef BOT_STORE_H
#define BOT_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "err.h"
#include "waitq.h"

typedef struct store store;

/* A conversation id: 32 lower-case hex digits and the NUL. */
#define STORE_ID_SIZE 33

typedef struct store_options {
	const char *backend;   /* NULL or "sqlite" */
	const char *path;      /* database file; created with the schema when absent */
	int load_demo;         /* load the demo cast when the database is new */
	int manual_checkpoint; /* the caller runs store_checkpoint() regularly */
	/* Commits only make the batch visible and the caller makes them
	 * durable with store_sync() before acknowledging anything: the server
	 * syncs on a thread of its own while its loop goes on. */
	int deferred_sync;
	/* Keep the whole database in memory from the start (the SQLite
	 * backend maps the file and reads it once, rovfs.c), so that answers
	 * never wait for the disk: the daemon does (config "warm_cache"),
	 * one-shot commands need not. */
	int warm_cache;
} store_options;

/* Opens (creating and migrating as needed) the database. On failure writes a
 * one-line reason into ERR. Caller owns *OUT; free with store_close(). */
bot_err store_open(const store_options *opt, store **out, char *err, size_t errlen);
void store_close(store *st);
int store_schema_version(store *st);
/* Takes the write lock and lets it go again, writing nothing: BOT_OK when
 * the database takes writes now (or a batch is open, so writes go on). */
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
/* Makes every commit that returned before the call durable; BOT_OK at once
 * without deferred_sync. Safe to call from another thread while the owner
 * of ST goes on using it. BOT_ERR_IO when the disk refused: nothing since
 * the last successful sync may be acknowledged. */
bot_err store_sync(store *st);
int store_deferred_sync(const store *st);

/* ---- write-ahead log upkeep (a backend without one does nothing) ---------- */

/* Copies the log into the database without waiting for any lock, outside a
 * batch (the server calls it from a timer, so commits do not pay for
 * checkpoints, and when durability_restart_due() asks). Once every page is
 * copied the next batch writes the log from its start again. */
void store_checkpoint(store *st);
/* Pages in the log after the last commit (counted with manual_checkpoint). */
int64_t store_wal_pages(const store *st);
/* A passive checkpoint for one thread other than the owner's: copies the log
 * back while the owner goes on committing, without a lock the owner waits
 * for, and syncs the database file, so that the owner's own
 * store_checkpoint() before the log starts over has only the last few pages
 * to sync. BOT_ERR_CONFLICT when another checkpoint was running.
 * *WAL_FRAMES (may be NULL): pages in the log; *UNCOPIED_FRAMES (may be
 * NULL): how many of them the pass left to copy (pages committed while it
 * ran, or held by an older reader). */
bot_err store_checkpoint_aside(store *st, int *wal_frames, int *uncopied_frames);

/* ---- conversations and messages ----------------------------------------- */

/* Who answers a conversation. */
typedef enum conv_state {
	CONV_BOT,    /* the bot */
	CONV_QUEUED, /* waiting in the agent queue (the bot stays silent) */
	CONV_AGENT,  /* an agent holds it */
	CONV_CLOSED,
} conv_state;

/* "bot", "queued", "agent", "closed" (the protocol's and the schema's
 * words); NULL for a value outside the enum. */
const char *conv_state_name(conv_state s);
/* The reverse; BOT_ERR_INVAL for any other text. */
bot_err conv_state_parse(const char *name, conv_state *out);

typedef struct store_conversation {
	char id[STORE_ID_SIZE];
	int64_t member_id;  /* 0 when unknown */
	int64_t account_id; /* 0 when not chosen */
	char channel[8];    /* "web" | "kakao" */
	conv_state state;
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
/* Saves account_id, state, lang, misses and pending of CONV. A state outside
 * the enum is refused by the database: BOT_ERR_DB. */
bot_err store_conversation_update(store *st, const store_conversation *conv);

typedef struct store_message {
	int64_t seq;
	const char *sender;    /* "customer" | "bot" | "agent" | "system" */
	const char *client_id; /* may be NULL */
	int64_t agent_id;
	const char *text;
	const char *intent; /* may be NULL */
	const char *meta;   /* JSON text or NULL */
	time_t at;          /* when it was stored (set by the store) */
} store_message;

/* Appends MSG to CONV (assigning msg->seq = ++conv->last_seq) inside the open
 * batch. When MSG has a client_id already stored in this conversation,
 * nothing is written, *DUPLICATE is set and msg->seq is the stored one. */
bot_err store_message_append(store *st, store_conversation *conv, store_message *msg,
                             int *duplicate);
/* Calls FN for each message of CONV with seq > AFTER, in order, until FN
 * returns non-zero; the message's strings are borrowed for the call only. */
typedef int (*store_message_fn)(void *ctx, const store_message *msg);
bot_err store_messages_after(store *st, const char *conv_id, int64_t after, store_message_fn fn,
                             void *ctx);
/* The seq of the message of CONV_ID stored with CLIENT_ID (a customer's own
 * id, or an agent's prefixed one): how a retried message is known.
 * BOT_ERR_NOT_FOUND when there is none. */
bot_err store_message_by_client_id(store *st, const char *conv_id, const char *client_id,
                                   int64_t *seq_out);

/* ---- the handoff queue ---------------------------------------------------- */

/* Puts CONV in the agent queue (inside the open batch) and sets its state to
 * CONV_QUEUED. INTENT, SLOTS_JSON and ATTACHMENTS_JSON may be NULL. */
bot_err store_handoff_enqueue(store *st, store_conversation *conv, const char *reason, int priority,
                              const char *intent, const char *slots_json,
                              const char *attachments_json);

/* One waiting conversation, as agents see it in the queue. */
typedef struct store_queue_item {
	char conversation[STORE_ID_SIZE];
	int priority;
	char reason[24];
	char intent[48]; /* "" when none */
	char channel[8];
	time_t enqueued_at;
	int64_t member_id; /* 0 when none */
	char member_name[128];
	char *preview; /* the latest customer message; NULL when none */
} store_queue_item;

/* Owned by its holder: free with store_queue_list_clear(). */
typedef struct store_queue_list {
	store_queue_item *items;
	size_t n;
} store_queue_list;

/* The first LIMIT (0 = all) waiting conversations in queue order (priority,
 * then waiting time) into *OUT. */
bot_err store_queue_waiting(store *st, int limit, store_queue_list *out);
void store_queue_list_clear(store_queue_list *list);
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

/* Claims the waiting handoff of CONV_ID for AGENT_ID (inside the open batch).
 * BOT_ERR_CONFLICT when someone holds it already, BOT_ERR_NOT_FOUND when it
 * is not in the queue. Sets the conversation's state to CONV_AGENT. */
bot_err store_handoff_claim(store *st, const char *conv_id, int64_t agent_id);
/* The agent holding CONV_ID; BOT_ERR_NOT_FOUND when nobody does. */
bot_err store_handoff_owner(store *st, const char *conv_id, int64_t *agent_id);

/* How a claim ends. */
typedef enum store_release {
	STORE_RELEASE_RESOLVED, /* the bot takes over again */
	STORE_RELEASE_REQUEUE,  /* back to the front of the queue */
	STORE_RELEASE_MOVE,     /* straight to another agent */
} store_release;
/* Ends the claim on CONV_ID (TO_AGENT: the agent, with STORE_RELEASE_MOVE).
 * BOT_ERR_NOT_FOUND when nobody holds it. */
bot_err store_handoff_release(store *st, const char *conv_id, store_release how, int64_t to_agent);

/* An ad account as an agent sees it in the handoff packet. */
typedef struct store_account_detail {
	int64_t id;
	char account_no[32];
	char name[128];
	char status[8];      /* "on" | "off" */
	char off_reason[24]; /* "" when none */
	int64_t cash_balance;
	char business_status[16];
} store_account_detail;

typedef struct store_account {
	int64_t id;
	char account_no[32];
	char name[128];
} store_account;

/* An internal note of the agents on a conversation. */
typedef struct store_note {
	const char *agent; /* the author's name */
	const char *text;
	time_t at;
} store_note;

/* One message of the transcript in a handoff packet. */
typedef struct store_line {
	int64_t seq;
	const char *sender; /* "customer" | "bot" | "agent" | "system" */
	const char *text;
	const char *intent;     /* NULL when none */
	const char *agent_name; /* the agent's name for an agent's message, else NULL */
	time_t at;
} store_line;

/* Everything an agent needs to take a conversation over (PROTOCOL.md,
 * "claimed"). Every string in it belongs to it: store_packet_clear(). */
typedef struct store_packet {
	int64_t member_id; /* 0: no member (an unlinked KakaoTalk user) */
	char member_name[128];
	int has_account; /* the conversation has chosen ACCOUNT */
	store_account_detail account;
	store_account *accounts; /* the member's ad accounts */
	size_t n_accounts;
	char channel[8];
	/* Why it was escalated and what the bot attached, from the latest
	 * handoff (has_handoff 0: there is none). */
	int has_handoff;
	const char *reason;
	const char *intent;           /* NULL when none */
	const char *slots_json;       /* a JSON object; NULL when none */
	const char *attachments_json; /* a JSON array; NULL when none */
	int64_t waited_s;             /* from the enqueue until now */
	store_line *transcript;
	size_t n_transcript;
	store_note *notes;
	size_t n_notes;
} store_packet;

/* Fills *OUT for CONV_ID; BOT_ERR_NOT_FOUND for no such conversation. */
bot_err store_handoff_packet(store *st, const char *conv_id, store_packet *out);
void store_packet_clear(store_packet *p);

/* Conversation ids, owned by their holder: free with store_id_list_clear(). */
typedef struct store_id_list {
	char (*ids)[STORE_ID_SIZE];
	size_t n;
} store_id_list;
void store_id_list_clear(store_id_list *list);

/* The conversations AGENT_ID holds, oldest claim first. */
bot_err store_agent_conversations(store *st, int64_t agent_id, store_id_list *out);
/* Adds an internal note (inside the open batch); *AT: when, as stored. */
bot_err store_note_add(store *st, const char *conv_id, int64_t agent_id, const char *text,
                       time_t *at);
/* Records SCORE on the latest resolved, unrated handoff of CONV_ID.
 * BOT_ERR_NOT_FOUND when there is nothing to rate. */
bot_err store_handoff_rate(store *st, const char *conv_id, int score, int64_t *agent_id);
/* Agents holding at least one claimed conversation, up to MAX into IDS; *N
 * the count (at start-up: whoever does not come back within the grace
 * period loses them to the queue). */
bot_err store_agents_holding(store *st, int64_t *ids, size_t max, size_t *n);
/* An agent's conversation cap (agents.max_concurrent). */
bot_err store_agent_cap(store *st, int64_t agent_id, int *cap);
/* Mean seconds from claim to resolve over the last 20 resolved handoffs;
 * 0 when there are none. */
bot_err store_handle_time_avg(store *st, int *seconds);

/* ---- members, accounts and agents ----------------------------------------- */

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
/* Member linked to a KakaoTalk bot user key; BOT_ERR_NOT_FOUND when none. */
bot_err store_kakao_member(store *st, const char *bot_user_key, int64_t *member_id);

/* A member of the demo cast; strings borrowed for the call. */
typedef struct store_cast_member {
	int64_t id;
	const char *name;
	const char *scenario; /* what their story exercises */
} store_cast_member;
/* Calls MEMBER_FN for each member of the demo cast, then AGENT_FN for each
 * agent, in id order, until one returns non-zero; strings are borrowed for
 * the call. BOT_ERR_NOT_FOUND when the database has no demo cast. */
typedef int (*store_cast_fn)(void *ctx, const store_cast_member *m);
typedef int (*store_agent_fn)(void *ctx, int64_t id, const char *name);
bot_err store_demo_cast(store *st, store_cast_fn member_fn, store_agent_fn agent_fn, void *ctx);

/* ---- read-only answer queries ------------------------------------------- */

typedef struct store_query store_query;

/* A value bound to, or read from, an answer query. */
typedef enum store_type { STORE_NULL, STORE_INT, STORE_REAL, STORE_TEXT } store_type;
typedef struct store_value {
	store_type type;
	int64_t i;     /* STORE_INT */
	double r;      /* STORE_REAL */
	const char *s; /* STORE_TEXT: LEN bytes, NUL-terminated */
	size_t len;
} store_value;

/* A named parameter (NAME without the ':'). */
typedef struct store_param {
	const char *name;
	store_value v;
} store_param;

/* Prepares SQL once; it must be one read-only SELECT. Only named parameters
 * (:member, :account, :now, ...) are allowed. Caller owns *OUT. */
bot_err store_query_prepare(store *st, const char *sql, store_query **out, char *err,
                            size_t errlen);
/* One row: NCOLS columns, their NAMES and VALUES borrowed for the call.
 * Returning non-zero stops the run (BOT_OK). */
typedef int (*store_row_fn)(void *ctx, size_t ncols, const char *const *names,
                            const store_value *values);
/* Binds each named parameter from PARAMS (N_PARAMS of them; a name absent
 * from PARAMS binds NULL), runs, and calls FN for at most MAX_ROWS rows
 * (0 = all). Everything is borrowed for the call. */
bot_err store_query_run(store_query *q, const store_param *params, size_t n_params, size_t max_rows,
                        store_row_fn fn, void *ctx);
void store_query_free(store_query *q);

#endif
