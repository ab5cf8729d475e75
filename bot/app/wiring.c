#include "wiring.h"

#include <stdio.h>
#include <string.h>

bot_err
wiring_load(const wiring *w, const char *intents_dir, wiring_engines *next, char *err,
            size_t errlen)
{
	char why[512] = "";
	memset(next, 0, sizeof(*next));
	bot_err rc = intent_set_load_dir(intents_dir, &next->set, why, sizeof(why));
	if (rc != BOT_OK) {
		snprintf(err, errlen, "intents: %s", why[0] ? why : "cannot load");
		return rc;
	}
	rc = answer_engine_new(next->set, w->st, &next->ans, why, sizeof(why));
	if (rc != BOT_OK) {
		snprintf(err, errlen, "answers: %s", why);
		wiring_engines_free(next);
	}
	return rc;
}

void
wiring_engines_free(wiring_engines *e)
{
	answer_engine_free(e->ans);
	intent_set_free(e->set);
	memset(e, 0, sizeof(*e));
}

void
wiring_swap(wiring *w, wiring_engines *next)
{
	dialog_set_engines(w->dlg, next->set, next->ans);
	wiring_engines_free(&w->engines);
	w->engines = *next;
	memset(next, 0, sizeof(*next));
}

bot_err
wiring_open(const store_options *so, const char *intents_dir, wiring *w, char *err, size_t errlen)
{
	memset(w, 0, sizeof(*w));
	bot_err rc = store_open(so, &w->st, err, errlen);
	if (rc == BOT_OK)
		rc = wiring_load(w, intents_dir, &w->engines, err, errlen);
	if (rc == BOT_OK &&
	    (rc = dialog_new(w->st, w->engines.set, w->engines.ans, &w->dlg)) != BOT_OK)
		snprintf(err, errlen, "out of memory");
	if (rc != BOT_OK)
		wiring_close(w);
	return rc;
}

void
wiring_close(wiring *w)
{
	dialog_free(w->dlg);
	wiring_engines_free(&w->engines);
	store_close(w->st);
	memset(w, 0, sizeof(*w));
}
