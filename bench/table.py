#!/usr/bin/env python3
"""Turns bench/compare.sh's samples into the Markdown table of the README: medians per size and
tool, the ratios the spec's targets are stated in, and the fixed cost of one canary."""
import statistics
import sys
from collections import defaultdict

samples, jobs = sys.argv[1], sys.argv[2]
rows = defaultdict(list)
created = defaultdict(list)
with open(samples) as f:
    next(f)
    for line in f:
        case, tool, wall, user, sys_, rss, made = line.rstrip("\n").split("\t")
        rows[(case, tool)].append((float(wall), float(user) + float(sys_), int(rss)))
        if made != "-":
            created[(case, tool)].append(int(made))


def size(case):
    """A case is N (canaries over all the addresses) or N:K (over K addresses)."""
    return int(case.split(":")[0])


def label(case):
    n, _, k = case.partition(":")
    return f"{int(n):,}" + (f" (to {k} address{'es' if k != '1' else ''})" if k else "")


def median(n, tool, i):
    return statistics.median(s[i] for s in rows[(n, tool)])


print(f"| N | tool | wall (s) | canaries/s | µs per canary | × floor | canary faster than it by | peak RSS (MB) | CPU (s) | files+folders created |")
print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
cases = sorted({case for case, tool in rows if size(case) > 1}, key=lambda c: (size(c), c))
for case in cases:
    n = size(case)
    floor = median(case, "floor", 0)
    canary = median(case, "canary", 0)
    for tool in ("canary", "floor", "curl", "blackbox"):
        if (case, tool) not in rows:
            continue
        wall, cpu = median(case, tool, 0), median(case, tool, 1)
        rss = max(s[2] for s in rows[(case, tool)]) / 1024
        faster = "" if tool == "canary" else f"{wall / canary:.1f}×"
        made = f"{created[(case, tool)][0]:,}" if created[(case, tool)] else ""
        print(f"| {label(case)} | {tool} | {wall:.3f} | {n / wall:,.0f} | {wall / n * 1e6:,.0f} | {wall / floor:.2f} | {faster} | {rss:.0f} | {cpu:.2f} | {made} |")

if rows[("1", "canary-one")]:
    one, curl = median("1", "canary-one", 0), median("1", "curl-one", 0)
    print()
    print(f"Fixed cost (median of {len(rows[('1', 'canary-one')])}): one canary {one * 1000:.0f} ms, "
          f"one curl {curl * 1000:.0f} ms, difference {(one - curl) * 1000:.0f} ms.")
print()
print(f"J = {jobs} at once; medians of {min(len(v) for k, v in rows.items() if size(k[0]) > 1)} interleaved rounds; "
      "peak RSS is the largest of the rounds; blackbox's wall is N ÷ its probes/s, its CPU the exporter's share; "
      "files+folders created: by canary's first round in its results folder.")
