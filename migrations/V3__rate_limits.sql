-- Rate limits: per tenant and per key, as JSON ({"requestsPerMinute","tokensPerMinute","concurrentRequests",
-- "models":{...}}); null means unlimited. The version grows with every change of the limits, so the shared buckets
-- take the new configuration (Bucket4j's implicit configuration replacement) without a restart.
alter table tenant add column limits text;
alter table tenant add column limits_version bigint not null default 0;
alter table api_key add column limits text;
alter table api_key add column limits_version bigint not null default 0;

-- Bucket4j's PostgreSQL store (select-for-update proxy manager): one row per bucket, the state serialized by
-- Bucket4j; expires_at (epoch ms) is when the bucket would be full again, after which the row can be deleted.
create table rate_limit_bucket (
    id         text primary key,
    state      bytea,
    expires_at bigint
);

create index rate_limit_bucket_expires_idx on rate_limit_bucket (expires_at);
