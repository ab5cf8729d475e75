#!/bin/sh
# Golden answers: asks build/botd each question of cases.tsv on a fresh demo
# database with the clock fixed, compares the reply with expected/<name>.txt,
# and checks every reply with lint.py (headings, paths, date style, advice
# against the facts shown). Before that, the data the answers read must be
# sound: demo_checks.sql on the demo cast and on a small gen-data database,
# and the card migration (schema 5) must turn a refused try into no payment.
# Last, `botd ask` must refuse ids the database does not hold.
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
bad() { echo "FAIL $*" >&2; fail=$((fail + 1)); }

# ---- the data the answers read ----
for src in demo gen; do
	check_db=$db
	if [ $src = gen ]; then
		check_db=$tmp/gen.db
		"$botd" gen-data --accounts 3000 --out "$check_db" --now "$BOTD_NOW" \
			>/dev/null 2>"$tmp/gen.err" || { bad "gen-data"; sed 's/^/    /' "$tmp/gen.err" >&2; continue; }
	fi
	sqlite3 -readonly "$check_db" <"$here/demo_checks.sql" >"$tmp/checks.out" 2>&1
	if [ -s "$tmp/checks.out" ]; then
		bad "$src data: demo_checks.sql"
		head -20 "$tmp/checks.out" | sed 's/^/    /' >&2
	else
		pass=$((pass + 1))
	fi
done

# Schema 5 on a version-4 file: a card whose stored use is a refused try
# gets its last paid charge (or none), a stored time with no records stays.
v4=$tmp/v4.db
{
	cat data/schema.sql
	for f in data/migrations/002-*.sql data/migrations/003-*.sql data/migrations/004-*.sql; do cat "$f"; done
	cat <<'EOF'
INSERT INTO schema_version VALUES (1, '2026-01-01 00:00:00'), (2, '2026-01-01 00:00:00'),
	(3, '2026-01-01 00:00:00'), (4, '2026-01-01 00:00:00');
INSERT INTO members (id, name, created_at) VALUES (1, 'a', '2026-01-01 00:00:00');
INSERT INTO ad_accounts (id, account_no, name, created_at) VALUES (1, '1000001', 'a', '2026-01-01 00:00:00');
INSERT INTO payment_cards (id, account_id, slot, issuer, last4, kind, last_used_at) VALUES
	(1, 1, 0, 'x', '0001', 'personal', '2026-11-19 03:00:00'),
	(2, 1, 1, 'x', '0002', 'personal', '2026-11-19 03:00:00'),
	(3, 1, 2, 'x', '0003', 'personal', '2026-05-01 00:00:00');
INSERT INTO autopay_attempts (account_id, card_id, run_at, amount, result) VALUES
	(1, 1, '2026-10-20 03:00:00', 1000, 'success'),
	(1, 1, '2026-11-19 03:00:00', 1000, 'declined'),
	(1, 2, '2026-11-19 03:00:00', 1000, 'declined');
EOF
} | sqlite3 "$v4" 2>"$tmp/v4.err" || { bad "building a version-4 database"; cat "$tmp/v4.err" >&2; }
"$botd" ask --db "$v4" --member 1 "안녕하세요" >/dev/null 2>"$tmp/v4.err" || {
	bad "migrating a version-4 database"; sed 's/^/    /' "$tmp/v4.err" >&2; }
got=$(sqlite3 "$v4" "SELECT group_concat(id || '=' || COALESCE(last_paid_at, 'none'), ' ') FROM (SELECT id, last_paid_at FROM payment_cards ORDER BY id)")
want="1=2026-10-20 03:00:00 2=none 3=2026-05-01 00:00:00"
if [ "$got" = "$want" ]; then pass=$((pass + 1)); else
	bad "migration 5: last_paid_at is '$got', want '$want'"; fi

# ---- the replies ----
tab=$(printf '\t')
outs=
while IFS="$tab" read -r name member account question; do
	case "$name" in ''|'#'*) continue ;; esac
	set -- ask --db "$db" --member "$member"
	[ "$account" != 0 ] && set -- "$@" --account "$account"
	out=$tmp/$name.txt
	if ! "$botd" "$@" "$question" >"$out" 2>"$tmp/$name.err"; then
		bad "$name: botd exited non-zero"
		sed 's/^/    /' "$tmp/$name.err" >&2
		continue
	fi
	# A template error turns into a handoff; never accept one as an answer.
	if grep -q "answer for .* failed" "$tmp/$name.err"; then
		bad "$name: template or query error"
		sed 's/^/    /' "$tmp/$name.err" >&2
		continue
	fi
	outs="$outs $out"
	want=$here/expected/$name.txt
	if [ $update = 1 ]; then
		cp "$out" "$want"
		pass=$((pass + 1))
	elif [ -f "$want" ] && cmp -s "$out" "$want"; then
		pass=$((pass + 1))
	else
		bad "$name"
		if [ -f "$want" ]; then diff -u "$want" "$out" | sed 's/^/    /' >&2
		else echo "    no expected file $want" >&2; fi
	fi
done <"$here/cases.tsv"
# shellcheck disable=SC2086 # one word per reply file
if python3 "$here/lint.py" "$BOTD_NOW" $outs >"$tmp/lint.out" 2>&1; then
	pass=$((pass + 1))
else
	bad "lint.py"
	sed 's/^/    /' "$tmp/lint.out" >&2
fi

# ---- ids the database does not hold ----
for args in "--member 999" "--member 1 --account 999"; do
	id=${args##* }
	# shellcheck disable=SC2086 # the options split on purpose
	"$botd" ask --db "$db" $args "안녕하세요" >"$tmp/id.out" 2>"$tmp/id.err"
	rc=$?
	if [ $rc = 1 ] && grep -q " $id does not exist" "$tmp/id.err" && [ ! -s "$tmp/id.out" ]; then
		pass=$((pass + 1))
	else
		bad "ask $args: exit $rc, stderr: $(cat "$tmp/id.err")"
	fi
done

echo "golden: $pass passed, $fail failed"
[ $fail = 0 ]
