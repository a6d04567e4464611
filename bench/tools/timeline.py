#!/usr/bin/env python3
"""Where in a window the slow requests were: reads an h2load per-request log (--log-file: start in
µs since the epoch, status, latency in µs; bench/windows.sh keeps one per window) and prints the
percentiles, how many requests at or above p99 started in each 250 ms of the window, the median
latency per 250 ms, and the first requests' median (those that waited for the connections' set-up).

  bench/tools/timeline.py /tmp/aralez-windows-bench/aralez/w1.txt.log
"""
import collections
import sys


def main(path):
    rows = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3:
                rows.append((int(parts[0]), int(parts[2])))
    if not rows:
        sys.exit(f"{path}: no requests")
    t0 = min(start for start, _ in rows)
    lat = sorted(d for _, d in rows)
    n = len(lat)

    def q(p):
        return lat[min(n - 1, int(n * p))] / 1000

    p99 = lat[min(n - 1, int(n * 0.99))]
    print(f"{n} requests: p50 {q(0.5):.2f} p90 {q(0.9):.2f} p99 {q(0.99):.2f} "
          f"p99.7 {q(0.997):.2f} max {lat[-1] / 1000:.2f} ms")
    by_slot = collections.defaultdict(list)
    for start, d in rows:
        by_slot[(start - t0) // 250_000].append(d)
    slots = range(max(by_slot) + 1)
    print("at or above p99, per 250 ms (by start):",
          " ".join(str(sum(1 for d in by_slot[s] if d >= p99)) for s in slots))
    print("median ms per 250 ms:",
          " ".join(f"{sorted(by_slot[s])[len(by_slot[s]) // 2] / 1000:.0f}" if by_slot[s] else "-"
                   for s in slots))
    first = sorted(d for start, d in rows if start - t0 < 50_000)
    if first:
        print(f"started in the first 50 ms: {len(first)}, median {first[len(first) // 2] / 1000:.1f} ms")


if __name__ == "__main__":
    main(sys.argv[1])
