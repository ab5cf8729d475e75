/* What a store backend implements (see store.h for what each operation
 * means). A backend's handle starts with a `struct store` that points at its
 * ops, and its prepared answer query with a `struct store_query` that points
 * at its handle; store.c forwards every public call through them. Adding a
 * backend: fill a store_backend, list it in store.c's table, and give it the
 * name store_options.backend selects it by. */
#ifndef BOT_STORE_BACKEND_H
#define BOT_STORE_BACKEND_H

#include "store.h"

typedef struct store_backend store_backend;

struct store {
	const store_backend *ops;
};

struct store_query {
	store *st;
};

struct store_backend {
	const char *name; /* store_options.backend */
	/* On success *OUT is a handle whose first member is a struct store
	 * with ops set to this table. */
	bot_err (*open)(const store_options *opt, store **out, char *err, size_t errlen);
	void (*close)(store *st);
	int (*schema_version)(store *st);
	bot_err (*check_writable)(store *st);
	bot_err (*batch_begin)(store *st);
	bot_err (*batch_commit)(store *st);
	int (*batch_open)(const store *st);
	bot_err (*turn_begin)(store *st);
	void (*turn_end)(store *st, int keep);
	void (*batch_rollback)(store *st);
	int64_t (*last_commit_us)(const store *st);
	bot_err (*sync)(store *st);
	int (*deferred_sync)(const store *st);
	void (*checkpoint)(store *st);
	int64_t (*wal_pages)(const store *st);
	bot_err (*checkpoint_aside)(store *st, int *wal_frames, int *uncopied_frames);
	bot_err (*conversation_create)(store *st, int64_t member_id, const char *channel,
	                               const char *channel_key, store_conversation *out);
	bot_err (*conversation_get)(store *st, const char *id, store_conversation *out);
	bot_err (*conversation_find_channel)(store *st, const char *channel,
	                                     const char *channel_key, store_conversation *out);
	bot_err (*conversation_update)(store *st, const store_conversation *conv);
	bot_err (*message_append)(store *st, store_conversation *conv, store_message *msg,
	                          int *duplicate);
	bot_err (*messages_after)(store *st, const char *conv_id, int64_t after,
	                          store_message_fn fn, void *ctx);
	bot_err (*message_by_client_id)(store *st, const char *conv_id, const char *client_id,
	                                int64_t *seq_out);
	bot_err (*handoff_enqueue)(store *st, store_conversation *conv, const char *reason,
	                           int priority, const char *intent, const char *slots_json,
	                           const char *attachments_json);
	bot_err (*queue_waiting)(store *st, int limit, store_queue_list *out);
	bot_err (*queue_position)(store *st, const char *conv_id, int *position);
	bot_err (*queue_order)(store *st, const waitq **order);
	bot_err (*queue_stats)(store *st, int *length, double *oldest_wait_s);
	bot_err (*handoff_claim)(store *st, const char *conv_id, int64_t agent_id);
	bot_err (*handoff_owner)(store *st, const char *conv_id, int64_t *agent_id);
	bot_err (*handoff_release)(store *st, const char *conv_id, store_release how,
	                           int64_t to_agent);
	bot_err (*handoff_packet)(store *st, const char *conv_id, store_packet *out);
	bot_err (*agent_conversations)(store *st, int64_t agent_id, store_id_list *out);
	bot_err (*note_add)(store *st, const char *conv_id, int64_t agent_id, const char *text,
	                    time_t *at);
	bot_err (*handoff_rate)(store *st, const char *conv_id, int score, int64_t *agent_id);
	bot_err (*agents_holding)(store *st, int64_t *ids, size_t max, size_t *n);
	bot_err (*agent_cap)(store *st, int64_t agent_id, int *cap);
	bot_err (*handle_time_avg)(store *st, int *seconds);
	bot_err (*member_accounts)(store *st, int64_t member_id, char *name, size_t name_len,
	                           store_account *out, size_t max, size_t *n);
	bot_err (*member_can_see)(store *st, int64_t member_id, int64_t account_id);
	bot_err (*member_name)(store *st, int64_t member_id, char *buf, size_t len);
	bot_err (*agent_name)(store *st, int64_t agent_id, char *buf, size_t len);
	bot_err (*kakao_member)(store *st, const char *bot_user_key, int64_t *member_id);
	bot_err (*demo_cast)(store *st, store_cast_fn member_fn, store_agent_fn agent_fn,
	                     void *ctx);
	bot_err (*query_prepare)(store *st, const char *sql, store_query **out, char *err,
	                         size_t errlen);
	bot_err (*query_run)(store_query *q, const store_param *params, size_t n_params,
	                     size_t max_rows, store_row_fn fn, void *ctx);
	void (*query_free)(store_query *q);
};

/* The SQLite backend (sq_open.c). */
extern const store_backend store_sqlite;

#endif
