-- customer_churn_rate and customer_retention_rate: hand values, every boundary, errors,
-- churn_state I/O, random data vs plain SQL, serial = parallel, window frames.
SET TimeZone = 'UTC';

-- Period [2025-01-01, 2025-02-01). Customers:
--   a: started 2024-06-01, still a customer      -> S, E
--   b: started 2024-06-01, ended 2025-01-01       -> S, churned on period_start (C)
--   c: started 2024-06-01, ended 2025-02-01       -> S, ended on period_end: not churned, E
--   d: started 2024-06-01, ended 2024-12-31       -> gone before the period: nothing
--   e: started 2025-01-01, still a customer       -> N (start on period_start), E
--   f: started 2025-01-10, ended 2025-01-20       -> N, not at the end
--   g: started 2025-02-01                         -> after the period: nothing
--   h: started 2024-06-01, ended 2025-01-31       -> S, C
-- S = 4 (a b c h), C = 2 (b h), N = 2 (e f), E = 3 (a c e).
-- churn = 2/4 = 50; start_plus_new = 2/6 = 33.33..; retention = (3 - 2)/4 = 25.
CREATE TABLE churn_customers (name text, started date, ended date);
INSERT INTO churn_customers VALUES
    ('a', '2024-06-01', NULL), ('b', '2024-06-01', '2025-01-01'), ('c', '2024-06-01', '2025-02-01'),
    ('d', '2024-06-01', '2024-12-31'), ('e', '2025-01-01', NULL), ('f', '2025-01-10', '2025-01-20'),
    ('g', '2025-02-01', NULL), ('h', '2024-06-01', '2025-01-31');
SELECT customer_churn_rate(started, ended, date '2025-01-01', date '2025-02-01') AS churn,
       customer_churn_rate(started, ended, date '2025-01-01', date '2025-02-01', 'start') AS churn_start,
       customer_churn_rate(started, ended, date '2025-01-01', date '2025-02-01', 'start_plus_new') AS churn_stripe,
       customer_retention_rate(started, ended, date '2025-01-01', date '2025-02-01') AS retention
FROM churn_customers;
-- The same customers as timestamptz at midnight UTC give the same answers.
SELECT customer_churn_rate(started::timestamptz, ended::timestamptz, timestamptz '2025-01-01', timestamptz '2025-02-01') AS churn,
       customer_churn_rate(started::timestamptz, ended::timestamptz, timestamptz '2025-01-01', timestamptz '2025-02-01', 'start_plus_new') AS churn_stripe,
       customer_retention_rate(started::timestamptz, ended::timestamptz, timestamptz '2025-01-01', timestamptz '2025-02-01') AS retention
FROM churn_customers;
-- A churn at 23:59 on the last day is in the period; one at midnight of period_end is not.
SELECT customer_churn_rate(s, e, timestamptz '2025-01-01', timestamptz '2025-02-01')
FROM (VALUES (timestamptz '2024-01-01', timestamptz '2025-01-31 23:59'), ('2024-01-01', '2025-02-01 00:00')) AS t(s, e);
-- The issue's query: one row per month, customers x generate_series.
SELECT m::date AS month,
       customer_churn_rate(started, ended, m, (m + interval '1 month')::date) AS churn,
       customer_retention_rate(started, ended, m, (m + interval '1 month')::date) AS retention
FROM churn_customers, generate_series(date '2024-12-01', date '2025-02-01', interval '1 month') AS g(m)
GROUP BY m ORDER BY m;
-- Dec 2024: S = a b c d h = 5, C = d = 1 -> 20; N = 0, E = 4 -> retention 80.
-- Jan 2025: 50 and 25 as above.
-- Feb 2025: S = a c e (c ends on Feb 1 = period_start: S and C) = 3, C = 1 -> 33.3;
--           N = g, E = a e g = 3 -> retention (3 - 1)/3 = 66.7.

-- No customer at the start: NULL (empty denominator); with new customers the Stripe
-- denominator is not empty: 0 of 1 churned -> 0. Empty and NULL-only groups: NULL.
SELECT customer_churn_rate(s, e, date '2025-01-01', date '2025-02-01') AS churn,
       customer_churn_rate(s, e, date '2025-01-01', date '2025-02-01', 'start_plus_new') AS stripe,
       customer_retention_rate(s, e, date '2025-01-01', date '2025-02-01') AS retention
FROM (VALUES (date '2025-01-05', NULL::date)) AS t(s, e);
SELECT customer_churn_rate(s, e, date '2025-01-01', date '2025-02-01') FROM (VALUES (NULL::date, NULL::date)) AS t(s, e);
SELECT customer_churn_rate(s, e, date '2025-01-01', date '2025-02-01') FROM (VALUES (date '2024-01-01', NULL::date)) AS t(s, e) WHERE false;
-- NULL period bounds or denominator skip the row.
SELECT customer_churn_rate(s, e, p, date '2025-02-01'), customer_churn_rate(s, e, date '2025-01-01', date '2025-02-01', NULL)
FROM (VALUES (date '2024-01-01', NULL::date, NULL::date)) AS t(s, e, p);
-- A customer who starts and ends on the same day counts: N, not E.
SELECT churn_accum('{"version":1,"starting":0,"churned":0,"new":0,"ending":0,"rows_start":0,"rows_start_plus_new":0}',
                   date '2025-01-03', date '2025-01-03', date '2025-01-01', date '2025-02-01')::text;

-- Errors, all 22023.
\set VERBOSITY sqlstate
SELECT customer_churn_rate(s, e, date '2025-01-01', date '2025-02-01') FROM (VALUES (date '2025-01-05', date '2025-01-04')) AS t(s, e);
SELECT customer_retention_rate(s, e, date '2025-01-01', date '2025-01-01') FROM (VALUES (date '2025-01-05', NULL::date)) AS t(s, e);
SELECT customer_churn_rate(s, e, date '2025-02-01', date '2025-01-01') FROM (VALUES (date '2025-01-05', NULL::date)) AS t(s, e);
SELECT customer_churn_rate(s, e, date '2025-01-01', date '2025-02-01', 'Start') FROM (VALUES (date '2025-01-05', NULL::date)) AS t(s, e);
SELECT customer_churn_rate(s, e, date '2025-01-01', date '2025-02-01', d)
FROM (VALUES (date '2024-01-05', NULL::date, 'start'), ('2024-01-05', NULL, 'start_plus_new')) AS t(s, e, d);
SELECT customer_churn_rate(s, e, timestamptz '2025-01-01', timestamptz '2025-02-01') FROM (VALUES (timestamptz '2025-01-05 10:00', timestamptz '2025-01-05 09:00')) AS t(s, e);
\set VERBOSITY default
SELECT customer_churn_rate(s, e, date '2025-01-01', date '2025-02-01') FROM (VALUES (date '2025-01-05', date '2025-01-04')) AS t(s, e);
SELECT customer_retention_rate(s, e, date '2025-01-01', date '2025-01-01') FROM (VALUES (date '2025-01-05', NULL::date)) AS t(s, e);
SELECT customer_churn_rate(s, e, date '2025-01-01', date '2025-02-01', 'Start') FROM (VALUES (date '2025-01-05', NULL::date)) AS t(s, e);
SELECT customer_churn_rate(s, e, date '2025-01-01', date '2025-02-01', d)
FROM (VALUES (date '2024-01-05', NULL::date, 'start'), ('2024-01-05', NULL, 'start_plus_new')) AS t(s, e, d);
SELECT customer_churn_rate(s, e, timestamptz '2025-01-01', timestamptz '2025-02-01') FROM (VALUES (timestamptz '2025-01-05 10:00', timestamptz '2025-01-05 09:00')) AS t(s, e);

-- churn_state: text and binary forms, invalid values (22P02, 22P03), equality.
SELECT '{"version":1,"starting":4,"churned":2,"new":2,"ending":3,"rows_start":8,"rows_start_plus_new":0}'::churn_state;
SELECT churn_state_send('{"version":1,"starting":4,"churned":2,"new":2,"ending":3,"rows_start":8,"rows_start_plus_new":0}');
SELECT churn_rate(s), retention_rate(s)
FROM (VALUES ('{"version":1,"starting":4,"churned":2,"new":2,"ending":3,"rows_start":8,"rows_start_plus_new":0}'::churn_state)) AS t(s);
\set VERBOSITY sqlstate
SELECT '{"version":1,"starting":1,"churned":2,"new":0,"ending":0,"rows_start":2,"rows_start_plus_new":0}'::churn_state;
SELECT '{"version":1,"starting":1,"churned":0,"new":0,"ending":3,"rows_start":3,"rows_start_plus_new":0}'::churn_state;
SELECT '{"version":1,"starting":1}'::churn_state;
\set VERBOSITY default
SELECT '{"version":1,"starting":1,"churned":2,"new":0,"ending":0,"rows_start":2,"rows_start_plus_new":0}'::churn_state;
CREATE TABLE churn_monthly AS
SELECT m::date AS month, (SELECT churn_accum('{"version":1,"starting":0,"churned":0,"new":0,"ending":0,"rows_start":0,"rows_start_plus_new":0}',
                                 date '2024-01-01', NULL::date, m::date, (m + interval '1 month')::date)) AS s
FROM generate_series(date '2025-01-01', date '2025-06-01', interval '1 month') AS g(m);
SELECT count(*) AS distinct_states FROM (SELECT DISTINCT s FROM churn_monthly) AS d;
SELECT s::text, count(*) FROM churn_monthly GROUP BY s;
SELECT a.s = b.s AS same, a.s <> b.s AS differs FROM churn_monthly a, churn_monthly b WHERE a.month = '2025-01-01' AND b.month = '2025-02-01';
COPY churn_monthly TO '/tmp/csmetrics_regress_churn.bin' (FORMAT binary);
CREATE TABLE churn_monthly_copy (LIKE churn_monthly);
COPY churn_monthly_copy FROM '/tmp/csmetrics_regress_churn.bin' (FORMAT binary);
COPY churn_monthly TO '/tmp/csmetrics_regress_churn.txt';
COPY churn_monthly_copy FROM '/tmp/csmetrics_regress_churn.txt';
SELECT count(*) AS copies, count(*) FILTER (WHERE m.s = c.s) AS equal FROM churn_monthly m JOIN churn_monthly_copy c USING (month);

---------------------------------------------------------------------------------------------
-- Random data vs plain SQL (each count written as its definition), serial and parallel.
---------------------------------------------------------------------------------------------
SELECT setseed(0.42);
CREATE TABLE rnd_customers AS
SELECT g AS id, s AS started,
       CASE WHEN random() < 0.4 THEN NULL ELSE s + (random() * 400)::int END AS ended
FROM generate_series(1, 6000) AS g, LATERAL (SELECT date '2023-06-01' + (random() * 900)::int + g * 0 AS s) AS x;
ANALYZE rnd_customers;
CREATE TABLE months AS SELECT m::date AS m, (m + interval '1 month')::date AS m_end
FROM generate_series(date '2023-06-01', date '2025-12-01', interval '1 month') AS g(m);

CREATE FUNCTION churn_extension() RETURNS TABLE (m date, kpi text, value float8) LANGUAGE sql AS $$
    SELECT m, k, v FROM (
        SELECT m, customer_churn_rate(started, ended, m, m_end) AS churn,
               customer_churn_rate(started, ended, m, m_end, 'start_plus_new') AS stripe,
               customer_retention_rate(started, ended, m, m_end) AS retention,
               customer_churn_rate(started::timestamptz + interval '13 hours', ended::timestamptz + interval '13 hours',
                                   m::timestamptz, m_end::timestamptz) AS churn_tstz
        FROM rnd_customers, months GROUP BY m) AS r,
    LATERAL (VALUES ('churn', churn), ('stripe', stripe), ('retention', retention), ('churn_tstz', churn_tstz)) AS kv(k, v)
$$;
CREATE FUNCTION churn_plain_sql() RETURNS TABLE (m date, kpi text, value float8) LANGUAGE sql AS $$
    WITH c AS (
        SELECT m,
               count(*) FILTER (WHERE started < m AND (ended IS NULL OR ended >= m)) AS s,
               count(*) FILTER (WHERE started < m AND ended >= m AND ended < m_end) AS churned,
               count(*) FILTER (WHERE started >= m AND started < m_end) AS n,
               count(*) FILTER (WHERE started < m_end AND (ended IS NULL OR ended >= m_end)) AS e
        FROM rnd_customers, months GROUP BY m)
    SELECT m, k, v FROM c,
    LATERAL (VALUES ('churn', (100.0 * churned / nullif(s, 0))::float8),
                    ('stripe', (100.0 * churned / nullif(s + n, 0))::float8),
                    ('retention', (100.0 * (e - n) / nullif(s, 0))::float8),
                    ('churn_tstz', (100.0 * churned / nullif(s, 0))::float8)) AS kv(k, v)
$$;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial AS SELECT * FROM churn_extension();
CREATE TEMP TABLE plain AS SELECT * FROM churn_plain_sql();
SELECT kpi, count(*) AS months, count(s.value) AS non_null,
       count(*) FILTER (WHERE s.value IS DISTINCT FROM p.value
                          AND coalesce(abs(s.value - p.value) > 1e-9 * greatest(1, abs(p.value)), true)) AS mismatches
FROM serial s FULL JOIN plain p USING (m, kpi)
GROUP BY kpi ORDER BY kpi;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT customer_churn_rate(started, ended, date '2025-01-01', date '2025-02-01') FROM rnd_customers;
SELECT plan_max($q$SELECT customer_churn_rate(started, ended, date '2025-01-01', date '2025-02-01') FROM rnd_customers$q$,
                'Workers Launched') > 0 AS ran_in_parallel;
-- Three months, each an ungrouped parallel aggregate, against the serial results.
CREATE TEMP TABLE parallel AS
SELECT date '2024-01-01' AS m, customer_churn_rate(started, ended, date '2024-01-01', date '2024-02-01') AS churn,
       customer_churn_rate(started, ended, date '2024-01-01', date '2024-02-01', 'start_plus_new') AS stripe,
       customer_retention_rate(started, ended, date '2024-01-01', date '2024-02-01') AS retention
FROM rnd_customers
UNION ALL
SELECT date '2024-07-01' AS m, customer_churn_rate(started, ended, date '2024-07-01', date '2024-08-01') AS churn,
       customer_churn_rate(started, ended, date '2024-07-01', date '2024-08-01', 'start_plus_new') AS stripe,
       customer_retention_rate(started, ended, date '2024-07-01', date '2024-08-01') AS retention
FROM rnd_customers
UNION ALL
SELECT date '2025-01-01' AS m, customer_churn_rate(started, ended, date '2025-01-01', date '2025-02-01') AS churn,
       customer_churn_rate(started, ended, date '2025-01-01', date '2025-02-01', 'start_plus_new') AS stripe,
       customer_retention_rate(started, ended, date '2025-01-01', date '2025-02-01') AS retention
FROM rnd_customers;
SELECT count(*) AS compared,
       count(*) FILTER (WHERE p.churn IS DISTINCT FROM s1.value OR p.stripe IS DISTINCT FROM s2.value
                           OR p.retention IS DISTINCT FROM s3.value) AS mismatches
FROM parallel p
JOIN serial s1 ON s1.m = p.m AND s1.kpi = 'churn'
JOIN serial s2 ON s2.m = p.m AND s2.kpi = 'stripe'
JOIN serial s3 ON s3.m = p.m AND s3.kpi = 'retention';
RESET ALL;
SET TimeZone = 'UTC';

-- Window frames: a churn rate over a sliding frame of 200 customers (by id) for January 2025.
SELECT count(*) AS rows,
       count(*) FILTER (WHERE w.churn IS DISTINCT FROM r.churn AND coalesce(abs(w.churn - r.churn) > 1e-9, true)) AS churn_mismatches,
       count(*) FILTER (WHERE w.retention IS DISTINCT FROM r.retention AND coalesce(abs(w.retention - r.retention) > 1e-9, true)) AS retention_mismatches
FROM (
    SELECT id, customer_churn_rate(started, ended, date '2025-01-01', date '2025-02-01') OVER f AS churn,
           customer_retention_rate(started, ended, date '2025-01-01', date '2025-02-01') OVER f AS retention
    FROM rnd_customers WINDOW f AS (ORDER BY id ROWS BETWEEN 199 PRECEDING AND CURRENT ROW)
) AS w
JOIN LATERAL (
    SELECT (100.0 * count(*) FILTER (WHERE started < '2025-01-01' AND ended >= '2025-01-01' AND ended < '2025-02-01')
              / nullif(count(*) FILTER (WHERE started < '2025-01-01' AND (ended IS NULL OR ended >= '2025-01-01')), 0))::float8 AS churn,
           (100.0 * (count(*) FILTER (WHERE started < '2025-02-01' AND (ended IS NULL OR ended >= '2025-02-01'))
                     - count(*) FILTER (WHERE started >= '2025-01-01' AND started < '2025-02-01'))
              / nullif(count(*) FILTER (WHERE started < '2025-01-01' AND (ended IS NULL OR ended >= '2025-01-01')), 0))::float8 AS retention
    FROM rnd_customers b WHERE b.id BETWEEN w.id - 199 AND w.id
) AS r ON true;
