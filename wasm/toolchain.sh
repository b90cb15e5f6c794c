# Shared by wasm/build.sh and wasm/check.sh (sourced, POSIX sh): picks the route to a wasm32
# compiler and defines `wasm_cargo SUBCOMMAND ARGS...`, which runs cargo for the
# wasm32-unknown-unknown target on that route, in the web build's target folder.
#
# - The ordinary route, where rustup's wasm32 target is installed
#   (`rustup target add wasm32-unknown-unknown`, on macOS, Windows with Git Bash or any Linux):
#   stable Rust, the prebuilt standard library.
# - Where that target cannot be had (a rustup that cannot download it), the
#   Debian route: Debian's rustc-web builds std from source
#   (-Zbuild-std) and rustup's rust-lld links. WASM_ROUTE=rustup|debian forces a route.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR_WEB:-$HOME/.cache/armtutor-web}"
# getrandom's browser backend (crypto.getRandomValues), and WebAssembly SIMD (every browser
# with WebGL2 since 2021-23 has it; without it the font rasterizer's SIMD layer compiles to
# half a megabyte of scalar code), on both routes.
WEB_RUSTFLAGS='--cfg getrandom_backend="wasm_js" -Ctarget-feature=+simd128'

ROUTE="${WASM_ROUTE:-}"
if [ -z "$ROUTE" ]; then
    if command -v rustup >/dev/null && rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
        ROUTE=rustup
    else
        ROUTE=debian
    fi
fi

if [ "$ROUTE" = debian ]; then
    # Debian's Rust 1.96 and its exact std source (build-std needs the two to match).
    if [ ! -x /usr/bin/rustc ] || [ ! -d /usr/lib/rustlib/src/rust ]; then
        if ! command -v apt-get >/dev/null; then
            echo "wasm: no wasm32 target in rustup and no apt-get: run 'rustup target add wasm32-unknown-unknown'" >&2
            exit 2
        fi
        SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq rustc-web cargo-web rust-web-src >/dev/null
    fi
    LLD=$(ls "$HOME"/.rustup/toolchains/*/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld 2>/dev/null | head -1)
    if [ -z "$LLD" ]; then
        echo "wasm: no rust-lld in ~/.rustup (the rustup toolchain ships it)" >&2
        exit 2
    fi
    # This route's compiler takes unstable flags, which make the module smaller: no file and
    # line in panic messages, and (unless WASM_PANIC_MESSAGES=1) panics that stop at once
    # without formatting a message; the page says the app stopped either way.
    # Derived Debug output is only the type's or variant's name ({:?} of numbers and strings
    # is unchanged; nothing on screen formats a struct with it), and std's sorts and other
    # generics in their small forms.
    SMALL="-Zlocation-detail=none -Zfmt-debug=shallow"
    STD_FEATURES="optimize_for_size"
    [ -n "${WASM_PANIC_MESSAGES:-}" ] || SMALL="$SMALL -Zunstable-options -Cpanic=immediate-abort"
fi

# Bevy's PBR and core-pipeline crates without the plugins that never run in the page (each
# patch in wasm/lean/ says which and why): patched copies of the registry's source, which cargo
# builds in their place through a `paths` override (Cargo.lock and the desktop build are
# untouched). About 0.2 MB of the gzipped module. WASM_STOCK_BEVY=1 builds the stock crates.
LEAN_OVERRIDE=""
lean_bevy() {
    [ -z "${WASM_STOCK_BEVY:-}" ] || return 0
    # `patch`, or git's (kept from looking for a repository above the copy).
    if command -v patch >/dev/null; then
        apply() { patch -p1 -s <"$1"; }
    elif command -v git >/dev/null; then
        apply() { GIT_CEILING_DIRECTORIES="$(dirname "$(pwd)")" git apply -p1 "$1"; }
    else
        echo "wasm: neither 'patch' nor 'git': building Bevy's stock crates (a larger module)" >&2
        return 0
    fi
    metadata=""
    dirs=""
    for lean_patch in "$(pwd)"/wasm/lean/*.patch; do
        crate=$(basename "$lean_patch" .patch)
        # The version in Cargo.lock (a patch written for another one fails to apply, loudly).
        ver=$(awk -v n="name = \"$crate\"" '$0 == n { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
        lean_dir="$CARGO_TARGET_DIR/lean/$crate-$ver"
        if ! cmp -s "$lean_patch" "$lean_dir.patch" 2>/dev/null; then
            # Where cargo keeps the crate's source (fetched if it is not there yet).
            [ -n "$metadata" ] || metadata=$(cargo metadata --format-version 1 \
                --filter-platform wasm32-unknown-unknown 2>/dev/null || true)
            manifest=$(printf '%s' "$metadata" |
                grep -o "\"manifest_path\":\"[^\"]*$crate-$ver[/\\\\]*Cargo\\.toml\"" | head -1 |
                sed -e 's/^"manifest_path":"//' -e 's/"$//' -e 's#\\\\#/#g')
            if [ -z "$ver" ] || [ -z "$manifest" ]; then
                echo "wasm: $crate ${ver:-?} not found by cargo metadata: building the stock crates" >&2
                return 0
            fi
            rm -rf "$lean_dir" "$lean_dir.patch"
            mkdir -p "$lean_dir"
            cp -R "$(dirname "$manifest")/." "$lean_dir/"
            (cd "$lean_dir" && apply "$lean_patch")
            cp "$lean_patch" "$lean_dir.patch"
        fi
        dirs="$dirs${dirs:+,}\"$lean_dir\""
    done
    LEAN_OVERRIDE="paths=[$dirs]"
}
lean_bevy

wasm_cargo() {
    sub=$1; shift
    if [ -n "$LEAN_OVERRIDE" ]; then
        set -- --config "$LEAN_OVERRIDE" "$@"
    fi
    if [ "$ROUTE" = rustup ]; then
        RUSTFLAGS="$WEB_RUSTFLAGS" cargo "$sub" --target wasm32-unknown-unknown "$@"
    else
        env PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 \
            CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$LLD" \
            RUSTFLAGS="$WEB_RUSTFLAGS $SMALL" \
            /usr/bin/cargo "$sub" --target wasm32-unknown-unknown \
            -Zbuild-std=std,panic_abort -Zbuild-std-features="$STD_FEATURES" "$@"
    fi
}
