-- How many upstream attempts a request took (retries + 1), so retries are visible per request.
alter table usage_event add column attempts integer not null default 1;
