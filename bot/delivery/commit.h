/* Group commit: the writes of one loop turn go into one store batch, which
 * commits once at the turn's end; nothing a batch tells of leaves before
 * that batch is on disk. Batches are numbered (generations): every outgoing
 * frame carries the generation it waits for (outbox.h), and three numbers
 * say where the batches are:
 *   open       the batch writes go into now (or the next one);
 *   committed  the last one committed: in the database, maybe not yet on disk;
 *   synced     the last one on disk: frames up to it may go out.
 * With a store that syncs on its own (deferred_sync), the durability threads
 * make commits durable beside the loop (durability.h) and wake it; without,
 * every commit is on disk when it returns. This module also restarts the WAL
 * when the checkpointer asks, between two batches. */
#ifndef BOT_COMMIT_H
#define BOT_COMMIT_H

#include <stdint.h>

#include "config.h"
#include "conn.h"
#include "err.h"
#include "store.h"

/* What the event loop does for group commit (net/server.c, or a test's). */
typedef struct commit_loop {
	/* Call commit_turn_end() once the current loop turn's events are
	 * handled; cancel: no longer. */
	void (*at_turn_end)(void *arg);
	void (*cancel_turn_end)(void *arg);
	/* From any thread: wake the loop, which then calls commit_progress(). */
	void (*wake)(void *arg);
	void *arg;
} commit_loop;

/* Borrows ST, LOOP and CFG (its wal_restart_mb is read once here), which
 * must outlive it; starts the durability threads when ST syncs on its own.
 * Caller owns *OUT: commit_stop(), then commit_free(). */
bot_err commit_start(store *st, const commit_loop *loop, const config *cfg, commit **out);
/* Commits what is open, waits for it to be on disk and stops the threads:
 * the end of serving (nothing is acknowledged after it; the conns may still
 * call in while they close). BOT_ERR_IO when a sync ever failed. NULL is
 * fine. */
bot_err commit_stop(commit *cm);
void commit_free(commit *cm);

/* Opens the batch for this turn if none is, and makes sure it commits at
 * the turn's end. */
bot_err commit_begin(commit *cm);
/* The end of a loop turn: commits the open batch, unless a sync is still in
 * flight, in which case the batch stays open (taking the next turns' writes
 * too) and commits when that sync ends: fewer, larger commits. */
void commit_turn_end(commit *cm);
/* Commits the open batch now (a reload, the drain). */
void commit_now(commit *cm);
/* On the loop when woken: releases what is now on disk, commits a batch
 * that waited for the sync, restarts the WAL when asked. */
void commit_progress(commit *cm);
/* Once a second: the loop copies the WAL back itself when the checkpointer
 * fell behind (past wal_restart_mb), or always without durability threads. */
void commit_tick(commit *cm);
/* A sync failed: what was committed since cannot be promised; stop. */
int commit_failed(const commit *cm);

/* ---- for the outbox ----------------------------------------------------------- */

/* The generation a frame queued now waits for. */
uint64_t commit_frame_gen(const commit *cm);
/* Whether batch GEN is on disk. */
int commit_synced(const commit *cm, uint64_t gen);
/* C just queued a frame of GEN: keep it until that batch is on disk, or ask
 * its transport to write now when it is. */
void commit_hold(commit *cm, conn *c, uint64_t gen);
/* C goes away: off both waiting lists. */
void commit_forget(commit *cm, conn *c);

#endif
