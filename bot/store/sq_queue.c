/* The SQLite backend: the waiting queue. The table is the truth; the order
 * is also kept in memory (waitq.h) by the functions that change it, so that
 * a place in the queue is a binary search. */
#include "sq.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"

const char *const sq_queue_sql[SQ_COUNT] = {
    [SQ_HANDOFF_INSERT] = "INSERT INTO handoffs (conversation_id, reason, priority, intent, "
                          "slots, attachments, state, enqueued_at) VALUES (?1, ?2, ?3, ?4, ?5, "
                          "?6, 'waiting', ?7)",
    [SQ_QUEUE_WAITING] =
        "SELECT h.conversation_id, h.priority, h.reason, h.intent, c.channel, "
        "h.enqueued_at, c.member_id, m.name, (SELECT text FROM messages x WHERE "
        "x.conversation_id = h.conversation_id AND x.sender = 'customer' ORDER BY seq DESC "
        "LIMIT 1) FROM handoffs h JOIN conversations c ON c.id = h.conversation_id LEFT "
        "JOIN members m ON m.id = c.member_id WHERE h.state = 'waiting' "
        "ORDER BY h.priority DESC, h.enqueued_at, h.id LIMIT ?1",
    [SQ_QUEUE_STATS] = "SELECT COUNT(*), strftime('%s', ?1) - strftime('%s', MIN(enqueued_at)) "
                       "FROM handoffs WHERE state = 'waiting'",
    /* The queue's order (waitq.h): enqueued_at in seconds for waitq, the
     * text (one format, so the same order) for the index handoffs_queue. */
    [SQ_QUEUE_KEY] = "SELECT priority, CAST(strftime('%s', enqueued_at) AS INTEGER), id FROM "
                     "handoffs WHERE conversation_id = ?1 AND state = 'waiting'",
    [SQ_QUEUE_KEYS] = "SELECT priority, CAST(strftime('%s', enqueued_at) AS INTEGER), id, "
                      "conversation_id FROM handoffs WHERE state = 'waiting' ORDER BY "
                      "priority DESC, enqueued_at, id",
};

static void
read_key(sqlite3_stmt *s, void *out)
{
	*(waitq_key *)out = (waitq_key){sqlite3_column_int(s, 0), sqlite3_column_int64(s, 1),
	                                sqlite3_column_int64(s, 2)};
}

bot_err
sq_queue_key(sq_store *st, const char *conv_id, waitq_key *key)
{
	sqlite3_stmt *s = st->stmt[SQ_QUEUE_KEY];
	sqlite3_bind_text(s, 1, conv_id, -1, SQLITE_STATIC);
	return sq_one_row(s, read_key, key);
}

/* Reads the waiting handoffs into st->queue unless it is up to date. */
static bot_err
queue_load(sq_store *st)
{
	if (st->queue_valid)
		return BOT_OK;
	waitq_clear(&st->queue);
	sqlite3_stmt *s = st->stmt[SQ_QUEUE_KEYS];
	bot_err err = BOT_OK;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		waitq_key k = {sqlite3_column_int(s, 0), sqlite3_column_int64(s, 1),
		               sqlite3_column_int64(s, 2)};
		const char *conv = (const char *)sqlite3_column_text(s, 3);
		if ((err = waitq_add(&st->queue, &k, conv ? conv : "")) != BOT_OK)
			break;
	}
	sqlite3_reset(s);
	if (err == BOT_OK && rc != SQLITE_DONE)
		err = BOT_ERR_DB;
	st->queue_valid = err == BOT_OK;
	return err;
}

void
sq_queue_note_waiting(sq_store *st, const char *conv_id)
{
	waitq_key k;
	if (st->queue_valid && (sq_queue_key(st, conv_id, &k) != BOT_OK ||
	                        waitq_add(&st->queue, &k, conv_id) != BOT_OK))
		st->queue_valid = 0;
}

bot_err
sq_handoff_enqueue(store *base, store_conversation *conv, const char *reason, int priority,
                   const char *intent, const char *slots_json, const char *attachments_json)
{
	sq_store *st = sq_of(base);
	char now[20];
	sq_now(now);
	sqlite3_stmt *s = st->stmt[SQ_HANDOFF_INSERT];
	sqlite3_bind_text(s, 1, conv->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, priority);
	if (intent)
		sqlite3_bind_text(s, 4, intent, -1, SQLITE_STATIC);
	if (slots_json)
		sqlite3_bind_text(s, 5, slots_json, -1, SQLITE_STATIC);
	if (attachments_json)
		sqlite3_bind_text(s, 6, attachments_json, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, now, -1, SQLITE_STATIC);
	if (sq_step_reset(s) != SQLITE_DONE) {
		log_error("store: handoff insert failed: %s", sqlite3_errmsg(st->db));
		return BOT_ERR_DB;
	}
	sq_queue_note_waiting(st, conv->id);
	conv->state = CONV_QUEUED;
	return sq_conversation_update(base, conv);
}

static bot_err
queue_item_row(sqlite3_stmt *s, void *ctx)
{
	store_queue_list *out = ctx;
	store_queue_item *it = sq_append((void **)&out->items, &out->n, sizeof(*it));
	if (!it)
		return BOT_ERR_NOMEM;
	sq_copy_col(s, 0, it->conversation, sizeof(it->conversation));
	it->priority = sqlite3_column_int(s, 1);
	sq_copy_col(s, 2, it->reason, sizeof(it->reason));
	sq_copy_col(s, 3, it->intent, sizeof(it->intent));
	sq_copy_col(s, 4, it->channel, sizeof(it->channel));
	it->enqueued_at = sq_col_time(s, 5);
	it->member_id = sqlite3_column_int64(s, 6);
	sq_copy_col(s, 7, it->member_name, sizeof(it->member_name));
	it->preview = sq_dup_col(s, 8);
	return it->preview || sqlite3_column_type(s, 8) == SQLITE_NULL ? BOT_OK : BOT_ERR_NOMEM;
}

bot_err
sq_queue_waiting(store *base, int limit, store_queue_list *out)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *s = sq_of(base)->stmt[SQ_QUEUE_WAITING];
	sqlite3_bind_int(s, 1, limit > 0 ? limit : -1);
	bot_err err = sq_rows(s, queue_item_row, out);
	if (err != BOT_OK)
		store_queue_list_clear(out);
	return err;
}

bot_err
sq_queue_position(store *base, const char *conv_id, int *position)
{
	sq_store *st = sq_of(base);
	*position = 0;
	waitq_key k;
	bot_err rc = sq_queue_key(st, conv_id, &k);
	if (rc != BOT_OK)
		return rc;
	/* Should the order ever be out of step with the table, read it again
	 * once rather than give a wrong place. */
	for (int attempt = 0; attempt < 2; attempt++) {
		if ((rc = queue_load(st)) != BOT_OK)
			return rc;
		size_t at = waitq_position(&st->queue, &k);
		if (at) {
			*position = (int)at;
			return BOT_OK;
		}
		st->queue_valid = 0;
	}
	log_error("store: handoff %lld waits but has no place in the queue", (long long)k.id);
	return BOT_ERR_DB;
}

bot_err
sq_queue_order(store *base, const waitq **order)
{
	sq_store *st = sq_of(base);
	bot_err rc = queue_load(st);
	*order = rc == BOT_OK ? &st->queue : NULL;
	return rc;
}

bot_err
sq_queue_stats(store *base, int *length, double *oldest_wait_s)
{
	char now[20];
	sq_now(now);
	sqlite3_stmt *s = sq_of(base)->stmt[SQ_QUEUE_STATS];
	sqlite3_bind_text(s, 1, now, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	*length = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
	*oldest_wait_s = rc == SQLITE_ROW ? sqlite3_column_double(s, 1) : 0;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_ROW ? BOT_OK : BOT_ERR_DB;
}
