# Sourced by bench/soak.sh, bench/ab.sh and bench/profile.sh (needs ROOT): serve_start [run.sh options...] starts bench/run.sh --serve,
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

# What the scripts that serve read alike: a process's CPU time (utime + stime, clock ticks), and one field of wrk's
# RESULT line (0 when it is missing).
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
field() { local v; v=$(sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<" $2"); echo "${v:-0}"; }
