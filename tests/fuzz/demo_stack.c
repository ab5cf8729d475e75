#include "demo_stack.h"

#include <string.h>
#include <unistd.h>
#include "fuzz_common.h"

static demo_stack stack;
static char dbdir[96];

/* The demo cast's ad accounts (data/demo.sql). */
static const struct {
	int64_t id;
	const char *no, *name;
} accounts[] = {
	{101, "3015827", "민준상회"}, {102, "3022914", "서연뷰티"},
	{103, "3031006", "지훈테크"}, {104, "3031187", "지훈테크 부산점"},
	{105, "3047730", "유나플라워"}, {106, "3052291", "도윤스튜디오"},
	{107, "3068402", "지민커머스"}, {108, "3071559", "하늘푸드"},
};

/* In the reverse order of building: the dialog borrows the rest, and the
 * store writes its files until it is closed. */
static void
demo_stack_close(void)
{
	wiring_close(&stack.w);
	char p[160];
	const char *sfx[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s/fuzz.db%s", dbdir, sfx[i]);
		unlink(p);
	}
	rmdir(dbdir);
}

demo_stack *
demo_stack_open(const char *target)
{
	char err[512] = "", path[160];
	snprintf(dbdir, sizeof(dbdir), "/tmp/botd-%s-XXXXXX", target);
	if (!mkdtemp(dbdir))
		abort();
	snprintf(path, sizeof(path), "%s/fuzz.db", dbdir);
	store_options so = {.path = path, .load_demo = 1};
	if (wiring_open(&so, fuzz_intents_dir(), &stack.w, err, sizeof(err)) != BOT_OK) {
		fprintf(stderr, "%s: setup failed: %s\n", target, err);
		abort();
	}
	stack.st = stack.w.st;
	stack.dlg = stack.w.dlg;
	atexit(demo_stack_close);
	return &stack;
}

void
demo_check_accounts(demo_stack *d, int64_t member, const char *text, const char *input)
{
	for (size_t k = 0; k < sizeof(accounts) / sizeof(accounts[0]); k++) {
		if (member && store_member_can_see(d->st, member, accounts[k].id) == BOT_OK)
			continue;
		if ((strstr(text, accounts[k].no) && !(input && strstr(input, accounts[k].no))) ||
		    (strstr(text, accounts[k].name) &&
		     !(input && strstr(input, accounts[k].name)))) {
			fprintf(stderr, "member %lld sees account %lld in: %s\n", (long long)member,
				(long long)accounts[k].id, text);
			__builtin_trap();
		}
	}
}
