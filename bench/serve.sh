# Sourced by the bench scripts. For bench/soak.sh, bench/ab.sh, bench/rates.sh and bench/profile.sh (needs ROOT):
# serve_start [run.sh options...] starts bench/run.sh --serve, waits until it has written what it started, and sources
# that: TG_PORT, TG_PID, TG_KEY, SIM_KEY, SIM50_PORT, NGX0_PORT and NGX50_PORT (nginx in front of the 0 ms and the 50 ms
# simulator), NGX_PIDS, MODEL0, MODEL50, MODELSLOW, TG_JAVA (its runtime version), LAT_CONNECTIONS and LAT_THINK_MS
# (run.sh's latency load),
# and with --baseline BASE_PORT, BASE_PID, BASE_KEY, BASE_COMMIT, BASE_JAVA. Sets SERVE_PID, and
# SERVE_LOG and SERVE_ENV, the two files the caller removes when it is done.
serve_start() {
    SERVE_LOG=$(mktemp /tmp/tollgate-serve.XXXXXX)
    SERVE_ENV=$SERVE_LOG.env
    "$ROOT/bench/run.sh" --serve --serve-env "$SERVE_ENV" "$@" >"$SERVE_LOG" 2>&1 &
    SERVE_PID=$!
    for _ in $(seq 1 600); do
        [ ! -e "$SERVE_ENV" ] || break
        kill -0 "$SERVE_PID" 2>/dev/null || { cat "$SERVE_LOG" >&2; return 1; }
        sleep 1
    done
    # shellcheck disable=SC1090
    . "$SERVE_ENV"
}

# What the scripts read alike: the CPU time of processes (utime + stime summed over the pids, clock ticks), a field of
# their /proc status (VmRSS, VmHWM; kB summed over the pids), and one field of wrk's RESULT line (0 when it is missing).
ticks() {
    local t=0 pid
    for pid in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
    echo $t
}
status_kb() { # field pid...
    local field=$1 t=0 pid
    shift
    for pid in "$@"; do t=$((t + $(awk -v f="$field:" '$1 == f {print $2}' "/proc/$pid/status"))); done
    echo $t
}
field() { local v; v=$(sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<" $2"); echo "${v:-0}"; }

# tollgate runs with C2 only (-XX:-TieredCompilation): its code is interpreted until C2 has compiled it, and C2
# compiles beside the load, for seconds into the first measurement on a slow VM after a fixed warm-up.
# jit_settle LABEL PID SLICES COMMAND...: after the fixed warm-up, runs COMMAND (a slice of load) again until a slice
# in which the JIT compiled for under 0.3 s, at most SLICES times. The JIT's time is jstat's, from the JDK the process
# runs on (without jstat: no slice). Needs log().
jit_seconds() {
    local jstat
    jstat=$(dirname "$(readlink -f "/proc/$1/exe")")/jstat
    [ ! -x "$jstat" ] || "$jstat" -compiler "$1" 2>/dev/null | awk 'NR == 2 {print $4}'
}
jit_settle() {
    local label=$1 pid=$2 slices=$3 before compiled i
    shift 3
    for i in $(seq 1 "$slices"); do
        before=$(jit_seconds "$pid")
        [ -n "$before" ] || return 0
        "$@"
        compiled=$(awk -v a="$(jit_seconds "$pid")" -v b="$before" 'BEGIN {printf "%.2f", a - b}')
        log "  $label: warm-up slice $i, the JIT compiled for $compiled s"
        awk -v c="$compiled" 'BEGIN {exit !(c < 0.3)}' && return 0
    done
}

# ledger_writes PORT: the usage ledger's writes, the rows they carried and the writes that waited for the group
# commit so far, "WRITES ROWS WAITS", from the tollgate's tollgate_usage_ledger_write_rows and
# tollgate_usage_ledger_group_commit_waits_total (0 for a commit before that counter) (soak.sh, measure)
ledger_writes() { curl -s "127.0.0.1:$1/q/metrics" | awk '/^tollgate_usage_ledger_write_rows_count/ {c = $2}
    /^tollgate_usage_ledger_write_rows_sum/ {s = $2} /^tollgate_usage_ledger_group_commit_waits_total/ {w = $2}
    END {printf "%d %d %d", c, s, w}'; }

# serve_pair for ab.sh and rates.sh, measure and the warm-up for them and profile.sh (all need ROOT, RAW and log).
# serve_pair REV: starts this checkout and REV side by side (serve_start --baseline REV), stops them on exit, empties
# RAW and warms both up (warm_up).
serve_pair() {
    TG_PID="" BASE_PID="" SERVE_PID="" SERVE_LOG="" SERVE_ENV=""
    trap 'kill $TG_PID $BASE_PID 2>/dev/null || true; capture_abort; wait $SERVE_PID 2>/dev/null || true; rm -f "$SERVE_LOG" "$SERVE_ENV"' EXIT
    # shellcheck source=bench/capture.sh
    . "$ROOT/bench/capture.sh"
    serve_start --baseline "$1"
    log "this checkout :$TG_PORT (pid $TG_PID), baseline $BASE_COMMIT :$BASE_PORT (pid $BASE_PID)"
    : >"$RAW"
    log "warming up both (2 x 20 s each, then slices until the JIT settles)"
    warm_up this "$TG_PID" base "$BASE_PID"
}
# measure PHASE TARGET CONNECTIONS SECONDS MODEL [STREAM] [THINK_MS]: wrk against TARGET (this, base, or nginx: in
# front of the 0 ms simulator for MODEL0, of the 50 ms one otherwise), each connection waiting a random time (mean
# THINK_MS) before each request. Appends one line to RAW: wrk's RESULT fields, the target's CPU ticks over the run and
# its RSS after it, and for a tollgate the usage ledger's writes, rows and writes that waited over the run
# (ledger_writes, read outside the CPU window). The phase `latency` also runs a packet capture: what the proxy adds to each request,
# and for a tollgate what it measures of itself in the window (selftime_start/stop: its handler's p50 / p99, its pauses).
# BENCH_API=responses sends the same prompt to a tollgate's /v1/responses instead of /v1/chat/completions (responses.sh).
measure() {
    local phase=$1 target=$2 conns=$3 secs=$4 model=$5 stream=${6:-false} think=${7:-0}
    local port key pids before after rss result added="" ledger="" self="" own=0 writes0 rows0 waits0 writes1 rows1 waits1
    case $target in
        this) port=$TG_PORT key=$TG_KEY pids=$TG_PID ;;
        base) port=$BASE_PORT key=$BASE_KEY pids=$BASE_PID ;;
        nginx) port=$([ "$model" = "$MODEL0" ] && echo "$NGX0_PORT" || echo "$NGX50_PORT") key=$SIM_KEY pids=$NGX_PIDS ;;
    esac
    [ "$target" = nginx ] || read -r writes0 rows0 waits0 <<<"$(ledger_writes "$port")"
    [ "$phase" = latency ] && [ "$target" != nginx ] && own=1 # tollgate's own view of the window too
    [ "$own" = 0 ] || selftime_start "$port"
    [ "$phase" != latency ] || capture_start "$port" "$SIM50_PORT"
    # shellcheck disable=SC2086
    before=$(ticks $pids)
    result=$(wrk -t1 -c"$conns" -d"${secs}s" --timeout 30s -s "$ROOT/bench/lua/chat.lua" "http://127.0.0.1:$port" \
        -- "$key" "$model" "$stream" 0 "$think" "${BENCH_API:-chat}" 2>&1 | grep '^RESULT' || true)
    # shellcheck disable=SC2086
    after=$(ticks $pids)
    # shellcheck disable=SC2086
    rss=$(($(status_kb VmRSS $pids) / 1024)) # before the scrape
    [ "$phase" != latency ] || { capture_stop; added=" $CAPTURE_RESULT"; }
    [ "$own" = 0 ] || { selftime_stop "$port"; self=" $SELFTIME_RESULT"; }
    if [ "$target" != nginx ]; then
        read -r writes1 rows1 waits1 <<<"$(ledger_writes "$port")"
        ledger=" writes=$((writes1 - writes0)) rows=$((rows1 - rows0)) waits=$((waits1 - waits0))"
    fi
    # shellcheck disable=SC2086
    echo "$phase target=$target api=${BENCH_API:-chat} conns=$conns think_ms=$think ${result#RESULT }$added$self$ledger cpu_ticks=$((after - before)) hz=$(getconf CLK_TCK) rss_mib=$rss" >>"$RAW"
}
# warm_up TARGET PID...: for each tollgate (this or base) and its pid, 2 x 20 s at saturation, then slices of 10 s at
# saturation and 5 s of run.sh's latency load until its JIT settles (jit_settle, at most 8 slices).
slice_of_both() {
    measure warmup "$1" 32 10 "$MODEL0"
    measure warmup "$1" "$LAT_CONNECTIONS" 5 "$MODEL50" false "$LAT_THINK_MS"
}
warm_up() {
    local target pid
    while [ $# -gt 1 ]; do
        target=$1 pid=$2
        shift 2
        measure warmup "$target" 32 20 "$MODEL0"
        measure warmup "$target" 32 20 "$MODEL0"
        jit_settle "$target" "$pid" 8 slice_of_both "$target"
    done
}
