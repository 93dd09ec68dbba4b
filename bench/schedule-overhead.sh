#!/usr/bin/env bash
# Scheduler overhead: N canaries on rate(1 minute) against a local nginx under `canary schedule`
# for S seconds, versus the same N canaries run the same number of times by `canary run`
# (the transfers and recording alone). The difference is what the scheduler itself costs.
#   bench/schedule-overhead.sh [N=1000] [SECONDS=180]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
n=${1:-1000}
seconds=${2:-180}
# shellcheck disable=SC1091
. bench/common.sh
start_target
build_release
work=$(mktemp -d)
make_canaries "$n" "$work/canaries" "rate(1 minute)"
/usr/bin/time -f "%U %S" -o "$work/schedule.cpu" "$bin" schedule "$work/canaries" --var "site=$CANARY_TEST_NGINX" \
    --jobs 100 --results "$work/schedule-results" > "$work/schedule.log" &
pid=$!
sleep "$seconds"
kill -TERM "$(pgrep -P $pid canary || echo $pid)" 2>/dev/null || true
wait $pid || true
runs=$(cat "$work/schedule-results"/runs/*.jsonl | grep -c .)
rounds=$(( (runs + n - 1) / n ))
: > "$work/run.cpu"
for _ in $(seq 1 "$rounds"); do
    /usr/bin/time -f "%U %S" -a -o "$work/run.cpu" "$bin" run "$work/canaries" --var "site=$CANARY_TEST_NGINX" \
        --jobs 100 --results "$work/run-results" -q > /dev/null
done
read -r su ss < "$work/schedule.cpu"
python3 - "$seconds" "$runs" "$su" "$ss" "$work/run.cpu" <<'PY'
import sys
seconds, runs, su, ss, runcpu = float(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
run = sum(float(a) + float(b) for a, b in (line.split() for line in open(runcpu) if line.strip()))
sched = su + ss
print(f"schedule: {runs} runs in {seconds:.0f} s, CPU {sched:.2f} s ({100*sched/seconds:.2f}% of one core)")
print(f"run, same canaries as often: CPU {run:.2f} s")
print(f"scheduler beyond the transfers: {sched-run:.2f} s CPU = {100*(sched-run)/seconds:.2f}% of one core")
PY
rm -rf "$work"
