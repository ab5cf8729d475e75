#include "agentproto.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "chatproto.h"
#include "frame.h"

_Static_assert(offsetof(agent_frame, root) == 0, "frame_start needs the root first");

void
agent_frame_clear(agent_frame *f)
{
	json_decref(f->root);
	memset(f, 0, sizeof(*f));
}

/* Conversation ids are 32 lower-case hex digits (sq_conversation.c). */
static int
conversation_id_ok(const char *id)
{
	if (strlen(id) != 32)
		return 0;
	for (const char *p = id; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return 1;
}

static int
text_ok(const char *text, size_t len, char *why, size_t whylen)
{
	if (len == 0 || strspn(text, " \t\r\n") == len) {
		snprintf(why, whylen, "text is empty");
		return 0;
	}
	if (len > CHAT_MAX_TEXT || memchr(text, 0, len)) {
		snprintf(why, whylen, "text is longer than %d bytes or holds a NUL", CHAT_MAX_TEXT);
		return 0;
	}
	return 1;
}

bot_err
agentproto_parse(const char *buf, size_t len, agent_frame *out, const char **code, char *why,
                 size_t whylen)
{
	char detail[160] = "";
	json_error_t e;
	json_t *text = NULL, *to = NULL;
	const char *type;
	bot_err rc = frame_start(out, sizeof(*out), buf, len, &type, code, why, whylen);
	if (rc != BOT_OK)
		return rc;
	json_t *root = out->root;
	if (!strcmp(type, "hello")) {
		out->type = AGENT_HELLO;
		if (json_unpack_ex(root, &e, JSON_STRICT, "{s:s, s:s}", "type", &type, "token",
		                   &out->token))
			goto unpack;
		return BOT_OK;
	}
	if (!strcmp(type, "ping")) {
		out->type = AGENT_PING;
		if (json_unpack_ex(root, &e, JSON_STRICT, "{s:s}", "type", &type))
			goto unpack;
		return BOT_OK;
	}
	if (!strcmp(type, "claim") || !strcmp(type, "resolve")) {
		out->type = type[0] == 'c' ? AGENT_CLAIM : AGENT_RESOLVE;
		if (json_unpack_ex(root, &e, JSON_STRICT, "{s:s, s:s}", "type", &type,
		                   "conversation", &out->conversation))
			goto unpack;
	} else if (!strcmp(type, "message")) {
		out->type = AGENT_MESSAGE;
		if (json_unpack_ex(root, &e, JSON_STRICT, "{s:s, s:s, s:s, s:o}", "type", &type,
		                   "conversation", &out->conversation, "id", &out->id, "text",
		                   &text))
			goto unpack;
		if (!chatproto_client_id_ok(out->id)) {
			snprintf(detail, sizeof(detail),
			         "id must be 1 to %d printable ASCII characters",
			         CHAT_MAX_CLIENT_ID);
			goto shape;
		}
	} else if (!strcmp(type, "note")) {
		out->type = AGENT_NOTE;
		if (json_unpack_ex(root, &e, JSON_STRICT, "{s:s, s:s, s:o}", "type", &type,
		                   "conversation", &out->conversation, "text", &text))
			goto unpack;
	} else if (!strcmp(type, "typing")) {
		out->type = AGENT_TYPING;
		if (json_unpack_ex(root, &e, JSON_STRICT, "{s:s, s:s, s:b}", "type", &type,
		                   "conversation", &out->conversation, "on", &out->typing_on))
			goto unpack;
	} else if (!strcmp(type, "transfer")) {
		out->type = AGENT_TRANSFER;
		if (json_unpack_ex(root, &e, JSON_STRICT, "{s:s, s:s, s:o}", "type", &type,
		                   "conversation", &out->conversation, "to", &to))
			goto unpack;
		if (json_is_integer(to) && json_integer_value(to) > 0) {
			out->to_agent = json_integer_value(to);
		} else if (!json_is_null(to)) {
			snprintf(detail, sizeof(detail), "to must be an agent id or null");
			goto shape;
		}
	} else {
		rc = frame_unknown_type(type, code, why, whylen);
		agent_frame_clear(out);
		return rc;
	}
	if (!conversation_id_ok(out->conversation)) {
		snprintf(detail, sizeof(detail), "conversation must be a conversation id");
		goto shape;
	}
	if (text) {
		if (!json_is_string(text)) {
			snprintf(detail, sizeof(detail), "text must be a string");
			goto shape;
		}
		out->text = json_string_value(text);
		out->text_len = json_string_length(text);
		if (!text_ok(out->text, out->text_len, detail, sizeof(detail)))
			goto shape;
	}
	return BOT_OK;
unpack:
	snprintf(detail, sizeof(detail), "%s", e.text);
shape:
	/* TYPE points into ROOT: the reason is worded before the clear. */
	rc = frame_bad_shape(type, detail, code, why, whylen);
	agent_frame_clear(out);
	return rc;
}
