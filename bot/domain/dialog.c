#include "dialog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "hours.h"
#include "log.h"
#include "normalize.h"
#include "template.h"

struct dialog {
	store *st;
	const intent_set *intents;
	answer_engine *answers;
	int agents_online;
	const hours *hours; /* NULL: always open */
	/* During a turn: the question the bot's replies answer (borrowed),
	 * kept in each reply's meta so that the next turn can follow up on
	 * it. NULL between turns. */
	const char *question;
	size_t question_len;
};

bot_err
dialog_new(store *st, const intent_set *intents, answer_engine *answers, dialog **out)
{
	dialog *d = calloc(1, sizeof(*d));
	if (!d)
		return BOT_ERR_NOMEM;
	d->st = st;
	d->intents = intents;
	d->answers = answers;
	*out = d;
	return BOT_OK;
}

void
dialog_free(dialog *dlg)
{
	free(dlg);
}

void
dialog_set_engines(dialog *dlg, const intent_set *intents, answer_engine *answers)
{
	dlg->intents = intents;
	dlg->answers = answers;
}

void
dialog_set_presence(dialog *dlg, int agents_online, const hours *h)
{
	dlg->agents_online = agents_online;
	dlg->hours = h;
}

void
dialog_result_clear(dialog_result *res)
{
	for (int i = 0; i < res->n_replies; i++) {
		free(res->replies[i].text);
		json_decref(res->replies[i].quick_replies);
	}
	memset(res, 0, sizeof(*res));
}

static int
is_ko(const store_conversation *conv)
{
	return strcmp(conv->lang, "en") != 0;
}

static json_t *
quick_reply(const char *label, const char *value)
{
	return json_pack("{s:s, s:s}", "label", label, "value", value);
}

/* Stores a bot reply and records it in RES. Steals TEXT (malloc'd) and QR. */
/* Meta keeps at most this much of the question a reply answers: enough
 * for its concepts and slots. */
#define QUESTION_MAX 600

/* Stores a bot reply and records it in RES. Steals TEXT (malloc'd) and QR.
 * The reply's meta holds its quick replies, its slots and the question it
 * answers (the next turn reads them back as its context). */
static bot_err
add_reply(dialog *d, store_conversation *conv, dialog_result *res, char *text, const char *intent,
	  json_t *qr, const json_t *slots)
{
	bot_err rc = BOT_ERR_LIMIT;
	if (!qr)
		qr = json_array();
	if (!text || !qr || res->n_replies >= DIALOG_MAX_REPLIES) {
		rc = text && qr ? BOT_ERR_LIMIT : BOT_ERR_NOMEM;
		goto fail;
	}
	json_t *meta_obj = json_pack("{s:O}", "quick_replies", qr);
	if (meta_obj && slots && json_object_size(slots))
		json_object_set(meta_obj, "slots", (json_t *)slots);
	if (meta_obj && d->question && d->question_len) {
		size_t n = d->question_len < QUESTION_MAX ? d->question_len : QUESTION_MAX;
		while (n < d->question_len && n && ((unsigned char)d->question[n] & 0xC0) == 0x80)
			n--; /* on a character boundary */
		json_object_set_new(meta_obj, "question", json_stringn(d->question, n));
	}
	char *meta = meta_obj ? json_dumps(meta_obj, JSON_COMPACT) : NULL;
	json_decref(meta_obj);
	store_message m = {.sender = "bot", .text = text, .intent = intent, .meta = meta};
	int dup;
	rc = store_message_append(d->st, conv, &m, &dup);
	free(meta);
	if (rc != BOT_OK)
		goto fail;
	dialog_reply *r = &res->replies[res->n_replies++];
	r->seq = m.seq;
	r->text = text;
	snprintf(r->intent, sizeof(r->intent), "%s", intent ? intent : "");
	r->quick_replies = qr;
	return BOT_OK;
fail:
	free(text);
	json_decref(qr);
	return rc;
}

static bot_err
add_static_reply(dialog *d, store_conversation *conv, dialog_result *res, const char *ko,
		 const char *en, const char *intent, json_t *qr)
{
	return add_reply(d, conv, res, strdup(is_ko(conv) ? ko : en), intent, qr, NULL);
}

/* The title of intent ID in the conversation's language, for quick replies. */
static const char *
intent_title(dialog *d, const store_conversation *conv, const char *id)
{
	const json_t *spec = intent_spec(d->intents, id);
	const char *t = json_string_value(
		json_object_get(json_object_get(spec, "title"), is_ko(conv) ? "ko" : "en"));
	return t ? t : id;
}

static bot_err
escalate(dialog *d, store_conversation *conv, dialog_result *res, const char *reason,
	 const char *intent, const json_t *slots, const json_t *attachments)
{
	/* A member with one ad account: the packet shows its facts even when no
	 * answer picked it yet. */
	if (!conv->account_id && conv->member_id) {
		store_account acc[2];
		size_t n = 0;
		if (store_member_accounts(d->st, conv->member_id, NULL, 0, acc, 2, &n) == BOT_OK &&
		    n == 1)
			conv->account_id = acc[0].id;
	}
	char *slots_json = slots ? json_dumps(slots, JSON_COMPACT) : NULL;
	char *att_json = attachments ? json_dumps(attachments, JSON_COMPACT) : NULL;
	int priority = !strcmp(reason, "needs_human") ? 1 : 0;
	bot_err rc = store_handoff_enqueue(d->st, conv, reason, priority, intent, slots_json,
					   att_json);
	free(slots_json);
	free(att_json);
	if (rc != BOT_OK)
		return rc;
	res->escalated = !strcmp(reason, "agent_request")    ? "agent_request"
			 : !strcmp(reason, "not_understood") ? "not_understood"
							     : "needs_human";
	log_msg(LOG_INFO, conv->id, "escalated to the agent queue (%s)", res->escalated);
	time_t now = clock_now();
	if (d->agents_online > 0 && (!d->hours || hours_open(d->hours, now)))
		return add_static_reply(d, conv, res,
					"상담직원에게 연결해 드릴게요. 대화 내용은 상담직원에게 "
					"그대로 전달되니 다시 설명하지 않으셔도 됩니다. 잠시만 "
					"기다려 주세요.",
					"I'm connecting you with a support agent. They will see this "
					"conversation, so you won't need to repeat yourself. Please "
					"wait a moment.",
					NULL, NULL);
	/* Nobody can answer now: keep the place and, outside business hours,
	 * say when agents are back. */
	if (!d->hours || hours_open(d->hours, now))
		return add_static_reply(d, conv, res,
					"지금은 연결 가능한 상담직원이 없어요. 대화는 대기열에 "
					"저장해 두었고, 상담직원이 연결되는 대로 순서대로 "
					"답변드릴게요. 이 창을 닫으셔도 대화는 이어집니다.",
					"No agent is online right now. Your conversation is saved in "
					"the queue, and the first agent to come online will answer "
					"in turn. You can close this window; the conversation will "
					"continue.",
					NULL, NULL);
	/* In the answers' date style: one style on a screen. */
	char when[64], text[512];
	template_format_time(hours_next_open(d->hours, now), is_ko(conv) ? "ko" : "en",
			     TEMPLATE_DATETIME, now, when, sizeof(when));
	if (is_ko(conv))
		snprintf(text, sizeof(text),
			 "지금은 상담 시간이 아니에요. 대화는 대기열에 저장해 두었고, "
			 "상담직원이 돌아오는 %s 이후 순서대로 답변드릴게요. 이 창을 닫으셔도 "
			 "대화는 이어집니다.",
			 when);
	else
		snprintf(text, sizeof(text),
			 "Our agents are off duty right now. Your conversation is saved in the "
			 "queue, and an agent will answer in turn from %s (Seoul time). You can "
			 "close this window; the conversation will continue.",
			 when);
	return add_reply(d, conv, res, strdup(text), NULL, NULL, NULL);
}

bot_err
dialog_rate(dialog *d, store_conversation *conv, int score, dialog_result *res)
{
	memset(res, 0, sizeof(*res));
	if (score < 1 || score > 5)
		return BOT_ERR_INVAL;
	bot_err rc = store_handoff_rate(d->st, conv->id, score, &res->rated_agent);
	if (rc != BOT_OK)
		return rc;
	res->rated = score;
	log_msg(LOG_INFO, conv->id, "rated %d", score);
	return add_static_reply(d, conv, res,
				"소중한 평가 감사합니다. 더 궁금한 점이 있으면 언제든 물어봐 주세요.",
				"Thank you for your rating. Ask me anytime if anything else comes up.",
				NULL, NULL);
}

bot_err
dialog_handoff_event(dialog *d, store_conversation *conv, dialog_event ev, dialog_result *res)
{
	memset(res, 0, sizeof(*res));
	if (ev == DIALOG_REQUEUED)
		return add_static_reply(d, conv, res,
					"상담직원과의 연결이 끊어져 대기열 맨 앞으로 다시 모셨어요. "
					"다음 상담직원이 곧 이어서 도와드릴게요.",
					"Your agent was disconnected, so you are back at the front of "
					"the queue. The next agent will pick up from here.",
					NULL, NULL);
	json_t *qr = json_array();
	for (int i = 1; i <= 5; i++) {
		/* i is 1..5: one digit each. */
		char label[2] = {(char)('0' + i), 0};
		char value[16];
		snprintf(value, sizeof(value), "rating:%c", label[0]);
		json_array_append_new(qr, quick_reply(label, value));
	}
	return add_static_reply(d, conv, res,
				"상담이 종료되었어요. 상담은 만족스러우셨나요? 1점(불만족)부터 "
				"5점(매우 만족)까지 골라 주세요.",
				"Your conversation with the agent has ended. How satisfied were "
				"you? Pick 1 (not at all) to 5 (very).",
				NULL, qr);
}

/* Answers INTENT with SLOTS for CONV's member, asking for an account first
 * when the member has several and none is chosen yet. *HANDOFF (may be
 * NULL) is set when the answer wants a human afterwards: the caller
 * escalates once all topics are answered, with *ATTACH (owned by the
 * caller, may stay NULL). *WAITING (may be NULL) is set when the answer
 * waits for an account choice (the question is then in conv->pending).
 * LINK_MODE is answer_request.link_mode; *LINK_NOTE (may be NULL) gets
 * what became of the link paragraph (answer_reply.link_note). */
static bot_err
answer_intent(dialog *d, store_conversation *conv, dialog_result *res, const char *intent,
	      const json_t *slots, const json_t *slot_words, int *handoff, json_t **attach,
	      int *waiting, int link_mode, int *link_note)
{
	answer_request req = {
		.intent = intent,
		.slots = slots,
		.slot_words = slot_words,
		.member_id = conv->member_id,
		.account_id = conv->account_id,
		.lang = is_ko(conv) ? "ko" : "en",
		.now = clock_now(),
		.question = d->question,
		.link_mode = link_mode,
	};
	answer_reply ans;
	memset(&ans, 0, sizeof(ans));
	bot_err rc = answer_render(d->answers, &req, &ans);
	if (link_note)
		*link_note = ans.link_note;
	if (rc != BOT_OK) {
		log_msg(LOG_ERROR, conv->id, "answer for %s failed: %s", intent, bot_strerror(rc));
		answer_reply_clear(&ans);
		return escalate(d, conv, res, "needs_human", intent, slots, NULL);
	}
	if (ans.needs_account) {
		json_t *pending = json_pack("{s:s, s:O}", "intent", intent, "slots",
					    slots ? (json_t *)slots : json_object());
		char *pj = pending ? json_dumps(pending, JSON_COMPACT) : NULL;
		json_decref(pending);
		snprintf(conv->pending, sizeof(conv->pending), "%s",
			 pj && strlen(pj) < sizeof(conv->pending) ? pj : "");
		free(pj);
		if (waiting)
			*waiting = 1;
	} else if (ans.account_id) {
		conv->account_id = ans.account_id;
		conv->pending[0] = 0;
	}
	char *text = ans.text;
	json_t *qr = ans.quick_replies;
	ans.text = NULL;
	ans.quick_replies = NULL;
	rc = add_reply(d, conv, res, text, intent, qr, slots);
	if (rc == BOT_OK && ans.handoff) {
		if (handoff) {
			*handoff = 1;
			if (attach && !*attach && ans.attachments)
				*attach = json_incref(ans.attachments);
		} else {
			rc = escalate(d, conv, res, "needs_human", intent, slots, ans.attachments);
		}
	}
	answer_reply_clear(&ans);
	return rc;
}

/* The newest bot reply that answered a question (not small talk or a
 * request for a person), read back from the stored messages. */
typedef struct last_answer {
	char intent[48];
	json_t *slots; /* owned, or NULL */
} last_answer;

static int
collect_last_answer(void *ctx, const store_message *m)
{
	last_answer *la = ctx;
	if (strcmp(m->sender, "bot") || !m->intent || !*m->intent ||
	    !strcmp(m->intent, "agent_request") || !strcmp(m->intent, "greeting") ||
	    !strcmp(m->intent, "thanks"))
		return 0;
	snprintf(la->intent, sizeof(la->intent), "%s", m->intent);
	json_decref(la->slots);
	json_t *meta = m->meta ? json_loads(m->meta, 0, NULL) : NULL;
	la->slots = json_incref(json_object_get(meta, "slots"));
	json_decref(meta);
	return 0;
}

/* The customer asked for a person: the queue entry names the question the
 * bot answered last, with its slots, and the records its answer attaches
 * (re-read now, so the agent sees the current state). */
static bot_err
escalate_on_request(dialog *d, store_conversation *conv, dialog_result *res)
{
	last_answer la = {.intent = "", .slots = NULL};
	int64_t after = conv->last_seq > 12 ? conv->last_seq - 12 : 0;
	store_messages_after(d->st, conv->id, after, collect_last_answer, &la);
	answer_reply ans;
	memset(&ans, 0, sizeof(ans));
	if (la.intent[0] && conv->member_id) {
		answer_request req = {.intent = la.intent,
				      .slots = la.slots,
				      .member_id = conv->member_id,
				      .account_id = conv->account_id,
				      .lang = is_ko(conv) ? "ko" : "en",
				      .now = clock_now(),
				      .for_handoff = 1};
		if (answer_render(d->answers, &req, &ans) != BOT_OK)
			answer_reply_clear(&ans);
	}
	bot_err rc = escalate(d, conv, res, "agent_request", la.intent[0] ? la.intent : NULL,
			      la.slots, ans.attachments);
	answer_reply_clear(&ans);
	json_decref(la.slots);
	return rc;
}

/* Adds the second topic to the question waiting for an account choice, so
 * that both are answered, in order, once the account is chosen. */
static void
pending_then(store_conversation *conv, const char *intent, const json_t *slots)
{
	json_t *p = conv->pending[0] ? json_loads(conv->pending, 0, NULL) : NULL;
	if (!p)
		return;
	json_object_set_new(p, "then", json_pack("{s:s, s:O}", "intent", intent, "slots",
						 slots ? (json_t *)slots : json_object()));
	char *pj = json_dumps(p, JSON_COMPACT);
	json_decref(p);
	/* Too long to keep: the first topic still waits. */
	if (pj && strlen(pj) < sizeof(conv->pending))
		snprintf(conv->pending, sizeof(conv->pending), "%s", pj);
	free(pj);
}

/* Answers the topics of one turn in order: the first, then the second
 * (when the first did not wait for an account choice), then hands the
 * conversation to a human once if an answer asked for that. */
static bot_err
answer_topics(dialog *d, store_conversation *conv, dialog_result *res, const char *intent,
	      const json_t *slots, const json_t *words, const char *also, const json_t *also_slots,
	      const json_t *also_words)
{
	int handoff = 0;
	json_t *attach = NULL;
	const char *handoff_intent = intent;
	const json_t *handoff_slots = slots;
	int waiting = 0, link1 = ANSWER_LINK_NONE;
	int two = also && intent_spec(d->intents, also);
	bot_err rc = answer_intent(d, conv, res, intent, slots, words, &handoff, &attach, &waiting,
				   two ? ANSWER_LINK_HOLD : ANSWER_LINK_NONE, &link1);
	if (rc == BOT_OK && waiting) {
		if (also)
			pending_then(conv, also, also_slots);
	} else if (rc == BOT_OK && two) {
		int h2 = 0;
		rc = answer_intent(d, conv, res, also, also_slots, also_words, &h2, &attach, NULL,
				   link1 == ANSWER_LINK_HOLD ? ANSWER_LINK_OWED : ANSWER_LINK_NONE,
				   NULL);
		if (h2 && !handoff) {
			handoff = 1;
			handoff_intent = also;
			handoff_slots = also_slots;
		}
	}
	if (rc == BOT_OK && handoff && !res->escalated)
		rc = escalate(d, conv, res, "needs_human", handoff_intent, handoff_slots, attach);
	json_decref(attach);
	return rc;
}

/* A tapped quick reply "account:<id>": allowed only for an account the
 * member belongs to, whatever the client sent. */
static bot_err
choose_account(dialog *d, store_conversation *conv, dialog_result *res, const char *value)
{
	char *end = NULL;
	long long id = strtoll(value + strlen("account:"), &end, 10);
	if (!end || *end || id <= 0 || store_member_can_see(d->st, conv->member_id, id) != BOT_OK) {
		log_msg(LOG_WARN, conv->id, "refused an account choice the member cannot see");
		return add_static_reply(d, conv, res,
					"선택하신 광고계정을 확인할 수 없어요. 본인이 멤버로 속한 "
					"광고계정만 조회할 수 있습니다.",
					"I can't find that ad account among yours. You can only ask "
					"about ad accounts you are a member of.",
					NULL, NULL);
	}
	conv->account_id = id;
	json_t *pending = conv->pending[0] ? json_loads(conv->pending, 0, NULL) : NULL;
	conv->pending[0] = 0;
	const char *intent = json_string_value(json_object_get(pending, "intent"));
	json_t *then = json_object_get(pending, "then");
	const char *also = json_string_value(json_object_get(then, "intent"));
	bot_err rc;
	if (intent && intent_spec(d->intents, intent)) {
		rc = answer_topics(d, conv, res, intent, json_object_get(pending, "slots"), NULL,
				   also, json_object_get(then, "slots"), NULL);
	} else {
		rc = add_static_reply(d, conv, res, "광고계정을 선택했어요. 무엇을 도와드릴까요?",
				      "Ad account selected. How can I help?", NULL, NULL);
	}
	json_decref(pending);
	return rc;
}

static void
add_intent_choice(dialog *d, const store_conversation *conv, json_t *qr, const char *id)
{
	char value[64];
	if (!intent_spec(d->intents, id))
		return;
	snprintf(value, sizeof(value), "intent:%s", id);
	json_array_append_new(qr, quick_reply(intent_title(d, conv, id), value));
}

/* Not understood. With the learned model's guesses: "did you mean ...?",
 * the guesses and a person as quick replies (it counts as not understood
 * until the customer taps one). From the second miss in a row: a person is
 * offered first, with a hint to rephrase; the conversation is queued only
 * when the customer asks. */
static bot_err
not_understood(dialog *d, store_conversation *conv, dialog_result *res, const intent_result *ir)
{
	res->not_understood = 1;
	conv->misses++;
	json_t *qr = json_array();
	const char *agent_label = is_ko(conv) ? "상담직원 연결" : "Talk to an agent";
	if (conv->misses >= 2) {
		json_array_append_new(qr, quick_reply(agent_label, "agent"));
		for (int i = 0; i < ir->n_suggest; i++)
			add_intent_choice(d, conv, qr, ir->suggest[i]);
		return add_static_reply(d, conv, res,
					"죄송해요, 이번에도 질문을 이해하지 못했어요. 상담직원에게 "
					"연결해 드릴까요? '지난달 충전 내역 보여줘'처럼 궁금한 내용을 "
					"짧게 다시 말씀해 주셔도 돼요.",
					"Sorry, I still didn't understand. Shall I connect you with a "
					"support agent? You can also say it again in a few words, like "
					"\"show last month's top-ups\".",
					NULL, qr);
	}
	if (ir->n_suggest) {
		for (int i = 0; i < ir->n_suggest; i++)
			add_intent_choice(d, conv, qr, ir->suggest[i]);
		json_array_append_new(qr, quick_reply(agent_label, "agent"));
		return add_static_reply(d, conv, res,
					"혹시 이 문의이신가요? 맞는 항목을 골라 주시거나, 조금 다르게 "
					"말씀해 주세요.",
					"Did you mean one of these? Pick one, or say it another way.",
					NULL, qr);
	}
	static const char *const menu[] = {"free_cash_status", "charge_refund_history",
					   "autopay_failure", "tax_invoice_failed"};
	for (size_t i = 0; i < sizeof(menu) / sizeof(menu[0]); i++)
		add_intent_choice(d, conv, qr, menu[i]);
	json_array_append_new(qr, quick_reply(agent_label, "agent"));
	return add_static_reply(d, conv, res,
				"죄송해요, 질문을 정확히 이해하지 못했어요. 조금 다르게 말씀해 "
				"주시거나 아래에서 골라 주세요.",
				"Sorry, I didn't quite understand. Could you rephrase it, or pick "
				"one of these?",
				NULL, qr);
}

static bot_err
clarify(dialog *d, store_conversation *conv, dialog_result *res, const intent_result *ir)
{
	json_t *qr = json_array();
	for (int i = 0; i < ir->n_candidates; i++)
		add_intent_choice(d, conv, qr, ir->candidates[i]);
	return add_static_reply(d, conv, res, "어떤 내용이 궁금하신가요? 아래에서 골라 주세요.",
				"Which of these do you mean?", NULL, qr);
}

/* What the conversation last asked and was answered, read back from the
 * stored replies: the newest bot reply with an intent gives the context of
 * a follow-up; the newest bot reply of all gives the question a tapped
 * quick reply refers to. */
typedef struct turn_context {
	char intent[48];
	json_t *slots;	   /* owned or NULL */
	char *question;	   /* owned or NULL: the question the answer answered */
	char *last_question; /* owned or NULL: the question of the newest reply */
} turn_context;

static int
collect_context(void *p, const store_message *m)
{
	turn_context *c = p;
	if (strcmp(m->sender, "bot"))
		return 0;
	json_t *meta = m->meta ? json_loads(m->meta, 0, NULL) : NULL;
	const char *q = json_string_value(json_object_get(meta, "question"));
	free(c->last_question);
	c->last_question = q ? strdup(q) : NULL;
	if (m->intent && *m->intent) {
		snprintf(c->intent, sizeof(c->intent), "%s", m->intent);
		json_decref(c->slots);
		c->slots = json_incref(json_object_get(meta, "slots"));
		free(c->question);
		c->question = q ? strdup(q) : NULL;
	}
	json_decref(meta);
	return 0;
}

static void
context_clear(turn_context *c)
{
	json_decref(c->slots);
	free(c->question);
	free(c->last_question);
	memset(c, 0, sizeof(*c));
}

/* The last few stored messages are enough: a follow-up follows closely. */
#define CONTEXT_MESSAGES 8

static void
load_context(dialog *d, const store_conversation *conv, turn_context *c)
{
	memset(c, 0, sizeof(*c));
	int64_t after = conv->last_seq > CONTEXT_MESSAGES ? conv->last_seq - CONTEXT_MESSAGES : 0;
	if (store_messages_after(d->st, conv->id, after, collect_context, c) != BOT_OK)
		context_clear(c);
}

static bot_err
handle_value(dialog *d, store_conversation *conv, dialog_result *res, const char *value)
{
	if (!strncmp(value, "account:", 8))
		return choose_account(d, conv, res, value);
	if (!strcmp(value, "agent")) {
		/* after misses, the customer accepted the offer of a person */
		if (conv->misses >= 2) {
			conv->misses = 0;
			return escalate(d, conv, res, "not_understood", NULL, NULL, NULL);
		}
		return escalate_on_request(d, conv, res);
	}
	if (!strncmp(value, "rating:", 7) && value[7] >= '1' && value[7] <= '5' && !value[8]) {
		/* dialog_rate resets RES; keep the customer message's seq. */
		int64_t seq = res->customer_seq;
		bot_err rc = dialog_rate(d, conv, value[7] - '0', res);
		res->customer_seq = seq;
		return rc == BOT_ERR_NOT_FOUND ? BOT_ERR_NOT_FOUND : rc;
	}
	if (!strncmp(value, "intent:", 7) && intent_spec(d->intents, value + 7)) {
		snprintf(res->intent, sizeof(res->intent), "%s", value + 7);
		conv->misses = 0;
		/* A suggestion the customer confirmed: the slots come from the
		 * question it was offered for ("지난달 그거 얼마였죠?"). */
		turn_context c;
		load_context(d, conv, &c);
		json_t *slots = json_object(), *words = json_object();
		if (c.last_question)
			intent_slots(d->intents, value + 7, c.last_question, strlen(c.last_question),
				     clock_now(), slots, words);
		d->question = c.last_question;
		d->question_len = c.last_question ? strlen(c.last_question) : 0;
		bot_err rc = answer_topics(d, conv, res, value + 7, slots, words, NULL, NULL, NULL);
		d->question = NULL;
		json_decref(slots);
		json_decref(words);
		context_clear(&c);
		return rc;
	}
	return BOT_ERR_NOT_FOUND; /* not a value we offered: treat the text as typed */
}

static int
conversation_changed(const store_conversation *a, const store_conversation *b)
{
	return a->account_id != b->account_id || a->state != b->state ||
	       strcmp(a->lang, b->lang) || a->misses != b->misses || strcmp(a->pending, b->pending);
}

/* Whether TEXT holds a Latin letter or any non-ASCII character (Hangul
 * among them): something a language can be read from. */
static int
has_letters(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			return 1;
	}
	return 0;
}

/* One understood turn: a request for a person goes straight to the queue
 * (with the topic, when one was asked too); otherwise every topic is
 * answered in order. */
static bot_err
understood(dialog *d, store_conversation *conv, dialog_result *res, const intent_result *ir)
{
	conv->misses = 0;
	snprintf(res->intent, sizeof(res->intent), "%s", ir->intent);
	if (!strcmp(ir->intent, "agent_request") && !ir->also)
		return escalate_on_request(d, conv, res);
	if (!strcmp(ir->intent, "agent_request")) {
		const char *topic = ir->also;
		return escalate(d, conv, res, "agent_request", topic,
				ir->also ? ir->also_slots : ir->slots, NULL);
	}
	if (ir->also && !strcmp(ir->also, "agent_request"))
		return escalate(d, conv, res, "agent_request", ir->intent, ir->slots, NULL);
	/* "다른 계정은요?": the same question about another ad account */
	if (ir->other_account)
		conv->account_id = 0;
	return answer_topics(d, conv, res, ir->intent, ir->slots, ir->slot_words, ir->also,
			     ir->also_slots, ir->also_slot_words);
}

bot_err
dialog_customer_turn(dialog *d, store_conversation *conv, const dialog_turn *turn,
		     dialog_result *res)
{
	memset(res, 0, sizeof(*res));
	store_conversation before = *conv;
	store_message m = {.sender = "customer", .client_id = turn->client_id, .text = turn->text};
	bot_err rc = store_message_append(d->st, conv, &m, &res->duplicate);
	res->customer_seq = m.seq;
	if (rc != BOT_OK || res->duplicate)
		return rc;

	if (conv->state == CONV_QUEUED || conv->state == CONV_AGENT) {
		res->for_agent = 1; /* a human owns the conversation: the bot stays silent */
		return BOT_OK;
	}
	if (conv->state == CONV_CLOSED)
		conv->state = CONV_BOT;
	/* The language follows the question, but a tapped quick reply or a bare
	 * "5" says nothing about it: keep the conversation's language then. */
	if (!(turn->value && *turn->value) && has_letters(turn->text, turn->len))
		snprintf(conv->lang, sizeof(conv->lang), "%s",
			 normalize_lang(turn->text, turn->len));

	if (turn->value && *turn->value) {
		rc = handle_value(d, conv, res, turn->value);
		if (rc != BOT_ERR_NOT_FOUND)
			goto done;
	}

	turn_context c;
	load_context(d, conv, &c);
	intent_context ctx = {
		.intent = c.intent[0] ? c.intent : NULL,
		.slots = c.slots,
		.text = c.question,
		.len = c.question ? strlen(c.question) : 0,
	};
	intent_result ir;
	memset(&ir, 0, sizeof(ir));
	rc = intent_classify_ctx(d->intents, turn->text, turn->len, clock_now(),
				 ctx.intent ? &ctx : NULL, 0, &ir);
	if (rc != BOT_OK) {
		intent_result_clear(&ir);
		context_clear(&c);
		goto done;
	}
	/* A follow-up answers the question it follows, with what changed. */
	if (ir.via != INTENT_VIA_TEXT && c.question) {
		d->question = c.question;
		d->question_len = strlen(c.question);
	} else {
		d->question = turn->text;
		d->question_len = turn->len;
	}
	if (ir.clarify)
		rc = clarify(d, conv, res, &ir);
	else if (!ir.intent)
		rc = not_understood(d, conv, res, &ir);
	else
		rc = understood(d, conv, res, &ir);
	d->question = NULL;
	intent_result_clear(&ir);
	context_clear(&c);
done:
	/* Most turns change nothing but last_seq (already saved with the
	 * message): skip the write then. */
	if (rc == BOT_OK && conversation_changed(&before, conv))
		rc = store_conversation_update(d->st, conv);
	return rc;
}
