#!/usr/bin/env python3
"""Where a tollgate's CPU time goes, by phase of the request, from a JFR recording with JDK 25's CPU-time samples
(jdk.CPUTimeSample: one sample per slice of a thread's CPU time, native frames and syscalls included):

    cpuprofile.py RECORDING.jfr [REQUESTS]

bench/run.sh --jfr records them when tollgate runs on JDK 25+ (TOLLGATE_BENCH_JAVA); on a running tollgate:
jcmd PID JFR.start jdk.CPUTimeSample#enabled=true jdk.CPUTimeSample#throttle=2ms filename=F.jfr, load, JFR.stop.
Each sample counts once, for the first phase whose marker is in its stack (the order below matters: the answer is
written inside the ledger's completion in durable mode). With REQUESTS (how many requests the recording covers) it
also prints samples per 1,000 requests, which compares two recordings of different lengths. Needs `jfr` from the
same JDK on the PATH, or JFR=path/to/jfr. Garbage collection is not in these samples (JFR counts it apart, in
jdk.GCCPUTime).
"""
import collections
import os
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


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    recording = sys.argv[1]
    requests = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    jfr = os.environ.get("JFR", "jfr")
    text = subprocess.run([jfr, "print", "--events", "jdk.CPUTimeSample", "--stack-depth", "120", recording],
                          check=True, capture_output=True, text=True).stdout
    samples = text.split("jdk.CPUTimeSample {")[1:]
    if not samples:
        sys.exit("no jdk.CPUTimeSample events in %s (JDK 25+ with jdk.CPUTimeSample#enabled=true)" % recording)
    counts = collections.Counter()
    for sample in samples:
        counts[next((name for name, markers in PHASES if any(m in sample for m in markers)), "the rest")] += 1
    total = len(samples)
    print("| phase (first match in the sample's stack) | share of CPU samples |"
          + (" samples per 1,000 requests |" if requests else ""))
    print("|---|---:|" + ("---:|" if requests else ""))
    for name in [p[0] for p in PHASES] + ["the rest"]:
        row = f"| {name} | {100.0 * counts[name] / total:.1f} % |"
        print(row + (f" {1000.0 * counts[name] / requests:.1f} |" if requests else ""))
    print(f"| all ({total} samples) | 100 % |" + (f" {1000.0 * total / requests:.1f} |" if requests else ""))


if __name__ == "__main__":
    main()
