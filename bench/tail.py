#!/usr/bin/env python3
"""Where the tail of what tollgate adds comes from: the packet capture of a latency load (as bench/added.py reads it)
against the JVM's safepoint log, and the slow requests grouped into stalls:

    tail.py CAPTURE PROXY_PORT UPSTREAM_PORT SAFEPOINT_LOG [TIMEHIST CLOCK_OFFSET]

SAFEPOINT_LOG is what tollgate writes with `-Xlog:safepoint:file=F:timemillis` (one line per pause, a collector's
included, stamped with the wall clock in ms when it ends); the capture as bench/capture.sh takes it (tcpdump -i lo on
both ports, packets with data), e.g. with `bench/run.sh --serve` and TOLLGATE_BENCH_JAVA_OPTS holding the shipped
options plus the -Xlog option, and wrk's latency load (`bench/lua/chat.lua` ... MODEL50 false 0 50) while tcpdump runs.

Prints: the added p50 / p99 / p99.9 of the plain (not streamed) requests; how many of those adding 1, 2 or 3 ms or
more overlap a pause (their time before the upstream or after it contains one, ±0.5 ms for the log's resolution);
the p99 of the requests that overlap none; and the stalls: the slow phases (before or after the upstream, 2 ms or
more) whose windows overlap or lie within 1 ms of each other, merged, the largest first.

With TIMEHIST, also who had the cores in the stalls of 3 ms or more: TIMEHIST is `perf sched timehist -i F` of a
`perf sched record -k mono -o F` taken over the same window, CLOCK_OFFSET the wall clock minus CLOCK_MONOTONIC in
seconds (`python3 -c 'import time; print(time.time() - time.clock_gettime(time.CLOCK_MONOTONIC))'`, read beside
it). Prints each thread's share of the cores' time in those stalls beside its share over the whole window (a thread
is its name and its process id; `<idle>`: a core with nothing to run), the largest first.
"""
import collections
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import added  # noqa: E402


def pauses(path):
    """(start, end, kind) in seconds of the wall clock, widened by the log's millisecond resolution."""
    found = []
    with open(path) as f:
        for line in f:
            m = re.match(r'\[(\d+)ms\].*Safepoint "([^"]+)".*Total: (\d+) ns', line)
            if m:
                end, took = int(m.group(1)) / 1000.0, int(m.group(3)) / 1e9
                found.append((end - took - 0.0005, end + 0.0005, m.group(2)))
    return found


def merged(windows, gap=0.001):
    """Windows that overlap or lie within gap of each other, as [start, end, how many]."""
    out = []
    for start, end in sorted(windows):
        if out and start <= out[-1][1] + gap:
            out[-1][1] = max(out[-1][1], end)
            out[-1][2] += 1
        else:
            out.append([start, end, 1])
    return out


TIMEHIST_LINE = re.compile(r"\s*(\d+\.\d+)\s+\[\d+\]\s+(.+?)\s+\d+\.\d+\s+\d+\.\d+\s+(\d+\.\d+)\s*$")


def slices(path, offset):
    """(start, end, thread) of each time a thread ran, in seconds of the wall clock, from `perf sched timehist`."""
    found = []
    with open(path) as f:
        for line in f:
            m = TIMEHIST_LINE.match(line)
            if m:
                end, ran = float(m.group(1)) + offset, float(m.group(3)) / 1000
                task = m.group(2)
                pid = re.search(r"\[\d+/(\d+)\]$", task)
                name = re.sub(r"\[[\d/]+\]$", "", task).strip()
                found.append((end - ran, end, f"{name} ({pid.group(1)})" if pid else name))
    return found


def shares(runs, windows):
    """Each thread's share of the cores' time in windows ([start, end, ...]): its time running in them over theirs."""
    ran = collections.Counter()
    for start, end, thread in runs:
        for w in windows:
            overlap = min(end, w[1]) - max(start, w[0])
            if overlap > 0:
                ran[thread] += overlap
    capacity = (os.cpu_count() or 1) * sum(w[1] - w[0] for w in windows)
    return {thread: t / capacity for thread, t in ran.items()}


def main():
    if len(sys.argv) not in (5, 7):
        sys.exit(__doc__)
    capture, proxy, upstream, log = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    stops = pauses(log)
    answered, exchanges = added.exchanges(capture, proxy, upstream)
    rows = []  # (added, request in, upstream out, upstream answer in, answer out, overlaps a pause)
    for answer, up in added.joined(answered, exchanges):
        if up["event"] is not None:
            continue
        windows = ((answer["in"], up["out"]), (up["in"], answer["out"]))
        hit = any(s < e2 and e > s2 for s2, e2 in windows for s, e, _ in stops)
        rows.append((added.added_by(answer, up), answer["in"], up["out"], up["in"], answer["out"], hit))
    if not rows:
        sys.exit("no plain request joined to its upstream exchange in " + capture)
    first, last = min(r[1] for r in rows), max(r[4] for r in rows)
    inside = collections.Counter(kind for s, e, kind in stops if s >= first and e <= last)
    print(f"{len(rows)} requests over {last - first:.1f} s; pauses in that time: {dict(inside)}")
    ordered = sorted(r[0] for r in rows)
    print("added p50 / p99 / p99.9: " + " / ".join(
        f"{added.percentile(ordered, p) * 1000:.2f}" for p in (50, 99, 99.9)) + " ms")
    for ms in (1, 2, 3):
        slow = [r for r in rows if r[0] * 1000 >= ms]
        print(f"adding {ms} ms or more: {len(slow)} ({100 * len(slow) / len(rows):.2f} %), "
              f"{sum(1 for r in slow if r[5])} of them overlapping a pause")
    clean = sorted(r[0] for r in rows if not r[5])
    print(f"p99 of the {len(clean)} requests that overlap no pause: {added.percentile(clean, 99) * 1000:.2f} ms "
          f"({sum(1 for r in rows if r[5])} overlap one)")
    phases = [(r[1], r[2]) for r in rows if r[2] - r[1] >= 0.002] + [(r[3], r[4]) for r in rows if r[4] - r[3] >= 0.002]
    stalls = merged(phases)
    print(f"stalls (slow phases of 2 ms or more, merged): {len(stalls)}, "
          f"{sum(e - s for s, e, _ in stalls) * 1000:.0f} ms in all; the largest:")
    for start, end, count in sorted(stalls, key=lambda s: -s[2])[:6]:
        print(f"  at +{start - first:.3f} s, {1000 * (end - start):.1f} ms, {count} slow phases")
    if len(sys.argv) == 7:
        runs = slices(sys.argv[5], float(sys.argv[6]))
        large = [s for s in stalls if s[1] - s[0] >= 0.003]
        if not runs:
            sys.exit(f"no scheduler slice in {sys.argv[5]}")
        if not large:
            sys.exit("no stall of 3 ms or more")
        inside, overall = shares(runs, large), shares(runs, [(first, last)])
        print(f"who had the cores in the {len(large)} stalls of 3 ms or more (share of the cores' time in them; "
              f"over the whole window):")
        for thread, share in sorted(inside.items(), key=lambda t: -t[1])[:15]:
            print(f"  {thread:40s} {100 * share:5.1f} %  ({100 * overall.get(thread, 0):.1f} %)")


if __name__ == "__main__":
    main()
