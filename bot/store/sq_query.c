/* The SQLite backend: the answers' read-only queries. Prepared once each,
 * refused unless one read-only SELECT with named parameters only; run with
 * the parameters bound by name, never pasted into SQL. */
#include "sq.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"

typedef struct sq_query {
	store_query base; /* first: a sq_query is a store_query */
	sqlite3_stmt *stmt;
	int cols;
	const char **names; /* the columns' names, SQLite's, valid while STMT is */
	store_value *values;
} sq_query;

void
sq_query_free(store_query *q)
{
	sq_query *sq = (sq_query *)q;
	sqlite3_finalize(sq->stmt);
	free(sq->names);
	free(sq->values);
	free(sq);
}

bot_err
sq_query_prepare(store *st, const char *sql, store_query **out, char *err, size_t errlen)
{
	*out = NULL;
	sqlite3 *db = sq_of(st)->db;
	sq_query *q = calloc(1, sizeof(*q));
	if (!q)
		return BOT_ERR_NOMEM;
	q->base.st = st;
	const char *tail = NULL;
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &q->stmt, &tail) !=
	    SQLITE_OK) {
		sq_set_err(err, errlen, "query does not prepare: %s%s", sqlite3_errmsg(db), NULL);
		goto fail;
	}
	if (!q->stmt || (tail && *tail && strspn(tail, " \t\r\n;") != strlen(tail))) {
		sq_set_err(err, errlen, "query must be exactly one statement%s%s", NULL, NULL);
		goto fail;
	}
	/* Read-only in SQLite's sense still lets BEGIN, SAVEPOINT, ATTACH and
	 * PRAGMA through, which would hold a read open or lift query_only: an
	 * answer query must be a SELECT (or WITH) that returns columns. */
	const char *lead = sql + strspn(sql, " \t\r\n");
	if (!sqlite3_stmt_readonly(q->stmt) || sqlite3_column_count(q->stmt) == 0 ||
	    (strncasecmp(lead, "SELECT", 6) && strncasecmp(lead, "WITH", 4))) {
		sq_set_err(err, errlen, "query is not a read-only SELECT%s%s", NULL, NULL);
		goto fail;
	}
	int n = sqlite3_bind_parameter_count(q->stmt);
	for (int i = 1; i <= n; i++) {
		const char *name = sqlite3_bind_parameter_name(q->stmt, i);
		if (!name || name[0] != ':') {
			sq_set_err(err, errlen,
			           "query uses a positional parameter; only :named ones "
			           "are allowed%s%s",
			           NULL, NULL);
			goto fail;
		}
	}
	q->cols = sqlite3_column_count(q->stmt);
	q->names = calloc((size_t)q->cols, sizeof(*q->names));
	q->values = calloc((size_t)q->cols, sizeof(*q->values));
	if (!q->names || !q->values) {
		sq_query_free(&q->base);
		return BOT_ERR_NOMEM;
	}
	for (int c = 0; c < q->cols; c++)
		q->names[c] = sqlite3_column_name(q->stmt, c);
	*out = &q->base;
	return BOT_OK;
fail:
	sq_query_free(&q->base);
	return BOT_ERR_PARSE;
}

static const store_param *
find_param(const store_param *params, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(params[i].name, name))
			return &params[i];
	return NULL;
}

static void
bind_value(sqlite3_stmt *s, int i, const store_value *v)
{
	switch (v->type) {
	case STORE_TEXT:
		sqlite3_bind_text(s, i, v->s, (int)v->len, SQLITE_STATIC);
		break;
	case STORE_INT:
		sqlite3_bind_int64(s, i, v->i);
		break;
	case STORE_REAL:
		sqlite3_bind_double(s, i, v->r);
		break;
	default:
		sqlite3_bind_null(s, i);
	}
}

static void
read_value(sqlite3_stmt *s, int c, store_value *v)
{
	memset(v, 0, sizeof(*v));
	switch (sqlite3_column_type(s, c)) {
	case SQLITE_INTEGER:
		v->type = STORE_INT;
		v->i = sqlite3_column_int64(s, c);
		break;
	case SQLITE_FLOAT:
		v->type = STORE_REAL;
		v->r = sqlite3_column_double(s, c);
		break;
	case SQLITE_NULL:
		v->type = STORE_NULL;
		break;
	default:
		v->type = STORE_TEXT;
		v->s = (const char *)sqlite3_column_text(s, c);
		v->len = (size_t)sqlite3_column_bytes(s, c);
		if (!v->s) {
			v->s = "";
			v->len = 0;
		}
	}
}

bot_err
sq_query_run(store_query *base, const store_param *params, size_t n_params, size_t max_rows,
             store_row_fn fn, void *ctx)
{
	sq_query *q = (sq_query *)base;
	sqlite3_stmt *s = q->stmt;
	int n = sqlite3_bind_parameter_count(s);
	for (int i = 1; i <= n; i++) {
		const store_param *p =
		    find_param(params, n_params, sqlite3_bind_parameter_name(s, i) + 1);
		if (p)
			bind_value(s, i, &p->v);
		else
			sqlite3_bind_null(s, i);
	}
	bot_err err = BOT_OK;
	size_t rows = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (max_rows && rows >= max_rows)
			break;
		for (int c = 0; c < q->cols; c++)
			read_value(s, c, &q->values[c]);
		rows++;
		if (fn(ctx, (size_t)q->cols, q->names, q->values))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_error("store: answer query failed: %s", sqlite3_errmsg(sq_of(q->base.st)->db));
		err = BOT_ERR_DB;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return err;
}
