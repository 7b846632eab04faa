#!/usr/bin/env bash
# Builds the release server (target/release/connectgain) and the hydrating site (target/site).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
cargo leptos build --release
