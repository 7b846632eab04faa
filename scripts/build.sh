#!/usr/bin/env bash
# Builds the release server (target/release/connectgain) and the hydrating site (target/site).
# --precompress writes .br and .gz beside the WASM, JS and CSS; the server sends those to
# browsers that accept them (the WASM: ~2.2 MB raw, a third of that compressed).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
cargo leptos build --release --precompress
