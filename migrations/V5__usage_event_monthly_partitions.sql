-- usage_event becomes a table partitioned by calendar month (UTC) of created_at, so that raw rows older than a
-- retention can be dropped a month at a time (a DROP TABLE, no DELETE, no bloat) without touching usage_daily, which
-- reports, statements and budgets read.
--
-- A partitioned table's unique keys must hold its partition key: the ledger's idempotency key becomes
-- (request_id, created_at). created_at is the gateway's own timestamp of the request, written once and carried
-- unchanged through the spool, so a replayed row still meets its first copy and is not counted twice.
--
-- Partitions usage_event_YYYY_MM are created ahead by the application (this month and the next ones, at startup
-- and every few hours, through tollgate_ensure_usage_partitions); a row with no partition of its month yet (a clock
-- far off, or months replayed from a spool) goes to usage_event_default rather than being refused, and moves to its
-- month's partition when that is created.

alter table usage_event rename to usage_event_unpartitioned;
alter table usage_event_unpartitioned rename constraint usage_event_pkey to usage_event_unpartitioned_pkey;
alter index usage_event_tenant_time_id_idx rename to usage_event_unpartitioned_tenant_time_id_idx;

create table usage_event (like usage_event_unpartitioned including defaults including constraints)
    partition by range (created_at);
alter table usage_event add primary key (request_id, created_at);
create index usage_event_tenant_time_id_idx on usage_event (tenant_id, created_at, request_id);

create table usage_event_default partition of usage_event default;

-- The partition of one month (its first day), created if missing; rows of that month waiting in the default
-- partition move into it. Safe to call from several replicas at once. Returns the partition's name.
create function tollgate_usage_partition(month date) returns text
language plpgsql as $$
declare
    month_start date := date_trunc('month', month)::date;
    part_name text := 'usage_event_' || to_char(month_start, 'YYYY_MM');
    lower_bound timestamptz := month_start::timestamp at time zone 'UTC';
    upper_bound timestamptz := (month_start + interval '1 month')::timestamp at time zone 'UTC';
begin
    perform pg_advisory_xact_lock(hashtext('tollgate_usage_partitions'));
    if to_regclass(part_name) is not null then
        return part_name;
    end if;
    if exists (select 1 from usage_event_default where created_at >= lower_bound and created_at < upper_bound) then
        execute format('create table %I (like usage_event including defaults including constraints)', part_name);
        execute format('insert into %I select * from usage_event_default where created_at >= %L and created_at < %L',
                       part_name, lower_bound, upper_bound);
        delete from usage_event_default where created_at >= lower_bound and created_at < upper_bound;
        execute format('alter table usage_event attach partition %I for values from (%L) to (%L)',
                       part_name, lower_bound, upper_bound);
    else
        execute format('create table %I partition of usage_event for values from (%L) to (%L)',
                       part_name, lower_bound, upper_bound);
    end if;
    return part_name;
end $$;

-- The partitions of `months` months from the month of `first_month` on, and of every month that has rows waiting
-- in the default partition. Returns how many partitions were looked at.
create function tollgate_ensure_usage_partitions(first_month date, months integer) returns integer
language plpgsql as $$
declare
    waiting date;
    looked integer := months;
begin
    for i in 0 .. months - 1 loop
        perform tollgate_usage_partition((date_trunc('month', first_month) + make_interval(months => i))::date);
    end loop;
    for waiting in select distinct date_trunc('month', created_at at time zone 'UTC')::date from usage_event_default loop
        perform tollgate_usage_partition(waiting);
        looked := looked + 1;
    end loop;
    return looked;
end $$;

-- Retention: drops the monthly partitions that end on or before `keep_from` (the first day of the oldest month to
-- keep) and deletes the default partition's rows older than it. usage_daily is not touched. Returns the names of the
-- partitions dropped.
create function tollgate_drop_usage_partitions_before(keep_from date) returns setof text
language plpgsql as $$
declare
    partition_name text;
    month date;
begin
    perform pg_advisory_xact_lock(hashtext('tollgate_usage_partitions'));
    for partition_name in
        select c.relname from pg_inherits i
          join pg_class c on c.oid = i.inhrelid
         where i.inhparent = 'usage_event'::regclass and c.relname ~ '^usage_event_[0-9]{4}_[0-9]{2}$'
         order by c.relname
    loop
        month := to_date(substr(partition_name, 13), 'YYYY_MM');
        if month + interval '1 month' <= keep_from then
            execute format('drop table %I', partition_name);
            return next partition_name;
        end if;
    end loop;
    delete from usage_event_default where created_at < (keep_from::timestamp at time zone 'UTC');
end $$;

-- A partition for each month that has rows already, and for this month and the next two; then the rows.
select tollgate_usage_partition(month)
  from (select distinct date_trunc('month', created_at at time zone 'UTC')::date as month
          from usage_event_unpartitioned) months;
select tollgate_ensure_usage_partitions((now() at time zone 'UTC')::date, 3);

insert into usage_event select * from usage_event_unpartitioned;
drop table usage_event_unpartitioned;
