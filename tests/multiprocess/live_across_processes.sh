#!/usr/bin/env bash
# Two `coproduce serve` processes on one PostgreSQL database, behind nginx with the proxy rules
# of deploy/nginx/coproduce-proxy.conf: a ballot cast through one process appears live on the
# results page served by the other, and on the page served through nginx; an answer in the
# demo conversation moves its live map on the other process and through nginx.
# Usage: tests/multiprocess/live_across_processes.sh BUILD_DIR
# Needs the test PostgreSQL server (COPRODUCE_TEST_POSTGRES, or COPRODUCE_TEST_POSTGRES_FILE as
# ctest sets it), nginx and node. ctest runs it as multiprocess_live_results.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: live_across_processes.sh BUILD_DIR}" && pwd)
server=${COPRODUCE_TEST_POSTGRES:-}
if [[ -z "$server" && -n "${COPRODUCE_TEST_POSTGRES_FILE:-}" ]]; then
  server=$(head -1 "$COPRODUCE_TEST_POSTGRES_FILE")
fi
if [[ -z "$server" ]]; then
  echo "live_across_processes: no test PostgreSQL server; run it through ctest or scripts/test-postgres run" >&2
  exit 1
fi

work=$(mktemp -d)
database="live_$$"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ -f "$work/nginx.pid" ]]; then kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  psql "$server" -qc "DROP DATABASE IF EXISTS $database" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
wait_for() {  # URL: up to 20 s for it to answer
  for _ in $(seq 1 100); do
    if curl -fs -o /dev/null "$1"; then return 0; fi
    sleep 0.2
  done
  echo "live_across_processes: $1 did not answer; logs in $work" >&2
  cat "$work"/*.log >&2 || true
  exit 1
}

psql "$server" -qc "CREATE DATABASE $database" >/dev/null
address="${server%/*}/$database"
# The demo, three signed-in voters and an open approval vote with live results.
read -r vote _ < <("$build/bench/forum_setup" "$work" 3 0 "$address")
token=$(head -1 "$work/tokens.txt")

port_a=$(free_port)
port_b=$(free_port)
port_nginx=$(free_port)
export COPRODUCE_RESOURCES="$root"
# Both processes share the data folder, so they share the ballot secret as a real pair would.
"$build/coproduce" serve --data "$work" --database "$address" --port "$port_a" --quiet \
  >"$work/a.log" 2>&1 &
pids+=($!)
"$build/coproduce" serve --data "$work" --database "$address" --port "$port_b" --quiet \
  >"$work/b.log" 2>&1 &
pids+=($!)

mkdir -p "$work/nginx-temp"
cat >"$work/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $work/nginx-temp/body;
  proxy_temp_path $work/nginx-temp/proxy;
  fastcgi_temp_path $work/nginx-temp/fastcgi;
  uwsgi_temp_path $work/nginx-temp/uwsgi;
  scgi_temp_path $work/nginx-temp/scgi;
  upstream coproduce {
    server 127.0.0.1:$port_a;
    server 127.0.0.1:$port_b;
    keepalive 8;
  }
  server {
    listen 127.0.0.1:$port_nginx;
    include $root/deploy/nginx/coproduce-proxy.conf;
  }
}
EOF
nginx -p "$work" -c "$work/nginx.conf" -e "$work/nginx-error.log"

wait_for "http://127.0.0.1:$port_a/healthz"
wait_for "http://127.0.0.1:$port_b/healthz"
wait_for "http://127.0.0.1:$port_nginx/healthz"

node "$root/tests/multiprocess/live_across_processes.mjs" \
  "http://127.0.0.1:$port_a" "http://127.0.0.1:$port_b" "http://127.0.0.1:$port_nginx" \
  "$vote" "$token"
