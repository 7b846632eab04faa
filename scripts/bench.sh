#!/usr/bin/env bash
# The HTTP benchmark: drives the release server from separate processes (wrk), on SQLite and
# (when it answers) PostgreSQL, with Debian's nginx as the receiver of every webhook, and
# prints one table. Usage: scripts/bench.sh [seconds per load, default 10]
#
#   pages      GET /login over 32 kept-alive connections, and over one (the keep-alive stall)
#   contacts   POST /api/contacts (bearer token, a new e-mail each) over 32 connections; every
#              contact.created event is then delivered to nginx, and the drain is timed
#
# Set BENCH_POSTGRES_URL (default: the local server) or BENCH_SKIP_POSTGRES=1.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-10}"
for tool in wrk nginx; do
  command -v "$tool" >/dev/null || { echo "[bench] installing $tool (Debian)"; DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$tool" >/dev/null; }
done
bash scripts/build.sh >/dev/null
source scripts/env.sh
WORK=$(mktemp -d /tmp/connectgain-bench-XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The receiver: answers every webhook 200 at once; it also plays Appgain's signup webhook.
RPORT=$(free_port)
mkdir -p "$WORK/nginx"
cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx;
  server {
    listen 127.0.0.1:$RPORT;
    location = /appgain { default_type application/json; return 200 '{"suitId":"bench","apiKey":"bench-appgain-key-0123456789abcdef"}'; }
    location / { return 200 'ok'; }
  }
}
CONF
nginx -c "$WORK/nginx.conf" -p "$WORK/nginx"

cat > "$WORK/contacts.lua" <<'LUA'
-- A new contact per request: the e-mail carries the thread and a counter, so none repeats.
local counter, thread_id = 0, 0
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
function init(args) thread_id = tid end
function request()
  counter = counter + 1
  local body = string.format('{"first_name":"Bench","email":"b%d-%d-%d@example.com"}', os.time(), thread_id, counter)
  return wrk.format("POST", "/api/contacts", { ["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN"),
    ["Content-Type"] = "application/json" }, body)
end
LUA

# `wrk --latency` → "requests/s p50 p99 non-2xx answered-2xx".
wrk_figures() {
  awk '/requests in/ {n=$1} /Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$NF}
       END {printf "%s %s %s %s %s\n", rps, p50, p99, bad+0, n-bad}'
}

# The subscription's successful deliveries so far.
delivered() {
  curl -fs "$1/api/v1/webhooks/$2/stats" -H "authorization: Bearer $BENCH_TOKEN" | python3 -c 'import json,sys; print(json.load(sys.stdin)["succeeded"])'
}

rows=()
run_backend() {
  local name=$1 url=$2
  local port data log
  port=$(free_port); data="$WORK/data-$name"; log="$WORK/server-$name.log"; mkdir -p "$data"
  env LEPTOS_SITE_ADDR="127.0.0.1:$port" CONNECTGAIN_DATA_DIR="$data" ${url:+DATABASE_URL="$url"} \
    CONNECTGAIN_ALLOW_PRIVATE_TARGETS=true CONNECTGAIN_SIGNUP_LIMIT=1000/h \
    APPGAIN_SIGNUP_WEBHOOK_URL="http://127.0.0.1:$RPORT/appgain" RUST_LOG=warn \
    "$CONNECTGAIN_BIN" > "$log" 2>&1 &
  local pid=$! base="http://127.0.0.1:$port"
  for _ in $(seq 1 600); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.1; done
  curl -fs "$base/healthz" >/dev/null || { echo "[bench] the server did not start:"; cat "$log"; exit 1; }

  local email="bench-$RANDOM$RANDOM@example.com"
  curl -fs -X POST "$base/api/v1/auth/signup" -H 'content-type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"bench password 1\",\"organization_name\":\"Bench\"}" >/dev/null
  export BENCH_TOKEN
  BENCH_TOKEN=$(curl -fs -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"bench password 1\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  local sub
  sub=$(curl -fs -X POST "$base/api/v1/webhooks" -H "authorization: Bearer $BENCH_TOKEN" -H 'content-type: application/json' \
    -d "{\"name\":\"nginx\",\"url\":\"http://127.0.0.1:$RPORT/hook\",\"events\":[\"*\"]}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

  local rps p50 p99 bad ok
  read -r rps p50 p99 bad ok < <(wrk -t2 -c32 -d"${SECS}s" --latency "$base/login" | wrk_figures)
  rows+=("$name|GET /login, 32 connections|$rps|$p50|$p99|$bad")
  read -r rps p50 p99 bad ok < <(wrk -t1 -c1 -d"${SECS}s" --latency "$base/login" | wrk_figures)
  rows+=("$name|GET /login, 1 connection|$rps|$p50|$p99|$bad")
  read -r rps p50 p99 bad ok < <(wrk -t1 -c1 -d"${SECS}s" --latency "$base/healthz" | wrk_figures)
  rows+=("$name|GET /healthz, 1 connection|$rps|$p50|$p99|$bad")

  read -r rps p50 p99 bad ok < <(wrk -t2 -c32 -d"${SECS}s" --latency -s "$WORK/contacts.lua" "$base" | wrk_figures)
  rows+=("$name|POST /api/contacts, 32 connections|$rps|$p50|$p99|$bad")
  # Each answered contact's event reaches nginx: wait until the deliveries stop growing with
  # at least one per answered request (a request wrk dropped unanswered may count too).
  local start now last=-1 last_change n
  start=$(date +%s%N); last_change=$start
  while :; do
    n=$(delivered "$base" "$sub" || echo "$last"); now=$(date +%s%N)
    if [ "$n" != "$last" ]; then last=$n; last_change=$now; fi
    if [ "$n" -ge "$ok" ] && (( now - last_change > 2000000000 )); then break; fi
    if (( now - start > 300000000000 )); then echo "[bench] $name: deliveries stopped at $n of $ok"; break; fi
    sleep 0.2
  done
  rows+=("$name|contact.created delivered to nginx after the load|$last of $ok answered, the last $(( (last_change - start) / 1000000 )) ms after the load|||")
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

run_backend sqlite ""
PG="${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if [ -z "${BENCH_SKIP_POSTGRES:-}" ] && psql "$PG" -qAtc 'select 1' >/dev/null 2>&1; then
  db="connectgain_bench_$$"
  psql "$PG" -qc "CREATE DATABASE $db" >/dev/null
  run_backend postgres "${PG%/*}/$db"
  psql "$PG" -qc "DROP DATABASE $db WITH (FORCE)" >/dev/null
else
  echo "[bench] PostgreSQL skipped (it did not answer at ${PG%%\?*})"
fi

printf '\n| backend | load (%s s each, wrk) | requests/s | p50 | p99 | non-2xx |\n|---|---|---|---|---|---|\n' "$SECS"
for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
