#!/bin/sh
# Golden answers: asks build/botd each question of cases.tsv on a fresh demo
# database with the clock fixed, and compares the reply with expected/<name>.txt.
#   tests/golden/run.sh [BOTD]            compare (exit 1 on any difference)
#   tests/golden/run.sh --update [BOTD]   rewrite the expected files (review the diff!)
set -u
update=0
if [ "${1:-}" = "--update" ]; then update=1; shift; fi
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
botd=${1:-$root/build/botd}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
BOTD_NOW=2026-11-20T03:00:00Z
export BOTD_NOW
db=$tmp/golden.db
cd "$root" || exit 2
# Creates the database once; every case below reads it (ask writes nothing).
"$botd" ask --db "$db" --demo --member 1 "안녕하세요" >/dev/null 2>"$tmp/init.err" || {
	cat "$tmp/init.err" >&2; exit 2; }

pass=0 fail=0
tab=$(printf '\t')
while IFS="$tab" read -r name member account question; do
	case "$name" in ''|'#'*) continue ;; esac
	set -- ask --db "$db" --member "$member"
	[ "$account" != 0 ] && set -- "$@" --account "$account"
	out=$tmp/$name.txt
	if ! "$botd" "$@" "$question" >"$out" 2>"$tmp/$name.err"; then
		echo "FAIL $name: botd exited non-zero" >&2
		sed 's/^/    /' "$tmp/$name.err" >&2
		fail=$((fail + 1))
		continue
	fi
	# A template error turns into a handoff; never accept one as an answer.
	if grep -q "answer for .* failed" "$tmp/$name.err"; then
		echo "FAIL $name: template or query error" >&2
		sed 's/^/    /' "$tmp/$name.err" >&2
		fail=$((fail + 1))
		continue
	fi
	want=$here/expected/$name.txt
	if [ $update = 1 ]; then
		cp "$out" "$want"
		pass=$((pass + 1))
	elif [ -f "$want" ] && cmp -s "$out" "$want"; then
		pass=$((pass + 1))
	else
		echo "FAIL $name" >&2
		if [ -f "$want" ]; then diff -u "$want" "$out" | sed 's/^/    /' >&2
		else echo "    no expected file $want" >&2; fi
		fail=$((fail + 1))
	fi
done <"$here/cases.tsv"
echo "golden: $pass passed, $fail failed"
[ $fail = 0 ]
