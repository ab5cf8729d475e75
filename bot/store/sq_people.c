/* The SQLite backend: members and their ad accounts, agents, KakaoTalk
 * links and the demo cast. */
#include "sq.h"

#include <string.h>

const char *const sq_people_sql[SQ_COUNT] = {
    /* The member's name comes with the accounts (one statement per answer):
     * one row per active membership, or one row with NULL account columns
     * for an active member without any; none for a departed or unknown one. */
    [SQ_MEMBER_ACCOUNTS] = "SELECT p.name, a.id, a.account_no, a.name FROM members p "
                           "LEFT JOIN account_members m ON m.member_id = p.id AND "
                           "m.left_at IS NULL LEFT JOIN ad_accounts a ON a.id = m.account_id "
                           "WHERE p.id = ?1 AND p.status = 'active' ORDER BY a.account_no",
    [SQ_MEMBER_CAN_SEE] = "SELECT 1 FROM account_members m JOIN members p ON p.id = m.member_id "
                          "WHERE m.member_id = ?1 AND m.account_id = ?2 AND m.left_at IS NULL "
                          "AND p.status = 'active'",
    [SQ_MEMBER_NAME] = "SELECT name FROM members WHERE id = ?1 AND status = 'active'",
    [SQ_AGENT_NAME] = "SELECT name FROM agents WHERE id = ?1",
    [SQ_AGENT_CAP] = "SELECT max_concurrent FROM agents WHERE id = ?1",
    [SQ_KAKAO_MEMBER] = "SELECT k.member_id FROM kakao_links k JOIN members p ON "
                        "p.id = k.member_id WHERE k.bot_user_key = ?1 AND p.status = 'active'",
};

bot_err
sq_member_accounts(store *st, int64_t member_id, char *name, size_t name_len, store_account *out,
                   size_t max, size_t *n)
{
	sqlite3_stmt *s = sq_of(st)->stmt[SQ_MEMBER_ACCOUNTS];
	sqlite3_bind_int64(s, 1, member_id);
	*n = 0;
	if (name && name_len)
		name[0] = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (name && name_len)
			sq_copy_col(s, 0, name, name_len);
		if (sqlite3_column_type(s, 1) == SQLITE_NULL)
			continue; /* an active member without accounts */
		if (*n < max) {
			out[*n].id = sqlite3_column_int64(s, 1);
			sq_copy_col(s, 2, out[*n].account_no, sizeof(out[*n].account_no));
			sq_copy_col(s, 3, out[*n].name, sizeof(out[*n].name));
		}
		(*n)++;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (*n > max)
		*n = max;
	return rc == SQLITE_DONE ? BOT_OK : BOT_ERR_DB;
}

bot_err
sq_member_can_see(store *st, int64_t member_id, int64_t account_id)
{
	sqlite3_stmt *s = sq_of(st)->stmt[SQ_MEMBER_CAN_SEE];
	sqlite3_bind_int64(s, 1, member_id);
	sqlite3_bind_int64(s, 2, account_id);
	int rc = sq_step_reset(s);
	if (rc == SQLITE_ROW)
		return BOT_OK;
	return rc == SQLITE_DONE ? BOT_ERR_FORBIDDEN : BOT_ERR_DB;
}

/* A name: column 0 into a buffer. */
typedef struct text_out {
	char *buf;
	size_t len;
} text_out;

static void
read_text(sqlite3_stmt *s, void *out)
{
	text_out *t = out;
	sq_copy_col(s, 0, t->buf, t->len);
}

static bot_err
lookup_text(sqlite3_stmt *s, int64_t id, char *buf, size_t len)
{
	text_out t = {buf, len};
	sqlite3_bind_int64(s, 1, id);
	return sq_one_row(s, read_text, &t);
}

bot_err
sq_member_name(store *st, int64_t member_id, char *buf, size_t len)
{
	return lookup_text(sq_of(st)->stmt[SQ_MEMBER_NAME], member_id, buf, len);
}

bot_err
sq_agent_name(store *st, int64_t agent_id, char *buf, size_t len)
{
	return lookup_text(sq_of(st)->stmt[SQ_AGENT_NAME], agent_id, buf, len);
}

bot_err
sq_agent_cap(store *st, int64_t agent_id, int *cap)
{
	sqlite3_stmt *s = sq_of(st)->stmt[SQ_AGENT_CAP];
	sqlite3_bind_int64(s, 1, agent_id);
	int64_t v = 0;
	bot_err rc = sq_one_int64(s, &v);
	if (rc == BOT_OK)
		*cap = (int)v;
	return rc;
}

bot_err
sq_kakao_member(store *st, const char *bot_user_key, int64_t *member_id)
{
	sqlite3_stmt *s = sq_of(st)->stmt[SQ_KAKAO_MEMBER];
	sqlite3_bind_text(s, 1, bot_user_key, -1, SQLITE_STATIC);
	return sq_one_int64(s, member_id);
}

/* Runs SQL (no parameters) and calls FN with each row; 1 when FN stopped. */
typedef int (*row_fn)(sqlite3_stmt *s, void *arg);

static bot_err
each_row(sqlite3 *db, const char *sql, row_fn fn, void *arg, int *stopped)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return BOT_ERR_DB;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && !*stopped)
		*stopped = fn(s, arg);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? BOT_OK : BOT_ERR_DB;
}

typedef struct cast_walk {
	store_cast_fn member_fn;
	store_agent_fn agent_fn;
	void *ctx;
} cast_walk;

static int
cast_member_row(sqlite3_stmt *s, void *arg)
{
	const cast_walk *w = arg;
	store_cast_member m = {sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1),
	                       (const char *)sqlite3_column_text(s, 2)};
	return w->member_fn(w->ctx, &m);
}

static int
cast_agent_row(sqlite3_stmt *s, void *arg)
{
	const cast_walk *w = arg;
	return w->agent_fn(w->ctx, sqlite3_column_int64(s, 0),
	                   (const char *)sqlite3_column_text(s, 1));
}

bot_err
sq_demo_cast(store *st, store_cast_fn member_fn, store_agent_fn agent_fn, void *ctx)
{
	sqlite3 *db = sq_of(st)->db;
	if (sq_table_exists(db, "demo_cast") != 1)
		return BOT_ERR_NOT_FOUND;
	cast_walk w = {member_fn, agent_fn, ctx};
	int stopped = 0;
	bot_err rc = each_row(db,
	                      "SELECT m.id, m.name, d.scenario FROM demo_cast d JOIN members m ON "
	                      "m.id = d.member_id ORDER BY m.id",
	                      cast_member_row, &w, &stopped);
	if (rc == BOT_OK && !stopped)
		rc = each_row(db, "SELECT id, name FROM agents ORDER BY id", cast_agent_row, &w,
		              &stopped);
	return rc;
}
