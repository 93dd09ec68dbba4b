#!/usr/bin/env bash
# What browser canaries cost (issue 21): runs per second and memory of `canary run` with
# --browser-jobs 2 over N simple browser canaries (open a page, check its title and a text),
# and whether memory grows over the run. The rate counts from the first finished run, so
# Chromium's start is left out ("once Chromium is up"). Memory is the proportional set size
# (PSS: shared pages split between the processes sharing them, so Chromium's processes are not
# counted many times over) of canary and every process under it (Chromium's browser, GPU,
# network and renderer processes), sampled every 0.5 s.
#
#   bench/browser.sh [N=500] [JOBS=2]
#
# Prints one line per figure; samples go to bench/out/browser.txt. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-500}
jobs=${2:-2}
# shellcheck disable=SC1091
. bench/common.sh
command -v chromium >/dev/null || { echo "bench/browser.sh needs chromium (Debian package)" >&2; exit 2; }
build_release
start_bench_nginx 1
out=bench/out
mkdir -p "$out"
work=$(mktemp -d)
trap 'kill "$(cat "$bench_dir/nginx.pid")" 2>/dev/null; rm -rf "$bench_dir" "$work"' EXIT
printf '<!DOCTYPE html><html><head><title>Shop</title></head><body><h1 id="h">Open</h1><script>document.getElementById("h").textContent = "Open today";</script></body></html>\n' > "$bench_dir/www/page.html"

mkdir -p "$work/canaries"
for i in $(seq -w 1 "$n"); do
    printf '{name: "b%s", steps: [{name: "page", browser: {url: "http://127.0.0.1:%s/page.html"}, expect: {title: "Shop", text: {"#h": {contains: "today"}}}}]}\n' "$i" "$bench_port" > "$work/canaries/b$i.json"
done

"$bin" run "$work/canaries" --results "$work/results" --browser-jobs "$jobs" -q >"$work/run.log" 2>&1 &
pid=$!
python3 - "$pid" > "$out/browser.txt" <<'PY'
import os, sys, time
root = int(sys.argv[1])
def tree_pss(pid):
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit(): continue
        try:
            parent = int(open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        children.setdefault(parent, []).append(int(entry))
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            for line in open(f"/proc/{p}/smaps_rollup"):
                if line.startswith("Pss:"): total += int(line.split()[1])
        except OSError:
            pass
        stack += children.get(p, [])
    return total
start = time.time()
while os.path.exists(f"/proc/{root}") and open(f"/proc/{root}/stat").read().split()[2] != "Z":
    print(f"{time.time() - start:.1f} {tree_pss(root)}", flush=True)
    time.sleep(0.5)
PY
wait "$pid" || true
python3 - "$work/results" "$out/browser.txt" "$n" "$jobs" <<'PY'
import datetime, glob, json, sys
records = [json.loads(line) for path in sorted(glob.glob(sys.argv[1] + "/runs/*.jsonl")) for line in open(path)]
ends = sorted(datetime.datetime.fromisoformat(r["end"].replace("Z", "+00:00")).timestamp() for r in records)
passed = sum(r["passed"] for r in records)
samples = [tuple(map(float, line.split())) for line in open(sys.argv[2]) if line.strip()]
rate = (len(ends) - 1) / (ends[-1] - ends[0]) if len(ends) > 1 else 0
peak = max(rss for _, rss in samples) / 1024
# Growth: the highest memory in the second fifth of the run against the last fifth.
span = samples[-1][0]
def high(lo, hi): return max((rss for t, rss in samples if lo * span <= t <= hi * span), default=0) / 1024
print(f"{len(records)} browser canaries ({passed} passed), --browser-jobs {sys.argv[4]}: {rate:.2f} runs/s once Chromium is up")
print(f"memory (PSS) of canary + Chromium: peak {peak:.0f} MB; highest in the 2nd fifth {high(0.2, 0.4):.0f} MB, in the last fifth {high(0.8, 1.0):.0f} MB")
PY
