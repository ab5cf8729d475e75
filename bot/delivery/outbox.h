/* The outbox: each conn's bounded queue of outgoing frames (redis's
 * addReply: handlers queue output, the event loop writes it). A frame
 * queued while a store batch is open waits for that batch to be on disk;
 * one queued outside a batch waits for what was committed before it, since
 * it may tell of that state. A client whose queue fills is closed: one that
 * stops reading must not grow our memory; at half full it stops being read
 * until its queue drains. */
#ifndef BOT_OUTBOX_H
#define BOT_OUTBOX_H

#include <stddef.h>
#include <jansson.h>

#include "conn.h"

/* Queues a copy of TEXT (LEN bytes). */
void conn_send(conn *c, const char *text, size_t len);
/* Queues TEXT (stolen, NUL-terminated; NULL, which a builder returns when
 * memory ran out, queues nothing). */
void conn_put(conn *c, char *text);
/* {"type":"error",...} (counted in the metrics). */
void conn_error(conn *c, const char *code, const char *message);
/* An error, then a Close with CLOSE_CODE once the queue is written. */
void conn_refuse(conn *c, const char *code, const char *message, int close_code);
/* Closes with CLOSE_CODE once the queue is written. */
void conn_close_after(conn *c, int close_code);

/* ---- the writer's side (the transport) -------------------------------------- */

/* The first frame if it may go out now (its batch is on disk), else NULL. */
outframe *outbox_ready(const conn *c);
/* Whether F, a frame after a ready one, may go out too. */
int outbox_frame_ready(const conn *c, const outframe *f);
/* Takes the first frame off (the caller frees it) and lets a paused reader
 * read again once the queue is down to a quarter. */
outframe *outbox_pop(conn *c);
/* Drops every queued frame. */
void outbox_drop(conn *c);
/* Drops the frames of batch GEN (not saved); how many there were. */
int outbox_forget(conn *c, uint64_t gen);
/* Whether C still holds a frame of a batch that is not on disk. */
int outbox_unsynced(const conn *c);

#endif
