-- A budget's optional soft limit: a percentage of it past which the spend is only reported (a field in the budget
-- and usage answers, a metric, a log line), never refused.
alter table budget add column soft_limit_percent integer check (soft_limit_percent between 1 and 100);
