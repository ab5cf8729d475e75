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
#include <unistd.h>
#include "answer.h"
#include "config.h"
#include "dialog.h"
#include "fuzz_common.h"
#include "intent.h"
#include "kakao.h"
#include "store.h"

static store *st;
static intent_set *set;
static answer_engine *ans;
static dialog *dlg;
static kakao *kk;
static config cfg;
static char dbdir[] = "/tmp/botd-fuzz-kakao-XXXXXX";

static const struct {
	int64_t id;
	const char *no, *name;
} accounts[] = {
	{101, "3015827", "민준상회"}, {102, "3022914", "서연뷰티"},
	{103, "3031006", "지훈테크"}, {104, "3031187", "지훈테크 부산점"},
	{105, "3047730", "유나플라워"}, {106, "3052291", "도윤스튜디오"},
	{107, "3068402", "지민커머스"}, {108, "3071559", "하늘푸드"},
};

static void
cleanup(void)
{
	kakao_free(kk);
	dialog_free(dlg);
	answer_engine_free(ans);
	intent_set_free(set);
	store_close(st);
	char p[160];
	const char *sfx[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s/fuzz.db%s", dbdir, sfx[i]);
		unlink(p);
	}
	rmdir(dbdir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	char err[512] = "", path[160];
	if (!mkdtemp(dbdir))
		abort();
	snprintf(path, sizeof(path), "%s/fuzz.db", dbdir);
	config_defaults(&cfg);
	snprintf(cfg.kakao_secret, sizeof(cfg.kakao_secret), "fuzz-kakao-secret");
	cfg.rate_limit_messages = 1 << 30;
	cfg.rate_limit_window_s = 1;
	store_options so = {.path = path, .load_demo = 1};
	if (store_open(&so, &st, err, sizeof(err)) != BOT_OK ||
	    intent_set_load_dir(fuzz_intents_dir(), &set, err, sizeof(err)) != BOT_OK ||
	    answer_engine_new(set, st, &ans, err, sizeof(err)) != BOT_OK ||
	    dialog_new(st, set, ans, &dlg) != BOT_OK || kakao_new(&cfg, st, dlg, &kk) != BOT_OK) {
		fprintf(stderr, "fuzz_kakao: setup failed: %s\n", err);
		abort();
	}
	atexit(cleanup);
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
		if (!key || store_kakao_member(st, key, &member) != BOT_OK)
			member = 0;
		for (size_t k = 0; k < sizeof(accounts) / sizeof(accounts[0]); k++) {
			if (member && store_member_can_see(st, member, accounts[k].id) == BOT_OK)
				continue;
			if ((strstr(r->body, accounts[k].no) && !(utt && strstr(utt, accounts[k].no))) ||
			    (strstr(r->body, accounts[k].name) &&
			     !(utt && strstr(utt, accounts[k].name)))) {
				fprintf(stderr, "member %lld (key %s) sees account %lld: %s\n",
					(long long)member, key, (long long)accounts[k].id, r->body);
				__builtin_trap();
			}
		}
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
	if (store_batch_begin(st) != BOT_OK)
		abort();
	kakao_response r;
	bot_err rc = kakao_handle(kk, secret, body, len, FUZZ_NOW, &r);
	if (rc != BOT_OK)
		__builtin_trap();
	check_response(&r, secret == cfg.kakao_secret, body, len);
	kakao_response_clear(&r);
	store_batch_rollback(st);
	return 0;
}
