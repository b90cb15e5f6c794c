#!/bin/sh
# Serves wasm/dist on loopback, port 8000 (or the first argument), with the .wasm as
# application/wasm so the browser compiles it while it downloads. Python's own file server
# is enough: nothing else to install. Open http://127.0.0.1:8000/ and stop with Ctrl+C.
set -eu
cd "$(dirname "$0")/dist" 2>/dev/null || { echo "wasm/serve.sh: run wasm/build.sh first" >&2; exit 2; }
PY=$(command -v python3 || command -v python || true)
[ -n "$PY" ] || { echo "wasm/serve.sh: needs Python 3 (or serve wasm/dist with any static server)" >&2; exit 2; }
exec "$PY" -m http.server "${1:-8000}" --bind 127.0.0.1
