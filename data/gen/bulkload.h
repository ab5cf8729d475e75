/* Bulk loading of generated data (botd gen-data) into a database that
 * store_open() has already created. This is the second and last file that may
 * include sqlite3.h (see DESIGN.md): the store's API is shaped for one turn
 * at a time, while a generator needs millions of rows through a handful of
 * prepared INSERTs with durability switched off until the end.
 * Nothing in the daemon's serving path uses this module. */
#ifndef BOT_BULKLOAD_H
#define BOT_BULKLOAD_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

typedef struct bulkload bulkload;

#define BULKLOAD_MAX_STMTS 16

/* Opens PATH (which must exist with the schema) for loading: no journal, no
 * syncs, foreign keys off (the generator keeps them true by construction).
 * Caller owns *OUT; bulkload_close() restores WAL and syncs everything. */
bot_err bulkload_open(const char *path, bulkload **out, char *err, size_t errlen);
/* Finishes: commits an open transaction, switches back to WAL, runs ANALYZE
 * so the planner sees the real sizes, and closes. Returns the first error. */
bot_err bulkload_close(bulkload *bl, char *err, size_t errlen);

/* Runs SQL text (no parameters), e.g. BEGIN/COMMIT. */
bot_err bulkload_exec(bulkload *bl, const char *sql, char *err, size_t errlen);
/* Prepares an INSERT with positional parameters ?1..?N; *ID names it for
 * bulkload_row(). At most BULKLOAD_MAX_STMTS statements. */
bot_err bulkload_prepare(bulkload *bl, const char *sql, int *id, char *err, size_t errlen);
/* Binds one row and steps statement ID. TYPES has one letter per parameter:
 * 'i' int64_t, 'z' int64_t where 0 binds NULL, 't' const char * (NULL binds NULL; copied by SQLite only for
 * the duration of the step, so the caller may reuse its buffer), 'n' NULL
 * (takes no argument). */
bot_err bulkload_row(bulkload *bl, int id, const char *types, ...);
/* The last error message of the connection (borrowed). */
const char *bulkload_errmsg(bulkload *bl);

#endif
