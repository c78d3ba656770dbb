#!/usr/bin/env python3
"""Streams chat completions over keep-alive connections and reports time to first SSE event and to the last one.

usage: ttfb.py HOST PORT KEY MODEL SECONDS CONCURRENCY [THINK_MS]
THINK_MS: each connection waits a random time (exponential, this mean) before each stream, so the connections do
not stay in step against a fixed-latency upstream (their first events would otherwise reach the proxy together)
prints: RESULT streams=N errors=E ttfb_p50_us=.. ttfb_p99_us=.. last_p50_us=.. gap_max_p50_us=.. content_gap_max_p50_us=..
(content_gap: between events that carry text, leaving out the usage chunk and [DONE] that close the stream)
"""
import http.client
import random
import sys
import threading
import time

host, port, key, model = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
seconds, concurrency = float(sys.argv[5]), int(sys.argv[6])
think = float(sys.argv[7]) / 1000 if len(sys.argv) > 7 else 0.0
body = ('{"model":"%s","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Say something short."}]}' % model).encode()
headers = {"Content-Type": "application/json", "Authorization": "Bearer " + key}
lock = threading.Lock()
firsts, lasts, gaps, content_gaps, errors = [], [], [], [], [0]


def worker(deadline):
    conn = http.client.HTTPConnection(host, port, timeout=30)
    while time.monotonic() < deadline:
        if think > 0:
            time.sleep(random.expovariate(1 / think))
        try:
            t0 = time.perf_counter()
            conn.request("POST", "/v1/chat/completions", body, headers)
            resp = conn.getresponse()
            if resp.status != 200:
                resp.read()
                raise RuntimeError("status %d" % resp.status)
            first = last = last_content = None
            gap = content_gap = 0.0
            while True:
                line = resp.readline()
                if not line:
                    break
                if line.startswith(b"data:"):
                    now = time.perf_counter()
                    if first is None:
                        first = now
                    elif now - last > gap:
                        gap = now - last
                    last = now
                    if b'"content":"' in line and b'"content":""' not in line:
                        if last_content is not None and now - last_content > content_gap:
                            content_gap = now - last_content
                        last_content = now
            if first is None:
                raise RuntimeError("no event")
            with lock:
                firsts.append(first - t0)
                lasts.append(last - t0)
                gaps.append(gap)
                content_gaps.append(content_gap)
        except Exception:
            with lock:
                errors[0] += 1
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=30)
    conn.close()


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))] if s else 0


deadline = time.monotonic() + seconds
threads = [threading.Thread(target=worker, args=(deadline,)) for _ in range(concurrency)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("RESULT streams=%d errors=%d ttfb_p50_us=%d ttfb_p99_us=%d last_p50_us=%d gap_max_p50_us=%d content_gap_max_p50_us=%d" % (
    len(firsts), errors[0], pct(firsts, 50) * 1e6, pct(firsts, 99) * 1e6, pct(lasts, 50) * 1e6, pct(gaps, 50) * 1e6,
    pct(content_gaps, 50) * 1e6))
