/* Filling the slots of a hit from the concepts and "find" patterns of its
 * window. */
#ifndef BOT_INTENT_SLOTS_H
#define BOT_INTENT_SLOTS_H

#include "intent_int.h"

/* Fills IT's slots, looking first in the hit's window, then in its
 * sentence, then in the whole message. */
void intent_fill_slots(const intent_set *set, struct scratch *s, const struct intent *it, const lex_text *t, size_t ws, size_t we, size_t sent, time_t now, json_t *slots, json_t *words);
#endif
