-- customer_churn_rate(customer, ...) and customer_retention_rate(customer, ...): one row per
-- subscription, counted per customer. Hand values, the plan-change gap at its boundary (dates
-- and timestamps), errors, NULLs, random data vs a plain-SQL gaps-and-islands formulation for
-- bigint, text and uuid customers over date, timestamptz and timestamp in zones far from UTC,
-- and serial = forced parallel.
-- Own schema: the regression database is shared by every test file.
CREATE SCHEMA churn_customers;
SET search_path = churn_customers, public;
SET TimeZone = 'UTC';

-- Period [2025-01-01, 2025-02-01). Subscriptions:
--   1: 2024-06-01 .. 2025-01-10, then 2025-01-10 .. (same day: a plan change)  -> S, E
--   2: 2024-06-01 .. 2025-01-10, then 2025-01-11 .. (a day's gap: churn, return) -> S, C, N, E
--   3: 2024-05-01 .. 2025-01-05 and 2024-07-01 .. 2025-01-20 (overlapping)     -> S, C (on the 20th)
--   4: 2024-03-01 .. 2024-09-01 and 2024-08-15 .. (active before via the second)-> S, E
--   5: 2024-10-01 .. 2025-01-08, then 2025-01-08 .. 2025-01-25 (change, then end) -> S, C once
--   6: 2025-01-12 ..                                                              -> N, E
--   7: 2024-01-01 .. 2024-12-31 (gone before the period)                          -> nothing
--   8: 2025-02-01 .. (after the period)                                           -> nothing
-- S = 1 2 3 4 5 = 5, C = 2 3 5 = 3, N = 2 6 = 2, E = 1 2 4 6 = 4:
-- churn 3/5 = 60, Stripe's 3/(5 + 2) = 42.857.., retention (4 - 2)/5 = 40.
-- Counting rows instead: S = 6 rows (1a 2a 3a 3b 4b 5a), C = 5 (1a 2a 3a 3b 5a): 83.33.
CREATE TABLE subs (customer bigint, started date, ended date);
INSERT INTO subs VALUES
    (1, '2024-06-01', '2025-01-10'), (1, '2025-01-10', NULL),
    (2, '2024-06-01', '2025-01-10'), (2, '2025-01-11', NULL),
    (3, '2024-05-01', '2025-01-05'), (3, '2024-07-01', '2025-01-20'),
    (4, '2024-03-01', '2024-09-01'), (4, '2024-08-15', NULL),
    (5, '2024-10-01', '2025-01-08'), (5, '2025-01-08', '2025-01-25'),
    (6, '2025-01-12', NULL),
    (7, '2024-01-01', '2024-12-31'),
    (8, '2025-02-01', NULL);
SELECT customer_churn_rate(customer, started, ended, date '2025-01-01', date '2025-02-01') AS churn,
       customer_churn_rate(customer, started, ended, date '2025-01-01', date '2025-02-01', 'start') AS churn_start,
       round(customer_churn_rate(customer, started, ended, date '2025-01-01', date '2025-02-01', 'start_plus_new')::numeric, 3) AS churn_stripe,
       customer_retention_rate(customer, started, ended, date '2025-01-01', date '2025-02-01') AS retention,
       round(customer_churn_rate(started, ended, date '2025-01-01', date '2025-02-01')::numeric, 2) AS churn_rows
FROM subs;
-- The same with text and uuid customers, and as timestamptz and timestamp at midnight.
SELECT customer_churn_rate('cus_' || customer, started, ended, date '2025-01-01', date '2025-02-01') AS text_churn,
       customer_retention_rate(md5(customer::text)::uuid, started, ended, date '2025-01-01', date '2025-02-01') AS uuid_retention,
       customer_churn_rate(customer, started::timestamptz, ended::timestamptz, timestamptz '2025-01-01', timestamptz '2025-02-01') AS tstz_churn,
       customer_retention_rate(customer, started::timestamp, ended::timestamp, timestamp '2025-01-01', timestamp '2025-02-01') AS ts_retention
FROM subs;
-- Month by month (GROUP BY the period). December: S = 1 2 3 4 5 7 = 6, C = 7 (ended Dec 31)
-- = 1 -> 16.67; N = 0, E = 5 -> 83.33. February: S = 1 2 4 6 = 4, C = 0; N = 8, E = 5 -> 100.
SELECT m::date AS month,
       round(customer_churn_rate(customer, started, ended, m::date, (m + interval '1 month')::date)::numeric, 2) AS churn,
       round(customer_retention_rate(customer, started, ended, m::date, (m + interval '1 month')::date)::numeric, 2) AS retention
FROM subs, generate_series(date '2024-12-01', date '2025-02-01', interval '1 month') AS g(m)
GROUP BY m ORDER BY m;

-- Timestamps: a plan change is a gap under 24 hours. Ends at 07:47 on Jan 10 and:
--   a: restarts at 11:03 the same day                    -> plan change
--   b: restarts exactly 24 hours later                   -> churn and return (C, N)
--   c: restarts 23:59:59.999999 later                    -> plan change
--   d: restarts 24:00:00.000001 later                    -> churn and return
-- S = 4, C = 2 (b d), N = 2, E = 4: churn 50, retention (4 - 2)/4 = 50. In a session zone far
-- from UTC the naive form compares the values as written and the timestamptz form compares
-- instants: the same answers.
CREATE TABLE ts_subs (customer text, started timestamp, ended timestamp);
INSERT INTO ts_subs VALUES
    ('a', '2024-06-01 09:00', '2025-01-10 07:47'), ('a', '2025-01-10 11:03', NULL),
    ('b', '2024-06-01 09:00', '2025-01-10 07:47'), ('b', '2025-01-11 07:47', NULL),
    ('c', '2024-06-01 09:00', '2025-01-10 07:47'), ('c', '2025-01-11 07:46:59.999999', NULL),
    ('d', '2024-06-01 09:00', '2025-01-10 07:47'), ('d', '2025-01-11 07:47:00.000001', NULL);
SET TimeZone = 'Pacific/Kiritimati';
SELECT customer_churn_rate(customer, started, ended, timestamp '2025-01-01', timestamp '2025-02-01') AS naive_churn,
       customer_retention_rate(customer, started, ended, timestamp '2025-01-01', timestamp '2025-02-01') AS naive_retention,
       customer_churn_rate(customer, started AT TIME ZONE 'UTC', ended AT TIME ZONE 'UTC',
                           timestamptz '2025-01-01 00:00+00', timestamptz '2025-02-01 00:00+00') AS tstz_churn
FROM ts_subs;
-- A naive value is not moved either. A subscription ending at 2025-02-01 10:00 (wall clock, UTC
-- data) did not churn in January; cast to timestamptz in Kiritimati (+14) it would become
-- 2025-01-31 20:00 UTC, a January churn: the naive form gives 0, the cast 100.
SELECT customer_churn_rate(1, s, e, timestamp '2025-01-01', timestamp '2025-02-01') AS naive,
       customer_churn_rate(1, s::timestamptz, e::timestamptz, timestamptz '2025-01-01 00:00+00', timestamptz '2025-02-01 00:00+00') AS cast_in_zone
FROM (VALUES (timestamp '2024-06-01', timestamp '2025-02-01 10:00')) AS t(s, e);
SET TimeZone = 'UTC';

-- NULLs: a NULL customer, start, period bound or denominator skips the row; a NULL end is a
-- subscription still running. Empty and all-skipped groups give NULL; no customer at the start
-- gives a NULL churn (empty denominator) and retention, Stripe's denominator counts the new.
SELECT customer_churn_rate(c, s, e, date '2025-01-01', date '2025-02-01') AS churn,
       customer_retention_rate(c, s, e, date '2025-01-01', date '2025-02-01') AS retention
FROM (VALUES (NULL::bigint, date '2024-01-01', NULL::date), (1, NULL, NULL),
             (2, date '2024-01-01', NULL), (3, date '2024-01-01', date '2025-01-15')) AS t(c, s, e);
SELECT customer_churn_rate(c, s, e, p, date '2025-02-01') AS null_period,
       customer_churn_rate(c, s, e, date '2025-01-01', date '2025-02-01', NULL) AS null_denominator,
       customer_churn_rate(c, s, e, date '2025-01-01', date '2025-02-01') AS new_only,
       customer_churn_rate(c, s, e, date '2025-01-01', date '2025-02-01', 'start_plus_new') AS new_only_stripe,
       customer_retention_rate(c, s, e, date '2025-01-01', date '2025-02-01') AS new_only_retention
FROM (VALUES ('x', date '2025-01-05', NULL::date, NULL::date)) AS t(c, s, e, p);
SELECT customer_churn_rate(c, s, e, date '2025-01-01', date '2025-02-01') AS empty
FROM (VALUES (1::bigint, date '2024-01-01', NULL::date)) AS t(c, s, e) WHERE false;

-- Errors, all 22023, naming the customer where a row is at fault.
SELECT customer_churn_rate(c, s, e, date '2025-01-01', date '2025-02-01')
FROM (VALUES (42::bigint, date '2025-01-10', date '2025-01-05')) AS t(c, s, e);
SELECT customer_retention_rate(c, s, e, timestamp '2025-01-01', timestamp '2025-02-01')
FROM (VALUES ('cus_1', timestamp '2025-01-10 12:00', timestamp '2025-01-10 11:00')) AS t(c, s, e);
SELECT customer_churn_rate(c, s, e, timestamptz '2025-01-01 00:00+00', timestamptz '2025-02-01 00:00+00')
FROM (VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, timestamptz '2025-01-10 00:00+00', timestamptz '2025-01-09 00:00+00')) AS t(c, s, e);
SELECT customer_churn_rate(1, date '2024-01-01', NULL, date '2025-02-01', date '2025-02-01');
SELECT customer_churn_rate(1, date '2024-01-01', NULL, date '2025-01-01', date '2025-02-01', 'Start');
SELECT customer_churn_rate(c, date '2024-01-01', NULL, p, date '2025-03-01')
FROM (VALUES (1::bigint, date '2025-01-01'), (2, date '2025-02-01')) AS t(c, p);
SELECT customer_churn_rate(c, date '2024-01-01', NULL, date '2025-01-01', date '2025-02-01', d)
FROM (VALUES (1::bigint, 'start'), (2, 'start_plus_new')) AS t(c, d);
-- The same errors, their SQLSTATE.
\set VERBOSITY sqlstate
SELECT customer_churn_rate(c, s, e, date '2025-01-01', date '2025-02-01')
FROM (VALUES (42::bigint, date '2025-01-10', date '2025-01-05')) AS t(c, s, e);
SELECT customer_retention_rate(c, s, e, timestamp '2025-01-01', timestamp '2025-02-01')
FROM (VALUES ('cus_1', timestamp '2025-01-10 12:00', timestamp '2025-01-10 11:00')) AS t(c, s, e);
SELECT customer_churn_rate(c, s, e, timestamptz '2025-01-01 00:00+00', timestamptz '2025-02-01 00:00+00')
FROM (VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, timestamptz '2025-01-10 00:00+00', timestamptz '2025-01-09 00:00+00')) AS t(c, s, e);
SELECT customer_churn_rate(1, date '2024-01-01', NULL, date '2025-02-01', date '2025-02-01');
SELECT customer_churn_rate(1, date '2024-01-01', NULL, date '2025-01-01', date '2025-02-01', 'Start');
SELECT customer_churn_rate(c, date '2024-01-01', NULL, p, date '2025-03-01')
FROM (VALUES (1::bigint, date '2025-01-01'), (2, date '2025-02-01')) AS t(c, p);
SELECT customer_churn_rate(c, date '2024-01-01', NULL, date '2025-01-01', date '2025-02-01', d)
FROM (VALUES (1::bigint, 'start'), (2, 'start_plus_new')) AS t(c, d);
\set VERBOSITY default

-- Random data vs plain SQL. Each customer has 1-4 subscriptions; continuations start at a gap
-- around one day after an earlier one ended (overlaps, 0, 1, 2 days; for timestamps -3 h, 0,
-- 24 h minus or plus 1 us, 24 h, ...). The plain-SQL side merges each customer's subscriptions
-- into spells (running max of ends, a new spell where the next start is a day or more after
-- it), then counts S, C, N and E per customer by their definitions, over integer times (days,
-- or epoch microseconds, which do not depend on the session zone).
SELECT setseed(0.2025);
CREATE TABLE rnd_base AS
SELECT c AS cust, date '2024-03-01' + (random() * 450)::int AS started, (random() * 150)::int AS len,
       random() AS open_r, random() AS cont_r, (random() * 7)::int AS gap_pick, random() AS frac
FROM generate_series(1, 700) AS c, LATERAL generate_series(1, 1 + (random() * 2.2)::int + c * 0) AS i;
CREATE TABLE rnd_days (cust int, started date, ended date);
INSERT INTO rnd_days
SELECT cust, started, CASE WHEN open_r < 0.15 THEN NULL ELSE started + len END FROM rnd_base;
INSERT INTO rnd_days
SELECT cust, started + len + (ARRAY[-3, -1, 0, 0, 1, 1, 2, 10])[gap_pick + 1],
       CASE WHEN cont_r < 0.3 THEN NULL ELSE started + len + 10 + (frac * 60)::int END
FROM rnd_base WHERE open_r >= 0.15 AND cont_r < 0.6;
INSERT INTO rnd_days VALUES (NULL, '2024-12-01', NULL), (5, NULL, '2025-01-10');
CREATE TABLE rnd_ts (cust int, started timestamp, ended timestamp);
INSERT INTO rnd_ts
SELECT cust, started + frac * interval '1 day',
       CASE WHEN open_r < 0.15 THEN NULL ELSE started + len + frac * interval '1 day' + frac * interval '7 hours' END
FROM rnd_base;
INSERT INTO rnd_ts
SELECT cust, started + len + frac * interval '1 day' + frac * interval '7 hours'
             + (ARRAY[interval '-3 hours', '0', '23:59:59.999999', '24:00:00', '24:00:00.000001', '5 hours',
                      '2 days', '-1 day'])[gap_pick + 1],
       CASE WHEN cont_r < 0.3 THEN NULL ELSE started + len + 10 + (frac * 60)::int END
FROM rnd_base WHERE open_r >= 0.15 AND cont_r < 0.6;
DELETE FROM rnd_ts WHERE ended < started;
INSERT INTO rnd_ts VALUES (NULL, '2024-12-01', NULL), (5, NULL, '2025-01-10');
SELECT (SELECT count(*) FROM rnd_days) AS day_rows, (SELECT count(*) FROM rnd_ts) AS ts_rows;

-- Plain SQL over (cust, a, b) integer times, b NULL while running; `unit` is a day.
CREATE FUNCTION churn_plain(src text, unit bigint, p0 bigint, p1 bigint)
RETURNS TABLE (churn float8, stripe float8, retention float8) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE format($q$
    WITH subs AS (
        SELECT cust, a, coalesce(b, 9223372036854775807) AS b FROM %s
        WHERE cust IS NOT NULL AND a IS NOT NULL),
    ordered AS (
        SELECT *, max(b) OVER (PARTITION BY cust ORDER BY a, b
                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
        FROM subs),
    numbered AS (
        SELECT *, count(*) FILTER (WHERE reach IS NULL OR a::numeric - reach >= %s)
                      OVER (PARTITION BY cust ORDER BY a, b ROWS UNBOUNDED PRECEDING) AS spell
        FROM ordered),
    spells AS (SELECT cust, spell, min(a) AS a, max(b) AS b FROM numbered GROUP BY cust, spell),
    per_customer AS (
        SELECT cust, bool_or(a < %s AND b >= %s) AS s, bool_or(a < %s AND b >= %s AND b < %s) AS c,
               bool_or(a >= %s AND a < %s) AS n, bool_or(a < %s AND b >= %s) AS e
        FROM spells GROUP BY cust),
    k AS (SELECT count(*) FILTER (WHERE s) AS s, count(*) FILTER (WHERE c) AS c,
                 count(*) FILTER (WHERE n) AS n, count(*) FILTER (WHERE e) AS e FROM per_customer)
    SELECT 100 * c::float8 / nullif(s, 0)::float8, 100 * c::float8 / nullif(s + n, 0)::float8,
           100 * (e - n)::float8 / nullif(s, 0)::float8
    FROM k $q$, src, unit, p0, p0, p0, p0, p1, p0, p1, p1, p1);
END $$;
CREATE VIEW days_int AS SELECT cust, started - date '2000-01-01' AS a, ended - date '2000-01-01' AS b FROM rnd_days;
CREATE VIEW ts_int AS
SELECT cust, (extract(epoch FROM started) * 1000000)::bigint AS a, (extract(epoch FROM ended) * 1000000)::bigint AS b FROM rnd_ts;
CREATE TABLE months AS SELECT m::date AS m FROM generate_series(date '2024-06-01', date '2025-08-01', interval '1 month') AS g(m);
CREATE TABLE plain_days AS
SELECT m, p.* FROM months, LATERAL churn_plain('days_int', 1, m - date '2000-01-01', (m + interval '1 month')::date - date '2000-01-01') AS p;
CREATE TABLE plain_ts AS
SELECT m, p.* FROM months,
     LATERAL churn_plain('ts_int', 86400000000, (extract(epoch FROM m::timestamp) * 1000000)::bigint,
                         (extract(epoch FROM m + interval '1 month') * 1000000)::bigint) AS p;
-- Not a vacuous comparison: rates are there in most months, and counting rows differs.
SELECT count(*) AS months, count(churn) AS with_churn, count(*) FILTER (WHERE churn > 0) AS positive,
       count(*) FILTER (WHERE churn IS DISTINCT FROM
           (SELECT customer_churn_rate(started, ended, m, (m + interval '1 month')::date) FROM rnd_days)) AS differs_from_rows
FROM plain_days;

-- The extension, every key type, one row per (month, kpi).
CREATE FUNCTION churn_ext_days() RETURNS TABLE (m date, kpi text, value float8) LANGUAGE sql AS $$
    SELECT m, k, v FROM (
        SELECT m, p1,
            customer_churn_rate(cust::bigint, started, ended, m, p1) AS c8,
            customer_churn_rate(cust::bigint, started, ended, m, p1, 'start_plus_new') AS s8,
            customer_retention_rate(cust::bigint, started, ended, m, p1) AS r8,
            customer_churn_rate('cus_' || cust, started, ended, m, p1) AS ct,
            customer_churn_rate('cus_' || cust, started, ended, m, p1, 'start_plus_new') AS st,
            customer_retention_rate('cus_' || cust, started, ended, m, p1) AS rt,
            customer_churn_rate(md5(cust::text)::uuid, started, ended, m, p1) AS cu,
            customer_churn_rate(md5(cust::text)::uuid, started, ended, m, p1, 'start_plus_new') AS su,
            customer_retention_rate(md5(cust::text)::uuid, started, ended, m, p1) AS ru
        FROM rnd_days, (SELECT m, (m + interval '1 month')::date AS p1 FROM months) AS mm
        GROUP BY m, p1) AS r,
    LATERAL (VALUES ('churn int8', c8), ('stripe int8', s8), ('retention int8', r8),
                    ('churn text', ct), ('stripe text', st), ('retention text', rt),
                    ('churn uuid', cu), ('stripe uuid', su), ('retention uuid', ru)) AS kv(k, v)
$$;
CREATE FUNCTION churn_ext_ts() RETURNS TABLE (m date, kpi text, value float8) LANGUAGE sql AS $$
    SELECT m, k, v FROM (
        SELECT m,
            customer_churn_rate(cust::bigint, started, ended, m::timestamp, p1) AS c8,
            customer_churn_rate(cust::bigint, started, ended, m::timestamp, p1, 'start_plus_new') AS s8,
            customer_retention_rate(cust::bigint, started, ended, m::timestamp, p1) AS r8,
            customer_churn_rate('cus_' || cust, started, ended, m::timestamp, p1) AS ct,
            customer_retention_rate('cus_' || cust, started, ended, m::timestamp, p1) AS rt,
            customer_churn_rate(md5(cust::text)::uuid, started, ended, m::timestamp, p1, 'start_plus_new') AS su,
            customer_churn_rate(cust::bigint, started AT TIME ZONE 'UTC', ended AT TIME ZONE 'UTC',
                                m::timestamp AT TIME ZONE 'UTC', p1 AT TIME ZONE 'UTC') AS zc8,
            customer_churn_rate('cus_' || cust, started AT TIME ZONE 'UTC', ended AT TIME ZONE 'UTC',
                                m::timestamp AT TIME ZONE 'UTC', p1 AT TIME ZONE 'UTC', 'start_plus_new') AS zst,
            customer_retention_rate(md5(cust::text)::uuid, started AT TIME ZONE 'UTC', ended AT TIME ZONE 'UTC',
                                m::timestamp AT TIME ZONE 'UTC', p1 AT TIME ZONE 'UTC') AS zru
        FROM rnd_ts, (SELECT m, m + interval '1 month' AS p1 FROM months) AS mm
        GROUP BY m, p1) AS r,
    LATERAL (VALUES ('churn int8', c8), ('stripe int8', s8), ('retention int8', r8),
                    ('churn text', ct), ('retention text', rt), ('stripe uuid', su),
                    ('tstz churn int8', zc8), ('tstz stripe text', zst), ('tstz retention uuid', zru)) AS kv(k, v)
$$;
CREATE TABLE plain_days_kv AS
SELECT m, k AS kpi, v AS value FROM plain_days,
     LATERAL (VALUES ('churn', churn), ('stripe', stripe), ('retention', retention)) AS kv(k, v);
CREATE TABLE plain_ts_kv AS
SELECT m, k AS kpi, v AS value FROM plain_ts,
     LATERAL (VALUES ('churn', churn), ('stripe', stripe), ('retention', retention)) AS kv(k, v);
-- Compares an extension table (m, kpi 'what key') with the plain answer of kpi's first word
-- (after an optional 'tstz'), exactly.
CREATE FUNCTION mismatches(ext regclass, plain regclass)
RETURNS TABLE (kpi text, compared bigint, mismatches bigint) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE format($q$
    SELECT x.kpi, count(*), count(*) FILTER (WHERE x.value IS DISTINCT FROM p.value)
    FROM %s x JOIN %s p ON p.m = x.m AND p.kpi = split_part(replace(x.kpi, 'tstz ', ''), ' ', 1)
    GROUP BY x.kpi ORDER BY x.kpi $q$, ext, plain);
END $$;

SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial_days AS SELECT * FROM churn_ext_days();
SELECT * FROM mismatches('serial_days', 'plain_days_kv');
SET TimeZone = 'Pacific/Kiritimati';
CREATE TEMP TABLE serial_ts_east AS SELECT * FROM churn_ext_ts();
SELECT * FROM mismatches('serial_ts_east', 'plain_ts_kv');
SET TimeZone = 'Pacific/Pago_Pago';
CREATE TEMP TABLE serial_ts_west AS SELECT * FROM churn_ext_ts();
SELECT * FROM mismatches('serial_ts_west', 'plain_ts_kv');

-- Forced parallel: a customer's subscriptions are split between workers, whose spells the
-- combine function merges.
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT customer_churn_rate('c' || cust, started, ended, date '2025-01-01', date '2025-02-01') FROM rnd_days;
SELECT plan_max('SELECT customer_churn_rate(''c'' || cust, started, ended, date ''2025-01-01'', date ''2025-02-01'') FROM rnd_days', 'Workers Launched') > 0 AS ran_in_parallel;
CREATE TEMP TABLE parallel_days AS SELECT * FROM churn_ext_days();
SELECT * FROM mismatches('parallel_days', 'plain_days_kv');
CREATE TEMP TABLE parallel_ts AS SELECT * FROM churn_ext_ts();
SELECT * FROM mismatches('parallel_ts', 'plain_ts_kv');
-- Ungrouped, one period, every key type: serial answer = parallel answer = plain SQL.
CREATE TEMP TABLE parallel_one AS
SELECT customer_churn_rate(cust::bigint, started, ended, date '2025-01-01', date '2025-02-01') AS int8,
       customer_churn_rate('cus_' || cust, started, ended, date '2025-01-01', date '2025-02-01') AS text,
       customer_churn_rate(md5(cust::text)::uuid, started, ended, date '2025-01-01', date '2025-02-01') AS uuid
FROM rnd_days;
SELECT int8 = p.churn AS int8_equal, text = p.churn AS text_equal, uuid = p.churn AS uuid_equal
FROM parallel_one, plain_days p WHERE p.m = date '2025-01-01';
RESET ALL;
SET client_min_messages = warning;
DROP SCHEMA churn_customers CASCADE;
RESET client_min_messages;
