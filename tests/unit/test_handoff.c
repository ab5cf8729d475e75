/* Unit tests of the handoff rules (bot/domain/handoff.c) on a temporary demo
 * database: caps, claims, transfers, the grace period and the estimate.
 * Demo agents: 1 and 2 (cap 3), 3 (cap 2). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "clock.h"
#include "handoff.h"
#include "hours.h"
#include "log.h"
#include "demo_bot.h"

/* 2026-03-02 01:00:00 UTC = Monday 10:00 KST. */
#define T0 ((time_t)1772413200)
/* 2026-03-07 01:00:00 UTC = Saturday 10:00 KST. */
#define SAT ((time_t)1772845200)

typedef struct fixture {
	demo_bot bot;
	config cfg;
	handoff *ho;
} fixture;

static int
setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	config_defaults(&f->cfg);
	hours h;
	if (demo_bot_open(&f->bot, "test_handoff", T0) ||
	    hours_parse(f->cfg.business_hours, f->cfg.holidays, &h) != BOT_OK ||
	    handoff_new(f->bot.w.st, f->bot.w.dlg, &f->cfg, &f->ho) != BOT_OK)
		return -1;
	handoff_set_hours(f->ho, &h);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	fixture *f = *state;
	handoff_free(f->ho);
	demo_bot_close(&f->bot);
	free(f);
	return 0;
}

/* A conversation of MEMBER waiting in the queue. */
static void
waiting(fixture *f, int64_t member, store_conversation *c)
{
	store *st = f->bot.w.st;
	assert_int_equal(store_batch_begin(st), BOT_OK);
	assert_int_equal(store_conversation_create(st, member, "web", NULL, c), BOT_OK);
	assert_int_equal(store_handoff_enqueue(st, c, "agent_request", 0, NULL, NULL, NULL),
	                 BOT_OK);
	assert_int_equal(store_batch_commit(st), BOT_OK);
}

static bot_err
claim(fixture *f, const char *conv, int64_t agent)
{
	store_packet p;
	int have = 0;
	assert_int_equal(store_batch_begin(f->bot.w.st), BOT_OK);
	bot_err rc = handoff_claim(f->ho, conv, agent, &p, &have);
	assert_int_equal(store_batch_commit(f->bot.w.st), BOT_OK);
	if (rc == BOT_OK) {
		assert_true(have);
		assert_int_equal(p.waited_s, 0);
		store_packet_clear(&p);
	}
	return rc;
}

static void
test_estimate(void **state)
{
	fixture *f = *state;
	int open = -1;
	time_t back = -1;
	assert_int_equal(handoff_handle_time(f->ho), 300); /* no history yet */
	/* Two agents online in business hours: two conversations at a time. */
	handoff_set_presence(f->ho, 2);
	assert_int_equal(handoff_agents_online(f->ho), 2);
	assert_int_equal(handoff_estimate(f->ho, 1, 300, T0, &open, &back), 300);
	assert_true(open);
	assert_int_equal(back, 0);
	assert_int_equal(handoff_estimate(f->ho, 3, 300, T0, &open, &back), 600);
	/* Nobody online in business hours: a guess of an hour more. */
	handoff_set_presence(f->ho, 0);
	assert_int_equal(handoff_estimate(f->ho, 1, 300, T0, &open, &back), 300 + 3600);
	assert_false(open);
	assert_int_equal(back, T0 + 3600);
	/* On a Saturday, agents are back on Monday 09:00 KST (00:00 UTC). */
	handoff_set_presence(f->ho, 1);
	time_t monday = T0 + 7 * 86400 - 3600;
	int eta = handoff_estimate(f->ho, 2, 300, SAT, &open, &back);
	assert_false(open);
	assert_int_equal(back, monday);
	assert_int_equal(eta, 600 + (int)(monday - SAT));
}

static void
test_caps_and_claims(void **state)
{
	fixture *f = *state;
	store_conversation a, b, c;
	waiting(f, 1, &a);
	waiting(f, 2, &b);
	waiting(f, 3, &c);
	assert_int_equal(handoff_cap(f->ho, 3), 2);
	assert_int_equal(handoff_cap(f->ho, 99), f->cfg.agent_max_concurrent);
	assert_int_equal(handoff_room(f->ho, 99, 1), BOT_ERR_NOT_FOUND);
	assert_int_equal(handoff_room(f->ho, 99, 0), BOT_OK);
	assert_int_equal(claim(f, a.id, 3), BOT_OK);
	assert_int_equal(claim(f, a.id, 1), BOT_ERR_CONFLICT);
	assert_int_equal(claim(f, "0123456789abcdef0123456789abcdef", 1), BOT_ERR_NOT_FOUND);
	assert_int_equal(handoff_owns(f->ho, a.id, 3), BOT_OK);
	assert_int_equal(handoff_owns(f->ho, a.id, 1), BOT_ERR_FORBIDDEN);
	assert_int_equal(handoff_room(f->ho, 3, 1), BOT_OK);
	assert_int_equal(claim(f, b.id, 3), BOT_OK);
	assert_int_equal(handoff_room(f->ho, 3, 1), BOT_ERR_LIMIT);

	/* Transfers: to oneself, to nobody online, to a full agent, back. */
	assert_int_equal(handoff_may_transfer(f->ho, 1, 1, 1), BOT_ERR_INVAL);
	assert_int_equal(handoff_may_transfer(f->ho, 1, 0, 0), BOT_OK);
	assert_int_equal(handoff_may_transfer(f->ho, 1, 2, 0), BOT_ERR_NOT_FOUND);
	assert_int_equal(handoff_may_transfer(f->ho, 1, 99, 1), BOT_ERR_NOT_FOUND);
	assert_int_equal(handoff_may_transfer(f->ho, 1, 3, 1), BOT_ERR_LIMIT);
	assert_int_equal(handoff_may_transfer(f->ho, 3, 2, 1), BOT_OK);
	assert_int_equal(store_batch_begin(f->bot.w.st), BOT_OK);
	assert_int_equal(handoff_transfer(f->ho, a.id, 3, 2), BOT_OK);
	assert_int_equal(handoff_transfer(f->ho, b.id, 3, 0), BOT_OK);
	assert_int_equal(store_batch_commit(f->bot.w.st), BOT_OK);
	assert_int_equal(handoff_owns(f->ho, a.id, 2), BOT_OK);
	int pos = 0;
	assert_int_equal(store_queue_position(f->bot.w.st, b.id, &pos), BOT_OK);
	assert_int_equal(pos, 1); /* sent back to the front */

	/* Resolved: the bot asks for a rating; nobody holds it any more. */
	dialog_result res;
	assert_int_equal(store_batch_begin(f->bot.w.st), BOT_OK);
	assert_int_equal(handoff_resolve(f->ho, a.id, 2, &res), BOT_OK);
	time_t at = 0;
	assert_int_equal(handoff_note(f->ho, a.id, 2, "확인 완료", &at), BOT_OK);
	assert_int_equal(store_batch_commit(f->bot.w.st), BOT_OK);
	assert_int_equal(at, T0);
	assert_int_equal(res.n_replies, 1);
	assert_int_equal(json_array_size(res.replies[0].quick_replies), 5);
	dialog_result_clear(&res);
	assert_int_equal(handoff_owns(f->ho, a.id, 2), BOT_ERR_FORBIDDEN);
	store_conversation g;
	assert_int_equal(store_conversation_get(f->bot.w.st, a.id, &g), BOT_OK);
	assert_int_equal(g.state, CONV_BOT);
}

typedef struct requeued_seen {
	int n;
	char conv[4][STORE_ID_SIZE];
	int replies;
} requeued_seen;

static void
saw_requeue(void *ctx, const char *conv_id, const dialog_result *res)
{
	requeued_seen *r = ctx;
	snprintf(r->conv[r->n++ % 4], STORE_ID_SIZE, "%s", conv_id);
	r->replies += res->n_replies;
}

static void
test_grace(void **state)
{
	fixture *f = *state;
	store_conversation a, b;
	waiting(f, 1, &a);
	waiting(f, 2, &b);
	assert_int_equal(claim(f, a.id, 1), BOT_OK);
	assert_int_equal(claim(f, b.id, 1), BOT_OK);
	int64_t due[4];
	handoff_agent_gone(f->ho, 1, T0);
	handoff_agent_gone(f->ho, 2, T0 + 10);
	assert_int_equal(handoff_grace_over(f->ho, T0 + f->cfg.agent_grace_s - 1, due, 4), 0);
	assert_int_equal(handoff_grace_over(f->ho, T0 + f->cfg.agent_grace_s, due, 4), 1);
	assert_int_equal(due[0], 1);
	/* Once over, an agent is off the table. */
	assert_int_equal(handoff_grace_over(f->ho, T0 + f->cfg.agent_grace_s, due, 4), 0);
	/* Back in time: never due. */
	handoff_agent_back(f->ho, 2);
	assert_int_equal(handoff_grace_over(f->ho, T0 + 100000, due, 4), 0);

	requeued_seen seen = {0};
	assert_int_equal(store_batch_begin(f->bot.w.st), BOT_OK);
	assert_int_equal(handoff_requeue_agent(f->ho, 1, saw_requeue, &seen), 2);
	assert_int_equal(store_batch_commit(f->bot.w.st), BOT_OK);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.replies, 2); /* each customer is told */
	assert_string_equal(seen.conv[0], a.id);
	store_conversation g;
	assert_int_equal(store_conversation_get(f->bot.w.st, a.id, &g), BOT_OK);
	assert_int_equal(g.state, CONV_QUEUED);
	store_queue_list q;
	assert_int_equal(store_queue_waiting(f->bot.w.st, 0, &q), BOT_OK);
	assert_int_equal(q.n, 2);
	assert_int_equal(q.items[0].priority, 10);
	store_queue_list_clear(&q);

	/* At start-up, agents holding conversations get the grace period. */
	assert_int_equal(claim(f, a.id, 3), BOT_OK);
	assert_int_equal(handoff_restore(f->ho, T0), BOT_OK);
	assert_int_equal(handoff_grace_over(f->ho, T0 + f->cfg.agent_grace_s, due, 4), 1);
	assert_int_equal(due[0], 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_estimate, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_caps_and_claims, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_grace, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
