/* The SQLite backend: group commit (one transaction a batch, a savepoint a
 * turn), durability (store_sync: our own fdatasync of the WAL) and
 * checkpoints (the owner's between batches, and a second connection's for
 * the checkpointer thread). */
#include "sq.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

const char *const sq_batch_sql[SQ_COUNT] = {
    [SQ_BEGIN] = "BEGIN IMMEDIATE", [SQ_COMMIT] = "COMMIT",
    [SQ_ROLLBACK] = "ROLLBACK",     [SQ_SAVEPOINT] = "SAVEPOINT turn",
    [SQ_RELEASE] = "RELEASE turn",  [SQ_ROLLBACK_TO] = "ROLLBACK TO turn",
};

bot_err
sq_check_writable(store *st)
{
	sq_store *s = sq_of(st);
	if (s->in_batch)
		return BOT_OK; /* a batch is open: writes are going through */
	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE; ROLLBACK;", NULL, NULL, NULL) != SQLITE_OK)
		return BOT_ERR_DB;
	return BOT_OK;
}

bot_err
sq_batch_begin(store *st)
{
	sq_store *s = sq_of(st);
	if (s->in_batch)
		return BOT_OK;
	if (sq_step_reset(s->stmt[SQ_BEGIN]) != SQLITE_DONE) {
		log_error("store: begin failed: %s", sqlite3_errmsg(s->db));
		return BOT_ERR_DB;
	}
	s->in_batch = 1;
	return BOT_OK;
}

bot_err
sq_batch_commit(store *st)
{
	sq_store *s = sq_of(st);
	if (!s->in_batch)
		return BOT_OK;
	int64_t t0 = sq_now_us();
	int rc = sq_step_reset(s->stmt[SQ_COMMIT]);
	s->in_batch = 0;
	s->last_commit_us = sq_now_us() - t0;
	if (rc != SQLITE_DONE) {
		log_error("store: commit failed: %s", sqlite3_errmsg(s->db));
		sq_step_reset(s->stmt[SQ_ROLLBACK]);
		s->queue_valid = 0;
		return BOT_ERR_DB;
	}
	return BOT_OK;
}

bot_err
sq_turn_begin(store *st)
{
	return sq_step_reset(sq_of(st)->stmt[SQ_SAVEPOINT]) == SQLITE_DONE ? BOT_OK : BOT_ERR_DB;
}

void
sq_turn_end(store *st, int keep)
{
	sq_store *s = sq_of(st);
	if (!keep) {
		sq_step_reset(s->stmt[SQ_ROLLBACK_TO]);
		s->queue_valid = 0; /* the turn may have moved the queue */
	}
	sq_step_reset(s->stmt[SQ_RELEASE]);
}

void
sq_batch_rollback(store *st)
{
	sq_store *s = sq_of(st);
	if (!s->in_batch)
		return;
	sq_step_reset(s->stmt[SQ_ROLLBACK]);
	s->in_batch = 0;
	s->queue_valid = 0;
}

int
sq_batch_open(const store *st)
{
	return sq_of_const(st)->in_batch;
}

int
sq_deferred_sync(const store *st)
{
	return sq_of_const(st)->deferred_sync;
}

int64_t
sq_last_commit_us(const store *st)
{
	return sq_of_const(st)->last_commit_us;
}

bot_err
sq_sync(store *st)
{
	sq_store *s = sq_of(st);
	if (!s->deferred_sync)
		return BOT_OK; /* every commit already synced itself */
	/* The descriptor is ours; the WAL file it names is SQLite's, which
	 * keeps it for as long as the database is open. Should it ever be
	 * replaced, the new one is what needs syncing. */
	struct stat now;
	if (stat(s->wal_path, &now) != 0) {
		log_error("store: cannot stat %s: %s", s->wal_path, strerror(errno));
		return BOT_ERR_IO;
	}
	if (s->wal_fd < 0 || now.st_dev != s->wal_dev || now.st_ino != s->wal_ino) {
		if (s->wal_fd >= 0)
			close(s->wal_fd);
		s->wal_fd = open(s->wal_path, O_RDONLY | O_CLOEXEC);
		struct stat got;
		if (s->wal_fd < 0 || fstat(s->wal_fd, &got) != 0) {
			log_error("store: cannot open %s: %s", s->wal_path, strerror(errno));
			return BOT_ERR_IO;
		}
		s->wal_dev = got.st_dev;
		s->wal_ino = got.st_ino;
	}
	if (fdatasync(s->wal_fd) != 0) {
		log_error("store: fdatasync of %s failed: %s", s->wal_path, strerror(errno));
		return BOT_ERR_IO;
	}
	return BOT_OK;
}

int64_t
sq_wal_pages(const store *st)
{
	return sq_of_const(st)->wal_pages;
}

void
sq_checkpoint(store *st)
{
	sq_store *s = sq_of(st);
	if (!s->in_batch)
		sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

static bot_err
open_aside(sq_store *st)
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
 * for all of them; in pieces, a WAL sync waits for one piece at most. At most 1,024 pieces (a
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
sq_checkpoint_aside(store *base, int *wal_frames, int *uncopied_frames)
{
	sq_store *st = sq_of(base);
	/* A connection of its own: a passive checkpoint copies pages while the
	 * owner's handle goes on committing (it never takes the write lock). */
	if (!st->aside && open_aside(st) != BOT_OK)
		return BOT_ERR_DB;
	int frames = 0, copied = 0;
	int rc =
	    sqlite3_wal_checkpoint_v2(st->aside, NULL, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied);
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
	 * while the owner's batches wait: a stall as long as that sync. Synced
	 * here, they leave that pass only its own. */
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
