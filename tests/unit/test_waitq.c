/* Unit tests of the queue order kept in memory (bot/waitq.c): the order is
 * the store's (priority, then enqueued_at, then id), places are 1-based,
 * and the array grows and shrinks without losing anyone. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "waitq.h"

static waitq_key
key(int priority, int64_t at, int64_t id)
{
	return (waitq_key){priority, at, id};
}

static void
test_order(void **state)
{
	(void)state;
	waitq q = {0};
	waitq_key a = key(0, 100, 1), b = key(0, 100, 2), c = key(0, 90, 3), d = key(1, 200, 4),
		  e = key(10, 50, 5);
	assert_int_equal(waitq_add(&q, &a, "a"), BOT_OK);
	assert_int_equal(waitq_add(&q, &b, "b"), BOT_OK); /* same second: by id */
	assert_int_equal(waitq_add(&q, &c, "c"), BOT_OK); /* earlier: ahead */
	assert_int_equal(waitq_add(&q, &d, "d"), BOT_OK); /* higher priority: first */
	assert_int_equal(waitq_add(&q, &e, "e"), BOT_OK);
	const char *want[] = {"e", "d", "c", "a", "b"};
	assert_int_equal(q.len, 5);
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(q.v[i].conv, want[i]);
	assert_int_equal(waitq_position(&q, &e), 1);
	assert_int_equal(waitq_position(&q, &b), 5);
	waitq_key absent = key(0, 100, 9);
	assert_int_equal(waitq_position(&q, &absent), 0);
	/* Adding the same handoff again changes nothing. */
	assert_int_equal(waitq_add(&q, &a, "a"), BOT_OK);
	assert_int_equal(q.len, 5);

	assert_int_equal(waitq_remove(&q, &c), 1);
	assert_int_equal(waitq_remove(&q, &c), 0);
	assert_int_equal(waitq_remove(&q, &absent), 0);
	assert_int_equal(q.len, 4);
	assert_int_equal(waitq_position(&q, &a), 3);
	assert_int_equal(waitq_position(&q, &b), 4);
	waitq_clear(&q);
	assert_int_equal(q.len, 0);
	assert_int_equal(waitq_position(&q, &a), 0);
	waitq_free(&q);
	assert_null(q.v);
}

/* Thousands of entries, joined out of order: every place is right, and
 * taking every other one out moves the rest up. */
static void
test_many(void **state)
{
	(void)state;
	enum { N = 5000 };
	waitq q = {0};
	char conv[33];
	for (int i = 0; i < N; i++) {
		int id = (i * 7919) % N; /* a permutation of 0..N-1 */
		waitq_key k = key(0, id / 10, id);
		snprintf(conv, sizeof(conv), "c%d", id);
		assert_int_equal(waitq_add(&q, &k, conv), BOT_OK);
	}
	assert_int_equal(q.len, N);
	for (int id = 0; id < N; id++) {
		waitq_key k = key(0, id / 10, id);
		assert_int_equal(waitq_position(&q, &k), (size_t)id + 1);
	}
	for (int id = 0; id < N; id += 2) {
		waitq_key k = key(0, id / 10, id);
		assert_int_equal(waitq_remove(&q, &k), 1);
	}
	for (int id = 1; id < N; id += 2) {
		waitq_key k = key(0, id / 10, id);
		assert_int_equal(waitq_position(&q, &k), (size_t)(id + 1) / 2);
		snprintf(conv, sizeof(conv), "c%d", id);
		assert_string_equal(q.v[id / 2].conv, conv);
	}
	waitq_free(&q);
}

static void
test_refused(void **state)
{
	(void)state;
	waitq q = {0};
	waitq_key k = key(0, 1, 1);
	char longid[40];
	memset(longid, 'x', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = 0;
	assert_int_equal(waitq_add(&q, &k, longid), BOT_ERR_INVAL);
	assert_int_equal(q.len, 0);
	memset(longid, 'y', 32);
	longid[32] = 0; /* a conversation id: 32 characters */
	assert_int_equal(waitq_add(&q, &k, longid), BOT_OK);
	assert_string_equal(q.v[0].conv, longid);
	waitq_free(&q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
