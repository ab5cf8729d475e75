/* The one place the bot is put together: the store, the intents read from
 * their directory, the answers prepared on the store, and the dialog on top
 * (store -> intents -> answers -> dialog); and the one place the intents
 * and answers are read again (SIGHUP). `botd serve`, `botd ask`, the fuzz
 * targets and the benchmarks all build it here. */
#ifndef BOT_WIRING_H
#define BOT_WIRING_H

#include <stddef.h>

#include "answer.h"
#include "dialog.h"
#include "err.h"
#include "intent.h"
#include "store.h"

/* The parts that a reload replaces. */
typedef struct wiring_engines {
	intent_set *set;
	answer_engine *ans;
} wiring_engines;

/* Everything, owned by the wiring. */
typedef struct wiring {
	store *st;
	wiring_engines engines;
	dialog *dlg;
} wiring;

/* Opens the store (SO, borrowed), loads INTENTS_DIR and prepares the
 * answers and the dialog into *W (zeroed first). On failure *W holds
 * nothing and ERR says why: the store's own reason, or "intents: ..." or
 * "answers: ...". */
bot_err wiring_open(const store_options *so, const char *intents_dir, wiring *w, char *err,
                    size_t errlen);
void wiring_close(wiring *w);

/* Reads INTENTS_DIR again and prepares its answers on W's store, aside, into
 * *NEXT (nothing of W changes); ERR as for wiring_open(). */
bot_err wiring_load(const wiring *w, const char *intents_dir, wiring_engines *next, char *err,
                    size_t errlen);
/* Puts NEXT (taken over) in the dialog and frees the engines it replaces. */
void wiring_swap(wiring *w, wiring_engines *next);
void wiring_engines_free(wiring_engines *e);

#endif
