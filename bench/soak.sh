#!/usr/bin/env bash
# Soak: tollgate under steady load for a long time (default one hour), with everything bench/run.sh turns on, and
# its memory sampled every minute: is RSS flat, does the throughput hold, do errors appear? Not part of the tests.
#
# usage: bench/soak.sh [--minutes N] [--saturation] [--no-build]
#   load: wrk, 20 connections of plain requests and 4 of streams (events 20 ms apart) against the 50 ms upstream,
#   in one-minute slices so that each minute has its own figures. --saturation: the plain requests are 32 connections
#   against the 0 ms upstream instead (closed loop: the machine saturated, the usage ledger's group commit waiting).
#   Each minute also gives the rows a ledger write carried (tollgate_usage_ledger_write_rows) and the share of writes
#   that waited for the group commit (tollgate_usage_ledger_group_commit_waits_total). Environment as for
#   bench/run.sh (TOLLGATE_BENCH_JAVA_OPTS, TOLLGATE_BENCH_TENANT_LIMITS, ...). Writes
#   bench/results/<date>-<host>-soak[-saturation].md, or with -<HHMM> added when that one exists, or --out FILE.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MINUTES=60 BUILD_FLAG="" OUT="" SATURATION=0
while [ $# -gt 0 ]; do
    case "$1" in
        --minutes) MINUTES=$2; shift ;;
        --no-build) BUILD_FLAG=--no-build ;;
        --saturation) SATURATION=1 ;;
        --out) OUT=$2; shift ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
if [ -z "$OUT" ]; then
    OUT="$ROOT/bench/results/$(date -u +%Y-%m-%d)-$(hostname -s)-soak$([ "$SATURATION" = 0 ] || echo -saturation).md"
    [ ! -e "$OUT" ] || OUT="${OUT%.md}-$(date -u +%H%M).md"
fi
SERVE_PID="" SERVE_LOG="" SERVE_ENV=""
trap 'kill $SERVE_PID 2>/dev/null; pkill -P $SERVE_PID 2>/dev/null || true; rm -f "$SERVE_LOG" "$SERVE_ENV" "$SERVE_LOG.streams"' EXIT
# shellcheck source=bench/serve.sh
. "$ROOT/bench/serve.sh"
serve_start $BUILD_FLAG
KEY=$TG_KEY PLAIN_CONNECTIONS=20 PLAIN_MODEL=$MODEL50 PLAIN_LOAD="20 connections of requests against the 50 ms upstream"
[ "$SATURATION" = 0 ] || PLAIN_CONNECTIONS=32 PLAIN_MODEL=$MODEL0 PLAIN_LOAD="32 connections of requests against the 0 ms upstream (saturation)"
kb() { status_kb "$1" "$TG_PID"; }
HZ=$(getconf CLK_TCK)

{
    echo "# tollgate soak, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo
    echo "- commit \`$(git -C "$ROOT" rev-parse --short HEAD)\`, $MINUTES minutes; machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo); $(java -version 2>&1 | head -1)"
    echo "- tollgate as in bench/run.sh (prod profile, \`$(sed -n 's/.*starting tollgate (\(.*\))$/\1/p' "$SERVE_LOG" | head -1)\`, MALLOC_ARENA_MAX=2, $(case "${TOLLGATE_BENCH_JAVA_OPTS:-}" in *usage.mode=async*) echo async ;; *usage.mode=durable*) echo durable ;; *) echo reserved ;; esac) ledger, limits, budgets); load: $PLAIN_LOAD + 4 of streams against the 50 ms upstream (closed loop)"
    echo "- RSS at start (after startup and one request): $(kb VmRSS) kB"
    echo
    echo "One row per slice of 60 s of load (a slice takes a little longer on the clock: wrk's start and end, sampling)."
    echo
    echo "| slice | requests/s | p50 / p99 ms | streams completed | errors | CPU % | rows a ledger write | writes that waited % | RSS MiB | peak RSS MiB |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$OUT"
for minute in $(seq 1 "$MINUTES"); do
    read -r writes0 rows0 waits0 <<<"$(ledger_writes "$TG_PORT")"
    before=$(ticks "$TG_PID")
    wrk -t1 -c4 -d60s --timeout 30s -s "$ROOT/bench/lua/chat.lua" "http://127.0.0.1:$TG_PORT" -- "$KEY" "$MODEL50" true \
        >"$SERVE_LOG.streams" 2>&1 &
    STREAMS=$!
    plain=$(wrk -t1 -c$PLAIN_CONNECTIONS -d60s --timeout 30s -s "$ROOT/bench/lua/chat.lua" "http://127.0.0.1:$TG_PORT" -- "$KEY" "$PLAIN_MODEL" \
        2>&1 | grep '^RESULT' || true)
    wait $STREAMS || true
    streams=$(grep '^RESULT' "$SERVE_LOG.streams" || true)
    after=$(ticks "$TG_PID")
    read -r writes1 rows1 waits1 <<<"$(ledger_writes "$TG_PORT")"
    req=$(field requests "$plain"); dur=$(field duration_us "$plain")
    errors=$(( $(field errors "$plain") + $(field non2xx "$plain") + $(field errors "$streams") + $(field non2xx "$streams") ))
    printf '| %d | %.0f | %.2f / %.2f | %s | %d | %.0f | %.1f | %.0f | %.0f | %.0f |\n' "$minute" \
        "$(python3 -c "print($req / max($dur, 1) * 1e6)")" "$(python3 -c "print($(field p50_us "$plain") / 1000)")" \
        "$(python3 -c "print($(field p99_us "$plain") / 1000)")" "$(field requests "$streams")" "$errors" \
        "$(python3 -c "print(100 * ($after - $before) / $HZ / 60)")" \
        "$(python3 -c "print(($rows1 - $rows0) / max($writes1 - $writes0, 1))")" \
        "$(python3 -c "print(100 * ($waits1 - $waits0) / max($writes1 - $writes0, 1))")" \
        "$(python3 -c "print($(kb VmRSS) / 1024)")" \
        "$(python3 -c "print($(kb VmHWM) / 1024)")" >>"$OUT"
    echo "slice $minute: $(tail -1 "$OUT")" >&2
done
jcmd "$TG_PID" GC.run >/dev/null 2>&1 || true
echo >>"$OUT"
echo "Live heap after a full GC at the end: $(jcmd "$TG_PID" GC.heap_info 2>/dev/null | sed -n 's/.*tenured generation.*used \([0-9]*K\).*/\1/p' || echo '?') in the old generation (SerialGC)." >>"$OUT"
echo "Rows in the usage ledger at the end: $(psql "${TOLLGATE_BENCH_PGURL:-postgres://postgres@127.0.0.1:5432}/tollgate_bench" -qAtc 'select count(*) from usage_event' 2>/dev/null || echo '?')" >>"$OUT"
echo "written: $OUT" >&2
