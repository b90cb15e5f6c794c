#!/bin/sh
# Type-checks the browser build (`cargo check` for wasm32, no code generated), as CI does on
# every change: a broken web build is caught without building the bundle. Same routes as
# wasm/build.sh (see wasm/toolchain.sh); its own target folder, so a check never forces the
# bundle's next build to start again.
set -eu
cd "$(dirname "$0")/.."
CARGO_TARGET_DIR_WEB="${CARGO_TARGET_DIR_WEB_CHECK:-$HOME/.cache/armtutor-webcheck}"
. wasm/toolchain.sh
echo "wasm/check.sh: the $ROUTE route"
wasm_cargo check --profile web --bin armtutor
