# Sourced by the bench scripts. For bench/soak.sh, bench/ab.sh and bench/profile.sh (needs ROOT): serve_start [run.sh options...] starts bench/run.sh --serve,
# waits until it has written what it started, and sources that: TG_PORT, TG_PID, TG_KEY, SIM_KEY, SIM50_PORT, NGX50_PORT (nginx in front of it),
# MODEL0, MODEL50, MODELSLOW, TG_JAVA (its runtime version), LAT_CONNECTIONS and LAT_THINK_MS (run.sh's latency load),
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

# What the scripts read alike: the CPU time of processes (utime + stime summed over the pids, clock ticks), and one
# field of wrk's RESULT line (0 when it is missing).
ticks() {
    local t=0 pid
    for pid in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
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
