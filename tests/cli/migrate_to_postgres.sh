#!/usr/bin/env bash
# coproduce migrate --from sqlite:PATH --to postgresql://...: the demo installation moves to
# PostgreSQL, every table matches, the moved installation serves, and a second copy into the
# same database is refused without changing it.
# Usage: tests/cli/migrate_to_postgres.sh BUILD_DIR   (needs the test PostgreSQL server, as
# ctest's migrate_to_postgres sets it up)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: migrate_to_postgres.sh BUILD_DIR}" && pwd)
server=${COPRODUCE_TEST_POSTGRES:-$(head -1 "${COPRODUCE_TEST_POSTGRES_FILE:-/dev/null}" 2>/dev/null || true)}
[[ -n "$server" ]] || { echo "migrate_to_postgres: no test PostgreSQL server" >&2; exit 1; }
export COPRODUCE_RESOURCES="$root"
work=$(mktemp -d)
database="moved_$$"
pid=""
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  psql "$server" -qc "DROP DATABASE IF EXISTS $database" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "migrate_to_postgres: $*" >&2; exit 1; }

"$build/coproduce" demo --data "$work" >/dev/null
psql "$server" -qc "CREATE DATABASE $database" >/dev/null
address="${server%/*}/$database"

"$build/coproduce" migrate --from "sqlite:$work/coproduce.sqlite3" --to "$address" >"$work/out" ||
  { cat "$work/out"; fail "the copy failed"; }
grep -q "^All [0-9]* tables match" "$work/out" || { cat "$work/out"; fail "no match reported"; }
grep -q "people: 4[0-9] row(s)" "$work/out" || { cat "$work/out"; fail "the demo's people were not counted"; }
grep -q "DIFFERENT" "$work/out" && fail "a table differs"

# The moved installation serves the demo partnership.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$build/coproduce" serve --data "$work" --database "$address" --port "$port" --quiet >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.2; done
curl -fs "http://127.0.0.1:$port/p/riverside" | grep -q "Riverside and Hills Partnership" ||
  fail "the moved installation does not serve the demo"

# A second copy would double every row: refused (exit 3), and the database is unchanged.
before=$(psql "$address" -tAc "SELECT COUNT(*) FROM people")
set +e
"$build/coproduce" migrate --from "sqlite:$work/coproduce.sqlite3" --to "$address" >"$work/again" 2>&1
status=$?
set -e
[[ $status -eq 3 ]] || { cat "$work/again"; fail "a second copy exited $status, not 3"; }
grep -q "already has rows" "$work/again" || { cat "$work/again"; fail "no clear sentence"; }
[[ $(psql "$address" -tAc "SELECT COUNT(*) FROM people") == "$before" ]] || fail "rows changed"

# A missing source is a clear error too.
set +e
"$build/coproduce" migrate --from "sqlite:$work/nothing.sqlite3" --to "$address" >/dev/null 2>"$work/missing"
status=$?
set -e
[[ $status -eq 3 ]] && grep -q "There is no SQLite database" "$work/missing" || fail "a missing source was not refused clearly"
echo "migrate_to_postgres: the demo moved to PostgreSQL; $(grep -c 'the same in PostgreSQL' "$work/out") tables match"
