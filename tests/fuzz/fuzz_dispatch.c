/* libFuzzer: the chat dispatcher. Client frames go through chatproto_parse
 * and every accepted message runs a whole dialogue turn (intent matching,
 * account choice, answer queries on the demo database, templates, handoff)
 * on one conversation, exactly as server.c does for WS /ws/chat.
 *
 * Input: byte 0 picks the demo member (1..11, departed ones included) and
 * byte 1 the mode; the rest is split on '\n' into up to 6 turns.
 *   mode even: each line is a JSON client frame (as sent on the socket);
 *   mode odd:  each line is raw customer text, optionally followed by a TAB
 *              and a quick-reply value (e.g. "account:103").
 * The demo database is built once in a temporary file; every input runs in
 * one store batch that is rolled back, so inputs do not affect each other.
 *
 * Properties (authorisation as well as memory safety):
 * - the conversation's account is always 0 or one the member belongs to;
 * - no reply names an ad account (number or name) the member does not belong
 *   to, unless the customer typed it;
 * - every reply has text; seqs increase. */
#include <stdint.h>
#include <string.h>
#include "chatproto.h"
#include "demo_stack.h"
#include "fuzz_common.h"

static demo_stack *demo;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	demo = demo_stack_open("fuzz_dispatch");
	return 0;
}

static void
check_result(const store_conversation *conv, const dialog_result *res, const char *input)
{
	if (conv->account_id &&
	    store_member_can_see(demo->st, conv->member_id, conv->account_id) != BOT_OK)
		__builtin_trap(); /* the conversation now points at someone else's account */
	for (int i = 0; i < res->n_replies; i++) {
		const char *t = res->replies[i].text;
		if (!t || res->replies[i].seq <= res->customer_seq)
			__builtin_trap();
		demo_check_accounts(demo, conv->member_id, t, input);
	}
}

static void
one_turn(store_conversation *conv, const char *client_id, const char *text, size_t len,
	 const char *value, const char *input)
{
	dialog_turn turn = {.client_id = client_id, .text = text, .len = len, .value = value};
	dialog_result res;
	bot_err rc = dialog_customer_turn(demo->dlg, conv, &turn, &res);
	/* Hostile text never makes a turn fail, except a reply that could not
	 * be stored (which the server turns into server_error). */
	if (rc != BOT_OK && rc != BOT_ERR_DB && rc != BOT_ERR_LIMIT) {
		fprintf(stderr, "dialog_customer_turn: %s\n", bot_strerror(rc));
		__builtin_trap();
	}
	if (rc == BOT_OK)
		check_result(conv, &res, input);
	dialog_result_clear(&res);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size > 8192)
		return 0;
	int64_t member = 1 + data[0] % 11;
	int frames = !(data[1] & 1);
	char *buf = malloc(size - 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 2, size - 2);
	buf[size - 2] = 0;
	/* text turns are C strings: stop at an embedded NUL like the parser would refuse */
	size_t blen = frames ? size - 2 : strlen(buf);

	if (store_batch_begin(demo->st) != BOT_OK)
		abort();
	store_conversation conv;
	if (store_conversation_create(demo->st, member, "web", NULL, &conv) != BOT_OK)
		abort();

	char *line = buf, *end = buf + blen;
	for (int turn = 0; turn < 6 && line < end; turn++) {
		char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
		if (frames) {
			chat_frame f;
			const char *code;
			char why[256];
			if (chatproto_parse(line, n, &f, &code, why, sizeof(why)) == BOT_OK) {
				if (f.type == CHAT_MESSAGE)
					one_turn(&conv, f.id, f.text, f.text_len, f.value, f.text);
				chat_frame_clear(&f);
			}
		} else {
			line[n] = 0;
			char *tab = strchr(line, '\t');
			const char *value = NULL;
			if (tab) {
				*tab = 0;
				value = tab + 1;
			}
			size_t tl = strlen(line);
			if (tl)
				one_turn(&conv, NULL, line, tl, value, line);
		}
		line += n + 1;
	}
	store_batch_rollback(demo->st);
	free(buf);
	return 0;
}
