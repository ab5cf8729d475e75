/* The customer chat endpoint (WS /ws/chat, PROTOCOL.md): chat_ops for the
 * transport (endpoint.h), and its dispatcher for the tests and the fuzzer,
 * which hand it frames already parsed. */
#ifndef BOT_CHAT_H
#define BOT_CHAT_H

#include "chatproto.h"
#include "conn.h"

/* Handles one parsed frame F (borrowed) of C, whose env's ctx is the
 * endpoints; C must have passed endpoint_admit(). */
void chat_dispatch(conn *c, const chat_frame *f);

#endif
