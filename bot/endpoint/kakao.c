/* KakaoTalk: a Kakao i Open Builder skill (POST /kakao/skill).
 *
 * Kakao POSTs a SkillPayload for every utterance the channel's bot routes to
 * this skill and shows the SkillResponse we return; it gives up after five
 * seconds, so everything here is a handful of point queries. The payload is
 * hostile input like any client frame: it is checked field by field before
 * anything in it is used, and nothing from it is echoed into error bodies.
 *
 * Who may call: the shared secret in KAKAO_SECRET_HEADER, compared in
 * constant time. With no kakao_secret configured every request is refused
 * (401), except in demo mode, where the endpoint is open so the demo works
 * without setup; a secret configured in demo mode is still enforced.
 *
 * Identity: the bot user key (userRequest.user.id) maps to a member only
 * through kakao_links. The key alone proves nothing about who is typing, so
 * an unlinked key is member 0: the answer module then gives general answers
 * and says how to link, never account data. */
#include "kakao.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <jansson.h>

#include "log.h"

/* Kakao's own limits on a SkillResponse (skill response format guide). */
#define KAKAO_MAX_OUTPUTS 3
#define KAKAO_MAX_QUICK_REPLIES 10
#define KAKAO_TEXT_MAX 1000      /* simpleText.text */
#define KAKAO_CARD_TEXT_MAX 400  /* textCard.description */
/* Kakao cuts longer button and quick-reply labels with an ellipsis of its
 * own, which can hide the part that tells two choices apart. */
#define KAKAO_LABEL_MAX 14
/* messageText is what KakaoTalk shows as the user's bubble when a quick
 * reply is tapped; it comes back to us as the utterance. */
#define KAKAO_MESSAGE_TEXT_MAX 100

/* Bot user keys are opaque ASCII tokens; a longer or odder one is not one. */
#define KAKAO_KEY_MAX 128
/* A customer question longer than this is not a question we can answer. */
#define KAKAO_UTTERANCE_MAX 4096
/* Values our quick replies carry: "account:<id>", "intent:<id>", "agent". */
#define KAKAO_VALUE_MAX 64

/* Per bot user key rate limit state: a fixed table, so a flood of made-up
 * keys costs no memory; it only evicts the stalest entries it probes. */
#define KAKAO_RL_SLOTS 4096
#define KAKAO_RL_PROBE 8

typedef struct rl_slot {
	char key[KAKAO_KEY_MAX + 1]; /* empty = free */
	time_t window;               /* start of the current window */
	int count;                   /* requests in it */
} rl_slot;

struct kakao {
	const config *cfg;
	store *st;
	dialog *dlg;
	uint64_t seed; /* keyed hash: colliding keys cannot be chosen offline */
	rl_slot *rl;   /* KAKAO_RL_SLOTS */
};

/* The operator button: in KakaoTalk it hands the chat to the channel's
 * 상담톡 (consultation chat) so a human answers there. Kakao accepts the
 * "operator" action only on buttons, not on quick replies. */
static const char operator_label_ko[] = "상담직원 연결";
static const char operator_label_en[] = "Talk to agent";

static const char more_ko[] =
	"\n… (이어지는 내용은 상담톡이나 카카오모먼트 관리자센터에서 확인해 주세요)";
static const char more_en[] = "\n… (for the rest, ask an agent or see the admin centre)";

bot_err
kakao_new(const config *cfg, store *st, dialog *dlg, kakao **out)
{
	*out = NULL;
	kakao *k = calloc(1, sizeof(*k));
	if (!k)
		return BOT_ERR_NOMEM;
	k->rl = calloc(KAKAO_RL_SLOTS, sizeof(*k->rl));
	if (!k->rl) {
		free(k);
		return BOT_ERR_NOMEM;
	}
	k->cfg = cfg;
	k->st = st;
	k->dlg = dlg;
	if (getrandom(&k->seed, sizeof(k->seed), GRND_NONBLOCK) != (ssize_t)sizeof(k->seed))
		k->seed = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ULL ^ (uint64_t)(uintptr_t)k;
	*out = k;
	return BOT_OK;
}

void
kakao_free(kakao *k)
{
	if (!k)
		return;
	free(k->rl);
	free(k);
}

void
kakao_response_clear(kakao_response *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}

/* ---- small helpers ------------------------------------------------------ */

/* Sets *OUT to a refusal. Returns BOT_OK, or BOT_ERR_NOMEM. */
static bot_err
respond_error(kakao_response *out, int status, const char *code, const char *message)
{
	json_t *j = json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", message);
	char *body = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	free(out->body);
	out->body = body;
	out->status = status;
	return body ? BOT_OK : BOT_ERR_NOMEM;
}

/* Constant-time comparison: the time taken does not depend on where the
 * first difference is (only on the configured secret's length). */
static int
secret_matches(const char *given, const char *want)
{
	size_t lw = strlen(want), lg = strlen(given);
	unsigned char d = lg != lw;
	for (size_t i = 0; i < lw; i++)
		d |= (unsigned char)(want[i] ^ (i < lg ? given[i] : 0));
	return d == 0;
}

static int
key_ok(const char *key, size_t len)
{
	if (len == 0 || len > KAKAO_KEY_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = key[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.' || c == '=' || c == '+' || c == '/'))
			return 0;
	}
	return 1;
}

/* The shape our quick-reply values have ("agent", "account:103",
 * "intent:free_cash_status", "rating:5"): a lower-case kind and an optional
 * plain argument. What a value means, and whether this member may use it
 * (the account is theirs, the intent exists), the dialog decides. */
static int
value_ok(const char *v)
{
	size_t n = strlen(v);
	if (n == 0 || n > KAKAO_VALUE_MAX)
		return 0;
	size_t kind = strspn(v, "abcdefghijklmnopqrstuvwxyz_");
	if (kind == 0)
		return 0;
	if (v[kind] == 0)
		return 1;
	if (v[kind] != ':')
		return 0;
	const char *arg = v + kind + 1;
	size_t al = strspn(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-");
	return al >= 1 && arg[al] == 0;
}

static uint64_t
key_hash(const kakao *k, const char *key)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ k->seed;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	return h ^ (h >> 33);
}

/* Fixed-window limit per bot user key, the same numbers as the web chat's
 * per-connection limit. Returns 1 when KEY is over it. */
static int
rate_limited(kakao *k, const char *key, time_t now)
{
	size_t base = (size_t)(key_hash(k, key) % KAKAO_RL_SLOTS);
	rl_slot *slot = NULL, *stalest = NULL;
	for (size_t i = 0; i < KAKAO_RL_PROBE; i++) {
		rl_slot *s = &k->rl[(base + i) % KAKAO_RL_SLOTS];
		if (!strcmp(s->key, key)) {
			slot = s;
			break;
		}
		if (!stalest || (stalest->key[0] && (!s->key[0] || s->window < stalest->window)))
			stalest = s;
	}
	if (!slot) {
		/* A free slot if one was probed, else the stalest: evicting it
		 * can only give that key a fresh window, never lock anyone out. */
		slot = stalest;
		snprintf(slot->key, sizeof(slot->key), "%s", key);
		slot->window = now;
		slot->count = 0;
	}
	if (now - slot->window >= k->cfg->rate_limit_window_s || now < slot->window) {
		slot->window = now;
		slot->count = 0;
	}
	if (slot->count < k->cfg->rate_limit_messages) {
		slot->count++;
		return 0;
	}
	return 1;
}

/* Length of the UTF-8 sequence starting with byte C (1 for stray bytes). */
static size_t
utf8_seq_len(unsigned char c)
{
	if (c >= 0xf0 && c < 0xf8)
		return 4;
	if (c >= 0xe0)
		return c < 0xf0 ? 3 : 1;
	if (c >= 0xc0)
		return 2;
	return 1;
}

/* Kakao counts characters; UTF-16 units are the conservative count (an
 * emoji is two), and what a JavaScript client measures too. */
static size_t
utf16_units(const char *s, size_t *bytes_for_max, size_t max)
{
	size_t units = 0, i = 0, n = strlen(s);
	if (bytes_for_max)
		*bytes_for_max = n;
	while (i < n) {
		size_t l = utf8_seq_len((unsigned char)s[i]);
		if (i + l > n)
			l = n - i;
		size_t u = l == 4 ? 2 : 1;
		if (bytes_for_max && units + u > max && *bytes_for_max == n)
			*bytes_for_max = i;
		units += u;
		i += l;
	}
	return units;
}

/* Copies TEXT cut to at most MAX units on a character boundary; when cut,
 * the kept part plus SUFFIX fit in MAX. Caller owns the result. */
static char *
text_fit(const char *text, size_t max, const char *suffix)
{
	size_t keep;
	if (utf16_units(text, &keep, max) <= max)
		return strdup(text);
	size_t su = utf16_units(suffix, NULL, 0);
	utf16_units(text, &keep, max > su ? max - su : 0);
	/* Cut at a line or word end when one is near, so no number is split. */
	for (size_t back = keep; back > 0 && keep - back < 80; back--) {
		if (text[back - 1] == '\n' || text[back - 1] == ' ') {
			keep = back - 1;
			break;
		}
	}
	while (keep > 0 && (text[keep - 1] == ' ' || text[keep - 1] == '\n'))
		keep--;
	size_t sl = strlen(suffix);
	char *out = malloc(keep + sl + 1);
	if (!out)
		return NULL;
	memcpy(out, text, keep);
	memcpy(out + keep, suffix, sl + 1);
	return out;
}

/* A label of at most KAKAO_LABEL_MAX units. Account labels read
 * "name (number)": the number is what tells two accounts apart, so a long
 * name is shortened and the parenthesis kept. Caller owns the result. */
static char *
label_fit(const char *label)
{
	static const char ell[] = "…";
	size_t keep;
	if (utf16_units(label, &keep, KAKAO_LABEL_MAX) <= KAKAO_LABEL_MAX)
		return strdup(label);
	const char *paren = strrchr(label, '(');
	size_t n = strlen(label);
	if (paren && paren > label && paren[-1] == ' ' && label[n - 1] == ')') {
		const char *tail = paren - 1; /* " (...)" */
		size_t tu = utf16_units(tail, NULL, 0);
		if (tu + 2 <= KAKAO_LABEL_MAX) {
			char head[256];
			size_t hl = (size_t)(tail - label);
			if (hl >= sizeof(head))
				hl = sizeof(head) - 1;
			memcpy(head, label, hl);
			head[hl] = 0;
			utf16_units(head, &keep, KAKAO_LABEL_MAX - tu - 1);
			char *out = malloc(keep + sizeof(ell) + strlen(tail));
			if (!out)
				return NULL;
			memcpy(out, head, keep);
			strcpy(out + keep, ell);
			strcat(out, tail);
			return out;
		}
	}
	utf16_units(label, &keep, KAKAO_LABEL_MAX - 1);
	char *out = malloc(keep + sizeof(ell));
	if (!out)
		return NULL;
	memcpy(out, label, keep);
	strcpy(out + keep, ell);
	return out;
}

/* ---- the response --------------------------------------------------------- */

/* {"simpleText":{"text":...}} with TEXT cut to Kakao's limit. New reference. */
static json_t *
simple_text(const char *text, int ko)
{
	char *t = text_fit(text, KAKAO_TEXT_MAX, ko ? more_ko : more_en);
	json_t *o = t ? json_pack("{s:{s:s}}", "simpleText", "text", t) : NULL;
	free(t);
	return o;
}

/* A textCard carrying the operator button. New reference. */
static json_t *
operator_card(const char *text, int ko)
{
	char *t = text_fit(text, KAKAO_CARD_TEXT_MAX, ko ? more_ko : more_en);
	json_t *o = t ? json_pack("{s:{s:s, s:[{s:s, s:s}]}}", "textCard", "description", t,
				  "buttons", "label", ko ? operator_label_ko : operator_label_en,
				  "action", "operator")
		      : NULL;
	free(t);
	return o;
}

/* Appends the dialog's {"label","value"} quick replies (borrowed QR) to QRS
 * as Kakao quick replies whose extra carries the value back to us in
 * action.clientExtra. */
static bot_err
add_quick_replies(json_t *qrs, const json_t *qr)
{
	size_t i;
	const json_t *q;
	json_array_foreach(qr, i, q) {
		if (json_array_size(qrs) >= KAKAO_MAX_QUICK_REPLIES)
			break;
		const char *label = json_string_value(json_object_get(q, "label"));
		const char *value = json_string_value(json_object_get(q, "value"));
		if (!label || !*label || !value || !value_ok(value))
			continue;
		char *l = label_fit(label);
		char *m = text_fit(label, KAKAO_MESSAGE_TEXT_MAX, "…");
		json_t *o = l && m ? json_pack("{s:s, s:s, s:s, s:{s:s}}", "label", l, "action",
					       "message", "messageText", m, "extra", "value", value)
				   : NULL;
		free(l);
		free(m);
		if (!o || json_array_append_new(qrs, o))
			return BOT_ERR_NOMEM;
	}
	return BOT_OK;
}

/* Builds the SkillResponse for a finished turn. Borrows everything. */
static bot_err
build_response(const store_conversation *conv, const dialog_result *res, kakao_response *out)
{
	int ko = strcmp(conv->lang, "en") != 0;
	json_t *outputs = json_array(), *qrs = json_array();
	bot_err rc = BOT_ERR_NOMEM;
	if (!outputs || !qrs)
		goto fail;
	if (res->for_agent) {
		/* A human owns the conversation and the bot stays silent, but
		 * Kakao needs a reply: point the user at the agent again. */
		int queued = conv->state == CONV_QUEUED;
		const char *t = ko ? (queued ? "상담직원 연결을 기다리고 있어요. 남겨 주신 메시지는 "
					       "상담직원에게 전달됩니다. 아래 '상담직원 연결'을 "
					       "누르시면 상담직원이 카카오톡으로 답변드려요."
					     : "상담직원이 대화를 이어받았어요. 남겨 주신 메시지는 "
					       "상담직원에게 전달되며, 아래 '상담직원 연결'을 누르시면 "
					       "카카오톡에서 바로 답변드려요.")
				   : (queued ? "You're waiting for a support agent; your message has "
					       "been passed on. Tap 'Talk to agent' below to be "
					       "answered here in KakaoTalk."
					     : "A support agent has taken over this conversation; your "
					       "message has been passed on. Tap 'Talk to agent' below "
					       "to be answered here in KakaoTalk.");
		if (json_array_append_new(outputs, operator_card(t, ko)))
			goto fail;
	} else {
		for (int i = 0; i < res->n_replies && i < KAKAO_MAX_OUTPUTS; i++) {
			const dialog_reply *r = &res->replies[i];
			const char *t = r->text && *r->text ? r->text : "…";
			/* The escalation notice is the turn's last reply: it
			 * carries the button that switches KakaoTalk to a human. */
			int last = i == res->n_replies - 1 || i == KAKAO_MAX_OUTPUTS - 1;
			json_t *o = res->escalated && last ? operator_card(t, ko) : simple_text(t, ko);
			if (json_array_append_new(outputs, o))
				goto fail;
			if ((rc = add_quick_replies(qrs, r->quick_replies)) != BOT_OK)
				goto fail;
			rc = BOT_ERR_NOMEM;
		}
		if (!json_array_size(outputs)) {
			/* Nothing to say (a retried message): Kakao rejects an
			 * empty outputs array. */
			json_t *o = simple_text(ko ? "메시지를 받았어요." : "Got your message.", ko);
			if (json_array_append_new(outputs, o))
				goto fail;
		}
	}
	json_t *tmpl = json_pack("{s:O}", "outputs", outputs);
	if (!tmpl)
		goto fail;
	if (json_array_size(qrs))
		json_object_set(tmpl, "quickReplies", qrs);
	json_t *root = json_pack("{s:s, s:o}", "version", "2.0", "template", tmpl);
	char *body = root ? json_dumps(root, JSON_COMPACT) : NULL;
	json_decref(root);
	if (!body)
		goto fail;
	json_decref(outputs);
	json_decref(qrs);
	free(out->body);
	out->body = body;
	out->status = 200;
	if (res->escalated)
		out->escalated_reason = res->escalated;
	if (res->escalated)
		snprintf(out->escalated_conversation, sizeof(out->escalated_conversation), "%s",
			 conv->id);
	return BOT_OK;
fail:
	json_decref(outputs);
	json_decref(qrs);
	return rc;
}

/* ---- the request ---------------------------------------------------------- */

typedef struct skill_request {
	const char *utterance;
	size_t utterance_len;
	const char *user_key;
	const char *value; /* clientExtra.value, or NULL */
} skill_request;

/* Checks the SkillPayload in ROOT (borrowed) and points *REQ into it.
 * Fields Kakao sends that we do not use are type-checked when present and
 * otherwise ignored: Kakao adds fields over time (flow, callbackUrl, ...)
 * and a strict key list would turn each addition into an outage. On a
 * refusal writes a fixed reason into WHY (never client bytes). */
static bot_err
parse_payload(json_t *root, skill_request *req, const char **why)
{
	json_t *ur = NULL, *props = NULL, *tz = NULL, *lang = NULL, *params = NULL;
	json_t *block = NULL, *action = NULL, *bot = NULL, *intent = NULL, *contexts = NULL;
	json_t *extra = NULL, *aparams = NULL, *detail = NULL;
	const char *type = NULL, *pf_key = NULL, *app_user = NULL;
	size_t key_len = 0;
	json_error_t jerr;

	*why = "the body is not a JSON object";
	if (!json_is_object(root))
		return BOT_ERR_PARSE;
	*why = "userRequest is missing or not an object";
	if (json_unpack_ex(root, &jerr, 0, "{s:o, s?o, s?o, s?o, s?o}", "userRequest", &ur,
			   "action", &action, "bot", &bot, "intent", &intent, "contexts",
			   &contexts) ||
	    !json_is_object(ur))
		return BOT_ERR_PARSE;
	*why = "userRequest.utterance must be a string";
	if (json_unpack_ex(ur, &jerr, 0, "{s:s%, s?o, s?o, s?o, s?o}", "utterance",
			   &req->utterance, &req->utterance_len, "timezone", &tz, "lang", &lang,
			   "params", &params, "block", &block))
		return BOT_ERR_PARSE;
	*why = "userRequest.user.id must be a string";
	if (json_unpack_ex(ur, &jerr, 0, "{s:{s:s%, s?s, s?o}}", "user", "id", &req->user_key,
			   &key_len, "type", &type, "properties", &props))
		return BOT_ERR_PARSE;
	*why = "userRequest.user.id is not a bot user key";
	if (!key_ok(req->user_key, key_len) || (type && strcmp(type, "botUserKey")))
		return BOT_ERR_PARSE;
	*why = "userRequest.user.properties has the wrong shape";
	if (props && !json_is_object(props))
		return BOT_ERR_PARSE;
	if (props && json_unpack_ex(props, &jerr, 0, "{s?s, s?s}", "plusfriendUserKey", &pf_key,
				    "appUserId", &app_user))
		return BOT_ERR_PARSE;
	*why = "a userRequest field has the wrong type";
	if ((tz && !json_is_string(tz) && !json_is_null(tz)) ||
	    (lang && !json_is_string(lang) && !json_is_null(lang)) ||
	    (params && !json_is_object(params)) || (block && !json_is_object(block)))
		return BOT_ERR_PARSE;
	*why = "bot, intent or contexts has the wrong type";
	if ((bot && !json_is_object(bot)) || (intent && !json_is_object(intent)) ||
	    (contexts && !json_is_array(contexts) && !json_is_null(contexts)))
		return BOT_ERR_PARSE;
	*why = "action has the wrong shape";
	if (action && !json_is_object(action))
		return BOT_ERR_PARSE;
	if (action && json_unpack_ex(action, &jerr, 0, "{s?o, s?o, s?o}", "clientExtra", &extra,
				     "params", &aparams, "detailParams", &detail))
		return BOT_ERR_PARSE;
	if ((aparams && !json_is_object(aparams)) || (detail && !json_is_object(detail)))
		return BOT_ERR_PARSE;
	/* clientExtra is the extra of the quick reply the user tapped: ours
	 * are {"value": "..."}; an empty object or null means none. */
	*why = "action.clientExtra has the wrong shape";
	req->value = NULL;
	if (extra && !json_is_null(extra)) {
		if (!json_is_object(extra))
			return BOT_ERR_PARSE;
		if (json_object_size(extra) &&
		    json_unpack_ex(extra, &jerr, JSON_STRICT, "{s:s}", "value", &req->value))
			return BOT_ERR_PARSE;
		*why = "action.clientExtra.value is not a value this skill offers";
		if (req->value && !value_ok(req->value))
			return BOT_ERR_PARSE;
	}
	*why = "userRequest.utterance is too long";
	if (req->utterance_len > KAKAO_UTTERANCE_MAX)
		return BOT_ERR_LIMIT;
	*why = "userRequest.utterance is empty";
	if (strspn(req->utterance, " \t\r\n") == req->utterance_len && !req->value)
		return BOT_ERR_PARSE;
	*why = NULL;
	return BOT_OK;
}

/* Finds the open KakaoTalk conversation of KEY, or starts one. A
 * conversation never changes identity: when the key was linked or unlinked
 * since it started, a new one begins, so an earlier member's account stays
 * out of reach. One a human already owns is kept (same person, same chat). */
static bot_err
conversation_for(kakao *k, const char *key, int64_t member_id, store_conversation *conv)
{
	bot_err rc = store_conversation_find_channel(k->st, "kakao", key, conv);
	if (rc == BOT_OK) {
		int human = conv->state == CONV_QUEUED || conv->state == CONV_AGENT;
		if (conv->member_id == member_id || human)
			return BOT_OK;
		log_msg(LOG_INFO, conv->id, "KakaoTalk link changed: starting a new conversation");
	} else if (rc != BOT_ERR_NOT_FOUND) {
		return rc;
	}
	return store_conversation_create(k->st, member_id, "kakao", key, conv);
}

bot_err
kakao_handle(kakao *k, const char *secret, const char *body, size_t len, time_t now,
	     kakao_response *out)
{
	memset(out, 0, sizeof(*out));
	json_t *root = NULL;
	dialog_result res;
	memset(&res, 0, sizeof(res));
	int have_res = 0;
	bot_err rc;
	int status = 400;
	const char *code = "bad_request", *why = "the request was refused";

	if (k->cfg->kakao_secret[0]) {
		if (!secret || !secret_matches(secret, k->cfg->kakao_secret)) {
			status = 401;
			code = "unauthorized";
			why = "missing or wrong " KAKAO_SECRET_HEADER;
			goto refuse;
		}
	} else if (!k->cfg->demo) {
		status = 401;
		code = "unauthorized";
		why = "no kakao_secret is configured: the skill is closed";
		goto refuse;
	}
	if (len > KAKAO_MAX_BODY) {
		status = 413;
		code = "too_large";
		why = "the request body is too large";
		goto refuse;
	}

	json_error_t jerr;
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		why = "the body is not valid JSON";
		code = "malformed_json";
		goto refuse;
	}
	skill_request req;
	memset(&req, 0, sizeof(req));
	rc = parse_payload(root, &req, &why);
	if (rc != BOT_OK) {
		if (rc == BOT_ERR_LIMIT)
			code = "too_long";
		goto refuse;
	}
	if (rate_limited(k, req.user_key, now)) {
		status = 429;
		code = "rate_limited";
		why = "too many messages; wait a moment";
		goto refuse;
	}

	int64_t member_id = 0;
	rc = store_kakao_member(k->st, req.user_key, &member_id);
	if (rc == BOT_ERR_NOT_FOUND)
		member_id = 0;
	else if (rc != BOT_OK)
		goto server_error;
	store_conversation conv;
	memset(&conv, 0, sizeof(conv));
	if ((rc = conversation_for(k, req.user_key, member_id, &conv)) != BOT_OK)
		goto server_error;

	/* A tapped quick reply sends its label as the utterance and its value
	 * in clientExtra; the dialog checks the value again before use. */
	dialog_turn turn = {
		.client_id = NULL,
		.text = req.utterance,
		.len = req.utterance_len,
		.value = req.value,
	};
	have_res = 1;
	rc = dialog_customer_turn(k->dlg, &conv, &turn, &res);
	if (rc != BOT_OK)
		goto server_error;
	rc = build_response(&conv, &res, out);
	if (rc != BOT_OK)
		goto server_error;
	dialog_result_clear(&res);
	json_decref(root);
	return BOT_OK;

server_error:
	log_msg(LOG_ERROR, NULL, "KakaoTalk skill turn failed: %s", bot_strerror(rc));
	if (have_res)
		dialog_result_clear(&res);
	json_decref(root);
	memset(out->escalated_conversation, 0, sizeof(out->escalated_conversation));
	if (rc == BOT_ERR_NOMEM)
		return rc;
	return respond_error(out, 500, "server_error", "the request could not be handled");
refuse:
	json_decref(root);
	if (status == 401)
		log_msg(LOG_WARN, NULL, "refused a KakaoTalk skill request: %s", why);
	return respond_error(out, status, code, why);
}
