#!/usr/bin/env python3
"""What tollgate measures of itself over a window, from two scrapes of its /q/metrics (before and after):

    selftime.py BEFORE AFTER

- self_p50_us / self_p99_us: percentiles of tollgate_gateway_overhead_seconds over the window, the time from its
  handler's start to the answer's end minus the upstream's part (the histogram's buckets, interpolated linearly
  inside the bucket as Prometheus' histogram_quantile does). Not in it: the wait before the event loop reads the
  request, and before it reads the upstream's answer, which the packet capture (bench/added.py) counts.
- gc_pauses / gc_pause_ms: the collector's pauses in the window and their sum (jvm_gc_pause_seconds).
Prints one line of key=value pairs.
"""
import re
import sys

SAMPLE = re.compile(r'^([a-z_]+)(?:\{([^}]*)\})? ([0-9.eE+-]+|NaN)$')


def scrape(path):
    buckets, gc = {}, {"count": 0.0, "sum": 0.0}
    for line in open(path):
        m = SAMPLE.match(line.strip())
        if not m:
            continue
        name, labels, value = m.group(1), m.group(2) or "", float(m.group(3))
        if name == "tollgate_gateway_overhead_seconds_bucket":
            le = re.search(r'le="([^"]+)"', labels).group(1)
            buckets[float("inf") if le == "+Inf" else float(le)] = value
        elif name in ("jvm_gc_pause_seconds_count", "jvm_gc_pause_seconds_sum"):
            gc[name.rsplit("_", 1)[1]] += value
    return buckets, gc


def quantile(q, bounds, counts):
    """histogram_quantile over cumulative counts per upper bound."""
    total = counts[-1] if counts else 0  # no histogram scraped (tollgate not answering): nan
    if total <= 0:
        return float("nan")
    rank, lower, below = q * total, 0.0, 0.0
    for bound, count in zip(bounds, counts):
        if count >= rank:
            if bound == float("inf"):
                return lower
            return lower + (bound - lower) * (rank - below) / max(count - below, 1e-12)
        lower, below = bound, count
    return lower


def main(before, after):
    b0, g0 = scrape(before)
    b1, g1 = scrape(after)
    bounds = sorted(b1)
    counts = [b1[le] - b0.get(le, 0.0) for le in bounds]
    fields = {
        "self_p50_us": quantile(0.50, bounds, counts) * 1e6,
        "self_p99_us": quantile(0.99, bounds, counts) * 1e6,
        "gc_pauses": g1["count"] - g0["count"],
        "gc_pause_ms": (g1["sum"] - g0["sum"]) * 1e3,
    }
    print(" ".join(f"{k}={v:.0f}" if k.endswith("_us") or k == "gc_pauses" else f"{k}={v:.1f}"
                   for k, v in fields.items()))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
