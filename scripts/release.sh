#!/usr/bin/env bash
# Builds the release archives for the office's PCs into dist/:
#   sanyipi-x86_64-pc-windows-gnu.zip        (needs: rustup target x86_64-pc-windows-gnu,
#                                              x86_64-w64-mingw32-gcc from gcc-mingw-w64-x86-64)
#   sanyipi-x86_64-unknown-linux-musl.tar.gz (needs: rustup target x86_64-unknown-linux-musl,
#                                              musl-gcc from musl-tools)
#   sanyipi-aarch64-unknown-linux-musl.tar.gz (only if its target and aarch64-linux-musl-gcc exist)
# A target whose toolchain is missing is skipped with a message saying what to install; the
# script fails when nothing could be built. It downloads nothing itself.
#
# `scripts/release.sh --check` (CI): for each target, either says precisely why it cannot be
# built here, or builds it and runs its `--version` and `check` on samples/2026-10 (the Windows
# one under wine, the aarch64 one under qemu-aarch64 if present). A missing toolchain does not
# fail it; a build or a run that fails does.
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
[ "${1:-}" = --check ] && check=1
dist=dist
mkdir -p "$dist"
installed=$(rustup target list --installed 2>/dev/null || true)
sysroot=$(rustc --print sysroot)
built=()
skipped=()

# have TARGET CC: whether the Rust target and the C compiler (for the bundled SQLite) are there.
have() {
    local target=$1 cc=$2 ok=1
    if [ ! -d "$sysroot/lib/rustlib/$target/lib" ]; then
        local why="no Rust standard library for $target in $sysroot/lib/rustlib"
        why+=" ($(rustc --version); rustup lists: $(tr '\n' ' ' <<<"$installed"))"
        why+=" — rustup target add $target (needs static.rust-lang.org)"
        [ -d "$sysroot/lib/rustlib/src/rust/library" ] || why+="; no rust-src either, so no -Zbuild-std"
        skipped+=("$target: $why")
        ok=0
    fi
    if ! command -v "$cc" >/dev/null 2>&1; then
        skipped+=("$target: C compiler $cc not found")
        ok=0
    fi
    [ "$ok" = 1 ]
}

# smoke TARGET BINARY [RUNNER...]: `--version` and `check` of the sample month (exit 0, or 1
# for the sample's input errors) with the built binary.
smoke() {
    local target=$1 bin=$2 code=0
    shift 2
    "$@" "$bin" --version
    "$@" "$bin" check --input samples/2026-10 --month 2026-10 >"$dist/check-$target.txt" || code=$?
    if [ "$code" -gt 1 ] || ! grep -q "考核月份: 2026-10" "$dist/check-$target.txt"; then
        echo "$target: check on samples/2026-10 failed (exit $code)" >&2
        return 1
    fi
    echo "$target: --version and check on samples/2026-10 ran"
}

# build TARGET CC: cargo build --release for TARGET with CC as C compiler and linker.
build() {
    local target=$1 cc=$2 var
    var=$(tr 'a-z-' 'A-Z_' <<<"$target")
    env "CC_${target//-/_}=$cc" "CARGO_TARGET_${var}_LINKER=$cc" \
        cargo build --release --locked --target "$target"
}

zip_files() { # zip_files ARCHIVE FILE...
    python3 - "$@" <<'PY'
import sys, zipfile, os
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for f in sys.argv[2:]:
        z.write(f, os.path.basename(f))
PY
}

target=x86_64-pc-windows-gnu
if have "$target" x86_64-w64-mingw32-gcc; then
    build "$target" x86_64-w64-mingw32-gcc
    rm -f "$dist/sanyipi-$target.zip"
    zip_files "$dist/sanyipi-$target.zip" "target/$target/release/sanyipi.exe" README.md
    built+=("$dist/sanyipi-$target.zip")
    if [ "$check" = 1 ]; then
        if command -v wine >/dev/null 2>&1; then
            WINEDEBUG=-all smoke "$target" "target/$target/release/sanyipi.exe" wine
        else
            skipped+=("$target: built, but wine not found to run it (apt-get install wine)")
        fi
    fi
fi

for target in x86_64-unknown-linux-musl aarch64-unknown-linux-musl; do
    cc=musl-gcc
    [ "$target" = aarch64-unknown-linux-musl ] && cc=aarch64-linux-musl-gcc
    if have "$target" "$cc"; then
        build "$target" "$cc"
        tar -czf "$dist/sanyipi-$target.tar.gz" -C "target/$target/release" sanyipi \
            -C "$PWD" README.md
        built+=("$dist/sanyipi-$target.tar.gz")
        bin="target/$target/release/sanyipi"
        if [ "$check" = 1 ] && [ "$target" = x86_64-unknown-linux-musl ]; then
            smoke "$target" "$bin"
        elif [ "$check" = 1 ] && command -v qemu-aarch64 >/dev/null 2>&1; then
            smoke "$target" "$bin" qemu-aarch64
        elif [ "$check" = 1 ]; then
            skipped+=("$target: built, but qemu-aarch64 not found to run it")
        fi
    fi
done

for s in "${skipped[@]}"; do
    echo "skipped: $s" >&2
done
if [ "$check" = 1 ]; then
    echo "release check: ${#built[@]} target(s) built and run, ${#skipped[@]} note(s) above"
    exit 0
fi
if [ "${#built[@]}" = 0 ]; then
    echo "nothing built: install the targets and compilers named above" \
        "(apt-get install gcc-mingw-w64-x86-64 musl-tools; rustup target add ...)" >&2
    exit 1
fi
printf 'built: %s\n' "${built[@]}"
