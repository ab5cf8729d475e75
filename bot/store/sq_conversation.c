/* The SQLite backend: conversations and their messages. */
#include "sq.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "clock.h"
#include "log.h"

#define LAST_SEQ "IFNULL((SELECT MAX(seq) FROM messages WHERE conversation_id = c.id), 0)"

const char *const sq_conversation_sql[SQ_COUNT] = {
    [SQ_CONV_INSERT] = "INSERT INTO conversations (id, member_id, channel, channel_key, state, "
                       "lang, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 'bot', 'ko', ?5, ?5)",
    /* The last seq comes from the messages index (one seek), so that a
     * message does not rewrite its conversation's row. */
    [SQ_CONV_GET] = "SELECT id, member_id, account_id, channel, state, lang, " LAST_SEQ ", misses, "
                    "pending FROM conversations c WHERE id = ?1",
    [SQ_CONV_FIND_CHANNEL] =
        "SELECT id, member_id, account_id, channel, state, lang, " LAST_SEQ ", misses, "
        "pending FROM conversations c WHERE channel = ?1 AND channel_key = ?2 AND state <> "
        "'closed' ORDER BY created_at DESC LIMIT 1",
    [SQ_CONV_UPDATE] = "UPDATE conversations SET account_id = NULLIF(?2, 0), state = ?3, "
                       "lang = ?4, misses = ?5, updated_at = ?6, pending = NULLIF(?7, '') "
                       "WHERE id = ?1",
    [SQ_CONV_SET_STATE] = "UPDATE conversations SET state = ?2, updated_at = ?3 WHERE id = ?1",
    [SQ_MSG_INSERT] = "INSERT INTO messages (conversation_id, seq, sender, client_id, agent_id, "
                      "text, intent, meta, created_at) VALUES (?1, ?2, ?3, ?4, NULLIF(?5, 0), "
                      "?6, ?7, ?8, ?9)",
    [SQ_MSG_BY_CLIENT] = "SELECT seq FROM messages WHERE conversation_id = ?1 AND client_id = ?2",
};

/* Not kept prepared: replay may run it while another walk is under way. */
static const char msg_after_sql[] =
    "SELECT seq, sender, client_id, agent_id, text, intent, meta, created_at "
    "FROM messages WHERE conversation_id = ?1 AND seq > ?2 ORDER BY seq";

/* A row with the columns of SQ_CONV_GET into the store_conversation OUT. A
 * state the schema does not know reads as closed: nobody answers it. */
static void
read_conversation(sqlite3_stmt *s, void *out)
{
	store_conversation *c = out;
	memset(c, 0, sizeof(*c));
	sq_copy_col(s, 0, c->id, sizeof(c->id));
	c->member_id = sqlite3_column_int64(s, 1);
	c->account_id = sqlite3_column_int64(s, 2);
	sq_copy_col(s, 3, c->channel, sizeof(c->channel));
	if (conv_state_parse((const char *)sqlite3_column_text(s, 4), &c->state) != BOT_OK)
		c->state = CONV_CLOSED;
	sq_copy_col(s, 5, c->lang, sizeof(c->lang));
	c->last_seq = sqlite3_column_int64(s, 6);
	c->misses = sqlite3_column_int(s, 7);
	sq_copy_col(s, 8, c->pending, sizeof(c->pending));
}

bot_err
sq_conversation_create(store *st, int64_t member_id, const char *channel, const char *channel_key,
                       store_conversation *out)
{
	sq_store *sq = sq_of(st);
	unsigned char rnd[16];
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return BOT_ERR_IO;
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < 16; i++)
		snprintf(out->id + 2 * i, 3, "%02x", rnd[i]);
	out->member_id = member_id;
	snprintf(out->channel, sizeof(out->channel), "%s", channel);
	out->state = CONV_BOT;
	snprintf(out->lang, sizeof(out->lang), "ko");
	char now[20];
	sq_now(now);
	sqlite3_stmt *s = sq->stmt[SQ_CONV_INSERT];
	sqlite3_bind_text(s, 1, out->id, -1, SQLITE_STATIC);
	if (member_id)
		sqlite3_bind_int64(s, 2, member_id);
	sqlite3_bind_text(s, 3, channel, -1, SQLITE_STATIC);
	if (channel_key)
		sqlite3_bind_text(s, 4, channel_key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, now, -1, SQLITE_STATIC);
	if (sq_step_reset(s) != SQLITE_DONE) {
		log_error("store: conversation insert failed: %s", sqlite3_errmsg(sq->db));
		return BOT_ERR_DB;
	}
	return BOT_OK;
}

bot_err
sq_conversation_get(store *st, const char *id, store_conversation *out)
{
	sqlite3_stmt *s = sq_of(st)->stmt[SQ_CONV_GET];
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	return sq_one_row(s, read_conversation, out);
}

bot_err
sq_conversation_find_channel(store *st, const char *channel, const char *channel_key,
                             store_conversation *out)
{
	sqlite3_stmt *s = sq_of(st)->stmt[SQ_CONV_FIND_CHANNEL];
	sqlite3_bind_text(s, 1, channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, channel_key, -1, SQLITE_STATIC);
	return sq_one_row(s, read_conversation, out);
}

/* A state outside the enum binds NULL, which the schema refuses. */
bot_err
sq_conversation_update(store *st, const store_conversation *conv)
{
	char now[20];
	sq_now(now);
	sqlite3_stmt *s = sq_of(st)->stmt[SQ_CONV_UPDATE];
	sqlite3_bind_text(s, 1, conv->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, conv->account_id);
	sqlite3_bind_text(s, 3, conv_state_name(conv->state), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, conv->lang, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 5, conv->misses);
	sqlite3_bind_text(s, 6, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, conv->pending, -1, SQLITE_STATIC);
	return sq_step_reset(s) == SQLITE_DONE ? BOT_OK : BOT_ERR_DB;
}

bot_err
sq_conversation_set_state(sq_store *sq, const char *conv_id, conv_state state)
{
	char now[20];
	sq_now(now);
	sqlite3_stmt *s = sq->stmt[SQ_CONV_SET_STATE];
	sqlite3_bind_text(s, 1, conv_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, conv_state_name(state), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, now, -1, SQLITE_STATIC);
	return sq_step_reset(s) == SQLITE_DONE ? BOT_OK : BOT_ERR_DB;
}

bot_err
sq_message_by_client_id(store *st, const char *conv_id, const char *client_id, int64_t *seq_out)
{
	sqlite3_stmt *s = sq_of(st)->stmt[SQ_MSG_BY_CLIENT];
	sqlite3_bind_text(s, 1, conv_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, client_id, -1, SQLITE_STATIC);
	return sq_one_int64(s, seq_out);
}

bot_err
sq_message_append(store *st, store_conversation *conv, store_message *msg, int *duplicate)
{
	sq_store *sq = sq_of(st);
	*duplicate = 0;
	if (msg->client_id) {
		int64_t seq;
		bot_err e = sq_message_by_client_id(st, conv->id, msg->client_id, &seq);
		if (e == BOT_OK) {
			*duplicate = 1;
			msg->seq = seq;
			return BOT_OK;
		}
		if (e != BOT_ERR_NOT_FOUND)
			return e;
	}
	char now[20];
	time_t at = clock_now();
	clock_format_utc(at, now);
	int64_t seq = conv->last_seq + 1;
	sqlite3_stmt *s = sq->stmt[SQ_MSG_INSERT];
	sqlite3_bind_text(s, 1, conv->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, seq);
	sqlite3_bind_text(s, 3, msg->sender, -1, SQLITE_STATIC);
	if (msg->client_id)
		sqlite3_bind_text(s, 4, msg->client_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, msg->agent_id);
	sqlite3_bind_text(s, 6, msg->text, -1, SQLITE_STATIC);
	if (msg->intent)
		sqlite3_bind_text(s, 7, msg->intent, -1, SQLITE_STATIC);
	if (msg->meta)
		sqlite3_bind_text(s, 8, msg->meta, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, now, -1, SQLITE_STATIC);
	if (sq_step_reset(s) != SQLITE_DONE) {
		log_error("store: message insert failed: %s", sqlite3_errmsg(sq->db));
		return BOT_ERR_DB;
	}
	conv->last_seq = seq;
	msg->seq = seq;
	msg->at = at;
	return BOT_OK;
}

bot_err
sq_messages_after(store *st, const char *conv_id, int64_t after, store_message_fn fn, void *ctx)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(sq_of(st)->db, msg_after_sql, -1, &s, NULL) != SQLITE_OK)
		return BOT_ERR_DB;
	sqlite3_bind_text(s, 1, conv_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, after);
	int rc;
	bot_err e = BOT_OK;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		store_message m = {
		    .seq = sqlite3_column_int64(s, 0),
		    .sender = (const char *)sqlite3_column_text(s, 1),
		    .client_id = (const char *)sqlite3_column_text(s, 2),
		    .agent_id = sqlite3_column_int64(s, 3),
		    .text = (const char *)sqlite3_column_text(s, 4),
		    .intent = (const char *)sqlite3_column_text(s, 5),
		    .meta = (const char *)sqlite3_column_text(s, 6),
		    .at = sq_col_time(s, 7),
		};
		if (fn(ctx, &m))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		e = BOT_ERR_DB;
	sqlite3_finalize(s);
	return e;
}
