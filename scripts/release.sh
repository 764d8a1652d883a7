#!/usr/bin/env bash
# Builds the release for the office's PCs into dist/, from the locked dependencies:
#   sanyipi-VERSION-x86_64-pc-windows-gnu.zip       sanyipi.exe (Windows 10/11, 64-bit) + README.md
#   sanyipi-VERSION-x86_64-unknown-linux-musl.tar.gz sanyipi, static (UOS, Kylin, any x86_64 Linux)
#   SHA256SUMS                                       the SHA-256 of both archives and both binaries
# This machine's Rust has only the glibc standard library, so the builds run in a Debian sid root
# (target/sid-root, made by debootstrap from the Debian mirror of this machine's apt sources; see
# scripts/sid-root.sh) whose rustc builds std from rust-src (-Zbuild-std), linking with mingw-w64
# and musl-gcc. The root, the crates (target/sid-cargo) and the build folders (target/cross*) are
# kept, so a second run only rebuilds what changed. Needs root.
#
# `scripts/release.sh --check` (CI) builds the same, then runs scripts/smoke.sh: every command on
# the bundled samples with the exe under sid's wine and with the static binary on this machine,
# compared byte for byte. Any step that fails fails the script, naming the step.
# `scripts/release.sh --prepare` only makes the sid root and fetches the crates (.ci/run starts it
# first, in the background: it mostly waits on the network while the tests use the cores).
set -euo pipefail
cd "$(dirname "$0")/.."
check=0 prepare=0
case ${1:-} in
--check) check=1 ;;
--prepare) prepare=1 ;;
"") ;;
*) echo "usage: scripts/release.sh [--check | --prepare]" >&2 && exit 2 ;;
esac

. scripts/sid-root.sh
# What a killed run left mounted is unmounted first; a signal ends the script through its EXIT
# trap too, so the root is not left mounted.
sid_umount
trap sid_umount EXIT
trap 'exit 130' INT TERM HUP

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
[ -n "$version" ] || sid_fail "reading the version from Cargo.toml"
sid_root_ensure
if [ "$prepare" = 1 ]; then
    # The crates too, so that the builds need no network.
    sid_run env CARGO_HOME=/src/target/sid-cargo sh -c "cd /src && cargo fetch --locked" \
        || sid_fail "cargo fetch --locked (inside $SID_ROOT)"
    echo "release: the sid root is ready"
    exit 0
fi

# cross_dir TARGET: the build folder of TARGET (one each, so that two builds can run at once).
cross_dir() {
    case $1 in
    *-windows-gnu) echo target/cross ;;
    *) echo "target/cross-${1%%-*}-${1##*-}" ;;
    esac
}

# cross_build TARGET: cargo build --release of TARGET inside the sid root.
cross_build() {
    local target=$1 t=${1//-/_} var
    var=$(tr 'a-z-' 'A-Z_' <<<"$target")
    local envs=(RUSTC_BOOTSTRAP=1 CARGO_HOME=/src/target/sid-cargo "CARGO_TARGET_DIR=/src/$(cross_dir "$target")"
        CARGO_TERM_COLOR=never)
    case $target in
    *-windows-gnu)
        envs+=("CARGO_TARGET_${var}_LINKER=x86_64-w64-mingw32-gcc"
            "CC_$t=x86_64-w64-mingw32-gcc" "AR_$t=x86_64-w64-mingw32-ar")
        ;;
    *-linux-musl)
        musl_unwind
        envs+=("CARGO_TARGET_${var}_LINKER=musl-gcc" "CC_$t=musl-gcc" "AR_$t=ar"
            "CARGO_TARGET_${var}_RUSTFLAGS=-C link-self-contained=no -L native=/src/target/cross/musl-unwind -C link-arg=-lgcc")
        ;;
    esac
    echo "release: building $target (inside the sid root)"
    local start=$SECONDS
    sid_run env "${envs[@]}" sh -c "cd /src && nice -n 10 cargo build --release --locked \
        -Zbuild-std=std,panic_abort -Zchecksum-freshness --target $target" \
        || sid_fail "cargo build --release --target $target (inside $SID_ROOT)"
    echo "release: $target built in $((SECONDS - start)) s"
}

# -lgcc: the C of mimalloc calls compiler helpers such as __popcountdi2, which the link of a
# -nodefaultlibs static binary does not bring otherwise.
# Debian's LLVM libunwind.a was built against glibc and calls two fortified stdio functions musl
# lacks: a copy of it with two forwarding functions added.
musl_unwind() {
    local dir=target/cross/musl-unwind
    [ -f "$dir/libunwind.a" ] && return 0
    mkdir -p "$dir"
    cat >"$dir/chk.c" <<'C'
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
int __vfprintf_chk(FILE *f, int flag, const char *fmt, va_list ap) {
    (void)flag;
    return vfprintf(f, fmt, ap);
}
int __vsnprintf_chk(char *s, size_t n, int flag, size_t len, const char *fmt, va_list ap) {
    (void)flag; (void)len;
    return vsnprintf(s, n, fmt, ap);
}
C
    sid_run sh -c 'cd /src/target/cross/musl-unwind && cp /usr/lib/llvm-*/lib/libunwind.a . \
        && musl-gcc -O2 -c chk.c -o chk.o && ar rs libunwind.a chk.o' \
        || sid_fail "preparing libunwind.a for musl (LLVM's libunwind-N-dev, musl-gcc)"
}

# pack TARGET BINARY ARCHIVE: the archive of BINARY and README.md.
pack() {
    local target=$1 bin=$2 archive=$3 stage
    stage=$(mktemp -d)
    cp "$bin" README.md "$stage/"
    rm -f "$archive"
    case $archive in
    *.zip) (cd "$stage" && python3 -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for f in sys.argv[2:]: z.write(f)' "$OLDPWD/$archive" "$(basename "$bin")" README.md) ;;
    *) tar -czf "$archive" -C "$stage" "$(basename "$bin")" README.md ;;
    esac || sid_fail "packing $archive"
    rm -rf "$stage"
}

total=$SECONDS
win=x86_64-pc-windows-gnu
musl=x86_64-unknown-linux-musl
cross_build $win
cross_build $musl
exe=$(cross_dir $win)/$win/release/sanyipi.exe
bin=$(cross_dir $musl)/$musl/release/sanyipi
file "$bin" 2>/dev/null | grep -q 'statically linked\|static-pie' \
    || ldd "$bin" 2>&1 | grep -q 'not a dynamic\|statically linked' \
    || sid_fail "checking that $bin is static (ldd lists libraries)"

mkdir -p dist
pack $win "$exe" "dist/sanyipi-$version-$win.zip"
pack $musl "$bin" "dist/sanyipi-$version-$musl.tar.gz"
cp "$exe" "dist/sanyipi-$version-$win.exe"
cp "$bin" "dist/sanyipi-$version-$musl"
(cd dist && sha256sum "sanyipi-$version-$win.zip" "sanyipi-$version-$musl.tar.gz" \
    "sanyipi-$version-$win.exe" "sanyipi-$version-$musl" >SHA256SUMS)
echo "release: built in $((SECONDS - total)) s:"
sed 's/^/  /' dist/SHA256SUMS

if [ "$check" = 1 ]; then
    start=$SECONDS
    scripts/smoke.sh "$exe" "$bin" || sid_fail "the smoke test (scripts/smoke.sh)"
    echo "release: smoke test passed in $((SECONDS - start)) s"
fi
