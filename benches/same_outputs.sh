#!/bin/sh
# Runs two sanyipi binaries on the same months and compares every output file byte for byte
# (speed work must not change outputs; issue 26). The bundled months run in turn into one output
# folder (2026-09 then 2026-10, so the second sees the first's history); each generated month
# (`examples/gen_scale`, e.g. /tmp/scale2000 holding 2026-10/) runs into its own folder, followed
# by `template` for the next month from its ledger.
#
#   benches/same_outputs.sh BASE_BIN NEW_BIN WORK_DIR [GENERATED_ROOT ...]
#
# Exits 1 and names the files when anything differs. The history file is compared through its
# rows (`sqlite3 .dump`, when sqlite3 is installed), not its bytes.
set -eu
base=$1 new=$2 work=$3
shift 3
here=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$work"
mkdir -p "$work"

run_all() { # BIN NAME
    bin=$1 name=$2
    shift 2
    out="$work/$name/samples"
    for m in 2026-09 2026-10; do
        "$bin" run --input "$here/samples/$m" --month "$m" --as-of "${m}-26" --out "$out" \
            2>&1 | sed "s|$work/$name|OUT|g" >"$work/$name/samples-$m.stdout" || true
    done
    for g in "$@"; do
        tag=$(basename "$g")
        "$bin" run --input "$g/2026-10" --month 2026-10 --as-of 2026-10-26 \
            --out "$work/$name/$tag" 2>&1 | sed "s|$work/$name|OUT|g" >"$work/$name/$tag.stdout" || true
        # The units' pre-filled forms for the next month, after the run (so from its history).
        "$bin" template --ledger "$g/2026-10/重大项目管理台账.xlsx" --month 2026-11 \
            --out "$work/$name/$tag" 2>&1 | sed "s|$work/$name|OUT|g" >"$work/$name/$tag-template.stdout" || true
    done
}

mkdir -p "$work/base" "$work/new"
run_all "$base" base "$@"
run_all "$new" new "$@"

status=0
cd "$work/base"
for f in $(find . -type f ! -name 'history.sqlite*' ! -name '*.lock' | sort); do
    if ! cmp -s "$f" "../new/$f"; then
        echo "differs: $f"
        status=1
    fi
done
cd "$work/new"
for f in $(find . -type f ! -name 'history.sqlite*' ! -name '*.lock' | sort); do
    [ -e "../base/$f" ] || { echo "only in new: $f"; status=1; }
done
if command -v sqlite3 >/dev/null; then
    for h in $(cd "$work/base" && find . -name history.sqlite | sort); do
        if [ "$(sqlite3 "$work/base/$h" .dump)" != "$(sqlite3 "$work/new/$h" .dump)" ]; then
            echo "history differs: $h"
            status=1
        fi
    done
fi
n=$(cd "$work/base" && find . -type f | wc -l)
[ $status = 0 ] && echo "same: $n files"
exit $status
