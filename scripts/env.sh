# Sourced by the other scripts: where the tools and the build output are.
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"
# cargo-leptos sets this while it builds; setting it for plain `cargo test` too keeps the
# Leptos crates (which read it at compile time) from being rebuilt between the two.
export LEPTOS_OUTPUT_NAME=connectgain
TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
export CONNECTGAIN_BIN="$TARGET_DIR/release/connectgain"
