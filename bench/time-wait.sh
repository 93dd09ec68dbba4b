#!/usr/bin/env bash
# Local ports left in TIME_WAIT per N canaries (issue 18). Each binary runs N one-step canaries
# at --jobs 100 in a network namespace of its own (scripts/narrow-ports-netns: its own nginx,
# 20,000 local ports), then counts the namespace's TIME_WAIT sockets on our side (towards the
# target's port: each holds one of our local ports for 60 s) and on the target's side.
#   bench/time-wait.sh [N=1000] [BINARY...]    (default: the release build of this checkout)
# Needs root (unshare -n). Example, before and after a change:
#   bench/time-wait.sh 1000 /work/main/.build/debug/canary .build/debug/canary
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
n=${1:-1000}
shift || true
# shellcheck disable=SC1091
. bench/common.sh
binaries=("$@")
if [ ${#binaries[@]} -eq 0 ]; then
    build_release
    binaries=("$bin")
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
make_canaries "$n" "$work/canaries"
printf '%-50s %10s %14s %16s\n' binary canaries "our TIME_WAIT" "target TIME_WAIT"
for binary in "${binaries[@]}"; do
    mkdir -p "$work/ns"
    counts=$(unshare -n scripts/narrow-ports-netns "$work/ns" 20000 bash -c '
        "$0" run "$1" --jobs 100 --results "$2" --quiet --var "site=$CANARY_NETNS_SITE" >/dev/null 2>&1 || true
        ours=$(ss -Htan state time-wait "( dport = :8080 )" | wc -l)
        theirs=$(ss -Htan state time-wait "( sport = :8080 )" | wc -l)
        echo "$ours $theirs"' "$binary" "$work/canaries" "$work/results-$RANDOM")
    read -r ours theirs <<<"$counts"
    printf '%-50s %10s %14s %16s\n' "$binary" "$n" "$ours" "$theirs"
done
