#!/bin/sh
# Serves wasm/dist on loopback and checks it in headless Chromium (software WebGL2): first
# frame, no console errors, no request off the origin, the address keeps the scene. Writes
# wasm/smoke.png. Needs Debian's chromium and Node.js; installs playwright-core from npm (wasm/package.json).
set -eu
cd "$(dirname "$0")"
[ -f dist/armtutor_bg.wasm ] || { echo "wasm/smoke.sh: run wasm/build.sh first" >&2; exit 2; }
if [ ! -x /usr/bin/chromium ]; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium
fi
[ -d node_modules/playwright-core ] || npm install --no-audit --no-fund
node smoke.mjs "$@"
