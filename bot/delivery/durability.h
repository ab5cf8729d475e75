/* Durability off the event loop. With a store opened with deferred_sync, the
 * loop's commits only write the WAL; a syncer thread makes them durable
 * (one fdatasync for every batch committed while the previous one ran) and
 * wakes the loop, which then releases the frames of the batches now on
 * disk. A second thread checkpoints the WAL back into the database through
 * a connection of its own, so the loop copies only the last few pages, when
 * the WAL starts over (durability_restart_due). */
#ifndef BOT_DURABILITY_H
#define BOT_DURABILITY_H

#include <stdint.h>

#include "err.h"
#include "store.h"

typedef struct durability durability;

typedef struct durability_options {
	store *st;               /* opened with deferred_sync; borrowed */
	void (*wake)(void *arg); /* called from the syncer after each sync: it
	                          * must be safe from any thread */
	void *wake_arg;
	unsigned sync_delay_ms;      /* a slow disk, for tests: wait before each sync */
	unsigned checkpoint_ms;      /* between background checkpoints; 0 = none */
	unsigned wal_restart_frames; /* a WAL this long starts over (commit.c
	                              * works it out from wal_restart_mb); 0: never */
} durability_options;

/* Starts both threads. The batches before the first durability_want() count
 * as synced. Caller owns *OUT; end it with durability_stop(). */
bot_err durability_start(const durability_options *opt, durability **out);
/* The loop committed batch GEN (generations only grow): sync it. */
void durability_want(durability *d, uint64_t gen);
/* Whether a sync is wanted and not finished. */
int durability_busy(durability *d);
/* The last batch on disk into *GEN. BOT_ERR_IO once a sync failed: nothing
 * committed after the last good sync may be acknowledged, ever. */
bot_err durability_synced(durability *d, uint64_t *gen);
/* Whether the WAL is due to start over: the checkpointer has copied nearly
 * all of it and waits for the owner to copy the rest itself, with
 * store_checkpoint() between two batches, then to say durability_restarted().
 * The owner's next batch then writes the WAL from its start. (The owner is
 * the only writer, so it needs no lock to wait for, and it is never left
 * waiting for the checkpointer, which runs at the lowest CPU priority but
 * for its last passes before a restart.) A request not taken within a second
 * lapses. Also due, whatever the checkpointer did, once the WAL holds twice
 * wal_restart_frames: a loop that never leaves the checkpointer any CPU
 * copies the WAL itself. Owner only. */
int durability_restart_due(durability *d);
void durability_restarted(durability *d);
/* Syncs what was wanted, stops both threads and frees D (NULL is fine).
 * Returns BOT_ERR_IO when that last sync, or an earlier one, failed. */
bot_err durability_stop(durability *d);

#endif
