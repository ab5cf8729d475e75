/* The dialogue engine: one customer turn in, stored replies out. It is
 * transport-free: the web chat, KakaoTalk and `botd ask` all drive it.
 * Every write happens inside the store's open batch; the caller commits the
 * batch and only then acknowledges or sends anything. */
#ifndef BOT_DIALOG_H
#define BOT_DIALOG_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "answer.h"
#include "err.h"
#include "hours.h"
#include "intent.h"
#include "store.h"

typedef struct dialog dialog;

#define DIALOG_MAX_REPLIES 3

typedef struct dialog_reply {
	int64_t seq;
	char *text;            /* owned */
	char intent[48];       /* empty when none */
	json_t *quick_replies; /* owned array of {"label","value"} */
} dialog_reply;

typedef struct dialog_result {
	int64_t customer_seq;  /* seq of the stored customer message */
	int duplicate;         /* the client id was seen before: nothing new stored */
	int n_replies;
	dialog_reply replies[DIALOG_MAX_REPLIES];
	/* Set when this turn put the conversation in the agent queue. */
	const char *escalated; /* static reason string or NULL */
	/* The conversation belongs to a human (queued or agent): the bot stayed
	 * silent and the message is for the agent. */
	int for_agent;
	/* The intent the bot understood (for metrics); empty when none. */
	char intent[48];
	int not_understood;    /* the bot did not understand this question */
	int rated;             /* 1-5 when this turn rated a handoff */
	int64_t rated_agent;
} dialog_result;

/* A customer turn. VALUE is the value of a tapped quick reply (may be NULL);
 * it is hostile input like the text and is checked before use. */
typedef struct dialog_turn {
	const char *client_id; /* may be NULL */
	const char *text;
	size_t len;
	const char *value;
} dialog_turn;

/* Borrows every argument; they must outlive the dialog. Caller owns *OUT. */
bot_err dialog_new(store *st, const intent_set *intents, answer_engine *answers, dialog **out);
void dialog_free(dialog *dlg);
/* Swaps in a new intent set and answer engine (reload); both borrowed. */
void dialog_set_engines(dialog *dlg, const intent_set *intents, answer_engine *answers);

/* Tells the dialog whether people can take a handoff now: the number of
 * agents online and the business hours (borrowed). Escalation replies say
 * when agents return when none can. */
void dialog_set_presence(dialog *dlg, int agents_online, const hours *h);

/* Stores a rating (1-5) for the last resolved handoff of CONV and a thank-you
 * reply; res->rated_agent is the agent who was rated. BOT_ERR_NOT_FOUND when
 * there is nothing to rate. */
bot_err dialog_rate(dialog *dlg, store_conversation *conv, int score, dialog_result *res);

/* Bot messages for handoff events, stored in CONV (inside the open batch):
 * DIALOG_RESOLVED asks for a rating with quick replies; DIALOG_REQUEUED tells
 * the customer their agent left and they are back at the front of the queue. */
typedef enum dialog_event { DIALOG_RESOLVED, DIALOG_REQUEUED } dialog_event;
bot_err dialog_handoff_event(dialog *dlg, store_conversation *conv, dialog_event ev,
			     dialog_result *res);

/* Handles one customer turn on CONV (updated in place). Fills *RES; the
 * caller frees it with dialog_result_clear(). */
bot_err dialog_customer_turn(dialog *dlg, store_conversation *conv, const dialog_turn *turn,
			     dialog_result *res);
void dialog_result_clear(dialog_result *res);

#endif
