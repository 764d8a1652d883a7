#!/usr/bin/env bash
# Builds the release archives for the office's PCs into dist/:
#   sanyipi-x86_64-pc-windows-gnu.zip        (needs: rustup target x86_64-pc-windows-gnu,
#                                              x86_64-w64-mingw32-gcc from gcc-mingw-w64-x86-64)
#   sanyipi-x86_64-unknown-linux-musl.tar.gz (needs: rustup target x86_64-unknown-linux-musl,
#                                              musl-gcc from musl-tools)
#   sanyipi-aarch64-unknown-linux-musl.tar.gz (only if its target and aarch64-linux-musl-gcc exist)
# A target whose toolchain is missing is skipped with a message saying what to install; the
# script fails when nothing could be built. It downloads nothing itself.
set -euo pipefail
cd "$(dirname "$0")/.."

dist=dist
mkdir -p "$dist"
installed=$(rustup target list --installed 2>/dev/null || true)
built=()
skipped=()

# have TARGET CC: whether the Rust target and the C compiler (for the bundled SQLite) are there.
have() {
    local target=$1 cc=$2 ok=1
    if ! grep -qx "$target" <<<"$installed"; then
        skipped+=("$target: Rust target not installed (rustup target add $target)")
        ok=0
    fi
    if ! command -v "$cc" >/dev/null 2>&1; then
        skipped+=("$target: C compiler $cc not found")
        ok=0
    fi
    [ "$ok" = 1 ]
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
fi

for target in x86_64-unknown-linux-musl aarch64-unknown-linux-musl; do
    cc=musl-gcc
    [ "$target" = aarch64-unknown-linux-musl ] && cc=aarch64-linux-musl-gcc
    if have "$target" "$cc"; then
        build "$target" "$cc"
        tar -czf "$dist/sanyipi-$target.tar.gz" -C "target/$target/release" sanyipi \
            -C "$PWD" README.md
        built+=("$dist/sanyipi-$target.tar.gz")
    fi
done

for s in "${skipped[@]}"; do
    echo "skipped: $s" >&2
done
if [ "${#built[@]}" = 0 ]; then
    echo "nothing built: install the targets and compilers named above" \
        "(apt-get install gcc-mingw-w64-x86-64 musl-tools; rustup target add ...)" >&2
    exit 1
fi
printf 'built: %s\n' "${built[@]}"
