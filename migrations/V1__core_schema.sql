-- Tenants, their API keys and the usage ledger: the core gateway's schema.

create table tenant (
    id          uuid primary key,
    name        text        not null,
    disabled_at timestamptz,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    constraint tenant_name_unique unique (name)
);

-- A key is the long-lived identity (name, scope, expiry, revocation); its secrets live in
-- api_key_secret so that a rotation can keep the previous secret valid for a grace period.
create table api_key (
    id          uuid primary key,
    tenant_id   uuid        not null references tenant (id),
    name        text        not null,
    prefix      text        not null,
    models      text[],
    expires_at  timestamptz,
    revoked_at  timestamptz,
    created_at  timestamptz not null default now(),
    rotated_at  timestamptz
);

create index api_key_tenant_idx on api_key (tenant_id);

-- Only the keyed hash (HMAC-SHA-256 with the server secret) of a secret is ever stored.
create table api_key_secret (
    hash        bytea primary key,
    key_id      uuid        not null references api_key (id),
    created_at  timestamptz not null default now(),
    -- set when the secret is rotated out: it stays valid until then
    expires_at  timestamptz
);

create index api_key_secret_key_idx on api_key_secret (key_id);

-- One row per upstream exchange, keyed by tollgate's own request id (the x-request-id the client saw).
create table usage_event (
    request_id      text primary key,
    tenant_id       uuid        not null,
    key_id          uuid        not null,
    endpoint        text        not null,
    requested_model text,
    upstream_model  text,
    upstream        text,
    status          integer     not null,
    input_tokens    bigint      not null default 0,
    output_tokens   bigint      not null default 0,
    total_tokens    bigint      not null default 0,
    images          integer     not null default 0,
    search_units    integer     not null default 0,
    streamed        boolean     not null default false,
    completed       boolean     not null default true,
    latency_ms      integer     not null,
    created_at      timestamptz not null
);

create index usage_event_tenant_time_idx on usage_event (tenant_id, created_at);
