/* Unit tests of the agent console's server frames (bot/proto/agentsend.c):
 * the handoff packet, the queue snapshot and the rest, from the store's
 * structs to PROTOCOL.md's shapes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "unit_helpers.h"

#include "agentsend.h"

/* 2026-03-02 01:00:00 UTC. */
#define T0 ((time_t)1772413200)

/* A packet as the store fills it for a member with one of two accounts
 * chosen, an escalation with slots and an attachment, three messages and a
 * note. Its strings are static: it is never cleared. */
static store_packet
full_packet(store_account accounts[2], store_line lines[3], store_note notes[1])
{
	store_packet p;
	memset(&p, 0, sizeof(p));
	p.member_id = 3;
	snprintf(p.member_name, sizeof(p.member_name), "박지훈");
	p.has_account = 1;
	p.account = (store_account_detail){.id = 103, .cash_balance = 842000};
	snprintf(p.account.account_no, sizeof(p.account.account_no), "3031006");
	snprintf(p.account.name, sizeof(p.account.name), "지훈테크");
	snprintf(p.account.status, sizeof(p.account.status), "on");
	snprintf(p.account.business_status, sizeof(p.account.business_status), "active");
	accounts[0] = (store_account){.id = 103};
	accounts[1] = (store_account){.id = 104};
	snprintf(accounts[0].account_no, sizeof(accounts[0].account_no), "3031006");
	snprintf(accounts[1].account_no, sizeof(accounts[1].account_no), "3031187");
	p.accounts = accounts;
	p.n_accounts = 2;
	snprintf(p.channel, sizeof(p.channel), "web");
	p.has_handoff = 1;
	p.reason = "needs_human";
	p.intent = "tax_invoice_failed";
	p.slots_json = "{\"month\":\"2026-02\"}";
	p.attachments_json = "[{\"kind\":\"tax_invoice\",\"status\":\"failed\"}]";
	p.waited_s = 42;
	lines[0] = (store_line){1, "customer", "세금계산서 발행 실패", NULL, NULL, T0};
	lines[1] = (store_line){2, "bot", "어느 계정인가요?", "tax_invoice_failed", NULL, T0};
	lines[2] = (store_line){3, "agent", "확인해 드릴게요", NULL, "김지수", T0 + 42};
	p.transcript = lines;
	p.n_transcript = 3;
	notes[0] = (store_note){"김지수", "사업자번호 확인 필요", T0 + 42};
	p.notes = notes;
	p.n_notes = 1;
	return p;
}

static void
test_packet(void **state)
{
	(void)state;
	store_account accounts[2];
	store_line lines[3];
	store_note notes[1];
	store_packet sp = full_packet(accounts, lines, notes);
	json_t *o = frame(agentsend_claimed("0123456789abcdef0123456789abcdef", &sp));
	assert_string_equal(jstr(o, "type"), "claimed");
	assert_string_equal(jstr(o, "conversation"), "0123456789abcdef0123456789abcdef");
	json_t *p = json_object_get(o, "packet");
	json_t *m = json_object_get(p, "member");
	assert_int_equal(jint(m, "id"), 3);
	assert_string_equal(jstr(m, "name"), "박지훈");
	json_t *acc = json_object_get(p, "account");
	assert_int_equal(jint(acc, "id"), 103);
	assert_string_equal(jstr(acc, "account_no"), "3031006");
	assert_string_equal(jstr(acc, "status"), "on");
	assert_true(json_is_null(json_object_get(acc, "off_reason")));
	assert_int_equal(jint(acc, "cash_balance"), 842000);
	assert_int_equal(json_array_size(json_object_get(p, "accounts")), 2);
	assert_string_equal(jstr(p, "channel"), "web");
	assert_string_equal(jstr(p, "reason"), "needs_human");
	assert_string_equal(jstr(p, "intent"), "tax_invoice_failed");
	assert_string_equal(jstr(json_object_get(p, "slots"), "month"), "2026-02");
	json_t *att = json_object_get(p, "attachments");
	assert_int_equal(json_array_size(att), 1);
	assert_string_equal(jstr(json_array_get(att, 0), "status"), "failed");
	assert_int_equal(jint(p, "waited_s"), 42);
	json_t *tr = json_object_get(p, "transcript");
	assert_int_equal(json_array_size(tr), 3);
	json_t *t0 = json_array_get(tr, 0), *t1 = json_array_get(tr, 1),
	       *t2 = json_array_get(tr, 2);
	assert_int_equal(jint(t0, "seq"), 1);
	assert_string_equal(jstr(t0, "from"), "customer");
	assert_string_equal(jstr(t0, "text"), "세금계산서 발행 실패");
	assert_string_equal(jstr(t0, "at"), "2026-03-02T01:00:00Z");
	assert_true(json_is_null(json_object_get(t0, "intent")));
	assert_true(json_is_null(json_object_get(t0, "name")));
	assert_string_equal(jstr(t1, "intent"), "tax_invoice_failed");
	assert_string_equal(jstr(t2, "from"), "agent");
	assert_string_equal(jstr(t2, "name"), "김지수");
	json_t *n = json_array_get(json_object_get(p, "notes"), 0);
	assert_string_equal(jstr(n, "agent"), "김지수");
	assert_string_equal(jstr(n, "text"), "사업자번호 확인 필요");
	assert_string_equal(jstr(n, "at"), "2026-03-02T01:00:42Z");
	json_decref(o);

	/* No member, no account, nothing stored for the slots: nulls, {} and []. */
	store_packet anon;
	memset(&anon, 0, sizeof(anon));
	snprintf(anon.channel, sizeof(anon.channel), "kakao");
	anon.has_handoff = 1;
	anon.reason = "agent_request";
	o = frame(agentsend_assigned("0123456789abcdef0123456789abcdef", &anon));
	assert_string_equal(jstr(o, "type"), "assigned");
	p = json_object_get(o, "packet");
	assert_true(json_is_null(json_object_get(p, "member")));
	assert_true(json_is_null(json_object_get(p, "account")));
	assert_int_equal(json_array_size(json_object_get(p, "accounts")), 0);
	assert_true(json_is_null(json_object_get(p, "intent")));
	assert_true(json_is_object(json_object_get(p, "slots")));
	assert_int_equal(json_array_size(json_object_get(p, "attachments")), 0);
	assert_int_equal(json_array_size(json_object_get(p, "transcript")), 0);
	assert_int_equal(json_array_size(json_object_get(p, "notes")), 0);
	json_decref(o);
	/* A conversation without a handoff row has none of its keys; a
	 * missing packet is an empty object. */
	anon.has_handoff = 0;
	o = frame(agentsend_claimed("0123456789abcdef0123456789abcdef", &anon));
	assert_null(json_object_get(json_object_get(o, "packet"), "reason"));
	assert_null(json_object_get(json_object_get(o, "packet"), "waited_s"));
	json_decref(o);
	o = frame(agentsend_claimed("0123456789abcdef0123456789abcdef", NULL));
	assert_int_equal(json_object_size(json_object_get(o, "packet")), 0);
	json_decref(o);
}

static void
test_queue_snapshot(void **state)
{
	(void)state;
	store_queue_item items[2];
	memset(items, 0, sizeof(items));
	snprintf(items[0].conversation, sizeof(items[0].conversation), "c1");
	items[0].priority = 5;
	snprintf(items[0].reason, sizeof(items[0].reason), "needs_human");
	snprintf(items[0].channel, sizeof(items[0].channel), "kakao");
	items[0].enqueued_at = T0;
	snprintf(items[1].conversation, sizeof(items[1].conversation), "c2");
	snprintf(items[1].reason, sizeof(items[1].reason), "agent_request");
	snprintf(items[1].intent, sizeof(items[1].intent), "free_cash_status");
	snprintf(items[1].channel, sizeof(items[1].channel), "web");
	items[1].enqueued_at = T0 + 60;
	items[1].member_id = 1;
	snprintf(items[1].member_name, sizeof(items[1].member_name), "김민준");
	items[1].preview = "마지막 질문";
	store_queue_list q = {items, 2};
	json_t *o = frame(agentsend_queue(&q, 2, T0 + 100));
	assert_string_equal(jstr(o, "type"), "queue");
	assert_int_equal(jint(o, "agents_online"), 2);
	json_t *list = json_object_get(o, "items");
	assert_int_equal(json_array_size(list), 2);
	json_t *e = json_array_get(list, 0);
	assert_string_equal(jstr(e, "conversation"), "c1");
	assert_int_equal(jint(e, "position"), 1);
	assert_int_equal(jint(e, "waiting_s"), 100);
	assert_int_equal(jint(e, "priority"), 5);
	assert_true(json_is_null(json_object_get(e, "member")));
	assert_true(json_is_null(json_object_get(e, "intent")));
	assert_true(json_is_null(json_object_get(e, "preview")));
	assert_string_equal(jstr(e, "enqueued_at"), "2026-03-02T01:00:00Z");
	e = json_array_get(list, 1);
	assert_int_equal(jint(e, "position"), 2);
	assert_int_equal(jint(e, "waiting_s"), 40);
	assert_string_equal(jstr(e, "reason"), "agent_request");
	assert_string_equal(jstr(e, "intent"), "free_cash_status");
	assert_string_equal(jstr(e, "channel"), "web");
	assert_string_equal(jstr(e, "preview"), "마지막 질문");
	assert_int_equal(jint(json_object_get(e, "member"), "id"), 1);
	assert_string_equal(jstr(json_object_get(e, "member"), "name"), "김민준");
	json_decref(o);
	store_queue_list none = {NULL, 0};
	o = frame(agentsend_queue(&none, 0, T0));
	assert_int_equal(json_array_size(json_object_get(o, "items")), 0);
	json_decref(o);
}

static void
test_working_frames(void **state)
{
	(void)state;
	const char *c = "0123456789abcdef0123456789abcdef";
	json_t *o = frame(agentsend_ack("a-1", c, 12, T0));
	assert_string_equal(jstr(o, "type"), "ack");
	assert_string_equal(jstr(o, "id"), "a-1");
	assert_string_equal(jstr(o, "conversation"), c);
	assert_int_equal(jint(o, "seq"), 12);
	assert_string_equal(jstr(o, "at"), "2026-03-02T01:00:00Z");
	json_decref(o);
	o = frame(agentsend_customer_message(c, 13, "여보세요", T0));
	assert_string_equal(jstr(o, "type"), "customer_message");
	assert_int_equal(jint(o, "seq"), 13);
	assert_string_equal(jstr(o, "text"), "여보세요");
	json_decref(o);
	o = frame(agentsend_typing(c, 0));
	assert_string_equal(jstr(o, "from"), "customer");
	assert_true(json_is_false(json_object_get(o, "on")));
	assert_int_equal(jint(o, "expires_s"), 5);
	json_decref(o);
	store_note n = {"김상담", "서류 확인", T0};
	o = frame(agentsend_noted(c, &n));
	assert_string_equal(jstr(o, "type"), "noted");
	assert_string_equal(jstr(json_object_get(o, "note"), "agent"), "김상담");
	assert_string_equal(jstr(json_object_get(o, "note"), "text"), "서류 확인");
	assert_string_equal(jstr(json_object_get(o, "note"), "at"), "2026-03-02T01:00:00Z");
	json_decref(o);
	o = frame(agentsend_released(c, "transferred"));
	assert_string_equal(jstr(o, "reason"), "transferred");
	json_decref(o);
	o = frame(agentsend_rated(c, 4));
	assert_int_equal(jint(o, "score"), 4);
	json_decref(o);
	o = frame(agentsend_error("not_owner", "you do not hold this conversation", c));
	assert_string_equal(jstr(o, "code"), "not_owner");
	assert_string_equal(jstr(o, "conversation"), c);
	json_decref(o);
	o = frame(agentsend_error("bad_shape", "x", NULL));
	assert_null(json_object_get(o, "conversation"));
	assert_int_equal(json_object_size(o), 3);
	json_decref(o);
}

static void
test_welcome(void **state)
{
	(void)state;
	store_account accounts[2];
	store_line lines[3];
	store_note notes[1];
	store_packet sp = full_packet(accounts, lines, notes);
	agentsend_held held[] = {{"0123456789abcdef0123456789abcdef", &sp}};
	json_t *o = frame(agentsend_welcome(1, "김상담", 3, held, 1));
	assert_string_equal(jstr(o, "type"), "welcome");
	assert_int_equal(jint(json_object_get(o, "agent"), "id"), 1);
	assert_string_equal(jstr(json_object_get(o, "agent"), "name"), "김상담");
	assert_int_equal(jint(o, "max_concurrent"), 3);
	json_t *convs = json_object_get(o, "conversations");
	assert_int_equal(json_array_size(convs), 1);
	assert_string_equal(jstr(json_array_get(convs, 0), "conversation"),
	                    "0123456789abcdef0123456789abcdef");
	assert_int_equal(json_array_size(json_object_get(
	                     json_object_get(json_array_get(convs, 0), "packet"), "transcript")),
	                 3);
	json_decref(o);
	o = frame(agentsend_welcome(2, "이상담", 2, NULL, 0));
	assert_int_equal(json_array_size(json_object_get(o, "conversations")), 0);
	json_decref(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_packet),
	    cmocka_unit_test(test_queue_snapshot),
	    cmocka_unit_test(test_working_frames),
	    cmocka_unit_test(test_welcome),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
