# Sourced by bench/run.sh and by bench/serve.sh's serve_pair (needs ROOT): what a proxy adds to each request,
# from a packet capture of the loopback while load runs through it (see bench/added.py).
#   capture_start PROXY_PORT UPSTREAM_PORT   starts tcpdump on both ports (only packets that carry data)
#   capture_stop                             stops it and sets CAPTURE_RESULT to added.py's figures as key=value pairs
#                                            (not printed: in a command substitution, CAPTURE_PID would stay set)
#   capture_abort                            stops it, if one runs, and removes its files and selftime's (for an exit trap)
# and, around the same window, what tollgate measures of itself in it (bench/selftime.py: its handler's p50 / p99,
# its collector's pauses), from two scrapes of its /q/metrics:
#   selftime_start TOLLGATE_PORT / selftime_stop TOLLGATE_PORT   the second sets SELFTIME_RESULT (key=value pairs)
CAPTURE_PID="" CAPTURE_FILE="" CAPTURE_PORTS="" CAPTURE_RESULT=""
capture_start() {
    CAPTURE_FILE=$(mktemp /tmp/tollgate-capture.XXXXXX)
    CAPTURE_PORTS="$1 $2"
    tcpdump -i lo -B 16384 -s 1500 -w "$CAPTURE_FILE" \
        "(tcp port $1 or tcp port $2) and (tcp[tcpflags] & tcp-push != 0)" 2>"$CAPTURE_FILE.log" &
    CAPTURE_PID=$!
    for _ in $(seq 1 50); do # until it listens
        grep -q listening "$CAPTURE_FILE.log" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "tcpdump did not start: $(cat "$CAPTURE_FILE.log")" >&2
    return 1
}
capture_stop() {
    local result
    kill -INT "$CAPTURE_PID" 2>/dev/null || true
    wait "$CAPTURE_PID" 2>/dev/null || true
    # shellcheck disable=SC2086
    result=$(python3 "$ROOT/bench/added.py" "$CAPTURE_FILE" $CAPTURE_PORTS | grep '^RESULT' || true)
    CAPTURE_RESULT="${result#RESULT } capture_dropped=$(sed -n 's/^\([0-9]*\) packets dropped by kernel/\1/p' "$CAPTURE_FILE.log")"
    rm -f "$CAPTURE_FILE" "$CAPTURE_FILE.log"
    CAPTURE_PID=""
}
capture_abort() {
    [ -z "$CAPTURE_PID" ] || { kill "$CAPTURE_PID" 2>/dev/null || true; rm -f "$CAPTURE_FILE" "$CAPTURE_FILE.log"; }
    CAPTURE_PID=""
    [ -z "$SELFTIME_FILE" ] || rm -f "$SELFTIME_FILE" "$SELFTIME_FILE.after"
    SELFTIME_FILE=""
}
SELFTIME_FILE="" SELFTIME_RESULT=""
selftime_start() {
    SELFTIME_FILE=$(mktemp /tmp/tollgate-metrics.XXXXXX)
    curl -s "http://127.0.0.1:$1/q/metrics" >"$SELFTIME_FILE"
}
selftime_stop() {
    curl -s "http://127.0.0.1:$1/q/metrics" >"$SELFTIME_FILE.after"
    SELFTIME_RESULT=$(python3 "$ROOT/bench/selftime.py" "$SELFTIME_FILE" "$SELFTIME_FILE.after")
    rm -f "$SELFTIME_FILE" "$SELFTIME_FILE.after"
    SELFTIME_FILE=""
}
