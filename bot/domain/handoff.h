/* Handoffs to people: the rules of the agent queue beside the bot's
 * (dialog.h). Claims within an agent's cap, transfers, resolving, notes,
 * the grace period of an agent who left, and the wait a customer is told.
 * Transport-free and frame-free: the agent endpoint turns the outcomes into
 * frames. Every write happens inside the store's open batch, which the
 * caller has begun. */
#ifndef BOT_HANDOFF_H
#define BOT_HANDOFF_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "dialog.h"
#include "err.h"
#include "hours.h"
#include "store.h"

typedef struct handoff handoff;

/* Borrows ST, DLG and CFG (agent_max_concurrent and agent_grace_s are read
 * when used, so a reload takes effect). Caller owns *OUT: handoff_free(). */
bot_err handoff_new(store *st, dialog *dlg, const config *cfg, handoff **out);
void handoff_free(handoff *ho);

/* The staffed hours (copied) and how many agents are online: what the
 * estimates and the bot's escalation replies depend on. Both go to the
 * dialog too. */
void handoff_set_hours(handoff *ho, const hours *h);
void handoff_set_presence(handoff *ho, int agents_online);
int handoff_agents_online(const handoff *ho);

/* ---- an agent's load ---------------------------------------------------------- */

/* AGENT_ID's cap: theirs in the store, else the configuration's default. */
int handoff_cap(handoff *ho, int64_t agent_id);
/* BOT_OK when AGENT_ID may take one more conversation, BOT_ERR_LIMIT when
 * at their cap, BOT_ERR_NOT_FOUND for no such agent (KNOWN: 1 to require
 * that the agent exists). */
bot_err handoff_room(handoff *ho, int64_t agent_id, int known);
/* BOT_OK when AGENT_ID holds CONV_ID, else BOT_ERR_FORBIDDEN. */
bot_err handoff_owns(handoff *ho, const char *conv_id, int64_t agent_id);

/* ---- what agents do ------------------------------------------------------------ */

/* The checks come first, so that a refusal writes nothing; the writes
 * follow inside the batch the caller then opens. */

/* AGENT_ID takes CONV_ID from the queue (handoff_room() said yes):
 * BOT_ERR_CONFLICT when another agent was first, BOT_ERR_NOT_FOUND when it
 * is not waiting. On BOT_OK *PACKET is filled when *HAVE_PACKET (the caller
 * clears it). */
bot_err handoff_claim(handoff *ho, const char *conv_id, int64_t agent_id, store_packet *packet,
                      int *have_packet);
/* Whether FROM_AGENT, who holds CONV_ID, may hand it to TO_AGENT (0: back
 * to the queue), who must be online (TO_ONLINE) and have room.
 * BOT_ERR_INVAL: to themselves; BOT_ERR_NOT_FOUND: that agent is not
 * online (or does not exist); BOT_ERR_LIMIT: at their cap. */
bot_err handoff_may_transfer(handoff *ho, int64_t from_agent, int64_t to_agent, int to_online);
/* FROM_AGENT hands CONV_ID to TO_AGENT, or back to the front of the queue
 * (0). */
bot_err handoff_transfer(handoff *ho, const char *conv_id, int64_t from_agent, int64_t to_agent);
/* AGENT_ID, who holds CONV_ID, resolves it: the bot takes over again and
 * asks for a rating, stored in CONV_ID; *RES has those replies (the caller
 * clears it). */
bot_err handoff_resolve(handoff *ho, const char *conv_id, int64_t agent_id, dialog_result *res);
/* An internal note by AGENT_ID on CONV_ID; *AT is when it was stored. */
bot_err handoff_note(handoff *ho, const char *conv_id, int64_t agent_id, const char *text,
                     time_t *at);

/* ---- the grace period ---------------------------------------------------------- */

/* AGENT_ID's last connection closed at NOW: their conversations wait
 * agent_grace_s for them. Agents beyond the table's size are not tracked. */
void handoff_agent_gone(handoff *ho, int64_t agent_id, time_t now);
/* AGENT_ID is back: nothing of theirs goes back to the queue. */
void handoff_agent_back(handoff *ho, int64_t agent_id);
/* At start-up: every agent who holds conversations has the grace period,
 * counted from NOW, to come back. */
bot_err handoff_restore(handoff *ho, time_t now);
/* Agents whose grace has run out at NOW, taken off the table: up to MAX
 * into IDS; the count. */
size_t handoff_grace_over(handoff *ho, time_t now, int64_t *ids, size_t max);
/* One conversation of AGENT_ID that went back to the queue, with the bot's
 * reply telling the customer (RES, stored; borrowed for the call). */
typedef void (*handoff_requeued_fn)(void *ctx, const char *conv_id, const dialog_result *res);
/* Sends every conversation AGENT_ID holds back to the front of the queue;
 * calls FN for each. Returns how many went. */
int handoff_requeue_agent(handoff *ho, int64_t agent_id, handoff_requeued_fn fn, void *ctx);

/* ---- the wait a customer is told ----------------------------------------------- */

/* Recent handling time of one conversation, in seconds (five minutes before
 * there is any history): read once for a pass over the waiting customers. */
int handoff_handle_time(handoff *ho);
/* Estimated wait for queue POSITION at NOW: AVG_S of handling per agent
 * online, plus the time until agents are back when none can answer now.
 * *OPEN: agents can answer now; *RETURNS_AT: when they are back (0 when
 * open). */
int handoff_estimate(const handoff *ho, int position, int avg_s, time_t now, int *open,
                     time_t *returns_at);

#endif
