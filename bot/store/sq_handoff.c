/* The SQLite backend: what agents do with the queue (claims, releases,
 * notes, ratings), their caps and load, and the handoff packet. */
#include "sq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

const char *const sq_handoff_sql[SQ_COUNT] = {
    [SQ_HANDOFF_CLAIM] = "UPDATE handoffs SET state = 'claimed', agent_id = ?2, claimed_at = ?3 "
                         "WHERE conversation_id = ?1 AND state = 'waiting'",
    [SQ_HANDOFF_OWNER] = "SELECT agent_id FROM handoffs WHERE conversation_id = ?1 AND "
                         "state = 'claimed'",
    [SQ_HANDOFF_RESOLVE] = "UPDATE handoffs SET state = 'resolved', resolved_at = ?2 WHERE "
                           "conversation_id = ?1 AND state = 'claimed'",
    /* Back to the queue ahead of everyone who was waiting: priority 10. */
    [SQ_HANDOFF_REQUEUE] = "UPDATE handoffs SET state = 'waiting', agent_id = NULL, "
                           "claimed_at = NULL, priority = 10 WHERE conversation_id = ?1 AND "
                           "state = 'claimed'",
    [SQ_HANDOFF_MOVE] = "UPDATE handoffs SET agent_id = ?2, claimed_at = ?3 WHERE "
                        "conversation_id = ?1 AND state = 'claimed'",
    [SQ_AGENT_CONVS] = "SELECT conversation_id FROM handoffs WHERE agent_id = ?1 AND "
                       "state = 'claimed' ORDER BY claimed_at",
    [SQ_AGENTS_HOLDING] = "SELECT DISTINCT agent_id FROM handoffs WHERE state = 'claimed' AND "
                          "agent_id IS NOT NULL",
    [SQ_NOTE_INSERT] = "INSERT INTO notes (conversation_id, agent_id, text, created_at) VALUES "
                       "(?1, ?2, ?3, ?4)",
    [SQ_HANDOFF_RATE] = "UPDATE handoffs SET rating = ?2 WHERE id = (SELECT id FROM handoffs "
                        "WHERE conversation_id = ?1 AND state = 'resolved' AND rating IS NULL "
                        "ORDER BY resolved_at DESC, id DESC LIMIT 1) RETURNING agent_id",
    [SQ_HANDLE_AVG] = "SELECT AVG(strftime('%s', resolved_at) - strftime('%s', claimed_at)) "
                      "FROM (SELECT resolved_at, claimed_at FROM handoffs WHERE state = "
                      "'resolved' AND claimed_at IS NOT NULL ORDER BY resolved_at DESC LIMIT 20)",
};

bot_err
sq_handoff_owner(store *base, const char *conv_id, int64_t *agent_id)
{
	sqlite3_stmt *s = sq_of(base)->stmt[SQ_HANDOFF_OWNER];
	sqlite3_bind_text(s, 1, conv_id, -1, SQLITE_STATIC);
	return sq_one_int64(s, agent_id);
}

bot_err
sq_handoff_claim(store *base, const char *conv_id, int64_t agent_id)
{
	sq_store *st = sq_of(base);
	char now[20];
	sq_now(now);
	waitq_key k;
	int placed = st->queue_valid && sq_queue_key(st, conv_id, &k) == BOT_OK;
	sqlite3_stmt *s = st->stmt[SQ_HANDOFF_CLAIM];
	sqlite3_bind_text(s, 1, conv_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, agent_id);
	sqlite3_bind_text(s, 3, now, -1, SQLITE_STATIC);
	if (sq_step_reset(s) != SQLITE_DONE)
		return BOT_ERR_DB;
	if (sqlite3_changes(st->db) == 0) {
		int64_t owner;
		return sq_handoff_owner(base, conv_id, &owner) == BOT_OK ? BOT_ERR_CONFLICT
		                                                         : BOT_ERR_NOT_FOUND;
	}
	if (!placed || !waitq_remove(&st->queue, &k))
		st->queue_valid = 0;
	return sq_conversation_set_state(st, conv_id, CONV_AGENT);
}

bot_err
sq_handoff_release(store *base, const char *conv_id, store_release how, int64_t to_agent)
{
	sq_store *st = sq_of(base);
	char now[20];
	sq_now(now);
	sqlite3_stmt *s;
	conv_state state;
	switch (how) {
	case STORE_RELEASE_RESOLVED:
		s = st->stmt[SQ_HANDOFF_RESOLVE];
		sqlite3_bind_text(s, 2, now, -1, SQLITE_STATIC);
		state = CONV_BOT;
		break;
	case STORE_RELEASE_REQUEUE:
		s = st->stmt[SQ_HANDOFF_REQUEUE];
		state = CONV_QUEUED;
		break;
	case STORE_RELEASE_MOVE:
		s = st->stmt[SQ_HANDOFF_MOVE];
		sqlite3_bind_int64(s, 2, to_agent);
		sqlite3_bind_text(s, 3, now, -1, SQLITE_STATIC);
		state = CONV_AGENT;
		break;
	default:
		return BOT_ERR_INVAL;
	}
	sqlite3_bind_text(s, 1, conv_id, -1, SQLITE_STATIC);
	if (sq_step_reset(s) != SQLITE_DONE)
		return BOT_ERR_DB;
	if (sqlite3_changes(st->db) == 0)
		return BOT_ERR_NOT_FOUND;
	if (how == STORE_RELEASE_REQUEUE)
		sq_queue_note_waiting(st, conv_id);
	return sq_conversation_set_state(st, conv_id, state);
}

static bot_err
id_row(sqlite3_stmt *s, void *ctx)
{
	store_id_list *out = ctx;
	char(*id)[STORE_ID_SIZE] = sq_append((void **)&out->ids, &out->n, sizeof(*id));
	if (!id)
		return BOT_ERR_NOMEM;
	sq_copy_col(s, 0, *id, STORE_ID_SIZE);
	return BOT_OK;
}

bot_err
sq_agent_conversations(store *base, int64_t agent_id, store_id_list *out)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *s = sq_of(base)->stmt[SQ_AGENT_CONVS];
	sqlite3_bind_int64(s, 1, agent_id);
	bot_err err = sq_rows(s, id_row, out);
	if (err != BOT_OK)
		store_id_list_clear(out);
	return err;
}

bot_err
sq_agents_holding(store *base, int64_t *ids, size_t max, size_t *n)
{
	sqlite3_stmt *s = sq_of(base)->stmt[SQ_AGENTS_HOLDING];
	*n = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n < max)
			ids[*n] = sqlite3_column_int64(s, 0);
		(*n)++;
	}
	sqlite3_reset(s);
	if (*n > max)
		*n = max;
	return rc == SQLITE_DONE ? BOT_OK : BOT_ERR_DB;
}

bot_err
sq_note_add(store *base, const char *conv_id, int64_t agent_id, const char *text, time_t *at)
{
	char now[20];
	time_t t = clock_now();
	clock_format_utc(t, now);
	sqlite3_stmt *s = sq_of(base)->stmt[SQ_NOTE_INSERT];
	sqlite3_bind_text(s, 1, conv_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, agent_id);
	sqlite3_bind_text(s, 3, text, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, now, -1, SQLITE_STATIC);
	if (sq_step_reset(s) != SQLITE_DONE)
		return BOT_ERR_DB;
	if (at)
		*at = t;
	return BOT_OK;
}

bot_err
sq_handoff_rate(store *base, const char *conv_id, int score, int64_t *agent_id)
{
	sqlite3_stmt *s = sq_of(base)->stmt[SQ_HANDOFF_RATE];
	sqlite3_bind_text(s, 1, conv_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, score);
	int64_t ignored;
	return sq_one_int64(s, agent_id ? agent_id : &ignored);
}

bot_err
sq_handle_time_avg(store *base, int *seconds)
{
	sqlite3_stmt *s = sq_of(base)->stmt[SQ_HANDLE_AVG];
	int rc = sqlite3_step(s);
	*seconds = rc == SQLITE_ROW ? (int)sqlite3_column_double(s, 0) : 0;
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? BOT_OK : BOT_ERR_DB;
}

/* ---- the handoff packet --------------------------------------------------- */

/* Built rarely (a claim, an agent's hello), so its statements are not kept. */

/* Prepares SQL with ?1 = CONV_ID (and ?2 = now, when it has one) and calls
 * ROW for each row with the packet P until it fails. */
static bot_err
packet_rows(sq_store *st, const char *sql, const char *conv_id, sq_row_fn row, store_packet *p)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return BOT_ERR_DB;
	char now[20];
	sq_now(now);
	sqlite3_bind_text(s, 1, conv_id, -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(s) >= 2)
		sqlite3_bind_text(s, 2, now, -1, SQLITE_STATIC);
	bot_err err = sq_rows(s, row, p);
	sqlite3_finalize(s);
	return err;
}

/* Strings of the packet: an owned copy of column COL, NULL for NULL. */
static bot_err
dup_col(sqlite3_stmt *s, int col, const char **out)
{
	*out = sq_dup_col(s, col);
	return *out || sqlite3_column_type(s, col) == SQLITE_NULL ? BOT_OK : BOT_ERR_NOMEM;
}

static bot_err
account_row(sqlite3_stmt *s, void *ctx)
{
	store_packet *p = ctx;
	store_account_detail *a = &p->account;
	p->has_account = 1;
	a->id = sqlite3_column_int64(s, 0);
	sq_copy_col(s, 1, a->account_no, sizeof(a->account_no));
	sq_copy_col(s, 2, a->name, sizeof(a->name));
	sq_copy_col(s, 3, a->status, sizeof(a->status));
	sq_copy_col(s, 4, a->off_reason, sizeof(a->off_reason));
	a->cash_balance = sqlite3_column_int64(s, 5);
	sq_copy_col(s, 6, a->business_status, sizeof(a->business_status));
	return BOT_OK;
}

static bot_err
accounts_row(sqlite3_stmt *s, void *ctx)
{
	store_packet *p = ctx;
	store_account *a = sq_append((void **)&p->accounts, &p->n_accounts, sizeof(*a));
	if (!a)
		return BOT_ERR_NOMEM;
	a->id = sqlite3_column_int64(s, 0);
	sq_copy_col(s, 1, a->account_no, sizeof(a->account_no));
	sq_copy_col(s, 2, a->name, sizeof(a->name));
	return BOT_OK;
}

static bot_err
handoff_row(sqlite3_stmt *s, void *ctx)
{
	store_packet *p = ctx;
	if (p->has_handoff)
		return BOT_OK;
	p->has_handoff = 1;
	p->waited_s = sqlite3_column_int64(s, 4);
	bot_err rc = dup_col(s, 0, &p->reason);
	if (rc == BOT_OK)
		rc = dup_col(s, 1, &p->intent);
	if (rc == BOT_OK)
		rc = dup_col(s, 2, &p->slots_json);
	if (rc == BOT_OK)
		rc = dup_col(s, 3, &p->attachments_json);
	return rc;
}

static bot_err
transcript_row(sqlite3_stmt *s, void *ctx)
{
	store_packet *p = ctx;
	store_line *l = sq_append((void **)&p->transcript, &p->n_transcript, sizeof(*l));
	if (!l)
		return BOT_ERR_NOMEM;
	l->seq = sqlite3_column_int64(s, 0);
	l->at = sq_col_time(s, 5);
	bot_err rc = dup_col(s, 1, &l->sender);
	if (rc == BOT_OK)
		rc = dup_col(s, 2, &l->text);
	if (rc == BOT_OK)
		rc = dup_col(s, 3, &l->intent);
	if (rc == BOT_OK)
		rc = dup_col(s, 4, &l->agent_name);
	return rc;
}

static bot_err
note_row(sqlite3_stmt *s, void *ctx)
{
	store_packet *p = ctx;
	store_note *n = sq_append((void **)&p->notes, &p->n_notes, sizeof(*n));
	if (!n)
		return BOT_ERR_NOMEM;
	n->at = sq_col_time(s, 2);
	bot_err rc = dup_col(s, 0, &n->agent);
	if (rc == BOT_OK)
		rc = dup_col(s, 1, &n->text);
	return rc;
}

bot_err
sq_handoff_packet(store *base, const char *conv_id, store_packet *out)
{
	sq_store *st = sq_of(base);
	memset(out, 0, sizeof(*out));
	store_conversation c;
	bot_err rc = sq_conversation_get(base, conv_id, &c);
	if (rc != BOT_OK)
		return rc;
	if (c.member_id &&
	    sq_member_name(base, c.member_id, out->member_name, sizeof(out->member_name)) == BOT_OK)
		out->member_id = c.member_id;
	snprintf(out->channel, sizeof(out->channel), "%s", c.channel);
	rc = packet_rows(st,
	                 "SELECT a.id, a.account_no, a.name, a.status, a.off_reason, "
	                 "a.cash_balance, a.business_status FROM ad_accounts a JOIN "
	                 "conversations c ON c.account_id = a.id WHERE c.id = ?1",
	                 conv_id, account_row, out);
	if (rc == BOT_OK)
		rc = packet_rows(st,
		                 "SELECT a.id, a.account_no, a.name FROM account_members m JOIN "
		                 "ad_accounts a ON a.id = m.account_id JOIN conversations c ON "
		                 "c.member_id = m.member_id WHERE c.id = ?1 AND m.left_at IS NULL "
		                 "ORDER BY a.account_no",
		                 conv_id, accounts_row, out);
	/* The latest handoff row of this conversation carries why it was
	 * escalated and what the bot attached. */
	if (rc == BOT_OK)
		rc =
		    packet_rows(st,
		                "SELECT reason, intent, slots, attachments, strftime('%s', ?2) - "
		                "strftime('%s', enqueued_at) FROM handoffs WHERE conversation_id = "
		                "?1 ORDER BY id DESC LIMIT 1",
		                conv_id, handoff_row, out);
	if (rc == BOT_OK)
		rc = packet_rows(st,
		                 "SELECT m.seq, m.sender, m.text, m.intent, a.name, m.created_at "
		                 "FROM messages m LEFT JOIN agents a ON a.id = m.agent_id WHERE "
		                 "m.conversation_id = ?1 ORDER BY m.seq",
		                 conv_id, transcript_row, out);
	if (rc == BOT_OK)
		rc =
		    packet_rows(st,
		                "SELECT a.name, n.text, n.created_at FROM notes n JOIN agents a ON "
		                "a.id = n.agent_id WHERE n.conversation_id = ?1 ORDER BY n.id",
		                conv_id, note_row, out);
	if (rc != BOT_OK)
		store_packet_clear(out);
	return rc;
}
