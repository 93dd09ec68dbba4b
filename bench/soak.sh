#!/usr/bin/env bash
# The soak: `canary schedule` of N one-step canaries on rate(1 minute) against a local nginx for
# S seconds with `--retain R`. Every 30 s it samples the results folder's size and file count,
# the scheduler's RSS and its CPU time; then it prints the samples and three verdicts:
#   store    the largest size after 1.5 × R against the size at 1.5 × R (it should stop growing
#            once retention deletes as much as the runs add; a segment rolls hourly or at 64 MiB,
#            so "stops growing" is within one segment's worth of the plateau)
#   CPU      the scheduler's CPU time over the whole soak, as % of one core (target <= 10%)
#   RSS      the largest RSS in the second half against the first sample after the first minute
#
#   bench/soak.sh [N=10000] [SECONDS=600] [RETAIN=5m]
# Traffic goes to loopback only (nginx on 127.0.0.1 … 127.0.0.64).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
n=${1:-10000}
seconds=${2:-600}
retain=${3:-5m}
# shellcheck disable=SC1091
. bench/common.sh
[ -x /usr/bin/time ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
build_release
start_bench_nginx 64
work=$(mktemp -d)
mkdir -p "$work/canaries"
for i in $(seq 1 "$n"); do
    printf '{name: "c%06d", schedule: "rate(1 minute)", steps: [{request: {url: "%s"}, expect: {status: 200}}]}\n' \
        "$i" "$(bench_url "$i")" > "$work/canaries/c$i.json"
done
results=${CANARY_BENCH_RESULTS:-$work/results}
"$bin" schedule "$work/canaries" --results "$results" --retain "$retain" --jobs 100 > "$work/schedule.log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"; kill "$(cat "$bench_dir/nginx.pid")" 2>/dev/null; rm -rf "$bench_dir"' EXIT
ticks=$(getconf CLK_TCK)
: > "$work/samples"
for ((t = 30; t <= seconds; t += 30)); do
    sleep 30
    kill -0 $pid 2>/dev/null || { echo "canary schedule ended early; its log:" >&2; tail -20 "$work/schedule.log" >&2; exit 1; }
    # utime + stime (fields 14 and 15 of /proc/PID/stat; the name in field 2 has no spaces here).
    cpu=$(awk -v hz="$ticks" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$pid/stat")
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
    bytes=$(du -sb "$results" | cut -f1)
    files=$(find "$results" | wc -l)
    echo "$t $bytes $files $rss $cpu" >> "$work/samples"
done
python3 - "$work/samples" "$seconds" "$retain" "$n" <<'PY'
import re, sys
rows = [list(map(float, line.split())) for line in open(sys.argv[1]) if line.strip()]
seconds, retain, n = float(sys.argv[2]), sys.argv[3], int(sys.argv[4])
unit = {"s": 1, "m": 60, "h": 3600}
match = re.fullmatch(r"(\d+)([smh])", retain)
retain_s = int(match.group(1)) * unit[match.group(2)] if match else 300
print(f"| t (s) | store (MB) | files | RSS (MB) | CPU (s) |")
print(f"|---:|---:|---:|---:|---:|")
for t, size, files, rss, cpu in rows:
    print(f"| {t:.0f} | {size / 1e6:.1f} | {files:.0f} | {rss / 1024:.1f} | {cpu:.1f} |")
plateau_at = 1.5 * retain_s
settled = [r for r in rows if r[0] >= plateau_at]
if settled:
    first, largest = settled[0][1], max(r[1] for r in settled)
    print(f"store: {first / 1e6:.1f} MB at {settled[0][0]:.0f} s, at most {largest / 1e6:.1f} MB after it ({100 * (largest / first - 1):+.1f}%)")
cpu = rows[-1][4]
print(f"CPU: {cpu:.1f} s in {rows[-1][0]:.0f} s = {100 * cpu / rows[-1][0]:.1f}% of one core ({n} canaries on rate(1 minute))")
warm = [r for r in rows if r[0] >= 60]
half = [r for r in rows if r[0] >= seconds / 2]
if warm and half:
    print(f"RSS: {warm[0][3] / 1024:.1f} MB at {warm[0][0]:.0f} s, at most {max(r[3] for r in half) / 1024:.1f} MB in the second half")
PY
