/* The hub: who is connected, and every fan-out. It maps conversations to the
 * chat connections showing them (a conversation may be open in several
 * tabs), keeps the agents' connections and their presence, and sends a
 * frame to everyone it concerns: a conversation's tabs, an agent's
 * consoles, every agent, every waiting customer whose place moved. Every
 * frame meant for more than the connection that asked goes through here, so
 * that this is the one place a cluster bus would take over. Frames are
 * serialised once per fan-out. */
#ifndef BOT_HUB_H
#define BOT_HUB_H

#include <stdint.h>

#include "conn.h"
#include "err.h"
#include "handoff.h"
#include "store.h"

typedef struct hub hub;

/* Borrows ST and HO (for the queue's order and the estimates), which must
 * outlive it. Caller owns *OUT: hub_free(). */
bot_err hub_new(store *st, handoff *ho, hub **out);
void hub_free(hub *h);

/* A chat connection showing C->conv (its id set), and no longer. */
void hub_add_customer(hub *h, conn *c);
void hub_remove_customer(hub *h, conn *c);
/* An agent's connection (authenticated or not yet), and no longer. */
void hub_add_agent(hub *h, conn *c);
void hub_remove_agent(hub *h, conn *c);
/* Whether agent AGENT_ID has an authenticated connection. */
int hub_agent_online(const hub *h, int64_t agent_id);
/* Counts the distinct agents online again and tells the handoff module;
 * returns the count. */
int hub_presence(hub *h);

/* Calls FN for every authenticated chat connection of CONV_ID. FN may send
 * but must not add or remove connections. */
void hub_each_customer(hub *h, const char *conv_id, void (*fn)(conn *c, void *arg), void *arg);
/* Sends TEXT (stolen; NULL sends nothing) to every tab of CONV_ID, to every
 * console of AGENT_ID, to every agent. */
void hub_to_customer(hub *h, const char *conv_id, char *text);
void hub_to_agent(hub *h, int64_t agent_id, char *text);
void hub_to_agents(hub *h, char *text);
/* CONV_ID changed in the store (an agent's message, a transfer): its tabs
 * read it again. Moved (a claim, a resolve, a requeue): they also forget
 * the queue position they were told. */
void hub_conversation_changed(hub *h, const char *conv_id);
void hub_conversation_moved(hub *h, const char *conv_id);

/* ---- the queue's news ------------------------------------------------------- */

/* Agents see at most this many waiting conversations in a snapshot;
 * customers further back still get their own positions. */
#define HUB_SNAPSHOT_MAX 200

/* Every agent gets the queue snapshot (nothing is read when no agent is
 * connected). */
void hub_queue_snapshot(hub *h);
/* The queue moved (a claim, a requeue, a transfer back, a change in who is
 * online): every waiting customer whose position or estimate changed gets a
 * `queued` frame, and agents the snapshot. One pass over the store's copy
 * of the queue order and one map lookup per waiting conversation. */
void hub_queue_changed(hub *h);
/* CONV_ID joined the queue (or its customer came back): it gets its own
 * position; nobody else's moved. Agents get the snapshot. */
void hub_queue_joined(hub *h, const char *conv_id);

#endif
