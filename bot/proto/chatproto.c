#include "chatproto.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "frame.h"

_Static_assert(offsetof(chat_frame, root) == 0, "frame_start needs the root first");

void
chat_frame_clear(chat_frame *f)
{
	json_decref(f->root);
	memset(f, 0, sizeof(*f));
}

/* Client ids are echoed back and stored: keep them short and printable. */
int
chatproto_client_id_ok(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > CHAT_MAX_CLIENT_ID)
		return 0;
	for (const char *p = id; *p; p++)
		if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
			return 0;
	return 1;
}

bot_err
chatproto_parse(const char *buf, size_t len, chat_frame *out, const char **code, char *why,
                size_t whylen)
{
	const char *type;
	bot_err rc = frame_start(out, sizeof(*out), buf, len, &type, code, why, whylen);
	if (rc != BOT_OK)
		return rc;
	json_t *root = out->root;
	json_error_t e;
	if (!strcmp(type, "hello")) {
		json_t *resume = NULL;
		out->type = CHAT_HELLO;
		if (json_unpack_ex(root, &e, JSON_STRICT, "{s:s, s:s, s?o, s?s}", "type", &type,
		                   "token", &out->token, "resume", &resume, "lang",
		                   &(const char *){0}))
			goto shape;
		if (resume && !json_is_null(resume)) {
			json_int_t after = 0;
			if (json_unpack_ex(resume, &e, JSON_STRICT, "{s:s, s?I}", "conversation",
			                   &out->resume_conversation, "after_seq", &after))
				goto shape;
			if (after < 0) {
				snprintf(e.text, sizeof(e.text), "after_seq must not be negative");
				goto shape;
			}
			out->has_resume = 1;
			out->resume_after_seq = after;
		}
		return BOT_OK;
	}
	if (!strcmp(type, "message")) {
		out->type = CHAT_MESSAGE;
		json_t *text = NULL;
		if (json_unpack_ex(root, &e, JSON_STRICT, "{s:s, s:s, s:o, s?s}", "type", &type,
		                   "id", &out->id, "text", &text, "value", &out->value))
			goto shape;
		if (!chatproto_client_id_ok(out->id)) {
			snprintf(e.text, sizeof(e.text),
			         "id must be 1 to %d printable ASCII characters",
			         CHAT_MAX_CLIENT_ID);
			goto shape;
		}
		if (!json_is_string(text)) {
			snprintf(e.text, sizeof(e.text), "text must be a string");
			goto shape;
		}
		out->text = json_string_value(text);
		out->text_len = json_string_length(text);
		if (out->text_len == 0 || strspn(out->text, " \t\r\n") == out->text_len) {
			snprintf(e.text, sizeof(e.text), "text is empty");
			goto shape;
		}
		if (out->text_len > CHAT_MAX_TEXT) {
			snprintf(e.text, sizeof(e.text), "text is longer than %d bytes",
			         CHAT_MAX_TEXT);
			goto shape;
		}
		if (memchr(out->text, 0, out->text_len)) {
			snprintf(e.text, sizeof(e.text), "text contains a NUL character");
			goto shape;
		}
		if (out->value && strlen(out->value) > 128) {
			snprintf(e.text, sizeof(e.text), "value is longer than 128 bytes");
			goto shape;
		}
		return BOT_OK;
	}
	if (!strcmp(type, "typing")) {
		out->type = CHAT_TYPING;
		if (json_unpack_ex(root, &e, JSON_STRICT, "{s:s, s:b}", "type", &type, "on",
		                   &out->typing_on))
			goto shape;
		return BOT_OK;
	}
	if (!strcmp(type, "rating")) {
		out->type = CHAT_RATING;
		json_int_t score = 0;
		if (json_unpack_ex(root, &e, JSON_STRICT, "{s:s, s:I}", "type", &type, "score",
		                   &score))
			goto shape;
		out->rating = score >= 1 && score <= 5 ? (int)score : 0;
		if (out->rating == 0) {
			snprintf(e.text, sizeof(e.text), "score must be from 1 to 5");
			goto shape;
		}
		return BOT_OK;
	}
	if (!strcmp(type, "ping")) {
		out->type = CHAT_PING;
		if (json_unpack_ex(root, &e, JSON_STRICT, "{s:s}", "type", &type))
			goto shape;
		return BOT_OK;
	}
	rc = frame_unknown_type(type, code, why, whylen);
	chat_frame_clear(out);
	return rc;
shape:
	/* TYPE points into ROOT: the reason is worded before the clear. */
	rc = frame_bad_shape(type, e.text, code, why, whylen);
	chat_frame_clear(out);
	return rc;
}
