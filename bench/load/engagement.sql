-- Engagement: daily summaries built from raw events, then read: DAU/MAU, stickiness, lifecycle,
-- retention.
\set m random(1, 12)
SELECT dau(s, make_date(2025, :m, 10)), mau(s, make_date(2025, :m, 28)), stickiness(s, make_date(2025, :m, 1))
FROM (SELECT activity_agg(user_id::bigint, occurred_at, 'Europe/Paris') AS s FROM events) AS t;
SELECT sum(new_users) FROM lifecycle((SELECT activity_agg(user_id::bigint, occurred_at, 'UTC') FROM events), 'week');
SELECT max(retention_percent) FILTER (WHERE period_number = 1)
FROM retention((SELECT activity_agg(account_id::bigint, occurred_at, 'UTC') FROM events), 'month', 3);
