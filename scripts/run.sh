#!/usr/bin/env bash
# One command on a fresh machine: set up, build, and run ConnectGain on SQLite
# at http://127.0.0.1:3000 (data in ./data). Settings: see the README's table.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
source scripts/env.sh
exec "$CONNECTGAIN_BIN" "$@"
