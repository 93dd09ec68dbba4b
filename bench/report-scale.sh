#!/usr/bin/env bash
# `canary report` at scale (issue 11 item 4; target: 10,000 canaries x 1,000 runs in <= 5 s and
# <= 256 MB). Generates a results folder of CANARIES x RUNS one-step runs with 1% failing
# (bench/report-store.py; about 620 bytes a run on disk, records exactly as canary writes them).
# The generator writes no summaries: the first `canary report` folds the whole log once into
# summaries.bin (as for a folder written by an older version; timed apart), and the second
# report is the measured one: it reads summaries.bin and folds only what was logged after it.
# Prints sizes, wall seconds and peak RSS of both.
#   bench/report-scale.sh [CANARIES=1000] [RUNS=100]
# CANARY_BENCH_STORE=DIR keeps the generated folder in DIR (10,000 x 1,000 is about 6 GB and
# minutes to generate): it is generated when DIR/runs is missing and reused as it is otherwise,
# its summaries.bin removed first so the first report folds the whole log again.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
canaries=${1:-1000}
runs=${2:-100}
# shellcheck disable=SC1091
. bench/common.sh
[ -x /usr/bin/time ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
build_release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
results=${CANARY_BENCH_STORE:-$work/results}
if [ -z "${CANARY_BENCH_STORE:-}" ] || [ ! -d "$results/runs" ]; then
    mkdir -p "$results"
    /usr/bin/time -f "generated in %e s wall" python3 bench/report-store.py "$results" "$canaries" "$runs"
else
    echo "reusing $results (generated before; its size says for how many runs)"
fi
rm -f "$results/summaries.bin"
echo "results: $(du -sh "$results" | cut -f1) for $canaries canaries x $runs runs"
/usr/bin/time -f "first report (folds the whole log once): %e s wall, %U s user, peak RSS %M KB" "$bin" report --results "$results" -o "$work/report.html"
echo "summaries.bin: $(du -h "$results/summaries.bin" 2>/dev/null | cut -f1 || echo none)"
/usr/bin/time -f "report: %e s wall, %U s user, peak RSS %M KB" "$bin" report --results "$results" -o "$work/report.html"
echo "page: $(du -h "$work/report.html" | cut -f1)"
