# Sourced by the other scripts: where the tools and the build output are.
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"
# Leptos reads this at compile time (its hydration script then asks for `connectgain.wasm`);
# the same value in every build keeps the Leptos crates from being rebuilt between them.
export LEPTOS_OUTPUT_NAME=connectgain
TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
export CONNECTGAIN_BIN="$TARGET_DIR/release/connectgain"
