#!/usr/bin/env python3
"""Turns bench/compare.sh's samples into the Markdown table of the README: medians per size and
tool, the ratios the spec's targets are stated in, and the fixed cost of one canary."""
import statistics
import sys
from collections import defaultdict

samples, jobs = sys.argv[1], sys.argv[2]
rows = defaultdict(list)
with open(samples) as f:
    next(f)
    for line in f:
        n, tool, wall, user, sys_, rss = line.rstrip("\n").split("\t")
        rows[(int(n), tool)].append((float(wall), float(user) + float(sys_), int(rss)))


def median(n, tool, i):
    return statistics.median(s[i] for s in rows[(n, tool)])


print(f"| N | tool | wall (s) | canaries/s | µs per canary | × floor | canary faster than it by | peak RSS (MB) | CPU (s) |")
print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
sizes = sorted({n for n, tool in rows if n > 1})
for n in sizes:
    floor = median(n, "floor", 0)
    canary = median(n, "canary", 0)
    for tool in ("canary", "floor", "curl", "blackbox"):
        if (n, tool) not in rows:
            continue
        wall, cpu = median(n, tool, 0), median(n, tool, 1)
        rss = max(s[2] for s in rows[(n, tool)]) / 1024
        faster = "" if tool == "canary" else f"{wall / canary:.1f}×"
        print(f"| {n:,} | {tool} | {wall:.3f} | {n / wall:,.0f} | {wall / n * 1e6:,.0f} | {wall / floor:.2f} | {faster} | {rss:.0f} | {cpu:.2f} |")

if rows[(1, "canary-one")]:
    one, curl = median(1, "canary-one", 0), median(1, "curl-one", 0)
    print()
    print(f"Fixed cost (median of {len(rows[(1, 'canary-one')])}): one canary {one * 1000:.0f} ms, "
          f"one curl {curl * 1000:.0f} ms, difference {(one - curl) * 1000:.0f} ms.")
print()
print(f"J = {jobs} at once; medians of {min(len(v) for k, v in rows.items() if k[0] > 1)} interleaved rounds; "
      "peak RSS is the largest of the rounds; blackbox's wall is N ÷ its probes/s, its CPU the exporter's share.")
