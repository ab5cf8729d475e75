/* What the two WebSocket protocols (chatproto for /ws/chat, agentproto for
 * /ws/agent) do alike with a client text frame: parse it into a JSON object
 * with a string "type", and word a refusal. One place, so that both endpoints
 * refuse the same input with the same code and the same reason; the reason
 * is what a client reads in the error frame's "message" (PROTOCOL.md), so
 * the wording here is part of the contract. The codes are chatproto.h's
 * CHAT_ERR_ ones. */
#ifndef BOT_FRAME_H
#define BOT_FRAME_H

#include <stddef.h>
#include <jansson.h>
#include "err.h"

/* The reason given for JSON that is not an object with a string "type". */
#define FRAME_UNTYPED "must be a JSON object with a string \"type\""

/* Parses LEN bytes (hostile) into *ROOT and points *TYPE at its "type".
 * Ownership: on BOT_OK the caller owns *ROOT (one reference: json_decref, or
 * keep it in a frame whose clear function releases it) and *TYPE is borrowed
 * from *ROOT, valid as long as it. On failure *ROOT and *TYPE are NULL and
 * nothing stays allocated: BOT_ERR_PARSE with *CODE bad_json when the bytes
 * are not JSON, BOT_ERR_INVAL with *CODE bad_shape when they are not an
 * object with a string "type" ("frame: " FRAME_UNTYPED in WHY). *CODE points
 * at a static string; WHY gets at most WHYLEN bytes, NUL included. */
bot_err frame_open(const char *buf, size_t len, json_t **root, const char **type, const char **code,
                   char *why, size_t whylen);

/* The start of every parser: zeroes FRAME (SIZE bytes; a frame struct whose
 * first member is its json_t *root) and opens BUF into its root as
 * frame_open() does. */
bot_err frame_start(void *frame, size_t size, const char *buf, size_t len, const char **type,
                    const char **code, char *why, size_t whylen);

/* Refusals once a frame is open: "TYPE frame: DETAIL" with *CODE bad_shape,
 * and "unknown frame type ..." with *CODE unknown_type. Both return
 * BOT_ERR_INVAL. TYPE and DETAIL are borrowed for the call only, so a TYPE
 * that points into the frame's root must be worded before the root is
 * released. */
bot_err frame_bad_shape(const char *type, const char *detail, const char **code, char *why,
                        size_t whylen);
bot_err frame_unknown_type(const char *type, const char **code, char *why, size_t whylen);

#endif
