/* The agent queue's order, kept in memory by the server: who waits, in the
 * order agents take them. A customer's place is then a binary search, not a
 * count over everyone ahead in the database, so the queue costs the same
 * per customer with ten waiting or ten thousand.
 *
 * The order is the store's (store_queue_waiting): higher priority first,
 * then the earlier enqueued_at, then the lower handoff id. This module only
 * keeps the order; the database stays the truth, and the server reloads the
 * whole list from it whenever it cannot tell how the queue moved. */
#ifndef BOT_WAITQ_H
#define BOT_WAITQ_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Where a waiting handoff sorts. */
typedef struct waitq_key {
	int priority;
	int64_t enqueued_at; /* seconds since the epoch */
	int64_t id;          /* the handoff's row id */
} waitq_key;

typedef struct waitq_entry {
	waitq_key key;
	char conv[33]; /* the conversation's id */
} waitq_entry;

/* Zero-initialised is empty and ready. */
typedef struct waitq {
	waitq_entry *v; /* sorted; owned */
	size_t len, cap;
} waitq;

/* Puts CONV at KEY's place (copied). An entry with KEY's id already there is
 * left as it is. BOT_ERR_INVAL for a conversation id that does not fit. */
bot_err waitq_add(waitq *q, const waitq_key *key, const char *conv);
/* Takes KEY's entry out; 0 when it was not there. */
int waitq_remove(waitq *q, const waitq_key *key);
/* KEY's 1-based place, 0 when it is not there. */
size_t waitq_position(const waitq *q, const waitq_key *key);
/* Empties Q and keeps its memory. */
void waitq_clear(waitq *q);
/* Frees Q's memory; Q is empty and ready again. */
void waitq_free(waitq *q);

#endif
