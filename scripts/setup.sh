#!/usr/bin/env bash
# Installs everything a fresh machine of this kind lacks to build, run and test ConnectGain.
# Idempotent: every step checks first and is skipped (in well under a second) when done.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130     # must equal the wasm-bindgen pinned in Cargo.toml

say() { printf '[setup] %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: one of its locked dependency versions is missing from the registry.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if [ ! -x /usr/bin/chromium ]; then
  say "installing Debian's Chromium for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi

# npm packages: Playwright for the browser tests and binaryen's wasm-opt (Debian's wasm-opt
# is too old: pages built with it never hydrate).
if [ ! -d end2end/node_modules ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  say "installing npm packages in end2end/"
  (cd end2end && npm ci --no-audit --no-fund --loglevel=error)
fi
# Python packages for the signature recipes' tests (Flask, Standard Webhooks), in a venv of
# the project's own.
if [ ! -x end2end/.venv/bin/python ] || [ end2end/requirements.txt -nt end2end/.venv/.installed ]; then
  say "installing the Python packages of the recipe tests in end2end/.venv"
  python3 -m venv end2end/.venv
  end2end/.venv/bin/pip install --quiet --disable-pip-version-check -r end2end/requirements.txt
  touch end2end/.venv/.installed
fi
# schemathesis for scripts/api-check.sh, in a venv shared by every checkout on this machine
# (its dependencies take a minute to install).
SCHEMATHESIS_VERSION=4.32.5
SCHEMATHESIS_VENV="${XDG_CACHE_HOME:-$HOME/.cache}/connectgain/schemathesis-venv"
if [ "$("$SCHEMATHESIS_VENV/bin/schemathesis" --version 2>/dev/null || true)" != "schemathesis, version $SCHEMATHESIS_VERSION" ]; then
  say "installing schemathesis $SCHEMATHESIS_VERSION in $SCHEMATHESIS_VENV"
  python3 -m venv "$SCHEMATHESIS_VENV"
  "$SCHEMATHESIS_VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
say "tools ready"
