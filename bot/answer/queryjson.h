/* The answers' queries in the JSON the templates read: parameters from a
 * JSON object, rows as a JSON array of objects keyed by column name. The
 * store speaks in neutral values (store_value); this is where they become
 * JSON, on the answer side. */
#ifndef BOT_QUERYJSON_H
#define BOT_QUERYJSON_H

#include <stddef.h>
#include <jansson.h>
#include "err.h"
#include "store.h"

/* Binds each named parameter of Q from PARAMS (borrowed; key without the
 * ':'; a key absent from PARAMS, or NULL PARAMS, binds NULL; true and false
 * bind 1 and 0), runs, and returns at most MAX_ROWS rows (0 = all) in *ROWS,
 * which the caller owns. */
bot_err queryjson_run(store_query *q, const json_t *params, size_t max_rows, json_t **rows);

#endif
