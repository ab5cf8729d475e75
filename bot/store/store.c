/* The store's public calls: each goes to the backend that opened the handle
 * (store_backend.h), picked by name when the store opens. */
#include "store_backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const store_backend *const backends[] = {&store_sqlite};

bot_err
store_open(const store_options *opt, store **out, char *err, size_t errlen)
{
	*out = NULL;
	const char *want = opt->backend ? opt->backend : "sqlite";
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (!strcmp(backends[i]->name, want))
			return backends[i]->open(opt, out, err, errlen);
	if (err && errlen)
		snprintf(err, errlen, "unknown store backend \"%.32s\"", want);
	return BOT_ERR_INVAL;
}

/* ---- forwarding ----------------------------------------------------------- */

void
store_close(store *st)
{
	if (st)
		st->ops->close(st);
}

int
store_schema_version(store *st)
{
	return st->ops->schema_version(st);
}

bot_err
store_check_writable(store *st)
{
	return st->ops->check_writable(st);
}

bot_err
store_batch_begin(store *st)
{
	return st->ops->batch_begin(st);
}

bot_err
store_batch_commit(store *st)
{
	return st->ops->batch_commit(st);
}

int
store_batch_open(const store *st)
{
	return st->ops->batch_open(st);
}

bot_err
store_turn_begin(store *st)
{
	return st->ops->turn_begin(st);
}

void
store_turn_end(store *st, int keep)
{
	st->ops->turn_end(st, keep);
}

void
store_batch_rollback(store *st)
{
	st->ops->batch_rollback(st);
}

int64_t
store_last_commit_us(const store *st)
{
	return st->ops->last_commit_us(st);
}

bot_err
store_sync(store *st)
{
	return st->ops->sync(st);
}

int
store_deferred_sync(const store *st)
{
	return st->ops->deferred_sync(st);
}

void
store_checkpoint(store *st)
{
	st->ops->checkpoint(st);
}

int64_t
store_wal_pages(const store *st)
{
	return st->ops->wal_pages(st);
}

bot_err
store_checkpoint_aside(store *st, int *wal_frames, int *uncopied_frames)
{
	return st->ops->checkpoint_aside(st, wal_frames, uncopied_frames);
}

bot_err
store_conversation_create(store *st, int64_t member_id, const char *channel,
                          const char *channel_key, store_conversation *out)
{
	return st->ops->conversation_create(st, member_id, channel, channel_key, out);
}

bot_err
store_conversation_get(store *st, const char *id, store_conversation *out)
{
	return st->ops->conversation_get(st, id, out);
}

bot_err
store_conversation_find_channel(store *st, const char *channel, const char *channel_key,
                                store_conversation *out)
{
	return st->ops->conversation_find_channel(st, channel, channel_key, out);
}

bot_err
store_conversation_update(store *st, const store_conversation *conv)
{
	return st->ops->conversation_update(st, conv);
}

bot_err
store_message_append(store *st, store_conversation *conv, store_message *msg, int *duplicate)
{
	return st->ops->message_append(st, conv, msg, duplicate);
}

bot_err
store_messages_after(store *st, const char *conv_id, int64_t after, store_message_fn fn, void *ctx)
{
	return st->ops->messages_after(st, conv_id, after, fn, ctx);
}

bot_err
store_message_by_client_id(store *st, const char *conv_id, const char *client_id, int64_t *seq_out)
{
	return st->ops->message_by_client_id(st, conv_id, client_id, seq_out);
}

bot_err
store_handoff_enqueue(store *st, store_conversation *conv, const char *reason, int priority,
                      const char *intent, const char *slots_json, const char *attachments_json)
{
	return st->ops->handoff_enqueue(st, conv, reason, priority, intent, slots_json,
	                                attachments_json);
}

bot_err
store_queue_waiting(store *st, int limit, store_queue_list *out)
{
	return st->ops->queue_waiting(st, limit, out);
}

bot_err
store_queue_position(store *st, const char *conv_id, int *position)
{
	return st->ops->queue_position(st, conv_id, position);
}

bot_err
store_queue_order(store *st, const waitq **order)
{
	return st->ops->queue_order(st, order);
}

bot_err
store_queue_stats(store *st, int *length, double *oldest_wait_s)
{
	return st->ops->queue_stats(st, length, oldest_wait_s);
}

bot_err
store_handoff_claim(store *st, const char *conv_id, int64_t agent_id)
{
	return st->ops->handoff_claim(st, conv_id, agent_id);
}

bot_err
store_handoff_owner(store *st, const char *conv_id, int64_t *agent_id)
{
	return st->ops->handoff_owner(st, conv_id, agent_id);
}

bot_err
store_handoff_release(store *st, const char *conv_id, store_release how, int64_t to_agent)
{
	return st->ops->handoff_release(st, conv_id, how, to_agent);
}

bot_err
store_handoff_packet(store *st, const char *conv_id, store_packet *out)
{
	return st->ops->handoff_packet(st, conv_id, out);
}

bot_err
store_agent_conversations(store *st, int64_t agent_id, store_id_list *out)
{
	return st->ops->agent_conversations(st, agent_id, out);
}

bot_err
store_note_add(store *st, const char *conv_id, int64_t agent_id, const char *text, time_t *at)
{
	return st->ops->note_add(st, conv_id, agent_id, text, at);
}

bot_err
store_handoff_rate(store *st, const char *conv_id, int score, int64_t *agent_id)
{
	return st->ops->handoff_rate(st, conv_id, score, agent_id);
}

bot_err
store_agents_holding(store *st, int64_t *ids, size_t max, size_t *n)
{
	return st->ops->agents_holding(st, ids, max, n);
}

bot_err
store_agent_cap(store *st, int64_t agent_id, int *cap)
{
	return st->ops->agent_cap(st, agent_id, cap);
}

bot_err
store_handle_time_avg(store *st, int *seconds)
{
	return st->ops->handle_time_avg(st, seconds);
}

bot_err
store_member_accounts(store *st, int64_t member_id, char *name, size_t name_len, store_account *out,
                      size_t max, size_t *n)
{
	return st->ops->member_accounts(st, member_id, name, name_len, out, max, n);
}

bot_err
store_member_can_see(store *st, int64_t member_id, int64_t account_id)
{
	return st->ops->member_can_see(st, member_id, account_id);
}

bot_err
store_member_name(store *st, int64_t member_id, char *buf, size_t len)
{
	return st->ops->member_name(st, member_id, buf, len);
}

bot_err
store_agent_name(store *st, int64_t agent_id, char *buf, size_t len)
{
	return st->ops->agent_name(st, agent_id, buf, len);
}

bot_err
store_kakao_member(store *st, const char *bot_user_key, int64_t *member_id)
{
	return st->ops->kakao_member(st, bot_user_key, member_id);
}

bot_err
store_demo_cast(store *st, store_cast_fn member_fn, store_agent_fn agent_fn, void *ctx)
{
	return st->ops->demo_cast(st, member_fn, agent_fn, ctx);
}

bot_err
store_query_prepare(store *st, const char *sql, store_query **out, char *err, size_t errlen)
{
	return st->ops->query_prepare(st, sql, out, err, errlen);
}

bot_err
store_query_run(store_query *q, const store_param *params, size_t n_params, size_t max_rows,
                store_row_fn fn, void *ctx)
{
	return q->st->ops->query_run(q, params, n_params, max_rows, fn, ctx);
}

void
store_query_free(store_query *q)
{
	if (q)
		q->st->ops->query_free(q);
}
