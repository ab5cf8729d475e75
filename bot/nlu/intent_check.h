/* The self check behind `botd check`: every example and near miss of every
 * intent classified, and a failing one explained. */
#ifndef BOT_INTENT_CHECK_H
#define BOT_INTENT_CHECK_H

#include <time.h>
#include "intent.h"

/* Runs every example and near-miss of every intent; prints each failure to
 * stderr with what the engine saw (the concepts found, and the rule of the
 * expected intent that came nearest) and returns the number of failures. */
int intent_self_check(const intent_set *set, time_t now);

#endif
