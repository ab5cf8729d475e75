#include "durability.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"

struct durability {
	durability_options opt;
	pthread_mutex_t mu;
	pthread_cond_t wanted_cv; /* wanted moved, or stop */
	pthread_cond_t stop_cv;   /* stop, or the owner restarted the WAL */
	pthread_t syncer, checkpointer;
	int have_syncer, have_checkpointer;
	uint64_t wanted; /* the last batch committed */
	uint64_t synced; /* the last batch on disk */
	int failed;      /* a sync failed */
	int restart_due; /* the owner is asked to copy the WAL's rest */
	int stop;
};

static void *
syncer_main(void *arg)
{
	durability *d = arg;
	for (;;) {
		pthread_mutex_lock(&d->mu);
		while (d->wanted == d->synced && !d->stop && !d->failed)
			pthread_cond_wait(&d->wanted_cv, &d->mu);
		if (d->failed || d->wanted == d->synced) {
			pthread_mutex_unlock(&d->mu);
			break; /* a sync failed, or stopping with nothing left */
		}
		/* Every commit up to WANTED returned before this read, so an
		 * fdatasync that starts after it covers them all. */
		uint64_t upto = d->wanted;
		pthread_mutex_unlock(&d->mu);
		if (d->opt.sync_delay_ms)
			usleep((useconds_t)d->opt.sync_delay_ms * 1000);
		bot_err rc = store_sync(d->opt.st);
		pthread_mutex_lock(&d->mu);
		if (rc == BOT_OK)
			d->synced = upto;
		else
			d->failed = 1;
		pthread_mutex_unlock(&d->mu);
		/* After the unlock: the loop, woken, takes the lock at once
		 * instead of sleeping on it until this thread lets go (with
		 * both on one CPU, two more context switches a sync). */
		if (d->opt.wake)
			d->opt.wake(d->opt.wake_arg);
	}
	return NULL;
}

/* A passive checkpoint copies frames back but leaves the WAL to grow: the
 * owner writes at its start again only when a batch begins after every
 * frame was copied, and under steady load one never does (the next batch
 * opens right after the last commit). So the checkpointer copies all but the
 * last few frames and asks the owner to copy those between two batches. (A
 * RESTART checkpoint from this thread would need the write lock between
 * batches, and the owner would then wait for it back while this
 * low-priority thread gets the CPU only between the owner's polls.) Its
 * last passes before a restart run back to back until one takes under
 * RESTART_SHORT_PASS_US, at most RESTART_MAX_PASSES of them. */
enum { RESTART_MAX_PASSES = 8, RESTART_SHORT_PASS_US = 2000 };

/* The checkpointer's scheduling policy: SCHED_IDLE for its routine passes
 * (see checkpointer_main), the normal policy while it closes in on a
 * restart: those last passes must follow each other closely, since what the
 * owner copies and syncs while its batches wait is what was committed during
 * the last one, and at SCHED_IDLE on a busy loop a pass can take seconds. */
static void
set_idle(int idle)
{
	struct sched_param param = {0};
	int err = pthread_setschedparam(pthread_self(), idle ? SCHED_IDLE : SCHED_OTHER, &param);
	if (err)
		log_warn("durability: cannot set the checkpointer's priority: %s", strerror(err));
}

static void *
checkpointer_main(void *arg)
{
	durability *d = arg;
	unsigned restart_frames = d->opt.wal_restart_frames;
	/* Copying pages takes CPU; on a machine with few cores it would take
	 * it from the loop, whose replies would wait. SCHED_IDLE: the scheduler
	 * takes the CPU back from this thread as soon as the loop wakes (a
	 * niced thread keeps it to the end of its slice). The thread still runs
	 * when the loop sleeps, and gets a little CPU when the loop never does. */
	set_idle(1);
	pthread_mutex_lock(&d->mu);
	while (!d->stop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += (long)(d->opt.checkpoint_ms % 1000) * 1000000;
		until.tv_sec += d->opt.checkpoint_ms / 1000 + until.tv_nsec / 1000000000;
		until.tv_nsec %= 1000000000;
		while (!d->stop && pthread_cond_timedwait(&d->stop_cv, &d->mu, &until) != ETIMEDOUT)
			;
		if (d->stop)
			break;
		pthread_mutex_unlock(&d->mu);
		int frames = 0;
		bot_err rc = store_checkpoint_aside(d->opt.st, &frames, NULL);
		int closing_in = rc == BOT_OK && restart_frames && frames >= (int)restart_frames;
		/* The owner stops to copy and sync what the passes left: they
		 * run back to back, at the normal priority, until one is short
		 * (a short pass had little to copy and sync, so little came in
		 * while it ran); each is shorter than the one before. */
		if (closing_in)
			set_idle(0);
		int64_t took_us = RESTART_SHORT_PASS_US + 1;
		int passes = 0;
		while (closing_in && rc == BOT_OK && took_us > RESTART_SHORT_PASS_US &&
		       passes++ < RESTART_MAX_PASSES) {
			int64_t start_us = clock_mono_us();
			rc = store_checkpoint_aside(d->opt.st, &frames, NULL);
			took_us = clock_mono_us() - start_us;
		}
		/* Back to SCHED_IDLE now: what follows is a wait for the owner. */
		if (closing_in)
			set_idle(1);
		pthread_mutex_lock(&d->mu);
		if (closing_in && rc == BOT_OK && !d->stop) {
			d->restart_due = 1;
			pthread_mutex_unlock(&d->mu);
			if (d->opt.wake)
				d->opt.wake(d->opt.wake_arg);
			pthread_mutex_lock(&d->mu);
			struct timespec lapse;
			clock_gettime(CLOCK_REALTIME, &lapse);
			lapse.tv_sec += 1;
			while (d->restart_due && !d->stop &&
			       pthread_cond_timedwait(&d->stop_cv, &d->mu, &lapse) != ETIMEDOUT)
				;
			d->restart_due = 0;
		}
	}
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

bot_err
durability_start(const durability_options *opt, durability **out)
{
	*out = NULL;
	durability *d = calloc(1, sizeof(*d));
	if (!d)
		return BOT_ERR_NOMEM;
	d->opt = *opt;
	pthread_mutex_init(&d->mu, NULL);
	pthread_cond_init(&d->wanted_cv, NULL);
	pthread_cond_init(&d->stop_cv, NULL);
	if (pthread_create(&d->syncer, NULL, syncer_main, d) != 0)
		goto fail;
	d->have_syncer = 1;
	/* Named for top -H and perf (names are at most 15 characters). */
	pthread_setname_np(d->syncer, "botd-syncer");
	if (opt->checkpoint_ms) {
		if (pthread_create(&d->checkpointer, NULL, checkpointer_main, d) != 0)
			goto fail;
		d->have_checkpointer = 1;
		pthread_setname_np(d->checkpointer, "botd-checkpoint");
	}
	*out = d;
	return BOT_OK;
fail:
	durability_stop(d);
	return BOT_ERR_NOMEM;
}

void
durability_want(durability *d, uint64_t gen)
{
	pthread_mutex_lock(&d->mu);
	int moved = gen > d->wanted;
	if (moved)
		d->wanted = gen;
	pthread_mutex_unlock(&d->mu);
	/* Signalled after the unlock, for the reason given in syncer_main; the
	 * syncer checks WANTED under the lock, so the signal cannot be lost. */
	if (moved)
		pthread_cond_signal(&d->wanted_cv);
}

int
durability_restart_due(durability *d)
{
	pthread_mutex_lock(&d->mu);
	int due = d->restart_due;
	pthread_mutex_unlock(&d->mu);
	/* The checkpointer gets the CPU only when the loop leaves it some; a
	 * saturated loop would let the WAL grow without bound. At twice its
	 * limit the owner copies it all itself, however long that stops it.
	 * (The page count is the owner's own, from its last commit.) */
	return due || (d->opt.wal_restart_frames &&
	               store_wal_pages(d->opt.st) >= 2 * (int64_t)d->opt.wal_restart_frames);
}

void
durability_restarted(durability *d)
{
	pthread_mutex_lock(&d->mu);
	d->restart_due = 0;
	pthread_cond_broadcast(&d->stop_cv);
	pthread_mutex_unlock(&d->mu);
}

int
durability_busy(durability *d)
{
	pthread_mutex_lock(&d->mu);
	int busy = d->wanted != d->synced && !d->failed;
	pthread_mutex_unlock(&d->mu);
	return busy;
}

bot_err
durability_synced(durability *d, uint64_t *gen)
{
	pthread_mutex_lock(&d->mu);
	*gen = d->synced;
	int failed = d->failed;
	pthread_mutex_unlock(&d->mu);
	return failed ? BOT_ERR_IO : BOT_OK;
}

bot_err
durability_stop(durability *d)
{
	if (!d)
		return BOT_OK;
	pthread_mutex_lock(&d->mu);
	d->stop = 1;
	pthread_cond_broadcast(&d->wanted_cv);
	pthread_cond_broadcast(&d->stop_cv);
	pthread_mutex_unlock(&d->mu);
	if (d->have_checkpointer)
		pthread_join(d->checkpointer, NULL);
	if (d->have_syncer)
		pthread_join(d->syncer, NULL);
	int failed = d->failed;
	pthread_cond_destroy(&d->stop_cv);
	pthread_cond_destroy(&d->wanted_cv);
	pthread_mutex_destroy(&d->mu);
	free(d);
	if (failed)
		log_error("the database could not be synced to disk");
	return failed ? BOT_ERR_IO : BOT_OK;
}
