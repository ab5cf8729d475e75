/* Reading one intent file: its rules, "may" weights, patterns, slots and
 * tests, checked against the lexicon (the format is described in intent.c). */
#ifndef BOT_INTENT_FILE_H
#define BOT_INTENT_FILE_H

#include "intent_int.h"

void intent_free(struct intent *it);

/* Loads one file into IT (zeroed by the caller; on failure the caller still
 * calls intent_free on it, which releases whatever was set). */
bot_err intent_file_load(intent_set *set, const char *path, struct intent *it, char *err, size_t errlen);
#endif
