#!/bin/sh
# Builds the browser bundle into wasm/dist/ (index.html, armtutor.js, armtutor_bg.wasm): one
# command from a clean clone, on any machine with Rust.
#
# Two routes to a wasm32 compiler:
# - the ordinary one, where rustup's wasm32 target is installed
#   (`rustup target add wasm32-unknown-unknown`, on macOS, Windows with Git Bash or any Linux):
#   stable Rust, the prebuilt standard library;
# - where that target cannot be had (this project's machines: rustup cannot download it), the
#   recipe in ../shared/docs/wasm-toolchain.md: Debian's rustc-web builds std from source
#   (-Zbuild-std) and rustup's rust-lld links. A cold build takes 25-35 minutes on 2 cores.
#
#   wasm/build.sh                  build (installs what is missing: wasm-bindgen-cli, and on
#                                  the Debian route its apt packages)
#   WASM_ROUTE=rustup|debian wasm/build.sh   force a route
#   SKIP_OPT=1 wasm/build.sh       skip wasm-opt (faster, larger)
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/wasm/dist"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR_WEB:-$HOME/.cache/armtutor-web}"
# getrandom's browser backend (crypto.getRandomValues), on both routes.
WEB_RUSTFLAGS='--cfg getrandom_backend="wasm_js"'

ROUTE="${WASM_ROUTE:-}"
if [ -z "$ROUTE" ]; then
    if command -v rustup >/dev/null && rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
        ROUTE=rustup
    else
        ROUTE=debian
    fi
fi
echo "wasm/build.sh: the $ROUTE route"

if [ "$ROUTE" = rustup ]; then
    # 1-2. Stable Rust and its prebuilt wasm32 std, the small-code profile `web` (Cargo.toml).
    RUSTFLAGS="$WEB_RUSTFLAGS" cargo build --profile web --target wasm32-unknown-unknown --bin armtutor
else
    # 1. Debian's Rust 1.96 and its exact std source (build-std needs the two to match).
    if [ ! -x /usr/bin/rustc ] || [ ! -d /usr/lib/rustlib/src/rust ]; then
        if ! command -v apt-get >/dev/null; then
            echo "wasm/build.sh: no wasm32 target in rustup and no apt-get: run 'rustup target add wasm32-unknown-unknown'" >&2
            exit 2
        fi
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
        RUSTFLAGS="$WEB_RUSTFLAGS" \
        /usr/bin/cargo build --profile web --target wasm32-unknown-unknown \
        -Zbuild-std=std,panic_abort --bin armtutor
fi
WASM="$CARGO_TARGET_DIR/wasm32-unknown-unknown/web/armtutor.wasm"

# 3. wasm-bindgen at exactly the version of the wasm-bindgen crate in Cargo.lock.
WB=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if ! command -v wasm-bindgen >/dev/null || [ "$(wasm-bindgen --version | cut -d' ' -f2)" != "$WB" ]; then
    cargo install wasm-bindgen-cli --version "$WB"
fi
rm -rf "$OUT"
mkdir -p "$OUT"
wasm-bindgen --target web --no-typescript --out-dir "$OUT" --out-name armtutor "$WASM"

# 4. wasm-opt from npm's binaryen (Debian's version 108 breaks wasm-bindgen's externref table),
#    or, without Node.js, a wasm-opt on the PATH (binaryen 116 or newer).
if [ -z "${SKIP_OPT:-}" ]; then
    BIN="$ROOT/wasm/node_modules/.bin/wasm-opt"
    if [ ! -x "$BIN" ] && command -v npm >/dev/null; then
        (cd "$ROOT/wasm" && npm install --no-save --no-audit --no-fund binaryen@132)
    fi
    [ -x "$BIN" ] || BIN=$(command -v wasm-opt || true)
    if [ -z "$BIN" ]; then
        echo "wasm/build.sh: no wasm-opt (install Node.js, or binaryen); the bundle is larger" >&2
    else
        "$BIN" -Os --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
            --enable-mutable-globals --enable-reference-types --enable-multivalue \
            "$OUT/armtutor_bg.wasm" -o "$OUT/armtutor_bg.wasm.opt"
        mv "$OUT/armtutor_bg.wasm.opt" "$OUT/armtutor_bg.wasm"
    fi
fi
cp "$ROOT/wasm/index.html" "$ROOT/wasm/loader.js" "$OUT/"
RAW=$(wc -c < "$OUT/armtutor_bg.wasm" | tr -d ' ')
GZ=$(gzip -9 -c "$OUT/armtutor_bg.wasm" | wc -c | tr -d ' ')
BR=""
if command -v brotli >/dev/null; then
    BR=", $(brotli -q 11 -c "$OUT/armtutor_bg.wasm" | wc -c | tr -d ' ') bytes brotli"
fi
echo "wasm/dist: armtutor_bg.wasm $RAW bytes raw, $GZ bytes gzip$BR"
echo "serve it: wasm/serve.sh (then open http://127.0.0.1:8000/)"
