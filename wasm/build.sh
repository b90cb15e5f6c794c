#!/bin/sh
# Builds the browser bundle into wasm/dist/ (index.html, armtutor.js, armtutor_bg.wasm): one
# command from a clean clone. It follows ../shared/docs/wasm-toolchain.md: this machine's rustup
# toolchain has no wasm32 standard library, so Debian's rustc-web builds std from source
# (-Zbuild-std) and rustup's rust-lld links. A cold build takes about 25-35 minutes on 2 cores.
#
#   wasm/build.sh            build (installs what is missing: apt packages, wasm-bindgen-cli)
#   SKIP_OPT=1 wasm/build.sh skip wasm-opt (faster, larger)
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/wasm/dist"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR_WEB:-$HOME/.cache/armtutor-web}"

# 1. Debian's Rust 1.96 and its exact std source (build-std needs the two to match).
if [ ! -x /usr/bin/rustc ] || [ ! -d /usr/lib/rustlib/src/rust ]; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y rustc-web cargo-web rust-web-src
fi
LLD=$(ls "$HOME"/.rustup/toolchains/*/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld 2>/dev/null | head -1)
if [ -z "$LLD" ]; then
    echo "wasm/build.sh: no rust-lld in ~/.rustup (the rustup toolchain ships it)" >&2
    exit 2
fi

# 2. The crate for wasm32, std built from source, small-code profile `web` (Cargo.toml).
env PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$LLD" \
    RUSTFLAGS='--cfg getrandom_backend="wasm_js"' \
    /usr/bin/cargo build --profile web --target wasm32-unknown-unknown \
    -Zbuild-std=std,panic_abort --bin armtutor
WASM="$CARGO_TARGET_DIR/wasm32-unknown-unknown/web/armtutor.wasm"

# 3. wasm-bindgen at exactly the version of the wasm-bindgen crate in Cargo.lock.
WB=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if ! command -v wasm-bindgen >/dev/null || [ "$(wasm-bindgen --version | cut -d' ' -f2)" != "$WB" ]; then
    cargo install wasm-bindgen-cli --version "$WB"
fi
rm -rf "$OUT"
mkdir -p "$OUT"
wasm-bindgen --target web --no-typescript --out-dir "$OUT" --out-name armtutor "$WASM"

# 4. wasm-opt from npm's binaryen (Debian's version 108 breaks wasm-bindgen's externref table).
if [ -z "${SKIP_OPT:-}" ]; then
    BIN="$ROOT/wasm/node_modules/.bin/wasm-opt"
    [ -x "$BIN" ] || (cd "$ROOT/wasm" && npm install --no-save --no-audit --no-fund binaryen@132)
    "$BIN" -Os --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
        --enable-mutable-globals --enable-reference-types --enable-multivalue \
        "$OUT/armtutor_bg.wasm" -o "$OUT/armtutor_bg.wasm.opt"
    mv "$OUT/armtutor_bg.wasm.opt" "$OUT/armtutor_bg.wasm"
fi
cp "$ROOT/wasm/index.html" "$ROOT/wasm/loader.js" "$OUT/"
RAW=$(stat -c %s "$OUT/armtutor_bg.wasm")
GZ=$(gzip -9 -c "$OUT/armtutor_bg.wasm" | wc -c)
echo "wasm/dist: armtutor_bg.wasm $RAW bytes raw, $GZ bytes gzip"
