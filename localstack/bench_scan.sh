#!/usr/bin/env bash
# bench_scan.sh: the scan benchmark behind `make bench-scan`.
#
#   bench_scan.sh RAMPART_BINARY [OUT_DIR]
#
# Starts its own moto server on loopback, seeds the demo account, then the
# large one (localstack/seed_large.py), and scans each at several --max-rps
# caps. Per scan: wall time, rampart's own CPU time and peak RSS
# (/usr/bin/time -v), the emulator's CPU time during the scan (utime+stime
# of the moto process from /proc/PID/stat, all threads), and the API calls
# the snapshot counted. Results: a table on stdout and OUT_DIR/results.tsv;
# snapshots and the -v call tables stay in OUT_DIR.
#
# BENCH_RUNS (default 3) scans per row, the median run is reported.
# BENCH_RPS (default "10 100 1000") the caps tried; 10 is rampart's default.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
RAMPART="${1:?usage: bench_scan.sh RAMPART_BINARY [OUT_DIR]}"
OUT="${2:-$REPO/target/bench-scan}"
RUNS="${BENCH_RUNS:-3}"
RPS_LIST="${BENCH_RPS:-10 100 1000}"
PY="$REPO/.venv-emu/bin/python"
[[ -x "$RAMPART" ]] || { echo "bench_scan: no rampart binary at $RAMPART" >&2; exit 2; }
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
STATE="$OUT/emu"
mkdir -p "$STATE"

export NO_PROXY="127.0.0.1,localhost" no_proxy="127.0.0.1,localhost"
URL="$("$HERE/emu" start --state-dir "$STATE")"
trap '"$HERE/emu" stop --state-dir "$STATE" >/dev/null 2>&1 || true' EXIT
MOTO_PID="$(cat "$STATE/moto.pid")"
CLK="$(getconf CLK_TCK)"

export AWS_ENDPOINT_URL="$URL" AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1

# CPU ticks (user + system, every thread) of the moto server so far. The
# command name in /proc/PID/stat is in parentheses and may hold spaces:
# count fields after the last ')'.
moto_ticks() {
    sed -E 's/.*\) //' "/proc/$MOTO_PID/stat" | awk '{print $12 + $13}'
}

# scan NAME RPS: one scan; prints "wall_s cpu_s rss_mb emu_s calls".
scan() {
    local name="$1" rps="$2" t0 t1
    t0="$(moto_ticks)"
    /usr/bin/time -v -o "$OUT/$name.time" "$RAMPART" scan --region us-east-1 --region eu-west-1 \
        --max-rps "$rps" --out "$OUT/$name.json" -q >/dev/null
    t1="$(moto_ticks)"
    "$PY" - "$OUT/$name.time" "$OUT/$name.json" "$t0" "$t1" "$CLK" <<'EOF'
import json, sys
timef, snapf, t0, t1, clk = sys.argv[1:]
v = {}
for line in open(timef):
    k, _, val = line.strip().rpartition(": ")
    v[k] = val
h, m, s = (["0"] + v["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":"))[-3:]
wall = int(h) * 3600 + int(m) * 60 + float(s)
cpu = float(v["User time (seconds)"]) + float(v["System time (seconds)"])
rss = int(v["Maximum resident set size (kbytes)"]) / 1024
emu = (int(t1) - int(t0)) / int(clk)
snap = json.load(open(snapf))
assert not snap["collection_errors"], snap["collection_errors"]
print(f"{wall:.2f} {cpu:.2f} {rss:.0f} {emu:.2f} {sum(snap['api_calls'].values())}")
EOF
}

# row ACCOUNT RPS: RUNS scans, the median by wall time.
row() {
    local account="$1" rps="$2" i results=()
    for ((i = 1; i <= RUNS; i++)); do
        results+=("$(scan "$account-rps$rps-$i" "$rps")")
    done
    local median
    median="$(printf '%s\n' "${results[@]}" | sort -n -k1,1 | sed -n "$(((RUNS + 1) / 2))p")"
    printf '%s\t%s\t%s\n' "$account" "$rps" "${median// /$'\t'}" | tee -a "$OUT/results.tsv"
}

printf 'account\tmax_rps\twall_s\trampart_cpu_s\trampart_peak_rss_mb\temulator_cpu_s\tapi_calls\n' |
    tee "$OUT/results.tsv"

"$HERE/emu" seed demo --endpoint "$URL" --manifest "$OUT/demo.manifest.json" >/dev/null
for rps in $RPS_LIST; do row demo "$rps"; done
"$RAMPART" -v summary "$OUT/demo-rps10-1.json" >"$OUT/demo.calls.txt"

"$HERE/emu" reset --endpoint "$URL" >/dev/null
start=$SECONDS
"$PY" "$HERE/seed_large.py" --endpoint "$URL" --manifest "$OUT/large.manifest.json"
echo "bench_scan: large account seeded in $((SECONDS - start)) s" >&2
for rps in $RPS_LIST; do row large "$rps"; done
"$RAMPART" -v summary "$OUT/large-rps10-1.json" >"$OUT/large.calls.txt"
echo "bench_scan: call tables in $OUT/demo.calls.txt and $OUT/large.calls.txt" >&2
