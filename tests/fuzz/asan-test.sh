#!/bin/sh
# make asan-test: runs the ASan+UBSan unit tests given as arguments, then the
# whole e2e suite against $ASAN_BOTD. Reports go to files in a fresh log dir
# (a daemon's stderr is only seen by the test that started it, and two runs
# at once must not share one), and any report file fails the run even when
# every test passed. Kept on failure, removed on success.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
botd=${ASAN_BOTD:?ASAN_BOTD must name the sanitizer build of botd}
logs=$(mktemp -d "$(dirname "$botd")/logs.XXXXXX")
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=1:fast_unwind_on_malloc=0:log_path=$logs/asan"
export LSAN_OPTIONS="suppressions=$root/tests/fuzz/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$logs/ubsan"

reports() {
	found=0
	for f in "$logs"/asan.* "$logs"/ubsan.*; do
		[ -e "$f" ] || continue
		found=1
		echo "---- $f"
		head -60 "$f"
	done
	return $found
}

for t in "$@"; do
	echo "== asan $t"
	if ! "$t" >"$logs/out.$(basename "$t")" 2>&1; then
		cat "$logs/out.$(basename "$t")"
		reports
		echo "asan-test: $t failed (logs in $logs)"
		exit 1
	fi
done

echo "== asan e2e (whole suite), reports in $logs"
cd "$root/tests" || exit 1
BOTD=$botd timeout 1800 node --test --test-concurrency=1 e2e/ >"$logs/e2e.out" 2>&1
rc=$?
grep -E '^# (tests|pass|fail|cancelled|skipped|todo)' "$logs/e2e.out"
if [ $rc -ne 0 ]; then
	grep -B2 -A25 '^ *not ok' "$logs/e2e.out" | grep -v '# TODO' | head -150
	reports
	echo "asan-test: e2e failed under ASan+UBSan (full output: $logs/e2e.out)"
	exit 1
fi
if ! reports; then
	echo "asan-test: sanitizer reports above (logs in $logs)"
	exit 1
fi
echo "asan-test: no sanitizer reports"
rm -rf "$logs"
