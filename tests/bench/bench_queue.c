/* bench_queue: what the agent queue costs per customer as it grows. With N
 * conversations waiting (and no agent to take them), it measures, in-process
 * on the store:
 *   join_us   a new conversation joining: the handoff's insert, its place in
 *             the queue (store_queue_position), and the commit;
 *   place_us  the place of a conversation already waiting, anywhere in line;
 *   walk_us   the pass that tells everyone their place after a claim
 *             (store_queue_order), per waiting conversation.
 * A queue that counted everyone ahead would make join_us and place_us grow
 * with N; this prints them for each N so the table can compare.
 *
 *   bench_queue --db PATH [--sizes 1000,100000] [--rounds R]
 *
 * PATH must not exist; it is created with the demo cast and left behind (run.sh
 * runs it in a directory it removes). Output: one line of key=value pairs per
 * size. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchutil.h"
#include "clock.h"
#include "log.h"
#include "store.h"

/* Queues one new conversation of member 1 + I % 11 and returns its place. */
static int
join(store *st, int i, char *id_out)
{
	store_conversation c;
	int place = 0;
	if (store_batch_begin(st) != BOT_OK ||
	    store_conversation_create(st, 1 + i % 11, "web", NULL, &c) != BOT_OK ||
	    store_handoff_enqueue(st, &c, "agent_request", 0, NULL, NULL, NULL) != BOT_OK ||
	    store_queue_position(st, c.id, &place) != BOT_OK || store_batch_commit(st) != BOT_OK)
		return -1;
	if (id_out)
		memcpy(id_out, c.id, sizeof(c.id));
	return place;
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"db", required_argument, NULL, 'd'},
		{"sizes", required_argument, NULL, 's'},
		{"rounds", required_argument, NULL, 'r'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL, *sizes = "1000,100000";
	int rounds = 500, ch;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 's': sizes = optarg; break;
		case 'r': rounds = atoi(optarg); break;
		default: return 2;
		}
	}
	if (!db || rounds <= 0 || strlen(db) > 1000) {
		fprintf(stderr, "usage: bench_queue --db PATH [--sizes N,N...] [--rounds R]\n");
		return 2;
	}
	log_set_level(LOG_WARN);
	if (access(db, F_OK) == 0) {
		fprintf(stderr, "bench_queue: %s exists; give a new path\n", db);
		return 2;
	}
	char err[512];
	store *st = NULL;
	store_options so = {.path = db, .load_demo = 1, .deferred_sync = 1, .manual_checkpoint = 1};
	if (store_open(&so, &st, err, sizeof(err)) != BOT_OK) {
		fprintf(stderr, "bench_queue: %s\n", err);
		return 1;
	}
	int waiting = 0, rc = 0;
	char *list = strdup(sizes);
	for (char *tok = strtok(list, ","); tok && !rc; tok = strtok(NULL, ",")) {
		int n = atoi(tok);
		if (n <= waiting) {
			fprintf(stderr, "bench_queue: sizes must grow: %s\n", tok);
			rc = 2;
			break;
		}
		/* Fill up to N - ROUNDS, unmeasured, then ROUNDS measured joins. */
		while (waiting < n - rounds && !rc) {
			if (join(st, waiting, NULL) != waiting + 1)
				rc = 1;
			waiting++;
			if (waiting % 4096 == 0)
				store_checkpoint(st);
		}
		char (*ids)[33] = calloc((size_t)rounds, sizeof(*ids));
		int64_t t0 = bench_now_ns();
		for (int r = 0; r < rounds && !rc && ids; r++) {
			if (join(st, waiting, ids[r]) != waiting + 1)
				rc = 1;
			waiting++;
		}
		int64_t t_join = bench_now_ns() - t0;
		store_checkpoint(st);
		/* Places of those just measured, in an order that jumps about. */
		int64_t sum = 0;
		t0 = bench_now_ns();
		for (int r = 0; r < rounds && !rc && ids; r++) {
			int place = 0;
			if (store_queue_position(st, ids[(r * 7919) % rounds], &place) != BOT_OK)
				rc = 1;
			sum += place;
		}
		int64_t t_place = bench_now_ns() - t0;
		const waitq *order = NULL;
		t0 = bench_now_ns();
		size_t walked = 0;
		if (!rc && store_queue_order(st, &order) == BOT_OK)
			for (size_t i = 0; i < order->len; i++)
				walked += order->v[i].conv[0] != 0;
		int64_t t_walk = bench_now_ns() - t0;
		if (!ids || walked != (size_t)waiting || sum <= 0)
			rc = 1;
		free(ids);
		if (!rc)
			printf("waiting=%d join_us=%.2f place_us=%.2f walk_us=%.4f\n", waiting,
			       (double)t_join / rounds / 1e3, (double)t_place / rounds / 1e3,
			       (double)t_walk / (double)waiting / 1e3);
	}
	free(list);
	if (rc == 1)
		fprintf(stderr, "bench_queue: a place in the queue came out wrong\n");
	store_close(st);
	return rc;
}
