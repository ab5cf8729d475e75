/* The agent console endpoint (WS /ws/agent, PROTOCOL.md): agent_ops for the
 * transport (endpoint.h), its dispatcher for the tests, and what the server
 * calls once a second and when presence may have changed. The rules of
 * the queue are the handoff module's (handoff.h). */
#ifndef BOT_AGENT_H
#define BOT_AGENT_H

#include "agentproto.h"
#include "conn.h"
#include "endpoint.h"

/* Handles one parsed frame F (borrowed) of C, whose env's ctx is the
 * endpoints; C must have passed endpoint_admit(). */
void agent_dispatch(conn *c, const agent_frame *f);
/* Once a second: conversations of agents whose grace ran out go back to
 * the front of the queue (their customers are told), and agents get a
 * queue snapshot that became stale. */
void agent_tick(endpoints *ep);
/* Counts the agents online again: the dialog, the estimates and the
 * metrics follow. */
void agent_presence(endpoints *ep);

#endif
