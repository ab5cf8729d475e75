#!/bin/sh
# Runs botd under valgrind memcheck for tests/fuzz/rules.mk valgrind-e2e:
# BOTD points here; VG_BOTD is the real binary, VG_LOG_DIR gets one log per
# process. Definite leaks count as errors; exec keeps the pid, so the test's
# signals (SIGTERM, SIGKILL) reach valgrind and the daemon.
# PCRE2's JIT code is opaque to memcheck (false "uninitialised" reports):
# patterns run interpreted under valgrind; ASan and the fuzzers cover the JIT.
BOTD_NO_JIT=1
export BOTD_NO_JIT
exec valgrind --tool=memcheck --quiet --error-exitcode=99 --leak-check=full \
	--show-leak-kinds=definite --errors-for-leak-kinds=definite \
	--track-origins=no --num-callers=30 \
	--suppressions="$(dirname "$0")/valgrind.supp" \
	--log-file="${VG_LOG_DIR:-/tmp}/vg.%p.log" \
	"${VG_BOTD:?VG_BOTD must name the botd binary}" "$@"
