#!/usr/bin/env bash
# The performance benchmark (spec section 7): N one-step canaries (GET a 3-byte file from a local
# nginx, status assertion) run four ways, interleaved round by round, medians reported:
#   canary     `canary run` with everything recorded (run.json, HAR, snapshots, run segments,
#              state.json, metrics.prom: the default)
#   floor      bench/floor.c: the same GETs through one libcurl multi handle, nothing recorded
#   curl       `curl --parallel --parallel-max J` with `Connection: close`
#   blackbox   prometheus-blackbox-exporter probing the same URLs, driven by wrk with J
#              connections; its wall time is N divided by the probes per second wrk measured
# Every connection is fresh. Then the fixed cost: `canary run` of one canary against one `curl`.
# A size N spreads the canaries over 64 loopback addresses; N:1 sends them all to one address
# (one host:port, as many canaries of one service are). For canary the table also gives the files
# and folders its first round created in the results folder, and every tool's peak RSS.
#
#   bench/compare.sh [SIZES="100 1000 2000:1 10000"] [ROUNDS=3] [J=100]
#   bench/compare.sh 100000 1                                      (the 100,000 case: minutes)
#   CANARY_BENCH_RESULTS=/dev/shm/canary-bench bench/compare.sh    (record somewhere else)
#
# Prints a Markdown table; raw samples go to bench/out/. Traffic goes to loopback only.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
sizes=${1:-100 1000 2000:1 10000}
rounds=${2:-3}
jobs=${3:-100}
addresses=64

need=()
for tool in wrk:wrk prometheus-blackbox-exporter:prometheus-blackbox-exporter /usr/bin/time:time \
    cc:gcc curl:curl python3:python3; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || need+=("${tool#*:}")
done
dpkg -s libcurl4-openssl-dev >/dev/null 2>&1 || need+=(libcurl4-openssl-dev)
if ((${#need[@]})); then
    echo "installing ${need[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# shellcheck disable=SC1091
. bench/common.sh
build_release
out=bench/out
mkdir -p "$out"
cc -O2 -o "$out/floor" bench/floor.c -lcurl
start_bench_nginx "$addresses"
work=$(mktemp -d)
blackbox_pid=
# Where canary records. By default a fresh ext4 (made like this machine's disk: no journal) on a
# loop device, so the figure does not depend on what the disk went through before: on ext4
# without a journal, creating files soon after many were deleted is slow (the inode allocator
# skips inodes deleted in the last minutes), and one earlier `rm -rf` of 50,000 run folders
# made the same run 2-3 times slower. CANARY_BENCH_RESULTS=DIR records there instead.
results_root=${CANARY_BENCH_RESULTS:-}
image=
if [ -z "$results_root" ] && [ "$(id -u)" != 0 ]; then
    results_root="$work/results"    # mounting needs root
fi
if [ -z "$results_root" ]; then
    image="$work/results.img"
    results_root="$work/results-fs"
    mkdir -p "$results_root"
    truncate -s 8G "$image"
    mkfs.ext4 -q -F -O ^has_journal "$image"
    mount -o loop "$image" "$results_root"
    results_label="a fresh ext4 file system (no journal, loop device)"
else
    mkdir -p "$results_root"
    results_label="$results_root"
fi
cleanup() {
    [ -z "$blackbox_pid" ] || kill "$blackbox_pid" 2>/dev/null || true
    kill "$(cat "$bench_dir/nginx.pid")" 2>/dev/null || true
    [ -z "$image" ] || umount "$results_root" 2>/dev/null || true
    rm -rf "$bench_dir" "$work"
}
trap cleanup EXIT
samples="$out/samples.tsv"
printf 'case\ttool\twall_s\tuser_s\tsys_s\trss_kb\tcreated\n' > "$samples"

# The inputs for case N or N:K (K addresses instead of all 64): canary files, a URL list for the
# floor, a config file for curl.
prepare() {
    local case=$1 n=${1%%:*} k=$addresses i url
    [ "$case" = "$n" ] || k=${case#*:}
    mkdir -p "$work/$case/canaries"
    : > "$work/$case/urls"
    : > "$work/$case/curl.config"
    for ((i = 0; i < n; i++)); do
        url="http://127.0.0.$((i % k + 1)):$bench_port/hello.txt"    # bench_url without a fork
        printf '{name: "c%06d", steps: [{request: {url: "%s"}, expect: {status: 200}}]}\n' "$i" "$url" \
            > "$work/$case/canaries/c$i.json"
        printf '%s\n' "$url" >> "$work/$case/urls"
        printf 'url = "%s"\noutput = "/dev/null"\n' "$url" >> "$work/$case/curl.config"
    done
}

# timed CASE TOOL CREATED CMD...: runs CMD under /usr/bin/time and appends a sample (CREATED: the
# files and folders it created, or - when not counted).
timed() {
    local n=$1 tool=$2 created=$3
    shift 3
    # /usr/bin/time gives CPU and peak RSS; its wall clock has only centiseconds, so take our own.
    local start=$EPOCHREALTIME wall user sys rss
    /usr/bin/time -f '%U %S %M' -o "$work/time" "$@"
    wall=$(python3 -c "print(f'{$EPOCHREALTIME - $start:.4f}')")
    read -r user sys rss < "$work/time"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$tool" "$wall" "$user" "$sys" "$rss" "$created" >> "$samples"
}

# Each size records into one results folder across its rounds, as cron does into ./results: the
# first round also creates the canary folders. Nothing is deleted until the end: on ext4 without
# a journal (this machine's disk), creating files soon after deleting many is slow (the inode
# allocator skips inodes deleted in the last minutes), and deletes would slow the next sample.
# Issue 11's target: a passing run is appends, not inodes (a few dozen entries at most): the
# files and folders under the results folder are counted before and after each run.
run_canary() {
    local case=$1 round=$2 n=${1%%:*} recorded before after
    mkdir -p "$results_root/$case"
    before=$(find "$results_root/$case" -mindepth 1 | wc -l)
    timed "$case" canary - "$bin" run "$work/$case/canaries" --jobs "$jobs" --results "$results_root/$case" -q
    after=$(find "$results_root/$case" -mindepth 1 | wc -l)
    sed -i '$ s/-$/'"$((after - before))"'/' "$samples"
    recorded=$(cat "$results_root/$case"/runs*.jsonl "$results_root/$case"/runs/*.jsonl 2>/dev/null | grep -c '"passed":true' || true)
    [ "$recorded" = $((n * round)) ] || { echo "canary run: $recorded passing runs recorded of $((n * round))" >&2; exit 1; }
    [ "$round" = 1 ] && echo "  files and folders created by $n passing runs: $((after - before))" >&2
    return 0
}

run_floor() {
    local case=$1 n=${1%%:*}
    timed "$case" floor - "$out/floor" "$work/$case/urls" "$jobs" > "$work/floor.out"
    grep -qx "ok $n failed 0" "$work/floor.out" || { echo "floor: $(cat "$work/floor.out")" >&2; exit 1; }
}

run_curl() {
    local case=$1 n=${1%%:*} ok
    timed "$case" curl - curl --no-progress-meter --parallel --parallel-max "$jobs" -s -H 'Connection: close' \
        -w '%{http_code}\n' --config "$work/$case/curl.config" > "$work/curl.out"
    ok=$(grep -cx 200 "$work/curl.out")
    [ "$ok" = "$n" ] || { echo "curl: $ok of $n answered 200" >&2; exit 1; }
}

# blackbox_exporter: a fresh exporter per sample (so its peak RSS is this sample's), probed by
# wrk for long enough to make about N probes, each to the next of the K addresses.
run_blackbox() {
    local case=$1 n=${1%%:*} k=$addresses port seconds
    [ "$case" = "$n" ] || k=${case#*:}
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
    cat > "$work/blackbox.yml" <<EOF
modules:
  http_2xx:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
EOF
    prometheus-blackbox-exporter --config.file="$work/blackbox.yml" --web.listen-address="127.0.0.1:$port" \
        --log.level=error > "$work/blackbox.log" 2>&1 &
    blackbox_pid=$!
    for _ in $(seq 1 50); do curl -fsS -o /dev/null "http://127.0.0.1:$port/metrics" 2>/dev/null && break; sleep 0.1; done
    cat > "$work/probe.lua" <<EOF
local threads = {}
function setup(thread) table.insert(threads, thread); thread:set("id", #threads) end
function init(args) counter = (id or 0) * 7919; failed = 0 end
function request()
    counter = counter + 1
    local path = string.format("/probe?module=http_2xx&target=http://127.0.0.%d:$bench_port/hello.txt", counter % $k + 1)
    return wrk.format("GET", path)
end
function response(status, headers, body)
    if status ~= 200 or not body:find("\nprobe_success 1") then failed = failed + 1 end
end
function done(summary, latency, requests)
    local total = 0
    for _, t in ipairs(threads) do total = total + t:get("failed") end
    io.write(string.format("probes %d failed %d seconds %.3f\n", summary.requests, total, summary.duration / 1e6))
end
EOF
    seconds=$(( n / 2000 + 1 ))
    local before after
    before=$(awk '{print $14 + $15}' "/proc/$blackbox_pid/stat")
    wrk -t2 -c "$jobs" -d "${seconds}s" -s "$work/probe.lua" "http://127.0.0.1:$port" > "$work/wrk.out"
    after=$(awk '{print $14 + $15}' "/proc/$blackbox_pid/stat")
    local rss
    rss=$(awk '/VmHWM/ {print $2}' "/proc/$blackbox_pid/status")
    kill "$blackbox_pid"; wait "$blackbox_pid" 2>/dev/null || true; blackbox_pid=
    local probes failed secs
    read -r _ probes _ failed _ secs < <(grep '^probes ' "$work/wrk.out")
    [ "$failed" = 0 ] && [ "$probes" -gt 0 ] || { echo "blackbox: $probes probes, $failed failed" >&2; exit 1; }
    # Scale to N probes: wall from the rate, CPU (exporter only) in proportion.
    python3 - "$case" "$probes" "$secs" "$before" "$after" "$rss" "$(getconf CLK_TCK)" >> "$samples" <<'PY'
import sys
case, probes, secs, before, after, rss, tick = sys.argv[1:]
n, probes, secs = int(case.split(":")[0]), int(probes), float(secs)
cpu = (int(after) - int(before)) / int(tick) * n / probes
print(f"{case}\tblackbox\t{n / (probes / secs):.3f}\t{cpu:.3f}\t0\t{rss}\t-")
PY
}

for n in $sizes; do
    prepare "$n"
    echo "N=$n: $rounds rounds of canary, floor, curl, blackbox (J=$jobs)" >&2
    for r in $(seq 1 "$rounds"); do
        run_canary "$n" "$r"; run_floor "$n"; run_curl "$n"; run_blackbox "$n"
        echo "  round $r done; sockets in TIME_WAIT: $(ss -tan state time-wait | tail -n +2 | wc -l)" >&2
    done
done

# The fixed cost: one canary against one curl call, interleaved, 20 each.
one=$work/one
mkdir -p "$one/canaries"
printf '{name: "one", steps: [{request: {url: "%s"}, expect: {status: 200}}]}\n' "$(bench_url 0)" > "$one/canaries/one.json"
for _ in $(seq 1 20); do
    timed 1 canary-one - "$bin" run "$one/canaries" --results "$results_root/one" -q
    timed 1 curl-one - curl -s -o /dev/null "$(bench_url 0)"
done

python3 bench/table.py "$samples" "$jobs"
echo
echo "canary recorded to $results_label."
