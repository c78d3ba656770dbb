#!/usr/bin/env python3
"""Turns run.sh's raw measurements into the markdown results file. usage: report.py RAW"""
import statistics
import sys
from collections import defaultdict

meta, rows = {}, []
with open(sys.argv[1]) as f:
    in_rows = False
    for line in f:
        line = line.rstrip("\n")
        if line == "---":
            in_rows = True
        elif not in_rows:
            # "a=1 b=2" holds several values; any other line is one key and the rest of the line
            parts = line.split(" ")
            for part in parts if all("=" in p for p in parts) else [line]:
                k, _, v = part.partition("=")
                meta[k] = v
        elif line:
            phase, *pairs = line.split(" ")
            row = {"phase": phase}
            for p in pairs:
                k, _, v = p.partition("=")
                row[k] = v
            rows.append(row)


def num(row, k):
    try:
        return float(row[k])
    except (KeyError, ValueError):
        return float("nan")


def rps(row):
    return num(row, "requests") / (num(row, "duration_us") / 1e6)


def cpu_us(row):
    n = num(row, "requests")
    return num(row, "cpu_ticks") / num(row, "hz") * 1e6 / n if n else float("nan")


def med(values):
    values = [v for v in values if v == v]
    return statistics.median(values) if values else float("nan")


def by_round(phase):
    out = defaultdict(dict)
    for r in rows:
        if r["phase"] == phase:
            out[r["round"]][r["target"]] = r
    return [v for _, v in sorted(out.items(), key=lambda kv: int(kv[0])) if len(v) == len(T)]


def fmt(v, digits=0):
    if v != v:
        return "n/a"
    return f"{v:,.{digits}f}"


# with --baseline, a second tollgate built from an earlier commit ran in the same rounds
BASE = meta.get("baseline")
T = ("sim", "nginx", "tollgate") + (("baseline",) if BASE else ())
sat, lat, ttfb = by_round("saturation"), by_round("latency"), by_round("ttfb")
s_rps = {t: med([rps(r[t]) for r in sat]) for t in T}
s_cpu = {t: med([cpu_us(r[t]) for r in sat]) for t in T}
cpu_ratio = med([cpu_us(r["tollgate"]) / cpu_us(r["nginx"]) for r in sat])
rps_ratio = med([rps(r["tollgate"]) / rps(r["nginx"]) for r in sat])
errors = sum(int(num(r[t], "errors") + num(r[t], "non2xx")) for r in sat + lat for t in T)
l_rps = {t: med([rps(r[t]) for r in lat]) for t in T}
l_cpu = {t: med([cpu_us(r[t]) for r in lat]) for t in T}
l50 = {t: med([num(r[t], "p50_us") for r in lat]) / 1000 for t in T}
l99 = {t: med([num(r[t], "p99_us") for r in lat]) / 1000 for t in T}
# what a proxy adds to each request, from the packet capture taken during its latency measurement (bench/added.py):
# per request, its time minus its upstream exchange's, so the upstream's own jitter is taken out
cap = {t: {k: med([num(r[t], f"{k}_us") for r in lat]) / 1000
           for k in ("added_p50", "added_p99", "before_p50", "after_p50", "before_p99", "after_p99")} for t in T}
# and per stream, from the capture taken while ttfb.py ran: added to the first event, and the end after the upstream's
scap = {t: {k: med([num(r[t], f"{k}_us") for r in ttfb]) / 1000
            for k in ("first_event_p50", "first_event_p99", "last_event_p50", "last_event_p99")} for t in T}
# what tollgate measured of itself in the same windows (bench/selftime.py): its handler's time, and its collector's
# pauses, as a share of the window's time (a run before these fields has none: n/a)
own = {t: {k: med([num(r[t], k) for r in lat]) for k in ("self_p50_us", "self_p99_us")} for t in T}
paused = {t: med([num(r[t], "gc_pause_ms") * 1000 / num(r[t], "duration_us") * 100 for r in lat]) for t in T}
pauses = {t: med([num(r[t], "gc_pauses") for r in lat]) for t in T}
joined = {t: sum(num(r[t], "joined") for r in lat) for t in T}
answers = {t: sum(num(r[t], "answers") for r in lat) for t in T}
f50 = {t: med([num(r[t], "ttfb_p50_us") for r in ttfb]) / 1000 for t in T}
fadd = {t: med([num(r[t], "ttfb_p50_us") - num(r["sim"], "ttfb_p50_us") for r in ttfb]) / 1000 for t in T}
fadd99 = {t: med([num(r[t], "ttfb_p99_us") - num(r["sim"], "ttfb_p99_us") for r in ttfb]) / 1000 for t in T}
lastadd = {t: med([num(r[t], "last_p50_us") - num(r["sim"], "last_p50_us") for r in ttfb]) / 1000 for t in T}
gap = {t: med([num(r[t], "gap_max_p50_us") for r in ttfb]) / 1000 for t in T}
cgap = {t: med([num(r[t], "content_gap_max_p50_us") for r in ttfb]) / 1000 for t in T}
last_sat = sat[-1] if sat else {}
hwm = {t: num(last_sat[t], "hwm_kb") / 1024 if last_sat else float("nan") for t in T}
hwm["tollgate"] = float(meta.get("tg_hwm_main_kb", "nan")) / 1024
if BASE:
    hwm["baseline"] = float(meta.get("tgb_hwm_main_kb", "nan")) / 1024
hwm_all = float(meta.get("tg_hwm_all_kb", "nan")) / 1024
# RSS under load: the largest VmRSS read right after a saturation or latency measurement (the peak above also holds
# start-up and the JIT's warm-up, whose compiler arenas glibc hands back afterwards)
loaded = {t: max((num(r[t], "rss_kb") / 1024 for r in sat + lat), default=float("nan")) for t in T}


def dash(t, v):
    return "—" if t == "sim" else v


print(f"# tollgate benchmark, {meta.get('date', '')}\n")
print(f"- commit `{meta.get('commit')}`, {meta.get('mode')} run: {meta.get('rounds')} interleaved rounds of "
      f"{meta.get('seconds')} s per measurement, {meta.get('elapsed_s')} s in all")
print(f"- machine: {meta.get('nproc')} cores, {meta.get('cpu')}, {meta.get('mem')}; {meta.get('jdk')}; "
      f"{meta.get('nginx')}; {meta.get('wrk')}")
print(f"- load average (1/5/15 min) before: {meta.get('load_before')}, after: {meta.get('load_after')}"
      + (" — a shared, loaded machine: compare the ratios, not the absolute figures"
         if float(meta.get("load_before", "0 0 0").split()[0]) > 0.5 else ""))
print(f"- tollgate: packaged jar, prod profile, `{meta.get('java_opts')}`; key check and usage recording on; "
      f"tenant limits: {meta.get('limits')}")
print(f"- load: wrk; saturation {meta.get('sat_connections')} connections against a 0 ms upstream (closed loop); "
      f"latency {meta.get('lat_connections')} connections against a 50 ms upstream, "
      + (f"each waiting a random time (exponential, mean {meta.get('lat_think_ms')} ms) before each request, so requests "
         f"arrive spread out at about a fixed rate (the achieved rate is shown)" if meta.get('lat_think_ms') else
         "closed loop, in step (each request waits behind the others of its burst)")
      + f"; streams {meta.get('ttfb_concurrency')} connections"
      + (f", each stream after a random wait (mean {meta.get('ttfb_think_ms')} ms)" if meta.get('ttfb_think_ms') else "")
      + f", usage asked for (stream_options.include_usage), events 20 ms "
      f"apart after 50 ms")
if meta.get("mode") == "quick":
    print("- **quick mode**: the short warm-up leaves the JIT compiling during the rounds, so tollgate's figures are "
          "higher than in a full run: a smoke check of the script, not a measurement against the budget")
print(f"- every request/stream answered 2xx: {'yes' if errors == 0 else f'no, {errors} errors or non-2xx'}\n")

print("## Main figures (medians over rounds)\n")
print("\"Added per request\" is read from a packet capture of the loopback during each proxy's latency measurement "
      "(`bench/added.py`): for each request, the time from its last packet in to its answer out, minus the time from "
      "the proxy's request to the upstream out to the upstream's answer in; \"before\" is from the request in to the "
      "upstream request out, \"after\" from the upstream's answer in to the answer out. Requests joined to their "
      "upstream exchange: " + ", ".join(f"{t} {fmt(joined[t])} of {fmt(answers[t])}" for t in T if t != "sim") + ".\n")
if BASE:
    same = meta.get("baseline_java_opts", meta.get("java_opts", "")) == meta.get("java_opts", "").split(";")[0]
    print(f"\"baseline\" is tollgate built from commit `{BASE}`, run beside this commit's in the same rounds (its own "
          "database; " + ("same options" if same else f"options `{meta.get('baseline_java_opts')}`") + "); the last "
          "column is this commit against it, round by round.\n")
cols = ["sim", "nginx"] + (["baseline"] if BASE else []) + ["tollgate"]
names = {"sim": "simulator direct", "nginx": "nginx", "baseline": f"tollgate `{BASE}` (baseline)",
         "tollgate": "tollgate"}


def ratio(rounds, f, a, b):
    return med([f(r[a]) / f(r[b]) for r in rounds])


print("| | " + " | ".join(names[c] for c in cols) + " | tollgate / nginx |" + (" tollgate / baseline |" if BASE else ""))
print("|---|" + "---:|" * (len(cols) + 1 + (1 if BASE else 0)))


def row(label, cells, vs_nginx="", vs_base=""):
    print(f"| {label} | " + " | ".join(cells[c] for c in cols) + f" | {vs_nginx} |" + (f" {vs_base} |" if BASE else ""))


row("requests/s at saturation (0 ms upstream)", {t: fmt(s_rps[t]) for t in T}, fmt(rps_ratio, 2),
    fmt(ratio(sat, rps, "tollgate", "baseline"), 2) if BASE else "")
row("CPU per request of the process, µs",
    {t: fmt(s_cpu[t]) + (" (upstream itself)" if t == "sim" else "") for t in T}, f"{fmt(cpu_ratio, 1)}×",
    fmt(ratio(sat, cpu_us, "tollgate", "baseline"), 2) + "×" if BASE else "")
row("requests/s achieved, 50 ms upstream", {t: fmt(l_rps[t]) for t in T})
# below saturation each request pays for more of the event loops' wake-ups: what a gateway costs at a usual rate
row("CPU per request of the process at that rate, µs",
    {t: fmt(l_cpu[t]) + (" (upstream itself)" if t == "sim" else "") for t in T},
    f"{fmt(ratio(lat, cpu_us, 'tollgate', 'nginx'), 1)}×",
    fmt(ratio(lat, cpu_us, "tollgate", "baseline"), 2) + "×" if BASE else "")
row("p50 / p99 latency, 50 ms upstream, ms", {t: f"{fmt(l50[t], 2)} / {fmt(l99[t], 2)}" for t in T})
row("added per request p50 / p99, ms (packet capture)",
    {t: dash(t, f"{fmt(cap[t]['added_p50'], 2)} / {fmt(cap[t]['added_p99'], 2)}") for t in T})
row("of which before the upstream / after it, p50, ms",
    {t: dash(t, f"{fmt(cap[t]['before_p50'], 2)} / {fmt(cap[t]['after_p50'], 2)}") for t in T})
row("of which before the upstream / after it, p99, ms",
    {t: dash(t, f"{fmt(cap[t]['before_p99'], 2)} / {fmt(cap[t]['after_p99'], 2)}") for t in T})
row("of which inside tollgate's handler p50 / p99, ms (its own `tollgate_gateway_overhead_seconds`: the handler's "
    "start to the answer's end, less the upstream's part; outside it, the request and the upstream's answer wait to "
    "be read)",
    {t: f"{fmt(own[t]['self_p50_us'] / 1000, 2)} / {fmt(own[t]['self_p99_us'] / 1000, 2)}"
     if t in ("tollgate", "baseline") else "—" for t in T})
row("its collector's pauses in that window: count, share of the time",
    {t: f"{fmt(pauses[t], 0)}, {fmt(paused[t], 2)} %" if t in ("tollgate", "baseline") else "—" for t in T})
row("stream: added to the first event per stream p50 / p99, ms (packet capture)",
    {t: dash(t, f"{fmt(scap[t]['first_event_p50'], 2)} / {fmt(scap[t]['first_event_p99'], 2)}") for t in T})
row("stream: its end after the upstream's p50 / p99, ms (packet capture; tollgate's waits for the usage row)",
    {t: dash(t, f"{fmt(scap[t]['last_event_p50'], 2)} / {fmt(scap[t]['last_event_p99'], 2)}") for t in T})
row("stream: time to first event p50, ms", {t: fmt(f50[t], 2) for t in T})
row("stream: time to first event minus the simulator direct's, p50 / p99, ms (biased like the old added latency)",
    {t: dash(t, f"{fmt(fadd[t], 2)} / {fmt(fadd99[t], 2)}") for t in T})
row("stream: time to last event minus the simulator direct's, p50, ms", {t: dash(t, fmt(lastadd[t], 2)) for t in T})
row("stream: largest gap between events p50, ms (upstream: 20)", {t: fmt(gap[t], 1) for t in T})
row("stream: largest gap between text events p50, ms (the closing usage chunk and [DONE] left out)",
    {t: fmt(cgap[t], 1) for t in T})
row("RSS under load (largest after a measurement), MiB", {t: fmt(loaded[t]) for t in T})
row("peak RSS (VmHWM), MiB", {t: fmt(hwm[t]) + {"sim": " (2 simulators)", "nginx": " (all workers)",
                                                  "tollgate": f"; {fmt(hwm_all)} after the stream series",
                                                  "baseline": ""}[t] for t in T})

keys = defaultdict(lambda: defaultdict(list))  # keys in the database -> phase -> runs, in order
for r in rows:
    if r["phase"] in ("keys-hot", "keys-spread", "keys-ref"):
        keys[int(r["round"])][r["phase"]].append(r)


def key_ratios(n):
    """One key's CPU per request against nginx's, pair by pair (each nginx run followed by tollgate's)."""
    return [cpu_us(h) / cpu_us(r) for r, h in zip(keys[n]["keys-ref"], keys[n]["keys-hot"])]


def key_range(ratios):
    return f" ({fmt(min(ratios), 1)}–{fmt(max(ratios), 1)})" if len(ratios) > 1 else ""


def hot_cpu(n):
    """One key's CPU per request in a step, the median over its runs."""
    return med([cpu_us(h) for h in keys[n]["keys-hot"]])


print("\n## Keys in the database (tollgate, 0 ms upstream, saturation; nginx measured in the same step)\n")
print("One key: nginx and tollgate measured in turn, pair by pair; the medians over the pairs, and the range of the "
      "pairs' ratios.\n")
print("| keys | one key: requests/s | one key: CPU/request µs | × nginx's in the step (pairs) | random key of all: "
      "requests/s | random key: CPU/request µs | errors |")
print("|---:|---:|---:|---:|---:|---:|---:|")
for n in sorted(keys):
    hs, ss = keys[n]["keys-hot"], keys[n]["keys-spread"]
    err = sum(int(num(x, "errors") + num(x, "non2xx")) for x in hs + ss)
    ratios = key_ratios(n)
    print(f"| {n:,} | {fmt(med([rps(h) for h in hs]))} | {fmt(hot_cpu(n))} | "
          f"{fmt(med(ratios), 1)}{key_range(ratios)} | {fmt(med([rps(s) for s in ss]))} | "
          f"{fmt(med([cpu_us(s) for s in ss]))} | {err} |")

print(f"\n## Concurrent streams (tollgate; each stream: 50 ms, then 24 events 500 ms apart ≈ 11.6 s from the upstream; "
      f"wrk opens all at once and keeps them open for {meta.get('stream_seconds')} s)\n")
print("| concurrent streams | streams completed | mean / p99 duration, s | CPU per stream, ms | socket errors / "
      "non-2xx | RSS after, MiB |")
print("|---:|---:|---:|---:|---:|---:|")
for r in sorted((r for r in rows if r["phase"] == "streams"), key=lambda r: int(r["round"])):
    print(f"| {int(r['round']):,} | {fmt(num(r, 'requests'))} | {fmt(num(r, 'mean_us') / 1e6, 2)} / "
          f"{fmt(num(r, 'p99_us') / 1e6, 2)} | {fmt(cpu_us(r) / 1000, 2)} | {fmt(num(r, 'errors'))} / "
          f"{fmt(num(r, 'non2xx'))} | {fmt(num(r, 'rss_kb') / 1024)} |")

# against nginx in the same step when it was measured (the steps run minutes apart), else the raw figure
hot = [med(key_ratios(n)) if keys[n]["keys-ref"] else hot_cpu(n) for n in sorted(keys) if keys[n]["keys-hot"]]
keys_change = (hot[-1] / hot[0] - 1) if len(hot) > 1 else float("nan")
print("\n## Budget (issue 7)\n")
print("| goal | measured | met |")
print("|---|---|---|")


def met(ok):
    return "met" if ok else "**not met**"


print(f"| CPU per request ≤ 3× nginx's | {fmt(cpu_ratio, 1)}× ({fmt(s_cpu['tollgate'])} µs vs {fmt(s_cpu['nginx'])} µs) "
      f"| {met(cpu_ratio <= 3)} |")
print(f"| added p50 ≤ 0.3 ms at ~500 req/s, 50 ms upstream | {fmt(cap['tollgate']['added_p50'], 2)} ms per request "
      f"(nginx in the same measurement: {fmt(cap['nginx']['added_p50'], 2)} ms) | {met(cap['tollgate']['added_p50'] <= 0.3)} |")
print(f"| added p99 ≤ 2 ms | {fmt(cap['tollgate']['added_p99'], 2)} ms (nginx: {fmt(cap['nginx']['added_p99'], 2)} ms) "
      f"| {met(cap['tollgate']['added_p99'] <= 2)} |")
print(f"| stream first byte added ≤ 1 ms | {fmt(scap['tollgate']['first_event_p50'], 2)} ms to the first event (p50 per "
      f"stream, packet capture; nginx {fmt(scap['nginx']['first_event_p50'], 2)} ms) | "
      f"{met(scap['tollgate']['first_event_p50'] <= 1)} |")
print(f"| every chunk relayed as it arrives | largest gap between text events {fmt(cgap['tollgate'], 1)} ms vs "
      f"{fmt(cgap['sim'], 1)} ms direct (all events, the end included: {fmt(gap['tollgate'], 1)} vs {fmt(gap['sim'], 1)}); "
      f"last event added {fmt(lastadd['tollgate'], 2)} ms | {met(cgap['tollgate'] - cgap['sim'] <= 5)} |")
print(f"| RSS under load ≤ 200 MiB (soak: not run here) | {fmt(loaded['tollgate'])} MiB under load, peak "
      f"{fmt(hwm['tollgate'])} MiB (start-up and warm-up included); {fmt(hwm_all)} MiB with "
      f"{STREAM_MAX if (STREAM_MAX := max((int(r['round']) for r in rows if r['phase'] == 'streams'), default=0)) else 0:,} "
      f"streams | {met(loaded['tollgate'] <= 200)} (under load), {met(hwm['tollgate'] <= 200)} (peak), "
      f"{met(hwm_all <= 200)} (streams) |")
print(f"| 100k keys: no change in the hot path's cost | one key's CPU/request (× nginx's) {fmt(keys_change * 100, 0)} % from "
      f"{min(keys, default=0):,} to {max(keys, default=0):,} keys (medians of the pairs) | {met(keys_change <= 0.15)} "
      f"(growth within 15 %, the run-to-run noise here) |")
