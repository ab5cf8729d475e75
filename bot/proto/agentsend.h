/* The frames the server sends on the agent console (WS /ws/agent), one
 * builder per frame type; the shapes are bot/PROTOCOL.md's. Each returns the
 * frame as compact JSON text, which the caller owns (free()), or NULL when
 * memory ran out; every argument is borrowed for the call. Frames the
 * console shares with the chat (pong) come from chatsend.h. */
#ifndef BOT_AGENTSEND_H
#define BOT_AGENTSEND_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <jansson.h>
#include "store.h"

/* One conversation an agent holds, with its packet (welcome). */
typedef struct agentsend_held {
	const char *conversation;
	const store_packet *packet;
} agentsend_held;

/* {"type":"welcome","agent":{"id","name"},"max_concurrent","conversations":
 * [{"conversation","packet"}]} */
char *agentsend_welcome(int64_t agent_id, const char *name, int max_concurrent,
                        const agentsend_held *held, size_t n_held);
/* {"type":"queue","items":[...],"agents_online"}: the waiting conversations
 * in order, each with its position and how long it has waited at NOW. */
char *agentsend_queue(const store_queue_list *waiting, int agents_online, time_t now);
/* {"type":"claimed"|"assigned","conversation","packet"}; PACKET NULL: {}. */
char *agentsend_claimed(const char *conv_id, const store_packet *packet);
char *agentsend_assigned(const char *conv_id, const store_packet *packet);
/* {"type":"ack","id","conversation","seq","at"} */
char *agentsend_ack(const char *id, const char *conv_id, int64_t seq, time_t at);
/* {"type":"customer_message","conversation","seq","text","at"} */
char *agentsend_customer_message(const char *conv_id, int64_t seq, const char *text, time_t at);
/* {"type":"typing","conversation","from":"customer","on","expires_s"} */
char *agentsend_typing(const char *conv_id, int on);
/* {"type":"noted","conversation","note":{"agent","text","at"}} */
char *agentsend_noted(const char *conv_id, const store_note *note);
/* {"type":"released","conversation","reason"}: "transferred" | "resolved". */
char *agentsend_released(const char *conv_id, const char *reason);
char *agentsend_rated(const char *conv_id, int score);
/* {"type":"error","code","message","conversation"?}: CONV_ID NULL leaves it
 * out. */
char *agentsend_error(const char *code, const char *message, const char *conv_id);

/* The packet as its JSON object (new reference; NULL when memory ran out). */
json_t *agentsend_packet(const store_packet *p);

#endif
