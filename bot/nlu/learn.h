/* A second opinion learned from the intent files' examples: a character
 * n-gram linear model (multinomial logistic regression), trained at load.
 * It never decides an intent; the engine only uses it to ask "did you
 * mean ...?" when its rules found nothing. */
#ifndef BOT_LEARN_H
#define BOT_LEARN_H

#include <stddef.h>
#include "err.h"

typedef struct learn_model learn_model;

typedef struct learn_doc {
	const char *text; /* normalised text (normalize_text), borrowed */
	size_t len;
	int label; /* 0 .. n_classes-1 */
} learn_doc;

/* Trains on N documents. Deterministic: the same documents give the same
 * model. Caller owns *OUT (learn_free). */
bot_err learn_train(const learn_doc *docs, size_t n, int n_classes, learn_model **out);
void learn_free(learn_model *m);

/* The probability of each class for normalised TEXT, into P (n_classes). */
void learn_predict(const learn_model *m, const char *text, size_t len, double *p);

#endif
