-- Billing: the price book, the cost of every usage row, a daily rollup for reports and budgets, and budgets.

-- One price version per row. A version applies to usage rows created in [effective_from, the next version's
-- effective_from) of the same model. Token prices are micro-dollars (1e-6 USD) per million tokens, image and
-- search-unit prices micro-dollars per unit: integers, so a cost is exact integer arithmetic.
create table model_price (
    id                             bigserial primary key,
    model                          text        not null,
    effective_from                 timestamptz not null,
    input_per_mtok_micros          bigint      not null default 0,
    -- null: cached input tokens cost the same as other input tokens
    cached_input_per_mtok_micros   bigint,
    output_per_mtok_micros         bigint      not null default 0,
    per_image_micros               bigint      not null default 0,
    per_search_unit_micros         bigint      not null default 0,
    created_at                     timestamptz not null default now(),
    constraint model_price_version_unique unique (model, effective_from),
    constraint model_price_not_negative check (input_per_mtok_micros >= 0 and output_per_mtok_micros >= 0
        and coalesce(cached_input_per_mtok_micros, 0) >= 0 and per_image_micros >= 0 and per_search_unit_micros >= 0)
);

-- Seed: Heroku Managed Inference list prices for the models of tollgate.models.catalog. ASSUMPTIONS: Heroku
-- bills per model at the provider's list price; the figures below are the published Anthropic / Amazon Bedrock /
-- Cohere / Stability list prices known when this was written and must be checked against the Heroku invoice
-- before billing from them (change them with POST /admin/v1/prices; never edit this migration).
insert into model_price (model, effective_from, input_per_mtok_micros, cached_input_per_mtok_micros,
                         output_per_mtok_micros, per_image_micros, per_search_unit_micros) values
    ('claude-opus-4-5',          '2025-01-01T00:00:00Z', 5000000, 500000, 25000000, 0, 0),
    ('claude-4-5-sonnet',        '2025-01-01T00:00:00Z', 3000000, 300000, 15000000, 0, 0),
    ('claude-4-5-haiku',         '2025-01-01T00:00:00Z', 1000000, 100000,  5000000, 0, 0),
    ('claude-4-sonnet',          '2025-01-01T00:00:00Z', 3000000, 300000, 15000000, 0, 0),
    ('claude-3-7-sonnet',        '2025-01-01T00:00:00Z', 3000000, 300000, 15000000, 0, 0),
    ('claude-3-5-sonnet-latest', '2025-01-01T00:00:00Z', 3000000, 300000, 15000000, 0, 0),
    ('claude-3-5-haiku',         '2025-01-01T00:00:00Z',  800000,  80000,  4000000, 0, 0),
    ('claude-3-haiku',           '2025-01-01T00:00:00Z',  250000,  30000,  1250000, 0, 0),
    ('nova-pro',                 '2025-01-01T00:00:00Z',  800000,   null,  3200000, 0, 0),
    ('nova-lite',                '2025-01-01T00:00:00Z',   60000,   null,   240000, 0, 0),
    ('gpt-oss-120b',             '2025-01-01T00:00:00Z',  150000,   null,   600000, 0, 0),
    ('cohere-embed-multilingual','2025-01-01T00:00:00Z',  100000,   null,        0, 0, 0),
    ('stable-image-ultra',       '2025-01-01T00:00:00Z',       0,   null,        0, 80000, 0),
    ('cohere-rerank-3-5',        '2025-01-01T00:00:00Z',       0,   null,        0, 0, 2000),
    ('amazon-rerank-1-0',        '2025-01-01T00:00:00Z',       0,   null,        0, 0, 1000);

-- Every row carries the price version that priced it (null: no price for its model) and its cost, rounded once per
-- row to whole micro-dollars (half away from zero). unpriced: it used something billable but its model had no
-- price; it is kept with its tokens and shows up in reports as unpriced.
alter table usage_event
    add column cached_input_tokens bigint  not null default 0,
    add column price_id            bigint,
    add column cost_micros         bigint  not null default 0,
    add column unpriced            boolean not null default false;

-- Raw rows for audit are read per tenant by time, paged by (created_at, request_id).
create index usage_event_tenant_time_id_idx on usage_event (tenant_id, created_at, request_id);
drop index usage_event_tenant_time_idx;

-- The ledger's rollup, maintained in the same statement that inserts the raw rows (only rows that were really
-- inserted are added, so a replayed row is never counted twice). Reports over whole days and budgets read it, so
-- they do not depend on the size of usage_event, and raw rows can be dropped after their retention without
-- changing a report.
create table usage_daily (
    tenant_id           uuid    not null,
    day                 date    not null,
    key_id              uuid    not null,
    model               text    not null,
    requests            bigint  not null,
    input_tokens        bigint  not null,
    cached_input_tokens bigint  not null,
    output_tokens       bigint  not null,
    total_tokens        bigint  not null,
    images              bigint  not null,
    search_units        bigint  not null,
    cost_micros         bigint  not null,
    unpriced_requests   bigint  not null,
    primary key (tenant_id, day, key_id, model)
);

create index usage_daily_day_idx on usage_daily (day);

-- Rows written before this migration, into the rollup (their cost is unknown: 0, and they are not priced).
insert into usage_daily
select tenant_id, (created_at at time zone 'UTC')::date, key_id, coalesce(upstream_model, requested_model, ''),
       count(*), sum(input_tokens), 0, sum(output_tokens), sum(total_tokens), sum(images), sum(search_units), 0, 0
  from usage_event
 group by 1, 2, 3, 4;

-- A monthly budget (UTC calendar month) of a tenant or of one key: money, tokens or both.
create table budget (
    subject_id          uuid        primary key,
    tenant_id           uuid        not null references tenant (id),
    kind                text        not null check (kind in ('tenant', 'key')),
    monthly_usd_micros  bigint      check (monthly_usd_micros >= 0),
    monthly_tokens      bigint      check (monthly_tokens >= 0),
    updated_at          timestamptz not null default now()
);
