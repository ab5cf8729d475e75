/* Bulk loader for generated data: see bulkload.h for why this file, besides
 * store.c, includes sqlite3.h. */
#include "bulkload.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bulkload {
	sqlite3 *db;
	sqlite3_stmt *stmt[BULKLOAD_MAX_STMTS];
	int n_stmt;
};

static void
set_err(char *err, size_t errlen, const char *what, sqlite3 *db)
{
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
}

bot_err
bulkload_exec(bulkload *bl, const char *sql, char *err, size_t errlen)
{
	if (sqlite3_exec(bl->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		set_err(err, errlen, sql, bl->db);
		return BOT_ERR_DB;
	}
	return BOT_OK;
}

/* Caller owns *OUT. The pragmas trade durability for speed: a crash during
 * generation leaves a half-written file, which is fine for a file that is
 * regenerated from a seed; bulkload_close() makes the result durable. */
bot_err
bulkload_open(const char *path, bulkload **out, char *err, size_t errlen)
{
	*out = NULL;
	bulkload *bl = calloc(1, sizeof(*bl));
	if (!bl)
		return BOT_ERR_NOMEM;
	if (sqlite3_open_v2(path, &bl->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		set_err(err, errlen, path, bl->db);
		sqlite3_close_v2(bl->db);
		free(bl);
		return BOT_ERR_DB;
	}
	if (bulkload_exec(bl,
			  "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
			  "PRAGMA foreign_keys = OFF; PRAGMA cache_size = -262144; "
			  "PRAGMA temp_store = MEMORY; PRAGMA locking_mode = EXCLUSIVE;",
			  err, errlen) != BOT_OK) {
		sqlite3_close_v2(bl->db);
		free(bl);
		return BOT_ERR_DB;
	}
	*out = bl;
	return BOT_OK;
}

bot_err
bulkload_prepare(bulkload *bl, const char *sql, int *id, char *err, size_t errlen)
{
	if (bl->n_stmt >= BULKLOAD_MAX_STMTS) {
		snprintf(err, errlen, "bulkload: too many statements");
		return BOT_ERR_LIMIT;
	}
	if (sqlite3_prepare_v3(bl->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &bl->stmt[bl->n_stmt],
			       NULL) != SQLITE_OK) {
		set_err(err, errlen, sql, bl->db);
		return BOT_ERR_DB;
	}
	*id = bl->n_stmt++;
	return BOT_OK;
}

bot_err
bulkload_row(bulkload *bl, int id, const char *types, ...)
{
	sqlite3_stmt *s = bl->stmt[id];
	va_list ap;
	va_start(ap, types);
	for (int i = 0; types[i]; i++) {
		const char *t;
		switch (types[i]) {
		case 'i':
			sqlite3_bind_int64(s, i + 1, va_arg(ap, int64_t));
			break;
		case 'z': {
			/* An optional reference: 0 means none. */
			int64_t v = va_arg(ap, int64_t);
			if (v)
				sqlite3_bind_int64(s, i + 1, v);
			else
				sqlite3_bind_null(s, i + 1);
			break;
		}
		case 't':
			t = va_arg(ap, const char *);
			if (t)
				/* STATIC is safe: the step below finishes before we return. */
				sqlite3_bind_text(s, i + 1, t, -1, SQLITE_STATIC);
			else
				sqlite3_bind_null(s, i + 1);
			break;
		default:
			sqlite3_bind_null(s, i + 1);
			break;
		}
	}
	va_end(ap);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? BOT_OK : BOT_ERR_DB;
}

const char *
bulkload_errmsg(bulkload *bl)
{
	return sqlite3_errmsg(bl->db);
}

bot_err
bulkload_close(bulkload *bl, char *err, size_t errlen)
{
	if (!bl)
		return BOT_OK;
	bot_err rc = BOT_OK;
	for (int i = 0; i < bl->n_stmt; i++)
		sqlite3_finalize(bl->stmt[i]);
	if (!sqlite3_get_autocommit(bl->db))
		rc = bulkload_exec(bl, "COMMIT", err, errlen);
	/* The daemon expects WAL; ANALYZE gives the planner real table sizes. */
	if (rc == BOT_OK)
		rc = bulkload_exec(bl, "ANALYZE; PRAGMA locking_mode = NORMAL; "
				       "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;",
				   err, errlen);
	if (sqlite3_close_v2(bl->db) != SQLITE_OK && rc == BOT_OK) {
		set_err(err, errlen, "close", NULL);
		rc = BOT_ERR_DB;
	}
	free(bl);
	return rc;
}
