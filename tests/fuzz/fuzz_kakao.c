/* libFuzzer: the KakaoTalk skill handler (kakao_handle) with a whole dialogue
 * turn behind it, on the demo database in a temporary file.
 * Input: byte 0 bit 0 set = the request carries the right shared secret,
 * bit 1 set (without bit 0) = a wrong one, else none; the rest is the POST
 * body. Every input runs in one store batch that is rolled back.
 * Properties: the status is one of 200/400/401/413/429/500 and the body is a
 * JSON object; without the right secret it is always 401; a 200 is a
 * SkillResponse (version 2.0, 1..3 outputs, at most 10 quick replies); no
 * response names an ad account of another member than the one the bot user
 * key is linked to (unless the user typed it). */
#include <stdint.h>
#include <string.h>
#include "config.h"
#include "demo_stack.h"
#include "fuzz_common.h"
#include "kakao.h"

static demo_stack *demo;
static kakao *kk;
static config cfg;

static void
cleanup(void)
{
	kakao_free(kk);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	demo = demo_stack_open("fuzz_kakao");
	config_defaults(&cfg);
	snprintf(cfg.kakao_secret, sizeof(cfg.kakao_secret), "fuzz-kakao-secret");
	cfg.rate_limit_messages = 1 << 30;
	cfg.rate_limit_window_s = 1;
	if (kakao_new(&cfg, demo->st, demo->dlg, &kk) != BOT_OK) {
		fprintf(stderr, "fuzz_kakao: setup failed: kakao_new\n");
		abort();
	}
	atexit(cleanup); /* after demo_stack_open's: kk goes before the dialog it borrows */
	return 0;
}

static void
check_response(const kakao_response *r, int authorised, const char *body, size_t len)
{
	if (r->status != 200 && r->status != 400 && r->status != 401 && r->status != 413 &&
	    r->status != 429 && r->status != 500)
		__builtin_trap();
	if (!authorised && r->status != 401)
		__builtin_trap();
	json_t *resp = r->body ? json_loads(r->body, 0, NULL) : NULL;
	if (!json_is_object(resp))
		__builtin_trap();
	if (r->status == 200) {
		json_t *tmpl = json_object_get(resp, "template");
		json_t *outs = json_object_get(tmpl, "outputs");
		json_t *qrs = json_object_get(tmpl, "quickReplies");
		if (strcmp(json_string_value(json_object_get(resp, "version")) ?: "", "2.0") ||
		    !json_is_array(outs) || json_array_size(outs) < 1 ||
		    json_array_size(outs) > 3 || (qrs && json_array_size(qrs) > 10))
			__builtin_trap();
		/* Whose accounts may this response show? */
		json_t *req = json_loadb(body, len, 0, NULL);
		const char *key = json_string_value(
			json_object_get(json_object_get(json_object_get(req, "userRequest"), "user"),
					"id"));
		const char *utt = json_string_value(
			json_object_get(json_object_get(req, "userRequest"), "utterance"));
		int64_t member = 0;
		if (!key || store_kakao_member(demo->st, key, &member) != BOT_OK)
			member = 0;
		demo_check_accounts(demo, member, r->body, utt);
		json_decref(req);
	}
	json_decref(resp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > KAKAO_MAX_BODY + 16)
		return 0;
	const char *secret = (data[0] & 1) ? cfg.kakao_secret : (data[0] & 2) ? "wrong" : NULL;
	const char *body = (const char *)data + 1;
	size_t len = size - 1;
	if (store_batch_begin(demo->st) != BOT_OK)
		abort();
	kakao_response r;
	bot_err rc = kakao_handle(kk, secret, body, len, FUZZ_NOW, &r);
	if (rc != BOT_OK)
		__builtin_trap();
	check_response(&r, secret == cfg.kakao_secret, body, len);
	kakao_response_clear(&r);
	store_batch_rollback(demo->st);
	return 0;
}
