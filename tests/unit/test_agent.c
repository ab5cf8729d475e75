/* Unit tests of the agent console endpoint (bot/endpoint/agent.c) with
 * customers on the chat endpoint, on the whole bot and a temporary demo
 * database, through a recording transport (endpoint_fixture.h): the whole
 * handoff as both sides see it. Demo agents: 1 and 2 (cap 3), 3 (cap 2). */
#include "endpoint_fixture.h"

/* A customer of MEMBER who asked for a person: waiting in the queue. */
static rconn *
waiting_customer(fixture *f, int64_t member, const char *id)
{
	rconn *c = customer(f, member);
	sendf(f, c, "{\"type\":\"message\",\"id\":\"%s\",\"text\":\"상담원 연결해 주세요\"}", id);
	next(c, "ack");
	next(c, "reply");
	next(c, "queued");
	return c;
}

/* A customer of MEMBER whose conversation (its id into CONV) agent A
 * claimed; both have read the claim's frames. */
static rconn *
claimed_customer(fixture *f, rconn *a, int64_t member, char conv[STORE_ID_SIZE])
{
	rconn *c = waiting_customer(f, member, "h1");
	snprintf(conv, STORE_ID_SIZE, "%s", c->c.conv.id);
	sendf(f, a, "{\"type\":\"claim\",\"conversation\":\"%s\"}", conv);
	next_skip(a, "claimed");
	next(c, "agent_joined");
	return c;
}

static void
test_hello(void **state)
{
	fixture *f = *state;
	rconn *a = connect_as(f, CONN_AGENT);
	sendf(f, a, "{\"type\":\"hello\",\"token\":\"%s\"}", token_for("agent", 1));
	json_t *w = next(a, "welcome");
	assert_int_equal(jint(json_object_get(w, "agent"), "id"), 1);
	assert_string_equal(jstr(json_object_get(w, "agent"), "name"), "김지수");
	assert_int_equal(jint(w, "max_concurrent"), 3);
	assert_int_equal(json_array_size(json_object_get(w, "conversations")), 0);
	json_t *q = next(a, "queue");
	assert_int_equal(json_array_size(json_object_get(q, "items")), 0);
	assert_int_equal(jint(q, "agents_online"), 1);
	assert_int_equal(handoff_agents_online(f->ep.ho), 1);

	/* A customer's token is not an agent's. */
	rconn *m = connect_as(f, CONN_AGENT);
	sendf(f, m, "{\"type\":\"hello\",\"token\":\"%s\"}", token_for("member", 1));
	assert_string_equal(jstr(next(m, "error"), "code"), "unauthorized");
	assert_int_equal(m->c.close_code, CONN_CLOSE_POLICY);
	/* Nothing before the hello. */
	rconn *n = connect_as(f, CONN_AGENT);
	send_text(f, n,
	          "{\"type\":\"claim\",\"conversation\":\"0123456789abcdef0123456789abcdef\"}");
	assert_string_equal(jstr(next(n, "error"), "code"), "hello_required");
}

/* Claim: the agent gets the packet, the customer the agent's name, and a
 * second agent too late gets already_claimed. */
static void
test_claim_race_and_packet(void **state)
{
	fixture *f = *state;
	rconn *a1 = agent(f, 1), *a2 = agent(f, 2);
	/* Agent 1 saw the (empty) queue at its hello and at agent 2's. */
	next(a1, "queue");
	assert_int_equal(jint(next(a1, "queue"), "agents_online"), 2);
	rconn *c = waiting_customer(f, 1, "h1");
	char conv[STORE_ID_SIZE];
	snprintf(conv, sizeof(conv), "%s", c->c.conv.id);
	json_t *q = next(a1, "queue");
	json_t *item = json_array_get(json_object_get(q, "items"), 0);
	assert_string_equal(jstr(item, "conversation"), conv);
	assert_int_equal(jint(item, "position"), 1);
	assert_string_equal(jstr(item, "reason"), "agent_request");
	assert_int_equal(jint(json_object_get(item, "member"), "id"), 1);

	sendf(f, a1, "{\"type\":\"claim\",\"conversation\":\"%s\"}", conv);
	sendf(f, a2, "{\"type\":\"claim\",\"conversation\":\"%s\"}", conv);
	json_t *cl = next(a1, "claimed");
	assert_string_equal(jstr(cl, "conversation"), conv);
	json_t *p = json_object_get(cl, "packet");
	assert_int_equal(jint(json_object_get(p, "member"), "id"), 1);
	assert_string_equal(jstr(p, "reason"), "agent_request");
	json_t *tr = json_object_get(p, "transcript");
	assert_int_equal(json_array_size(tr), 2);
	assert_string_equal(jstr(json_array_get(tr, 0), "from"), "customer");
	/* Agent 2 saw it come into the queue and leave it, then lost the race. */
	next(a2, "queue");
	assert_int_equal(json_array_size(json_object_get(next(a2, "queue"), "items")), 1);
	assert_int_equal(json_array_size(json_object_get(next(a2, "queue"), "items")), 0);
	json_t *e = next(a2, "error");
	assert_string_equal(jstr(e, "code"), "already_claimed");
	assert_string_equal(jstr(e, "conversation"), conv);
	json_t *j = next(c, "agent_joined");
	assert_string_equal(jstr(j, "name"), "김지수");
	assert_int_equal(c->c.conv.state, CONV_AGENT);
}

/* Messages both ways, typing both ways, notes for the agents only. */
static void
test_working_a_conversation(void **state)
{
	fixture *f = *state;
	rconn *a = agent(f, 1);
	char conv[STORE_ID_SIZE];
	rconn *c = claimed_customer(f, a, 1, conv);

	sendf(f, a,
	      "{\"type\":\"message\",\"conversation\":\"%s\",\"id\":\"a-1\",\"text\":\"확인해 "
	      "드릴게요\"}",
	      conv);
	json_t *ack = next_skip(a, "ack");
	assert_string_equal(jstr(ack, "id"), "a-1");
	assert_string_equal(jstr(ack, "conversation"), conv);
	int64_t seq = jint(ack, "seq");
	json_t *r = next(c, "reply");
	assert_string_equal(jstr(r, "from"), "agent");
	assert_string_equal(jstr(r, "name"), "김지수");
	assert_int_equal(jint(r, "seq"), seq);
	/* Sent again after a reconnect: the same seq, delivered once. */
	sendf(f, a,
	      "{\"type\":\"message\",\"conversation\":\"%s\",\"id\":\"a-1\",\"text\":\"확인해 "
	      "드릴게요\"}",
	      conv);
	assert_int_equal(jint(next_skip(a, "ack"), "seq"), seq);
	assert_false(has_pending(c, "reply"));

	send_text(f, c, "{\"type\":\"message\",\"id\":\"c2\",\"text\":\"감사합니다\"}");
	next(c, "ack");
	json_t *cm = next_skip(a, "customer_message");
	assert_string_equal(jstr(cm, "conversation"), conv);
	assert_string_equal(jstr(cm, "text"), "감사합니다");
	send_text(f, c, "{\"type\":\"typing\",\"on\":true}");
	json_t *t = next(a, "typing");
	assert_string_equal(jstr(t, "from"), "customer");
	sendf(f, a, "{\"type\":\"typing\",\"conversation\":\"%s\",\"on\":false}", conv);
	t = next(c, "typing");
	assert_string_equal(jstr(t, "from"), "agent");
	assert_true(json_is_false(json_object_get(t, "on")));

	sendf(f, a, "{\"type\":\"note\",\"conversation\":\"%s\",\"text\":\"서류 확인 필요\"}",
	      conv);
	json_t *n = next(a, "noted");
	assert_string_equal(jstr(json_object_get(n, "note"), "agent"), "김지수");
	assert_string_equal(jstr(json_object_get(n, "note"), "text"), "서류 확인 필요");
	assert_false(has_pending(c, "noted"));

	/* Another agent holds nothing here. */
	rconn *b = agent(f, 2);
	sendf(f, b, "{\"type\":\"note\",\"conversation\":\"%s\",\"text\":\"x\"}", conv);
	json_t *e = next_skip(b, "error");
	assert_string_equal(jstr(e, "code"), "not_owner");
	assert_string_equal(jstr(e, "conversation"), conv);
}

/* Transfers: to oneself, to an agent offline, to the queue, to an agent. */
static void
test_transfer(void **state)
{
	fixture *f = *state;
	rconn *a = agent(f, 1);
	char conv[STORE_ID_SIZE];
	rconn *c = claimed_customer(f, a, 1, conv);

	sendf(f, a, "{\"type\":\"transfer\",\"conversation\":\"%s\",\"to\":1}", conv);
	assert_string_equal(jstr(next_skip(a, "error"), "code"), "bad_shape");
	sendf(f, a, "{\"type\":\"transfer\",\"conversation\":\"%s\",\"to\":2}", conv);
	json_t *e = next_skip(a, "error");
	assert_string_equal(jstr(e, "code"), "not_found");
	assert_string_equal(jstr(e, "message"), "that agent is not online");

	rconn *b = agent(f, 2);
	sendf(f, a, "{\"type\":\"transfer\",\"conversation\":\"%s\",\"to\":2}", conv);
	json_t *rel = next_skip(a, "released");
	assert_string_equal(jstr(rel, "reason"), "transferred");
	json_t *as = next_skip(b, "assigned");
	assert_string_equal(jstr(as, "conversation"), conv);
	assert_true(json_is_array(json_object_get(json_object_get(as, "packet"), "transcript")));
	assert_string_equal(jstr(next(c, "agent_joined"), "name"), "이도현");

	/* Back to the queue: the customer hears their place again. */
	sendf(f, b, "{\"type\":\"transfer\",\"conversation\":\"%s\",\"to\":null}", conv);
	next_skip(b, "released");
	json_t *q = next(c, "queued");
	assert_int_equal(jint(q, "position"), 1);
	assert_int_equal(jint(q, "agents_online"), 2);
}

/* Resolve: the agent lets go, the customer is asked for a rating, and the
 * rating reaches the agent. */
static void
test_resolve_and_rating(void **state)
{
	fixture *f = *state;
	rconn *a = agent(f, 1);
	char conv[STORE_ID_SIZE];
	rconn *c = claimed_customer(f, a, 1, conv);
	sendf(f, a, "{\"type\":\"resolve\",\"conversation\":\"%s\"}", conv);
	assert_string_equal(jstr(next_skip(a, "released"), "reason"), "resolved");
	next(c, "resolved");
	json_t *r = next(c, "reply");
	assert_int_equal(json_array_size(json_object_get(r, "quick_replies")), 5);
	assert_int_equal(c->c.conv.state, CONV_BOT);
	send_text(f, c, "{\"type\":\"rating\",\"score\":4}");
	next(c, "reply");
	assert_int_equal(jint(next(c, "rated"), "score"), 4);
	json_t *rt = next_skip(a, "rated");
	assert_string_equal(jstr(rt, "conversation"), conv);
	assert_int_equal(jint(rt, "score"), 4);
	/* Resolved: nobody holds it now. */
	sendf(f, a, "{\"type\":\"resolve\",\"conversation\":\"%s\"}", conv);
	assert_string_equal(jstr(next_skip(a, "error"), "code"), "not_owner");
}

/* Agent 3 may hold two conversations. */
static void
test_capacity(void **state)
{
	fixture *f = *state;
	rconn *a = agent(f, 3);
	rconn *c[3];
	for (int i = 0; i < 3; i++) {
		char id[8];
		snprintf(id, sizeof(id), "h%d", i);
		c[i] = waiting_customer(f, 1 + i, id);
	}
	for (int i = 0; i < 3; i++)
		sendf(f, a, "{\"type\":\"claim\",\"conversation\":\"%s\"}", c[i]->c.conv.id);
	next_skip(a, "claimed");
	next_skip(a, "claimed");
	json_t *e = next_skip(a, "error");
	assert_string_equal(jstr(e, "code"), "at_capacity");
	assert_string_equal(jstr(e, "conversation"), c[2]->c.conv.id);
}

/* An agent who leaves keeps their conversations for the grace period (0 s
 * here): at the next tick they go back to the front of the queue and the
 * customer is told. One who comes back in time keeps them. */
static void
test_grace_requeue(void **state)
{
	fixture *f = *state;
	rconn *a = agent(f, 1);
	rconn *c = waiting_customer(f, 1, "h1");
	sendf(f, a, "{\"type\":\"claim\",\"conversation\":\"%s\"}", c->c.conv.id);
	next_skip(a, "claimed");
	next(c, "agent_joined");
	conn_gone(f, a);
	assert_int_equal(handoff_agents_online(f->ep.ho), 0);
	agent_tick(&f->ep);
	settle(f);
	json_t *r = next(c, "reply");
	assert_string_equal(jstr(r, "from"), "bot");
	json_t *q = next(c, "queued");
	assert_int_equal(jint(q, "position"), 1);
	assert_int_equal(c->c.conv.state, CONV_QUEUED);

	/* Back within the grace period: nothing moves. */
	f->cfg.agent_grace_s = 3600;
	rconn *b = agent(f, 2);
	sendf(f, b, "{\"type\":\"claim\",\"conversation\":\"%s\"}", c->c.conv.id);
	next_skip(b, "claimed");
	conn_gone(f, b);
	rconn *b2 = agent(f, 2);
	json_t *w = json_array_get(b2->got, 0);
	assert_int_equal(json_array_size(json_object_get(w, "conversations")), 1);
	agent_tick(&f->ep);
	settle(f);
	assert_false(has_pending(c, "queued"));
	int64_t owner = 0;
	assert_int_equal(store_handoff_owner(f->ep.st, c->c.conv.id, &owner), BOT_OK);
	assert_int_equal(owner, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_hello, fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_claim_race_and_packet, fixture_setup,
	                                    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_working_a_conversation, fixture_setup,
	                                    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_transfer, fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_resolve_and_rating, fixture_setup,
	                                    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_capacity, fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_grace_requeue, fixture_setup, fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
