#!/bin/sh
# Fails when any valgrind log in $1 reports an error or a definite leak.
# With --quiet a clean process writes nothing; a process that exited with
# errors ends with "ERROR SUMMARY: N errors" (N > 0).
dir=${1:?log dir}
n=0 bad=0
for f in "$dir"/vg.*.log; do
	[ -e "$f" ] || continue
	n=$((n + 1))
	if grep -qE 'ERROR SUMMARY: [1-9]|Invalid (read|write|free)|uninitialised|Mismatched free|overlap|are definitely lost|definitely lost: [1-9]|Syscall param|Jump to the invalid|Process terminating' "$f"; then
		echo "---- $f"; head -80 "$f"; bad=$((bad + 1))
	fi
done
echo "valgrind-e2e: $n processes, $bad with errors or definite leaks"
[ "$n" -gt 0 ] || { echo "valgrind-e2e: no valgrind logs: did the wrapper run?"; exit 1; }
[ "$bad" -eq 0 ]
