#!/usr/bin/env bash
# Rising rates, side by side: this checkout against --baseline REV (another commit, or the same commit with other
# options), from ~480 requests a second to saturation, with nginx at each load as the reference. Both tollgates are
# started by `bench/run.sh --serve --baseline` and warmed up as in bench/ab.sh; then, round by round, each load runs
# against nginx and the two tollgates (the tollgates in alternating order). Per load and target: requests/s, CPU time
# per request (/proc/<pid>/stat), wrk's end-to-end p50 / p99, and for a tollgate the rows each usage-ledger write
# carried (tollgate_usage_ledger_write_rows): where a change to the ledger starts to act, and what it costs below that.
#
# usage: bench/rates.sh --baseline REV [--rounds N] [--seconds S] [--loads "C:THINK ..."] [--label NAME] [--out FILE]
#   --loads  wrk's connections and think time: each connection waits a random time (exponential, mean THINK ms) before
#            each request. THINK 0 runs against the 0 ms upstream (closed loop: saturation), the others against the
#            50 ms upstream. Default "32:0 50:50 100:20 150:10 200:5": saturation, then ~480, ~1,350, ~2,300 and
#            ~2,800 req/s on a 2-core VM (fewer where the machine saturates first). 3 rounds of 12 s: ~20 min in all.
# e.g. the group commit's wait against the same code without it:
#   OPTS="-XX:+UseSerialGC -Xms16m -XX:-TieredCompilation -Xmx300m"
#   TOLLGATE_BENCH_JAVA_OPTS="$OPTS" TOLLGATE_BENCH_BASELINE_JAVA_OPTS="$OPTS -Dtollgate.usage.group-commit-wait=0" \
#       bench/rates.sh --baseline HEAD --label group-commit-vs-off
# environment: as bench/run.sh (TOLLGATE_BENCH_JAVA_OPTS, TOLLGATE_BENCH_BASELINE_JAVA_OPTS, TOLLGATE_BENCH_JAVA, ...)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=3 SECONDS_PER_LOAD=12 LOADS="32:0 50:50 100:20 150:10 200:5" LABEL="" OUT="" BASELINE=""
while [ $# -gt 0 ]; do
    case "$1" in
        --baseline) BASELINE=$2; shift ;;
        --rounds) ROUNDS=$2; shift ;;
        --seconds) SECONDS_PER_LOAD=$2; shift ;;
        --loads) LOADS=$2; shift ;;
        --label) LABEL=$2; shift ;;
        --out) OUT=$2; shift ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
[ -n "$BASELINE" ] || { echo "--baseline REV is required" >&2; exit 2; }
for load in $LOADS; do
    [[ "$load" =~ ^[0-9]+:[0-9]+$ ]] || { echo "--loads: '$load' is not CONNECTIONS:THINK_MS" >&2; exit 2; }
done
LABEL=${LABEL:-$(git -C "$ROOT" rev-parse --short HEAD)-vs-$BASELINE}
OUT=${OUT:-$ROOT/bench/results/$(date -u +%F)-$(hostname -s)-rates-$LABEL.md}
RAW=${OUT%.md}.raw.txt
log() { echo "[rates $(date -u +%H:%M:%S)] $*" >&2; }

# shellcheck source=bench/serve.sh
. "$ROOT/bench/serve.sh"
serve_pair "$BASELINE"
for round in $(seq 1 "$ROUNDS"); do
    log "round $round/$ROUNDS"
    order="this base"
    [ $((round % 2)) = 1 ] || order="base this"
    for load in $LOADS; do
        conns=${load%:*} think=${load#*:} model=$MODEL50
        [ "$think" != 0 ] || model=$MODEL0
        for t in nginx $order; do measure rate "$t" "$conns" "$SECONDS_PER_LOAD" "$model" false "$think"; done
    done
done

PYTHONPATH="$ROOT/bench" python3 - "$RAW" "$OUT" "$(git -C "$ROOT" rev-parse --short HEAD)" "$BASE_COMMIT" "$ROUNDS" "$SECONDS_PER_LOAD" \
    "java $TG_JAVA: ${TOLLGATE_BENCH_JAVA_OPTS:-run.sh default: the Procfile web options}" \
    "java $BASE_JAVA: ${TOLLGATE_BENCH_BASELINE_JAVA_OPTS:-the same}" <<'EOF'
import sys, datetime, os
from figures import rows as read_rows, cpu_us as cpu, rate, med, span, cpu_name
raw, out, this, base, rounds, secs, opts, base_opts = sys.argv[1:9]
rows = [r for r in read_rows(raw) if r['phase'] == 'rate']
loads = list(dict.fromkeys((r['conns'], r['think_ms']) for r in rows))
of = lambda load, target: [r for r in rows if (r['conns'], r['think_ms']) == load and r['target'] == target]
rng = span
lines = [f"# tollgate at rising rates: `{this}` against `{base}`, {datetime.datetime.utcnow():%Y-%m-%dT%H:%MZ}", "",
    f"- machine: {os.cpu_count()} cores, {cpu_name()}",
    f"- `bench/rates.sh`: both tollgates side by side (`bench/run.sh --serve --baseline`), each warmed with 2 x 20 s at saturation and slices of both loads until its JIT settles; then {rounds} rounds of {secs} s per load and target: nginx, then the tollgates in alternating order",
    f"- JVM and options: this `{opts}`; baseline `{base_opts}`",
    "- load `c=N think=T`: wrk with N connections, each waiting a random time (mean T ms) before each request; think 0: the 0 ms upstream, closed loop (saturation); otherwise the 50 ms upstream",
    "- CPU: the process's CPU time per request (nginx: master and workers); p50 / p99: wrk's, end to end (upstream included); rows a write: from `tollgate_usage_ledger_write_rows` over each run, and in brackets the share of writes that waited for the group commit (`tollgate_usage_ledger_group_commit_waits_total`)", "",
    "| load | requests/s: nginx / baseline / this | CPU µs per request: nginx / baseline / this | this / baseline, per round | this / nginx | p50 / p99 ms: nginx; baseline; this | rows a write (writes that waited): baseline / this |",
    "|---|---:|---:|---:|---:|---:|---:|"]
for load in loads:
    n, b, t = of(load, 'nginx'), of(load, 'base'), of(load, 'this')
    ratio = [cpu(x) / cpu(y) for x, y in zip(t, b)]
    ngx = [cpu(x) / cpu(y) for x, y in zip(t, n)]
    lat = lambda rs: f"{med([int(r['p50_us']) for r in rs]) / 1000:.1f} / {med([int(r['p99_us']) for r in rs]) / 1000:.1f}"
    written = lambda rs: [r for r in rs if int(r.get('writes') or 0) > 0]
    rpw = lambda rs: (f"{med([int(r['rows']) / int(r['writes']) for r in written(rs)]):.1f}"
                      f" ({med([100 * int(r.get('waits') or 0) / int(r['writes']) for r in written(rs)]):.0f} %)")
    errors = sum(int(r['errors']) + int(r['non2xx']) for r in n + b + t)
    lines.append(f"| c={load[0]} think={load[1]}{f' ({errors} errors)' if errors else ''} | {med([rate(r) for r in n]):,.0f} / {med([rate(r) for r in b]):,.0f} / {med([rate(r) for r in t]):,.0f} | "
        f"{med([cpu(r) for r in n]):.0f} / {med([cpu(r) for r in b]):.0f} / {med([cpu(r) for r in t]):.0f} | {med(ratio):.2f}× ({rng(ratio)}) | {med(ngx):.1f}× ({rng(ngx, '{:.1f}')}) | "
        f"{lat(n)}; {lat(b)}; {lat(t)} | {rpw(b)} / {rpw(t)} |")
lines += ["", f"Raw figures: `{os.path.basename(raw)}`.", ""]
open(out, 'w').write('\n'.join(lines))
print('\n'.join(lines))
EOF
log "written to $OUT"
