-- timestamp without time zone forms: a naive value is placed on the date written on it, with
-- or without a zone, whatever the session's TimeZone. Compared with plain SQL on random data
-- under zones far from UTC, serial and forced parallel, for every key type.
SELECT setseed(0.2025);
-- Events in UTC as Stripe-like exports store them: naive, 60 days, hours spread over the day.
CREATE TABLE nv_events AS
SELECT (random() * 2000)::bigint AS user_id,
       timestamp '2025-05-01' + random() * interval '60 days' AS occurred_at
FROM generate_series(1, 40000);
ALTER TABLE nv_events SET (parallel_workers = 2);
ANALYZE nv_events;

-- The issue's case: a BI tool's session in New York, naive UTC events. The implicit cast
-- through the session's zone moved events across midnight; the naive form does not.
SET TimeZone = 'America/New_York';
SELECT dau(activity_agg(user_id, occurred_at, 'UTC'), '2025-06-28') AS naive_form,
       dau(activity_agg(user_id, occurred_at::timestamptz, 'UTC'), '2025-06-28') AS cast_through_session,
       (SELECT count(DISTINCT user_id) FROM nv_events WHERE occurred_at::date = '2025-06-28') AS plain_sql
FROM nv_events;

-- Every day, every key type, with and without a zone, in three sessions: 0 mismatching days.
CREATE TABLE nv_plain AS
SELECT occurred_at::date AS day, count(DISTINCT user_id) AS dau FROM nv_events GROUP BY 1;
CREATE FUNCTION nv_mismatches() RETURNS TABLE (form text, bad_days bigint) LANGUAGE sql AS $$
    WITH s AS (
        SELECT activity_agg(user_id, occurred_at) AS bare,
               activity_agg(user_id, occurred_at, 'Asia/Tokyo') AS zoned,
               activity_agg(user_id::text, occurred_at) AS txt,
               activity_agg(md5(user_id::text)::uuid, occurred_at, 'UTC') AS uid
        FROM nv_events)
    SELECT 'bigint', count(*) FILTER (WHERE dau(s.bare, p.day) <> p.dau) FROM s, nv_plain p
    UNION ALL SELECT 'bigint zone', count(*) FILTER (WHERE dau(s.zoned, p.day) <> p.dau) FROM s, nv_plain p
    UNION ALL SELECT 'text', count(*) FILTER (WHERE dau(s.txt, p.day) <> p.dau) FROM s, nv_plain p
    UNION ALL SELECT 'uuid zone', count(*) FILTER (WHERE dau(s.uid, p.day) <> p.dau) FROM s, nv_plain p
$$;
SET TimeZone = 'America/New_York';
SELECT * FROM nv_mismatches();
SET TimeZone = 'Pacific/Kiritimati';
SELECT * FROM nv_mismatches();
SET TimeZone = 'Asia/Kolkata';
SELECT * FROM nv_mismatches();

-- With a zone it is PostgreSQL's reading: the same summary as the timestamptz form given
-- `at AT TIME ZONE zone` (a zone with DST, a half-hour one, one 14 hours east).
SELECT z, activity_agg(user_id, occurred_at, z) = activity_agg(user_id, occurred_at AT TIME ZONE z, z) AS same
FROM nv_events, unnest(ARRAY['America/New_York', 'Asia/Kolkata', 'Pacific/Kiritimati', 'EST']) AS z
GROUP BY z ORDER BY z;

-- Serial = forced parallel.
CREATE TABLE nv_serial AS
SELECT activity_agg(user_id, occurred_at) AS a, activity_agg(user_id, occurred_at, 'UTC') AS b
FROM nv_events;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT activity_agg(user_id, occurred_at) FROM nv_events;
SELECT (SELECT a FROM nv_serial) = activity_agg(user_id, occurred_at) AS bare_same,
       (SELECT b FROM nv_serial) = activity_agg(user_id, occurred_at, 'UTC') AS zoned_same
FROM nv_events;
RESET max_parallel_workers_per_gather;

-- time_to_value over naive times: wall-clock durations. Sign-ups and first value events
-- around the March DST change in New York, where a cast through the session's zone would
-- lose an hour.
CREATE TABLE nv_users AS
SELECT u, s AS signed_up_at,
       CASE WHEN random() < 0.8 THEN s + random() * interval '20 days' END AS value_at
FROM (SELECT u, timestamp '2025-03-01' + random() * interval '15 days' AS s
      FROM generate_series(1, 3000) AS u) AS t;
ALTER TABLE nv_users SET (parallel_workers = 2);
ANALYZE nv_users;
SET TimeZone = 'America/New_York';
SELECT time_to_value(signed_up_at, value_at) = percentile_cont(0.5) WITHIN GROUP (
           ORDER BY extract(epoch FROM value_at - signed_up_at) / 86400) AS ttv_equals_plain,
       time_to_value(signed_up_at::timestamptz, value_at::timestamptz) = percentile_cont(0.5) WITHIN GROUP (
           ORDER BY extract(epoch FROM value_at - signed_up_at) / 86400) AS cast_equals_plain,
       reached(time_to_value_agg(signed_up_at, value_at)) = count(value_at) AS reached_ok
FROM nv_users;

-- activation_rate / conversion_rate: the window is added on the wall clock.
SELECT round(activation_rate(signed_up_at, value_at, interval '1 day')::numeric, 9)
         = round(100.0 * count(*) FILTER (WHERE value_at <= signed_up_at + interval '1 day') / count(*), 9) AS activation_ok,
       round(conversion_rate(signed_up_at, value_at, interval '7 days')::numeric, 9)
         = round(100.0 * count(*) FILTER (WHERE value_at <= signed_up_at + interval '7 days') / count(*), 9) AS conversion_ok
FROM nv_users;

-- customer_churn_rate / customer_retention_rate over naive times equal the timestamptz form
-- read in UTC (where naive and aware values order alike), whatever the session's zone.
CREATE TABLE nv_subs AS
SELECT s AS started, CASE WHEN random() < 0.6 THEN s + random() * interval '200 days' END AS ended
FROM (SELECT timestamp '2024-06-01' + random() * interval '365 days' AS s FROM generate_series(1, 5000)) AS t;
ALTER TABLE nv_subs SET (parallel_workers = 2);
ANALYZE nv_subs;
CREATE TABLE nv_churn_utc AS
SELECT customer_churn_rate(started AT TIME ZONE 'UTC', ended AT TIME ZONE 'UTC',
                           timestamptz '2025-01-01 00:00 UTC', timestamptz '2025-02-01 00:00 UTC') AS c,
       customer_churn_rate(started AT TIME ZONE 'UTC', ended AT TIME ZONE 'UTC',
                           timestamptz '2025-01-01 00:00 UTC', timestamptz '2025-02-01 00:00 UTC', 'start_plus_new') AS c2,
       customer_retention_rate(started AT TIME ZONE 'UTC', ended AT TIME ZONE 'UTC',
                           timestamptz '2025-01-01 00:00 UTC', timestamptz '2025-02-01 00:00 UTC') AS r
FROM nv_subs;
SET TimeZone = 'Pacific/Kiritimati';
SET max_parallel_workers_per_gather = 0;
CREATE TABLE nv_serial_ttv AS
SELECT time_to_value(signed_up_at, value_at) AS t, activation_rate(signed_up_at, value_at, interval '2 days') AS a
FROM nv_users;
SELECT customer_churn_rate(started, ended, timestamp '2025-01-01', timestamp '2025-02-01') = (SELECT c FROM nv_churn_utc) AS churn_same,
       customer_churn_rate(started, ended, timestamp '2025-01-01', timestamp '2025-02-01', 'start_plus_new') = (SELECT c2 FROM nv_churn_utc) AS churn_denominator_same,
       customer_retention_rate(started, ended, timestamp '2025-01-01', timestamp '2025-02-01') = (SELECT r FROM nv_churn_utc) AS retention_same
FROM nv_subs;
SET max_parallel_workers_per_gather = 2;
SELECT customer_churn_rate(started, ended, timestamp '2025-01-01', timestamp '2025-02-01') = (SELECT c FROM nv_churn_utc) AS parallel_churn_same
FROM nv_subs;
EXPLAIN (COSTS OFF) SELECT time_to_value(signed_up_at, value_at) FROM nv_users;
SELECT time_to_value(signed_up_at, value_at) = (SELECT t FROM nv_serial_ttv) AS parallel_ttv_same,
       activation_rate(signed_up_at, value_at, interval '2 days') = (SELECT a FROM nv_serial_ttv) AS parallel_activation_same
FROM nv_users;
RESET max_parallel_workers_per_gather;

-- Errors name the naive value as written.
\set VERBOSITY default
SELECT activity_agg(1, timestamp 'infinity');
\echo :LAST_ERROR_SQLSTATE
SELECT activity_agg(1, timestamp '2025-01-01', 'Mars/Olympus');
\echo :LAST_ERROR_SQLSTATE
SELECT time_to_value(timestamp '2025-01-02 10:00', timestamp '2025-01-01 09:00');
\echo :LAST_ERROR_SQLSTATE
SELECT activation_rate(timestamp '2025-01-02 10:00', timestamp '2025-01-01 09:00', interval '1 day');
\echo :LAST_ERROR_SQLSTATE
SELECT customer_churn_rate(timestamp '2025-01-05', timestamp '2025-01-01', timestamp '2025-01-01', timestamp '2025-02-01');
\echo :LAST_ERROR_SQLSTATE
RESET TimeZone;
