/* The bot's dialogue stack (store, intents, answers, dialog, wired by
 * bot/app/wiring.c as for the daemon) on the demo
 * database, for the targets that run whole customer turns (fuzz_dispatch,
 * fuzz_kakao), and the authorisation check they share: a reply never names
 * another member's ad account. Built from demo_stack.c into those targets
 * only (rules.mk). */
#ifndef FUZZ_DEMO_STACK_H
#define FUZZ_DEMO_STACK_H

#include <stdint.h>
#include "answer.h"
#include "dialog.h"
#include "intent.h"
#include "store.h"
#include "wiring.h"

typedef struct demo_stack {
	wiring w;     /* built by wiring.c, as the daemon's */
	store *st;    /* w.st */
	dialog *dlg;  /* w.dlg */
} demo_stack;

/* Builds the stack on a fresh copy of the demo database in a temporary
 * directory named after TARGET; aborts when it cannot (a target without it
 * has nothing to run). Call once, from LLVMFuzzerInitialize.
 * Ownership: the stack and its directory belong to demo_stack.c, which frees
 * and removes them at exit; the target borrows the pointer until then. What
 * the target builds on top (e.g. a kakao handler) must go first: it
 * registers its own atexit() after this call, and atexit runs in reverse. */
demo_stack *demo_stack_open(const char *target);

/* Traps when TEXT names an ad account of the demo cast, by number or by
 * name, that MEMBER (0: nobody) does not belong to, unless INPUT (what the
 * customer sent; may be NULL) names it too: echoing the customer is not a
 * leak. Every argument is borrowed for the call. */
void demo_check_accounts(demo_stack *d, int64_t member, const char *text, const char *input);

#endif
