#!/usr/bin/env bash
# Warm A/B of two tollgates running side by side: this checkout against --baseline REV (another commit, or the same
# commit with other JVM options), both started by `bench/run.sh --serve`, both warmed up, then measured in
# alternating order, round by round, so each round's ratio holds on a noisy machine. Quicker than a full run with
# --baseline (~10 min) and, unlike --quick, with both JITs warm. See README.md, "Performance".
#
# usage: bench/ab.sh --baseline REV [--rounds N] [--label NAME] [--out FILE]
#
# Per round: 10 s at saturation against the 0 ms upstream (CPU per request from /proc/<pid>/stat), then 10 s with 50
# connections against the 50 ms upstream, each waiting a random time (mean 50 ms) before each request (~480 req/s
# arriving spread out: run.sh's latency load, read from its serve env), nginx in front of the same simulator first;
# meanwhile a packet capture gives
# what each proxy adds to each request (bench/added.py). After the
# rounds: 1,000 concurrent streams (24 events 500 ms apart) twice per tollgate, in the order base, this, this, base,
# so both have one run on a warm simulator. RSS is VmRSS read after each measurement.
# environment: as bench/run.sh (TOLLGATE_BENCH_JAVA_OPTS, TOLLGATE_BENCH_BASELINE_JAVA_OPTS, TOLLGATE_BENCH_JAVA, ...)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=6 LABEL="" OUT="" BASELINE=""
while [ $# -gt 0 ]; do
    case "$1" in
        --baseline) BASELINE=$2; shift ;;
        --rounds) ROUNDS=$2; shift ;;
        --label) LABEL=$2; shift ;;
        --out) OUT=$2; shift ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
[ -n "$BASELINE" ] || { echo "--baseline REV is required" >&2; exit 2; }
LABEL=${LABEL:-$(git -C "$ROOT" rev-parse --short HEAD)-vs-$BASELINE}
OUT=${OUT:-$ROOT/bench/results/$(date -u +%F)-$(hostname -s)-ab-$LABEL.md}
RAW=${OUT%.md}.raw.txt
log() { echo "[ab $(date -u +%H:%M:%S)] $*" >&2; }

# shellcheck source=bench/serve.sh
. "$ROOT/bench/serve.sh"
serve_pair "$BASELINE"
for round in $(seq 1 "$ROUNDS"); do
    log "round $round/$ROUNDS"
    order="this base"
    [ $((round % 2)) = 1 ] || order="base this"
    for t in $order; do measure saturation "$t" 32 10 "$MODEL0"; done
    measure latency nginx "$LAT_CONNECTIONS" 10 "$MODEL50" false "$LAT_THINK_MS"
    for t in $order; do measure latency "$t" "$LAT_CONNECTIONS" 10 "$MODEL50" false "$LAT_THINK_MS"; done
done
log "1,000 concurrent streams, twice each"
for t in base this this base; do measure streams "$t" 1000 16 "$MODELSLOW" true; done

PYTHONPATH="$ROOT/bench" python3 - "$RAW" "$OUT" "$(git -C "$ROOT" rev-parse --short HEAD)" "$BASE_COMMIT" "$ROUNDS" \
    "java $TG_JAVA: ${TOLLGATE_BENCH_JAVA_OPTS:-run.sh default: the Procfile web options}" \
    "java $BASE_JAVA: ${TOLLGATE_BENCH_BASELINE_JAVA_OPTS:-the same}" <<'EOF'
import sys, platform, datetime, os
from figures import rows as read_rows, cpu_us, med, span
raw, out, this, base, rounds, opts, base_opts = sys.argv[1:8]
rows = read_rows(raw)
def series(phase, target, f):
    return [float(r[f]) for r in rows if r['phase'] == phase and r['target'] == target and r.get(f)]
def cpu(phase, target):
    return [cpu_us(r) for r in rows if r['phase'] == phase and r['target'] == target]
rng = lambda v, f='{:.0f}': span(v, f)
added = {t: [x / 1000 for x in series('latency', t, 'added_p50_us')] for t in ('this', 'base', 'nginx')}
added99 = {t: [x / 1000 for x in series('latency', t, 'added_p99_us')] for t in ('this', 'base', 'nginx')}
def own(t):  # what tollgate measured of itself in the same windows (bench/selftime.py)
    p50, p99 = series('latency', t, 'self_p50_us'), series('latency', t, 'self_p99_us')
    return f"{med(p50) / 1000:.2f} / {med(p99) / 1000:.2f}" if p50 else 'n/a'

def rows_per_write(phase, target):
    return [int(r['rows']) / int(r['writes']) for r in rows
            if r['phase'] == phase and r['target'] == target and int(r.get('writes') or 0) > 0]
ratio = [x / y for x, y in zip(cpu('saturation', 'this'), cpu('saturation', 'base'))]
lat_ratio = [x / y for x, y in zip(cpu('latency', 'this'), cpu('latency', 'base'))]
streams = {t: [r for r in rows if r['phase'] == 'streams' and r['target'] == t] for t in ('this', 'base')}
lines = [f"# tollgate warm A/B: `{this}` against `{base}`, {datetime.datetime.utcnow():%Y-%m-%dT%H:%MZ}", "",
    f"- machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}; load average before the summary: {open('/proc/loadavg').read().split()[0]}",
    f"- `bench/ab.sh`: both tollgates running side by side (`bench/run.sh --serve --baseline`), 2 x 20 s warm-up each and slices of both loads until the JIT settles, then {rounds} rounds in alternating order",
    f"- JVM and options: this `{opts}`; baseline `{base_opts}`", "",
    "| | baseline | this | this / baseline, per round |", "|---|---:|---:|---:|",
    f"| CPU per request at saturation, µs (median; range) | {med(cpu('saturation','base')):.0f} ({rng(cpu('saturation','base'))}) | {med(cpu('saturation','this')):.0f} ({rng(cpu('saturation','this'))}) | {med(ratio):.2f}× ({rng(ratio, '{:.2f}')}) |",
    f"| requests/s at saturation | {med(series('saturation','base','requests'))/10:,.0f} | {med(series('saturation','this','requests'))/10:,.0f} | |",
    f"| CPU per request at ~480 req/s (50 ms upstream, spread out), µs | {med(cpu('latency','base')):.0f} ({rng(cpu('latency','base'))}) | {med(cpu('latency','this')):.0f} ({rng(cpu('latency','this'))}) | {med(lat_ratio):.2f}× ({rng(lat_ratio, '{:.2f}')}) |",
    f"| added per request p50, ms, packet capture (median; range; nginx: {med(added['nginx']):.2f}) | {med(added['base']):.2f} ({rng(added['base'], '{:.2f}')}) | {med(added['this']):.2f} ({rng(added['this'], '{:.2f}')}) | |",
    f"| added per request p99, ms (nginx: {med(added99['nginx']):.2f}) | {med(added99['base']):.2f} ({rng(added99['base'], '{:.2f}')}) | {med(added99['this']):.2f} ({rng(added99['this'], '{:.2f}')}) | |",
    f"| of which inside its handler p50 / p99, ms (its own `tollgate_gateway_overhead_seconds`) | {own('base')} | {own('this')} | |",
    f"| p50 / p99 at ~480 req/s, end to end, ms (nginx: {med(series('latency','nginx','p50_us'))/1000:.1f} / {med(series('latency','nginx','p99_us'))/1000:.1f}) | {med(series('latency','base','p50_us'))/1000:.1f} / {med(series('latency','base','p99_us'))/1000:.1f} | {med(series('latency','this','p50_us'))/1000:.1f} / {med(series('latency','this','p99_us'))/1000:.1f} | |",
    f"| rows a usage-ledger write at saturation (median of the rounds) | {med(rows_per_write('saturation','base')):.1f} | {med(rows_per_write('saturation','this')):.1f} | |",
    f"| RSS under load, MiB (range over the rounds) | {rng(series('saturation','base','rss_mib') + series('latency','base','rss_mib'))} | {rng(series('saturation','this','rss_mib') + series('latency','this','rss_mib'))} | |",
]
for i, label in ((0, 'baseline 1st (simulator cold), this 2nd'), (1, 'this 3rd, baseline 4th')):
    if len(streams['base']) > i and len(streams['this']) > i:
        b, t = streams['base'][i], streams['this'][i]
        c = lambda r: int(r['cpu_ticks']) * 1000 / int(r['hz']) / max(1, int(r['requests']))
        lines.append(f"| 1,000 streams, {label}: p50 duration s / CPU per stream ms / RSS MiB | {float(b['p50_us'])/1e6:.2f} / {c(b):.2f} / {b['rss_mib']} | {float(t['p50_us'])/1e6:.2f} / {c(t):.2f} / {t['rss_mib']} | |")
lines += ["", f"Raw figures: `{os.path.basename(raw)}`.", ""]
open(out, 'w').write('\n'.join(lines))
print('\n'.join(lines))
EOF
log "written to $OUT"
