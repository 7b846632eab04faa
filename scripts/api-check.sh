#!/usr/bin/env bash
# Checks the live release server against its own OpenAPI document (/api/openapi.json) with
# schemathesis: every operation is called with generated valid and invalid input, as an
# organization's read_write API key, its owner and a platform admin, and each answer must be
# no 5xx and match the document (status, content type, headers, body schema).
#
#   bash scripts/api-check.sh [extra schemathesis options, e.g. --max-examples 100]
#
# scripts/setup.sh installs schemathesis into ~/.cache/connectgain/schemathesis-venv (PyPI).
# positive_data_acceptance is left out: it expects every schema-valid request to succeed,
# while business rules no schema states (a contact needs a name, an e-mail or a phone; an id
# must exist in the caller's organization) rightly answer 422 or 404.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
VENV="${XDG_CACHE_HOME:-$HOME/.cache}/connectgain/schemathesis-venv"
[ -x "$CONNECTGAIN_BIN" ] || bash scripts/build.sh

DATA="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
ADMIN_PASSWORD="api-check admin $RANDOM$RANDOM"
# Every provider URL points at a closed local port: calls out fail at once, nothing leaves
# the machine.
CONNECTGAIN_DATA_DIR="$DATA" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" \
  APPGAIN_SIGNUP_WEBHOOK_URL=http://127.0.0.1:9/signup APPGAIN_NOTIFY_BASE_URL=http://127.0.0.1:9 \
  WHATSAPP_GRAPH_BASE_URL=http://127.0.0.1:9 TWILIO_BASE_URL=http://127.0.0.1:9 VONAGE_BASE_URL=http://127.0.0.1:9 \
  AWS_SNS_ENDPOINT=http://127.0.0.1:9 N8N_TIMEOUT_MS=2000 N8N_RETRY_DELAYS_MS=10,10 CONNECTGAIN_ALLOW_PRIVATE_TARGETS=true \
  CONNECTGAIN_ADMIN_EMAIL=admin@api-check.example CONNECTGAIN_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
  RUST_LOG=warn "$CONNECTGAIN_BIN" >"$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 1 300); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
post() { curl -sS --fail-with-body -X POST "$BASE$1" -H 'content-type: application/json' ${3:+-H "authorization: Bearer $3"} -d "$2"; }
SIGNUP="$(post /api/v1/auth/signup '{"email":"owner@api-check.example","password":"correct horse battery","organization_name":"API check"}')"
ORG="$(echo "$SIGNUP" | json '["organization_id"]')"
OWNER="$(post /api/v1/auth/login '{"email":"owner@api-check.example","password":"correct horse battery"}' | json '["access_token"]')"
KEY="$(post /api/v1/api-keys '{"name":"schemathesis","scope":"read_write"}' "$OWNER" | json '["key"]')"
ADMIN="$(post /api/v1/auth/login "{\"email\":\"admin@api-check.example\",\"password\":\"$ADMIN_PASSWORD\"}" | json '["access_token"]')"
INBOUND_KEY="$(post /api/v1/inbound/api-key '{}' "$OWNER" | json '["api_key"]')"

# Real rows, so that operations on an id reach their logic rather than only 404.
CONTACT="$(post /api/contacts '{"first_name":"Ada","email":"ada@api-check.example","phone":"+14155550100"}' "$KEY" | json '["id"]')"
DEAL="$(post /api/deals "{\"title\":\"Pilot\",\"value_cents\":100000,\"currency\":\"USD\",\"contact_id\":\"$CONTACT\"}" "$KEY" | json '["id"]')"
CONVERSATION="$(post /api/conversations "{\"contact_id\":\"$CONTACT\",\"channel\":\"whatsapp\"}" "$KEY" | json '["id"]')"
MESSAGE="$(post "/api/conversations/$CONVERSATION/messages" '{"direction":"outbound","body":"Hello"}' "$KEY" | json '["id"]')"
WEBHOOK="$(post /api/v1/webhooks '{"name":"api check","url":"http://127.0.0.1:9/hook","events":["*"]}' "$KEY" | json '["id"]')"
WORKFLOW="$(post "/api/platform/tenants/$ORG/webhooks" '{"workflowName":"welcome","webhookUrl":"http://127.0.0.1:9/n8n"}' "$ADMIN" | json '["id"]')"
cat >"$DATA/schemathesis.toml" <<TOML
[parameters]
"path.tenant_id" = "$ORG"
"path.webhook_id" = "$WORKFLOW"
"path.name" = "welcome"
"header.X-Tenant-ID" = "$ORG"

[[operations]]
include-path-regex = "^/api/contacts/"
parameters = { "path.id" = "$CONTACT" }

[[operations]]
include-path-regex = "^/api/deals/"
parameters = { "path.id" = "$DEAL" }

[[operations]]
include-path-regex = "^/api/conversations/"
parameters = { "path.id" = "$CONVERSATION" }

[[operations]]
include-path-regex = "^/api/messages/"
parameters = { "path.id" = "$MESSAGE" }

[[operations]]
include-path-regex = '^/api/(v1/webhooks|webhooks/subscriptions)/\{id\}'
parameters = { "path.id" = "$WEBHOOK" }
TOML

run() {
  echo "[api-check] $1"
  shift
  "$VENV/bin/schemathesis" --config-file "$DATA/schemathesis.toml" run "$BASE/api/openapi.json" --checks all --exclude-checks positive_data_acceptance \
    --max-examples 30 --workers 1 --no-color "$@"
}
# API keys reach the CRM and the webhook APIs; owner settings and the platform need a person.
run "CRM and webhooks, as an API key" -H "Authorization: Bearer $KEY" \
  --include-tag Contacts --include-tag Deals --include-tag Conversations --include-tag Campaigns --include-tag Webhooks "${@}"
run "accounts, organization, inbound and callbacks, as the owner" -H "Authorization: Bearer $OWNER" -H "X-API-Key: $INBOUND_KEY" \
  --include-tag Accounts --include-tag Organization --include-tag Inbound --include-tag Callbacks \
  --exclude-path /api/v1/auth/logout "${@}"
run "platform administration, as a platform admin" -H "Authorization: Bearer $ADMIN" --include-tag Platform "${@}"
echo "[api-check] passed"
