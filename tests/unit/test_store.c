/* Unit tests of the SQLite store (bot/store.c) on a temporary database file
 * with the demo cast and a fixed clock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <cmocka.h>

#include "unit_helpers.h"
#include <sqlite3.h>

#include "clock.h"
#include "log.h"
#include "queryjson.h"
#include "store.h"

extern const int embedded_migration_count;
extern const char embedded_schema_sql[];

/* 2026-03-02 01:00:00 UTC = Monday 10:00 KST. */
#define T0 ((time_t)1772413200)

static char dir[64];
static char dbpath[128];
static char err[512];

static store *
open_demo(const char *path, int demo)
{
	store_options opt = {.path = path, .load_demo = demo};
	store *st = NULL;
	err[0] = 0;
	bot_err rc = store_open(&opt, &st, err, sizeof(err));
	if (rc != BOT_OK)
		fail_msg("store_open(%s): %d %s", path, rc, err);
	return st;
}

/* Each test gets a fresh demo database. */
static int
setup(void **state)
{
	clock_set_fixed(T0);
	log_set_level(LOG_WARN);
	snprintf(dir, sizeof(dir), "/tmp/test_store.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(dbpath, sizeof(dbpath), "%s/botd.db", dir);
	*state = open_demo(dbpath, 1);
	return *state ? 0 : -1;
}

static int
teardown(void **state)
{
	store_close(*state);
	remove_db(dbpath);
	char p[200];
	snprintf(p, sizeof(p), "%s/other.db", dir);
	remove_db(p);
	rmdir(dir);
	clock_set_fixed(0);
	return 0;
}

static void
new_conv(store *st, int64_t member, store_conversation *c)
{
	assert_int_equal(store_batch_begin(st), BOT_OK);
	assert_int_equal(store_conversation_create(st, member, "web", NULL, c), BOT_OK);
	assert_int_equal(store_batch_commit(st), BOT_OK);
}

static int64_t
append(store *st, store_conversation *c, const char *sender, const char *client_id,
       const char *text, int *dup)
{
	store_message m = {.sender = sender, .client_id = client_id, .text = text};
	int d = 0;
	assert_int_equal(store_message_append(st, c, &m, &d), BOT_OK);
	if (dup)
		*dup = d;
	return m.seq;
}

/* ---- open ----------------------------------------------------------------- */

/* What store_demo_cast() showed. */
typedef struct cast_seen {
	int members, agents;
	int64_t first_id;
	char first_name[64];
	int first_has_scenario;
} cast_seen;

static int
cast_member(void *ctx, const store_cast_member *m)
{
	cast_seen *c = ctx;
	if (c->members++ == 0) {
		c->first_id = m->id;
		snprintf(c->first_name, sizeof(c->first_name), "%s", m->name);
		c->first_has_scenario = m->scenario && *m->scenario;
	}
	return 0;
}

static int
cast_agent(void *ctx, int64_t id, const char *name)
{
	((cast_seen *)ctx)->agents++;
	return 0;
}

static void
test_open_creates_schema(void **state)
{
	store *st = *state;
	assert_int_equal(store_schema_version(st), 1 + embedded_migration_count);
	assert_int_equal(store_check_writable(st), BOT_OK);
	cast_seen cast;
	memset(&cast, 0, sizeof(cast));
	assert_int_equal(store_demo_cast(st, cast_member, cast_agent, &cast), BOT_OK);
	assert_int_equal(cast.members, 11);
	assert_int_equal(cast.agents, 3);
	assert_int_equal(cast.first_id, 1);
	assert_string_equal(cast.first_name, "김민준");
	assert_true(cast.first_has_scenario);

	/* Reopening an existing database keeps its data and version. */
	store_close(st);
	st = open_demo(dbpath, 1);
	*state = st;
	assert_int_equal(store_schema_version(st), 1 + embedded_migration_count);
	char name[64];
	assert_int_equal(store_member_name(st, 1, name, sizeof(name)), BOT_OK);
	assert_string_equal(name, "김민준");
	store_account acc[4];
	size_t n = 0;
	assert_int_equal(store_member_accounts(st, 3, NULL, 0, acc, 4, &n), BOT_OK);
	assert_int_equal(n, 2); /* demo rows were not loaded twice */
}

static void
test_open_without_demo(void **state)
{
	(void)state;
	char p[160];
	snprintf(p, sizeof(p), "%s/other.db", dir);
	store *st = open_demo(p, 0);
	assert_int_equal(store_schema_version(st), 1 + embedded_migration_count);
	cast_seen cast;
	memset(&cast, 0, sizeof(cast));
	assert_int_equal(store_demo_cast(st, cast_member, cast_agent, &cast), BOT_ERR_NOT_FOUND);
	assert_int_equal(cast.members + cast.agents, 0);
	char name[64];
	assert_int_equal(store_member_name(st, 1, name, sizeof(name)), BOT_ERR_NOT_FOUND);
	/* The schema is there: conversations can be written. */
	store_conversation c;
	assert_int_equal(store_batch_begin(st), BOT_OK);
	assert_int_equal(store_conversation_create(st, 0, "kakao", "unlinked-key", &c), BOT_OK);
	assert_int_equal(store_batch_commit(st), BOT_OK);
	store_close(st);
	/* A database created without demo data does not get it later either. */
	st = open_demo(p, 1);
	assert_int_equal(store_demo_cast(st, cast_member, cast_agent, &cast), BOT_ERR_NOT_FOUND);
	store_close(st);
}

static void
expect_open_fails(const char *path)
{
	store_options opt = {.path = path, .load_demo = 1};
	store *st = (store *)1;
	err[0] = 0;
	assert_int_equal(store_open(&opt, &st, err, sizeof(err)), BOT_ERR_DB);
	assert_null(st);
	assert_true(strlen(err) > 0);
	assert_null(strchr(err, '\n'));
}

static void
test_open_corrupt_or_unreadable(void **state)
{
	(void)state;
	char p[160];
	snprintf(p, sizeof(p), "%s/other.db", dir);
	/* Not a database at all. */
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	for (int i = 0; i < 512; i++)
		fputs("this is not an SQLite database\n", f);
	fclose(f);
	expect_open_fails(p);
	assert_non_null(strstr(err, p));
	remove_db(p);

	/* A real header followed by garbage. */
	f = fopen(p, "w");
	fputs("SQLite format 3", f);
	fputc(0, f);
	for (int i = 0; i < 8192; i++)
		fputc(0xA5, f);
	fclose(f);
	expect_open_fails(p);
	remove_db(p);

	/* A directory, and a path in a directory that does not exist. */
	expect_open_fails(dir);
	expect_open_fails("/nonexistent-botd-dir/x.db");
}

static void
test_open_future_schema(void **state)
{
	(void)state;
	char p[160];
	snprintf(p, sizeof(p), "%s/other.db", dir);
	store *st = open_demo(p, 0);
	store_close(st);
	/* Pretend a newer botd migrated this file. */
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "INSERT INTO schema_version (version, applied_at) VALUES "
				      "(999, '2030-01-01 00:00:00')",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	expect_open_fails(p);
	assert_non_null(strstr(err, "999"));
	remove_db(p);
}

/* A version-1 database (messages clustered by conversation, last_seq kept
 * in the conversation row) opens as the current version with every message
 * in place, in order, and the next message continues the sequence. */
static void
test_migrate_from_v1(void **state)
{
	(void)state;
	char p[160];
	snprintf(p, sizeof(p), "%s/v1.db", dir);
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, embedded_schema_sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(
		sqlite3_exec(db,
			     "INSERT INTO schema_version VALUES (1, '2026-01-01 00:00:00');"
			     "INSERT INTO members (id, name, created_at) VALUES (1, 'a', "
			     "'2026-01-01 00:00:00');"
			     "INSERT INTO conversations (id, member_id, channel, last_seq, created_at, "
			     "updated_at) VALUES ('c1', 1, 'web', 3, '2026-01-01 00:00:00', "
			     "'2026-01-01 00:00:00');"
			     "INSERT INTO messages (conversation_id, seq, sender, client_id, text, "
			     "created_at) VALUES ('c1', 2, 'bot', NULL, 'two', '2026-01-01 00:00:01'),"
			     "('c1', 1, 'customer', 'k1', 'one', '2026-01-01 00:00:01'),"
			     "('c1', 3, 'customer', 'k3', 'three', '2026-01-01 00:00:02');",
			     NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(db);

	store_options so = {.path = p};
	store *st = NULL;
	assert_int_equal(store_open(&so, &st, err, sizeof(err)), BOT_OK);
	assert_int_equal(store_schema_version(st), 1 + embedded_migration_count);
	store_conversation c;
	assert_int_equal(store_conversation_get(st, "c1", &c), BOT_OK);
	assert_int_equal(c.last_seq, 3);
	int dup = -1;
	store_message m = {.sender = "customer", .client_id = "k1", .text = "one again"};
	assert_int_equal(store_batch_begin(st), BOT_OK);
	assert_int_equal(store_message_append(st, &c, &m, &dup), BOT_OK);
	assert_int_equal(dup, 1); /* the client id survived the migration */
	assert_int_equal(m.seq, 1);
	m = (store_message){.sender = "customer", .client_id = "k4", .text = "four"};
	assert_int_equal(store_message_append(st, &c, &m, &dup), BOT_OK);
	assert_int_equal(dup, 0);
	assert_int_equal(m.seq, 4);
	assert_int_equal(store_batch_commit(st), BOT_OK);
	store_close(st);

	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	sqlite3_stmt *q = NULL;
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT group_concat(text, ',') FROM (SELECT text FROM "
					    "messages WHERE conversation_id = 'c1' ORDER BY seq)",
					    -1, &q, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "one,two,three,four");
	sqlite3_finalize(q);
	sqlite3_close(db);
	remove_db(p);
}

/* With deferred_sync a commit leaves the sync to store_sync(), which works
 * from a descriptor of its own and follows the WAL file if it is replaced;
 * without it, store_sync() has nothing to do. */
static void
test_deferred_sync(void **state)
{
	(void)state;
	char p[160], wal[176];
	snprintf(p, sizeof(p), "%s/sync.db", dir);
	snprintf(wal, sizeof(wal), "%s-wal", p);
	store_options so = {.path = p, .load_demo = 1, .deferred_sync = 1};
	store *st = NULL;
	assert_int_equal(store_open(&so, &st, err, sizeof(err)), BOT_OK);
	assert_true(store_deferred_sync(st));
	store_conversation c;
	assert_int_equal(store_batch_begin(st), BOT_OK);
	assert_int_equal(store_conversation_create(st, 1, "web", NULL, &c), BOT_OK);
	assert_int_equal(store_batch_commit(st), BOT_OK);
	assert_int_equal(store_sync(st), BOT_OK);
	assert_int_equal(store_sync(st), BOT_OK); /* again, same descriptor */
	/* The WAL gone from under it: a clear error, not a silent success. */
	char moved[200];
	snprintf(moved, sizeof(moved), "%s.moved", wal);
	assert_int_equal(rename(wal, moved), 0);
	assert_int_equal(store_sync(st), BOT_ERR_IO);
	assert_int_equal(rename(moved, wal), 0);
	assert_int_equal(store_sync(st), BOT_OK);
	store_close(st);
	remove_db(p);

	so.deferred_sync = 0;
	assert_int_equal(store_open(&so, &st, err, sizeof(err)), BOT_OK);
	assert_false(store_deferred_sync(st));
	assert_int_equal(store_sync(st), BOT_OK);
	store_close(st);
	remove_db(p);
}

/* The checkpointer's connection copies the WAL back while the owner goes on
 * committing; a restart then makes the owner's next batch write the WAL
 * from its start, so the WAL stays bounded under steady writes. */
static void
test_checkpoint_aside(void **state)
{
	(void)state;
	char p[160];
	snprintf(p, sizeof(p), "%s/ckpt.db", dir);
	store_options so = {.path = p, .load_demo = 1, .deferred_sync = 1, .manual_checkpoint = 1};
	store *st = NULL;
	assert_int_equal(store_open(&so, &st, err, sizeof(err)), BOT_OK);
	store_conversation c;
	new_conv(st, 1, &c);
	for (int i = 0; i < 40; i++) {
		char cid[16];
		snprintf(cid, sizeof(cid), "m%d", i);
		assert_int_equal(store_batch_begin(st), BOT_OK);
		append(st, &c, "customer", cid, "a question about my balance", NULL);
		assert_int_equal(store_batch_commit(st), BOT_OK);
	}
	int64_t before = store_wal_pages(st);
	assert_true(before >= 40);
	/* A passive pass, run while the owner has its next batch open as it
	 * does under load, sees every frame the owner committed (a connection
	 * that never read would see no WAL at all and copy nothing)... */
	assert_int_equal(store_batch_begin(st), BOT_OK);
	append(st, &c, "customer", "after-passive", "and my card", NULL);
	int frames = -2;
	assert_int_equal(store_checkpoint_aside(st, &frames, NULL), BOT_OK);
	assert_int_equal(frames, before);
	/* ...but the WAL goes on growing: that batch began before the copy. */
	assert_int_equal(store_batch_commit(st), BOT_OK);
	assert_true(store_wal_pages(st) > before);
	/* The owner's own pass between two batches copies the rest, so its
	 * next batch writes from the WAL's start again. */
	store_checkpoint(st);
	assert_int_equal(store_batch_begin(st), BOT_OK);
	append(st, &c, "customer", "after-restart", "and my invoice", NULL);
	assert_int_equal(store_batch_commit(st), BOT_OK);
	assert_true(store_wal_pages(st) < 10);
	/* Inside a batch it does nothing: the WAL goes on from where it is. */
	assert_int_equal(store_batch_begin(st), BOT_OK);
	append(st, &c, "customer", "open", "still typing", NULL);
	int64_t open_pages = store_wal_pages(st);
	store_checkpoint(st);
	assert_int_equal(store_batch_commit(st), BOT_OK);
	assert_true(store_wal_pages(st) > open_pages);
	store_close(st);
	/* Nothing was lost on the way: every message is there after a reopen. */
	so = (store_options){.path = p};
	assert_int_equal(store_open(&so, &st, err, sizeof(err)), BOT_OK);
	store_conversation g;
	assert_int_equal(store_conversation_get(st, c.id, &g), BOT_OK);
	assert_int_equal(g.last_seq, 43);
	store_close(st);
	remove_db(p);
}

/* fdatasync as SQLite and the store call it, counted for one file: this
 * definition in the test program takes the place of libc's. */
static ino_t synced_ino;
static int synced_count;

int
fdatasync(int fd)
{
	struct stat sb;
	if (synced_ino && fstat(fd, &sb) == 0 && sb.st_ino == synced_ino)
		synced_count++;
	return (int)syscall(SYS_fdatasync, fd);
}

/* A passive pass that cannot reach the WAL's end (here a reader holds an
 * older snapshot; under load, the owner's next commits) says how much it
 * left, and still syncs what it copied into the database: SQLite alone
 * would leave that to the restart, which syncs while the owner waits. */
static void
test_passive_pass_syncs_what_it_copied(void **state)
{
	(void)state;
	char p[160];
	snprintf(p, sizeof(p), "%s/ckpt-sync.db", dir);
	store_options so = {.path = p, .load_demo = 1, .deferred_sync = 1, .manual_checkpoint = 1};
	store *st = NULL;
	assert_int_equal(store_open(&so, &st, err, sizeof(err)), BOT_OK);
	store_conversation c;
	new_conv(st, 1, &c);
	int frames = 0, uncopied = -1;
	assert_int_equal(store_checkpoint_aside(st, &frames, &uncopied), BOT_OK);
	assert_int_equal(uncopied, 0);
	sqlite3 *reader = NULL;
	sqlite3_stmt *q = NULL;
	assert_int_equal(sqlite3_open_v2(p, &reader, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(reader, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(reader, "SELECT COUNT(*) FROM messages", -1, &q, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	for (int i = 0; i < 10; i++) {
		char cid[16];
		snprintf(cid, sizeof(cid), "s%d", i);
		assert_int_equal(store_batch_begin(st), BOT_OK);
		append(st, &c, "customer", cid, "is my card dormant", NULL);
		assert_int_equal(store_batch_commit(st), BOT_OK);
	}
	struct stat sb;
	assert_int_equal(stat(p, &sb), 0);
	synced_ino = sb.st_ino;
	synced_count = 0;
	assert_int_equal(store_checkpoint_aside(st, &frames, &uncopied), BOT_OK);
	synced_ino = 0;
	assert_true(uncopied >= 10);
	assert_true(uncopied <= frames);
	assert_int_equal(synced_count, 1);
	/* Once the reader has gone the next pass reaches the end. */
	sqlite3_finalize(q);
	assert_int_equal(sqlite3_exec(reader, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(reader);
	assert_int_equal(store_checkpoint_aside(st, &frames, &uncopied), BOT_OK);
	assert_int_equal(uncopied, 0);
	store_close(st);
}

static int64_t
count_messages(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	int64_t n = -1;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM messages", -1, &s, NULL),
			 SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

static void
copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	assert_non_null(in);
	assert_non_null(out);
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

/* With warm_cache the handle's WAL writes are held and go out in one write
 * per commit (rovfs.c). Every commit must be in the file by the time it is
 * published: another connection sees each one at once, and a copy of the
 * files taken while the store is open (what a crash leaves) recovers all. */
static void
test_wal_writes_held(void **state)
{
	(void)state;
	char p[160], w[176], cp[176], cw[192];
	snprintf(p, sizeof(p), "%s/held.db", dir);
	snprintf(w, sizeof(w), "%s-wal", p);
	snprintf(cp, sizeof(cp), "%s/crash.db", dir);
	snprintf(cw, sizeof(cw), "%s-wal", cp);
	store_options so = {.path = p,
			    .load_demo = 1,
			    .deferred_sync = 1,
			    .manual_checkpoint = 1,
			    .warm_cache = 1};
	store *st = NULL;
	if (store_open(&so, &st, err, sizeof(err)) != BOT_OK)
		fail_msg("store_open: %s", err);
	store_conversation c;
	new_conv(st, 1, &c);
	int64_t base = count_messages(p);
	char text[600];
	memset(text, 'q', sizeof(text) - 1);
	text[sizeof(text) - 1] = 0;
	for (int i = 0; i < 60; i++) {
		assert_int_equal(store_batch_begin(st), BOT_OK);
		for (int k = 0; k <= i % 7; k++) {
			char cid[24];
			snprintf(cid, sizeof(cid), "w%d-%d", i, k);
			append(st, &c, "customer", cid, text, NULL);
		}
		assert_int_equal(store_batch_commit(st), BOT_OK);
		if (i % 10 == 9)
			assert_int_equal(count_messages(p), base + c.last_seq);
	}
	/* A pass of the checkpointer in between, and more commits after it. */
	assert_int_equal(store_checkpoint_aside(st, NULL, NULL), BOT_OK);
	assert_int_equal(store_batch_begin(st), BOT_OK);
	append(st, &c, "customer", "last", "the last one", NULL);
	assert_int_equal(store_batch_commit(st), BOT_OK);
	assert_int_equal(count_messages(p), base + c.last_seq);
	copy_file(p, cp);
	copy_file(w, cw);
	assert_int_equal(count_messages(cp), base + c.last_seq);
	store_close(st);
	remove_db(p);
	remove_db(cp);
}

/* ---- conversations ------------------------------------------------------- */

static int
is_hex32(const char *s)
{
	if (strlen(s) != 32)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

static void
test_conversations(void **state)
{
	store *st = *state;
	store_conversation a, b, g;
	new_conv(st, 1, &a);
	new_conv(st, 1, &b);
	assert_true(is_hex32(a.id));
	assert_true(is_hex32(b.id));
	assert_string_not_equal(a.id, b.id);
	assert_int_equal(a.member_id, 1);
	assert_string_equal(a.channel, "web");
	assert_string_equal(conv_state_name(a.state), "bot");
	assert_string_equal(a.lang, "ko");
	assert_int_equal(a.last_seq, 0);

	memset(&g, 0x55, sizeof(g));
	assert_int_equal(store_conversation_get(st, a.id, &g), BOT_OK);
	assert_string_equal(g.id, a.id);
	assert_int_equal(g.member_id, 1);
	assert_int_equal(g.account_id, 0);
	assert_string_equal(g.channel, "web");
	assert_string_equal(conv_state_name(g.state), "bot");
	assert_string_equal(g.lang, "ko");
	assert_int_equal(g.misses, 0);
	assert_string_equal(g.pending, "");

	assert_int_equal(store_conversation_get(st, "0123456789abcdef0123456789abcdef", &g),
			 BOT_ERR_NOT_FOUND);
	assert_int_equal(store_conversation_get(st, "", &g), BOT_ERR_NOT_FOUND);
	assert_int_equal(store_conversation_get(st, "' OR 1=1 --", &g), BOT_ERR_NOT_FOUND);

	/* Update saves account, state, lang, misses and pending. */
	a.account_id = 101;
	a.state = CONV_QUEUED;
	snprintf(a.lang, sizeof(a.lang), "en");
	a.misses = 2;
	snprintf(a.pending, sizeof(a.pending), "{\"intent\":\"free_cash_status\",\"slots\":{}}");
	assert_int_equal(store_batch_begin(st), BOT_OK);
	assert_int_equal(store_conversation_update(st, &a), BOT_OK);
	assert_int_equal(store_batch_commit(st), BOT_OK);
	assert_int_equal(store_conversation_get(st, a.id, &g), BOT_OK);
	assert_int_equal(g.account_id, 101);
	assert_string_equal(conv_state_name(g.state), "queued");
	assert_string_equal(g.lang, "en");
	assert_int_equal(g.misses, 2);
	assert_string_equal(g.pending, a.pending);
	/* Clearing: account 0 and empty pending come back as 0 and "". */
	a.account_id = 0;
	a.pending[0] = 0;
	assert_int_equal(store_batch_begin(st), BOT_OK);
	assert_int_equal(store_conversation_update(st, &a), BOT_OK);
	assert_int_equal(store_batch_commit(st), BOT_OK);
	assert_int_equal(store_conversation_get(st, a.id, &g), BOT_OK);
	assert_int_equal(g.account_id, 0);
	assert_string_equal(g.pending, "");
	/* The other conversation is untouched. */
	assert_int_equal(store_conversation_get(st, b.id, &g), BOT_OK);
	assert_string_equal(conv_state_name(g.state), "bot");
	assert_string_equal(g.lang, "ko");

	/* A state outside the schema's set is refused by the database. */
	b.state = (conv_state)99;
	assert_int_equal(store_batch_begin(st), BOT_OK);
	assert_int_equal(store_conversation_update(st, &b), BOT_ERR_DB);
	store_batch_rollback(st);
}

static void
test_find_channel(void **state)
{
	store *st = *state;
	store_conversation k1, k2, other, g;
	assert_int_equal(store_conversation_find_channel(st, "kakao", "demo-kakao-user-1", &g),
			 BOT_ERR_NOT_FOUND);
	assert_int_equal(store_batch_begin(st), BOT_OK);
	assert_int_equal(store_conversation_create(st, 1, "kakao", "demo-kakao-user-1", &k1), BOT_OK);
	assert_int_equal(store_conversation_create(st, 2, "kakao", "demo-kakao-user-2", &other),
			 BOT_OK);
	assert_int_equal(store_batch_commit(st), BOT_OK);
	assert_string_equal(k1.channel, "kakao");
	assert_int_equal(store_conversation_find_channel(st, "kakao", "demo-kakao-user-1", &g),
			 BOT_OK);
	assert_string_equal(g.id, k1.id);
	assert_string_equal(g.channel, "kakao");
	/* Channel and key must both match. */
	assert_int_equal(store_conversation_find_channel(st, "web", "demo-kakao-user-1", &g),
			 BOT_ERR_NOT_FOUND);
	assert_int_equal(store_conversation_find_channel(st, "kakao", "demo-kakao-user-9", &g),
			 BOT_ERR_NOT_FOUND);
	/* The latest open one wins. */
	clock_set_fixed(T0 + 60);
	assert_int_equal(store_batch_begin(st), BOT_OK);
	assert_int_equal(store_conversation_create(st, 1, "kakao", "demo-kakao-user-1", &k2), BOT_OK);
	assert_int_equal(store_batch_commit(st), BOT_OK);
	assert_int_equal(store_conversation_find_channel(st, "kakao", "demo-kakao-user-1", &g),
			 BOT_OK);
	assert_string_equal(g.id, k2.id);
	/* A closed conversation is not found again. */
	k2.state = CONV_CLOSED;
	assert_int_equal(store_batch_begin(st), BOT_OK);
	assert_int_equal(store_conversation_update(st, &k2), BOT_OK);
	assert_int_equal(store_batch_commit(st), BOT_OK);
	assert_int_equal(store_conversation_find_channel(st, "kakao", "demo-kakao-user-1", &g),
			 BOT_OK);
	assert_string_equal(g.id, k1.id);
	k1.state = CONV_CLOSED;
	assert_int_equal(store_batch_begin(st), BOT_OK);
	assert_int_equal(store_conversation_update(st, &k1), BOT_OK);
	assert_int_equal(store_batch_commit(st), BOT_OK);
	assert_int_equal(store_conversation_find_channel(st, "kakao", "demo-kakao-user-1", &g),
			 BOT_ERR_NOT_FOUND);
	assert_int_equal(store_conversation_find_channel(st, "kakao", "demo-kakao-user-2", &g),
			 BOT_OK);
	assert_string_equal(g.id, other.id);
}

/* ---- messages ------------------------------------------------------------ */

typedef struct collected {
	int n;
	int stop_after; /* 0 = never */
	int64_t seq[16];
	char sender[16][12];
	char client_id[16][20];
	char text[16][64];
	char intent[16][32];
	char meta[16][64];
	char created_at[16][24];
	int64_t agent_id[16];
} collected;

static int
collect(void *ctx, const store_message *m)
{
	collected *c = ctx;
	if (c->n >= 16)
		return 1;
	int i = c->n++;
	c->seq[i] = m->seq;
	snprintf(c->sender[i], sizeof(c->sender[i]), "%s", m->sender);
	snprintf(c->client_id[i], sizeof(c->client_id[i]), "%s", m->client_id ? m->client_id : "-");
	snprintf(c->text[i], sizeof(c->text[i]), "%s", m->text);
	snprintf(c->intent[i], sizeof(c->intent[i]), "%s", m->intent ? m->intent : "-");
	snprintf(c->meta[i], sizeof(c->meta[i]), "%s", m->meta ? m->meta : "-");
	clock_format_utc(m->at, c->created_at[i]); /* the stored form */
	c->agent_id[i] = m->agent_id;
	return c->stop_after && c->n >= c->stop_after;
}

static void
test_messages(void **state)
{
	store *st = *state;
	store_conversation c, other, g;
	new_conv(st, 1, &c);
	new_conv(st, 2, &other);
	int dup = -1;
	assert_int_equal(store_batch_begin(st), BOT_OK);
	assert_int_equal(append(st, &c, "customer", "c-1", "무상캐시 얼마?", &dup), 1);
	assert_int_equal(dup, 0);
	store_message bot = {.sender = "bot", .text = "답변", .intent = "free_cash_status",
			     .meta = "{\"quick_replies\":[]}"};
	assert_int_equal(store_message_append(st, &c, &bot, &dup), BOT_OK);
	assert_int_equal(bot.seq, 2);
	clock_set_fixed(T0 + 5);
	store_message ag = {.sender = "agent", .agent_id = 2, .text = "확인해 드릴게요"};
	assert_int_equal(store_message_append(st, &c, &ag, &dup), BOT_OK);
	assert_int_equal(ag.seq, 3);
	assert_int_equal(c.last_seq, 3);
	/* Seqs are per conversation. */
	assert_int_equal(append(st, &other, "customer", "c-1", "hello", &dup), 1);
	assert_int_equal(dup, 0);
	assert_int_equal(store_batch_commit(st), BOT_OK);
	assert_int_equal(store_conversation_get(st, c.id, &g), BOT_OK);
	assert_int_equal(g.last_seq, 3);

	/* A retried client id: the stored seq, nothing written. */
	assert_int_equal(store_batch_begin(st), BOT_OK);
	store_message again = {.sender = "customer", .client_id = "c-1", .text = "different text"};
	dup = 0;
	assert_int_equal(store_message_append(st, &c, &again, &dup), BOT_OK);
	assert_int_equal(dup, 1);
	assert_int_equal(again.seq, 1);
	assert_int_equal(c.last_seq, 3);
	/* Messages without a client id are never duplicates of each other. */
	assert_int_equal(append(st, &c, "customer", NULL, "no id 1", &dup), 4);
	assert_int_equal(dup, 0);
	assert_int_equal(append(st, &c, "customer", NULL, "no id 2", &dup), 5);
	assert_int_equal(dup, 0);
	assert_int_equal(store_batch_commit(st), BOT_OK);

	int64_t seq = 0;
	assert_int_equal(store_message_by_client_id(st, c.id, "c-1", &seq), BOT_OK);
	assert_int_equal(seq, 1);
	assert_int_equal(store_message_by_client_id(st, c.id, "c-2", &seq), BOT_ERR_NOT_FOUND);
	assert_int_equal(store_message_by_client_id(st, "nope", "c-1", &seq), BOT_ERR_NOT_FOUND);

	collected col;
	memset(&col, 0, sizeof(col));
	assert_int_equal(store_messages_after(st, c.id, 0, collect, &col), BOT_OK);
	assert_int_equal(col.n, 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(col.seq[i], i + 1);
	assert_string_equal(col.sender[0], "customer");
	assert_string_equal(col.client_id[0], "c-1");
	assert_string_equal(col.text[0], "무상캐시 얼마?"); /* the retry did not overwrite */
	assert_string_equal(col.intent[0], "-");
	assert_string_equal(col.created_at[0], "2026-03-02 01:00:00");
	assert_string_equal(col.sender[1], "bot");
	assert_string_equal(col.intent[1], "free_cash_status");
	assert_string_equal(col.meta[1], "{\"quick_replies\":[]}");
	assert_string_equal(col.client_id[1], "-");
	assert_string_equal(col.sender[2], "agent");
	assert_int_equal(col.agent_id[2], 2);
	assert_int_equal(col.agent_id[0], 0);
	assert_string_equal(col.created_at[2], "2026-03-02 01:00:05");
	assert_string_equal(col.text[4], "no id 2");

	/* after: only later seqs. */
	memset(&col, 0, sizeof(col));
	assert_int_equal(store_messages_after(st, c.id, 3, collect, &col), BOT_OK);
	assert_int_equal(col.n, 2);
	assert_int_equal(col.seq[0], 4);
	memset(&col, 0, sizeof(col));
	assert_int_equal(store_messages_after(st, c.id, 5, collect, &col), BOT_OK);
	assert_int_equal(col.n, 0);
	/* stop: a non-zero return ends the walk. */
	memset(&col, 0, sizeof(col));
	col.stop_after = 2;
	assert_int_equal(store_messages_after(st, c.id, 0, collect, &col), BOT_OK);
	assert_int_equal(col.n, 2);
	/* Another conversation's messages never show. */
	memset(&col, 0, sizeof(col));
	assert_int_equal(store_messages_after(st, other.id, 0, collect, &col), BOT_OK);
	assert_int_equal(col.n, 1);
	assert_string_equal(col.text[0], "hello");
	memset(&col, 0, sizeof(col));
	assert_int_equal(store_messages_after(st, "unknown", 0, collect, &col), BOT_OK);
	assert_int_equal(col.n, 0);
}

/* ---- group commit -------------------------------------------------------- */

static void
test_batch(void **state)
{
	store *st = *state;
	assert_false(store_batch_open(st));
	assert_int_equal(store_batch_commit(st), BOT_OK); /* no batch: no-op */
	store_batch_rollback(st);                         /* no batch: no-op */

	store_conversation c, g;
	assert_int_equal(store_batch_begin(st), BOT_OK);
	assert_true(store_batch_open(st));
	assert_int_equal(store_batch_begin(st), BOT_OK); /* cheap when open */
	assert_int_equal(store_conversation_create(st, 1, "web", NULL, &c), BOT_OK);
	assert_int_equal(append(st, &c, "customer", "x", "hi", NULL), 1);
	assert_int_equal(store_check_writable(st), BOT_OK);
	store_batch_rollback(st);
	assert_false(store_batch_open(st));
	/* Rolled back writes are gone. */
	assert_int_equal(store_conversation_get(st, c.id, &g), BOT_ERR_NOT_FOUND);

	assert_int_equal(store_batch_begin(st), BOT_OK);
	assert_int_equal(store_conversation_create(st, 1, "web", NULL, &c), BOT_OK);
	assert_int_equal(append(st, &c, "customer", "x", "hi", NULL), 1);
	/* Answer queries run on the one handle: they see the open batch (its
	 * frames are held until the commit, so nothing they say goes out
	 * before it is on disk), and the same rows after the commit. */
	store_query *q = NULL;
	assert_int_equal(store_query_prepare(st, "SELECT COUNT(*) AS n FROM conversations WHERE "
						 "id = :conv",
					     &q, err, sizeof(err)),
			 BOT_OK);
	json_t *params = json_pack("{s:s}", "conv", c.id), *rows = NULL;
	assert_int_equal(queryjson_run(q, params, 0, &rows), BOT_OK);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "n")), 1);
	json_decref(rows);
	assert_int_equal(store_batch_commit(st), BOT_OK);
	assert_false(store_batch_open(st));
	assert_true(store_last_commit_us(st) >= 0);
	assert_int_equal(queryjson_run(q, params, 0, &rows), BOT_OK);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "n")), 1);
	json_decref(rows);
	json_decref(params);
	store_query_free(q);

	/* Committed writes survive a reopen. */
	store_close(st);
	st = open_demo(dbpath, 1);
	*state = st;
	assert_int_equal(store_conversation_get(st, c.id, &g), BOT_OK);
	assert_int_equal(g.last_seq, 1);
}

static void
test_turns(void **state)
{
	store *st = *state;
	store_conversation c, g;
	assert_int_equal(store_batch_begin(st), BOT_OK);
	assert_int_equal(store_conversation_create(st, 1, "web", NULL, &c), BOT_OK);
	/* A failed turn is undone; the rest of the batch stays. */
	assert_int_equal(store_turn_begin(st), BOT_OK);
	assert_int_equal(append(st, &c, "customer", "t-1", "first", NULL), 1);
	store_turn_end(st, 0);
	assert_int_equal(store_conversation_get(st, c.id, &g), BOT_OK);
	assert_int_equal(g.last_seq, 0);
	c.last_seq = g.last_seq; /* the caller reloads after an undone turn */
	/* A kept turn stays. */
	assert_int_equal(store_turn_begin(st), BOT_OK);
	assert_int_equal(append(st, &c, "customer", "t-2", "second", NULL), 1);
	store_turn_end(st, 1);
	assert_true(store_batch_open(st));
	assert_int_equal(store_batch_commit(st), BOT_OK);

	assert_int_equal(store_conversation_get(st, c.id, &g), BOT_OK);
	assert_int_equal(g.last_seq, 1);
	int64_t seq;
	assert_int_equal(store_message_by_client_id(st, c.id, "t-1", &seq), BOT_ERR_NOT_FOUND);
	assert_int_equal(store_message_by_client_id(st, c.id, "t-2", &seq), BOT_OK);
	assert_int_equal(seq, 1);
}

/* ---- members and accounts ------------------------------------------------ */

static void
test_members(void **state)
{
	store *st = *state;
	store_account acc[8];
	size_t n = 99;
	assert_int_equal(store_member_accounts(st, 1, NULL, 0, acc, 8, &n), BOT_OK);
	assert_int_equal(n, 1);
	assert_int_equal(acc[0].id, 101);
	assert_string_equal(acc[0].account_no, "3015827");
	assert_string_equal(acc[0].name, "민준상회");
	assert_int_equal(store_member_accounts(st, 3, NULL, 0, acc, 8, &n), BOT_OK);
	assert_int_equal(n, 2);
	assert_int_equal(acc[0].id, 103); /* ordered by account number */
	assert_int_equal(acc[1].id, 104);
	assert_int_equal(store_member_accounts(st, 3, NULL, 0, acc, 1, &n), BOT_OK);
	assert_int_equal(n, 1); /* capped at MAX */
	assert_int_equal(store_member_accounts(st, 10, NULL, 0, acc, 8, &n), BOT_OK);
	assert_int_equal(n, 0); /* no account */
	assert_int_equal(store_member_accounts(st, 6, NULL, 0, acc, 8, &n), BOT_OK);
	assert_int_equal(n, 0); /* departed */
	assert_int_equal(store_member_accounts(st, 999, NULL, 0, acc, 8, &n), BOT_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_member_accounts(st, 11, NULL, 0, acc, 8, &n), BOT_OK);
	assert_int_equal(n, 1);
	assert_int_equal(acc[0].id, 101);
	/* The name comes with the accounts, from the same statement. */
	char who[64], alone[64];
	assert_int_equal(store_member_accounts(st, 3, who, sizeof(who), acc, 8, &n), BOT_OK);
	assert_int_equal(store_member_name(st, 3, alone, sizeof(alone)), BOT_OK);
	assert_string_equal(who, alone);
	assert_int_equal(store_member_accounts(st, 10, who, sizeof(who), acc, 8, &n), BOT_OK);
	assert_int_equal(store_member_name(st, 10, alone, sizeof(alone)), BOT_OK);
	assert_string_equal(who, alone); /* a member without accounts still has a name */
	assert_int_equal(store_member_accounts(st, 6, who, sizeof(who), acc, 8, &n), BOT_OK);
	assert_string_equal(who, ""); /* departed */

	assert_int_equal(store_member_can_see(st, 1, 101), BOT_OK);
	assert_int_equal(store_member_can_see(st, 11, 101), BOT_OK);
	assert_int_equal(store_member_can_see(st, 3, 104), BOT_OK);
	assert_int_equal(store_member_can_see(st, 1, 102), BOT_ERR_FORBIDDEN);
	assert_int_equal(store_member_can_see(st, 2, 101), BOT_ERR_FORBIDDEN);
	assert_int_equal(store_member_can_see(st, 6, 107), BOT_ERR_FORBIDDEN); /* left */
	assert_int_equal(store_member_can_see(st, 8, 108), BOT_ERR_FORBIDDEN);
	assert_int_equal(store_member_can_see(st, 10, 101), BOT_ERR_FORBIDDEN);
	assert_int_equal(store_member_can_see(st, 1, 999), BOT_ERR_FORBIDDEN);
	assert_int_equal(store_member_can_see(st, 0, 101), BOT_ERR_FORBIDDEN);
	assert_int_equal(store_member_can_see(st, -1, 101), BOT_ERR_FORBIDDEN);

	char name[128];
	assert_int_equal(store_member_name(st, 2, name, sizeof(name)), BOT_OK);
	assert_string_equal(name, "이서연");
	assert_int_equal(store_member_name(st, 6, name, sizeof(name)), BOT_ERR_NOT_FOUND);
	assert_int_equal(store_member_name(st, 999, name, sizeof(name)), BOT_ERR_NOT_FOUND);
	char tiny[4];
	assert_int_equal(store_member_name(st, 2, tiny, sizeof(tiny)), BOT_OK);
	assert_int_equal(strlen(tiny), 3); /* truncated, terminated */
	assert_int_equal(store_agent_name(st, 1, name, sizeof(name)), BOT_OK);
	assert_string_equal(name, "김지수");
	assert_int_equal(store_agent_name(st, 99, name, sizeof(name)), BOT_ERR_NOT_FOUND);

	int64_t member = 0;
	assert_int_equal(store_kakao_member(st, "demo-kakao-user-2", &member), BOT_OK);
	assert_int_equal(member, 2);
	assert_int_equal(store_kakao_member(st, "demo-kakao-user-99", &member), BOT_ERR_NOT_FOUND);
	assert_int_equal(store_kakao_member(st, "", &member), BOT_ERR_NOT_FOUND);

	int cap = 0;
	assert_int_equal(store_agent_cap(st, 3, &cap), BOT_OK);
	assert_int_equal(cap, 2);
	assert_int_equal(store_agent_cap(st, 1, &cap), BOT_OK);
	assert_int_equal(cap, 3);
	assert_int_equal(store_agent_cap(st, 99, &cap), BOT_ERR_NOT_FOUND);
}

/* ---- the handoff queue --------------------------------------------------- */

static const char *
queue_conv(const store_queue_list *q, size_t i)
{
	return q->items[i].conversation;
}

static void
enqueue(store *st, store_conversation *c, const char *reason, int priority)
{
	assert_int_equal(store_batch_begin(st), BOT_OK);
	assert_int_equal(store_handoff_enqueue(st, c, reason, priority, NULL, NULL, NULL), BOT_OK);
	assert_int_equal(store_batch_commit(st), BOT_OK);
}

static void
in_batch(store *st, bot_err want, bot_err got)
{
	(void)st;
	assert_int_equal(got, want);
}

static void
test_queue_order_and_position(void **state)
{
	store *st = *state;
	store_conversation a, b, c, g;
	new_conv(st, 1, &a);
	new_conv(st, 2, &b);
	new_conv(st, 0, &c);
	store_queue_list q;
	assert_int_equal(store_queue_waiting(st, 0, &q), BOT_OK);
	assert_int_equal(q.n, 0);
	store_queue_list_clear(&q);
	int pos = -1;
	assert_int_equal(store_queue_position(st, a.id, &pos), BOT_ERR_NOT_FOUND);

	assert_int_equal(store_batch_begin(st), BOT_OK);
	assert_int_equal(append(st, &a, "customer", "a1", "첫 질문", NULL), 1);
	assert_int_equal(append(st, &a, "customer", "a2", "마지막 질문", NULL), 2);
	assert_int_equal(store_handoff_enqueue(st, &a, "agent_request", 0, "free_cash_status",
					       "{\"month\":\"2026-10\"}",
					       "[{\"kind\":\"tax_invoice\"}]"),
			 BOT_OK);
	assert_int_equal(store_batch_commit(st), BOT_OK);
	assert_string_equal(conv_state_name(a.state), "queued");
	assert_int_equal(store_conversation_get(st, a.id, &g), BOT_OK);
	assert_string_equal(conv_state_name(g.state), "queued");
	clock_set_fixed(T0 + 60);
	enqueue(st, &b, "not_understood", 0);
	clock_set_fixed(T0 + 120);
	enqueue(st, &c, "needs_human", 5);

	/* Priority first, then waiting time. */
	assert_int_equal(store_queue_waiting(st, 0, &q), BOT_OK);
	assert_int_equal(q.n, 3);
	assert_string_equal(queue_conv(&q, 0), c.id);
	assert_string_equal(queue_conv(&q, 1), a.id);
	assert_string_equal(queue_conv(&q, 2), b.id);
	const store_queue_item *e = &q.items[1];
	assert_int_equal(e->priority, 0);
	assert_string_equal(e->reason, "agent_request");
	assert_string_equal(e->intent, "free_cash_status");
	assert_string_equal(e->channel, "web");
	char iso[CLOCK_ISO_LEN];
	clock_format_iso(e->enqueued_at, iso);
	assert_string_equal(iso, "2026-03-02T01:00:00Z");
	assert_string_equal(e->preview, "마지막 질문");
	assert_int_equal(e->member_id, 1);
	assert_string_equal(e->member_name, "김민준");
	/* No member, no intent, no customer message: none. */
	e = &q.items[0];
	assert_int_equal(e->member_id, 0);
	assert_string_equal(e->intent, "");
	assert_null(e->preview);
	assert_int_equal(e->priority, 5);
	store_queue_list_clear(&q);

	assert_int_equal(store_queue_waiting(st, 2, &q), BOT_OK);
	assert_int_equal(q.n, 2);
	assert_string_equal(queue_conv(&q, 1), a.id);
	store_queue_list_clear(&q);

	assert_int_equal(store_queue_position(st, c.id, &pos), BOT_OK);
	assert_int_equal(pos, 1);
	assert_int_equal(store_queue_position(st, a.id, &pos), BOT_OK);
	assert_int_equal(pos, 2);
	assert_int_equal(store_queue_position(st, b.id, &pos), BOT_OK);
	assert_int_equal(pos, 3);
	assert_int_equal(store_queue_position(st, "nope", &pos), BOT_ERR_NOT_FOUND);

	/* Two enqueued in the same second keep insertion order. */
	store_conversation d;
	new_conv(st, 4, &d);
	enqueue(st, &d, "agent_request", 0);
	assert_int_equal(store_queue_position(st, d.id, &pos), BOT_OK);
	assert_int_equal(pos, 4);

	int len = 0;
	double oldest = 0;
	assert_int_equal(store_queue_stats(st, &len, &oldest), BOT_OK);
	assert_int_equal(len, 4);
	assert_true(oldest >= 119.0 && oldest <= 121.0);
}

static void
test_claim_release_resolve_rate(void **state)
{
	store *st = *state;
	store_conversation a, b, idle, g;
	new_conv(st, 1, &a);
	new_conv(st, 2, &b);
	new_conv(st, 3, &idle);
	enqueue(st, &a, "agent_request", 0);
	clock_set_fixed(T0 + 30);
	enqueue(st, &b, "agent_request", 0);
	int avg = -1;
	assert_int_equal(store_handle_time_avg(st, &avg), BOT_OK);
	assert_int_equal(avg, 0);

	int64_t owner = 0;
	assert_int_equal(store_handoff_owner(st, a.id, &owner), BOT_ERR_NOT_FOUND);
	clock_set_fixed(T0 + 100);
	assert_int_equal(store_batch_begin(st), BOT_OK);
	assert_int_equal(store_handoff_claim(st, a.id, 1), BOT_OK);
	in_batch(st, BOT_ERR_CONFLICT, store_handoff_claim(st, a.id, 2));
	in_batch(st, BOT_ERR_NOT_FOUND, store_handoff_claim(st, idle.id, 2));
	in_batch(st, BOT_ERR_NOT_FOUND, store_handoff_claim(st, "nope", 2));
	assert_int_equal(store_batch_commit(st), BOT_OK);
	assert_int_equal(store_conversation_get(st, a.id, &g), BOT_OK);
	assert_string_equal(conv_state_name(g.state), "agent");
	assert_int_equal(store_handoff_owner(st, a.id, &owner), BOT_OK);
	assert_int_equal(owner, 1);
	int pos = 0;
	assert_int_equal(store_queue_position(st, a.id, &pos), BOT_ERR_NOT_FOUND);
	assert_int_equal(store_queue_position(st, b.id, &pos), BOT_OK);
	assert_int_equal(pos, 1);

	store_id_list l;
	assert_int_equal(store_agent_conversations(st, 1, &l), BOT_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.ids[0], a.id);
	store_id_list_clear(&l);
	assert_int_equal(store_agent_conversations(st, 2, &l), BOT_OK);
	assert_int_equal(l.n, 0);
	store_id_list_clear(&l);
	int64_t holding[4];
	size_t n_holding = 99;
	assert_int_equal(store_agents_holding(st, holding, 4, &n_holding), BOT_OK);
	assert_int_equal(n_holding, 1);
	assert_int_equal(holding[0], 1);

	/* Back to the queue: priority 10, ahead of b which waited longer. */
	assert_int_equal(store_batch_begin(st), BOT_OK);
	assert_int_equal(store_handoff_release(st, a.id, STORE_RELEASE_REQUEUE, 0), BOT_OK);
	assert_int_equal(store_batch_commit(st), BOT_OK);
	assert_int_equal(store_conversation_get(st, a.id, &g), BOT_OK);
	assert_string_equal(conv_state_name(g.state), "queued");
	assert_int_equal(store_handoff_owner(st, a.id, &owner), BOT_ERR_NOT_FOUND);
	store_queue_list q;
	assert_int_equal(store_queue_waiting(st, 0, &q), BOT_OK);
	assert_int_equal(q.n, 2);
	assert_string_equal(queue_conv(&q, 0), a.id);
	assert_int_equal(q.items[0].priority, 10);
	store_queue_list_clear(&q);
	assert_int_equal(store_queue_position(st, a.id, &pos), BOT_OK);
	assert_int_equal(pos, 1);
	assert_int_equal(store_queue_position(st, b.id, &pos), BOT_OK);
	assert_int_equal(pos, 2);
	/* Releasing what is not claimed: not found. */
	assert_int_equal(store_batch_begin(st), BOT_OK);
	in_batch(st, BOT_ERR_NOT_FOUND, store_handoff_release(st, a.id, STORE_RELEASE_REQUEUE, 0));
	in_batch(st, BOT_ERR_NOT_FOUND, store_handoff_release(st, a.id, STORE_RELEASE_RESOLVED, 0));
	in_batch(st, BOT_ERR_NOT_FOUND, store_handoff_release(st, idle.id, STORE_RELEASE_MOVE, 2));

	/* Claim again, move straight to agent 3. */
	clock_set_fixed(T0 + 200);
	assert_int_equal(store_handoff_claim(st, a.id, 2), BOT_OK);
	assert_int_equal(store_handoff_release(st, a.id, STORE_RELEASE_MOVE, 3), BOT_OK);
	assert_int_equal(store_batch_commit(st), BOT_OK);
	assert_int_equal(store_handoff_owner(st, a.id, &owner), BOT_OK);
	assert_int_equal(owner, 3);
	assert_int_equal(store_conversation_get(st, a.id, &g), BOT_OK);
	assert_string_equal(conv_state_name(g.state), "agent");
	assert_int_equal(store_agent_conversations(st, 2, &l), BOT_OK);
	assert_int_equal(l.n, 0);
	store_id_list_clear(&l);

	/* Nothing to rate before it is resolved. */
	int64_t rated = 0;
	assert_int_equal(store_batch_begin(st), BOT_OK);
	in_batch(st, BOT_ERR_NOT_FOUND, store_handoff_rate(st, a.id, 5, &rated));
	/* Resolve 300 s after the last claim. */
	clock_set_fixed(T0 + 500);
	assert_int_equal(store_handoff_release(st, a.id, STORE_RELEASE_RESOLVED, 0), BOT_OK);
	assert_int_equal(store_batch_commit(st), BOT_OK);
	assert_int_equal(store_conversation_get(st, a.id, &g), BOT_OK);
	assert_string_equal(conv_state_name(g.state), "bot");
	assert_int_equal(store_handoff_owner(st, a.id, &owner), BOT_ERR_NOT_FOUND);
	assert_int_equal(store_handle_time_avg(st, &avg), BOT_OK);
	assert_int_equal(avg, 300);
	assert_int_equal(store_agents_holding(st, holding, 4, &n_holding), BOT_OK);
	assert_int_equal(n_holding, 0);

	/* Rated once, and only the resolved handoff. */
	assert_int_equal(store_batch_begin(st), BOT_OK);
	in_batch(st, BOT_ERR_NOT_FOUND, store_handoff_rate(st, b.id, 4, &rated));
	assert_int_equal(store_handoff_rate(st, a.id, 5, &rated), BOT_OK);
	assert_int_equal(rated, 3);
	in_batch(st, BOT_ERR_NOT_FOUND, store_handoff_rate(st, a.id, 1, &rated));
	assert_int_equal(store_batch_commit(st), BOT_OK);

	/* A second escalation of the same conversation can be rated again. */
	clock_set_fixed(T0 + 600);
	enqueue(st, &a, "agent_request", 0);
	assert_int_equal(store_batch_begin(st), BOT_OK);
	assert_int_equal(store_handoff_claim(st, a.id, 1), BOT_OK);
	clock_set_fixed(T0 + 700);
	assert_int_equal(store_handoff_release(st, a.id, STORE_RELEASE_RESOLVED, 0), BOT_OK);
	assert_int_equal(store_handoff_rate(st, a.id, 2, &rated), BOT_OK);
	assert_int_equal(rated, 1);
	assert_int_equal(store_batch_commit(st), BOT_OK);
	assert_int_equal(store_handle_time_avg(st, &avg), BOT_OK);
	assert_int_equal(avg, 200); /* (300 + 100) / 2 */
}

/* The store's copy of the queue order against the table, entry by entry,
 * and every conversation's place. */
static void
assert_order_matches_table(store *st, size_t want_len)
{
	store_queue_list q;
	const waitq *order = NULL;
	assert_int_equal(store_queue_waiting(st, 0, &q), BOT_OK);
	assert_int_equal(store_queue_order(st, &order), BOT_OK);
	assert_int_equal(q.n, want_len);
	assert_int_equal(order->len, want_len);
	for (size_t i = 0; i < want_len; i++) {
		assert_string_equal(order->v[i].conv, queue_conv(&q, i));
		int pos = 0;
		assert_int_equal(store_queue_position(st, queue_conv(&q, i), &pos), BOT_OK);
		assert_int_equal(pos, (int)i + 1);
	}
	store_queue_list_clear(&q);
}

/* The copy is read once and then follows every change the store makes:
 * enqueues (at the back, or ahead by priority), claims from the middle,
 * requeues to the front, and rollbacks of each. */
static void
test_queue_order_follows_changes(void **state)
{
	store *st = *state;
	store_conversation c[6];
	for (int i = 0; i < 6; i++)
		new_conv(st, 1 + i % 3, &c[i]);
	enqueue(st, &c[0], "agent_request", 0);
	assert_order_matches_table(st, 1); /* read from the table here */
	clock_set_fixed(T0 + 30);
	enqueue(st, &c[1], "not_understood", 0);
	enqueue(st, &c[2], "needs_human", 1); /* ahead of both */
	clock_set_fixed(T0 + 60);
	enqueue(st, &c[3], "agent_request", 0);
	assert_order_matches_table(st, 4);

	/* A claim from the middle. */
	assert_int_equal(store_batch_begin(st), BOT_OK);
	assert_int_equal(store_handoff_claim(st, c[1].id, 1), BOT_OK);
	assert_int_equal(store_batch_commit(st), BOT_OK);
	assert_order_matches_table(st, 3);

	/* Sent back: to the front, ahead of priority 1. */
	assert_int_equal(store_batch_begin(st), BOT_OK);
	assert_int_equal(store_handoff_release(st, c[1].id, STORE_RELEASE_REQUEUE, 0), BOT_OK);
	assert_int_equal(store_batch_commit(st), BOT_OK);
	assert_order_matches_table(st, 4);
	int pos = 0;
	assert_int_equal(store_queue_position(st, c[1].id, &pos), BOT_OK);
	assert_int_equal(pos, 1);

	/* Undone: a claim in a batch rolled back, an enqueue in a turn rolled
	 * back inside a batch that commits. */
	assert_int_equal(store_batch_begin(st), BOT_OK);
	assert_int_equal(store_handoff_claim(st, c[2].id, 2), BOT_OK);
	store_batch_rollback(st);
	assert_order_matches_table(st, 4);
	assert_int_equal(store_batch_begin(st), BOT_OK);
	assert_int_equal(store_turn_begin(st), BOT_OK);
	assert_int_equal(store_handoff_enqueue(st, &c[4], "agent_request", 0, NULL, NULL, NULL),
			 BOT_OK);
	store_turn_end(st, 0);
	assert_int_equal(store_turn_begin(st), BOT_OK);
	assert_int_equal(store_handoff_enqueue(st, &c[5], "agent_request", 0, NULL, NULL, NULL),
			 BOT_OK);
	store_turn_end(st, 1);
	assert_int_equal(store_batch_commit(st), BOT_OK);
	assert_order_matches_table(st, 5);
	assert_int_equal(store_queue_position(st, c[4].id, &pos), BOT_ERR_NOT_FOUND);
	assert_int_equal(store_queue_position(st, c[5].id, &pos), BOT_OK);
	assert_int_equal(pos, 5);
}

static void
test_rollback_undoes_claim(void **state)
{
	store *st = *state;
	store_conversation a, g;
	new_conv(st, 1, &a);
	enqueue(st, &a, "agent_request", 0);
	assert_int_equal(store_batch_begin(st), BOT_OK);
	assert_int_equal(store_handoff_claim(st, a.id, 1), BOT_OK);
	store_batch_rollback(st);
	int64_t owner;
	assert_int_equal(store_handoff_owner(st, a.id, &owner), BOT_ERR_NOT_FOUND);
	assert_int_equal(store_conversation_get(st, a.id, &g), BOT_OK);
	assert_string_equal(conv_state_name(g.state), "queued");
	int pos = 0;
	assert_int_equal(store_queue_position(st, a.id, &pos), BOT_OK);
	assert_int_equal(pos, 1);
}

static void
test_packet_and_notes(void **state)
{
	store *st = *state;
	store_conversation a;
	store_packet p;
	assert_int_equal(store_handoff_packet(st, "0123456789abcdef0123456789abcdef", &p),
			 BOT_ERR_NOT_FOUND);
	assert_int_equal(p.n_transcript + p.n_notes + p.n_accounts, 0);
	char iso[CLOCK_ISO_LEN];

	new_conv(st, 3, &a);
	assert_int_equal(store_batch_begin(st), BOT_OK);
	append(st, &a, "customer", "q1", "세금계산서 발행 실패", NULL);
	store_message bot = {.sender = "bot", .text = "어느 계정인가요?", .intent = "tax_invoice_failed"};
	int dup;
	assert_int_equal(store_message_append(st, &a, &bot, &dup), BOT_OK);
	a.account_id = 103;
	assert_int_equal(store_conversation_update(st, &a), BOT_OK);
	assert_int_equal(store_handoff_enqueue(st, &a, "needs_human", 0, "tax_invoice_failed",
					       "{\"month\":\"2026-02\"}",
					       "[{\"kind\":\"tax_invoice\",\"status\":\"failed\"}]"),
			 BOT_OK);
	assert_int_equal(store_batch_commit(st), BOT_OK);
	clock_set_fixed(T0 + 42);
	assert_int_equal(store_batch_begin(st), BOT_OK);
	assert_int_equal(store_handoff_claim(st, a.id, 1), BOT_OK);
	store_message ag = {.sender = "agent", .agent_id = 1, .text = "확인해 드릴게요"};
	assert_int_equal(store_message_append(st, &a, &ag, &dup), BOT_OK);
	time_t noted_at = 0;
	assert_int_equal(store_note_add(st, a.id, 1, "사업자번호 확인 필요", &noted_at), BOT_OK);
	assert_int_equal(store_batch_commit(st), BOT_OK);
	clock_format_iso(noted_at, iso);
	assert_string_equal(iso, "2026-03-02T01:00:42Z");

	assert_int_equal(store_handoff_packet(st, a.id, &p), BOT_OK);
	assert_int_equal(p.member_id, 3);
	assert_string_equal(p.member_name, "박지훈");
	assert_true(p.has_account);
	assert_int_equal(p.account.id, 103);
	assert_string_equal(p.account.account_no, "3031006");
	assert_int_equal(p.n_accounts, 2);
	assert_string_equal(p.channel, "web");
	assert_true(p.has_handoff);
	assert_string_equal(p.reason, "needs_human");
	assert_string_equal(p.intent, "tax_invoice_failed");
	assert_string_equal(p.slots_json, "{\"month\":\"2026-02\"}");
	assert_string_equal(p.attachments_json, "[{\"kind\":\"tax_invoice\",\"status\":\"failed\"}]");
	assert_int_equal(p.waited_s, 42);
	assert_int_equal(p.n_transcript, 3);
	const store_line *t0 = &p.transcript[0], *t1 = &p.transcript[1], *t2 = &p.transcript[2];
	assert_int_equal(t0->seq, 1);
	assert_string_equal(t0->sender, "customer");
	assert_string_equal(t0->text, "세금계산서 발행 실패");
	clock_format_iso(t0->at, iso);
	assert_string_equal(iso, "2026-03-02T01:00:00Z");
	assert_null(t0->agent_name);
	assert_string_equal(t1->intent, "tax_invoice_failed");
	assert_string_equal(t2->sender, "agent");
	assert_string_equal(t2->agent_name, "김지수");
	assert_int_equal(p.n_notes, 1);
	assert_string_equal(p.notes[0].agent, "김지수");
	assert_string_equal(p.notes[0].text, "사업자번호 확인 필요");
	clock_format_iso(p.notes[0].at, iso);
	assert_string_equal(iso, "2026-03-02T01:00:42Z");
	store_packet_clear(&p);

	/* No account chosen, no member: none, and empty lists. */
	store_conversation anon;
	new_conv(st, 0, &anon);
	enqueue(st, &anon, "agent_request", 0);
	assert_int_equal(store_handoff_packet(st, anon.id, &p), BOT_OK);
	assert_int_equal(p.member_id, 0);
	assert_false(p.has_account);
	assert_int_equal(p.n_accounts, 0);
	assert_true(p.has_handoff);
	assert_null(p.slots_json);
	assert_null(p.attachments_json);
	assert_int_equal(p.n_transcript, 0);
	assert_int_equal(p.n_notes, 0);
	store_packet_clear(&p);
}

/* ---- read-only answer queries ------------------------------------------- */

static void
expect_refused(store *st, const char *sql)
{
	store_query *q = (store_query *)1;
	err[0] = 0;
	bot_err rc = store_query_prepare(st, sql, &q, err, sizeof(err));
	if (rc == BOT_OK)
		fail_msg("query accepted: %s", sql);
	assert_int_equal(rc, BOT_ERR_PARSE);
	assert_null(q);
	assert_true(strlen(err) > 0);
}

static void
test_query_prepare_refuses(void **state)
{
	store *st = *state;
	expect_refused(st, "SELECT ?");
	assert_non_null(strstr(err, "positional"));
	expect_refused(st, "SELECT ?1");
	expect_refused(st, "SELECT name FROM members WHERE id = ? AND :x IS NULL");
	expect_refused(st, "SELECT @member");
	expect_refused(st, "SELECT $member");
	expect_refused(st, "SELECT 1; SELECT 2");
	assert_non_null(strstr(err, "one statement"));
	expect_refused(st, "SELECT 1; DELETE FROM members");
	expect_refused(st, "DELETE FROM members");
	assert_non_null(strstr(err, "read-only"));
	expect_refused(st, "DELETE FROM members WHERE id = :member");
	expect_refused(st, "UPDATE ad_accounts SET cash_balance = 0");
	expect_refused(st, "INSERT INTO agents (id, name) VALUES (9, 'x')");
	expect_refused(st, "DROP TABLE members");
	expect_refused(st, "CREATE TABLE x (a)");
	expect_refused(st, "WITH x AS (SELECT 1) DELETE FROM members");
	expect_refused(st, "SELECT nosuchcolumn FROM members");
	assert_non_null(strstr(err, "nosuchcolumn"));
	/* Read-only to SQLite, but not answer queries. */
	expect_refused(st, "BEGIN");
	expect_refused(st, "SAVEPOINT x");
	expect_refused(st, "PRAGMA query_only = 0");
	expect_refused(st, "PRAGMA writable_schema = 1");
	expect_refused(st, "ATTACH DATABASE ':memory:' AS other");
	expect_refused(st, "SELEC 1");
	expect_refused(st, "");
	expect_refused(st, "   ");
	expect_refused(st, "-- just a comment");

	/* Trailing semicolons and whitespace are fine. */
	store_query *q = NULL;
	assert_int_equal(store_query_prepare(st, "SELECT 1 AS one;  \n", &q, err, sizeof(err)),
			 BOT_OK);
	store_query_free(q);
	store_query_free(NULL);
}

static json_t *
run(store *st, const char *sql, const char *params_json, size_t max_rows)
{
	store_query *q = NULL;
	if (store_query_prepare(st, sql, &q, err, sizeof(err)) != BOT_OK)
		fail_msg("prepare: %s", err);
	json_t *params = params_json ? json_loads(params_json, 0, NULL) : NULL;
	json_t *rows = NULL;
	assert_int_equal(queryjson_run(q, params, max_rows, &rows), BOT_OK);
	json_decref(params);
	store_query_free(q);
	return rows;
}

static void
test_query_run(void **state)
{
	store *st = *state;
	json_t *rows = run(st, "SELECT :member AS m, :missing AS x, :s AS s, :r AS r, :t AS t, "
			       ":f AS f, :n AS n",
			   "{\"member\":5,\"s\":\"텍스트\",\"r\":1.5,\"t\":true,\"f\":false,"
			   "\"n\":null,\"extra\":1}",
			   0);
	assert_int_equal(json_array_size(rows), 1);
	json_t *r = json_array_get(rows, 0);
	assert_int_equal(json_integer_value(json_object_get(r, "m")), 5);
	assert_true(json_is_null(json_object_get(r, "x")));
	assert_string_equal(json_string_value(json_object_get(r, "s")), "텍스트");
	assert_true(json_real_value(json_object_get(r, "r")) == 1.5);
	assert_int_equal(json_integer_value(json_object_get(r, "t")), 1);
	assert_int_equal(json_integer_value(json_object_get(r, "f")), 0);
	assert_true(json_is_null(json_object_get(r, "n")));
	assert_int_equal(json_object_size(r), 7);
	json_decref(rows);

	/* No params object at all: every parameter is NULL. */
	rows = run(st, "SELECT :member IS NULL AS is_null", NULL, 0);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "is_null")), 1);
	json_decref(rows);

	/* Real data, and text in a parameter is data, never SQL. */
	const char *sql = "SELECT a.account_no FROM ad_accounts a JOIN account_members m ON "
			  "m.account_id = a.id WHERE m.member_id = :member AND m.left_at IS NULL "
			  "ORDER BY 1";
	rows = run(st, sql, "{\"member\":3}", 0);
	assert_int_equal(json_array_size(rows), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "account_no")),
			    "3031006");
	json_decref(rows);
	rows = run(st, sql, "{\"member\":\"3 OR 1=1\"}", 0);
	assert_int_equal(json_array_size(rows), 0);
	json_decref(rows);

	/* botd_now() is the injected clock. */
	rows = run(st, "SELECT botd_now() AS now", NULL, 0);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "now")),
			    "2026-03-02 01:00:00");
	json_decref(rows);
}

/* The store's own form of a query's values: typed, named, borrowed. */
typedef struct values_seen {
	int rows;
	size_t ncols;
	char names[4][8];
	store_value v[4];
	char text[32];
} values_seen;

static int
see_values(void *ctx, size_t ncols, const char *const *names, const store_value *values)
{
	values_seen *w = ctx;
	w->rows++;
	w->ncols = ncols;
	for (size_t i = 0; i < ncols && i < 4; i++) {
		snprintf(w->names[i], sizeof(w->names[i]), "%s", names[i]);
		w->v[i] = values[i];
		if (values[i].type == STORE_TEXT)
			snprintf(w->text, sizeof(w->text), "%.*s", (int)values[i].len, values[i].s);
	}
	return 0;
}

static void
test_query_values(void **state)
{
	store *st = *state;
	store_query *q = NULL;
	assert_int_equal(store_query_prepare(st, "SELECT :i AS i, :r AS r, :t AS t, :n AS n", &q,
					     err, sizeof(err)),
			 BOT_OK);
	store_param ps[] = {
		{"i", {.type = STORE_INT, .i = -7}},
		{"r", {.type = STORE_REAL, .r = 2.5}},
		{"t", {.type = STORE_TEXT, .s = "abc", .len = 2}}, /* only LEN bytes count */
	};
	values_seen w;
	memset(&w, 0, sizeof(w));
	assert_int_equal(store_query_run(q, ps, 3, 0, see_values, &w), BOT_OK);
	assert_int_equal(w.rows, 1);
	assert_int_equal(w.ncols, 4);
	assert_string_equal(w.names[0], "i");
	assert_string_equal(w.names[3], "n");
	assert_int_equal(w.v[0].type, STORE_INT);
	assert_int_equal(w.v[0].i, -7);
	assert_int_equal(w.v[1].type, STORE_REAL);
	assert_true(w.v[1].r == 2.5);
	assert_int_equal(w.v[2].type, STORE_TEXT);
	assert_string_equal(w.text, "ab");
	assert_int_equal(w.v[3].type, STORE_NULL); /* no such parameter: NULL */
	store_query_free(q);
}

static void
test_query_caps_and_reuse(void **state)
{
	store *st = *state;
	const char *sql = "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c "
			  "WHERE n < :upto) SELECT n FROM c";
	store_query *q = NULL;
	assert_int_equal(store_query_prepare(st, sql, &q, err, sizeof(err)), BOT_OK);
	json_t *params = json_pack("{s:i}", "upto", 100), *rows = NULL;
	assert_int_equal(queryjson_run(q, params, 10, &rows), BOT_OK);
	assert_int_equal(json_array_size(rows), 10);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 9), "n")), 10);
	json_decref(rows);
	/* 0 = no cap; the statement is reusable after a capped run. */
	assert_int_equal(queryjson_run(q, params, 0, &rows), BOT_OK);
	assert_int_equal(json_array_size(rows), 100);
	json_decref(rows);
	json_decref(params);
	/* Bindings do not leak from one run into the next. */
	assert_int_equal(queryjson_run(q, NULL, 0, &rows), BOT_OK);
	assert_int_equal(json_array_size(rows), 1);
	json_decref(rows);
	store_query_free(q);

	/* A plain count over the demo cast. */
	assert_int_equal(store_query_prepare(st, "SELECT COUNT(*) AS n FROM members", &q, err,
					     sizeof(err)),
			 BOT_OK);
	assert_int_equal(queryjson_run(q, NULL, 0, &rows), BOT_OK);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "n")), 13);
	json_decref(rows);
	store_query_free(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_creates_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_without_demo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_corrupt_or_unreadable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_future_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conversations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_channel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_from_v1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deferred_sync, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint_aside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_passive_pass_syncs_what_it_copied, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_wal_writes_held, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_turns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_members, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_order_and_position, setup, teardown),
		cmocka_unit_test_setup_teardown(test_claim_release_resolve_rate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_order_follows_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_undoes_claim, setup, teardown),
		cmocka_unit_test_setup_teardown(test_packet_and_notes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_prepare_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_caps_and_reuse, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
