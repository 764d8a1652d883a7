#!/usr/bin/env bash
# Smoke test of the release binaries: `scripts/smoke.sh EXE STATIC` (scripts/release.sh --check
# calls it). The same commands run on the bundled samples twice, once with the static Linux
# binary STATIC on this machine and once with the Windows EXE under Debian sid's wine 10 (inside
# target/sid-root, prefix target/wine-prefix): --version, check, run, run --force, weekly,
# template, annual, rules export + check with the rules turned to CRLF, serve (page, history and
# check fetched on 127.0.0.1 with the token; refused without it). Every output file and every
# printed text must be the same bytes in both (printed text after turning `\` into `/`: paths);
# exit codes too. The Windows side is given `\` paths and Chinese folder names. Then, under wine
# only: two `run`s of one month at once (one records it, the other waits for the history lock,
# then refuses), and a double-click (no arguments, started in C:\windows\system32): the page
# starts, with its data beside the exe, not in system32. Prints what differs and fails.
set -euo pipefail
cd "$(dirname "$0")/.."
exe=${1:?usage: scripts/smoke.sh EXE STATIC}
bin=${2:?usage: scripts/smoke.sh EXE STATIC}
. scripts/sid-root.sh
trap sid_umount EXIT
trap 'exit 130' INT TERM HUP

work=target/smoke
rm -rf "$work"
mkdir -p "$work/linux" "$work/windows" "$work/in"
cp -r samples/2026-09 samples/2026-10 "$work/in/"
cp "$exe" "$work/sanyipi.exe"
cp "$bin" "$work/sanyipi"
failed=()
fail() {
    echo "smoke: FAILED: $*" >&2
    failed+=("$*")
}

# wine_sh SCRIPT: runs the sh SCRIPT inside the sid root, in /src/$work/windows, with `w` a
# function running the exe under wine.
wine_sh() {
    sid_run env WINEPREFIX=/src/target/wine-prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" \
        PATH=/usr/bin:/bin:/usr/lib/x86_64-linux-gnu/wine XDG_RUNTIME_DIR=/tmp/xdg \
        sh -c "mkdir -p -m 700 /tmp/xdg && cd /src/$work/windows &&
            w() { wine /src/$work/sanyipi.exe \"\$@\"; } && { $1
}"
}

# step NAME LINUX_ARGS WINDOWS_ARGS: one command on both sides; its stdout, stderr and exit
# code are kept in $work/{linux,windows}/NAME.{out,err,code}.
step() {
    local name=$1 largs=$2 wargs=$3
    (
        cd "$work/linux"
        code=0
        eval "../sanyipi $largs" >"$name.out" 2>"$name.err" || code=$?
        echo "$code" >"$name.code"
    )
    wine_sh "w $wargs >$name.out 2>$name.err; echo \$? >$name.code" || true
    local side
    for side in linux windows; do
        tr '\\' '/' <"$work/$side/$name.err" >"$work/$side/$name.err.norm"
        tr '\\' '/' <"$work/$side/$name.out" >"$work/$side/$name.out.norm"
    done
    for f in code out.norm err.norm; do
        cmp -s "$work/linux/$name.$f" "$work/windows/$name.$f" \
            || fail "$name: the $f differs (diff $work/linux/$name.$f $work/windows/$name.$f)"
    done
    echo "smoke: $name: exit $(cat "$work/linux/$name.code") on both"
}

if [ ! -f target/wine-prefix/system.reg ]; then
    echo "smoke: making the wine prefix target/wine-prefix"
    wine_sh "wineboot -i >/dev/null 2>&1; wineserver -w" || sid_fail "wineboot in target/wine-prefix"
fi

m='--month 2026-10 --as-of 2026-10-25'
step version "--version" "--version"
c='--month 2026-10'   # check takes no --as-of
step check "check --input ../in/2026-10 $c" "check --input '..\\in\\2026-10' $c"
step run "run --input ../in/2026-10 $m --out 输出" "run --input '..\\in\\2026-10' $m --out 输出"
step run-again "run --input ../in/2026-10 $m --out 输出" "run --input '..\\in\\2026-10' $m --out 输出"
step run-force "run --input ../in/2026-10 $m --out 输出 --force" \
    "run --input '..\\in\\2026-10' $m --out 输出 --force"
step weekly "weekly --input ../in/2026-10 --week 2026-10-12 --as-of 2026-10-25 --out 输出" \
    "weekly --input '..\\in\\2026-10' --week 2026-10-12 --as-of 2026-10-25 --out 输出"
step template "template --ledger ../in/2026-10/重大项目管理台账.xlsx --month 2026-11 --out 输出" \
    "template --ledger '..\\in\\2026-10\\重大项目管理台账.xlsx' --month 2026-11 --out 输出"
step annual "annual --year 2026 --out 输出" "annual --year 2026 --out 输出"
step tasks "tasks --out 输出 --as-of 2026-10-25" "tasks --out 输出 --as-of 2026-10-25"
step tasks-close "tasks close 镇督查〔2026〕1号-1 --date 2026-10-26 --out 输出" \
    "tasks close 镇督查〔2026〕1号-1 --date 2026-10-26 --out 输出"
step tasks-all "tasks --out 输出 --as-of 2026-10-27 --all" "tasks --out 输出 --as-of 2026-10-27 --all"
grep -q '已销号' "$work/windows/tasks-all.out" || fail "tasks close did not close the task under wine"
step export "rules export 规则" "rules export 规则"
# Rules edited in Notepad: CRLF line ends; read the same as the shipped ones.
for side in linux windows; do
    find "$work/$side/规则" -type f -name '*.toml' -exec sed -i 's/$/\r/' {} +
done
grep -q $'\r$' "$work/windows/规则/scoring.toml" || fail "the CRLF rules were not made"
step rules-crlf "rules check 规则" "rules check 规则"
step check-crlf "check --input ../in/2026-10 $c --rules 规则" \
    "check --input '..\\in\\2026-10' $c --rules 规则"
# The first line names the rules folder; the rest must be the same, but for the rules files a
# hint names (规则\units.toml there; of the built-in rules, 内置规则 units.toml with how to
# export them to edit, said at its first mention in a line).
cmp -s <(tail -n +2 "$work/windows/check.out") \
    <(tail -n +2 "$work/windows/check-crlf.out" |
        sed 's#规则\\\([a-z_\\]*\.toml\)#内置规则 \1（可用 sanyipi rules export 导出后修改）#; s#规则\\\([a-z_\\]*\.toml\)#内置规则 \1#g; s#\(内置规则 [a-z_]*\)\\#\1/#g') \
    || fail "check with CRLF rules prints otherwise than with the built-in rules"

# Every file written, same bytes; an xlsx or docx may differ only in its zip headers' "made by"
# host (the zip crate writes the build target's: fat on Windows, unx on Linux), so those are
# compared part by part.
same_zip() {
    python3 - "$1" "$2" <<'PY'
import sys, zipfile
a, b = (zipfile.ZipFile(p) for p in sys.argv[1:3])
same = a.namelist() == b.namelist() and all(a.read(n) == b.read(n) for n in a.namelist())
sys.exit(0 if same else 1)
PY
}
# same_tree LINUX WINDOWS REPORT: every file of both folders the same (zips part by part; the
# history records the input folder as given, `..\in\2026-10` on Windows: a path inside, left
# out), differences listed in REPORT.
same_tree() {
    local lin=$1 win=$2 report=$3 f rel
    : >"$report"
    while IFS= read -r -d '' f; do
        rel=${f#"$lin/"}
        case $rel in history.sqlite | *.lock) continue ;; esac
        if [ ! -f "$win/$rel" ]; then
            echo "only on Linux: $rel" >>"$report"
        elif ! cmp -s "$f" "$win/$rel"; then
            case $rel in
            *.xlsx | *.docx) same_zip "$f" "$win/$rel" && continue ;;
            esac
            echo "differs: $rel" >>"$report"
        fi
    done < <(find "$lin" -type f -print0)
    [ "$(find "$win" -type f ! -name '*.lock' | wc -l)" = "$(find "$lin" -type f ! -name '*.lock' | wc -l)" ] \
        || echo "not the same number of files" >>"$report"
    [ ! -s "$report" ]
}
same_tree "$work/linux/输出" "$work/windows/输出" "$work/outputs.diff" \
    || fail "the output folders differ: $work/outputs.diff"

files=$(find "$work/windows/输出" -type f | wc -l)
[ "$files" -gt 20 ] || fail "only $files output files written under wine"
echo "smoke: $files output files, the same on Windows and Linux (xlsx and docx part by part)"

# serve_fetch SIDE: fetches the page, the history and a check from the running server whose
# first printed lines are in $work/SIDE/serve.out; writes SIDE/serve-*.
serve_fetch() {
    local side=$1 url port token i
    for i in $(seq 1 120); do
        url=$(grep -ao 'http://127.0.0.1:[0-9]*/?t=[0-9a-zA-Z_-]*' "$work/$side/serve.out" 2>/dev/null | head -n1 || true)
        [ -n "$url" ] && break
        sleep 1
    done
    [ -n "$url" ] || { fail "serve on $side printed no URL"; return; }
    port=${url#http://127.0.0.1:}
    port=${port%%/*}
    token=${url#*\?t=}
    curl -sS -o "$work/$side/serve-page.html" -w '%{http_code}\n' "$url" >"$work/$side/serve-status" || true
    curl -sS -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$port/" >>"$work/$side/serve-status" || true
    curl -sS -o "$work/$side/serve-history.json" -w '%{http_code}\n' \
        "http://127.0.0.1:$port/api/history?t=$token" >>"$work/$side/serve-status" || true
    curl -sS -o "$work/$side/serve-check.json" -w '%{http_code}\n' \
        "http://127.0.0.1:$port/api/check?month=2026-10&t=$token" >>"$work/$side/serve-status" || true
}
mkdir -p "$work/linux/数据" "$work/windows/数据"
cp -r samples/2026-10 "$work/linux/数据/"
cp -r samples/2026-10 "$work/windows/数据/"
(cd "$work/linux" && exec ../sanyipi serve --port 0 --no-open --data 数据 --out 输出 >serve.out 2>serve.err) &
lpid=$!
serve_fetch linux
kill "$lpid" 2>/dev/null || true
wine_sh "exec wine /src/$work/sanyipi.exe serve --port 0 --no-open --data 数据 --out 输出 >serve.out 2>serve.err" &
wpid=$!
serve_fetch windows
wine_sh "wineserver -k" || true
wait "$wpid" 2>/dev/null || true
wait "$lpid" 2>/dev/null || true
[ "$(tr '\n' ' ' <"$work/linux/serve-status")" = "200 403 200 200 " ] \
    || fail "serve on Linux answered $(tr '\n' ' ' <"$work/linux/serve-status") (want 200 403 200 200)"
for f in serve-status serve-page.html serve-history.json serve-check.json; do
    # Paths written inside (the check report names the folder) use the system's separator.
    cmp -s <(sed 's/\\\\/\//g' "$work/linux/$f") <(sed 's/\\\\/\//g' "$work/windows/$f") \
        || fail "serve: $f differs between Linux and Windows"
done
echo "smoke: serve: page, history and check the same on both; refused without the token"

# The history lock under wine: two runs of one month at once.
wine_sh "w run --input '..\\in\\2026-09' --month 2026-09 --as-of 2026-09-25 --out 并发 >a.out 2>a.err & a=\$!;
    w run --input '..\\in\\2026-09' --month 2026-09 --as-of 2026-09-25 --out 并发 >b.out 2>b.err; echo \$? >b.code;
    wait \$a; echo \$? >a.code" || true
codes=$(cat "$work/windows/a.code" "$work/windows/b.code" 2>/dev/null | sort | tr '\n' ' ' || true)
if [ "$codes" != "0 2 " ]; then
    fail "two runs at once under wine exited $codes (want 0 and 2): $(cat "$work/windows/a.err" "$work/windows/b.err")"
elif ! cat "$work/windows/a.err" "$work/windows/b.err" | grep -q 已有考核记录; then
    fail "the second of two runs at once did not refuse the recorded month"
else
    echo "smoke: two runs at once under wine: one recorded the month, the other refused it"
fi
(cd "$work/linux" && ../sanyipi run --input ../in/2026-09 --month 2026-09 --as-of 2026-09-25 \
    --out 并发 >/dev/null 2>&1) || true
same_tree "$work/linux/并发/2026-09" "$work/windows/并发/2026-09" "$work/concurrent.diff" \
    || fail "the month recorded by two runs at once differs from a single run's: $work/concurrent.diff"

# A double-click: no arguments, started in system32 as a shortcut may start it.
mkdir -p "$work/双击"
cp "$exe" "$work/双击/sanyipi.exe"
wine_sh "cd /src/target/wine-prefix/drive_c/windows/system32 &&
    exec wine /src/$work/双击/sanyipi.exe >/src/$work/双击/console.out 2>&1" &
wpid=$!
for i in $(seq 1 120); do
    grep -q 'http://127.0.0.1' "$work/双击/console.out" 2>/dev/null && break
    sleep 1
done
sleep 2
wine_sh "wineserver -k" || true
wait "$wpid" 2>/dev/null || true
grep -q 'http://127.0.0.1:[0-9]*/?t=' "$work/双击/console.out" || fail "a double-click did not start the page"
grep -q '关闭此窗口' "$work/双击/console.out" || fail "a double-click's window does not say how to stop"
grep -q '双击.data' "$work/双击/console.out" || fail "a double-click does not keep its data beside the exe"
[ -d "$work/双击/data" ] && [ -d "$work/双击/out" ] || fail "a double-click made no data and out folders beside the exe"
if ls target/wine-prefix/drive_c/windows/system32 | grep -qx 'data\|out'; then
    fail "a double-click wrote into system32"
fi
echo "smoke: double-click: $(grep -a '保存在' "$work/双击/console.out" | head -n1)"

if [ ${#failed[@]} -gt 0 ]; then
    echo "smoke: ${#failed[@]} failure(s):" >&2
    printf '  %s\n' "${failed[@]}" >&2
    exit 1
fi
echo "smoke: all passed"
