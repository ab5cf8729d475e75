/* bench_turn: the daemon's customer turn in-process, writes included: what
 * chat_message does for one message, without the WebSocket. Each turn loads
 * the conversation, opens the turn's savepoint, runs dialog_customer_turn
 * (store the question, match, query, render, store the reply) and closes the
 * savepoint; every --batch turns the batch commits (fsync), as one loop turn
 * of the daemon does under load, and the WAL is checkpointed once a second
 * as the daemon's timer does.
 *
 *   bench_turn --db PATH [--demo] [--conversations N] [--batch K]
 *              [--seconds S] [--intents DIR]
 *
 * Conversations belong to members 1-11 of the demo cast in turn. The mix is
 * every intent's examples but agent_request, with a question the bot cannot
 * understand after every nine; a conversation handed to the agent queue is
 * replaced by a new one, as a client reconnects.
 *
 * Output: one line of key=value pairs: turns/s, CPU microseconds per turn
 * (the process's CPU time: user and system, so the WAL writes count, the
 * fsync waits do not), and wall time per turn and per commit. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "answer.h"
#include "benchutil.h"
#include "clock.h"
#include "dialog.h"
#include "intent.h"
#include "log.h"
#include "store.h"
#include "wiring.h"

static int64_t
cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
new_conversation(store *st, int i, store_conversation *c)
{
	char key[32];
	static int serial;
	snprintf(key, sizeof(key), "bench-%d", ++serial);
	return store_conversation_create(st, 1 + i % 11, "web", key, c) == BOT_OK ? 0 : -1;
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"db", required_argument, NULL, 'd'},
		{"demo", no_argument, NULL, 'D'},
		{"conversations", required_argument, NULL, 'c'},
		{"batch", required_argument, NULL, 'b'},
		{"seconds", required_argument, NULL, 's'},
		{"intents", required_argument, NULL, 'i'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL, *dir = "intents";
	int demo = 0, opt, n_conv = 100, batch = 20;
	double seconds = 3;
	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt) {
		case 'd': db = optarg; break;
		case 'D': demo = 1; break;
		case 'c': n_conv = atoi(optarg); break;
		case 'b': batch = atoi(optarg); break;
		case 's': seconds = atof(optarg); break;
		case 'i': dir = optarg; break;
		default: goto usage;
		}
	}
	if (!db || seconds <= 0 || seconds > 600 || n_conv < 1 || n_conv > 100000 || batch < 1)
		goto usage;
	log_set_level(LOG_WARN);
	bench_questions qs;
	if (bench_questions_load(dir, NULL, &qs)) {
		fprintf(stderr, "bench_turn: no questions in %s\n", dir);
		return 1;
	}
	char err[512] = "";
	wiring w;
	/* As the daemon: no checkpoint inside a commit, one a second instead. */
	store_options so = {.path = db, .load_demo = demo, .manual_checkpoint = 1};
	if (wiring_open(&so, dir, &w, err, sizeof(err)) != BOT_OK) {
		fprintf(stderr, "bench_turn: %s\n", err);
		return 1;
	}
	store *st = w.st;
	dialog *dlg = w.dlg;
	store_conversation *convs = calloc((size_t)n_conv, sizeof(*convs));
	if (!convs || store_batch_begin(st) != BOT_OK)
		return 1;
	for (int i = 0; i < n_conv; i++)
		if (new_conversation(st, i, &convs[i]))
			return 1;
	if (store_batch_commit(st) != BOT_OK)
		return 1;

	size_t turns = 0, failed = 0, escalated = 0, commits = 0, q = 0;
	int64_t commit_wall = 0, checkpoint_max = 0;
	int64_t t_start = bench_now_ns(), c_start = cpu_ns();
	int64_t t_end = t_start + (int64_t)(seconds * 1e9), last_checkpoint = t_start;
	while (bench_now_ns() < t_end && turns < 50000000) {
		if (store_batch_begin(st) != BOT_OK)
			return 1;
		for (int k = 0; k < batch; k++, turns++) {
			store_conversation *c = &convs[turns % (size_t)n_conv];
			const char *text = turns % 10 == 9 ? "zzqx 블라블라 qwerty"
							   : qs.text[q++ % qs.n];
			char id[32];
			snprintf(id, sizeof(id), "m%zu", turns);
			dialog_turn turn = {.client_id = id, .text = text, .len = strlen(text)};
			dialog_result res;
			if (store_conversation_get(st, c->id, c) != BOT_OK ||
			    store_turn_begin(st) != BOT_OK) {
				failed++;
				continue;
			}
			bot_err rc = dialog_customer_turn(dlg, c, &turn, &res);
			store_turn_end(st, rc == BOT_OK);
			if (rc != BOT_OK)
				failed++;
			if (res.escalated) {
				escalated++;
				if (new_conversation(st, (int)turns, c))
					return 1;
			}
			dialog_result_clear(&res);
		}
		int64_t t0 = bench_now_ns();
		if (store_batch_commit(st) != BOT_OK)
			return 1;
		int64_t t1 = bench_now_ns();
		commit_wall += t1 - t0;
		commits++;
		if (t1 - last_checkpoint >= 1000000000) {
			store_checkpoint(st);
			last_checkpoint = bench_now_ns();
			if (last_checkpoint - t1 > checkpoint_max)
				checkpoint_max = last_checkpoint - t1;
		}
	}
	double wall = (double)(bench_now_ns() - t_start) / 1e9;
	double cpu_us = (double)(cpu_ns() - c_start) / 1e3;
	printf("turns=%zu per_s=%.0f cpu_us_per_turn=%.1f wall_us_per_turn=%.1f "
	       "commit_wall_us=%.0f checkpoint_max_us=%.0f escalated=%zu failed=%zu batch=%d conversations=%d\n",
	       turns, (double)turns / wall, cpu_us / (double)turns, wall * 1e6 / (double)turns,
	       commits ? (double)commit_wall / (double)commits / 1e3 : 0,
	       (double)checkpoint_max / 1e3, escalated, failed,
	       batch, n_conv);
	free(convs);
	wiring_close(&w);
	bench_questions_free(&qs);
	return failed ? 1 : 0;
usage:
	fprintf(stderr, "usage: bench_turn --db PATH [--demo] [--conversations N] [--batch K] "
			"[--seconds S] [--intents DIR]\n");
	return 2;
}
