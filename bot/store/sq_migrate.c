/* The SQLite backend: the schema of a new database, the migrations of an
 * old one, and the demo cast. The SQL itself is data/ compiled in. */
#include "sq.h"

#include <stdio.h>
#include <time.h>

#include "clock.h"
#include "log.h"

/* Generated at build time from data/ (see the Makefile): NUL-terminated. */
extern const char embedded_schema_sql[];
extern const char embedded_demo_sql[];
/* Migrations after version 1, in order; each brings the schema to its index + 2. */
extern const char *const embedded_migrations[];
extern const int embedded_migration_count;

int
sq_schema_version(store *st)
{
	sqlite3_stmt *s;
	int v = 0;
	if (sqlite3_prepare_v2(sq_of(st)->db, "SELECT MAX(version) FROM schema_version", -1, &s,
	                       NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* Rows PRAGMA foreign_key_check reports (-1 when it cannot run). */
static int
foreign_key_violations(sqlite3 *db)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &s, NULL) != SQLITE_OK)
		return -1;
	int n = 0;
	while (sqlite3_step(s) == SQLITE_ROW)
		n++;
	sqlite3_finalize(s);
	return n;
}

/* Each step in its own transaction, so a failure leaves the previous version. */
bot_err
sq_migrate(sq_store *st, int *created, char *err, size_t errlen)
{
	char now[20], sql[128];
	clock_format_utc(time(NULL), now);
	int exists = sq_table_exists(st->db, "schema_version");
	if (exists < 0) {
		sq_set_err(err, errlen, "cannot read database: %s%s", sqlite3_errmsg(st->db), NULL);
		return BOT_ERR_DB;
	}
	*created = !exists;
	if (!exists) {
		if (sq_exec(st->db, "BEGIN", err, errlen) != SQLITE_OK ||
		    sq_exec(st->db, embedded_schema_sql, err, errlen) != SQLITE_OK)
			goto fail;
		snprintf(sql, sizeof(sql),
		         "INSERT INTO schema_version (version, applied_at) VALUES (1, '%s')", now);
		if (sq_exec(st->db, sql, err, errlen) != SQLITE_OK ||
		    sq_exec(st->db, "COMMIT", err, errlen) != SQLITE_OK)
			goto fail;
	}
	int version = sq_schema_version(&st->base);
	if (version < 1 || version > 1 + embedded_migration_count) {
		snprintf(err, errlen, "unsupported schema version %d (this botd knows 1..%d)",
		         version, 1 + embedded_migration_count);
		return BOT_ERR_DB;
	}
	/* A migration may rebuild a table others refer to (create, copy, drop,
	 * rename): foreign keys are off while it runs and checked before it
	 * commits. */
	if (version <= embedded_migration_count &&
	    sq_exec(st->db, "PRAGMA foreign_keys = OFF", err, errlen) != SQLITE_OK)
		return BOT_ERR_DB;
	for (int i = version - 1; i < embedded_migration_count; i++) {
		if (sq_exec(st->db, "BEGIN", err, errlen) != SQLITE_OK ||
		    sq_exec(st->db, embedded_migrations[i], err, errlen) != SQLITE_OK)
			goto fail;
		int broken = foreign_key_violations(st->db);
		if (broken) {
			snprintf(err, errlen, "migration %d leaves %d broken references", i + 2,
			         broken);
			goto fail;
		}
		snprintf(sql, sizeof(sql),
		         "INSERT INTO schema_version (version, applied_at) VALUES (%d, '%s')",
		         i + 2, now);
		if (sq_exec(st->db, sql, err, errlen) != SQLITE_OK ||
		    sq_exec(st->db, "COMMIT", err, errlen) != SQLITE_OK)
			goto fail;
		log_info("database migrated to schema version %d", i + 2);
	}
	return sq_exec(st->db, "PRAGMA foreign_keys = ON", err, errlen) == SQLITE_OK ? BOT_OK
	                                                                             : BOT_ERR_DB;
fail:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	return BOT_ERR_DB;
}

bot_err
sq_load_demo(sq_store *st, char *err, size_t errlen)
{
	if (sq_exec(st->db, "BEGIN", err, errlen) != SQLITE_OK ||
	    sq_exec(st->db, embedded_demo_sql, err, errlen) != SQLITE_OK ||
	    sq_exec(st->db, "COMMIT", err, errlen) != SQLITE_OK) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return BOT_ERR_DB;
	}
	return BOT_OK;
}
