#!/usr/bin/env bash
# What OpenAI's Responses API costs over chat completions: one tollgate (bench/run.sh --serve), the same prompt sent
# to POST /v1/responses (translated into a chat completion and back) and to POST /v1/chat/completions, in alternating
# order round by round, so each round's ratio holds on a noisy machine. Per round and API: 10 s at saturation against
# the 0 ms upstream, non-streamed and streamed (CPU time per request from /proc/<pid>/stat), then 10 s of run.sh's
# latency load against the 50 ms upstream, with a packet capture of what tollgate adds to each request (bench/added.py).
#
# usage: bench/responses.sh [--rounds N] [--label NAME] [--out FILE]     (~12 min with the default 4 rounds)
# environment: as bench/run.sh (TOLLGATE_BENCH_JAVA_OPTS, TOLLGATE_BENCH_JAVA, ...)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=4 LABEL="" OUT=""
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) ROUNDS=$2; shift ;;
        --label) LABEL=$2; shift ;;
        --out) OUT=$2; shift ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
LABEL=${LABEL:-$(git -C "$ROOT" rev-parse --short HEAD)}
OUT=${OUT:-$ROOT/bench/results/$(date -u +%F)-$(hostname -s)-responses-vs-chat-$LABEL.md}
RAW=${OUT%.md}.raw.txt
log() { echo "[responses $(date -u +%H:%M:%S)] $*" >&2; }

# shellcheck source=bench/serve.sh
. "$ROOT/bench/serve.sh"
# shellcheck source=bench/capture.sh
. "$ROOT/bench/capture.sh"
TG_PID="" SERVE_PID="" SERVE_LOG="" SERVE_ENV=""
trap 'kill $TG_PID 2>/dev/null || true; capture_abort; wait $SERVE_PID 2>/dev/null || true; rm -f "$SERVE_LOG" "$SERVE_ENV"' EXIT
serve_start
log "tollgate :$TG_PORT (pid $TG_PID)"
: >"$RAW"

# both APIs' code paths warm before anything counts: 2 x 20 s at saturation each, then slices until the JIT settles
slice_of_each() {
    local api
    for api in chat responses; do
        BENCH_API=$api measure warmup this 32 5 "$MODEL0"
        BENCH_API=$api measure warmup this 32 5 "$MODEL0" true
        BENCH_API=$api measure warmup this "$LAT_CONNECTIONS" 5 "$MODEL50" false "$LAT_THINK_MS"
    done
}
log "warming up (2 x 20 s per API, then slices until the JIT settles)"
for api in chat responses chat responses; do BENCH_API=$api measure warmup this 32 20 "$MODEL0"; done
jit_settle this "$TG_PID" 8 slice_of_each

for round in $(seq 1 "$ROUNDS"); do
    log "round $round/$ROUNDS"
    order="chat responses"
    [ $((round % 2)) = 1 ] || order="responses chat"
    for api in $order; do BENCH_API=$api measure saturation this 32 10 "$MODEL0"; done
    for api in $order; do BENCH_API=$api measure streams this 32 10 "$MODEL0" true; done
    for api in $order; do BENCH_API=$api measure latency this "$LAT_CONNECTIONS" 10 "$MODEL50" false "$LAT_THINK_MS"; done
done

PYTHONPATH="$ROOT/bench" python3 - "$RAW" "$OUT" "$(git -C "$ROOT" rev-parse --short HEAD)" "$ROUNDS" \
    "java $TG_JAVA: ${TOLLGATE_BENCH_JAVA_OPTS:-run.sh default: the Procfile web options}" <<'EOF'
import sys, datetime, os
from figures import rows as read_rows, cpu_us as cpu, rate, med, span as rng, cpu_name
raw, out, this, rounds, opts = sys.argv[1:6]
rows = read_rows(raw)
of = lambda phase, api: [r for r in rows if r['phase'] == phase and r.get('api') == api]
errors = sum(int(r.get('errors', 0)) + int(r.get('non2xx', 0)) for r in rows if r['phase'] != 'warmup')
lines = [f"# The Responses API against chat completions, one tollgate: `{this}`, {datetime.datetime.utcnow():%Y-%m-%dT%H:%MZ}", "",
    f"- machine: {os.cpu_count()} cores, {cpu_name()}",
    f"- `bench/responses.sh`: the same prompt to `POST /v1/responses` (translated into a chat completion and back) and to `POST /v1/chat/completions`, {rounds} rounds of 10 s per load and API, the APIs in alternating order; everything on (key check, limits, usage ledger in the configured mode)",
    f"- JVM and options: `{opts}`",
    f"- errors and non-2xx answers in the measured runs: {errors}", "",
    "| load | requests/s: chat / responses | CPU µs per request: chat / responses | responses / chat, per round | end to end p50 / p99 ms: chat; responses | added by tollgate p50 / p99 ms (capture): chat; responses |",
    "|---|---:|---:|---:|---:|---:|"]
names = {'saturation': 'saturation, not streamed (32 connections, 0 ms upstream)',
         'streams': 'saturation, streamed (32 connections, 0 ms upstream)',
         'latency': 'latency load (50 ms upstream, spread arrivals)'}
for phase in ('saturation', 'streams', 'latency'):
    c, r = of(phase, 'chat'), of(phase, 'responses')
    ratio = [cpu(x) / cpu(y) for x, y in zip(r, c)]
    lat = lambda rs: f"{med([int(x['p50_us']) for x in rs]) / 1000:.2f} / {med([int(x['p99_us']) for x in rs]) / 1000:.2f}"
    added = lambda rs: (f"{med([int(x['added_p50_us']) for x in rs]) / 1000:.2f} / {med([int(x['added_p99_us']) for x in rs]) / 1000:.2f}"
                        if rs and 'added_p50_us' in rs[0] else '—')
    lines.append(f"| {names[phase]} | {med([rate(x) for x in c]):,.0f} / {med([rate(x) for x in r]):,.0f} | "
        f"{med([cpu(x) for x in c]):.0f} / {med([cpu(x) for x in r]):.0f} | {med(ratio):.2f}× ({rng(ratio)}) | "
        f"{lat(c)}; {lat(r)} | {added(c)}; {added(r)} |")
lines += ["", f"Raw figures: `{os.path.basename(raw)}`.", ""]
open(out, 'w').write('\n'.join(lines))
print('\n'.join(lines))
EOF
log "written to $OUT"
