#!/usr/bin/env bash
# What screenshots cost (issue 17): the time per screenshot, and their effect on a 1,000-canary
# run with 10% failing on an HTML error page (rendered by default, --screenshot-jobs 2) against
# the same run with --screenshots none. "Passing done" is when the last passing canary's run
# ended, from the run segments: screenshots must not move it.
#
#   bench/screenshots.sh [N=1000] [ROUNDS=3]
#
# Prints one line per figure (medians); raw samples go to bench/out/screenshots.txt. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
rounds=${2:-3}
# shellcheck disable=SC1091
. bench/common.sh
command -v chromium >/dev/null || { echo "bench/screenshots.sh needs chromium (Debian package)" >&2; exit 2; }
build_release
start_bench_nginx 1
out=bench/out
mkdir -p "$out"
work=$(mktemp -d)
trap 'kill "$(cat "$bench_dir/nginx.pid")" 2>/dev/null; rm -rf "$bench_dir" "$work"' EXIT

# N canaries, every tenth failing on the HTML error page; and 10 that all fail, for the per-shot time.
mkdir -p "$work/mixed" "$work/failing"
for i in $(seq -w 1 "$n"); do
    if [ $((10#$i % 10)) -eq 0 ]; then
        printf '{name: "c%s", steps: [{name: "cart", request: {url: "http://127.0.0.1:%s/error.html"}, expect: {status: 500}}]}\n' "$i" "$bench_port"
    else
        printf '{name: "c%s", steps: [{request: {url: "http://127.0.0.1:%s/hello.txt"}, expect: {status: 200}}]}\n' "$i" "$bench_port"
    fi > "$work/mixed/c$i.json"
done
for i in $(seq -w 1 10); do cp "$work/mixed/c$(printf '%0*d' ${#n} $((10#$i * 10))).json" "$work/failing/f$i.json"; done

# run FOLDER MODE JOBS: seconds of the whole run, and seconds until the last passing run ended.
run() {
    local results="$work/results-$RANDOM"
    local started ended
    started=$(date +%s.%N)
    "$bin" run "$1" --results "$results" --screenshots "$2" --screenshot-jobs "$3" -q >/dev/null 2>&1 || true
    ended=$(date +%s.%N)
    python3 - "$results" "$started" "$ended" <<'PY'
import glob, json, sys, datetime
started, ended = float(sys.argv[2]), float(sys.argv[3])
last = started
for line in (line for path in sorted(glob.glob(sys.argv[1] + "/runs/*.jsonl")) for line in open(path)):
    record = json.loads(line)
    if record["passed"]:
        end = datetime.datetime.fromisoformat(record["end"].replace("Z", "+00:00")).timestamp()
        last = max(last, end)
print(f"{ended - started:.2f} {last - started:.2f}")
PY
    rm -rf "$results"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
: > "$out/screenshots.txt"
for _ in $(seq 1 "$rounds"); do
    echo "failing10 none $(run "$work/failing" none 1)" >> "$out/screenshots.txt"
    echo "failing10 shots $(run "$work/failing" failed 1)" >> "$out/screenshots.txt"
    echo "mixed none $(run "$work/mixed" none 2)" >> "$out/screenshots.txt"
    echo "mixed shots $(run "$work/mixed" failed 2)" >> "$out/screenshots.txt"
done
pick() { grep "^$1 $2 " "$out/screenshots.txt" | awk -v c="$3" '{ print $c }' | median; }
per_shot=$(python3 -c "print(f'{($(pick failing10 shots 3) - $(pick failing10 none 3)) / 10:.2f}')")
echo "time per screenshot (one renderer at a time): ${per_shot} s"
echo "$n canaries, 10% failing: --screenshots none $(pick mixed none 3) s; default (failed, 2 renderers) $(pick mixed shots 3) s;" \
     "last passing run ended at $(pick mixed none 4) s vs $(pick mixed shots 4) s"
