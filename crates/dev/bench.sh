#!/bin/sh
# `make bench`: the real check-only `rampart` on generated snapshots of
# growing size. For each size: generate the snapshot (rampart-dev gen), run
# `rampart -v check SNAP --format json --output FILE` RUNS times (default 3) under
# /usr/bin/time, keep the median run by wall time, print one table row:
# wall, CPU (user + sys: on a shared machine the honest number, as wall
# time also counts waiting for a core), peak RSS and the phase split `-v` prints. With ZSTD=1 each
# snapshot is also written as .json.zst and its load time compared.
# Everything goes to DIR (under the cargo target dir), nothing to the repo.
# usage: bench.sh RAMPART RAMPART_DEV DIR INSTANCES...
set -eu
rampart=$1 dev=$2 dir=$3
shift 3
mkdir -p "$dir"
phases="load index paths checks scorecard triage report"
printf '| instances | resources | snapshot MB | wall s | CPU s | peak RSS MB |'
for p in $phases; do printf ' %s ms |' "$p"; done
printf '\n|---|---|---|---|---|---|'
for p in $phases; do printf -- '---|'; done
printf '\n'
run() { # run SNAP: prints "wall_s rss_kb user_s sys_s phase_ms..."
    # A fresh output path each run: replacing the last run's 800 MB report
    # would time the file system freeing it.
    rm -f "$dir/report.json"
    /usr/bin/time -f '%e %M %U %S' -o "$dir/time.txt" \
        "$rampart" -v check "$1" --format json --output "$dir/report.json" 2>"$dir/stderr.txt" || {
        echo "bench: rampart check $1 failed:" >&2; cat "$dir/stderr.txt" >&2; exit 1; }
    line=$(cat "$dir/time.txt")
    for p in $phases; do
        ms=$(sed -n "s/^rampart: timing: $p \([0-9]*\) ms.*$/\1/p" "$dir/stderr.txt")
        line="$line ${ms:-0}"
    done
    echo "$line"
}
runs=${RUNS:-3}
median() { # median SNAP: the middle of RUNS (default 3) runs by wall time
    for _ in $(seq "$runs"); do run "$1"; done | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
}
rm -f "$dir/zstd.txt"
for n in "$@"; do
    snap="$dir/snap-$n.json"
    resources=$("$dev" gen --instances "$n" --out "$snap" 2>/dev/null)
    mb=$(stat -c %s "$snap" | awk '{printf "%.1f", $1 / 1e6}')
    set -- $(median "$snap")
    wall=$1 rss=$(( $2 / 1024 )) cpu=$(echo "$3 $4" | awk '{printf "%.2f", $1 + $2}')
    shift 4
    printf '| %s | %s | %s | %s | %s | %s |' "$n" "$resources" "$mb" "$wall" "$cpu" "$rss"
    load_plain=$1
    for ms in "$@"; do printf ' %s |' "$ms"; done
    printf '\n'
    if [ "${ZSTD:-0}" = 1 ]; then
        "$dev" gen --instances "$n" --out "$snap.zst" >/dev/null 2>&1
        zmb=$(stat -c %s "$snap.zst" | awk '{printf "%.1f", $1 / 1e6}')
        set -- $(median "$snap.zst")
        cpu=$(echo "$3 $4" | awk '{printf "%.2f", $1 + $2}')
        echo "| $n | $mb | $zmb | $load_plain | $5 | $1 | $cpu | $(( $2 / 1024 )) |" >>"$dir/zstd.txt"
    fi
done
if [ -f "$dir/zstd.txt" ]; then
    printf '\nThe same snapshots as .json.zst (zstd level 3):\n\n'
    printf '| instances | JSON MB | .zst MB | load ms (JSON) | load ms (.zst) | wall s | CPU s | peak RSS MB |\n'
    printf '|---|---|---|---|---|---|---|---|\n'
    cat "$dir/zstd.txt"
fi
