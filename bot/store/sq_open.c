/* The SQLite backend: opening and closing the database, the prepared
 * statements, the helpers the other sq_*.c files share, and the ops table
 * (store_backend.h). */
#include "sq.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "rovfs.h"

/* How a connection waits for a lock another one holds: in short steps,
 * not SQLite's default 1, 2, 5, 10 ms, since what it waits for is short. */
typedef struct busy_policy {
	int step_us;
	int max_tries;
} busy_policy;

/* The owner: should another program hold the write lock, BEGIN IMMEDIATE
 * waits, up to 5 s in all. */
static const busy_policy owner_waits = {50, 100000};

static int
busy_wait(void *arg, int tries)
{
	const busy_policy *p = arg;
	if (tries >= p->max_tries)
		return 0;
	usleep((useconds_t)p->step_us);
	return 1;
}

/* botd_now(): the injectable clock as UTC text, so demo data and answer
 * queries agree with the daemon's idea of "now" (tests fix it). */
static void
sql_botd_now(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char buf[20];
	sq_now(buf);
	sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

/* ---- helpers ------------------------------------------------------------- */

void
sq_set_err(char *err, size_t errlen, const char *fmt, const char *a, const char *b)
{
	if (err && errlen)
		snprintf(err, errlen, fmt, a ? a : "", b ? b : "");
}

int
sq_exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		sq_set_err(err, errlen, "%s%s", msg ? msg : sqlite3_errmsg(db), NULL);
		sqlite3_free(msg);
	}
	return rc;
}

int
sq_table_exists(sqlite3 *db, const char *name)
{
	sqlite3_stmt *s;
	int found = 0;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?1", -1,
	                       &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		found = 1;
	else if (rc != SQLITE_DONE)
		found = -1;
	sqlite3_finalize(s);
	return found;
}

int
sq_step_reset(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc;
}

bot_err
sq_one_row(sqlite3_stmt *s, sq_reader read, void *out)
{
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		read(s, out);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc == SQLITE_ROW)
		return BOT_OK;
	return rc == SQLITE_DONE ? BOT_ERR_NOT_FOUND : BOT_ERR_DB;
}

static void
read_int64(sqlite3_stmt *s, void *out)
{
	*(int64_t *)out = sqlite3_column_int64(s, 0);
}

bot_err
sq_one_int64(sqlite3_stmt *s, int64_t *out)
{
	return sq_one_row(s, read_int64, out);
}

bot_err
sq_rows(sqlite3_stmt *s, sq_row_fn row, void *ctx)
{
	bot_err err = BOT_OK;
	int rc;
	while (err == BOT_OK && (rc = sqlite3_step(s)) == SQLITE_ROW)
		err = row(s, ctx);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return err == BOT_OK && rc != SQLITE_DONE ? BOT_ERR_DB : err;
}

void *
sq_append(void **v, size_t *n, size_t size)
{
	char *nv = realloc(*v, (*n + 1) * size);
	if (!nv)
		return NULL;
	memset(nv + *n * size, 0, size);
	*v = nv;
	return nv + (*n)++ * size;
}

void
sq_copy_col(sqlite3_stmt *s, int col, char *buf, size_t len)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	snprintf(buf, len, "%s", t ? (const char *)t : "");
}

char *
sq_dup_col(sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	return t ? strdup((const char *)t) : NULL;
}

time_t
sq_col_time(sqlite3_stmt *s, int col)
{
	time_t t = 0;
	const unsigned char *text = sqlite3_column_text(s, col);
	if (!text || clock_parse_utc((const char *)text, &t) != BOT_OK)
		return 0;
	return t;
}

void
sq_now(char *buf)
{
	clock_format_utc(clock_now(), buf);
}

int64_t
sq_now_us(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

/* ---- open and close ------------------------------------------------------ */

/* The WAL hook of a store that checkpoints by hand: only counts. */
static int
count_wal_pages(void *arg, sqlite3 *db, const char *name, int pages)
{
	((sq_store *)arg)->wal_pages = pages;
	return SQLITE_OK;
}

/* SQLite counts its memory under a global mutex on every allocation and free
 * unless told not to, for counts botd never reads. It can be told only
 * before it initialises, so the first open does it; if something
 * initialised SQLite earlier, the call fails and nothing changes. */
static void
configure_sqlite(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* Every statement prepared once, each from the one domain table that holds
 * its SQL. */
static bot_err
prepare_statements(sq_store *s, char *err, size_t errlen)
{
	static const char *const *const tables[] = {sq_batch_sql, sq_conversation_sql,
	                                            sq_people_sql, sq_queue_sql, sq_handoff_sql};
	for (int i = 0; i < SQ_COUNT; i++) {
		const char *sql = NULL;
		for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
			if (tables[t][i])
				sql = tables[t][i];
		if (!sql) {
			snprintf(err, errlen, "store: statement %d has no SQL", i);
			return BOT_ERR_DB;
		}
		if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[i],
		                       NULL) != SQLITE_OK) {
			sq_set_err(err, errlen, "cannot prepare statement: %s%s",
			           sqlite3_errmsg(s->db), NULL);
			return BOT_ERR_DB;
		}
	}
	return BOT_OK;
}

static void sq_close(store *st);

static bot_err
sq_open(const store_options *opt, store **out, char *err, size_t errlen)
{
	static pthread_once_t configured = PTHREAD_ONCE_INIT;
	pthread_once(&configured, configure_sqlite);
	*out = NULL;
	sq_store *s = calloc(1, sizeof(*s));
	if (!s)
		return BOT_ERR_NOMEM;
	s->base.ops = &store_sqlite;
	s->wal_fd = -1;
	s->db_fd = -1;
	s->deferred_sync = opt->deferred_sync;
	if (asprintf(&s->wal_path, "%s-wal", opt->path) < 0) {
		s->wal_path = NULL;
		goto fail;
	}
	if (!(s->path = strdup(opt->path)))
		goto fail;
	int created = 0;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	/* warm_cache: the file is read through rovfs's mapping (see below). */
	if (sqlite3_open_v2(opt->path, &s->db, flags, opt->warm_cache ? rovfs_name() : NULL) !=
	    SQLITE_OK) {
		sq_set_err(err, errlen, "cannot open database %s: %s", opt->path,
		           s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	/* WAL for concurrent readers (the sqlite3 shell, backups); FULL so a
	 * commit is on disk before we ack (NORMAL below with deferred_sync). No
	 * SQLite mmap: it drops and remaps the whole mapping whenever another
	 * handle changed the file, and mapped pages of a growing file would
	 * count as our memory. A 64 MiB page cache holds the demo data and every
	 * hot page; warm_cache maps the file as it was at start (rovfs, below). */
	if (sq_exec(s->db,
	            "PRAGMA journal_mode = WAL; "
	            "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; "
	            "PRAGMA mmap_size = 0; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;",
	            err, errlen) != SQLITE_OK) {
		char why[256];
		snprintf(why, sizeof(why), "%s", err);
		sq_set_err(err, errlen, "cannot use database %s: %s", opt->path, why);
		goto fail;
	}
	sqlite3_busy_handler(s->db, busy_wait, (void *)&owner_waits);
	/* warm_cache: rovfs maps the whole file once and, unlike SQLite's own
	 * mapping, keeps it when another handle changes the file; read-only
	 * cursors then read the OS page cache in place (pages to be written
	 * still go through the page cache). The mapping is read once now, so
	 * no answer waits for a page fault or the disk; its pages count in the
	 * RSS as shared file pages. */
	if (opt->warm_cache &&
	    sq_exec(s->db, "PRAGMA mmap_size = 68719476736", err, errlen) != SQLITE_OK)
		goto fail;
	sqlite3_create_function(s->db, "botd_now", 0, SQLITE_UTF8, NULL, sql_botd_now, NULL, NULL);
	if (sq_migrate(s, &created, err, errlen) != BOT_OK)
		goto fail;
	if (created && opt->load_demo) {
		if (sq_load_demo(s, err, errlen) != BOT_OK)
			goto fail;
		log_info("created %s with the demo cast", opt->path);
	} else if (created) {
		log_info("created %s with schema version %d", opt->path,
		         sq_schema_version(&s->base));
	}
	if (prepare_statements(s, err, errlen) != BOT_OK)
		goto fail;
	/* With a deferred sync a commit only writes the WAL; the caller's
	 * store_sync() makes it durable before anything is acknowledged. The
	 * WAL is still synced before each checkpoint, the database after it,
	 * and the WAL header when the file is reused (SQLite's NORMAL). */
	if (s->deferred_sync &&
	    sq_exec(s->db, "PRAGMA synchronous = NORMAL", err, errlen) != SQLITE_OK)
		goto fail;
	if (opt->warm_cache) {
		/* The file first takes what the WAL holds (a migration, the last
		 * run's tail), so that the mapping covers all of it. */
		int64_t bytes = 0, t0 = sq_now_us();
		sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		if (rovfs_warm(s->db, &bytes) == 0 && bytes > 0)
			log_info("database read into memory: %.1f MB of %s in %.2f s",
			         (double)bytes / 1e6, opt->path, (double)(sq_now_us() - t0) / 1e6);
	}
	/* A server checkpoints from a timer (store_checkpoint); commits then do
	 * not stop to copy the WAL back. */
	if (opt->manual_checkpoint)
		sqlite3_wal_hook(s->db, count_wal_pages, s); /* replaces the automatic one */
	*out = &s->base;
	return BOT_OK;
fail:
	sq_close(&s->base);
	return BOT_ERR_DB;
}

static void
sq_close(store *st)
{
	sq_store *s = sq_of(st);
	if (s->in_batch)
		sq_batch_commit(st);
	for (int i = 0; i < SQ_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	/* Closing the last connection checkpoints, so the WAL does not outlive
	 * a clean stop. */
	if (s->db)
		sqlite3_close_v2(s->db);
	if (s->aside)
		sqlite3_close_v2(s->aside);
	if (s->wal_fd >= 0)
		close(s->wal_fd);
	if (s->db_fd >= 0)
		close(s->db_fd);
	waitq_free(&s->queue);
	free(s->path);
	free(s->wal_path);
	free(s);
}

const store_backend store_sqlite = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .schema_version = sq_schema_version,
    .check_writable = sq_check_writable,
    .batch_begin = sq_batch_begin,
    .batch_commit = sq_batch_commit,
    .batch_open = sq_batch_open,
    .turn_begin = sq_turn_begin,
    .turn_end = sq_turn_end,
    .batch_rollback = sq_batch_rollback,
    .last_commit_us = sq_last_commit_us,
    .sync = sq_sync,
    .deferred_sync = sq_deferred_sync,
    .checkpoint = sq_checkpoint,
    .wal_pages = sq_wal_pages,
    .checkpoint_aside = sq_checkpoint_aside,
    .conversation_create = sq_conversation_create,
    .conversation_get = sq_conversation_get,
    .conversation_find_channel = sq_conversation_find_channel,
    .conversation_update = sq_conversation_update,
    .message_append = sq_message_append,
    .messages_after = sq_messages_after,
    .message_by_client_id = sq_message_by_client_id,
    .handoff_enqueue = sq_handoff_enqueue,
    .queue_waiting = sq_queue_waiting,
    .queue_position = sq_queue_position,
    .queue_order = sq_queue_order,
    .queue_stats = sq_queue_stats,
    .handoff_claim = sq_handoff_claim,
    .handoff_owner = sq_handoff_owner,
    .handoff_release = sq_handoff_release,
    .handoff_packet = sq_handoff_packet,
    .agent_conversations = sq_agent_conversations,
    .note_add = sq_note_add,
    .handoff_rate = sq_handoff_rate,
    .agents_holding = sq_agents_holding,
    .agent_cap = sq_agent_cap,
    .handle_time_avg = sq_handle_time_avg,
    .member_accounts = sq_member_accounts,
    .member_can_see = sq_member_can_see,
    .member_name = sq_member_name,
    .agent_name = sq_agent_name,
    .kakao_member = sq_kakao_member,
    .demo_cast = sq_demo_cast,
    .query_prepare = sq_query_prepare,
    .query_run = sq_query_run,
    .query_free = sq_query_free,
};
