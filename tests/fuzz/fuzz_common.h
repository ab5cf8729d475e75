/* Shared bits of the libFuzzer targets: where the repository is (intents/),
 * a fixed clock, quiet logs. Each target is one file with
 * LLVMFuzzerTestOneInput; see tests/fuzz/README.md. */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "clock.h"
#include "log.h"

/* 2026-11-20T03:00:00Z, the e2e suites' fixed "now" (a Friday noon in Seoul). */
#define FUZZ_NOW ((time_t)1795143600)

/* The intents directory: $BOTD_INTENTS, else intents/ relative to the working
 * directory (make runs from the repository root), else ../../intents. */
static inline const char *
fuzz_intents_dir(void)
{
	const char *e = getenv("BOTD_INTENTS");
	if (e && *e)
		return e;
	FILE *f = fopen("intents/agent_request.json", "r");
	if (f) {
		fclose(f);
		return "intents";
	}
	return "../../intents";
}

static inline void
fuzz_quiet(void)
{
	log_set_level(LOG_ERROR);
	clock_set_fixed(FUZZ_NOW);
}

#endif
