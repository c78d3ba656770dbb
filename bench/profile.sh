#!/usr/bin/env bash
# Profile: where tollgate's CPU time goes under bench/run.sh's two loads, read with async-profiler (perf_events:
# Java, JVM and kernel frames of every thread, so the kernel's share, the collector, the JIT and the VM thread are
# counted too, which JFR's execution samples leave out). Not part of the tests.
#
# usage: bench/profile.sh [--seconds S] [--no-build] [--out FILE]
#   Starts everything with `bench/run.sh --serve` and warms tollgate up with 30 s of each of two loads (saturation:
#   32 connections against the 0 ms upstream; spread: run.sh's latency load, ~480 req/s against the 50 ms upstream),
#   then with slices of both until the JIT settles (bench/serve.sh's jit_settle);
#   then for each load profiles S seconds (default 20) in the middle of a wrk run, and reads tollgate's CPU time
#   over the same window.
#   async-profiler comes from Maven Central (tools.profiler:async-profiler, through the Maven wrapper) and is attached
#   with `jcmd PID JVMTI.agent_load`. Environment as for bench/run.sh (TOLLGATE_BENCH_JAVA_OPTS, TOLLGATE_BENCH_JAVA).
#   Writes bench/results/<date>-<host>-profile.md (the summary by bench/cpuprofile.py), and leaves each load's
#   collapsed stacks and flame graph (HTML) in a work directory it prints.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECONDS_PER_LOAD=20 BUILD_FLAG="" OUT="" PROFILER_VERSION=4.1
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) SECONDS_PER_LOAD=$2; shift ;;
        --no-build) BUILD_FLAG=--no-build ;;
        --out) OUT=$2; shift ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
OUT=${OUT:-$ROOT/bench/results/$(date -u +%F)-$(hostname -s)-profile.md}
log() { echo "[profile $(date -u +%H:%M:%S)] $*" >&2; }
WORK=$(mktemp -d /tmp/tollgate-profile.XXXXXX)

case "$(uname -m)" in
    x86_64) PLATFORM=linux-x64 ;;
    aarch64) PLATFORM=linux-arm64 ;;
    *) echo "async-profiler has no library for $(uname -m)" >&2; exit 1 ;;
esac
log "fetching async-profiler $PROFILER_VERSION from Maven Central"
(cd "$ROOT" && ./mvnw -q dependency:copy -Dartifact="tools.profiler:async-profiler:$PROFILER_VERSION" \
    -DoutputDirectory="$WORK" -Dmdep.overWriteReleases=true)
unzip -q -o "$WORK/async-profiler-$PROFILER_VERSION.jar" "$PLATFORM/libasyncProfiler.so" -d "$WORK"
AGENT=$WORK/$PLATFORM/libasyncProfiler.so
JAVA_BIN=$(readlink -f "$(command -v "${TOLLGATE_BENCH_JAVA:-java}")")
JCMD=$(dirname "$JAVA_BIN")/jcmd

SERVE_PID="" SERVE_LOG="" SERVE_ENV=""
trap 'kill $SERVE_PID 2>/dev/null; pkill -P $SERVE_PID 2>/dev/null || true; rm -f "$SERVE_LOG" "$SERVE_ENV"' EXIT
# shellcheck source=bench/serve.sh
. "$ROOT/bench/serve.sh"
serve_start $BUILD_FLAG
HZ=$(getconf CLK_TCK)
# jcmd hands the agent its options as one argument only when they are quoted once more
profiler() { "$JCMD" "$TG_PID" JVMTI.agent_load "$AGENT" "\"$1\"" >/dev/null; }
load() { # seconds, then wrk's arguments after the URL's key and model: stream spread think_ms
    local secs=$1 model=$2 conns=$3; shift 3
    wrk -t1 -c"$conns" -d"${secs}s" --timeout 30s -s "$ROOT/bench/lua/chat.lua" "http://127.0.0.1:$TG_PORT" -- \
        "$TG_KEY" "$model" "$@" 2>&1 | grep '^RESULT' || true
}

# tollgate runs with C2 only (-XX:-TieredCompilation): its code is interpreted until C2 has compiled it, each load's
# paths in turn
log "warming up (30 s of each load, then slices until the JIT settles)"
RAW=$WORK/warmup.raw.txt # bench/serve.sh's measure records the warm-up there
measure warmup this 32 30 "$MODEL0"
measure warmup this "$LAT_CONNECTIONS" 30 "$MODEL50" false "$LAT_THINK_MS"
jit_settle tollgate "$TG_PID" 8 slice_of_both this

{
    echo "# tollgate CPU profile (async-profiler), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo
    echo "- commit \`$(git -C "$ROOT" rev-parse --short HEAD)\`; machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo); $TG_JAVA"
    echo "- tollgate as in bench/run.sh: \`$(sed -n 's/.*starting tollgate (\(.*\))$/\1/p' "$SERVE_LOG" | head -1)\`"
    echo "- async-profiler $PROFILER_VERSION, \`event=cpu,interval=1ms\` (perf_events: every thread, Java, JVM and kernel frames), ${SECONDS_PER_LOAD} s in the middle of each load; CPU time per request from /proc over the same window"
} >"$OUT"

for name in saturation spread; do
    if [ "$name" = saturation ]; then
        args=("$MODEL0" 32)
        title="saturation: 32 connections, 0 ms upstream (closed loop)"
    else
        args=("$MODEL50" "$LAT_CONNECTIONS" false 0 "$LAT_THINK_MS")
        title="spread: $LAT_CONNECTIONS connections, 50 ms upstream, each waiting a random time (mean $LAT_THINK_MS ms) before each request"
    fi
    log "$name: profiling $SECONDS_PER_LOAD s"
    load $((SECONDS_PER_LOAD + 10)) "${args[@]}" >"$WORK/$name.wrk" &
    WRK=$!
    sleep 5
    before=$(ticks "$TG_PID")
    profiler "start,event=cpu,interval=1ms,threads"
    sleep "$SECONDS_PER_LOAD"
    profiler "dump,file=$WORK/$name.collapsed,collapsed"
    profiler "stop,file=$WORK/$name.html,flamegraph"
    after=$(ticks "$TG_PID")
    wait $WRK
    result=$(cat "$WORK/$name.wrk")
    rate=$(python3 -c "print($(field requests "$result") / max($(field duration_us "$result"), 1) * 1e6)")
    requests=$(python3 -c "print(round($rate * $SECONDS_PER_LOAD))")
    {
        echo
        echo "## $title"
        echo
        printf -- '- %.0f requests/s; tollgate'"'"'s CPU time %.0f µs per request over the profiled window (about %s requests); wrk p50 / p99 %.2f / %.2f ms, errors %s, non-2xx %s\n' \
            "$rate" "$(python3 -c "print(($after - $before) / $HZ / max($requests, 1) * 1e6)")" "$requests" \
            "$(python3 -c "print($(field p50_us "$result") / 1000)")" "$(python3 -c "print($(field p99_us "$result") / 1000)")" \
            "$(field errors "$result")" "$(field non2xx "$result")"
        echo
        python3 "$ROOT/bench/cpuprofile.py" "$WORK/$name.collapsed" "$requests"
    } >>"$OUT"
done
log "written: $OUT; collapsed stacks and flame graphs in $WORK"
