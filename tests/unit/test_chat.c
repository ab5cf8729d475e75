/* Unit tests of the customer chat endpoint (bot/endpoint/chat.c) on the
 * whole bot and a temporary demo database, with a recording transport
 * (endpoint_fixture.h): the frames a client gets, in order, and when. */
#include "endpoint_fixture.h"

static void
test_hello_first(void **state)
{
	fixture *f = *state;
	rconn *c = connect_as(f, CONN_CHAT);
	send_text(f, c, "{\"type\":\"message\",\"id\":\"m1\",\"text\":\"안녕하세요\"}");
	json_t *e = next(c, "error");
	assert_string_equal(jstr(e, "code"), "hello_required");
	assert_int_equal(c->c.close_code, CONN_CLOSE_POLICY);

	/* A token that is not a member's, and one that is not signed by us. */
	rconn *a = connect_as(f, CONN_CHAT);
	sendf(f, a, "{\"type\":\"hello\",\"token\":\"%s\"}", token_for("agent", 1));
	assert_string_equal(jstr(next(a, "error"), "code"), "unauthorized");
	assert_int_equal(a->c.close_code, CONN_CLOSE_POLICY);
	rconn *b = connect_as(f, CONN_CHAT);
	send_text(f, b, "{\"type\":\"hello\",\"token\":\"eyJhbGciOiJub25lIn0.e30.\"}");
	assert_string_equal(jstr(next(b, "error"), "code"), "unauthorized");

	/* What does not parse is refused with the parser's code, and stays open. */
	rconn *d = connect_as(f, CONN_CHAT);
	send_text(f, d, "{not json");
	assert_string_equal(jstr(next(d, "error"), "code"), "bad_json");
	assert_int_equal(d->c.close_code, 0);
}

static void
test_welcome_and_a_second_hello(void **state)
{
	fixture *f = *state;
	rconn *c = connect_as(f, CONN_CHAT);
	sendf(f, c, "{\"type\":\"hello\",\"token\":\"%s\"}", token_for("member", 1));
	json_t *w = next(c, "welcome");
	assert_int_equal(strlen(jstr(w, "conversation")), 32);
	assert_int_equal(jint(w, "seq"), 0);
	assert_string_equal(jstr(w, "state"), "bot");
	assert_string_equal(jstr(w, "name"), "김민준");
	assert_true(c->c.authed);
	assert_int_equal(c->timeout_s, 0); /* the hello timer is off */
	sendf(f, c, "{\"type\":\"hello\",\"token\":\"%s\"}", token_for("member", 1));
	json_t *e = next(c, "error");
	assert_string_equal(jstr(e, "code"), "bad_shape");
	assert_string_equal(jstr(e, "message"), "hello was already received");
	send_text(f, c, "{\"type\":\"ping\"}");
	next(c, "pong");
}

/* The ack and the reply come only after the commit that holds them. */
static void
test_message_acked_after_commit(void **state)
{
	fixture *f = *state;
	rconn *c = customer(f, 1);
	const char *msg =
	    "{\"type\":\"message\",\"id\":\"m1\",\"text\":\"무상캐시 얼마 남았어요?\"}";
	f->env.ops[CONN_CHAT]->frame_in(&c->c, msg, strlen(msg));
	assert_true(f->turn_end_due);
	assert_null(outbox_ready(&c->c)); /* held for the batch */
	assert_true(c->c.out.len >= 2);
	settle(f);
	json_t *ack = next(c, "ack");
	assert_string_equal(jstr(ack, "id"), "m1");
	assert_int_equal(jint(ack, "seq"), 1);
	assert_string_equal(jstr(ack, "at"), "2026-03-02T01:00:00Z");
	json_t *r = next(c, "reply");
	assert_int_equal(jint(r, "seq"), 2);
	assert_string_equal(jstr(r, "from"), "bot");
	assert_string_equal(jstr(r, "intent"), "free_cash_status");
	assert_true(json_is_array(json_object_get(r, "quick_replies")));

	/* The same id again: acknowledged with the same seq, not answered twice. */
	send_text(f, c, msg);
	ack = next(c, "ack");
	assert_int_equal(jint(ack, "seq"), 1);
	assert_int_equal(pending(c), 0);
}

/* Another tab resumes the conversation and gets its history; replies reach
 * both tabs, acks only the sender. */
static void
test_two_tabs(void **state)
{
	fixture *f = *state;
	rconn *a = connect_as(f, CONN_CHAT);
	sendf(f, a, "{\"type\":\"hello\",\"token\":\"%s\"}", token_for("member", 1));
	const char *conv = jstr(next(a, "welcome"), "conversation");
	char id[40];
	snprintf(id, sizeof(id), "%s", conv);
	send_text(f, a, "{\"type\":\"message\",\"id\":\"m1\",\"text\":\"안녕하세요\"}");
	next(a, "ack");
	next(a, "reply");

	rconn *b = connect_as(f, CONN_CHAT);
	sendf(f, b,
	      "{\"type\":\"hello\",\"token\":\"%s\",\"resume\":{\"conversation\":\"%s\","
	      "\"after_seq\":0}}",
	      token_for("member", 1), id);
	json_t *w = next(b, "welcome");
	assert_string_equal(jstr(w, "conversation"), id);
	assert_int_equal(jint(w, "seq"), 2);
	json_t *echo = next(b, "echo");
	assert_int_equal(jint(echo, "seq"), 1);
	assert_string_equal(jstr(echo, "id"), "m1");
	assert_true(json_is_true(json_object_get(echo, "replay")));
	json_t *rr = next(b, "reply");
	assert_int_equal(jint(rr, "seq"), 2);
	assert_true(json_is_true(json_object_get(rr, "replay")));

	send_text(f, b, "{\"type\":\"message\",\"id\":\"m2\",\"text\":\"카드가 휴면이래요\"}");
	next(b, "ack");
	next(b, "reply");
	next(a, "reply");
	assert_false(has_pending(a, "ack"));

	/* Someone else's conversation: refused, whoever asks. */
	rconn *x = connect_as(f, CONN_CHAT);
	sendf(f, x, "{\"type\":\"hello\",\"token\":\"%s\",\"resume\":{\"conversation\":\"%s\"}}",
	      token_for("member", 2), id);
	assert_string_equal(jstr(next(x, "error"), "code"), "forbidden");
	assert_int_equal(x->c.close_code, CONN_CLOSE_POLICY);
}

/* A long history is replayed a few frames at a time, as the client reads. */
static void
test_replay_in_chunks(void **state)
{
	fixture *f = *state;
	f->cfg.rate_limit_messages = 100;
	rconn *a = customer(f, 1);
	const char *id = a->c.conv.id;
	for (int i = 0; i < 10; i++) {
		sendf(f, a, "{\"type\":\"message\",\"id\":\"m%d\",\"text\":\"안녕\"}", i);
		next(a, "ack");
		next(a, "reply");
	}
	f->cfg.outbound_queue_max = 8; /* chunks of 4 */
	rconn *b = connect_as(f, CONN_CHAT);
	sendf(f, b,
	      "{\"type\":\"hello\",\"token\":\"%s\",\"resume\":{\"conversation\":\"%s\","
	      "\"after_seq\":0}}",
	      token_for("member", 1), id);
	next(b, "welcome");
	/* Every frame arrived, in order, though the queue holds 8 at most. */
	assert_int_equal(pending(b), 20);
	for (int i = 1; i <= 20; i++) {
		json_t *o = next(b, i % 2 ? "echo" : "reply");
		assert_int_equal(jint(o, "seq"), i);
	}
	assert_false(b->killed);
	assert_false(b->c.replaying);
}

static void
test_rate_limit(void **state)
{
	fixture *f = *state;
	f->cfg.rate_limit_messages = 2;
	rconn *c = customer(f, 1);
	for (int i = 0; i < 3; i++)
		sendf(f, c, "{\"type\":\"message\",\"id\":\"r%d\",\"text\":\"안녕하세요\"}", i);
	next(c, "ack");
	next(c, "reply");
	next(c, "ack");
	next(c, "reply");
	json_t *e = next(c, "error");
	assert_string_equal(jstr(e, "code"), "rate_limited");
	assert_int_equal(c->c.close_code, 0);
}

/* Asking for a person: the conversation joins the queue and the customer
 * hears their place; messages from then on are the agent's. */
static void
test_escalation_queues(void **state)
{
	fixture *f = *state;
	rconn *c = customer(f, 1);
	send_text(f, c, "{\"type\":\"message\",\"id\":\"h1\",\"text\":\"상담원 연결해 주세요\"}");
	next(c, "ack");
	json_t *r = next(c, "reply");
	assert_string_equal(jstr(r, "from"), "bot");
	json_t *q = next(c, "queued");
	assert_int_equal(jint(q, "position"), 1);
	assert_true(jint(q, "eta_s") > 0);
	assert_int_equal(jint(q, "agents_online"), 0);
	assert_true(json_is_false(json_object_get(q, "open")));
	assert_non_null(jstr(q, "returns_at"));
	send_text(f, c, "{\"type\":\"message\",\"id\":\"h2\",\"text\":\"무상캐시 얼마예요\"}");
	next(c, "ack");
	assert_int_equal(pending(c), 0); /* the bot stays silent */
	assert_true(f->ep.snapshot_due); /* the agents' preview changed */
	/* A second tab of a queued conversation hears its place at once. */
	rconn *b = connect_as(f, CONN_CHAT);
	sendf(f, b,
	      "{\"type\":\"hello\",\"token\":\"%s\",\"resume\":{\"conversation\":\"%s\","
	      "\"after_seq\":4}}",
	      token_for("member", 1), c->c.conv.id);
	assert_string_equal(jstr(next(b, "welcome"), "state"), "queued");
	next_skip(b, "queued");
}

/* A rating with nothing to rate is refused; the connection stays. */
static void
test_rating_without_handoff(void **state)
{
	fixture *f = *state;
	rconn *c = customer(f, 2);
	send_text(f, c, "{\"type\":\"rating\",\"score\":5}");
	json_t *e = next(c, "error");
	assert_string_equal(jstr(e, "code"), "bad_shape");
	assert_string_equal(jstr(e, "message"), "there is nothing to rate");
}

/* A queue that fills: reading stops at half, the connection is killed at the
 * limit, and a reader that catches up reads again. */
static void
test_back_pressure(void **state)
{
	fixture *f = *state;
	f->cfg.outbound_queue_max = 4;
	rconn *c = customer(f, 1);
	conn_put(&c->c, strdup("{\"type\":\"pong\"}"));
	assert_int_equal(c->reading, 1);
	conn_put(&c->c, strdup("{\"type\":\"pong\"}"));
	assert_int_equal(c->reading, 0);
	assert_int_equal(c->timeout_s, f->cfg.hello_timeout_s);
	settle(f);
	assert_int_equal(c->reading, 1);
	assert_int_equal(c->timeout_s, 0);
	for (int i = 0; i < 4; i++)
		conn_put(&c->c, strdup("{\"type\":\"pong\"}"));
	assert_false(c->killed);
	conn_put(&c->c, strdup("{\"type\":\"pong\"}"));
	assert_true(c->killed);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_hello_first, fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_welcome_and_a_second_hello, fixture_setup,
	                                    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_message_acked_after_commit, fixture_setup,
	                                    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_two_tabs, fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_replay_in_chunks, fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_rate_limit, fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_escalation_queues, fixture_setup,
	                                    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_rating_without_handoff, fixture_setup,
	                                    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_back_pressure, fixture_setup, fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
