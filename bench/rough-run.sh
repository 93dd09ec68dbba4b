#!/usr/bin/env bash
# A rough first figure (issue 6 builds the real benchmark): `canary run` over N one-step canaries
# (GET a small static file from a local nginx, status assertion), everything recorded.
#   bench/rough-run.sh [N=1000] [JOBS=100]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
n=${1:-1000}
jobs=${2:-100}

# shellcheck disable=SC1091
. bench/common.sh
start_target
build_release
work=$(mktemp -d)
make_canaries "$n" "$work/canaries"
echo "canary run: $n canaries, --jobs $jobs, against $CANARY_TEST_NGINX" >&2
/usr/bin/time -f "wall %e s, user %U s, sys %S s, peak RSS %M KB" \
    "$bin" run "$work/canaries" --var "site=$CANARY_TEST_NGINX" --jobs "$jobs" --results "$work/results" -q
rm -rf "$work"
