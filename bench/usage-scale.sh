#!/usr/bin/env bash
# Fills a scratch database with ROWS usage rows (default 5 million) through the real schema (migrations/), builds the
# daily rollup the ledger maintains, and times the report queries tollgate runs. Not part of the test suite.
#
#   bench/usage-scale.sh                      # 5M rows into database tollgate_billing_bench on 127.0.0.1:5432
#   ROWS=50000000 PGDATABASE=my_bench bench/usage-scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-5000000}
TENANTS=${TENANTS:-200}
export PGHOST=${PGHOST:-127.0.0.1} PGUSER=${PGUSER:-postgres} PGDATABASE=${PGDATABASE:-tollgate_billing_bench}
psql -q -d postgres -c "drop database if exists $PGDATABASE" -c "create database $PGDATABASE"
for f in $(ls migrations/V*.sql | sort -V); do psql -q -v ON_ERROR_STOP=1 -f "$f"; done

echo "generating $ROWS rows over $TENANTS tenants, 12 months"
time psql -q -v ON_ERROR_STOP=1 <<SQL
set synchronous_commit = off;
insert into tenant (id, name)
select ('00000000-0000-4000-8000-' || lpad(to_hex(t), 12, '0'))::uuid, 'bench-' || t from generate_series(1, $TENANTS) t;
-- the monthly partitions of the rows' year (tollgate creates them ahead as time goes by)
select tollgate_ensure_usage_partitions('2025-12-01', 12);
-- five keys a tenant, six models, created_at spread over 2025-12 .. 2026-11
insert into usage_event (request_id, tenant_id, key_id, endpoint, requested_model, upstream_model, upstream, status,
                         input_tokens, output_tokens, total_tokens, streamed, completed, latency_ms, created_at,
                         price_id, cost_micros)
select 'req_' || lpad(to_hex(i), 32, '0'),
       ('00000000-0000-4000-8000-' || lpad(to_hex(1 + i % $TENANTS), 12, '0'))::uuid,
       ('00000000-0000-4000-9000-' || lpad(to_hex((i % $TENANTS) * 5 + (i / $TENANTS) % 5), 12, '0'))::uuid,
       'chat.completions', m, m, 'heroku', 200, 500 + i % 1000, 50 + i % 300, 550 + i % 1000 + i % 300, i % 2 = 0, true,
       100 + i % 900, timestamptz '2025-12-01 00:00:00+00' + (i::double precision / $ROWS) * interval '365 days',
       1, (500 + i % 1000) * 3 + (50 + i % 300) * 15
  from generate_series(1, $ROWS) i,
       lateral (select (array['claude-4-5-sonnet','claude-4-5-haiku','claude-opus-4-5','nova-pro','nova-lite',
                              'gpt-oss-120b'])[1 + i % 6] as m) models;
insert into usage_daily
select tenant_id, (created_at at time zone 'UTC')::date, key_id, upstream_model, count(*), sum(input_tokens), 0,
       sum(output_tokens), sum(total_tokens), 0, 0, sum(cost_micros), 0
  from usage_event group by 1, 2, 3, 4;
vacuum analyze usage_event;
vacuum analyze usage_daily;
SQL
# usage_event is partitioned by month: its size is its partitions'
psql -c "select pg_size_pretty((select sum(pg_total_relation_size(inhrelid)) from pg_inherits where inhparent = 'usage_event'::regclass)) as usage_event, pg_size_pretty(pg_total_relation_size('usage_daily')) as usage_daily, (select count(*) from usage_daily) as rollup_rows"

T="00000000-0000-4000-8000-000000000007"
run() { # name, sql: best of three runs (the first warms the cache)
  local best=""
  for _ in 1 2 3; do
    ms=$(psql -qAt -c "explain (analyze, format json) $2" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Execution Time"])')
    best=$(python3 -c "print(min(float('$ms'), float('${best:-1e9}')))")
  done
  printf '%-58s %8.1f ms\n' "$1" "$best"
}
echo "query (best of 3)                                            time"
run "tenant month by model (rollup: report, statement)" \
  "select model, sum(requests), sum(total_tokens), sum(cost_micros) from usage_daily where tenant_id = '$T' and day >= '2026-06-01' and day < '2026-07-01' group by 1 order by 1"
run "tenant year by month (rollup)" \
  "select to_char(day, 'YYYY-MM'), sum(requests), sum(cost_micros) from usage_daily where tenant_id = '$T' and day >= '2025-12-01' and day < '2026-12-01' group by 1 order by 1"
run "all tenants month by tenant (rollup)" \
  "select tenant_id::text, sum(requests), sum(cost_micros) from usage_daily where day >= '2026-06-01' and day < '2026-07-01' group by 1 order by 1"
run "budget check: tenant month spend (rollup)" \
  "select coalesce(sum(cost_micros), 0), coalesce(sum(total_tokens), 0) from usage_daily where tenant_id = '$T' and day >= '2026-06-01' and day < '2026-07-01'"
run "tenant month by model from raw rows (not whole days)" \
  "select upstream_model, count(*), sum(total_tokens), sum(cost_micros) from usage_event where tenant_id = '$T' and created_at >= '2026-06-01 00:00:01+00' and created_at < '2026-07-01' group by 1 order by 1"
run "raw events: first page of 100" \
  "select * from usage_event where tenant_id = '$T' and created_at >= '2026-06-01' and created_at < '2026-07-01' order by created_at, request_id limit 101"
run "raw events: a page deep in the month (cursor)" \
  "select * from usage_event where tenant_id = '$T' and created_at >= '2026-06-01' and created_at < '2026-07-01' and (created_at, request_id) > ('2026-06-25', '') order by created_at, request_id limit 101"

# retention: the oldest month dropped whole (a DROP TABLE of its partition), the rollup untouched
before=$(psql -qAt -c "select sum(requests) from usage_daily")
start=$(date +%s%N)
dropped=$(psql -qAt -c "select * from tollgate_drop_usage_partitions_before('2026-01-01')" | tr '\n' ' ')
printf '%-58s %8.1f ms\n' "retention: drop the oldest month ($dropped)" "$(( ($(date +%s%N) - start) / 100000 ))e-1"
[ "$before" = "$(psql -qAt -c "select sum(requests) from usage_daily")" ] && echo "rollup unchanged: $before requests"
