/* Shared by the in-process benchmarks: a monotonic clock and the question
 * mix drawn from the intent files. */
#ifndef BOTD_BENCHUTIL_H
#define BOTD_BENCHUTIL_H

#include <stddef.h>
#include <stdint.h>

int64_t bench_now_ns(void);

/* Every example of every intent in a directory but agent_request (asking
 * for a human is not a question for the bot) and those of the intents in
 * EXCLUDE, a comma-separated list of ids (may be NULL). */
typedef struct bench_questions {
	char **text; /* owned, each owned */
	size_t n;
} bench_questions;

/* Fills *OUT (caller frees with bench_questions_free); -1 when DIR holds no
 * question. */
int bench_questions_load(const char *dir, const char *exclude, bench_questions *out);
void bench_questions_free(bench_questions *q);

#endif
