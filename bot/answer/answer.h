/* Answers: for an understood intent, run the intent's read-only queries for
 * the asking member's account and render its template in the customer's
 * language. The queries and templates are declared in intents/<id>.json under
 * "answer". This module never writes to the database. */
#ifndef BOT_ANSWER_H
#define BOT_ANSWER_H

#include <stdint.h>
#include <time.h>
#include <jansson.h>
#include "err.h"
#include "intent.h"
#include "store.h"

typedef struct answer_engine answer_engine;

typedef struct answer_request {
	const char *intent;   /* intent id */
	const json_t *slots;  /* borrowed; may be NULL */
	/* borrowed; may be NULL: slot name -> the customer's own words for it
	 * ({"period": "지난 3개월"}), to name a range the way it was asked */
	const json_t *slot_words;
	int64_t member_id;    /* 0 = unknown member (unlinked KakaoTalk user): general answers only */
	int64_t account_id;   /* 0 = not chosen yet for this conversation */
	const char *lang;     /* "ko" | "en" */
	time_t now;
	const char *question; /* borrowed; may be NULL: the customer's text, read for the ad
			       * account numbers it names */
	/* Rendered for a human's handoff packet: attach the records the spec's
	 * "attach" names even when the answer itself hands nothing over. */
	int for_handoff;
	/* An unlinked KakaoTalk user's link paragraph, said once per turn:
	 * ANSWER_LINK_HOLD when more topics follow (reply.link_note says so),
	 * ANSWER_LINK_OWED on the last topic when an earlier one held it back. */
	int link_mode;
} answer_request;

/* What becomes of the link paragraph for an unlinked user. */
enum { ANSWER_LINK_NONE = 0, ANSWER_LINK_ADDED, ANSWER_LINK_HOLD, ANSWER_LINK_OWED };

typedef struct answer_reply {
	char *text;            /* owned */
	json_t *quick_replies; /* owned: array of {"label","value"}; never NULL after success */
	json_t *attachments;   /* owned: records for a human agent, or NULL */
	int handoff;           /* this answer needs a human: escalate with attachments */
	int needs_account;     /* the member must choose an account first (quick replies list them) */
	int64_t account_id;    /* the account the answer used (0 if none) */
	int link_note;         /* ANSWER_LINK_ADDED, _HOLD (held back) or _NONE (not needed) */
} answer_reply;

/* Prepares every intent's queries. Borrows SET and ST, which must outlive the
 * engine. Caller owns *OUT (answer_engine_free). */
bot_err answer_engine_new(const intent_set *set, store *st, answer_engine **out, char *err,
			  size_t errlen);
void answer_engine_free(answer_engine *eng);

/* Renders the answer to REQ. Fills *OUT; caller frees with answer_reply_clear().
 * The account is the one the question names (an account_no slot or a number
 * in REQ->question) if it is the member's, else the conversation's, else the
 * member's only one; otherwise the member is asked to choose. A named or
 * remembered account the member does not belong to is never read: the reply
 * says so first. */
bot_err answer_render(answer_engine *eng, const answer_request *req, answer_reply *out);
void answer_reply_clear(answer_reply *reply);


#endif
