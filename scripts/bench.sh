#!/usr/bin/env bash
# The HTTP benchmark: drives the release server from separate processes (wrk), on SQLite and
# (when it answers) PostgreSQL, with Debian's nginx as the receiver of every webhook, and
# prints one table. Usage: scripts/bench.sh [seconds per load, default 10] [end-to-end seconds, default 60]
#
#   pages          GET /login over 32 kept-alive connections, and over one
#   end to end     POST /api/contacts at full speed over 32 connections; every contact.created
#                  is delivered to nginx, which logs each receipt's time and webhook-id (a
#                  time-ordered id made when the event committed): delivered/s, duplicates,
#                  and the commit-to-receipt lag percentiles
#   CRM writes     contacts created and updated, deals created and moved between stages,
#                  conversations created, messages recorded: each request answered after its
#                  commit, with its event and delivery
#   leads          lead.captured posted to the inbound endpoint while the worker upserts a
#                  contact per lead: accepted/s, upserted/s during the load, and how long the
#                  backlog lasts after it
#
# Set BENCH_POSTGRES_URL (default: the local server) or BENCH_SKIP_POSTGRES=1; BENCH_BIN runs
# another build of the server (an earlier commit's, for a before/after comparison).
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-10}"
E2E_SECS="${2:-60}"
for tool in wrk nginx; do
  command -v "$tool" >/dev/null || { echo "[bench] installing $tool (Debian)"; DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$tool" >/dev/null; }
done
bash scripts/build.sh >/dev/null
source scripts/env.sh
BIN="${BENCH_BIN:-$CONNECTGAIN_BIN}"
WORK=$(mktemp -d /tmp/connectgain-bench-XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# The receiver: answers every webhook 200 at once and logs when it got it and its
# webhook-id; it also plays Appgain's signup webhook.
RPORT=$(free_port)
RECEIPTS="$WORK/receipts.log"
mkdir -p "$WORK/nginx"
cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx;
  log_format receipt '\$msec \$http_webhook_id';
  server {
    listen 127.0.0.1:$RPORT;
    location = /appgain { default_type application/json; return 200 '{"suitId":"bench","apiKey":"bench-appgain-key-0123456789abcdef"}'; }
    location / { access_log $RECEIPTS receipt buffer=256k flush=100ms; return 200 'ok'; }
  }
}
CONF
nginx -c "$WORK/nginx.conf" -p "$WORK/nginx"

# wrk scripts: each request a new object (the thread and a counter make it unique), or a
# change to one of the objects listed in $BENCH_IDS (one id per line).
cat > "$WORK/common.lua" <<'LUA'
counter, thread_id, threads, ids = 0, 0, 0, {}
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
function init(args)
  thread_id = tid
  local file = os.getenv("BENCH_IDS")
  if file and file ~= "" then for line in io.lines(file) do ids[#ids + 1] = line end end
end
function post(path, body, headers)
  headers = headers or { ["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN") }
  headers["Content-Type"] = "application/json"
  return wrk.format("POST", path, headers, body)
end
function next_id() counter = counter + 1; return ids[(counter * 7 + thread_id) % #ids + 1] end
function unique() counter = counter + 1; return string.format("%d-%d-%d", os.time(), thread_id, counter) end
LUA
lua() { printf 'dofile("%s/common.lua")\nfunction request()\n  %s\nend\n' "$WORK" "$2" > "$WORK/$1.lua"; }
lua contacts 'return post("/api/contacts", string.format([[{"first_name":"Bench","email":"b%s@example.com"}]], unique()))'
lua contact_updates 'counter = counter + 1; return wrk.format("PATCH", "/api/contacts/" .. next_id(), { ["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN"), ["Content-Type"] = "application/json" }, string.format([[{"first_name":"Name %d"}]], counter))'
lua deals 'return post("/api/deals", string.format([[{"title":"Deal %s","value_cents":250000,"currency":"EUR"}]], unique()))'
lua deal_stages 'local stages = {"qualified","proposal","negotiation","won","lead"}; return post("/api/deals/" .. next_id() .. "/stage", string.format([[{"stage":"%s"}]], stages[counter % 5 + 1]))'
lua conversations 'return post("/api/conversations", string.format([[{"channel":"web","subject":"Question %s"}]], unique()))'
lua messages 'return post("/api/conversations/" .. next_id() .. "/messages", string.format([[{"direction":"inbound","body":"Hello %s"}]], unique()))'
lua leads 'return post("/api/webhooks/lead.captured", string.format([[{"email":"lead%s@example.com","name":"Ada Lovelace","source":"website_form","utm_campaign":"summer"}]], unique()), { ["X-Tenant-Id"] = os.getenv("BENCH_TENANT"), ["X-Api-Key"] = os.getenv("BENCH_API_KEY") })'

# `wrk --latency` → "requests/s p50 p99 non-2xx answered-2xx".
wrk_figures() {
  awk '/requests in/ {n=$1} /Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$NF}
       END {printf "%s %s %s %s %s\n", rps, p50, p99, bad+0, n-bad}'
}

# Receipts in the log: "lines unique first_ms last_ms lag_p50 lag_p95 lag_p99 lag_max" (lag =
# receipt time - the time in the webhook-id, i.e. when the delivery was made at commit).
receipts() {
  python3 - "$RECEIPTS" <<'PY'
import sys
lags, ids, first, last = [], set(), None, None
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) != 2 or not parts[1].startswith("msg_"):
        continue
    at = float(parts[0]) * 1000
    made = int(parts[1][4:16], 16)
    ids.add(parts[1]); lags.append(at - made)
    first = at if first is None else min(first, at); last = at if last is None else max(last, at)
lags.sort()
pct = lambda p: lags[min(len(lags) - 1, int(len(lags) * p))] if lags else 0
print(len(lags), len(ids), int(first or 0), int(last or 0), *(f"{pct(p):.0f}" for p in (0.5, 0.95, 0.99)), f"{lags[-1] if lags else 0:.0f}")
PY
}

# Waits until nginx has received at least $1 distinct webhooks and nothing more came for 2 s.
await_receipts() {
  local want=$1 start n last=-1 last_change now
  start=$(date +%s%N); last_change=$start
  while :; do
    n=$(cut -d' ' -f2 "$RECEIPTS" 2>/dev/null | sort -u | wc -l); now=$(date +%s%N)
    if [ "$n" != "$last" ]; then last=$n; last_change=$now; fi
    if [ "$n" -ge "$want" ] && (( now - last_change > 2000000000 )); then break; fi
    if (( now - start > 600000000000 )); then echo "[bench] deliveries stopped at $n of $want" >&2; break; fi
    sleep 0.5
  done
}

# A count from the server's database (read by another process while it runs).
db_count() {
  if [ -n "$DB_URL" ]; then psql "$DB_URL" -qAtc "$1"; else python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$DB_FILE" "$1"; fi
}

rows=()
row() { rows+=("$BACKEND|$1|$2|$3|$4|$5"); }

# Loads `$1.lua` for $SECS s and adds a row named $2.
write_load() {
  local rps p50 p99 bad ok
  read -r rps p50 p99 bad ok < <(BENCH_IDS="${3:-}" wrk -t2 -c32 -d"${SECS}s" --latency -s "$WORK/$1.lua" "$BASE" | wrk_figures)
  row "$2" "$rps" "$p50" "$p99" "$bad"
}

# Creates $2 objects with POSTs to $1 (body $3 with %d), over one kept-alive connection, and
# writes their ids to $4.
create_ids() {
  python3 - "$BASE" "$1" "$2" "$3" "$4" <<'PY'
import http.client, json, os, sys, urllib.parse
base, path, count, body, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
conn = http.client.HTTPConnection(urllib.parse.urlsplit(base).netloc)
headers = {"Authorization": "Bearer " + os.environ["BENCH_TOKEN"], "Content-Type": "application/json"}
with open(out, "w") as ids:
    for i in range(1, count + 1):
        conn.request("POST", path, body % i, headers)
        reply = conn.getresponse()
        created = json.loads(reply.read())
        assert reply.status == 201, created
        ids.write(created["id"] + "\n")
PY
}

run_backend() {
  BACKEND=$1; DB_URL=$2
  local port data log
  port=$(free_port); data="$WORK/data-$BACKEND"; log="$WORK/server-$BACKEND.log"; mkdir -p "$data"
  DB_FILE="$data/connectgain.db"
  env LEPTOS_SITE_ADDR="127.0.0.1:$port" CONNECTGAIN_DATA_DIR="$data" ${DB_URL:+DATABASE_URL="$DB_URL"} \
    CONNECTGAIN_ALLOW_PRIVATE_TARGETS=true CONNECTGAIN_SIGNUP_LIMIT=1000/h \
    CONNECTGAIN_INBOUND_RATE_LIMIT=1000000/s CONNECTGAIN_INBOUND_RATE_BURST=100000000 \
    APPGAIN_SIGNUP_WEBHOOK_URL="http://127.0.0.1:$RPORT/appgain" RUST_LOG=warn \
    "$BIN" > "$log" 2>&1 &
  local pid=$!
  BASE="http://127.0.0.1:$port"
  for _ in $(seq 1 600); do curl -fs "$BASE/healthz" >/dev/null && break; sleep 0.1; done
  curl -fs "$BASE/healthz" >/dev/null || { echo "[bench] the server did not start:"; cat "$log"; exit 1; }
  [ -n "$DB_URL" ] || [ -f "$DB_FILE" ] || { echo "[bench] no SQLite file at $DB_FILE"; exit 1; }

  local email="bench-$RANDOM$RANDOM@example.com"
  export BENCH_TOKEN BENCH_TENANT BENCH_API_KEY
  BENCH_TENANT=$(curl -fs -X POST "$BASE/api/v1/auth/signup" -H 'content-type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"bench password 1\",\"organization_name\":\"Bench\"}" | json_field '["organization_id"]')
  BENCH_TOKEN=$(curl -fs -X POST "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"bench password 1\"}" | json_field '["access_token"]')
  BENCH_API_KEY=$(curl -fs -X POST "$BASE/api/v1/inbound/api-key" -H "authorization: Bearer $BENCH_TOKEN" | json_field '["api_key"]')
  curl -fs -X POST "$BASE/api/v1/webhooks" -H "authorization: Bearer $BENCH_TOKEN" -H 'content-type: application/json' \
    -d "{\"name\":\"nginx\",\"url\":\"http://127.0.0.1:$RPORT/hook\",\"events\":[\"*\"]}" >/dev/null

  local rps p50 p99 bad ok
  echo "[bench] $BACKEND: pages"
  read -r rps p50 p99 bad ok < <(wrk -t2 -c32 -d"${SECS}s" --latency "$BASE/login" | wrk_figures)
  row "GET /login, 32 connections" "$rps" "$p50" "$p99" "$bad"
  read -r rps p50 p99 bad ok < <(wrk -t1 -c1 -d"${SECS}s" --latency "$BASE/login" | wrk_figures)
  row "GET /login, 1 connection" "$rps" "$p50" "$p99" "$bad"

  echo "[bench] $BACKEND: end to end, $E2E_SECS s of POST /api/contacts"
  : > "$RECEIPTS"
  local load_start load_end lines unique first last l50 l95 l99 lmax
  load_start=$(date +%s%3N)
  read -r rps p50 p99 bad ok < <(wrk -t2 -c32 -d"${E2E_SECS}s" --latency -s "$WORK/contacts.lua" "$BASE" | wrk_figures)
  load_end=$(date +%s%3N)
  row "POST /api/contacts, 32 connections, ${E2E_SECS} s" "$rps" "$p50" "$p99" "$bad"
  await_receipts "$ok"
  read -r lines unique first last l50 l95 l99 lmax < <(receipts)
  row "contact.created to nginx: $unique events for $ok answered, $((lines - unique)) twice; $(( unique * 1000 / (last - load_start + 1) ))/s, the last $((last - load_end)) ms after the load" \
    "" "lag p50 $l50 ms" "p95 $l95 / p99 $l99 / max $lmax ms" ""

  echo "[bench] $BACKEND: CRM writes"
  : > "$RECEIPTS"
  write_load contacts "POST /api/contacts (create)"
  create_ids /api/contacts 1000 '{"first_name":"Pool","email":"pool%d@example.com"}' "$WORK/contact-ids"
  write_load contact_updates "PATCH /api/contacts/:id (1,000 contacts)" "$WORK/contact-ids"
  write_load deals "POST /api/deals (create)"
  create_ids /api/deals 1000 '{"title":"Pool deal %d","value_cents":1000}' "$WORK/deal-ids"
  write_load deal_stages "POST /api/deals/:id/stage (1,000 deals)" "$WORK/deal-ids"
  write_load conversations "POST /api/conversations (create)"
  create_ids /api/conversations 100 '{"channel":"web","subject":"Pool %d"}' "$WORK/conversation-ids"
  write_load messages "POST /api/conversations/:id/messages (inbound, 100 conversations)" "$WORK/conversation-ids"

  echo "[bench] $BACKEND: leads"
  local before during after drained_ms t0 t1 backlog
  before=$(db_count "SELECT COUNT(*) FROM integration_events WHERE status = 'processed'")
  t0=$(date +%s%3N)
  read -r rps p50 p99 bad ok < <(wrk -t2 -c32 -d"${SECS}s" --latency -s "$WORK/leads.lua" "$BASE" | wrk_figures)
  t1=$(date +%s%3N)
  during=$(db_count "SELECT COUNT(*) FROM integration_events WHERE status = 'processed'")
  row "POST /api/webhooks/lead.captured, 32 connections" "$rps" "$p50" "$p99" "$bad"
  while :; do
    backlog=$(db_count "SELECT COUNT(*) FROM integration_events WHERE status = 'received'")
    [ "$backlog" = 0 ] && break
    (( $(date +%s%3N) - t1 > 300000 )) && { echo "[bench] $BACKEND: $backlog leads still waiting after 300 s"; break; }
    sleep 0.1
  done
  drained_ms=$(( $(date +%s%3N) - t1 ))
  after=$(db_count "SELECT COUNT(*) FROM integration_events WHERE status = 'processed'")
  row "leads upserted into contacts: $(( (during - before) * 1000 / (t1 - t0) ))/s during the load; $((after - during)) left at its end, gone $drained_ms ms later" "" "" "" ""

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

printf '\n| backend | load (%s s each, wrk; end to end %s s) | requests/s | p50 | p99 | non-2xx |\n|---|---|---|---|---|---|\n' "$SECS" "$E2E_SECS"
for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
