#!/usr/bin/env bash
# Builds the release server (target/release/connectgain) and the hydrating site (target/site):
# the WASM with wasm-bindgen and binaryen's wasm-opt, the stylesheet and public files (the
# bundle's named by their content's hash), each with .br and .gz beside it for browsers that accept them (the WASM: ~2.2 MB raw, a third of
# that compressed). These are the steps cargo-leptos takes for a release build, without
# compiling cargo-leptos itself (13 minutes on a fresh machine of this kind).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
SITE=target/site

echo "[build] the WASM (wasm-release profile: size-optimized, LTO)"
cargo build -p connectgain-frontend --lib --target wasm32-unknown-unknown --profile wasm-release
WASM="$TARGET_DIR/wasm32-unknown-unknown/wasm-release/connectgain_frontend.wasm"
# The site is made again only when one of its sources changed (wasm-opt alone takes ~45 s).
SOURCES=$(cat "$WASM" style/main.css $(find public -type f | sort) scripts/build.sh | sha256sum | cut -d' ' -f1)
if [ "$(cat "$SITE.sources" 2>/dev/null || true)" = "$SOURCES" ]; then
  echo "[build] the site is up to date"
else
  echo "[build] the site: wasm-bindgen, wasm-opt, stylesheet, public files, compressed copies"
  rm -rf "$SITE" && mkdir -p "$SITE/pkg"
  wasm-bindgen --target web --no-typescript --out-name "$LEPTOS_OUTPUT_NAME" --out-dir "$SITE/pkg" "$WASM"
  # Leptos's hydration script asks for {name}.wasm when LEPTOS_OUTPUT_NAME was set at compile time.
  mv "$SITE/pkg/${LEPTOS_OUTPUT_NAME}_bg.wasm" "$SITE/pkg/$LEPTOS_OUTPUT_NAME.wasm"
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    "$SITE/pkg/$LEPTOS_OUTPUT_NAME.wasm" -o "$SITE/pkg/$LEPTOS_OUTPUT_NAME.wasm"
  cp style/main.css "$SITE/pkg/$LEPTOS_OUTPUT_NAME.css"
  # Each bundle file is named by its content's hash: browsers keep it for a year without
  # asking again (the server answers it `immutable`), and a new build is new names. Leptos
  # finds the names in hash.txt, which the server reads from the site root.
  : > "$SITE/hash.txt"
  for ext in js wasm css; do
    hash="$(sha256sum "$SITE/pkg/$LEPTOS_OUTPUT_NAME.$ext" | cut -c1-16)"
    mv "$SITE/pkg/$LEPTOS_OUTPUT_NAME.$ext" "$SITE/pkg/$LEPTOS_OUTPUT_NAME.$hash.$ext"
    echo "$ext: $hash" >> "$SITE/hash.txt"
  done
  cp -r public/. "$SITE/"
  node scripts/precompress.mjs "$SITE"
  echo "$SOURCES" > "$SITE.sources"
fi

echo "[build] the server"
cargo build --release -p connectgain --bin connectgain
