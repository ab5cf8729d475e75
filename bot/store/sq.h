/* The SQLite backend of the store, private to its files (sq_*.c):
 *   sq_open.c          open, close, pragmas, the prepared statements, the ops table
 *   sq_migrate.c       the schema, migrations, the demo cast's load
 *   sq_batch.c         group commit, turns, durability (store_sync) and checkpoints
 *   sq_conversation.c  conversations and messages
 *   sq_queue.c         the waiting queue and its order in memory (waitq.h)
 *   sq_handoff.c       claims, releases, notes, ratings, caps, the handoff packet
 *   sq_people.c        members, accounts, agents, KakaoTalk links, the demo cast
 *   sq_query.c         the answers' read-only queries
 * Times are stored as UTC text, "YYYY-MM-DD HH:MM:SS" (clock_format_utc), so
 * that they compare as text. */
#ifndef BOT_SQ_H
#define BOT_SQ_H

#include <sqlite3.h>
#include <sys/types.h>

#include "store_backend.h"

/* Every statement the store keeps prepared. Each domain file defines the
 * SQL of its own in a table indexed by these (sq_*_sql below); sq_open.c
 * prepares them all once. */
enum sq_stmt {
	/* sq_batch.c */
	SQ_BEGIN,
	SQ_COMMIT,
	SQ_ROLLBACK,
	SQ_SAVEPOINT,
	SQ_RELEASE,
	SQ_ROLLBACK_TO,
	/* sq_conversation.c */
	SQ_CONV_INSERT,
	SQ_CONV_GET,
	SQ_CONV_FIND_CHANNEL,
	SQ_CONV_UPDATE,
	SQ_CONV_SET_STATE,
	SQ_MSG_INSERT,
	SQ_MSG_BY_CLIENT,
	/* sq_people.c */
	SQ_MEMBER_ACCOUNTS,
	SQ_MEMBER_CAN_SEE,
	SQ_MEMBER_NAME,
	SQ_AGENT_NAME,
	SQ_AGENT_CAP,
	SQ_KAKAO_MEMBER,
	/* sq_queue.c */
	SQ_HANDOFF_INSERT,
	SQ_QUEUE_WAITING,
	SQ_QUEUE_KEY,
	SQ_QUEUE_KEYS,
	SQ_QUEUE_STATS,
	/* sq_handoff.c */
	SQ_HANDOFF_CLAIM,
	SQ_HANDOFF_OWNER,
	SQ_HANDOFF_RESOLVE,
	SQ_HANDOFF_REQUEUE,
	SQ_HANDOFF_MOVE,
	SQ_AGENT_CONVS,
	SQ_AGENTS_HOLDING,
	SQ_NOTE_INSERT,
	SQ_HANDOFF_RATE,
	SQ_HANDLE_AVG,
	SQ_COUNT
};

extern const char *const sq_batch_sql[SQ_COUNT];
extern const char *const sq_conversation_sql[SQ_COUNT];
extern const char *const sq_people_sql[SQ_COUNT];
extern const char *const sq_queue_sql[SQ_COUNT];
extern const char *const sq_handoff_sql[SQ_COUNT];

typedef struct sq_store {
	store base; /* first: a sq_store is a store */
	/* The one handle. Answer queries run on it too (checked read-only when
	 * prepared): a second, read-only handle would have its page cache
	 * thrown away at every commit of this one. */
	sqlite3 *db;
	sqlite3_stmt *stmt[SQ_COUNT];
	int in_batch;
	int64_t last_commit_us;
	int deferred_sync; /* store_options.deferred_sync */
	int64_t wal_pages; /* pages in the WAL after the last commit (manual checkpoints) */
	sqlite3 *aside;    /* store_checkpoint_aside()'s own connection */
	/* The waiting handoffs in queue order, kept up to date by the
	 * functions that change them (sq_queue.c), so that a place in the queue
	 * is a search and not a count. Reloaded from the table after a
	 * rollback, when it cannot tell what was undone. */
	waitq queue;
	int queue_valid;
	char *path;
	char *wal_path;
	int wal_fd; /* our own descriptor of the WAL, used only by store_sync() */
	int db_fd;  /* the database file, written back and synced by checkpoint_aside */
	dev_t wal_dev;
	ino_t wal_ino;
} sq_store;

static inline sq_store *
sq_of(store *st)
{
	return (sq_store *)st;
}

static inline const sq_store *
sq_of_const(const store *st)
{
	return (const sq_store *)st;
}

/* ---- helpers (sq_open.c) --------------------------------------------------- */

/* Steps S once, then resets it and clears its bindings: SQLite's result. */
int sq_step_reset(sqlite3_stmt *s);
/* Steps S (bound) for one row and has READ take what it needs of it into
 * OUT; resets S and clears its bindings. BOT_ERR_NOT_FOUND when there is no
 * row. */
typedef void (*sq_reader)(sqlite3_stmt *s, void *out);
bot_err sq_one_row(sqlite3_stmt *s, sq_reader read, void *out);
/* The same for column 0 as an integer into *OUT. */
bot_err sq_one_int64(sqlite3_stmt *s, int64_t *out);
/* Steps S (bound) through its rows, calling ROW for each until it fails;
 * resets S and clears its bindings. BOT_ERR_DB when a step failed. */
typedef bot_err (*sq_row_fn)(sqlite3_stmt *s, void *ctx);
bot_err sq_rows(sqlite3_stmt *s, sq_row_fn row, void *ctx);
/* Appends one zeroed element of SIZE bytes to the owned array *V of *N;
 * the element, or NULL (nothing changed) when memory ran out. */
void *sq_append(void **v, size_t *n, size_t size);
/* Column COL as text into BUF (LEN bytes, truncated), "" for NULL. */
void sq_copy_col(sqlite3_stmt *s, int col, char *buf, size_t len);
/* Column COL as an owned copy (free()), NULL for NULL or out of memory. */
char *sq_dup_col(sqlite3_stmt *s, int col);
/* Column COL, stored UTC text, as a time (0 when NULL or malformed). */
time_t sq_col_time(sqlite3_stmt *s, int col);
/* The injectable clock as stored UTC text (BUF: 20 bytes). */
void sq_now(char *buf);
int sq_exec(sqlite3 *db, const char *sql, char *err, size_t errlen);
void sq_set_err(char *err, size_t errlen, const char *fmt, const char *a, const char *b);
/* 1 when table NAME exists, 0 when not, -1 when the database cannot say. */
int sq_table_exists(sqlite3 *db, const char *name);
int64_t sq_now_us(void);

/* ---- sq_migrate.c ---------------------------------------------------------- */

/* Applies the schema to a new database (*CREATED set) and any migrations to
 * an old one, each in its own transaction. */
bot_err sq_migrate(sq_store *s, int *created, char *err, size_t errlen);
/* Loads the demo cast into a database just created. */
bot_err sq_load_demo(sq_store *s, char *err, size_t errlen);
int sq_schema_version(store *st);

/* ---- the operations, by file (store.h says what each does) ----------------- */

/* sq_batch.c */
bot_err sq_check_writable(store *st);
bot_err sq_batch_begin(store *st);
bot_err sq_batch_commit(store *st);
int sq_batch_open(const store *st);
bot_err sq_turn_begin(store *st);
void sq_turn_end(store *st, int keep);
void sq_batch_rollback(store *st);
int64_t sq_last_commit_us(const store *st);
bot_err sq_sync(store *st);
int sq_deferred_sync(const store *st);
void sq_checkpoint(store *st);
int64_t sq_wal_pages(const store *st);
bot_err sq_checkpoint_aside(store *st, int *wal_frames, int *uncopied_frames);

/* sq_conversation.c */
bot_err sq_conversation_create(store *st, int64_t member_id, const char *channel,
                               const char *channel_key, store_conversation *out);
bot_err sq_conversation_get(store *st, const char *id, store_conversation *out);
bot_err sq_conversation_find_channel(store *st, const char *channel, const char *channel_key,
                                     store_conversation *out);
bot_err sq_conversation_update(store *st, const store_conversation *conv);
/* Sets CONV_ID's state alone (claims and releases). */
bot_err sq_conversation_set_state(sq_store *s, const char *conv_id, conv_state state);
bot_err sq_message_append(store *st, store_conversation *conv, store_message *msg, int *duplicate);
bot_err sq_messages_after(store *st, const char *conv_id, int64_t after, store_message_fn fn,
                          void *ctx);
bot_err sq_message_by_client_id(store *st, const char *conv_id, const char *client_id,
                                int64_t *seq_out);

/* sq_queue.c */
bot_err sq_handoff_enqueue(store *st, store_conversation *conv, const char *reason, int priority,
                           const char *intent, const char *slots_json,
                           const char *attachments_json);
bot_err sq_queue_waiting(store *st, int limit, store_queue_list *out);
bot_err sq_queue_position(store *st, const char *conv_id, int *position);
bot_err sq_queue_order(store *st, const waitq **order);
bot_err sq_queue_stats(store *st, int *length, double *oldest_wait_s);
/* The queue's order in memory, for claims and releases: KEY of CONV_ID's
 * waiting handoff (BOT_ERR_NOT_FOUND when it is not waiting), and CONV_ID
 * waiting now (enqueued or sent back). */
bot_err sq_queue_key(sq_store *s, const char *conv_id, waitq_key *key);
void sq_queue_note_waiting(sq_store *s, const char *conv_id);

/* sq_handoff.c */
bot_err sq_handoff_claim(store *st, const char *conv_id, int64_t agent_id);
bot_err sq_handoff_owner(store *st, const char *conv_id, int64_t *agent_id);
bot_err sq_handoff_release(store *st, const char *conv_id, store_release how, int64_t to_agent);
bot_err sq_handoff_packet(store *st, const char *conv_id, store_packet *out);
bot_err sq_agent_conversations(store *st, int64_t agent_id, store_id_list *out);
bot_err sq_note_add(store *st, const char *conv_id, int64_t agent_id, const char *text, time_t *at);
bot_err sq_handoff_rate(store *st, const char *conv_id, int score, int64_t *agent_id);
bot_err sq_agents_holding(store *st, int64_t *ids, size_t max, size_t *n);
bot_err sq_handle_time_avg(store *st, int *seconds);

/* sq_people.c */
bot_err sq_member_accounts(store *st, int64_t member_id, char *name, size_t name_len,
                           store_account *out, size_t max, size_t *n);
bot_err sq_member_can_see(store *st, int64_t member_id, int64_t account_id);
bot_err sq_member_name(store *st, int64_t member_id, char *buf, size_t len);
bot_err sq_agent_name(store *st, int64_t agent_id, char *buf, size_t len);
bot_err sq_agent_cap(store *st, int64_t agent_id, int *cap);
bot_err sq_kakao_member(store *st, const char *bot_user_key, int64_t *member_id);
bot_err sq_demo_cast(store *st, store_cast_fn member_fn, store_agent_fn agent_fn, void *ctx);

/* sq_query.c */
bot_err sq_query_prepare(store *st, const char *sql, store_query **out, char *err, size_t errlen);
bot_err sq_query_run(store_query *q, const store_param *params, size_t n_params, size_t max_rows,
                     store_row_fn fn, void *ctx);
void sq_query_free(store_query *q);

#endif
