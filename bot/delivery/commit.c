#include "commit.h"

#include <stdlib.h>

#include "clock.h"
#include "durability.h"
#include "log.h"
#include "metrics.h"
#include "outbox.h"

struct commit {
	store *st;
	commit_loop loop;
	durability *durable; /* its threads make commits durable; NULL: commits do */
	unsigned wal_restart_frames;
	uint64_t open_gen;         /* the batch writes go into now (or the next one) */
	uint64_t committed_gen;    /* the last batch committed (maybe not yet on disk) */
	uint64_t synced_gen;       /* the last batch on disk: frames up to it may go */
	conn *lists[OUTBOX_LISTS]; /* held: frames of the open batch; syncing: of
	                            * batches being synced */
	int turn_end_scheduled;
	int waiting; /* a batch waits for the sync in flight to end */
	int sync_failed;
	int64_t unsynced_since_us; /* when the oldest batch not yet synced committed */
};

/* The WAL's size limit in pages, from wal_restart_mb: the one place it is
 * worked out. SQLite's default page size is 4 KiB, which the schema keeps. */
static unsigned
wal_restart_frames(const config *cfg)
{
	return (unsigned)cfg->wal_restart_mb * (1024 * 1024 / 4096);
}

bot_err
commit_start(store *st, const commit_loop *loop, const config *cfg, commit **out)
{
	*out = NULL;
	commit *cm = calloc(1, sizeof(*cm));
	if (!cm)
		return BOT_ERR_NOMEM;
	cm->st = st;
	cm->loop = *loop;
	cm->open_gen = 1;
	cm->wal_restart_frames = wal_restart_frames(cfg);
	const char *delay = getenv("BOTD_TEST_SYNC_DELAY_MS");
	durability_options dopt = {.st = st,
	                           .wake = loop->wake,
	                           .wake_arg = loop->arg,
	                           .sync_delay_ms = delay ? (unsigned)strtoul(delay, NULL, 10) : 0,
	                           .checkpoint_ms = 250,
	                           .wal_restart_frames = cm->wal_restart_frames};
	if (store_deferred_sync(st) && durability_start(&dopt, &cm->durable) != BOT_OK) {
		free(cm);
		return BOT_ERR_NOMEM;
	}
	*out = cm;
	return BOT_OK;
}

bot_err
commit_stop(commit *cm)
{
	if (!cm)
		return BOT_OK;
	if (store_batch_open(cm->st) && store_batch_commit(cm->st) == BOT_OK && cm->durable)
		durability_want(cm->durable, cm->open_gen++);
	if (durability_stop(cm->durable) != BOT_OK)
		cm->sync_failed = 1;
	cm->durable = NULL;
	return cm->sync_failed ? BOT_ERR_IO : BOT_OK;
}

void
commit_free(commit *cm)
{
	free(cm);
}

int
commit_failed(const commit *cm)
{
	return cm->sync_failed;
}

/* ---- the two waiting lists ------------------------------------------------------ */

static void
list_add(commit *cm, int which, conn *c)
{
	if (!c->out.on[which]) {
		c->out.on[which] = 1;
		c->out.next[which] = cm->lists[which];
		cm->lists[which] = c;
	}
}

static void
list_remove(commit *cm, int which, conn *c)
{
	if (!c->out.on[which])
		return;
	for (conn **pp = &cm->lists[which]; *pp; pp = &(*pp)->out.next[which]) {
		if (*pp == c) {
			*pp = c->out.next[which];
			break;
		}
	}
	c->out.on[which] = 0;
}

/* Empties list WHICH and returns its conns, still linked by next[WHICH];
 * each is marked off it as the walk reaches it (list_leave), so that one
 * added again meanwhile is not linked twice. */
static conn *
list_take(commit *cm, int which)
{
	conn *first = cm->lists[which];
	cm->lists[which] = NULL;
	return first;
}

static conn *
list_leave(conn *c, int which)
{
	c->out.on[which] = 0;
	return c->out.next[which];
}

void
commit_forget(commit *cm, conn *c)
{
	list_remove(cm, OUTBOX_HELD, c);
	list_remove(cm, OUTBOX_SYNCING, c);
}

uint64_t
commit_frame_gen(const commit *cm)
{
	return store_batch_open(cm->st) ? cm->open_gen : cm->committed_gen;
}

int
commit_synced(const commit *cm, uint64_t gen)
{
	return gen <= cm->synced_gen;
}

void
commit_hold(commit *cm, conn *c, uint64_t gen)
{
	if (store_batch_open(cm->st) && gen == cm->open_gen)
		list_add(cm, OUTBOX_HELD, c);
	else if (gen > cm->synced_gen)
		list_add(cm, OUTBOX_SYNCING, c);
	else
		c->env->port->want_write(c);
}

/* ---- durability ------------------------------------------------------------------ */

/* The checkpointer copied nearly all of the WAL and asks the loop to copy
 * the rest between two batches (see durability.h): a few milliseconds with
 * no batch open, after which the next batch writes the WAL from its start. */
static void
restart_wal_if_due(commit *cm)
{
	if (cm->durable && !store_batch_open(cm->st) && durability_restart_due(cm->durable)) {
		store_checkpoint(cm->st);
		durability_restarted(cm->durable);
	}
}

/* Frames of every batch up to SYNCED, now on disk, may go. */
static void
release_synced(commit *cm, uint64_t synced)
{
	cm->synced_gen = synced;
	if (cm->unsynced_since_us) {
		metrics_commit_latency((double)(clock_mono_us() - cm->unsynced_since_us) / 1e6);
		cm->unsynced_since_us = synced < cm->committed_gen ? clock_mono_us() : 0;
	}
	conn *next;
	for (conn *c = list_take(cm, OUTBOX_SYNCING); c; c = next) {
		next = list_leave(c, OUTBOX_SYNCING);
		c->env->port->flush(c);
		if (outbox_unsynced(c))
			list_add(cm, OUTBOX_SYNCING, c);
	}
}

static void
commit_if_waiting(commit *cm)
{
	if (!cm->waiting || durability_busy(cm->durable))
		return;
	cm->waiting = 0;
	if (store_batch_open(cm->st))
		commit_now(cm);
}

void
commit_progress(commit *cm)
{
	if (!cm->durable)
		return;
	uint64_t synced;
	int failed = durability_synced(cm->durable, &synced) != BOT_OK;
	if (failed && !cm->sync_failed) {
		cm->sync_failed = 1;
		log_error("the database could not be synced to disk: stopping without "
		          "acknowledging anything more");
		return;
	}
	if (synced > cm->synced_gen)
		release_synced(cm, synced);
	commit_if_waiting(cm);
	restart_wal_if_due(cm);
}

/* ---- group commit ------------------------------------------------------------- */

/* Nothing of the batch is on disk: C's frames of it are dropped and its
 * endpoint says so rather than acknowledge. */
static void
lost(conn *c, uint64_t gen)
{
	outbox_forget(c, gen);
	const conn_ops *ops = c->env->ops[c->kind];
	if (ops && ops->lost)
		ops->lost(c, gen);
}

void
commit_now(commit *cm)
{
	/* Called directly too (reload, drain): then the turn's end must not
	 * commit again. */
	if (cm->turn_end_scheduled)
		cm->loop.cancel_turn_end(cm->loop.arg);
	cm->turn_end_scheduled = 0;
	int64_t started = clock_mono_us();
	bot_err rc = store_batch_commit(cm->st);
	uint64_t gen = cm->open_gen++;
	if (rc == BOT_OK) {
		cm->committed_gen = gen;
		if (!cm->durable)
			metrics_commit_latency((double)store_last_commit_us(cm->st) / 1e6);
		else if (!cm->unsynced_since_us)
			cm->unsynced_since_us = started;
	}
	conn *next;
	for (conn *c = list_take(cm, OUTBOX_HELD); c; c = next) {
		next = list_leave(c, OUTBOX_HELD);
		if (rc != BOT_OK)
			lost(c, gen);
		if (rc == BOT_OK && cm->durable)
			list_add(cm, OUTBOX_SYNCING, c);
		else
			c->env->port->want_write(c);
	}
	if (rc == BOT_OK && cm->durable) {
		durability_want(cm->durable, gen);
		restart_wal_if_due(cm);
	} else if (!cm->durable) {
		cm->synced_gen = gen;
	}
}

void
commit_turn_end(commit *cm)
{
	cm->turn_end_scheduled = 0;
	if (cm->durable && durability_busy(cm->durable)) {
		cm->waiting = 1;
		return;
	}
	commit_now(cm);
}

bot_err
commit_begin(commit *cm)
{
	bot_err rc = store_batch_begin(cm->st);
	if (rc == BOT_OK && !cm->turn_end_scheduled) {
		cm->turn_end_scheduled = 1;
		cm->loop.at_turn_end(cm->loop.arg);
	}
	return rc;
}

void
commit_tick(commit *cm)
{
	if (!cm->durable || store_wal_pages(cm->st) > (int64_t)cm->wal_restart_frames)
		store_checkpoint(cm->st);
}
