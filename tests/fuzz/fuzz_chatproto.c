/* libFuzzer: the chat frame parser (chatproto_parse) on raw WebSocket
 * payloads. Checks the contract as well as memory safety: a frame is either
 * refused with one of the documented codes and a reason, or accepted with
 * every field the type promises, within the documented limits. */
#include <assert.h>
#include <stdint.h>
#include <string.h>
#include "chatproto.h"
#include "chatsend.h"
#include "fuzz_common.h"

static int
known_code(const char *c)
{
	return c && (!strcmp(c, CHAT_ERR_BAD_JSON) || !strcmp(c, CHAT_ERR_BAD_SHAPE) ||
		     !strcmp(c, CHAT_ERR_UNKNOWN_TYPE));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	chat_frame f;
	const char *code = NULL;
	char why[256];
	why[0] = 0;
	bot_err rc = chatproto_parse((const char *)data, size, &f, &code, why, sizeof(why));
	if (rc != BOT_OK) {
		if (!known_code(code) || !why[0] || strnlen(why, sizeof(why)) == sizeof(why))
			__builtin_trap();
		if (f.root)
			__builtin_trap(); /* a refused frame owns nothing */
		/* The error reply must always be buildable (the reason may hold
		 * arbitrary bytes of the input; jansson refuses invalid UTF-8, and
		 * the server must cope with a NULL here). */
		free(chatsend_error(code, why));
		return 0;
	}
	switch (f.type) {
	case CHAT_HELLO:
		if (!f.token)
			__builtin_trap();
		if (f.has_resume && (!f.resume_conversation || f.resume_after_seq < 0))
			__builtin_trap();
		break;
	case CHAT_MESSAGE:
		if (!f.id || !f.text || f.text_len == 0 || f.text_len > CHAT_MAX_TEXT ||
		    strlen(f.id) > CHAT_MAX_CLIENT_ID || strlen(f.text) != f.text_len)
			__builtin_trap();
		if (f.value && strlen(f.value) > 128)
			__builtin_trap();
		break;
	case CHAT_RATING:
		if (f.rating < 1 || f.rating > 5)
			__builtin_trap();
		break;
	case CHAT_TYPING:
	case CHAT_PING:
		break;
	default:
		__builtin_trap();
	}
	chat_frame_clear(&f);
	return 0;
}
