#!/bin/sh
# Writes, on stdout, a C file holding the SQL botd embeds: the schema, the
# demo cast and the migrations (data/migrations/NNN-*.sql, in name order), so
# the binary creates databases without looking for data/ at run time.
set -eu
dir=$(dirname "$0")

emit() { # C-name file: the file's bytes as a NUL-terminated char array
	printf 'const char %s[] = {' "$1"
	od -An -v -tx1 "$2" | awk '{ for (i = 1; i <= NF; i++) printf "0x%s,", $i; print "" }'
	printf '0};\n'
}

emit embedded_schema_sql "$dir/schema.sql"
emit embedded_demo_sql "$dir/demo.sql"
n=0
for f in $(ls "$dir"/migrations/*.sql 2>/dev/null | sort); do
	emit "embedded_migration_$n" "$f"
	n=$((n + 1))
done
printf 'const char *const embedded_migrations[] = {'
i=0
while [ $i -lt $n ]; do printf 'embedded_migration_%d, ' $i; i=$((i + 1)); done
printf '0};\nconst int embedded_migration_count = %d;\n' $n
