#!/bin/sh
# Builds the browser bundle into wasm/dist/ (index.html, armtutor.js, armtutor_bg.wasm): one
# command from a clean clone, on any machine with Rust. The two routes to a wasm32 compiler
# (rustup's target, or Debian's rustc-web with std built from source) are in wasm/toolchain.sh.
#
#   wasm/build.sh                  build (installs what is missing: wasm-bindgen-cli, wasm-opt
#                                  from npm, and on the Debian route its apt packages)
#   WASM_ROUTE=rustup|debian wasm/build.sh   force a route
#   SKIP_OPT=1 wasm/build.sh       skip wasm-opt (faster, larger)
#   WASM_PANIC_MESSAGES=1 wasm/build.sh      keep panic messages (Debian route; larger)
#   WASM_MAP=1 wasm/build.sh       also write the linker's map to wasm/dist/armtutor.map, for
#                                  python3 wasm/size.py (where the bytes go, by crate)
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/wasm/dist"
. wasm/toolchain.sh
echo "wasm/build.sh: the $ROUTE route"

# 1-2. The crate for wasm32 in the small-code profile `web` (Cargo.toml).
if [ -n "${WASM_MAP:-}" ]; then
    MAP="$CARGO_TARGET_DIR/armtutor.map"
    wasm_cargo rustc --profile web --bin armtutor -- -C link-arg=--Map="$MAP"
else
    wasm_cargo build --profile web --bin armtutor
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
        (cd "$ROOT/wasm" && npm install --no-audit --no-fund)
    fi
    [ -x "$BIN" ] || BIN=$(command -v wasm-opt || true)
    if [ -z "$BIN" ]; then
        echo "wasm/build.sh: no wasm-opt (install Node.js, or binaryen); the bundle is larger" >&2
    else
        "$BIN" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
            --enable-mutable-globals --enable-reference-types --enable-multivalue --enable-simd \
            "$OUT/armtutor_bg.wasm" -o "$OUT/armtutor_bg.wasm.opt"
        mv "$OUT/armtutor_bg.wasm.opt" "$OUT/armtutor_bg.wasm"
    fi
fi
cp "$ROOT/wasm/index.html" "$ROOT/wasm/loader.js" "$OUT/"
[ -z "${WASM_MAP:-}" ] || cp "$MAP" "$OUT/armtutor.map"
RAW=$(wc -c < "$OUT/armtutor_bg.wasm" | tr -d ' ')
GZ=$(gzip -9 -c "$OUT/armtutor_bg.wasm" | wc -c | tr -d ' ')
BR=""
if command -v brotli >/dev/null; then
    BR=", $(brotli -q 11 -c "$OUT/armtutor_bg.wasm" | wc -c | tr -d ' ') bytes brotli"
fi
echo "wasm/dist: armtutor_bg.wasm $RAW bytes raw, $GZ bytes gzip$BR"
echo "serve it: wasm/serve.sh (then open http://127.0.0.1:8000/)"
