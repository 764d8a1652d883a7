#!/usr/bin/env bash
# The Debian sid build root for the release targets (scripts/release.sh): sid carries the Rust
# toolchain with rust-src, mingw-w64, musl-tools and wine 10, which this machine's own Debian
# lacks. Sourced, not run: `. scripts/sid-root.sh` defines
#   sid_root_ensure   makes target/sid-root (debootstrap) and installs the packages, or reuses it
#   sid_run CMD...    runs CMD inside it (as root, in /src = the repository), /proc mounted
#   sid_umount        unmounts what sid_run mounted
# Every failing step says which step failed (sid_fail). Needs root; everything comes from the
# Debian mirror named in this machine's apt sources.
SID_ROOT=${SID_ROOT:-$PWD/target/sid-root}
SID_PACKAGES=(ca-certificates rustc cargo rust-src gcc-mingw-w64-x86-64 musl-tools wine wine64
    python3 curl)
# Bump when SID_PACKAGES or the root's setup changes: a root with another stamp is completed again.
SID_STAMP=2

sid_fail() {
    echo "release: FAILED at step: $*" >&2
    exit 1
}

sid_mirror() {
    local m
    m=$(grep -rhoE 'https?://[^ ]*/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ \
        2>/dev/null | head -n1 | tr -d ' ')
    echo "${m:-http://deb.debian.org/debian}"
}

# The root's /dev is its own few device nodes and a tmpfs /dev/shm, never a bind of the host's
# /dev: a root left mounted by a killed run and then removed with `rm -rf` must not take the
# host's device nodes with it (it once did).
sid_devices() {
    local dev=$SID_ROOT/dev spec name major minor
    mkdir -p "$dev/shm"
    for spec in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
        IFS=: read -r name major minor <<<"$spec"
        [ -c "$dev/$name" ] && continue
        rm -f "$dev/$name"
        mknod -m 666 "$dev/$name" c "$major" "$minor" || sid_fail "mknod $dev/$name"
    done
    # Made once: a run inside the root (smoke.sh runs some in the background) keeps its links.
    for spec in fd: stdin:/0 stdout:/1 stderr:/2; do
        IFS=: read -r name minor <<<"$spec"
        [ -L "$dev/$name" ] || ln -sfn "/proc/self/fd$minor" "$dev/$name"
    done
}

sid_mount() {
    local d
    for d in proc dev src; do mkdir -p "$SID_ROOT/$d"; done
    # A root made by an earlier version had the host's /dev bound here: unmount it first.
    # It was an rbind: made a slave first, so that its unmounting does not reach the host's /dev.
    if mountpoint -q "$SID_ROOT/dev"; then
        mount --make-rslave "$SID_ROOT/dev" && umount -R -l "$SID_ROOT/dev" \
            || sid_fail "unmount the old /dev bind in $SID_ROOT"
    fi
    sid_devices
    mountpoint -q "$SID_ROOT/proc" || mount -t proc proc "$SID_ROOT/proc" || sid_fail "mount /proc in $SID_ROOT"
    mountpoint -q "$SID_ROOT/dev/shm" || mount -t tmpfs -o mode=1777 tmpfs "$SID_ROOT/dev/shm" \
        || sid_fail "mount a tmpfs on /dev/shm in $SID_ROOT"
    mountpoint -q "$SID_ROOT/src" || mount --bind "$PWD" "$SID_ROOT/src" || sid_fail "bind $PWD to $SID_ROOT/src"
    cp -L /etc/resolv.conf "$SID_ROOT/etc/resolv.conf" 2>/dev/null || true
}

sid_umount() {
    local d
    for d in src dev/shm proc; do
        mountpoint -q "$SID_ROOT/$d" 2>/dev/null && umount -l "$SID_ROOT/$d"
    done
    return 0
}

sid_run() {
    sid_mount
    chroot "$SID_ROOT" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/bin \
        LANG=C.UTF-8 "$@"
}

sid_root_ensure() {
    [ "$(id -u)" = 0 ] || sid_fail "the sid build root needs root (debootstrap, mount, chroot)"
    if [ "$(cat "$SID_ROOT/.sanyipi-stamp" 2>/dev/null)" = "$SID_STAMP" ]; then
        echo "release: reusing the sid root $SID_ROOT"
        return 0
    fi
    if ! command -v debootstrap >/dev/null 2>&1; then
        echo "release: installing debootstrap"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq || sid_fail "apt-get update on the host (to install debootstrap)"
        apt-get install -y -qq debootstrap >/dev/null || sid_fail "apt-get install debootstrap"
    fi
    local mirror
    mirror=$(sid_mirror)
    if [ ! -x "$SID_ROOT/usr/bin/apt-get" ]; then
        echo "release: debootstrap sid into $SID_ROOT from $mirror"
        sid_umount
        if findmnt -rn -o TARGET | grep -q "^$SID_ROOT/"; then
            sid_fail "removing the incomplete $SID_ROOT: something is still mounted in it"
        fi
        rm -rf --one-file-system "$SID_ROOT"
        mkdir -p "$SID_ROOT"
        debootstrap --variant=minbase sid "$SID_ROOT" "$mirror" >"$SID_ROOT.log" 2>&1 \
            || sid_fail "debootstrap sid from $mirror (log: $SID_ROOT.log)"
    fi
    # The registries are reached through a proxy with its own CA; the mirror's sid snapshot may be
    # older than its Release file's Valid-Until.
    mkdir -p "$SID_ROOT/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$SID_ROOT/usr/local/share/ca-certificates/" 2>/dev/null || true
    echo 'Acquire::Check-Valid-Until "false";' >"$SID_ROOT/etc/apt/apt.conf.d/99sanyipi"
    echo "deb $mirror sid main" >"$SID_ROOT/etc/apt/sources.list"
    echo "release: installing the toolchain and wine in the sid root"
    sid_run apt-get update -qq || sid_fail "apt-get update inside the sid root ($mirror sid)"
    sid_run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${SID_PACKAGES[@]}" >"$SID_ROOT.apt.log" 2>&1 \
        || sid_fail "apt-get install ${SID_PACKAGES[*]} inside the sid root (log: $SID_ROOT.apt.log)"
    sid_run update-ca-certificates >/dev/null || sid_fail "update-ca-certificates inside the sid root"
    # std for musl links a static libunwind: LLVM's, of rustc's own LLVM major version.
    local llvm
    llvm=$(sid_run rustc -vV | sed -n 's/^LLVM version: \([0-9]*\).*/\1/p')
    [ -n "$llvm" ] || sid_fail "reading rustc's LLVM version inside the sid root"
    sid_run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "libunwind-$llvm-dev" >>"$SID_ROOT.apt.log" 2>&1 \
        || sid_fail "apt-get install libunwind-$llvm-dev inside the sid root (log: $SID_ROOT.apt.log)"
    sid_run apt-get clean || true
    echo "$SID_STAMP" >"$SID_ROOT/.sanyipi-stamp"
}
