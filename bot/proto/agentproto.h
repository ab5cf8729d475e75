/* The agent console protocol (WS /ws/agent): parsing and validating agent
 * frames. Transport-free, like chatproto; the contract is in PROTOCOL.md. */
#ifndef BOT_AGENTPROTO_H
#define BOT_AGENTPROTO_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "err.h"

typedef enum agent_type {
	AGENT_HELLO,
	AGENT_CLAIM,
	AGENT_MESSAGE,
	AGENT_TYPING,
	AGENT_NOTE,
	AGENT_TRANSFER,
	AGENT_RESOLVE,
	AGENT_PING,
} agent_type;

/* A validated agent frame; strings are borrowed from ROOT, which the frame
 * owns (agent_frame_clear releases it). */
typedef struct agent_frame {
	json_t *root; /* first (frame_start) */
	agent_type type;
	const char *token;        /* hello */
	const char *conversation; /* every frame but hello and ping */
	const char *id;           /* message */
	const char *text;         /* message, note */
	size_t text_len;
	int typing_on;    /* typing */
	int64_t to_agent; /* transfer: 0 = back to the queue */
} agent_frame;

/* Parses LEN bytes; on failure sets *CODE (a CHAT_ERR_ code) and WHY. */
bot_err agentproto_parse(const char *buf, size_t len, agent_frame *out, const char **code,
                         char *why, size_t whylen);
void agent_frame_clear(agent_frame *f);

#endif
