/* The bot on a fresh demo database in a temporary directory, wired as the
 * daemon wires it (bot/app/wiring.c), for the unit tests of the modules
 * above the store (dialog, handoff, the endpoints). The intents come from
 * BOTD_INTENTS, or intents/ when the test runs from the repository root.
 * Include after cmocka.h. */
#ifndef TEST_DEMO_BOT_H
#define TEST_DEMO_BOT_H

#include <stdio.h>
#include <stdlib.h>

#include "clock.h"
#include "log.h"
#include "unit_helpers.h"
#include "wiring.h"

typedef struct demo_bot {
	char dir[64];
	char db[128];
	wiring w;
} demo_bot;

/* 0, or -1 with the reason on stderr. NAME names the directory. The clock
 * is fixed at NOW and the log keeps to errors. */
static inline int
demo_bot_open(demo_bot *b, const char *name, time_t now)
{
	clock_set_fixed(now);
	log_set_level(LOG_ERROR);
	snprintf(b->dir, sizeof(b->dir), "/tmp/%s.XXXXXX", name);
	if (!mkdtemp(b->dir))
		return -1;
	snprintf(b->db, sizeof(b->db), "%s/botd.db", b->dir);
	char err[512];
	store_options so = {.path = b->db, .load_demo = 1};
	const char *dir = getenv("BOTD_INTENTS") ? getenv("BOTD_INTENTS") : "intents";
	if (wiring_open(&so, dir, &b->w, err, sizeof(err)) != BOT_OK) {
		fprintf(stderr, "%s (run from the repository root): %s\n", name, err);
		return -1;
	}
	return 0;
}

static inline void
demo_bot_close(demo_bot *b)
{
	wiring_close(&b->w);
	remove_db(b->db);
	rmdir(b->dir);
	clock_set_fixed(0);
}

#endif
