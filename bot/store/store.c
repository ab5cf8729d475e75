/* SQLite store. The only file that includes sqlite3.h. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "rovfs.h"

/* Generated at build time from data/ (see the Makefile): NUL-terminated. */
extern const char embedded_schema_sql[];
extern const char embedded_demo_sql[];
/* Migrations after version 1, in order; each brings the schema to its index + 2. */
extern const char *const embedded_migrations[];
extern const int embedded_migration_count;

enum stmt_id {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SAVEPOINT,
	ST_RELEASE,
	ST_ROLLBACK_TO,
	ST_CONV_INSERT,
	ST_CONV_GET,
	ST_CONV_FIND_CHANNEL,
	ST_CONV_UPDATE,
	ST_MSG_INSERT,
	ST_MSG_BY_CLIENT,
	ST_MSG_AFTER,
	ST_MEMBER_ACCOUNTS,
	ST_MEMBER_CAN_SEE,
	ST_MEMBER_NAME,
	ST_AGENT_NAME,
	ST_KAKAO_MEMBER,
	ST_HANDOFF_INSERT,
	ST_QUEUE_WAITING,
	ST_QUEUE_KEY,
	ST_QUEUE_KEYS,
	ST_QUEUE_STATS,
	ST_HANDOFF_CLAIM,
	ST_HANDOFF_OWNER,
	ST_HANDOFF_RESOLVE,
	ST_HANDOFF_REQUEUE,
	ST_HANDOFF_MOVE,
	ST_CONV_SET_STATE,
	ST_AGENT_CONVS,
	ST_NOTE_INSERT,
	ST_HANDOFF_RATE,
	ST_HANDLE_AVG,
	ST_COUNT
};

#define LAST_SEQ "IFNULL((SELECT MAX(seq) FROM messages WHERE conversation_id = c.id), 0)"

static const char *const stmt_sql[ST_COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_SAVEPOINT] = "SAVEPOINT turn",
	[ST_RELEASE] = "RELEASE turn",
	[ST_ROLLBACK_TO] = "ROLLBACK TO turn",
	[ST_CONV_INSERT] = "INSERT INTO conversations (id, member_id, channel, channel_key, state, "
			   "lang, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 'bot', 'ko', ?5, ?5)",
	/* The last seq comes from the messages index (one seek), so that a
	 * message does not rewrite its conversation's row. */
	[ST_CONV_GET] = "SELECT id, member_id, account_id, channel, state, lang, " LAST_SEQ ", misses, "
			"pending FROM conversations c WHERE id = ?1",
	[ST_CONV_FIND_CHANNEL] =
		"SELECT id, member_id, account_id, channel, state, lang, " LAST_SEQ ", misses, "
		"pending FROM conversations c WHERE channel = ?1 AND channel_key = ?2 AND state <> "
		"'closed' ORDER BY created_at DESC LIMIT 1",
	[ST_CONV_UPDATE] = "UPDATE conversations SET account_id = NULLIF(?2, 0), state = ?3, "
			   "lang = ?4, misses = ?5, updated_at = ?6, pending = NULLIF(?7, '') "
			   "WHERE id = ?1",
	[ST_MSG_INSERT] = "INSERT INTO messages (conversation_id, seq, sender, client_id, agent_id, "
			  "text, intent, meta, created_at) VALUES (?1, ?2, ?3, ?4, NULLIF(?5, 0), "
			  "?6, ?7, ?8, ?9)",
	[ST_MSG_BY_CLIENT] = "SELECT seq FROM messages WHERE conversation_id = ?1 AND client_id = ?2",
	[ST_MSG_AFTER] = "SELECT seq, sender, client_id, agent_id, text, intent, meta, created_at "
			 "FROM messages WHERE conversation_id = ?1 AND seq > ?2 ORDER BY seq",
	/* The member's name comes with the accounts (one statement per answer):
	 * one row per active membership, or one row with NULL account columns
	 * for an active member without any; none for a departed or unknown one. */
	[ST_MEMBER_ACCOUNTS] = "SELECT p.name, a.id, a.account_no, a.name FROM members p "
			       "LEFT JOIN account_members m ON m.member_id = p.id AND "
			       "m.left_at IS NULL LEFT JOIN ad_accounts a ON a.id = m.account_id "
			       "WHERE p.id = ?1 AND p.status = 'active' ORDER BY a.account_no",
	[ST_MEMBER_CAN_SEE] = "SELECT 1 FROM account_members m JOIN members p ON p.id = m.member_id "
			      "WHERE m.member_id = ?1 AND m.account_id = ?2 AND m.left_at IS NULL "
			      "AND p.status = 'active'",
	[ST_MEMBER_NAME] = "SELECT name FROM members WHERE id = ?1 AND status = 'active'",
	[ST_AGENT_NAME] = "SELECT name FROM agents WHERE id = ?1",
	[ST_KAKAO_MEMBER] = "SELECT k.member_id FROM kakao_links k JOIN members p ON "
			    "p.id = k.member_id WHERE k.bot_user_key = ?1 AND p.status = 'active'",
	[ST_HANDOFF_INSERT] = "INSERT INTO handoffs (conversation_id, reason, priority, intent, "
			      "slots, attachments, state, enqueued_at) VALUES (?1, ?2, ?3, ?4, ?5, "
			      "?6, 'waiting', ?7)",
	[ST_QUEUE_WAITING] =
		"SELECT h.conversation_id, h.priority, h.reason, h.intent, c.channel, "
		"h.enqueued_at, c.member_id, m.name, (SELECT text FROM messages x WHERE "
		"x.conversation_id = h.conversation_id AND x.sender = 'customer' ORDER BY seq DESC "
		"LIMIT 1) FROM handoffs h JOIN conversations c ON c.id = h.conversation_id LEFT "
		"JOIN members m ON m.id = c.member_id WHERE h.state = 'waiting' "
		"ORDER BY h.priority DESC, h.enqueued_at, h.id LIMIT ?1",
	[ST_QUEUE_STATS] = "SELECT COUNT(*), strftime('%s', ?1) - strftime('%s', MIN(enqueued_at)) "
			   "FROM handoffs WHERE state = 'waiting'",
	/* The queue's order (waitq.h): enqueued_at in seconds for waitq, the
	 * text (one format, so the same order) for the index handoffs_queue. */
	[ST_QUEUE_KEY] = "SELECT priority, CAST(strftime('%s', enqueued_at) AS INTEGER), id FROM "
			 "handoffs WHERE conversation_id = ?1 AND state = 'waiting'",
	[ST_QUEUE_KEYS] = "SELECT priority, CAST(strftime('%s', enqueued_at) AS INTEGER), id, "
			  "conversation_id FROM handoffs WHERE state = 'waiting' ORDER BY "
			  "priority DESC, enqueued_at, id",
	[ST_HANDOFF_CLAIM] = "UPDATE handoffs SET state = 'claimed', agent_id = ?2, claimed_at = ?3 "
			     "WHERE conversation_id = ?1 AND state = 'waiting'",
	[ST_HANDOFF_OWNER] = "SELECT agent_id FROM handoffs WHERE conversation_id = ?1 AND "
			     "state = 'claimed'",
	[ST_HANDOFF_RESOLVE] = "UPDATE handoffs SET state = 'resolved', resolved_at = ?2 WHERE "
			       "conversation_id = ?1 AND state = 'claimed'",
	/* Back to the queue ahead of everyone who was waiting: priority 10. */
	[ST_HANDOFF_REQUEUE] = "UPDATE handoffs SET state = 'waiting', agent_id = NULL, "
			       "claimed_at = NULL, priority = 10 WHERE conversation_id = ?1 AND "
			       "state = 'claimed'",
	[ST_HANDOFF_MOVE] = "UPDATE handoffs SET agent_id = ?2, claimed_at = ?3 WHERE "
			    "conversation_id = ?1 AND state = 'claimed'",
	[ST_CONV_SET_STATE] = "UPDATE conversations SET state = ?2, updated_at = ?3 WHERE id = ?1",
	[ST_AGENT_CONVS] = "SELECT conversation_id FROM handoffs WHERE agent_id = ?1 AND "
			   "state = 'claimed' ORDER BY claimed_at",
	[ST_NOTE_INSERT] = "INSERT INTO notes (conversation_id, agent_id, text, created_at) VALUES "
			   "(?1, ?2, ?3, ?4)",
	[ST_HANDOFF_RATE] = "UPDATE handoffs SET rating = ?2 WHERE id = (SELECT id FROM handoffs "
			    "WHERE conversation_id = ?1 AND state = 'resolved' AND rating IS NULL "
			    "ORDER BY resolved_at DESC, id DESC LIMIT 1) RETURNING agent_id",
	[ST_HANDLE_AVG] = "SELECT AVG(strftime('%s', resolved_at) - strftime('%s', claimed_at)) "
			  "FROM (SELECT resolved_at, claimed_at FROM handoffs WHERE state = "
			  "'resolved' AND claimed_at IS NOT NULL ORDER BY resolved_at DESC LIMIT 20)",
};

struct store {
	/* The one handle. Answer queries run on it too (checked read-only when
	 * prepared): a second, read-only handle had its page cache thrown away
	 * at every commit of this one and re-read its pages for every answer. */
	sqlite3 *db;
	sqlite3_stmt *stmt[ST_COUNT];
	int in_batch;
	int64_t last_commit_us;
	/* Deferred sync (store_options.deferred_sync): our own descriptor of
	 * the WAL file, used only by store_sync(). */
	int deferred_sync;
	int64_t wal_pages; /* pages in the WAL after the last commit (manual checkpoints) */
	sqlite3 *aside;    /* store_checkpoint_aside()'s own connection */
	/* The waiting handoffs in queue order, kept up to date by the
	 * functions below that change them, so that a place in the queue is a
	 * search and not a count. Reloaded from the table after a rollback,
	 * when it cannot tell what was undone. */
	waitq queue;
	int queue_valid;
	char *path;
	char *wal_path;
	int wal_fd;
	int db_fd; /* the database file, written back and synced by store_checkpoint_aside() */
	dev_t wal_dev;
	ino_t wal_ino;
};

struct store_query {
	store *st;
	sqlite3_stmt *stmt;
};

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
	clock_format_utc(clock_now(), buf);
	sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

static void
set_err(char *err, size_t errlen, const char *fmt, const char *a, const char *b)
{
	if (err && errlen)
		snprintf(err, errlen, fmt, a ? a : "", b ? b : "");
}

static int
exec_sql(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		set_err(err, errlen, "%s%s", msg ? msg : sqlite3_errmsg(db), NULL);
		sqlite3_free(msg);
	}
	return rc;
}

static int
table_exists(sqlite3 *db, const char *name)
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
store_schema_version(store *st)
{
	sqlite3_stmt *s;
	int v = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT MAX(version) FROM schema_version", -1, &s, NULL) !=
	    SQLITE_OK)
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

/* Applies the schema to a new database and any migrations to an old one,
 * each in its own transaction so a failure leaves the previous version. */
static bot_err
migrate(store *st, int *created, char *err, size_t errlen)
{
	char now[20], sql[128];
	clock_format_utc(time(NULL), now);
	int exists = table_exists(st->db, "schema_version");
	if (exists < 0) {
		set_err(err, errlen, "cannot read database: %s%s", sqlite3_errmsg(st->db), NULL);
		return BOT_ERR_DB;
	}
	*created = !exists;
	if (!exists) {
		if (exec_sql(st->db, "BEGIN", err, errlen) != SQLITE_OK ||
		    exec_sql(st->db, embedded_schema_sql, err, errlen) != SQLITE_OK)
			goto fail;
		snprintf(sql, sizeof(sql),
			 "INSERT INTO schema_version (version, applied_at) VALUES (1, '%s')", now);
		if (exec_sql(st->db, sql, err, errlen) != SQLITE_OK ||
		    exec_sql(st->db, "COMMIT", err, errlen) != SQLITE_OK)
			goto fail;
	}
	int version = store_schema_version(st);
	if (version < 1 || version > 1 + embedded_migration_count) {
		snprintf(err, errlen, "unsupported schema version %d (this botd knows 1..%d)",
			 version, 1 + embedded_migration_count);
		return BOT_ERR_DB;
	}
	/* A migration may rebuild a table others refer to (create, copy, drop,
	 * rename): foreign keys are off while it runs and checked before it
	 * commits. */
	if (version <= embedded_migration_count &&
	    exec_sql(st->db, "PRAGMA foreign_keys = OFF", err, errlen) != SQLITE_OK)
		return BOT_ERR_DB;
	for (int i = version - 1; i < embedded_migration_count; i++) {
		if (exec_sql(st->db, "BEGIN", err, errlen) != SQLITE_OK ||
		    exec_sql(st->db, embedded_migrations[i], err, errlen) != SQLITE_OK)
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
		if (exec_sql(st->db, sql, err, errlen) != SQLITE_OK ||
		    exec_sql(st->db, "COMMIT", err, errlen) != SQLITE_OK)
			goto fail;
		log_info("database migrated to schema version %d", i + 2);
	}
	return exec_sql(st->db, "PRAGMA foreign_keys = ON", err, errlen) == SQLITE_OK ? BOT_OK
										: BOT_ERR_DB;
fail:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	return BOT_ERR_DB;
}

/* The WAL hook of a store that checkpoints by hand: only counts. */
static int
count_wal_pages(void *arg, sqlite3 *db, const char *name, int pages)
{
	((store *)arg)->wal_pages = pages;
	return SQLITE_OK;
}

static int64_t now_us(void);

/* SQLite counts its memory under a global mutex on every allocation and free
 * unless told not to: 2 % of a customer turn's instructions (callgrind), for
 * counts botd never reads. It can be told only before it initialises, so the
 * first store_open does it; if something initialised SQLite earlier, the
 * call fails and nothing changes. */
static void
configure_sqlite(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

bot_err
store_open(const store_options *opt, store **out, char *err, size_t errlen)
{
	static pthread_once_t configured = PTHREAD_ONCE_INIT;
	pthread_once(&configured, configure_sqlite);
	*out = NULL;
	store *st = calloc(1, sizeof(*st));
	if (!st)
		return BOT_ERR_NOMEM;
	st->wal_fd = -1;
	st->db_fd = -1;
	st->deferred_sync = opt->deferred_sync;
	if (asprintf(&st->wal_path, "%s-wal", opt->path) < 0) {
		st->wal_path = NULL;
		goto fail;
	}
	if (!(st->path = strdup(opt->path)))
		goto fail;
	int created = 0;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	/* warm_cache: the file is read through rovfs's mapping (see below). */
	if (sqlite3_open_v2(opt->path, &st->db, flags, opt->warm_cache ? rovfs_name() : NULL) !=
	    SQLITE_OK) {
		set_err(err, errlen, "cannot open database %s: %s", opt->path,
			st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	/* WAL for concurrent readers (the sqlite3 shell, backups); FULL so a
	 * commit is on disk before we ack (NORMAL below with deferred_sync). No
	 * SQLite mmap: it drops and remaps the whole mapping whenever another
	 * handle changed the file, and mapped pages of a growing file would
	 * count as our memory. A 64 MiB page cache holds the demo data and every
	 * hot page; warm_cache maps the file as it was at start (rovfs, below). */
	if (exec_sql(st->db,
		     "PRAGMA journal_mode = WAL; "
		     "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; "
		     "PRAGMA mmap_size = 0; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;",
		     err, errlen) != SQLITE_OK) {
		char why[256];
		snprintf(why, sizeof(why), "%s", err);
		set_err(err, errlen, "cannot use database %s: %s", opt->path, why);
		goto fail;
	}
	sqlite3_busy_handler(st->db, busy_wait, (void *)&owner_waits);
	/* warm_cache: answers at a million accounts (2.4 GB) touch pages no
	 * 64 MiB cache holds, a pread each. rovfs maps the whole file once and,
	 * unlike SQLite's own mapping, keeps it when another handle changes the
	 * file; read-only cursors then read the OS page cache in place (pages
	 * to be written still go through the page cache). The mapping is read
	 * once now, so no answer waits for a page fault or the disk; its pages
	 * count in the RSS as shared file pages. */
	if (opt->warm_cache &&
	    exec_sql(st->db, "PRAGMA mmap_size = 68719476736", err, errlen) != SQLITE_OK)
		goto fail;
	sqlite3_create_function(st->db, "botd_now", 0, SQLITE_UTF8, NULL, sql_botd_now, NULL, NULL);
	if (migrate(st, &created, err, errlen) != BOT_OK)
		goto fail;
	if (created && opt->load_demo) {
		if (exec_sql(st->db, "BEGIN", err, errlen) != SQLITE_OK ||
		    exec_sql(st->db, embedded_demo_sql, err, errlen) != SQLITE_OK ||
		    exec_sql(st->db, "COMMIT", err, errlen) != SQLITE_OK) {
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			goto fail;
		}
		log_info("created %s with the demo cast", opt->path);
	} else if (created) {
		log_info("created %s with schema version %d", opt->path, store_schema_version(st));
	}
	for (int i = 0; i < ST_COUNT; i++) {
		if (sqlite3_prepare_v3(st->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &st->stmt[i], NULL) != SQLITE_OK) {
			set_err(err, errlen, "cannot prepare statement: %s%s",
				sqlite3_errmsg(st->db), NULL);
			goto fail;
		}
	}
	/* With a deferred sync a commit only writes the WAL; the caller's
	 * store_sync() makes it durable before anything is acknowledged. The
	 * WAL is still synced before each checkpoint, the database after it,
	 * and the WAL header when the file is reused (SQLite's NORMAL). */
	if (st->deferred_sync &&
	    exec_sql(st->db, "PRAGMA synchronous = NORMAL", err, errlen) != SQLITE_OK)
		goto fail;
	if (opt->warm_cache) {
		/* The file first takes what the WAL holds (a migration, the last
		 * run's tail), so that the mapping covers all of it. */
		int64_t bytes = 0, t0 = now_us();
		sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		if (rovfs_warm(st->db, &bytes) == 0 && bytes > 0)
			log_info("database read into memory: %.1f MB of %s in %.2f s",
				 (double)bytes / 1e6, opt->path, (double)(now_us() - t0) / 1e6);
	}
	/* A server checkpoints from a timer (store_checkpoint); commits then do
	 * not stop to copy the WAL back. */
	if (opt->manual_checkpoint)
		sqlite3_wal_hook(st->db, count_wal_pages, st); /* replaces the automatic one */
	*out = st;
	return BOT_OK;
fail:
	store_close(st);
	return BOT_ERR_DB;
}

void
store_close(store *st)
{
	if (!st)
		return;
	if (st->in_batch)
		store_batch_commit(st);
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	/* Checkpoint on the way out so the WAL does not outlive a clean stop. */
	if (st->db)
		sqlite3_close_v2(st->db);
	if (st->aside)
		sqlite3_close_v2(st->aside);
	if (st->wal_fd >= 0)
		close(st->wal_fd);
	if (st->db_fd >= 0)
		close(st->db_fd);
	waitq_free(&st->queue);
	free(st->path);
	free(st->wal_path);
	free(st);
}

bot_err
store_check_writable(store *st)
{
	if (st->in_batch)
		return BOT_OK; /* a batch is open: writes are going through */
	if (sqlite3_exec(st->db, "BEGIN IMMEDIATE; ROLLBACK;", NULL, NULL, NULL) != SQLITE_OK)
		return BOT_ERR_DB;
	return BOT_OK;
}

/* ---- group commit -------------------------------------------------------- */

static int
step_reset(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc;
}

bot_err
store_batch_begin(store *st)
{
	if (st->in_batch)
		return BOT_OK;
	if (step_reset(st->stmt[ST_BEGIN]) != SQLITE_DONE) {
		log_error("store: begin failed: %s", sqlite3_errmsg(st->db));
		return BOT_ERR_DB;
	}
	st->in_batch = 1;
	return BOT_OK;
}

static int64_t
now_us(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

bot_err
store_batch_commit(store *st)
{
	if (!st->in_batch)
		return BOT_OK;
	int64_t t0 = now_us();
	int rc = step_reset(st->stmt[ST_COMMIT]);
	st->in_batch = 0;
	st->last_commit_us = now_us() - t0;
	if (rc != SQLITE_DONE) {
		log_error("store: commit failed: %s", sqlite3_errmsg(st->db));
		step_reset(st->stmt[ST_ROLLBACK]);
		st->queue_valid = 0;
		return BOT_ERR_DB;
	}
	return BOT_OK;
}

bot_err
store_turn_begin(store *st)
{
	return step_reset(st->stmt[ST_SAVEPOINT]) == SQLITE_DONE ? BOT_OK : BOT_ERR_DB;
}

void
store_turn_end(store *st, int keep)
{
	if (!keep) {
		step_reset(st->stmt[ST_ROLLBACK_TO]);
		st->queue_valid = 0; /* the turn may have moved the queue */
	}
	step_reset(st->stmt[ST_RELEASE]);
}

void
store_batch_rollback(store *st)
{
	if (!st->in_batch)
		return;
	step_reset(st->stmt[ST_ROLLBACK]);
	st->in_batch = 0;
	st->queue_valid = 0;
}

int
store_batch_open(const store *st)
{
	return st->in_batch;
}

bot_err
store_sync(store *st)
{
	if (!st->deferred_sync)
		return BOT_OK; /* every commit already synced itself */
	/* The descriptor is ours; the WAL file it names is SQLite's, which
	 * keeps it for as long as the database is open. Should it ever be
	 * replaced, the new one is what needs syncing. */
	struct stat now;
	if (stat(st->wal_path, &now) != 0) {
		log_error("store: cannot stat %s: %s", st->wal_path, strerror(errno));
		return BOT_ERR_IO;
	}
	if (st->wal_fd < 0 || now.st_dev != st->wal_dev || now.st_ino != st->wal_ino) {
		if (st->wal_fd >= 0)
			close(st->wal_fd);
		st->wal_fd = open(st->wal_path, O_RDONLY | O_CLOEXEC);
		struct stat got;
		if (st->wal_fd < 0 || fstat(st->wal_fd, &got) != 0) {
			log_error("store: cannot open %s: %s", st->wal_path, strerror(errno));
			return BOT_ERR_IO;
		}
		st->wal_dev = got.st_dev;
		st->wal_ino = got.st_ino;
	}
	if (fdatasync(st->wal_fd) != 0) {
		log_error("store: fdatasync of %s failed: %s", st->wal_path, strerror(errno));
		return BOT_ERR_IO;
	}
	return BOT_OK;
}

int
store_deferred_sync(const store *st)
{
	return st->deferred_sync;
}

int64_t
store_last_commit_us(const store *st)
{
	return st->last_commit_us;
}

/* ---- conversations and messages ----------------------------------------- */

static void
copy_col(sqlite3_stmt *s, int col, char *buf, size_t len)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	snprintf(buf, len, "%s", t ? (const char *)t : "");
}

static void
read_conversation(sqlite3_stmt *s, store_conversation *c)
{
	memset(c, 0, sizeof(*c));
	copy_col(s, 0, c->id, sizeof(c->id));
	c->member_id = sqlite3_column_int64(s, 1);
	c->account_id = sqlite3_column_int64(s, 2);
	copy_col(s, 3, c->channel, sizeof(c->channel));
	copy_col(s, 4, c->state, sizeof(c->state));
	copy_col(s, 5, c->lang, sizeof(c->lang));
	c->last_seq = sqlite3_column_int64(s, 6);
	c->misses = sqlite3_column_int(s, 7);
	copy_col(s, 8, c->pending, sizeof(c->pending));
}

/* Steps S (already bound) for one row and reads its first column as an
 * integer into *OUT; resets S. BOT_ERR_NOT_FOUND when there is no row. */
static bot_err
one_int64(sqlite3_stmt *s, int64_t *out)
{
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc == SQLITE_ROW)
		return BOT_OK;
	return rc == SQLITE_DONE ? BOT_ERR_NOT_FOUND : BOT_ERR_DB;
}

/* The same for a row that is a conversation (the columns of ST_CONV_GET). */
static bot_err
one_conversation(sqlite3_stmt *s, store_conversation *out)
{
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		read_conversation(s, out);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc == SQLITE_ROW)
		return BOT_OK;
	return rc == SQLITE_DONE ? BOT_ERR_NOT_FOUND : BOT_ERR_DB;
}

bot_err
store_conversation_create(store *st, int64_t member_id, const char *channel,
			  const char *channel_key, store_conversation *out)
{
	unsigned char rnd[16];
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return BOT_ERR_IO;
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < 16; i++)
		snprintf(out->id + 2 * i, 3, "%02x", rnd[i]);
	out->member_id = member_id;
	snprintf(out->channel, sizeof(out->channel), "%s", channel);
	snprintf(out->state, sizeof(out->state), "bot");
	snprintf(out->lang, sizeof(out->lang), "ko");
	char now[20];
	clock_format_utc(clock_now(), now);
	sqlite3_stmt *s = st->stmt[ST_CONV_INSERT];
	sqlite3_bind_text(s, 1, out->id, -1, SQLITE_STATIC);
	if (member_id)
		sqlite3_bind_int64(s, 2, member_id);
	sqlite3_bind_text(s, 3, channel, -1, SQLITE_STATIC);
	if (channel_key)
		sqlite3_bind_text(s, 4, channel_key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, now, -1, SQLITE_STATIC);
	if (step_reset(s) != SQLITE_DONE) {
		log_error("store: conversation insert failed: %s", sqlite3_errmsg(st->db));
		return BOT_ERR_DB;
	}
	return BOT_OK;
}

bot_err
store_conversation_get(store *st, const char *id, store_conversation *out)
{
	sqlite3_stmt *s = st->stmt[ST_CONV_GET];
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	return one_conversation(s, out);
}

bot_err
store_conversation_find_channel(store *st, const char *channel, const char *channel_key,
				store_conversation *out)
{
	sqlite3_stmt *s = st->stmt[ST_CONV_FIND_CHANNEL];
	sqlite3_bind_text(s, 1, channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, channel_key, -1, SQLITE_STATIC);
	return one_conversation(s, out);
}

bot_err
store_conversation_update(store *st, const store_conversation *conv)
{
	char now[20];
	clock_format_utc(clock_now(), now);
	sqlite3_stmt *s = st->stmt[ST_CONV_UPDATE];
	sqlite3_bind_text(s, 1, conv->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, conv->account_id);
	sqlite3_bind_text(s, 3, conv->state, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, conv->lang, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 5, conv->misses);
	sqlite3_bind_text(s, 6, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, conv->pending, -1, SQLITE_STATIC);
	return step_reset(s) == SQLITE_DONE ? BOT_OK : BOT_ERR_DB;
}

bot_err
store_message_by_client_id(store *st, const char *conv_id, const char *client_id,
			   int64_t *seq_out)
{
	sqlite3_stmt *s = st->stmt[ST_MSG_BY_CLIENT];
	sqlite3_bind_text(s, 1, conv_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, client_id, -1, SQLITE_STATIC);
	return one_int64(s, seq_out);
}

bot_err
store_message_append(store *st, store_conversation *conv, store_message *msg, int *duplicate)
{
	*duplicate = 0;
	if (msg->client_id) {
		int64_t seq;
		bot_err e = store_message_by_client_id(st, conv->id, msg->client_id, &seq);
		if (e == BOT_OK) {
			*duplicate = 1;
			msg->seq = seq;
			return BOT_OK;
		}
		if (e != BOT_ERR_NOT_FOUND)
			return e;
	}
	char now[20];
	clock_format_utc(clock_now(), now);
	int64_t seq = conv->last_seq + 1;
	sqlite3_stmt *s = st->stmt[ST_MSG_INSERT];
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
	if (step_reset(s) != SQLITE_DONE) {
		log_error("store: message insert failed: %s", sqlite3_errmsg(st->db));
		return BOT_ERR_DB;
	}
	conv->last_seq = seq;
	msg->seq = seq;
	return BOT_OK;
}

bot_err
store_messages_after(store *st, const char *conv_id, int64_t after, store_message_fn fn, void *ctx)
{
	/* A fresh statement: replay may be re-entered while another runs. */
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, stmt_sql[ST_MSG_AFTER], -1, &s, NULL) != SQLITE_OK)
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
			.created_at = (const char *)sqlite3_column_text(s, 7),
		};
		if (fn(ctx, &m))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		e = BOT_ERR_DB;
	sqlite3_finalize(s);
	return e;
}

/* ---- the handoff queue ---------------------------------------------------- */

/* KEY of CONV_ID's waiting handoff: BOT_ERR_NOT_FOUND when it is not waiting. */
static bot_err
queue_key(store *st, const char *conv_id, waitq_key *key)
{
	sqlite3_stmt *s = st->stmt[ST_QUEUE_KEY];
	sqlite3_bind_text(s, 1, conv_id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*key = (waitq_key){sqlite3_column_int(s, 0), sqlite3_column_int64(s, 1),
				   sqlite3_column_int64(s, 2)};
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_ROW ? BOT_OK : rc == SQLITE_DONE ? BOT_ERR_NOT_FOUND : BOT_ERR_DB;
}

/* Reads the waiting handoffs into st->queue unless it is up to date. */
static bot_err
queue_load(store *st)
{
	if (st->queue_valid)
		return BOT_OK;
	waitq_clear(&st->queue);
	sqlite3_stmt *s = st->stmt[ST_QUEUE_KEYS];
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

/* CONV_ID's handoff is waiting now (enqueued or sent back): its place. */
static void
queue_note_waiting(store *st, const char *conv_id)
{
	waitq_key k;
	if (st->queue_valid &&
	    (queue_key(st, conv_id, &k) != BOT_OK || waitq_add(&st->queue, &k, conv_id) != BOT_OK))
		st->queue_valid = 0;
}

bot_err
store_handoff_enqueue(store *st, store_conversation *conv, const char *reason, int priority,
		      const char *intent, const char *slots_json, const char *attachments_json)
{
	char now[20];
	clock_format_utc(clock_now(), now);
	sqlite3_stmt *s = st->stmt[ST_HANDOFF_INSERT];
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
	if (step_reset(s) != SQLITE_DONE) {
		log_error("store: handoff insert failed: %s", sqlite3_errmsg(st->db));
		return BOT_ERR_DB;
	}
	queue_note_waiting(st, conv->id);
	snprintf(conv->state, sizeof(conv->state), "queued");
	return store_conversation_update(st, conv);
}

/* Column COL as a JSON string, or null. */
static json_t *
col_json_text(sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	return t ? json_string((const char *)t) : json_null();
}

/* "YYYY-MM-DD HH:MM:SS" (UTC) as ISO 8601 "YYYY-MM-DDTHH:MM:SSZ". */
static json_t *
col_json_iso(sqlite3_stmt *s, int col)
{
	const char *t = (const char *)sqlite3_column_text(s, col);
	if (!t || strlen(t) != 19)
		return t ? json_string(t) : json_null();
	char iso[21];
	snprintf(iso, sizeof(iso), "%.10sT%.8sZ", t, t + 11);
	return json_string(iso);
}

bot_err
store_queue_position(store *st, const char *conv_id, int *position)
{
	*position = 0;
	waitq_key k;
	bot_err rc = queue_key(st, conv_id, &k);
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
store_queue_order(store *st, const waitq **order)
{
	bot_err rc = queue_load(st);
	*order = rc == BOT_OK ? &st->queue : NULL;
	return rc;
}

bot_err
store_queue_stats(store *st, int *length, double *oldest_wait_s)
{
	char now[20];
	clock_format_utc(clock_now(), now);
	sqlite3_stmt *s = st->stmt[ST_QUEUE_STATS];
	sqlite3_bind_text(s, 1, now, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	*length = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
	*oldest_wait_s = rc == SQLITE_ROW ? sqlite3_column_double(s, 1) : 0;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_ROW ? BOT_OK : BOT_ERR_DB;
}

int64_t
store_wal_pages(const store *st)
{
	return st->wal_pages;
}

static bot_err
open_aside(store *st)
{
	if (sqlite3_open_v2(st->path, &st->aside, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK)
		goto fail;
	/* A connection opens the WAL at its first read; until then SQLite
	 * treats it as a rollback-journal database, and a checkpoint through it
	 * does nothing at all. */
	if (sqlite3_exec(st->aside, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL) !=
	    SQLITE_OK)
		goto fail;
	return BOT_OK;
fail:
	log_error("store: cannot open a connection to checkpoint: %s",
		  st->aside ? sqlite3_errmsg(st->aside) : "out of memory");
	sqlite3_close_v2(st->aside);
	st->aside = NULL;
	return BOT_ERR_DB;
}

/* Writes the pages a checkpoint pass left in the OS page cache to the disk in
 * pieces, each finished before the next starts. One fdatasync of them all
 * queues megabytes in front of the syncer's small WAL syncs, which then wait
 * milliseconds (the open loop's tail came in bursts with the passes); in
 * pieces, a WAL sync waits for one piece at most. At most 1,024 pieces (a
 * clean piece costs a system call), so a large file has larger ones. Only a
 * matter of timing: the fdatasync after it is what makes the pages durable,
 * so a failure here is left for that to report. */
static void
write_back_in_pieces(int fd)
{
	struct stat sb;
	if (fstat(fd, &sb) != 0)
		return;
	off_t piece = sb.st_size / 1024;
	if (piece < 256 * 1024)
		piece = 256 * 1024;
	for (off_t o = 0; o < sb.st_size; o += piece)
		if (sync_file_range(fd, o, piece,
				    SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
					    SYNC_FILE_RANGE_WAIT_AFTER) != 0)
			return;
}

bot_err
store_checkpoint_aside(store *st, int *wal_frames, int *uncopied_frames)
{
	/* A connection of its own: a passive checkpoint copies pages while the
	 * owner's handle goes on committing (it never takes the write lock). */
	if (!st->aside && open_aside(st) != BOT_OK)
		return BOT_ERR_DB;
	int frames = 0, copied = 0;
	int rc = sqlite3_wal_checkpoint_v2(st->aside, NULL, SQLITE_CHECKPOINT_PASSIVE, &frames,
					   &copied);
	if (wal_frames)
		*wal_frames = frames;
	if (uncopied_frames)
		*uncopied_frames = frames > copied ? frames - copied : 0;
	if (rc == SQLITE_BUSY)
		return BOT_ERR_CONFLICT; /* another checkpoint is running */
	if (rc != SQLITE_OK) {
		log_error("store: checkpoint failed: %s", sqlite3_errmsg(st->aside));
		return BOT_ERR_DB;
	}
	/* A passive pass that copied frames while the owner went on committing
	 * does not sync the database (SQLite syncs it only when the pass caught
	 * up with the WAL's end). The pages it wrote would then all wait for
	 * the owner's last pass before the WAL starts over, which syncs them
	 * while the owner's batches wait: a stall as long as that sync (10-20
	 * ms measured). Synced here, they leave that pass only its own. */
	if (st->db_fd < 0)
		st->db_fd = open(st->path, O_RDONLY | O_CLOEXEC);
	if (st->db_fd < 0) {
		log_error("store: cannot open %s to sync it after a checkpoint: %s", st->path,
			  strerror(errno));
		return BOT_ERR_IO;
	}
	write_back_in_pieces(st->db_fd);
	if (fdatasync(st->db_fd) != 0) {
		log_error("store: cannot sync the database after a checkpoint: %s",
			  strerror(errno));
		return BOT_ERR_IO;
	}
	return BOT_OK;
}

void
store_checkpoint(store *st)
{
	if (!st->in_batch)
		sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

bot_err
store_queue_waiting(store *st, int limit, json_t **out)
{
	*out = json_array();
	if (!*out)
		return BOT_ERR_NOMEM;
	sqlite3_stmt *s = st->stmt[ST_QUEUE_WAITING];
	sqlite3_bind_int(s, 1, limit > 0 ? limit : -1);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		json_t *member = sqlite3_column_type(s, 6) == SQLITE_NULL
					 ? json_null()
					 : json_pack("{s:I, s:o}", "id",
						     (json_int_t)sqlite3_column_int64(s, 6), "name",
						     col_json_text(s, 7));
		json_array_append_new(
			*out, json_pack("{s:o, s:i, s:o, s:o, s:o, s:o, s:o, s:o}", "conversation",
					col_json_text(s, 0), "priority", sqlite3_column_int(s, 1),
					"reason", col_json_text(s, 2), "intent", col_json_text(s, 3),
					"channel", col_json_text(s, 4), "enqueued_at",
					col_json_iso(s, 5), "member", member, "preview",
					col_json_text(s, 8)));
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE) {
		json_decref(*out);
		*out = NULL;
		return BOT_ERR_DB;
	}
	return BOT_OK;
}

static bot_err
set_conv_state(store *st, const char *conv_id, const char *state)
{
	char now[20];
	clock_format_utc(clock_now(), now);
	sqlite3_stmt *s = st->stmt[ST_CONV_SET_STATE];
	sqlite3_bind_text(s, 1, conv_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, state, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, now, -1, SQLITE_STATIC);
	return step_reset(s) == SQLITE_DONE ? BOT_OK : BOT_ERR_DB;
}

bot_err
store_handoff_owner(store *st, const char *conv_id, int64_t *agent_id)
{
	sqlite3_stmt *s = st->stmt[ST_HANDOFF_OWNER];
	sqlite3_bind_text(s, 1, conv_id, -1, SQLITE_STATIC);
	return one_int64(s, agent_id);
}

bot_err
store_handoff_claim(store *st, const char *conv_id, int64_t agent_id)
{
	char now[20];
	clock_format_utc(clock_now(), now);
	waitq_key k;
	int placed = st->queue_valid && queue_key(st, conv_id, &k) == BOT_OK;
	sqlite3_stmt *s = st->stmt[ST_HANDOFF_CLAIM];
	sqlite3_bind_text(s, 1, conv_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, agent_id);
	sqlite3_bind_text(s, 3, now, -1, SQLITE_STATIC);
	if (step_reset(s) != SQLITE_DONE)
		return BOT_ERR_DB;
	if (sqlite3_changes(st->db) == 0) {
		int64_t owner;
		return store_handoff_owner(st, conv_id, &owner) == BOT_OK ? BOT_ERR_CONFLICT
									   : BOT_ERR_NOT_FOUND;
	}
	if (!placed || !waitq_remove(&st->queue, &k))
		st->queue_valid = 0;
	return set_conv_state(st, conv_id, "agent");
}

bot_err
store_handoff_release(store *st, const char *conv_id, const char *how, int64_t to_agent)
{
	char now[20];
	clock_format_utc(clock_now(), now);
	sqlite3_stmt *s;
	const char *state;
	if (!strcmp(how, "resolved")) {
		s = st->stmt[ST_HANDOFF_RESOLVE];
		sqlite3_bind_text(s, 2, now, -1, SQLITE_STATIC);
		state = "bot";
	} else if (!strcmp(how, "queue")) {
		s = st->stmt[ST_HANDOFF_REQUEUE];
		state = "queued";
	} else {
		s = st->stmt[ST_HANDOFF_MOVE];
		sqlite3_bind_int64(s, 2, to_agent);
		sqlite3_bind_text(s, 3, now, -1, SQLITE_STATIC);
		state = "agent";
	}
	sqlite3_bind_text(s, 1, conv_id, -1, SQLITE_STATIC);
	if (step_reset(s) != SQLITE_DONE)
		return BOT_ERR_DB;
	if (sqlite3_changes(st->db) == 0)
		return BOT_ERR_NOT_FOUND;
	if (s == st->stmt[ST_HANDOFF_REQUEUE])
		queue_note_waiting(st, conv_id);
	return set_conv_state(st, conv_id, state);
}

bot_err
store_agent_conversations(store *st, int64_t agent_id, json_t **out)
{
	*out = json_array();
	sqlite3_stmt *s = st->stmt[ST_AGENT_CONVS];
	sqlite3_bind_int64(s, 1, agent_id);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		json_array_append_new(*out, col_json_text(s, 0));
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE ? BOT_OK : BOT_ERR_DB;
}

bot_err
store_note_add(store *st, const char *conv_id, int64_t agent_id, const char *text, json_t **note)
{
	char now[20];
	clock_format_utc(clock_now(), now);
	sqlite3_stmt *s = st->stmt[ST_NOTE_INSERT];
	sqlite3_bind_text(s, 1, conv_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, agent_id);
	sqlite3_bind_text(s, 3, text, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, now, -1, SQLITE_STATIC);
	if (step_reset(s) != SQLITE_DONE)
		return BOT_ERR_DB;
	char name[128] = "";
	store_agent_name(st, agent_id, name, sizeof(name));
	char iso[21];
	snprintf(iso, sizeof(iso), "%.10sT%.8sZ", now, now + 11);
	*note = json_pack("{s:s, s:s, s:s}", "agent", name, "text", text, "at", iso);
	return *note ? BOT_OK : BOT_ERR_NOMEM;
}

bot_err
store_handoff_rate(store *st, const char *conv_id, int score, int64_t *agent_id)
{
	sqlite3_stmt *s = st->stmt[ST_HANDOFF_RATE];
	sqlite3_bind_text(s, 1, conv_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, score);
	int64_t ignored;
	return one_int64(s, agent_id ? agent_id : &ignored);
}

static bot_err
int64_list(store *st, const char *sql, int64_t arg, int has_arg, json_t **out)
{
	sqlite3_stmt *s;
	*out = json_array();
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return BOT_ERR_DB;
	if (has_arg)
		sqlite3_bind_int64(s, 1, arg);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		json_array_append_new(*out, json_integer(sqlite3_column_int64(s, 0)));
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? BOT_OK : BOT_ERR_DB;
}

bot_err
store_agents_holding(store *st, json_t **out)
{
	return int64_list(st,
			  "SELECT DISTINCT agent_id FROM handoffs WHERE state = 'claimed' AND "
			  "agent_id IS NOT NULL",
			  0, 0, out);
}

bot_err
store_agent_cap(store *st, int64_t agent_id, int *cap)
{
	json_t *l = NULL;
	bot_err rc = int64_list(st, "SELECT max_concurrent FROM agents WHERE id = ?1", agent_id, 1,
				&l);
	if (rc == BOT_OK && json_array_size(l) == 0)
		rc = BOT_ERR_NOT_FOUND;
	if (rc == BOT_OK)
		*cap = (int)json_integer_value(json_array_get(l, 0));
	json_decref(l);
	return rc;
}

bot_err
store_handle_time_avg(store *st, int *seconds)
{
	sqlite3_stmt *s = st->stmt[ST_HANDLE_AVG];
	int rc = sqlite3_step(s);
	*seconds = rc == SQLITE_ROW ? (int)sqlite3_column_double(s, 0) : 0;
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? BOT_OK : BOT_ERR_DB;
}

/* Runs SQL (one statement, ?1 = conversation id) and returns its rows as a
 * JSON array of objects keyed by column name. Used for the handoff packet,
 * which is built rarely (a claim), so the statements are not kept. */
static json_t *
rows_json(store *st, const char *sql, const char *conv_id)
{
	sqlite3_stmt *s;
	json_t *arr = json_array();
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return arr;
	sqlite3_bind_text(s, 1, conv_id, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		json_t *row = json_object();
		for (int c = 0; c < sqlite3_column_count(s); c++) {
			const char *name = sqlite3_column_name(s, c);
			json_t *v;
			if (sqlite3_column_type(s, c) == SQLITE_INTEGER)
				v = json_integer(sqlite3_column_int64(s, c));
			else if (!strcmp(name, "at"))
				v = col_json_iso(s, c);
			else
				v = col_json_text(s, c);
			json_object_set_new(row, name, v);
		}
		json_array_append_new(arr, row);
	}
	sqlite3_finalize(s);
	return arr;
}

bot_err
store_handoff_packet(store *st, const char *conv_id, json_t **out)
{
	*out = NULL;
	store_conversation c;
	bot_err rc = store_conversation_get(st, conv_id, &c);
	if (rc != BOT_OK)
		return rc;
	json_t *p = json_object();
	char name[128] = "";
	if (c.member_id && store_member_name(st, c.member_id, name, sizeof(name)) == BOT_OK)
		json_object_set_new(p, "member", json_pack("{s:I, s:s}", "id",
							   (json_int_t)c.member_id, "name", name));
	else
		json_object_set_new(p, "member", json_null());
	json_t *acc = rows_json(st,
				"SELECT a.id, a.account_no, a.name, a.status, a.off_reason, "
				"a.cash_balance, a.business_status FROM ad_accounts a JOIN "
				"conversations c ON c.account_id = a.id WHERE c.id = ?1",
				conv_id);
	json_object_set(p, "account", json_array_size(acc) ? json_array_get(acc, 0) : json_null());
	json_decref(acc);
	json_object_set_new(p, "accounts",
			    rows_json(st,
				      "SELECT a.id, a.account_no, a.name FROM account_members m JOIN "
				      "ad_accounts a ON a.id = m.account_id JOIN conversations c ON "
				      "c.member_id = m.member_id WHERE c.id = ?1 AND m.left_at IS NULL "
				      "ORDER BY a.account_no",
				      conv_id));
	json_object_set_new(p, "channel", json_string(c.channel));
	/* The latest handoff row of this conversation carries why it was
	 * escalated and what the bot attached. */
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db,
			       "SELECT reason, intent, slots, attachments, strftime('%s', ?2) - "
			       "strftime('%s', enqueued_at) FROM handoffs WHERE conversation_id = ?1 "
			       "ORDER BY id DESC LIMIT 1",
			       -1, &s, NULL) == SQLITE_OK) {
		char now[20];
		clock_format_utc(clock_now(), now);
		sqlite3_bind_text(s, 1, conv_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, now, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW) {
			json_object_set_new(p, "reason", col_json_text(s, 0));
			json_object_set_new(p, "intent", col_json_text(s, 1));
			const char *slots = (const char *)sqlite3_column_text(s, 2);
			const char *att = (const char *)sqlite3_column_text(s, 3);
			json_t *sj = slots ? json_loads(slots, 0, NULL) : NULL;
			json_t *aj = att ? json_loads(att, 0, NULL) : NULL;
			json_object_set_new(p, "slots", sj ? sj : json_object());
			json_object_set_new(p, "attachments", aj ? aj : json_array());
			json_object_set_new(p, "waited_s", json_integer(sqlite3_column_int64(s, 4)));
		}
		sqlite3_finalize(s);
	}
	json_object_set_new(p, "transcript",
			    rows_json(st,
				      "SELECT m.seq, m.sender AS 'from', m.text, m.intent, a.name AS "
				      "name, m.created_at AS at FROM messages m LEFT JOIN agents a ON "
				      "a.id = m.agent_id WHERE m.conversation_id = ?1 ORDER BY m.seq",
				      conv_id));
	json_object_set_new(p, "notes",
			    rows_json(st,
				      "SELECT a.name AS agent, n.text, n.created_at AS at FROM notes n "
				      "JOIN agents a ON a.id = n.agent_id WHERE n.conversation_id = ?1 "
				      "ORDER BY n.id",
				      conv_id));
	*out = p;
	return BOT_OK;
}

/* ---- members and accounts ----------------------------------------------- */

bot_err
store_member_accounts(store *st, int64_t member_id, char *name, size_t name_len,
		      store_account *out, size_t max, size_t *n)
{
	sqlite3_stmt *s = st->stmt[ST_MEMBER_ACCOUNTS];
	sqlite3_bind_int64(s, 1, member_id);
	*n = 0;
	if (name && name_len)
		name[0] = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (name && name_len)
			copy_col(s, 0, name, name_len);
		if (sqlite3_column_type(s, 1) == SQLITE_NULL)
			continue; /* an active member without accounts */
		if (*n < max) {
			out[*n].id = sqlite3_column_int64(s, 1);
			copy_col(s, 2, out[*n].account_no, sizeof(out[*n].account_no));
			copy_col(s, 3, out[*n].name, sizeof(out[*n].name));
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
store_member_can_see(store *st, int64_t member_id, int64_t account_id)
{
	sqlite3_stmt *s = st->stmt[ST_MEMBER_CAN_SEE];
	sqlite3_bind_int64(s, 1, member_id);
	sqlite3_bind_int64(s, 2, account_id);
	int rc = step_reset(s);
	if (rc == SQLITE_ROW)
		return BOT_OK;
	return rc == SQLITE_DONE ? BOT_ERR_FORBIDDEN : BOT_ERR_DB;
}

static bot_err
lookup_text(sqlite3_stmt *s, int64_t id, char *buf, size_t len)
{
	sqlite3_bind_int64(s, 1, id);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		copy_col(s, 0, buf, len);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc == SQLITE_ROW)
		return BOT_OK;
	return rc == SQLITE_DONE ? BOT_ERR_NOT_FOUND : BOT_ERR_DB;
}

bot_err
store_member_name(store *st, int64_t member_id, char *buf, size_t len)
{
	return lookup_text(st->stmt[ST_MEMBER_NAME], member_id, buf, len);
}

bot_err
store_agent_name(store *st, int64_t agent_id, char *buf, size_t len)
{
	return lookup_text(st->stmt[ST_AGENT_NAME], agent_id, buf, len);
}

bot_err
store_kakao_member(store *st, const char *bot_user_key, int64_t *member_id)
{
	sqlite3_stmt *s = st->stmt[ST_KAKAO_MEMBER];
	sqlite3_bind_text(s, 1, bot_user_key, -1, SQLITE_STATIC);
	return one_int64(s, member_id);
}

/* ---- read-only answer queries ------------------------------------------- */

bot_err
store_query_prepare(store *st, const char *sql, store_query **out, char *err, size_t errlen)
{
	*out = NULL;
	store_query *q = calloc(1, sizeof(*q));
	if (!q)
		return BOT_ERR_NOMEM;
	q->st = st;
	const char *tail = NULL;
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &q->stmt, &tail) !=
	    SQLITE_OK) {
		set_err(err, errlen, "query does not prepare: %s%s", sqlite3_errmsg(st->db), NULL);
		goto fail;
	}
	if (!q->stmt || (tail && *tail && strspn(tail, " \t\r\n;") != strlen(tail))) {
		set_err(err, errlen, "query must be exactly one statement%s%s", NULL, NULL);
		goto fail;
	}
	/* Read-only in SQLite's sense still lets BEGIN, SAVEPOINT, ATTACH and
	 * PRAGMA through, which would hold a read open or lift query_only: an
	 * answer query must be a SELECT (or WITH) that returns columns. */
	const char *lead = sql + strspn(sql, " \t\r\n");
	if (!sqlite3_stmt_readonly(q->stmt) || sqlite3_column_count(q->stmt) == 0 ||
	    (strncasecmp(lead, "SELECT", 6) && strncasecmp(lead, "WITH", 4))) {
		set_err(err, errlen, "query is not a read-only SELECT%s%s", NULL, NULL);
		goto fail;
	}
	int n = sqlite3_bind_parameter_count(q->stmt);
	for (int i = 1; i <= n; i++) {
		const char *name = sqlite3_bind_parameter_name(q->stmt, i);
		if (!name || name[0] != ':') {
			set_err(err, errlen, "query uses a positional parameter; only :named ones "
					     "are allowed%s%s", NULL, NULL);
			goto fail;
		}
	}
	*out = q;
	return BOT_OK;
fail:
	store_query_free(q);
	return BOT_ERR_PARSE;
}

static void
bind_json(sqlite3_stmt *s, int i, const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		sqlite3_bind_text(s, i, json_string_value(v), (int)json_string_length(v),
				  SQLITE_STATIC);
		break;
	case JSON_INTEGER:
		sqlite3_bind_int64(s, i, json_integer_value(v));
		break;
	case JSON_REAL:
		sqlite3_bind_double(s, i, json_real_value(v));
		break;
	case JSON_TRUE:
		sqlite3_bind_int(s, i, 1);
		break;
	case JSON_FALSE:
		sqlite3_bind_int(s, i, 0);
		break;
	default:
		sqlite3_bind_null(s, i);
	}
}

bot_err
store_query_run(store_query *q, const json_t *params, size_t max_rows, json_t **rows)
{
	*rows = NULL;
	sqlite3_stmt *s = q->stmt;
	int n = sqlite3_bind_parameter_count(s);
	for (int i = 1; i <= n; i++) {
		const json_t *v = params ? json_object_get(params,
							   sqlite3_bind_parameter_name(s, i) + 1)
					 : NULL;
		if (v)
			bind_json(s, i, v);
		else
			sqlite3_bind_null(s, i);
	}
	json_t *arr = json_array();
	if (!arr)
		goto fail;
	int rc;
	int cols = sqlite3_column_count(s);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (max_rows && json_array_size(arr) >= max_rows)
			break;
		json_t *row = json_object();
		if (!row || json_array_append_new(arr, row))
			goto fail;
		for (int c = 0; c < cols; c++) {
			json_t *v;
			switch (sqlite3_column_type(s, c)) {
			case SQLITE_INTEGER:
				v = json_integer(sqlite3_column_int64(s, c));
				break;
			case SQLITE_FLOAT:
				v = json_real(sqlite3_column_double(s, c));
				break;
			case SQLITE_NULL:
				v = json_null();
				break;
			default:
				v = json_stringn((const char *)sqlite3_column_text(s, c),
						 (size_t)sqlite3_column_bytes(s, c));
			}
			if (json_object_set_new(row, sqlite3_column_name(s, c), v))
				goto fail;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_error("store: answer query failed: %s", sqlite3_errmsg(q->st->db));
		goto fail;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	*rows = arr;
	return BOT_OK;
fail:
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	json_decref(arr);
	return BOT_ERR_DB;
}

void
store_query_free(store_query *q)
{
	if (!q)
		return;
	sqlite3_finalize(q->stmt);
	free(q);
}

bot_err
store_demo_cast(store *st, json_t **out)
{
	*out = NULL;
	if (table_exists(st->db, "demo_cast") != 1)
		return BOT_ERR_NOT_FOUND;
	json_t *cast = json_pack("{s:[], s:[]}", "members", "agents");
	if (!cast)
		return BOT_ERR_NOMEM;
	json_t *members = json_object_get(cast, "members");
	json_t *agents = json_object_get(cast, "agents");
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(st->db,
			       "SELECT m.id, m.name, d.scenario FROM demo_cast d JOIN members m ON "
			       "m.id = d.member_id ORDER BY m.id",
			       -1, &s, NULL) != SQLITE_OK)
		goto fail;
	while (sqlite3_step(s) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);
		store_account acc[16];
		size_t n = 0;
		if (store_member_accounts(st, id, NULL, 0, acc, 16, &n) != BOT_OK)
			goto fail;
		json_t *accounts = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(accounts, json_pack("{s:I, s:s, s:s}", "id",
								  (json_int_t)acc[i].id,
								  "account_no", acc[i].account_no,
								  "name", acc[i].name));
		json_array_append_new(members,
				      json_pack("{s:I, s:s, s:o, s:s}", "id", (json_int_t)id,
						"name", sqlite3_column_text(s, 1), "accounts",
						accounts, "scenario", sqlite3_column_text(s, 2)));
	}
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(st->db, "SELECT id, name FROM agents ORDER BY id", -1, &s, NULL) !=
	    SQLITE_OK)
		goto fail;
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(agents, json_pack("{s:I, s:s}", "id",
							(json_int_t)sqlite3_column_int64(s, 0),
							"name", sqlite3_column_text(s, 1)));
	sqlite3_finalize(s);
	*out = cast;
	return BOT_OK;
fail:
	sqlite3_finalize(s);
	json_decref(cast);
	return BOT_ERR_DB;
}
