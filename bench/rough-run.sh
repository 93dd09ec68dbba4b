#!/usr/bin/env bash
# A rough first figure (issue 6 builds the real benchmark): `canary run` over N one-step canaries
# (GET a small static file from a local nginx, status assertion), everything recorded.
#   bench/rough-run.sh [N=1000] [JOBS=100]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
n=${1:-1000}
jobs=${2:-100}

[ -x /usr/bin/time ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
scripts/test-servers.sh start
trap 'scripts/test-servers.sh stop' EXIT
# shellcheck disable=SC1091
. .test-servers/env

swift build -c release --product canary >&2
bin="$(swift build -c release --show-bin-path)/canary"

work=$(mktemp -d)
mkdir -p "$work/canaries"
for i in $(seq -w 1 "$n"); do
    printf '{name: "c%s", steps: [{request: {url: "{{site}}/hello.txt"}, expect: {status: 200}}]}\n' "$i" > "$work/canaries/c$i.json"
done
echo "canary run: $n canaries, --jobs $jobs, against $CANARY_TEST_NGINX" >&2
/usr/bin/time -f "wall %e s, user %U s, sys %S s, peak RSS %M KB" \
    "$bin" run "$work/canaries" --var "site=$CANARY_TEST_NGINX" --jobs "$jobs" --results "$work/results" -q
rm -rf "$work"
