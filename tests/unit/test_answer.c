/* Unit tests of the answer module (bot/answer.c). The store, the intent set
 * and the clock are replaced by small fakes defined here, so the test links
 * only answer.o and template.o and can watch every query and its parameters:
 * which account is used, that an unlinked user never reaches a query, and how
 * periods turn into UTC ranges. Real data is covered by tests/golden. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "answer.h"
#include "clock.h"
#include "log.h"

/* ---- fakes ------------------------------------------------------------------ */

struct intent_set {
	json_t *specs; /* object id -> spec */
};

struct store {
	int unused;
};

struct store_query {
	char *sql;
};

/* What the fake store holds and what it saw. */
static store_account fake_accounts[4];
static size_t fake_n_accounts;
static int queries_run;
static int accounts_asked;
static json_t *last_params;

bot_err
store_member_accounts(store *st, int64_t member_id, char *name, size_t name_len,
		      store_account *out, size_t max, size_t *n)
{
	(void)st;
	accounts_asked++;
	if (name && name_len)
		snprintf(name, name_len, "member%lld", (long long)member_id);
	for (size_t i = 0; i < fake_n_accounts && i < max; i++)
		out[i] = fake_accounts[i];
	*n = fake_n_accounts < max ? fake_n_accounts : max;
	return BOT_OK;
}

bot_err
store_member_name(store *st, int64_t member_id, char *buf, size_t len)
{
	(void)st;
	snprintf(buf, len, "member%lld", (long long)member_id);
	return BOT_OK;
}

bot_err
store_query_prepare(store *st, const char *sql, store_query **out, char *err, size_t errlen)
{
	(void)st;
	if (strstr(sql, "BROKEN")) {
		snprintf(err, errlen, "syntax error");
		return BOT_ERR_DB;
	}
	*out = calloc(1, sizeof(**out));
	(*out)->sql = strdup(sql);
	return BOT_OK;
}

/* Returns three rows for "rows" queries (so a cap of 2 shows "more"), one
 * row echoing the account for others. */
bot_err
store_query_run(store_query *q, const json_t *params, size_t max_rows, json_t **rows)
{
	queries_run++;
	json_decref(last_params);
	last_params = json_deep_copy(params);
	*rows = json_array();
	if (strstr(q->sql, "rows")) {
		for (int i = 1; i <= 3 && (size_t)i <= max_rows; i++)
			json_array_append_new(*rows, json_pack("{s:i}", "n", i));
	} else {
		json_array_append_new(*rows, json_pack("{s:O}", "acc",
						       json_object_get(params, "account")));
	}
	return BOT_OK;
}

void
store_query_free(store_query *q)
{
	if (q)
		free(q->sql);
	free(q);
}

const json_t *
intent_spec(const intent_set *set, const char *id)
{
	return json_object_get(set->specs, id);
}

size_t
intent_count(const intent_set *set)
{
	return json_object_size(set->specs);
}

const char *
intent_id_at(const intent_set *set, size_t i)
{
	void *it = json_object_iter(set->specs);
	while (it && i--)
		it = json_object_iter_next(set->specs, it);
	return it ? json_object_iter_key(it) : NULL;
}

/* The three clock helpers answer.c uses, with the same fixed +9 h rule. */
void
clock_format_utc(time_t t, char *buf)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

void
clock_kst_tm(time_t t, struct tm *out)
{
	time_t local = t + CLOCK_KST_OFFSET;
	gmtime_r(&local, out);
}

time_t
clock_kst_midnight(int year, int month, int day)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	return timegm(&tm) - CLOCK_KST_OFFSET;
}

/* ---- fixtures ----------------------------------------------------------------- */

static const char specs_json[] =
	"{"
	"\"acct\": {\"answer\": {\"needs_account\": true,"
	"  \"queries\": {\"one\": {\"sql\": \"SELECT :account\", \"max_rows\": 1},"
	"               \"list\": {\"sql\": \"SELECT rows\", \"max_rows\": 2}},"
	"  \"ko\": \"{{account_name}} {{one.acc}} {{#list}}{{n}}{{/list}}{{#list_more}}+{{/list_more}}\","
	"  \"en\": \"EN {{account_no}}\","
	"  \"general\": {\"ko\": \"일반 안내\", \"en\": \"general\"}}},"
	"\"human\": {\"answer\": {\"needs_account\": true, \"handoff\": true, \"attach\": [\"list\"],"
	"  \"queries\": {\"list\": {\"sql\": \"SELECT rows\", \"max_rows\": 5}},"
	"  \"ko\": \"사람\", \"en\": \"human\", \"general\": {\"ko\": \"g\", \"en\": \"g\"}}},"
	"\"hello\": {\"answer\": {\"needs_account\": false,"
	"  \"ko\": \"{{#member_name}}{{member_name}}님 {{/member_name}}안녕하세요\", \"en\": \"hi\","
	"  \"quick_replies\": {\"ko\": [{\"label\": \"a\", \"value\": \"intent:acct\"}], \"en\": []}}},"
	"\"gap\": {\"answer\": {\"needs_account\": false, \"ko\": \"{{nope}}\", \"en\": \"{{nope}}\"}},"
	"\"noanswer\": {\"title\": \"x\"}"
	"}";

typedef struct fixture {
	intent_set set;
	store st;
	answer_engine *eng;
} fixture;

static int
setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	f->set.specs = json_loads(specs_json, 0, NULL);
	assert_non_null(f->set.specs);
	char err[256];
	assert_int_equal(answer_engine_new(&f->set, &f->st, &f->eng, err, sizeof(err)), BOT_OK);
	fake_accounts[0] = (store_account){101, "3015827", "민준상회"};
	fake_accounts[1] = (store_account){102, "3022914", "서연뷰티"};
	fake_n_accounts = 1;
	queries_run = 0;
	accounts_asked = 0;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	fixture *f = *state;
	answer_engine_free(f->eng);
	json_decref(f->set.specs);
	json_decref(last_params);
	last_params = NULL;
	free(f);
	return 0;
}

static answer_request
req_for(const char *intent, int64_t member, int64_t account, const char *lang)
{
	answer_request r = {.intent = intent,
			    .member_id = member,
			    .account_id = account,
			    .lang = lang,
			    .now = 1795143600}; /* 2026-11-20T03:00Z */
	return r;
}

/* ---- tests ---------------------------------------------------------------------- */

static void
test_unlinked_gets_general_answer_only(void **state)
{
	fixture *f = *state;
	answer_request r = req_for("acct", 0, 101, "ko");
	answer_reply rep;
	assert_int_equal(answer_render(f->eng, &r, &rep), BOT_OK);
	/* No account lookup, no query: the account id in the request is ignored. */
	assert_int_equal(accounts_asked, 0);
	assert_int_equal(queries_run, 0);
	assert_int_equal(rep.account_id, 0);
	assert_true(strncmp(rep.text, "일반 안내\n\n", strlen("일반 안내\n\n")) == 0);
	assert_non_null(strstr(rep.text, "연결"));
	assert_non_null(rep.quick_replies);
	answer_reply_clear(&rep);
}

static void
test_one_account_is_used(void **state)
{
	fixture *f = *state;
	answer_request r = req_for("acct", 1, 0, "ko");
	answer_reply rep;
	assert_int_equal(answer_render(f->eng, &r, &rep), BOT_OK);
	assert_int_equal(rep.account_id, 101);
	assert_int_equal(rep.needs_account, 0);
	/* Capped at 2 rows with the "more" flag set by the third. */
	assert_string_equal(rep.text, "민준상회 101 12+");
	assert_int_equal(json_integer_value(json_object_get(last_params, "member")), 1);
	assert_string_equal(json_string_value(json_object_get(last_params, "now")),
			    "2026-11-20 03:00:00");
	answer_reply_clear(&rep);

	r.lang = "en";
	assert_int_equal(answer_render(f->eng, &r, &rep), BOT_OK);
	assert_string_equal(rep.text, "EN 3015827");
	answer_reply_clear(&rep);
}

static void
test_several_accounts_ask(void **state)
{
	fixture *f = *state;
	fake_n_accounts = 2;
	answer_request r = req_for("acct", 1, 0, "ko");
	answer_reply rep;
	assert_int_equal(answer_render(f->eng, &r, &rep), BOT_OK);
	assert_int_equal(rep.needs_account, 1);
	assert_int_equal(queries_run, 0);
	assert_int_equal(json_array_size(rep.quick_replies), 2);
	json_t *q = json_array_get(rep.quick_replies, 1);
	assert_string_equal(json_string_value(json_object_get(q, "label")), "서연뷰티 (3022914)");
	assert_string_equal(json_string_value(json_object_get(q, "value")), "account:102");
	answer_reply_clear(&rep);

	/* A remembered account the member still belongs to is used. */
	r.account_id = 102;
	assert_int_equal(answer_render(f->eng, &r, &rep), BOT_OK);
	assert_int_equal(rep.account_id, 102);
	assert_int_equal(json_integer_value(json_object_get(last_params, "account")), 102);
	answer_reply_clear(&rep);

	/* One they do not belong to is never used: ask again. */
	queries_run = 0;
	r.account_id = 999;
	assert_int_equal(answer_render(f->eng, &r, &rep), BOT_OK);
	assert_int_equal(rep.needs_account, 1);
	assert_int_equal(queries_run, 0);
	answer_reply_clear(&rep);
}

static void
test_typed_account_number_is_checked(void **state)
{
	fixture *f = *state;
	json_t *slots = json_pack("{s:s}", "account_no", "3031006");
	answer_request r = req_for("acct", 1, 0, "ko");
	r.slots = slots;
	answer_reply rep;
	assert_int_equal(answer_render(f->eng, &r, &rep), BOT_OK);
	assert_int_equal(rep.needs_account, 1);
	assert_int_equal(queries_run, 0);
	assert_non_null(strstr(rep.text, "조회할 수 없어요"));
	answer_reply_clear(&rep);

	json_object_set_new(slots, "account_no", json_string("3015827"));
	assert_int_equal(answer_render(f->eng, &r, &rep), BOT_OK);
	assert_int_equal(rep.account_id, 101);
	answer_reply_clear(&rep);
	json_decref(slots);
}

static void
test_no_account(void **state)
{
	fixture *f = *state;
	fake_n_accounts = 0;
	answer_request r = req_for("human", 10, 0, "en");
	answer_reply rep;
	assert_int_equal(answer_render(f->eng, &r, &rep), BOT_OK);
	assert_int_equal(queries_run, 0);
	assert_int_equal(rep.handoff, 0);
	assert_non_null(strstr(rep.text, "not a member of any ad account"));
	assert_non_null(strstr(rep.text, "\n\ng"));
	answer_reply_clear(&rep);
}

static void
test_handoff_attaches_rows(void **state)
{
	fixture *f = *state;
	answer_request r = req_for("human", 1, 0, "ko");
	answer_reply rep;
	assert_int_equal(answer_render(f->eng, &r, &rep), BOT_OK);
	assert_int_equal(rep.handoff, 1);
	assert_non_null(rep.attachments);
	assert_int_equal(json_array_size(rep.attachments), 2);
	json_t *acc = json_array_get(rep.attachments, 0);
	assert_string_equal(json_string_value(json_object_get(acc, "account_no")), "3015827");
	json_t *list = json_array_get(rep.attachments, 1);
	assert_string_equal(json_string_value(json_object_get(list, "kind")), "list");
	assert_int_equal(json_array_size(json_object_get(list, "rows")), 3);
	answer_reply_clear(&rep);
}

static void
test_no_account_intent(void **state)
{
	fixture *f = *state;
	answer_request r = req_for("hello", 0, 0, "ko");
	answer_reply rep;
	assert_int_equal(answer_render(f->eng, &r, &rep), BOT_OK);
	assert_string_equal(rep.text, "안녕하세요");
	assert_int_equal(json_array_size(rep.quick_replies), 1);
	answer_reply_clear(&rep);
	r.member_id = 7;
	assert_int_equal(answer_render(f->eng, &r, &rep), BOT_OK);
	assert_string_equal(rep.text, "member7님 안녕하세요");
	answer_reply_clear(&rep);
}

static void
test_errors(void **state)
{
	fixture *f = *state;
	answer_request r = req_for("gap", 1, 0, "ko");
	answer_reply rep;
	assert_int_equal(answer_render(f->eng, &r, &rep), BOT_ERR_TEMPLATE);
	assert_null(rep.text);
	assert_null(rep.quick_replies);
	r.intent = "noanswer";
	assert_int_equal(answer_render(f->eng, &r, &rep), BOT_ERR_NOT_FOUND);
	r.intent = "unknown";
	assert_int_equal(answer_render(f->eng, &r, &rep), BOT_ERR_NOT_FOUND);
}

static void
check_period(fixture *f, const char *period, const char *from, const char *to)
{
	json_t *slots = json_pack("{s:s}", "period", period);
	answer_request r = req_for("acct", 1, 0, "ko");
	r.slots = slots;
	answer_reply rep;
	assert_int_equal(answer_render(f->eng, &r, &rep), BOT_OK);
	assert_string_equal(json_string_value(json_object_get(last_params, "period_from")), from);
	assert_string_equal(json_string_value(json_object_get(last_params, "period_to")), to);
	/* Slots reach the queries as parameters too. */
	assert_string_equal(json_string_value(json_object_get(last_params, "period")), period);
	answer_reply_clear(&rep);
	json_decref(slots);
}

static void
test_periods(void **state)
{
	fixture *f = *state;
	/* Now: Friday 2026-11-20 12:00 in Seoul; days start at 15:00 UTC. */
	check_period(f, "today", "2026-11-19 15:00:00", "2026-11-20 15:00:00");
	check_period(f, "yesterday", "2026-11-18 15:00:00", "2026-11-19 15:00:00");
	check_period(f, "this_week", "2026-11-15 15:00:00", "2026-11-20 15:00:00");
	check_period(f, "last_week", "2026-11-08 15:00:00", "2026-11-15 15:00:00");
	check_period(f, "last_7_days", "2026-11-13 15:00:00", "2026-11-20 15:00:00");
	check_period(f, "last_14_days", "2026-11-06 15:00:00", "2026-11-20 15:00:00");
	check_period(f, "last_30_days", "2026-10-21 15:00:00", "2026-11-20 15:00:00");
	check_period(f, "this_month", "2026-10-31 15:00:00", "2026-11-20 15:00:00");
	check_period(f, "last_month", "2026-09-30 15:00:00", "2026-10-31 15:00:00");
	check_period(f, "2026-10-01..2026-10-15", "2026-09-30 15:00:00", "2026-10-15 15:00:00");
	check_period(f, "all", "1970-01-01 00:00:00", "9998-12-31 15:00:00");
}

static void
test_bad_specs_refused(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"{\"x\": {\"answer\": {\"ko\": \"{{#a}}\", \"en\": \"\"}}}",
		"{\"x\": {\"answer\": {\"ko\": \"a\"}}}",
		"{\"x\": {\"answer\": {\"needs_account\": true, \"ko\": \"a\", \"en\": \"a\"}}}",
		"{\"x\": {\"answer\": {\"ko\": \"a\", \"en\": \"a\", \"queries\": {\"q\": "
		"{\"sql\": \"BROKEN\"}}}}}",
		"{\"x\": {\"answer\": {\"ko\": \"a\", \"en\": \"a\", \"queries\": {\"q\": "
		"{\"sql\": \"S\", \"max_rows\": 0}}}}}",
		"{\"x\": {\"answer\": {\"ko\": \"{{a|nofilter}}\", \"en\": \"a\"}}}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		intent_set set = {json_loads(bad[i], 0, NULL)};
		store st;
		answer_engine *eng = NULL;
		char err[256] = "";
		assert_non_null(set.specs);
		assert_int_not_equal(answer_engine_new(&set, &st, &eng, err, sizeof(err)), BOT_OK);
		assert_null(eng);
		assert_non_null(strstr(err, "intents/x.json"));
		json_decref(set.specs);
	}
}

int
main(void)
{
	log_set_level(LOG_ERROR);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unlinked_gets_general_answer_only, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_one_account_is_used, setup, teardown),
		cmocka_unit_test_setup_teardown(test_several_accounts_ask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_typed_account_number_is_checked, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_account, setup, teardown),
		cmocka_unit_test_setup_teardown(test_handoff_attaches_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_account_intent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_periods, setup, teardown),
		cmocka_unit_test(test_bad_specs_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
