#!/usr/bin/env python3
"""Where a tollgate's CPU time goes, by phase of the request, from a JFR recording with JDK 25's CPU-time samples
(jdk.CPUTimeSample: one sample per slice of a thread's CPU time, native frames and syscalls included), or from
async-profiler's collapsed stacks (bench/profile.sh: every thread, kernel frames included):

    cpuprofile.py RECORDING.jfr|STACKS.collapsed [REQUESTS]

bench/run.sh --jfr records them when tollgate runs on JDK 25+ (TOLLGATE_BENCH_JAVA); on a running tollgate:
jcmd PID JFR.start jdk.CPUTimeSample#enabled=true jdk.CPUTimeSample#throttle=2ms filename=F.jfr, load, JFR.stop.
Each sample counts once, for the first phase whose marker is in its stack (the order below matters: the answer is
written inside the ledger's completion in durable mode). With REQUESTS (how many requests the recording covers) it
also prints samples per 1,000 requests, which compares two recordings of different lengths. Needs `jfr` from the
same JDK on the PATH, or JFR=path/to/jfr. Garbage collection is not in these samples (JFR counts it apart, in
jdk.GCCPUTime). Collapsed stacks (one line per stack, `[thread tid=N];frame;...;frame COUNT`, as async-profiler's
`collapsed,threads` output) are also split by thread and by kind (kernel frames, the collector, the JIT), and the
phases are then those of the event loops' samples.
"""
import collections
import os
import re
import subprocess
import sys

PHASES = [
    ("the ledger's write (UsageRecorder.kick, the PostgreSQL client)",
     ["UsageRecorder.kick", "UsageRecorder.insert", "UsageRecorder.lambda$insert", "io.vertx.pgclient", "io.vertx.sqlclient"]),
    ("the answer written (Http1xServerResponse.end)", ["Http1xServerResponse.end"]),
    ("the upstream's answer read", ["Http1xClientConnection.handle", "HttpClientResponseImpl"]),
    ("the client's request read, key check, limits, request prepared",
     ["Http1xServerConnection.handle", "ProxyHandler.handle", "ProxyHandler.authenticate", "ProxyHandler.prepare"]),
    ("the upstream request written", ["Http1xClientConnection$StreamImpl.writeHead", "HttpClientRequestImpl.send"]),
    ("the guard (SmallRye Fault Tolerance)", ["io.smallrye.faulttolerance"]),
    ("waiting in epoll_wait (entering and leaving it)", ["EPoll.wait", "NioEventLoop.select"]),
]


def phase_of(stack):
    return next((name for name, markers in PHASES if any(m in stack for m in markers)), "the rest")


def table(title, counts, total, requests, names=None):
    print(f"| {title} | share of CPU samples |" + (" samples per 1,000 requests |" if requests else ""))
    print("|---|---:|" + ("---:|" if requests else ""))
    for name in names if names is not None else [n for n, _ in counts.most_common()]:
        row = f"| {name} | {100.0 * counts[name] / total:.1f} % |"
        print(row + (f" {1000.0 * counts[name] / requests:.1f} |" if requests else ""))
    print(f"| all ({total} samples) | 100 % |" + (f" {1000.0 * total / requests:.1f} |" if requests else ""))


def jfr_samples(recording):
    jfr = os.environ.get("JFR", "jfr")
    text = subprocess.run([jfr, "print", "--events", "jdk.CPUTimeSample", "--stack-depth", "120", recording],
                          check=True, capture_output=True, text=True).stdout
    samples = text.split("jdk.CPUTimeSample {")[1:]
    if not samples:
        sys.exit("no jdk.CPUTimeSample events in %s (JDK 25+ with jdk.CPUTimeSample#enabled=true)" % recording)
    return samples


def collapsed(path, requests):
    """async-profiler's collapsed stacks with threads: by thread, by kind, the event loops' phases, the top frames."""
    threads, kinds, phases, leaves = (collections.Counter() for _ in range(4))
    total = 0
    with open(path) as f:
        for line in f:
            stack, count = line.rstrip("\n").rsplit(" ", 1)
            count = int(count)
            total += count
            stack = stack.replace("/", ".")
            frames = stack.split(";")
            thread = re.sub(r"[-_ ]?\d*( tid=\d+)?$", "", frames[0].strip("[]"))
            threads[thread] += count
            loop = thread.startswith("vert.x-eventloop-thread")
            kernel = any(fr.endswith("_[k]") for fr in frames)
            if any("epoll_wait" in fr or "EPoll.wait" in fr for fr in frames):
                kind = "waiting in epoll_wait (entering and leaving it)"
            elif kernel:
                kind = "in the kernel (system calls; on loopback the peer's receive too)"
            elif not loop:
                kind = "other threads, user space (collector, JIT, VM)"
            else:
                kind = "event loops, user space (Java, the JVM's stubs)"
            kinds[kind] += count
            if loop:
                phases[phase_of(stack)] += count
            leaves[frames[-1]] += count
    if not total:
        sys.exit("no samples in %s" % path)
    table("thread", threads, total, requests, [n for n, _ in threads.most_common(6)])
    print()
    table("kind (first match: epoll_wait, then any kernel frame)", kinds, total, requests)
    print()
    table("the event loops' samples, by phase (first match in the stack)", phases, sum(phases.values()), requests,
          [p[0] for p in PHASES] + ["the rest"])
    print()
    print("| top frame (the sampled function itself) | share of CPU samples |")
    print("|---|---:|")
    for name, count in leaves.most_common(12):
        print(f"| `{name}` | {100.0 * count / total:.1f} % |")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    recording = sys.argv[1]
    requests = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    if not recording.endswith(".jfr"):
        collapsed(recording, requests)
        return
    samples = jfr_samples(recording)
    counts = collections.Counter(phase_of(sample) for sample in samples)
    table("phase (first match in the sample's stack)", counts, len(samples), requests,
          [p[0] for p in PHASES] + ["the rest"])


if __name__ == "__main__":
    main()
