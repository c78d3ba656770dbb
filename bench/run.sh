#!/usr/bin/env bash
# Rerunnable benchmark of tollgate against the simulator directly and nginx as a plain reverse proxy, interleaved
# in rounds so the figures are ratios taken on the same (possibly noisy) machine. See README.md, "Performance".
#
# usage: bench/run.sh [--quick] [--rounds N] [--seconds S] [--no-build] [--no-install] [--jfr] [--out FILE]
#                     [--baseline REV]
#        bench/run.sh --serve [--no-build] [--jfr] [--serve-env FILE]   start everything, print the ports and key, wait
#                 (for profiling); with --serve-env, also write them to FILE as shell variables (soak.sh, ab.sh)
#
# --baseline REV  also builds the commit REV (a git worktree) and runs it as a second tollgate, measured in the same
#                 rounds as a fourth target: a change's effect as a ratio against the code before it, in one run
#
# environment:
#   TOLLGATE_BENCH_JAVA_OPTS      JVM options and -D config for tollgate (default: what a 512 MB dyno runs: the
#                                 Procfile's web JVM options, Heroku's -Xmx300m, the Serial collector the JVM picks
#                                 itself under 1.75 GB; MALLOC_ARENA_MAX=2, Heroku's default), e.g.
#                                 "-XX:+UseSerialGC -Xms16m -Xmx300m -Dtollgate.usage.flush-interval=100ms"
#   TOLLGATE_BENCH_BASELINE_JAVA_OPTS  the same for the --baseline tollgate (default: TOLLGATE_BENCH_JAVA_OPTS), e.g.
#                                 --baseline HEAD with "-Xmx128m -XX:+UseSerialGC -Dtollgate.usage.mode=async" sets a
#                                 setting against the same code
#   TOLLGATE_BENCH_JAVA           the java that runs tollgate (default: java on the PATH), e.g.
#                                 /usr/lib/jvm/temurin-25-jdk-amd64/bin/java
#   TOLLGATE_BENCH_BASELINE_JAVA  the same for the --baseline tollgate (default: TOLLGATE_BENCH_JAVA)
#   TOLLGATE_BENCH_TENANT_LIMITS  JSON for "limits" on tenant creation (dropped if the admin API rejects it)
#   TOLLGATE_BENCH_PORT_BASE      first of the ports used (default 19090)
#   TOLLGATE_BENCH_PGURL          PostgreSQL server (default postgres://postgres@127.0.0.1:5432)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH="$ROOT/bench"
SERVE=0 SERVE_ENV="" QUICK=0 ROUNDS="" SECONDS_PER_RUN="" BUILD=1 INSTALL=1 JFR=0 OUT="" BASELINE=""
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --rounds) ROUNDS=$2; shift ;;
        --seconds) SECONDS_PER_RUN=$2; shift ;;
        --no-build) BUILD=0 ;;
        --no-install) INSTALL=0 ;;
        --jfr) JFR=1 ;;
        --serve) SERVE=1 ;;
        --serve-env) SERVE_ENV=$2; shift ;;
        --out) OUT=$2; shift ;;
        --baseline) BASELINE=$2; shift ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
if [ "$QUICK" = 1 ]; then
    ROUNDS=${ROUNDS:-2} SECONDS_PER_RUN=${SECONDS_PER_RUN:-4} WARMUP=20 WARMUP_SLICES=0 KEY_COUNTS="1000 100000" KEY_PAIRS=2
    STREAM_COUNTS="100 1000" STREAM_SECONDS=16 TTFB_SECONDS=4
else
    ROUNDS=${ROUNDS:-5} SECONDS_PER_RUN=${SECONDS_PER_RUN:-10} WARMUP=40 WARMUP_SLICES=8 KEY_COUNTS="1000 10000 100000"
    KEY_PAIRS=3
    STREAM_COUNTS="100 1000 2500 5000" STREAM_SECONDS=25 TTFB_SECONDS=${SECONDS_PER_RUN}
fi
SAT_CONNECTIONS=32      # closed loop, enough to saturate 2 cores
# against the 50 ms upstream: 50 connections, each waiting a random time (exponential, mean 50 ms) before each
# request, ~475 requests/s arriving spread out (near Poisson), as a fixed rate would. Without the wait, wrk's
# connections stay in step (sent together, answered together 50 ms later) and each request waits behind the
# proxy's work on the others of its burst: that measured the burst, not what one request costs
LAT_CONNECTIONS=50 LAT_THINK_MS=50
TTFB_CONCURRENCY=8 TTFB_THINK_MS=50  # each stream started after a random wait, so they do not stay in step
# wrk opens every stream of the series at once: the default bulkhead queue (512) and pool (1,000 connections)
# would refuse most of a 5,000-stream burst, which is what they are for, not what the series measures
UPSTREAM_QUEUE=10000
# the JVM options the Procfile's web process starts with (between `java` and `$JAVA_OPTS`): measure what is shipped
JVM_DEFAULTS=$(sed -n 's/^web: java \(.*\) \$JAVA_OPTS .*/\1/p' "$ROOT/Procfile")
[ -n "$JVM_DEFAULTS" ] || { echo "no JVM options found in the Procfile's web line" >&2; exit 1; }
# -Xmx300m: a 512 MB dyno's heap (with 128m, 5,000 open streams, ~18 KB of heap each, ran into back-to-back full
# collections: the series measured the collector, not the relay). -XX:+UseSerialGC: what the JVM picks by itself in
# such a container; this machine has more memory, so it would pick G1
JAVA_OPTS_TG=${TOLLGATE_BENCH_JAVA_OPTS:--XX:+UseSerialGC $JVM_DEFAULTS -Xmx300m}
JAVA_OPTS_BASE=${TOLLGATE_BENCH_BASELINE_JAVA_OPTS:-$JAVA_OPTS_TG}
JAVA_TG=${TOLLGATE_BENCH_JAVA:-java}
JAVA_BASE=${TOLLGATE_BENCH_BASELINE_JAVA:-$JAVA_TG}
java_version() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.runtime.version = //p'; }
JAVA_TG_VERSION=$(java_version "$JAVA_TG") JAVA_BASE_VERSION=$(java_version "$JAVA_BASE")
LIMITS_JSON=${TOLLGATE_BENCH_TENANT_LIMITS:-'{"requestsPerMinute":100000000,"tokensPerMinute":1000000000}'}
BASE=${TOLLGATE_BENCH_PORT_BASE:-19090}
PGURL=${TOLLGATE_BENCH_PGURL:-postgres://postgres@127.0.0.1:5432}
DB=tollgate_bench
SIM0=$BASE SIM50=$((BASE + 1)) SIMSLOW=$((BASE + 2)) NGX0=$((BASE + 10)) NGX50=$((BASE + 11)) TG=$((BASE + 20))
TGB=$((BASE + 21))
SIM_KEY=inf-00000000-0000-4000-8000-000000000000   # SimulatorOptions.DEFAULT_KEY
ADMIN_TOKEN=bench-admin-token-$(date +%s)
KEY_SECRET=bench-key-secret-0123456789abcdef0123456789abcdef
MODEL0=claude-4-5-haiku MODEL50=claude-4-5-sonnet MODELSLOW=claude-4-sonnet
HZ=$(getconf CLK_TCK)

log() { echo "[bench $(date -u +%H:%M:%S)] $*" >&2; }
# shellcheck source=bench/serve.sh
. "$BENCH/serve.sh"

# --- tools ---------------------------------------------------------------------------------------------------
if [ "$INSTALL" = 1 ]; then
    missing=""
    command -v wrk >/dev/null || missing="$missing wrk"
    command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing="$missing nginx-light"
    command -v psql >/dev/null || missing="$missing postgresql-client"
    command -v tcpdump >/dev/null || missing="$missing tcpdump"
    if [ -n "$missing" ]; then
        log "installing$missing"
        # keep Debian's nginx service from starting: we run our own master process
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
        DEBIAN_FRONTEND=noninteractive apt-get install -y $missing >/dev/null || {
            apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y $missing >/dev/null; }
        rm -f /usr/sbin/policy-rc.d
    fi
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
# shellcheck source=bench/capture.sh
. "$BENCH/capture.sh"
ulimit -n 200000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# --- build ---------------------------------------------------------------------------------------------------
cd "$ROOT"
WORK=$(mktemp -d /tmp/tollgate-bench.XXXXXX)
RAW="$WORK/raw.txt"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    capture_abort
    psql "$PGURL/postgres" -qAtc "drop database if exists $DB with (force)" >/dev/null 2>&1 || true
    psql "$PGURL/postgres" -qAtc "drop database if exists ${DB}_base with (force)" >/dev/null 2>&1 || true
    [ -z "$BASELINE" ] || git -C "$ROOT" worktree remove --force "$WORK/baseline" >/dev/null 2>&1 || true
}
trap cleanup EXIT
if [ "$BUILD" = 1 ]; then
    log "building"
    ./mvnw -q -DskipTests package
fi
CP='target/quarkus-app/lib/main/*:target/quarkus-app/app/*'
if [ -n "$BASELINE" ]; then
    BASELINE_COMMIT=$(git -C "$ROOT" rev-parse --short "$BASELINE^{commit}")
    log "building the baseline $BASELINE ($BASELINE_COMMIT) in a worktree"
    git -C "$ROOT" worktree add --detach "$WORK/baseline" "$BASELINE_COMMIT" >/dev/null 2>&1
    (cd "$WORK/baseline" && ./mvnw -q -DskipTests package)
fi

wait_http() { # url seconds
    local i
    for i in $(seq 1 $(($2 * 10))); do
        curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "timed out waiting for $1" >&2
    return 1
}
nginx_pids() { echo "$NGINX_PID" $(pgrep -P "$NGINX_PID"); }

# --- processes -----------------------------------------------------------------------------------------------
start_sim() { # port args...
    local port=$1
    shift
    java -Xmx256m -cp "$CP" io.tollgate.simulator.SimulatorMain --port "$port" --max-records 100 "$@" \
        >"$WORK/sim-$port.log" 2>&1 &
    PIDS+=($!)
}
log "starting simulators"
start_sim "$SIM0"
SIM0_PID=$!
start_sim "$SIM50" --latency-ms 50 --chunk-delay-ms 20
SIM50_PID=$!
start_sim "$SIMSLOW" --latency-ms 50 --chunk-delay-ms 500 --reply-tokens 20
SIMSLOW_PID=$!
for p in $SIM0 $SIM50 $SIMSLOW; do wait_http "http://127.0.0.1:$p/_sim/options" 60; done

log "starting nginx"
mkdir -p "$WORK/nginx"
cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes auto;
worker_rlimit_nofile 200000;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 50000; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    upstream sim0 { server 127.0.0.1:$SIM0; keepalive 512; }
    upstream sim50 { server 127.0.0.1:$SIM50; keepalive 512; }
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_buffering off;
    server { listen 127.0.0.1:$NGX0; location / { proxy_pass http://sim0; } }
    server { listen 127.0.0.1:$NGX50; location / { proxy_pass http://sim50; } }
}
EOF
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
PIDS+=($NGINX_PID)
wait_http "http://127.0.0.1:$NGX0/_sim/options" 20

start_tollgate() { # java app-dir port database log jvm-options [more jvm options...]; sets STARTED_PID
    local java=$1 dir=$2 port=$3 db=$4 logfile=$5 opts=$6
    shift 6
    psql "$PGURL/postgres" -qAtc "drop database if exists $db with (force)" >/dev/null
    psql "$PGURL/postgres" -qAtc "create database $db" >/dev/null
    # shellcheck disable=SC2086
    env MALLOC_ARENA_MAX=2 DATABASE_URL="$PGURL/$db" PORT=$port TOLLGATE_ADMIN_TOKEN="$ADMIN_TOKEN" TOLLGATE_KEY_SECRET="$KEY_SECRET" \
        INFERENCE_URL="http://127.0.0.1:$SIM0" INFERENCE_KEY=$SIM_KEY INFERENCE_MODEL_ID=$MODEL0 \
        SLOW_URL="http://127.0.0.1:$SIM50" SLOW_KEY=$SIM_KEY SLOW_MODEL_ID=$MODEL50 \
        STREAMS_URL="http://127.0.0.1:$SIMSLOW" STREAMS_KEY=$SIM_KEY STREAMS_MODEL_ID=$MODELSLOW \
        TOLLGATE_UPSTREAM_BULKHEAD_QUEUE=$UPSTREAM_QUEUE TOLLGATE_UPSTREAM_MAX_CONNECTIONS_PER_UPSTREAM=$UPSTREAM_QUEUE \
        "$java" $opts "$@" -jar "$dir/target/quarkus-app/quarkus-run.jar" >"$logfile" 2>&1 &
    STARTED_PID=$!
    PIDS+=($STARTED_PID)
    wait_http "http://127.0.0.1:$port/q/health/ready" 90
}
A="Authorization: Bearer $ADMIN_TOKEN"
J='Content-Type: application/json'
make_key() { # port; sets TENANT, MADE_KEY and LIMITS_USED
    local port=$1 tenant_json
    # an admin API without tenant limits either rejects the field (400) or ignores it (no "limits" in the answer)
    LIMITS_USED="none (the admin API rejected or ignored \"limits\")"
    if tenant_json=$(curl -fsS -H "$A" -H "$J" -d "{\"name\":\"bench\",\"limits\":$LIMITS_JSON}" \
        "http://127.0.0.1:$port/admin/v1/tenants" 2>/dev/null); then
        grep -q '"limits"' <<<"$tenant_json" && LIMITS_USED="$LIMITS_JSON"
    else
        tenant_json=$(curl -fsS -H "$A" -H "$J" -d '{"name":"bench"}' "http://127.0.0.1:$port/admin/v1/tenants")
    fi
    TENANT=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$tenant_json")
    MADE_KEY=$(curl -fsS -H "$A" -H "$J" -d '{"name":"bench"}' "http://127.0.0.1:$port/admin/v1/tenants/$TENANT/keys" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
}

TARGETS=(sim nginx tollgate)
CHECKS=("http://127.0.0.1:$SIM0|$SIM_KEY" "http://127.0.0.1:$NGX0|$SIM_KEY")
if [ -n "$BASELINE" ]; then
    log "starting the baseline tollgate ($BASELINE_COMMIT, $JAVA_BASE $JAVA_OPTS_BASE)"
    start_tollgate "$JAVA_BASE" "$WORK/baseline" $TGB ${DB}_base "$WORK/tollgate-baseline.log" "$JAVA_OPTS_BASE"
    TGB_PID=$STARTED_PID
    make_key $TGB
    TGB_KEY=$MADE_KEY
    log "baseline tenant limits: $LIMITS_USED"
    TARGETS+=(baseline)
    CHECKS+=("http://127.0.0.1:$TGB|$TGB_KEY")
fi

log "starting tollgate ($JAVA_TG $JAVA_OPTS_TG)"
JFR_OPTS=()
if [ "$JFR" = 1 ]; then
    # JDK 25+ also samples CPU time (jdk.CPUTimeSample, JEP 509: native frames included, threads in syscalls too),
    # which the usual execution samples miss; bench/cpuprofile.py sums it by phase of the request
    cputime=""
    [ "${JAVA_TG_VERSION%%[.+-]*}" -ge 25 ] 2>/dev/null && cputime=",jdk.CPUTimeSample#enabled=true,jdk.CPUTimeSample#throttle=2ms"
    JFR_OPTS=(-XX:+FlightRecorder "-XX:StartFlightRecording=filename=$WORK/tollgate.jfr,settings=profile,dumponexit=true$cputime")
fi
start_tollgate "$JAVA_TG" "$ROOT" $TG $DB "$WORK/tollgate.log" "$JAVA_OPTS_TG" "${JFR_OPTS[@]}"
TG_PID=$STARTED_PID
TG_START_RSS=$(status_kb VmRSS $TG_PID)

log "creating tenant and key"
make_key $TG
TG_KEY=$MADE_KEY
log "tenant limits: $LIMITS_USED"
CHECKS+=("http://127.0.0.1:$TG|$TG_KEY")

# one check that each path answers before measuring anything
for url in "${CHECKS[@]}"; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ${url#*|}" -H "$J" \
        -d "{\"model\":\"$MODEL0\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}" "${url%|*}/v1/chat/completions")
    [ "$code" = 200 ] || { echo "${url%|*} answered $code" >&2; tail -20 "$WORK/tollgate.log" >&2; exit 1; }
done

if [ "$SERVE" = 1 ]; then
    echo "simulator :$SIM0 (0 ms) :$SIM50 (50 ms) :$SIMSLOW (slow streams); nginx :$NGX0 :$NGX50; tollgate :$TG (pid $TG_PID)"
    echo "tollgate key: $TG_KEY   simulator key: $SIM_KEY   admin token: $ADMIN_TOKEN   work dir: $WORK"
    echo "e.g. wrk -c32 -d10s -s bench/lua/chat.lua http://127.0.0.1:$TG -- $TG_KEY $MODEL0"
    [ -z "$BASELINE" ] || echo "baseline $BASELINE_COMMIT: tollgate :$TGB (pid $TGB_PID), key $TGB_KEY"
    if [ -n "$SERVE_ENV" ]; then # written whole, then moved: a reader never sees half of it
        {
            echo "TG_PORT=$TG TG_PID=$TG_PID TG_KEY=$TG_KEY SIM_KEY=$SIM_KEY SIM50_PORT=$SIM50 NGX0_PORT=$NGX0 NGX50_PORT=$NGX50"
            echo "NGX_PIDS='$(nginx_pids)'"
            echo "MODEL0=$MODEL0 MODEL50=$MODEL50 MODELSLOW=$MODELSLOW TG_JAVA=$JAVA_TG_VERSION"
            echo "LAT_CONNECTIONS=$LAT_CONNECTIONS LAT_THINK_MS=$LAT_THINK_MS"
            [ -z "$BASELINE" ] || echo "BASE_PORT=$TGB BASE_PID=$TGB_PID BASE_KEY=$TGB_KEY BASE_COMMIT=$BASELINE_COMMIT BASE_JAVA=$JAVA_BASE_VERSION"
        } >"$SERVE_ENV.tmp"
        mv "$SERVE_ENV.tmp" "$SERVE_ENV"
    fi
    wait "$TG_PID" || true
    exit 0
fi

# --- measuring -----------------------------------------------------------------------------------------------
# target name -> port, key and the pids whose CPU counts as "the proxy"
port_of() { case "$1:$2" in sim:0) echo $SIM0 ;; sim:50) echo $SIM50 ;; nginx:0) echo $NGX0 ;; nginx:50) echo $NGX50 ;;
    tollgate:*) echo $TG ;; baseline:*) echo $TGB ;; esac; }
key_of() { case "$1" in tollgate) echo "$TG_KEY" ;; baseline) echo "$TGB_KEY" ;; *) echo "$SIM_KEY" ;; esac; }
model_of() { [ "$2" = 0 ] && echo $MODEL0 || echo $MODEL50; }
pids_of() { case "$1" in sim) echo "$SIM0_PID $SIM50_PID" ;; nginx) nginx_pids ;; tollgate) echo $TG_PID ;; baseline) echo $TGB_PID ;; esac; }

wrk_run() { # phase round target latency connections seconds [stream] [spread] [think ms]
    local phase=$1 round=$2 target=$3 lat=$4 conns=$5 secs=$6 stream=${7:-false} spread=${8:-0} think=${9:-0}
    local pids before after out threads=1
    [ "$conns" -gt 200 ] && threads=2
    pids=$(pids_of "$target")
    # against the 50 ms upstream, what a proxy adds to each request is read from a capture (bench/added.py): the
    # simulator called directly is no reference for it (25 connections straight to it are answered ~2 ms slower
    # than through nginx's few)
    local capture=0 added="" own=0 self=""
    [ "$phase" = latency ] && [ "$target" != sim ] && capture=1
    # and what tollgate measures of itself in the same window: its handler's own time, its pauses
    [ "$capture" = 1 ] && [ "$target" != nginx ] && own=1
    [ "$own" = 0 ] || selftime_start "$(port_of "$target" "$lat")"
    [ "$capture" = 0 ] || capture_start "$(port_of "$target" "$lat")" $SIM50
    # shellcheck disable=SC2086
    before=$(ticks $pids)
    out=$(wrk -t$threads -c"$conns" -d"${secs}s" --timeout 30s -s "$BENCH/lua/chat.lua" \
        "http://127.0.0.1:$(port_of "$target" "$lat")" -- "$(key_of "$target")" "${MODEL:-$(model_of "$target" "$lat")}" \
        "$stream" "$spread" "$think" 2>&1 | grep '^RESULT' || true)
    # shellcheck disable=SC2086
    after=$(ticks $pids)
    local memory
    memory="rss_kb=$(status_kb VmRSS $pids) hwm_kb=$(status_kb VmHWM $pids)" # before the scrape below
    [ "$capture" = 0 ] || { capture_stop; added=" $CAPTURE_RESULT"; }
    [ "$own" = 0 ] || { selftime_stop "$(port_of "$target" "$lat")"; self=" $SELFTIME_RESULT"; }
    # shellcheck disable=SC2086
    echo "$phase round=$round target=$target conns=$conns spread=$spread think_ms=$think ${out#RESULT }$added$self cpu_ticks=$((after - before)) hz=$HZ $memory" >>"$RAW"
}
latency_run() { # phase round target seconds: the latency load against the 50 ms upstream, spread out
    wrk_run "$1" "$2" "$3" 50 $LAT_CONNECTIONS "$4" false 0 $LAT_THINK_MS
}
ttfb_run() { # round target
    local out added=""
    # the same capture as for whole answers: per stream, what the proxy adds to its first event and to its end
    [ "$2" = sim ] || capture_start "$(port_of "$2" 50)" $SIM50
    out=$(python3 "$BENCH/ttfb.py" 127.0.0.1 "$(port_of "$2" 50)" "$(key_of "$2")" $MODEL50 "$TTFB_SECONDS" \
        $TTFB_CONCURRENCY $TTFB_THINK_MS | grep '^RESULT' || true)
    [ "$2" = sim ] || { capture_stop; added=" $CAPTURE_RESULT"; }
    echo "ttfb round=$1 target=$2 ${out#RESULT }$added" >>"$RAW"
}

warm_slice() { # target: 10 s of the saturation load and 5 s of the latency load, for jit_settle
    wrk_run warmup 0 "$1" 0 $SAT_CONNECTIONS 10
    latency_run warmup 0 "$1" 5
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
START=$(date -u +%s)
log "warming up (${WARMUP}s)"
wrk_run warmup 0 tollgate 0 $SAT_CONNECTIONS "$WARMUP"
latency_run warmup 0 tollgate 3
jit_settle tollgate "$TG_PID" "$WARMUP_SLICES" warm_slice tollgate
wrk_run warmup 0 nginx 0 $SAT_CONNECTIONS 3
wrk_run warmup 0 sim 0 $SAT_CONNECTIONS 3
python3 "$BENCH/ttfb.py" 127.0.0.1 $TG "$TG_KEY" $MODEL50 2 4 >/dev/null
if [ -n "$BASELINE" ]; then
    wrk_run warmup 0 baseline 0 $SAT_CONNECTIONS "$WARMUP"
    latency_run warmup 0 baseline 3
    jit_settle baseline "$TGB_PID" "$WARMUP_SLICES" warm_slice baseline
    python3 "$BENCH/ttfb.py" 127.0.0.1 $TGB "$TGB_KEY" $MODEL50 2 4 >/dev/null
fi

for round in $(seq 1 "$ROUNDS"); do
    log "round $round/$ROUNDS"
    # rotate the order so no target always runs first after a pause
    order=("${TARGETS[@]:$((round % ${#TARGETS[@]}))}" "${TARGETS[@]:0:$((round % ${#TARGETS[@]}))}")
    for t in "${order[@]}"; do wrk_run saturation "$round" "$t" 0 $SAT_CONNECTIONS "$SECONDS_PER_RUN"; done
    for t in "${order[@]}"; do latency_run latency "$round" "$t" "$SECONDS_PER_RUN"; done
    for t in "${order[@]}"; do ttfb_run "$round" "$t"; done
done
TG_HWM_MAIN=$(status_kb VmHWM $TG_PID)
TGB_HWM_MAIN=$([ -n "$BASELINE" ] && status_kb VmHWM $TGB_PID || echo "")

log "keys in the database"
inserted=0
for n in $KEY_COUNTS; do
    psql "$PGURL/$DB" -qAt -v ON_ERROR_STOP=1 >/dev/null <<EOF
create extension if not exists pgcrypto;
create temporary table k as
    select gen_random_uuid() as id, i, format('tg-bench%s', lpad(i::text, 38, '0')) as secret
    from generate_series($((inserted + 1)), $n) as i;
insert into api_key (id, tenant_id, name, prefix) select id, '$TENANT', 'bench-' || i, substr(secret, 1, 11) from k;
insert into api_key_secret (hash, key_id) select hmac(secret, '$KEY_SECRET', 'sha256'), id from k;
EOF
    inserted=$n
    log "  $n keys"
    # nginx in the same step: the steps run minutes apart on a shared machine, the ratio is what compares. Single
    # runs of it spread +-15 % here, as wide as the verdict's threshold: KEY_PAIRS pairs, the report takes the median
    for _ in $(seq 1 $KEY_PAIRS); do
        wrk_run keys-ref "$n" nginx 0 $SAT_CONNECTIONS "$SECONDS_PER_RUN"
        wrk_run keys-hot "$n" tollgate 0 $SAT_CONNECTIONS "$SECONDS_PER_RUN"
    done
    wrk_run keys-spread "$n" tollgate 0 $SAT_CONNECTIONS "$SECONDS_PER_RUN" false "$n"
done

log "concurrent streams"
for c in $STREAM_COUNTS; do
    log "  $c streams"
    MODEL=$MODELSLOW wrk_run streams "$c" tollgate 50 "$c" "$STREAM_SECONDS" true
done
TG_HWM_ALL=$(status_kb VmHWM $TG_PID)
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
ELAPSED=$(($(date -u +%s) - START))

# --- report --------------------------------------------------------------------------------------------------
DATE=$(date -u +%Y-%m-%d)
HOST=$(hostname -s)
OUT=${OUT:-$BENCH/results/$DATE-$HOST$([ "$QUICK" = 1 ] && echo -quick || true).md}
{
    echo "commit=$(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- src || echo +dirty)"
    [ -z "$BASELINE" ] || echo "baseline=$BASELINE_COMMIT tgb_hwm_main_kb=$TGB_HWM_MAIN"
    [ -z "$BASELINE" ] || echo "baseline_java_opts=$JAVA_OPTS_BASE"
    [ -z "$BASELINE" ] || echo "baseline_java=$JAVA_BASE_VERSION"
    echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "mode=$([ "$QUICK" = 1 ] && echo quick || echo full) rounds=$ROUNDS seconds=$SECONDS_PER_RUN elapsed_s=$ELAPSED"
    echo "nproc=$(nproc)"
    echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
    echo "jdk=$(java -version 2>&1 | sed -n 2p)"
    echo "nginx=$("$NGINX" -v 2>&1 | sed 's/.*: //')"
    echo "wrk=$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
    echo "load_before=$LOAD_BEFORE"
    echo "load_after=$LOAD_AFTER"
    echo "java=$JAVA_TG_VERSION"
    echo "java_opts=$JAVA_OPTS_TG; tollgate.upstream.bulkhead-queue and max-connections-per-upstream=$UPSTREAM_QUEUE"
    echo "limits=$LIMITS_USED"
    echo "tg_start_rss_kb=$TG_START_RSS tg_hwm_main_kb=$TG_HWM_MAIN tg_hwm_all_kb=$TG_HWM_ALL"
    echo "sat_connections=$SAT_CONNECTIONS lat_connections=$LAT_CONNECTIONS lat_think_ms=$LAT_THINK_MS ttfb_concurrency=$TTFB_CONCURRENCY ttfb_think_ms=$TTFB_THINK_MS"
    echo "stream_seconds=$STREAM_SECONDS"
    echo "---"
    cat "$RAW"
} >"$WORK/all.txt"
cp "$WORK/all.txt" "${OUT%.md}.raw.txt"
python3 "$BENCH/report.py" "$WORK/all.txt" >"$OUT"
cat "$OUT"
[ "$JFR" = 1 ] && { kill $TG_PID; wait $TG_PID 2>/dev/null || true; cp "$WORK/tollgate.jfr" "$BENCH/results/" 2>/dev/null &&
    log "JFR recording: bench/results/tollgate.jfr"; }
log "written to ${OUT#$ROOT/}"
