-- usage mode `reserved`: when a request is admitted, a reservation (what the rate limiter reserved for it: the
-- prompt's estimate and the most its answer may use) is committed while the upstream works; the exact row, written
-- after the answer in the background, replaces it. A reservation that no exact row replaced within
-- tollgate.usage.reservation-timeout (the process was killed, the node lost) is booked into usage_event as an
-- estimate, so that a request the upstream served is never missing from the ledger.
create table usage_reservation (
    request_id      text        primary key,
    created_at      timestamptz not null,
    tenant_id       uuid        not null,
    key_id          uuid        not null,
    endpoint        text        not null,
    requested_model text,
    upstream_model  text,
    upstream        text,
    input_tokens    bigint      not null,
    output_tokens   bigint      not null,
    streamed        boolean     not null
);

create index usage_reservation_created_idx on usage_reservation (created_at);

-- a row booked from a reservation (an estimate), not from the upstream's own count
alter table usage_event add column estimated boolean not null default false;
alter table usage_daily add column estimated_requests bigint not null default 0;
