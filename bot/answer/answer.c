/* Answers: the "answer" key of each intent file declares read-only queries and
 * ko/en templates (format in intents/README.md). This module picks the
 * account the member may see, runs the queries with named parameters only,
 * and renders the template. It never writes and never trusts an account id
 * it did not check against membership itself. */
#include "answer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "queryjson.h"
#include "template.h"

/* Rows a list may show before the "more in the admin centre" line. */
#define ANSWER_DEFAULT_ROWS 10
#define ANSWER_MAX_ROWS 100
/* A member with more accounts than this is asked to pick among the first. */
#define ANSWER_MAX_ACCOUNTS 32
#define ANSWER_MAX_QUERIES 8

typedef struct answer_query {
	const char *name; /* borrowed from the intent set */
	store_query *q;   /* owned */
	size_t max_rows;
} answer_query;

typedef struct answer_spec {
	const char *id;        /* borrowed from the intent set */
	const json_t *answer;  /* borrowed: the intent's "answer" object */
	int needs_account;
	int handoff;           /* always hand over after answering */
	const char *handoff_if; /* or only when this query returned rows */
	answer_query queries[ANSWER_MAX_QUERIES];
	size_t n_queries;
} answer_spec;

struct answer_engine {
	const intent_set *set;
	store *st;
	answer_spec *specs; /* owned array of n */
	size_t n;
};

/* How an unlinked KakaoTalk user gets answers from their own data. Account
 * data is never shown before the link exists: the bot user key alone proves
 * nothing about who is typing. */
static const char link_ko[] =
	"내 광고계정 정보로 안내받으시려면 카카오톡 채널 채팅방에서 '계정 연결'을 눌러 "
	"카카오모먼트 관리자센터에 로그인해 계정을 연결해 주세요. 연결한 뒤 다시 물어보시면 "
	"광고계정 데이터를 바탕으로 답변드릴게요.";
static const char link_en[] =
	"To get answers based on your own ad account, tap 'Link account' in this KakaoTalk "
	"chat and sign in to the Kakao Moment admin centre. Once linked, ask again and I will "
	"answer from your account data.";
static const char no_account_ko[] =
	"현재 멤버로 속한 광고계정이 없어 계정 정보를 조회할 수 없어요. 광고계정의 마스터에게 "
	"멤버 초대를 요청하시거나 카카오모먼트 관리자센터에서 광고계정을 만들어 주세요.";
static const char no_account_en[] =
	"You are not a member of any ad account yet, so there is no account data to look up. "
	"Ask the account's master to invite you, or create an ad account in the Kakao Moment "
	"admin centre.";
static const char choose_ko[] = "어느 광고계정을 확인할까요? 아래에서 골라 주세요.";
static const char choose_en[] = "Which ad account should I check? Please pick one below.";
static const char not_yours_ko[] =
	"말씀하신 광고계정번호는 멤버로 속한 계정이 아니어서 조회할 수 없어요. 본인이 속한 "
	"광고계정 중에서 골라 주세요.";
static const char not_yours_en[] =
	"That ad account number is not one you are a member of, so I can't look it up. "
	"Please pick one of your ad accounts.";

/* ---- loading -------------------------------------------------------------- */

static void
spec_clear(answer_spec *s)
{
	for (size_t i = 0; i < s->n_queries; i++)
		store_query_free(s->queries[i].q);
	s->n_queries = 0;
}

void
answer_engine_free(answer_engine *eng)
{
	if (!eng)
		return;
	for (size_t i = 0; i < eng->n; i++)
		spec_clear(&eng->specs[i]);
	free(eng->specs);
	free(eng);
}

static bot_err
check_template(const char *id, const char *where, const json_t *tpl, char *err, size_t errlen)
{
	char why[160];
	if (!json_is_string(tpl)) {
		snprintf(err, errlen, "intents/%s.json: answer.%s: missing template", id, where);
		return BOT_ERR_PARSE;
	}
	if (template_check(json_string_value(tpl), why, sizeof(why)) != BOT_OK) {
		snprintf(err, errlen, "intents/%s.json: answer.%s: %s", id, where, why);
		return BOT_ERR_PARSE;
	}
	return BOT_OK;
}

/* Reads and prepares one intent's "answer" (ANS, borrowed) into S. */
static bot_err
spec_load(answer_engine *eng, const char *id, const json_t *ans, answer_spec *s, char *err,
	  size_t errlen)
{
	bot_err rc;
	memset(s, 0, sizeof(*s));
	s->id = id;
	s->answer = ans;
	if (!json_is_object(ans)) {
		snprintf(err, errlen, "intents/%s.json: answer is not an object", id);
		return BOT_ERR_PARSE;
	}
	s->needs_account = json_is_true(json_object_get(ans, "needs_account"));
	s->handoff = json_is_true(json_object_get(ans, "handoff"));
	s->handoff_if = json_string_value(json_object_get(ans, "handoff_if"));

	if ((rc = check_template(id, "ko", json_object_get(ans, "ko"), err, errlen)) ||
	    (rc = check_template(id, "en", json_object_get(ans, "en"), err, errlen)))
		return rc;
	const json_t *general = json_object_get(ans, "general");
	if (s->needs_account &&
	    ((rc = check_template(id, "general.ko", json_object_get(general, "ko"), err, errlen)) ||
	     (rc = check_template(id, "general.en", json_object_get(general, "en"), err, errlen))))
		return rc;

	const json_t *queries = json_object_get(ans, "queries");
	const char *name;
	const json_t *q;
	if (queries && !json_is_object(queries)) {
		snprintf(err, errlen, "intents/%s.json: answer.queries is not an object", id);
		return BOT_ERR_PARSE;
	}
	json_object_foreach((json_t *)queries, name, q)
	{
		const char *sql = json_string_value(json_object_get(q, "sql"));
		const json_t *mr = json_object_get(q, "max_rows");
		char why[200];
		if (s->n_queries == ANSWER_MAX_QUERIES) {
			snprintf(err, errlen, "intents/%s.json: more than %d queries", id,
				 ANSWER_MAX_QUERIES);
			return BOT_ERR_LIMIT;
		}
		if (!sql || (mr && (!json_is_integer(mr) || json_integer_value(mr) < 1 ||
				    json_integer_value(mr) > ANSWER_MAX_ROWS))) {
			snprintf(err, errlen,
				 "intents/%s.json: answer.queries.%s needs \"sql\" and a max_rows "
				 "of 1..%d",
				 id, name, ANSWER_MAX_ROWS);
			return BOT_ERR_PARSE;
		}
		answer_query *aq = &s->queries[s->n_queries];
		aq->name = name;
		aq->max_rows = mr ? (size_t)json_integer_value(mr) : ANSWER_DEFAULT_ROWS;
		rc = store_query_prepare(eng->st, sql, &aq->q, why, sizeof(why));
		if (rc != BOT_OK) {
			snprintf(err, errlen, "intents/%s.json: answer.queries.%s: %s", id, name,
				 why);
			return rc;
		}
		s->n_queries++;
	}
	if (s->handoff_if) {
		size_t i;
		for (i = 0; i < s->n_queries; i++)
			if (!strcmp(s->queries[i].name, s->handoff_if))
				break;
		if (i == s->n_queries) {
			snprintf(err, errlen, "intents/%s.json: handoff_if names no query", id);
			return BOT_ERR_PARSE;
		}
	}
	return BOT_OK;
}

bot_err
answer_engine_new(const intent_set *set, store *st, answer_engine **out, char *err, size_t errlen)
{
	bot_err rc = BOT_OK;
	answer_engine *eng = calloc(1, sizeof(*eng));
	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	if (!eng)
		return BOT_ERR_NOMEM;
	eng->set = set;
	eng->st = st;
	size_t n = intent_count(set);
	eng->specs = calloc(n ? n : 1, sizeof(*eng->specs));
	if (!eng->specs) {
		rc = BOT_ERR_NOMEM;
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		const char *id = intent_id_at(set, i);
		const json_t *ans = json_object_get(intent_spec(set, id), "answer");
		if (!ans) {
			/* Still answerable by a human: the dialog hands over. */
			log_warn("intent %s has no answer; it will be handed to an agent", id);
			continue;
		}
		rc = spec_load(eng, id, ans, &eng->specs[eng->n], err, errlen);
		eng->n++; /* counted even on failure so its queries are freed */
		if (rc != BOT_OK)
			goto fail;
	}
	*out = eng;
	return BOT_OK;
fail:
	answer_engine_free(eng);
	return rc;
}

/* ---- rendering helpers ---------------------------------------------------- */

void
answer_reply_clear(answer_reply *reply)
{
	if (!reply)
		return;
	free(reply->text);
	json_decref(reply->quick_replies);
	json_decref(reply->attachments);
	memset(reply, 0, sizeof(*reply));
}

static const answer_spec *
find_spec(const answer_engine *eng, const char *id)
{
	for (size_t i = 0; i < eng->n; i++)
		if (!strcmp(eng->specs[i].id, id))
			return &eng->specs[i];
	return NULL;
}

/* Joins A and B with a blank line; takes ownership of A. Returns an owned
 * string or NULL (A freed) when out of memory. */
static char *
join_para(char *a, const char *b)
{
	char *s = NULL;
	if (asprintf(&s, "%s\n\n%s", a, b) < 0)
		s = NULL;
	free(a);
	return s;
}

static void
put_time(json_t *obj, const char *key, time_t t)
{
	char buf[20];
	clock_format_utc(t, buf);
	json_object_set_new(obj, key, json_string(buf));
}

/* Turns the canonical period slot into a half-open UTC range on the Seoul
 * calendar: [from, to). "all" has no range. Unknown text falls back to the
 * default (last 30 days) rather than guessing a wider window. */
static void
period_range(const char *period, time_t now, const char **key, time_t *from, time_t *to,
	     int *has_range)
{
	const time_t day = 24 * 3600;
	struct tm tm;
	clock_kst_tm(now, &tm);
	int y = tm.tm_year + 1900, m = tm.tm_mon + 1;
	time_t today = clock_kst_midnight(y, m, tm.tm_mday);
	time_t monday = today - (time_t)((tm.tm_wday + 6) % 7) * day;
	int y1, m1, d1, y2, m2, d2, n = 0;

	*has_range = 1;
	*to = today + day;
	if (!period)
		period = "last_30_days";
	*key = period;
	if (!strcmp(period, "today")) {
		*from = today;
	} else if (!strcmp(period, "yesterday")) {
		*from = today - day;
		*to = today;
	} else if (!strcmp(period, "this_week")) {
		*from = monday;
	} else if (!strcmp(period, "last_week")) {
		*from = monday - 7 * day;
		*to = monday;
	} else if (!strcmp(period, "last_7_days")) {
		*from = today - 6 * day;
	} else if (!strcmp(period, "last_14_days")) {
		*from = today - 13 * day;
	} else if (!strcmp(period, "this_month")) {
		*from = clock_kst_midnight(y, m, 1);
	} else if (!strcmp(period, "last_month")) {
		*from = clock_kst_midnight(y, m - 1, 1);
		*to = clock_kst_midnight(y, m, 1);
	} else if (!strcmp(period, "all")) {
		*has_range = 0;
		*from = 0;
		*to = clock_kst_midnight(9999, 1, 1);
	} else if (sscanf(period, "%4d-%2d-%2d..%4d-%2d-%2d%n", &y1, &m1, &d1, &y2, &m2, &d2,
			  &n) == 6 &&
		   n == 22 && period[n] == '\0') {
		*key = "custom";
		*from = clock_kst_midnight(y1, m1, d1);
		*to = clock_kst_midnight(y2, m2, d2) + day;
		if (*to <= *from) {
			time_t t = *from;
			*from = *to - day;
			*to = t + day;
		}
	} else {
		*key = "last_30_days";
		*from = today - 29 * day;
	}
}

/* Query parameters and template data shared by every query of one answer:
 * the slots as given, plus what the engine derives. PARAMS and DATA are
 * owned by the caller. */
static bot_err
add_context(const answer_request *req, json_t *params, json_t *data)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)req->slots, k, v)
	{
		if (json_is_string(v) || json_is_integer(v)) {
			json_object_set(params, k, v);
			json_object_set(data, k, v);
		}
	}
	/* Templates may test slots that were not given: they read as null. */
	static const char *const known[] = {"month", "card_last4", "account_no"};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!json_object_get(data, known[i]))
			json_object_set_new(data, known[i], json_null());

	const char *key;
	time_t from, to;
	int has_range;
	period_range(json_string_value(json_object_get(req->slots, "period")), req->now, &key,
		     &from, &to, &has_range);
	json_object_set_new(data, "period", json_string(key));
	json_object_set_new(data, "period_has_range", json_boolean(has_range));
	json_object_set_new(data, "period_one_day", json_boolean(has_range && to - from <= 86400));
	put_time(params, "period_from", from);
	put_time(params, "period_to", to);
	put_time(data, "period_from", from);
	put_time(data, "period_last", to - 1);
	put_time(params, "now", req->now);
	put_time(data, "now", req->now);
	json_object_set_new(params, "member", json_integer(req->member_id));
	json_object_set_new(data, "lang", json_string(req->lang));
	return BOT_OK;
}

static json_t *
quick_reply(const char *label, const char *value)
{
	return json_pack("{s:s, s:s}", "label", label, "value", value);
}

/* Quick replies listing the member's accounts. Returns a new array. */
static json_t *
account_choices(const store_account *acc, size_t n)
{
	json_t *qr = json_array();
	for (size_t i = 0; qr && i < n; i++) {
		char label[200], value[40];
		snprintf(label, sizeof(label), "%s (%s)", acc[i].name, acc[i].account_no);
		snprintf(value, sizeof(value), "account:%lld", (long long)acc[i].id);
		json_array_append_new(qr, quick_reply(label, value));
	}
	return qr;
}

static bot_err
render_text(const answer_spec *s, const char *tpl, const json_t *data, const char *lang,
	    char **out)
{
	char why[200];
	const json_t *labels = json_object_get(json_object_get(s->answer, "labels"), lang);
	template_ctx ctx = {lang, labels, 0};
	bot_err rc = template_render(tpl, data, &ctx, out, why, sizeof(why));
	if (rc != BOT_OK)
		log_error("answer %s (%s): %s", s->id, lang, why);
	return rc;
}

/* Runs every query of S with PARAMS and stores, in DATA, each result as
 * "<name>" (rows, capped), "<name>_more" (rows were left off) and
 * "<name>_count" (rows shown). PARAMS and DATA stay the caller's. */
static bot_err
run_queries(const answer_spec *s, const json_t *params, json_t *data)
{
	for (size_t i = 0; i < s->n_queries; i++) {
		const answer_query *q = &s->queries[i];
		json_t *rows = NULL;
		char key[160];
		/* One row past the cap tells whether a "more" line is due. */
		bot_err rc = queryjson_run(q->q, params, q->max_rows + 1, &rows);
		if (rc != BOT_OK)
			return rc;
		int has_more = json_array_size(rows) > q->max_rows;
		if (has_more)
			json_array_remove(rows, q->max_rows);
		snprintf(key, sizeof(key), "%s_more", q->name);
		json_object_set_new(data, key, json_boolean(has_more));
		snprintf(key, sizeof(key), "%s_count", q->name);
		json_object_set_new(data, key, json_integer((json_int_t)json_array_size(rows)));
		json_object_set_new(data, q->name, rows);
	}
	return BOT_OK;
}

/* Templates end sections with newlines; the last one would show as a blank
 * line above the quick replies. */
static void
trim_end(char *text)
{
	size_t n = text ? strlen(text) : 0;
	while (n && (text[n - 1] == '\n' || text[n - 1] == ' '))
		text[--n] = '\0';
}

/* ---- answer_render -------------------------------------------------------- */

/* Picks the account for REQ among the member's accounts. Sets *CHOSEN (NULL
 * when the member must choose) and *REFUSED when the text named an account
 * number the member does not belong to. */
static void
pick_account(const answer_request *req, const store_account *acc, size_t n,
	     const store_account **chosen, int *refused)
{
	const char *typed = json_string_value(json_object_get(req->slots, "account_no"));
	*chosen = NULL;
	*refused = 0;
	if (typed) {
		for (size_t i = 0; i < n; i++)
			if (!strcmp(acc[i].account_no, typed))
				*chosen = &acc[i];
		if (!*chosen)
			*refused = 1;
		return;
	}
	/* The conversation's remembered account counts only while the member
	 * still belongs to it: membership is re-read on every answer. */
	for (size_t i = 0; i < n && req->account_id; i++)
		if (acc[i].id == req->account_id)
			*chosen = &acc[i];
	if (!*chosen && n == 1)
		*chosen = &acc[0];
}

/* Fills OUT->attachments with the account and the rows of the queries named
 * in the spec's "attach" (DATA borrowed). */
static void
attach_rows(const answer_spec *s, const store_account *acc, const json_t *data,
	    answer_reply *out)
{
	json_t *att = json_array();
	if (!att)
		return;
	json_array_append_new(att, json_pack("{s:s, s:I, s:s, s:s}", "kind", "account",
					     "account_id", (json_int_t)acc->id, "account_no",
					     acc->account_no, "name", acc->name));
	size_t i;
	const json_t *name;
	json_array_foreach(json_object_get(s->answer, "attach"), i, name)
	{
		const json_t *rows = json_object_get(data, json_string_value(name));
		if (rows)
			json_array_append_new(att, json_pack("{s:s, s:O}", "kind",
							     json_string_value(name), "rows",
							     (json_t *)rows));
	}
	out->attachments = att;
}

bot_err
answer_render(answer_engine *eng, const answer_request *req, answer_reply *out)
{
	bot_err rc = BOT_OK;
	json_t *params = NULL, *data = NULL;
	/* On the stack: the answer path runs for every question, and zeroing
	 * a heap copy of this (5 KiB) was 2 % of a customer turn (callgrind). */
	store_account acc[ANSWER_MAX_ACCOUNTS];
	size_t n_acc = 0;
	const store_account *chosen = NULL;
	int refused = 0;
	const answer_spec *s;
	const char *lang;

	memset(out, 0, sizeof(*out));
	if (!eng || !req || !req->intent)
		return BOT_ERR_INVAL;
	s = find_spec(eng, req->intent);
	if (!s)
		return BOT_ERR_NOT_FOUND;
	lang = req->lang && !strcmp(req->lang, "en") ? "en" : "ko";
	int en = lang[0] == 'e';

	params = json_object();
	data = json_object();
	const json_t *qr_spec = json_object_get(json_object_get(s->answer, "quick_replies"), lang);
	out->quick_replies = json_is_array(qr_spec) ? json_deep_copy(qr_spec) : json_array();
	if (!params || !data || !out->quick_replies) {
		rc = BOT_ERR_NOMEM;
		goto fail;
	}
	add_context(req, params, data);
	out->handoff = s->handoff;

	/* Who is asking: the name, and with it, in the same statement, the
	 * accounts when the answer needs one. */
	char name[128] = "";
	if (req->member_id && s->needs_account) {
		if ((rc = store_member_accounts(eng->st, req->member_id, name, sizeof(name), acc,
						ANSWER_MAX_ACCOUNTS, &n_acc)) != BOT_OK)
			goto fail;
	} else if (req->member_id &&
		   store_member_name(eng->st, req->member_id, name, sizeof(name)) != BOT_OK) {
		name[0] = 0;
	}
	json_object_set_new(data, "member_name", name[0] ? json_string(name) : json_null());
	json_object_set_new(data, "linked", json_boolean(req->member_id != 0));

	if (!s->needs_account) {
		/* Rules and steps only; queries, if any, see no account. */
		json_object_set_new(params, "account", json_null());
		if ((rc = run_queries(s, params, data)) != BOT_OK)
			goto fail;
		rc = render_text(s, json_string_value(json_object_get(s->answer, lang)), data, lang,
				 &out->text);
		if (rc != BOT_OK)
			goto fail;
		goto done;
	}

	const char *general =
		json_string_value(json_object_get(json_object_get(s->answer, "general"), lang));
	if (!req->member_id) {
		/* Unlinked KakaoTalk user: never account data, whatever was typed. */
		if ((rc = render_text(s, general, data, lang, &out->text)) != BOT_OK)
			goto fail;
		if (!(out->text = join_para(out->text, en ? link_en : link_ko))) {
			rc = BOT_ERR_NOMEM;
			goto fail;
		}
		goto done;
	}

	if (n_acc == 0) {
		/* Nothing to look up: say so, then the rules still help. */
		if ((rc = render_text(s, general, data, lang, &out->text)) != BOT_OK)
			goto fail;
		char *head = strdup(en ? no_account_en : no_account_ko);
		if (!head || !(head = join_para(head, out->text))) {
			rc = BOT_ERR_NOMEM;
			goto fail;
		}
		free(out->text);
		out->text = head;
		out->handoff = 0; /* nothing a human could attach either */
		goto done;
	}
	pick_account(req, acc, n_acc, &chosen, &refused);
	if (!chosen) {
		json_decref(out->quick_replies);
		out->quick_replies = account_choices(acc, n_acc);
		out->text = strdup(refused ? (en ? not_yours_en : not_yours_ko)
					   : (en ? choose_en : choose_ko));
		if (!out->text || !out->quick_replies) {
			rc = BOT_ERR_NOMEM;
			goto fail;
		}
		out->needs_account = 1;
		out->handoff = 0; /* decided once the account is known */
		goto done;
	}

	out->account_id = chosen->id;
	json_object_set_new(params, "account", json_integer(chosen->id));
	json_object_set_new(data, "account_id", json_integer(chosen->id));
	json_object_set_new(data, "account_no", json_string(chosen->account_no));
	json_object_set_new(data, "account_name", json_string(chosen->name));
	json_object_set_new(data, "account_count", json_integer((json_int_t)n_acc));
	if ((rc = run_queries(s, params, data)) != BOT_OK)
		goto fail;
	if (s->handoff_if && json_array_size(json_object_get(data, s->handoff_if)) > 0)
		out->handoff = 1;
	rc = render_text(s, json_string_value(json_object_get(s->answer, lang)), data, lang,
			 &out->text);
	if (rc != BOT_OK)
		goto fail;
	if (out->handoff)
		attach_rows(s, chosen, data, out);
done:
	trim_end(out->text);
	json_decref(params);
	json_decref(data);
	return BOT_OK;
fail:
	json_decref(params);
	json_decref(data);
	answer_reply_clear(out);
	return rc;
}
