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
/* Ad account numbers read from one question. */
#define ANSWER_MAX_NAMED 4
/* The customer's words for a period, as the answer repeats them. */
#define ANSWER_MAX_WORDS 64

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
/* A named or remembered account that is not the member's: said before the
 * answer, which then is for the member's own account (or asks which). Only
 * the number the customer typed is repeated, never anything read about it. */
static const char stale_ko[] =
	"이 대화에서 골랐던 광고계정은 회원님이 멤버로 속한 계정이 아니어서 조회할 수 없어요.";
static const char stale_en[] =
	"The ad account chosen earlier in this conversation is not one you are a member of, so "
	"I can't look it up.";
static const char pick_own_ko[] = "회원님이 속한 광고계정 중에서 골라 주세요.";
static const char pick_own_en[] = "Please pick one of your ad accounts below.";

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
 * default (last 30 days) rather than guessing a wider window. Returns 1 when
 * PERIOD was given and understood, 0 for the default or the fallback. */
static int
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
	int given = period != NULL;
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
	} else if (!strcmp(period, "last_30_days")) {
		*from = today - 29 * day;
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
		return 0;
	}
	return given;
}

/* Copies the customer's words W into OUT (LEN bytes) as one line: control
 * characters become spaces, runs of spaces one, both ends trimmed, and a cut
 * never splits a UTF-8 sequence. Returns 0 when nothing is left. */
static int
clean_words(const char *w, char *out, size_t len)
{
	size_t o = 0;
	int space = 1; /* drops leading spaces */
	for (const unsigned char *p = (const unsigned char *)w; *p && o + 1 < len; p++) {
		unsigned char c = *p < 0x20 || *p == 0x7f ? ' ' : *p;
		if (c == ' ' && space)
			continue;
		space = c == ' ';
		out[o++] = (char)c;
	}
	if (o + 1 >= len) /* cut: back off to a character boundary */
		while (o && ((unsigned char)out[o] & 0xc0) == 0x80)
			o--;
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	return o > 0;
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
	int understood = period_range(json_string_value(json_object_get(req->slots, "period")),
				      req->now, &key, &from, &to, &has_range);
	json_object_set_new(data, "period", json_string(key));
	/* The customer's own words name the range, but only for a range that
	 * is what they said: never for the default or a fallback. */
	const char *words = json_string_value(json_object_get(req->slot_words, "period"));
	char clean[ANSWER_MAX_WORDS];
	json_object_set_new(data, "period_words",
			    understood && words && clean_words(words, clean, sizeof(clean))
				    ? json_string(clean)
				    : json_null());
	json_object_set_new(data, "period_named", json_boolean(strcmp(key, "custom") != 0));
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
	    time_t now, char **out)
{
	char why[200];
	const json_t *labels = json_object_get(json_object_get(s->answer, "labels"), lang);
	template_ctx ctx = {lang, labels, 0, now};
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

/* Whether the bytes at P start with WORD, ASCII letters in any case. */
static int
starts_with(const char *p, const char *word)
{
	for (; *word; p++, word++)
		if (!*p || (*p != *word && !((*word >= 'a' && *word <= 'z') && *p == *word - 32)))
			return 0;
	return 1;
}

/* Whether the text before P (from START) ends, after spaces and ':', '#' or
 * '.', in a word for an ad account or its number. */
static int
after_account_word(const char *start, const char *p)
{
	static const char *const words[] = {"계정번호", "계정", "account number", "account no",
					    "account", "acct"};
	while (p > start && (p[-1] == ' ' || p[-1] == ':' || p[-1] == '#' || p[-1] == '.'))
		p--;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t n = strlen(words[i]);
		if ((size_t)(p - start) >= n && starts_with(p - n, words[i]))
			return 1;
	}
	return 0;
}

/* Whether the text at P (just after a number) starts with a unit: then the
 * number is an amount, a date, a count or a time, not an account. */
static int
before_unit(const char *p)
{
	static const char *const units[] = {"원",   "만",  "천",   "won", "krw", "일", "월", "년",
					    "건",   "개",  "장",   "회",  "번째", "시", "분", "초",
					    "%",    "day", "month", "year"};
	while (*p == ' ')
		p++;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (starts_with(p, units[i]))
			return 1;
	return 0;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The ad account numbers question Q names, into OUT (at most MAX, each
 * NUL-terminated; duplicates once): a run of 7 digits standing alone (every
 * account number has 7), or of 5 to 12 digits right after a word for an
 * account ("광고계정 3031006", "account no. 3031006"). A run joined to other
 * digits by '-', ',', '.', '/' or ':' (a phone, card, amount or date), or
 * followed by a unit (원, 일, 건, ...), is not an account number. */
static size_t
named_accounts(const char *q, char (*out)[16], size_t max)
{
	size_t n = 0;
	if (!q)
		return 0;
	for (const char *p = q; *p && n < max;) {
		if (!is_digit(*p)) {
			p++;
			continue;
		}
		const char *e = p;
		while (is_digit(*e))
			e++;
		size_t len = (size_t)(e - p);
		int joined = (p - q >= 2 && strchr("-,./:", p[-1]) && is_digit(p[-2])) ||
			     (*e && strchr("-,./:", *e) && is_digit(e[1]));
		int plain = len == 7 || (len >= 5 && len <= 12 && after_account_word(q, p));
		if (plain && !joined && !before_unit(e)) {
			size_t i;
			for (i = 0; i < n; i++)
				if (strlen(out[i]) == len && !memcmp(out[i], p, len))
					break;
			if (i == n) {
				memcpy(out[n], p, len);
				out[n++][len] = '\0';
			}
		}
		p = e;
	}
	return n;
}

/* The account REQ is about, among the member's accounts ACC (N of them). */
typedef struct account_pick {
	const store_account *chosen; /* NULL: the member must choose */
	char foreign[ANSWER_MAX_NAMED][16]; /* named numbers that are not the member's */
	size_t n_foreign;
	int stale; /* the conversation's account is no longer (or never was) the member's */
} account_pick;

static void
pick_account(const answer_request *req, const store_account *acc, size_t n, account_pick *pk)
{
	char named[ANSWER_MAX_NAMED][16];
	size_t n_named = 0;
	memset(pk, 0, sizeof(*pk));
	const char *slot = json_string_value(json_object_get(req->slots, "account_no"));
	if (slot && strlen(slot) < sizeof(named[0]))
		snprintf(named[n_named++], sizeof(named[0]), "%s", slot);
	char found[ANSWER_MAX_NAMED][16];
	size_t n_found = named_accounts(req->question, found, ANSWER_MAX_NAMED);
	for (size_t i = 0; i < n_found && n_named < ANSWER_MAX_NAMED; i++)
		if (!slot || strcmp(slot, found[i]))
			memcpy(named[n_named++], found[i], sizeof(found[i]));

	for (size_t k = 0; k < n_named; k++) {
		const store_account *mine = NULL;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(acc[i].account_no, named[k]))
				mine = &acc[i];
		if (mine && !pk->chosen)
			pk->chosen = mine;
		else if (!mine)
			memcpy(pk->foreign[pk->n_foreign++], named[k], sizeof(named[k]));
	}
	if (pk->chosen)
		return;
	/* The conversation's remembered account counts only while the member
	 * still belongs to it: membership is re-read on every answer. */
	for (size_t i = 0; i < n && req->account_id; i++)
		if (acc[i].id == req->account_id)
			pk->chosen = &acc[i];
	if (!pk->chosen && req->account_id)
		pk->stale = 1;
	if (!pk->chosen && n == 1)
		pk->chosen = &acc[0];
}

/* The topic particle after a number read in Korean: 은 after a final
 * consonant (0 영, 1 일, 3 삼, 6 육, 7 칠, 8 팔), 는 after a vowel. */
static const char *
topic_particle(const char *number)
{
	size_t n = strlen(number);
	char last = n ? number[n - 1] : '0';
	return strchr("2459", last) ? "는" : "은";
}

/* What the member is told about a named or remembered account that is not
 * theirs, followed by what comes next: the account answered for (CHOSEN) or
 * the request to pick one. Returns an owned string, NULL when there is
 * nothing to tell or memory ran out (*OOM set). */
static char *
foreign_notice(const account_pick *pk, int en, int *oom)
{
	char *s = NULL;
	char nums[ANSWER_MAX_NAMED * 18] = "";
	*oom = 0;
	if (!pk->n_foreign && !pk->stale)
		return NULL;
	for (size_t i = 0; i < pk->n_foreign; i++) {
		size_t o = strlen(nums);
		snprintf(nums + o, sizeof(nums) - o, "%s%s", i ? ", " : "", pk->foreign[i]);
	}
	const char *head;
	char buf[512];
	if (pk->n_foreign == 1 && en)
		snprintf(buf, sizeof(buf),
			 "Ad account %s is not one you are a member of, so I can't look it up.", nums);
	else if (pk->n_foreign && en)
		snprintf(buf, sizeof(buf),
			 "Ad accounts %s are not ones you are a member of, so I can't look them up.",
			 nums);
	else if (pk->n_foreign)
		snprintf(buf, sizeof(buf),
			 "광고계정번호 %s%s 회원님이 멤버로 속한 광고계정이 아니어서 조회할 수 없어요.",
			 nums, topic_particle(pk->foreign[pk->n_foreign - 1]));
	else
		snprintf(buf, sizeof(buf), "%s", en ? stale_en : stale_ko);
	head = buf;
	int rc;
	if (pk->chosen && en)
		rc = asprintf(&s, "%s Here is your ad account %s (%s) instead.", head,
			      pk->chosen->name, pk->chosen->account_no);
	else if (pk->chosen)
		rc = asprintf(&s, "%s 대신 회원님의 %s(%s) 광고계정으로 안내해 드릴게요.", head,
			      pk->chosen->name, pk->chosen->account_no);
	else
		rc = asprintf(&s, "%s %s", head, en ? pick_own_en : pick_own_ko);
	if (rc < 0) {
		*oom = 1;
		return NULL;
	}
	return s;
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
	char *notice = NULL; /* owned: said before the answer */
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
				 req->now, &out->text);
		if (rc != BOT_OK)
			goto fail;
		if (!req->member_id && req->link_mode == ANSWER_LINK_OWED) {
			/* An earlier topic of this turn held the paragraph back. */
			if (!(out->text = join_para(out->text, en ? link_en : link_ko))) {
				rc = BOT_ERR_NOMEM;
				goto fail;
			}
			out->link_note = ANSWER_LINK_ADDED;
		}
		goto done;
	}

	const char *general =
		json_string_value(json_object_get(json_object_get(s->answer, "general"), lang));
	if (!req->member_id) {
		/* Unlinked KakaoTalk user: never account data, whatever was typed. */
		if ((rc = render_text(s, general, data, lang, req->now, &out->text)) != BOT_OK)
			goto fail;
		if (req->link_mode == ANSWER_LINK_HOLD) {
			out->link_note = ANSWER_LINK_HOLD;
			goto done;
		}
		if (!(out->text = join_para(out->text, en ? link_en : link_ko))) {
			rc = BOT_ERR_NOMEM;
			goto fail;
		}
		out->link_note = ANSWER_LINK_ADDED;
		goto done;
	}

	if (n_acc == 0) {
		/* Nothing to look up: say so, then the rules still help. */
		if ((rc = render_text(s, general, data, lang, req->now, &out->text)) != BOT_OK)
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
	account_pick pk;
	int oom;
	pick_account(req, acc, n_acc, &pk);
	chosen = pk.chosen;
	notice = foreign_notice(&pk, en, &oom);
	if (oom) {
		rc = BOT_ERR_NOMEM;
		goto fail;
	}
	if (!chosen) {
		json_decref(out->quick_replies);
		out->quick_replies = account_choices(acc, n_acc);
		out->text = notice ? notice : strdup(en ? choose_en : choose_ko);
		notice = NULL;
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
			 req->now, &out->text);
	if (rc != BOT_OK)
		goto fail;
	if (notice) {
		trim_end(out->text);
		if (!(notice = join_para(notice, out->text))) {
			rc = BOT_ERR_NOMEM;
			goto fail;
		}
		free(out->text);
		out->text = notice;
		notice = NULL;
	}
	if (out->handoff || req->for_handoff)
		attach_rows(s, chosen, data, out);
done:
	trim_end(out->text);
	json_decref(params);
	json_decref(data);
	return BOT_OK;
fail:
	free(notice);
	json_decref(params);
	json_decref(data);
	answer_reply_clear(out);
	return rc;
}
