/* Unit tests of the durability threads (bot/durability.c) on a temporary
 * database opened with deferred_sync. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "durability.h"
#include "log.h"
#include "store.h"

static char dir[64], path[128], wal[160];
static atomic_int wakes;

static void
count_wake(void *arg)
{
	(void)arg;
	atomic_fetch_add(&wakes, 1);
}

static int
setup(void **state)
{
	log_set_level(LOG_WARN); /* the failure test logs its error: expected */
	snprintf(dir, sizeof(dir), "/tmp/test_durability.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/botd.db", dir);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	store_options so = {.path = path, .load_demo = 1, .manual_checkpoint = 1,
			    .deferred_sync = 1};
	store *st = NULL;
	char err[256];
	if (store_open(&so, &st, err, sizeof(err)) != BOT_OK)
		return -1;
	*state = st;
	atomic_store(&wakes, 0);
	return 0;
}

static int
teardown(void **state)
{
	store_close(*state);
	char p[200];
	unlink(path);
	unlink(wal);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
	rmdir(dir);
	return 0;
}

/* Commits one batch (a new conversation). */
static void
commit_one(store *st)
{
	store_conversation c;
	assert_int_equal(store_batch_begin(st), BOT_OK);
	assert_int_equal(store_conversation_create(st, 1, "web", NULL, &c), BOT_OK);
	assert_int_equal(store_batch_commit(st), BOT_OK);
}

/* Polls until the syncer reports GEN on disk (or fails); 5 s at most. */
static bot_err
wait_synced(durability *d, uint64_t gen)
{
	uint64_t got = 0;
	for (int i = 0; i < 500; i++) {
		bot_err rc = durability_synced(d, &got);
		if (rc != BOT_OK || got >= gen)
			return rc;
		usleep(10000);
	}
	fail_msg("batch %llu never synced (at %llu)", (unsigned long long)gen,
		 (unsigned long long)got);
	return BOT_ERR_IO;
}

static void
test_batches_become_durable_in_order(void **state)
{
	store *st = *state;
	durability_options o = {.st = st, .wake = count_wake, .checkpoint_ms = 20};
	durability *d = NULL;
	assert_int_equal(durability_start(&o, &d), BOT_OK);
	uint64_t got = 99;
	assert_int_equal(durability_synced(d, &got), BOT_OK);
	assert_int_equal(got, 0); /* nothing wanted yet */
	for (uint64_t g = 1; g <= 5; g++) {
		commit_one(st);
		durability_want(d, g);
	}
	assert_int_equal(wait_synced(d, 5), BOT_OK);
	assert_true(atomic_load(&wakes) >= 1);
	/* A generation already passed is not wanted again. */
	durability_want(d, 3);
	assert_int_equal(durability_synced(d, &got), BOT_OK);
	assert_int_equal(got, 5);
	/* Let the checkpointer run against the live handle, then stop: what was
	 * wanted last is synced on the way out. */
	usleep(60000);
	commit_one(st);
	durability_want(d, 6);
	assert_int_equal(durability_stop(d), BOT_OK);
}

static void
test_slow_disk_holds_the_sync(void **state)
{
	store *st = *state;
	durability_options o = {.st = st, .sync_delay_ms = 200};
	durability *d = NULL;
	assert_int_equal(durability_start(&o, &d), BOT_OK);
	commit_one(st);
	durability_want(d, 1);
	usleep(50000);
	uint64_t got = 99;
	assert_int_equal(durability_synced(d, &got), BOT_OK);
	assert_int_equal(got, 0); /* still waiting on the "disk" */
	assert_int_equal(wait_synced(d, 1), BOT_OK);
	assert_int_equal(durability_stop(d), BOT_OK);
}

/* A sync that fails is reported for good, and by durability_stop too. */
static void
test_failed_sync_is_final(void **state)
{
	store *st = *state;
	durability_options o = {.st = st, .wake = count_wake};
	durability *d = NULL;
	assert_int_equal(durability_start(&o, &d), BOT_OK);
	commit_one(st);
	durability_want(d, 1);
	assert_int_equal(wait_synced(d, 1), BOT_OK);
	char moved[200];
	snprintf(moved, sizeof(moved), "%s.moved", wal);
	assert_int_equal(rename(wal, moved), 0);
	durability_want(d, 2);
	assert_int_equal(wait_synced(d, 2), BOT_ERR_IO);
	assert_int_equal(rename(moved, wal), 0);
	durability_want(d, 3);
	uint64_t got = 0;
	assert_int_equal(durability_synced(d, &got), BOT_ERR_IO);
	assert_int_equal(got, 1);
	assert_int_equal(durability_stop(d), BOT_ERR_IO);
}

/* Batches as the loop commits them under load: one is open nearly all the
 * time, with a short gap after each commit, in which the loop copies the
 * WAL's rest when the checkpointer asks. Returns the most pages the WAL held
 * after any of the last half of N commits. */
static int64_t
steady_load(store *st, durability *d, int n)
{
	int64_t most = 0;
	store_conversation c;
	for (int i = 1; i <= n; i++) {
		assert_int_equal(store_batch_begin(st), BOT_OK);
		assert_int_equal(store_conversation_create(st, 1, "web", NULL, &c), BOT_OK);
		usleep(300);
		assert_int_equal(store_batch_commit(st), BOT_OK);
		durability_want(d, (uint64_t)i);
		if (durability_restart_due(d)) {
			store_checkpoint(st);
			durability_restarted(d);
		}
		if (i > n / 2 && store_wal_pages(st) > most)
			most = store_wal_pages(st);
		usleep(50);
	}
	return most;
}

/* Passive checkpoints alone leave the WAL growing under steady load; with a
 * restart once it holds WAL_RESTART_FRAMES it stays near that. */
static void
test_wal_starts_over(void **state)
{
	store *st = *state;
	durability_options o = {.st = st, .checkpoint_ms = 5, .wal_restart_frames = 1 << 30};
	durability *d = NULL;
	assert_int_equal(durability_start(&o, &d), BOT_OK);
	int64_t grown = steady_load(st, d, 600);
	assert_int_equal(durability_stop(d), BOT_OK);
	/* About four pages a batch, none reused: 2,300-2,650 here. */
	if (grown <= 512)
		fail_msg("without restarts the WAL held only %lld pages", (long long)grown);

	o.wal_restart_frames = 64;
	assert_int_equal(durability_start(&o, &d), BOT_OK);
	int64_t bounded = steady_load(st, d, 600);
	assert_int_equal(durability_stop(d), BOT_OK);
	/* 110-180 here: the restart comes at the next pass after 64. */
	if (bounded > 512)
		fail_msg("the WAL reached %lld pages with restarts at 64", (long long)bounded);
}

/* A checkpointer that never gets the CPU (here: none at all) must not let
 * the WAL grow without bound: at twice the restart size the owner copies it
 * itself, and the WAL starts over. */
static void
test_wal_bounded_without_checkpointer(void **state)
{
	store *st = *state;
	durability_options o = {.st = st, .checkpoint_ms = 0, .wal_restart_frames = 64};
	durability *d = NULL;
	assert_int_equal(durability_start(&o, &d), BOT_OK);
	int64_t most = steady_load(st, d, 600);
	assert_int_equal(durability_stop(d), BOT_OK);
	/* About four pages a batch: 2,300 or more without the owner's copy. */
	if (most > 256)
		fail_msg("with no checkpointer the WAL reached %lld pages (restart at 64)",
			 (long long)most);
}

/* The thread of this process named NAME, or 0. */
static pid_t
thread_named(const char *name)
{
	DIR *dp = opendir("/proc/self/task");
	assert_non_null(dp);
	pid_t found = 0;
	struct dirent *e;
	while (!found && (e = readdir(dp))) {
		char p[300], comm[32] = "";
		snprintf(p, sizeof(p), "/proc/self/task/%s/comm", e->d_name);
		FILE *f = fopen(p, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strncmp(comm, name, strlen(name)) &&
		    comm[strlen(name)] == '\n')
			found = (pid_t)atoi(e->d_name);
		fclose(f);
	}
	closedir(dp);
	return found;
}

/* The checkpointer must give the CPU back the moment the loop wakes (a
 * niced thread kept it for its whole slice, up to 3 ms); the syncer, which
 * the loop waits for, keeps the normal policy. */
static void
test_checkpointer_yields_to_the_loop(void **state)
{
	store *st = *state;
	durability_options o = {.st = st, .checkpoint_ms = 20};
	durability *d = NULL;
	assert_int_equal(durability_start(&o, &d), BOT_OK);
	pid_t syncer = thread_named("botd-syncer"), ckpt = thread_named("botd-checkpoint");
	assert_true(syncer > 0);
	assert_true(ckpt > 0);
	/* The thread sets its own policy when it starts: give it a second. */
	int policy = -1;
	for (int i = 0; i < 100 && (policy = sched_getscheduler(ckpt)) != SCHED_IDLE; i++)
		usleep(10000);
	assert_int_equal(policy, SCHED_IDLE);
	assert_int_equal(sched_getscheduler(syncer), SCHED_OTHER);
	assert_int_equal(durability_stop(d), BOT_OK);
}

/* Polls the checkpointer's policy while the test's load runs. */
typedef struct policy_watch {
	pid_t tid;
	atomic_int stop;
	atomic_int saw_normal; /* SCHED_OTHER seen at least once */
} policy_watch;

static void *
watch_policy(void *arg)
{
	policy_watch *w = arg;
	while (!atomic_load(&w->stop)) {
		if (sched_getscheduler(w->tid) == SCHED_OTHER)
			atomic_store(&w->saw_normal, 1);
		usleep(100);
	}
	return NULL;
}

/* Closing in on a restart, the checkpointer's passes run at the normal
 * priority, back to back (at SCHED_IDLE on a busy loop they took seconds,
 * and the owner's own pass then had megabytes to copy and sync); after the
 * restart it is back at SCHED_IDLE. */
static void
test_checkpointer_closes_in_at_normal_priority(void **state)
{
	store *st = *state;
	durability_options o = {.st = st, .checkpoint_ms = 5, .wal_restart_frames = 64};
	durability *d = NULL;
	assert_int_equal(durability_start(&o, &d), BOT_OK);
	policy_watch w = {.tid = thread_named("botd-checkpoint")};
	assert_true(w.tid > 0);
	pthread_t watcher;
	assert_int_equal(pthread_create(&watcher, NULL, watch_policy, &w), 0);
	int64_t most = steady_load(st, d, 600);
	atomic_store(&w.stop, 1);
	pthread_join(watcher, NULL);
	assert_true(atomic_load(&w.saw_normal));
	if (most > 512)
		fail_msg("the WAL reached %lld pages with restarts at 64", (long long)most);
	/* No more load: the last restart is over within a second. */
	int policy = -1;
	for (int i = 0; i < 100 && (policy = sched_getscheduler(w.tid)) != SCHED_IDLE; i++)
		usleep(10000);
	assert_int_equal(policy, SCHED_IDLE);
	assert_int_equal(durability_stop(d), BOT_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_batches_become_durable_in_order, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_slow_disk_holds_the_sync, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_sync_is_final, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wal_starts_over, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wal_bounded_without_checkpointer, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_checkpointer_yields_to_the_loop, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_checkpointer_closes_in_at_normal_priority,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
