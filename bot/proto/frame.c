#include "frame.h"

#include <stdio.h>
#include <string.h>

#include "chatproto.h"

bot_err
frame_open(const char *buf, size_t len, json_t **root, const char **type, const char **code,
           char *why, size_t whylen)
{
	*root = NULL;
	*type = NULL;
	/* Duplicate keys are refused like unknown ones: the shapes in
	 * PROTOCOL.md are exact. */
	json_error_t jerr;
	json_t *r = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!r) {
		*code = CHAT_ERR_BAD_JSON;
		snprintf(why, whylen, "not valid JSON: %s", jerr.text);
		return BOT_ERR_PARSE;
	}
	const char *t = json_string_value(json_object_get(r, "type"));
	if (!json_is_object(r) || !t) {
		json_decref(r);
		*code = CHAT_ERR_BAD_SHAPE;
		snprintf(why, whylen, "frame: %s", FRAME_UNTYPED);
		return BOT_ERR_INVAL;
	}
	*root = r;
	*type = t;
	return BOT_OK;
}

bot_err
frame_start(void *frame, size_t size, const char *buf, size_t len, const char **type,
            const char **code, char *why, size_t whylen)
{
	memset(frame, 0, size);
	return frame_open(buf, len, (json_t **)frame, type, code, why, whylen);
}

bot_err
frame_bad_shape(const char *type, const char *detail, const char **code, char *why, size_t whylen)
{
	*code = CHAT_ERR_BAD_SHAPE;
	snprintf(why, whylen, "%s frame: %s", type, detail);
	return BOT_ERR_INVAL;
}

/* The type is the client's own string, of any length: cut short, it cannot
 * crowd the rest of the reason out. */
bot_err
frame_unknown_type(const char *type, const char **code, char *why, size_t whylen)
{
	*code = CHAT_ERR_UNKNOWN_TYPE;
	snprintf(why, whylen, "unknown frame type \"%.40s\"", type);
	return BOT_ERR_INVAL;
}
