-- Revenue reports over a caller's range of months, on random data, against an independent
-- plain-SQL formulation (customer-month spine from generate_series, LEFT JOIN, LAG, a CASE per
-- movement): mrr_customer_movements() row for row, mrr_movements() and revenue_kpis() month by
-- month, mrr_cohorts() cell by cell. Ranges inside the data, before it, after it (trailing
-- months show the churn after the last paid month), across both ends; bigint, text and uuid
-- customers.
SELECT setseed(0.19);
-- 1500 customers over 24 months (2023-01 to 2024-12): random start and length, gaps, returns,
-- amounts at scales 0-2, second subscriptions, explicit 0 rows.
CREATE TABLE rr_mrr AS
WITH cust AS (
    SELECT c, (random() * 23)::int AS start_off, (random() * 24)::int AS len, random() AS gappy,
           (random() * 2)::int AS sc, (random() * 500)::numeric AS base
    FROM generate_series(1, 1500) AS c)
SELECT c AS customer_id,
       ('2023-01-01'::date + make_interval(months => start_off + k)
            + ((random() * 27)::int) * interval '1 day')::date AS month,
       round(CASE WHEN random() < 0.7 THEN base ELSE (random() * 500)::numeric END, sc) AS mrr
FROM cust, generate_series(0, len) AS k
WHERE start_off + k < 24 AND random() > gappy * 0.4;
INSERT INTO rr_mrr SELECT customer_id, month, round((random() * 50)::numeric, 2) FROM rr_mrr WHERE random() < 0.1;
INSERT INTO rr_mrr SELECT customer_id, month + 31, 0 FROM rr_mrr WHERE random() < 0.03 AND month < '2024-11-01';
-- 100 customers away 2 to 6 months, so the reactivation window has returns on both sides.
INSERT INTO rr_mrr
SELECT 2000 + c, ('2023-02-01'::date + make_interval(months => k + CASE WHEN k >= 3 THEN 2 + c % 5 ELSE 0 END))::date,
       round((random() * 300)::numeric, 2)
FROM generate_series(1, 100) AS c, generate_series(0, 6) AS k;
ANALYZE rr_mrr;
SELECT count(DISTINCT customer_id) AS customers,
       min(date_trunc('month', month))::date AS first_month,
       max(date_trunc('month', month))::date AS last_month FROM rr_mrr;

CREATE TEMP TABLE rr_h AS
SELECT mrr_agg(customer_id, month, mrr) AS hb,
       mrr_agg('c' || customer_id, month, mrr) AS ht,
       mrr_agg(md5(customer_id::text)::uuid, month, mrr) AS hu
FROM rr_mrr;

-- The ranges tested: (from, to).
CREATE TEMP TABLE rr_ranges (f date, t date);
INSERT INTO rr_ranges VALUES
    ('2023-01-01', '2024-12-01'),  -- the history's own months
    ('2023-07-01', '2024-03-01'),  -- inside: history before from decides start and new/reactivation
    ('2024-06-01', '2025-03-01'),  -- trailing months after the data
    ('2022-08-01', '2023-04-01'),  -- leading months before the data
    ('2022-01-01', '2026-01-01'),  -- across both ends
    ('2025-01-01', '2025-01-01'),  -- the single month after the data: its churn
    ('2025-02-01', '2025-06-01'),  -- after the data: all zeros
    ('2021-01-01', '2022-12-01'),  -- before the data: all zeros
    ('2024-02-01', '2024-02-01');

-- Plain SQL: one row per customer and month of the range where the previous or the current
-- MRR is above 0. months_away = months at 0 since the last paid month (for the window).
CREATE TEMP VIEW rr_per_month AS
SELECT customer_id AS c, date_trunc('month', month)::date AS m, sum(mrr) AS mrr
FROM rr_mrr GROUP BY 1, 2;
CREATE FUNCTION pg_temp.plain_customer_movements(f date, t date, window_months int)
RETURNS TABLE (customer text, month date, previous_mrr numeric, mrr numeric, movement text)
LANGUAGE sql AS $$
WITH bounds AS (SELECT least(min(m), f) AS lo FROM rr_per_month),
spine AS (
    SELECT cs.c, gs::date AS m
    FROM (SELECT DISTINCT c FROM rr_per_month) AS cs, bounds,
         generate_series(bounds.lo, t, interval '1 month') AS gs),
filled AS (
    SELECT s.c, s.m, coalesce(p.mrr, 0) AS mrr FROM spine s LEFT JOIN rr_per_month p USING (c, m)),
lagged AS (
    SELECT c, m, mrr, coalesce(lag(mrr) OVER w, 0) AS prev,
           max(m) FILTER (WHERE mrr > 0) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS last_paid
    FROM filled WINDOW w AS (PARTITION BY c ORDER BY m))
SELECT c::text, m, prev, mrr,
       CASE WHEN prev = 0 AND last_paid IS NULL THEN 'new'
            WHEN prev = 0 AND window_months IS NOT NULL
                 AND (extract(year FROM m) * 12 + extract(month FROM m))
                   - (extract(year FROM last_paid) * 12 + extract(month FROM last_paid)) - 1 > window_months
                 THEN 'new'
            WHEN prev = 0 THEN 'reactivation'
            WHEN mrr = 0 THEN 'churn'
            WHEN mrr > prev THEN 'expansion'
            WHEN mrr < prev THEN 'contraction'
            ELSE 'unchanged' END
FROM lagged WHERE m BETWEEN f AND t AND (prev > 0 OR mrr > 0)
$$;
CREATE FUNCTION pg_temp.plain_movements(f date, t date, window_months int)
RETURNS TABLE (month date, starting_mrr numeric, new_mrr numeric, reactivation_mrr numeric,
               expansion_mrr numeric, contraction_mrr numeric, churned_mrr numeric,
               ending_mrr numeric, starting_customers bigint, new_customers bigint,
               reactivated_customers bigint, expanded_customers bigint,
               contracted_customers bigint, churned_customers bigint, ending_customers bigint)
LANGUAGE sql AS $$
SELECT g::date, coalesce(sum(previous_mrr), 0),
       coalesce(sum(mrr) FILTER (WHERE movement = 'new'), 0),
       coalesce(sum(mrr) FILTER (WHERE movement = 'reactivation'), 0),
       coalesce(sum(mrr - previous_mrr) FILTER (WHERE movement = 'expansion'), 0),
       coalesce(sum(previous_mrr - mrr) FILTER (WHERE movement = 'contraction'), 0),
       coalesce(sum(previous_mrr) FILTER (WHERE movement = 'churn'), 0),
       coalesce(sum(mrr), 0),
       count(*) FILTER (WHERE previous_mrr > 0), count(*) FILTER (WHERE movement = 'new'),
       count(*) FILTER (WHERE movement = 'reactivation'), count(*) FILTER (WHERE movement = 'expansion'),
       count(*) FILTER (WHERE movement = 'contraction'), count(*) FILTER (WHERE movement = 'churn'),
       count(*) FILTER (WHERE mrr > 0)
FROM generate_series(f, t, interval '1 month') AS g
LEFT JOIN pg_temp.plain_customer_movements(f, t, window_months) AS p ON p.month = g
GROUP BY g
$$;

-- Customer rows: equal as sets (numeric equality is exact), bigint keys.
SELECT f, t, (SELECT count(*) FROM mrr_customer_movements(hb, f, t)) AS customer_rows,
       (SELECT count(*) FROM (SELECT * FROM mrr_customer_movements(hb, f, t)
                              EXCEPT ALL SELECT * FROM pg_temp.plain_customer_movements(f, t, NULL)) AS a)
     + (SELECT count(*) FROM (SELECT * FROM pg_temp.plain_customer_movements(f, t, NULL)
                              EXCEPT ALL SELECT * FROM mrr_customer_movements(hb, f, t)) AS b) AS mismatches
FROM rr_ranges, rr_h ORDER BY f, t;
-- Month reports: one row per month of the range, every column equal.
SELECT f, t, (SELECT count(*) FROM mrr_movements(hb, f, t)) AS months,
       (SELECT count(*) FROM (SELECT * FROM mrr_movements(hb, f, t)
                              EXCEPT SELECT * FROM pg_temp.plain_movements(f, t, NULL)) AS a)
     + (SELECT count(*) FROM (SELECT * FROM pg_temp.plain_movements(f, t, NULL)
                              EXCEPT SELECT * FROM mrr_movements(hb, f, t)) AS b) AS mismatches
FROM rr_ranges, rr_h ORDER BY f, t;
-- A 90-day window ('90 days' is 3 months as intervals compare: back after more than 3 months
-- away is new business), customer rows and months.
SELECT f, t,
       (SELECT count(*) FROM (SELECT * FROM mrr_customer_movements(hb, f, t, '90 days')
                              EXCEPT ALL SELECT * FROM pg_temp.plain_customer_movements(f, t, 3)) AS a)
     + (SELECT count(*) FROM (SELECT * FROM pg_temp.plain_customer_movements(f, t, 3)
                              EXCEPT ALL SELECT * FROM mrr_customer_movements(hb, f, t, '90 days')) AS b)
     + (SELECT count(*) FROM (SELECT * FROM mrr_movements(hb, f, t, '90 days')
                              EXCEPT SELECT * FROM pg_temp.plain_movements(f, t, 3)) AS c) AS mismatches
FROM rr_ranges, rr_h ORDER BY f, t;
-- The window changes some classifications (the test can tell them apart).
SELECT count(*) FILTER (WHERE movement = 'reactivation') > count(*) FILTER (WHERE movement = 'reactivation' AND w = 'reactivation') AS window_matters
FROM (SELECT a.movement, b.movement AS w FROM mrr_customer_movements((SELECT hb FROM rr_h)) a
      JOIN mrr_customer_movements((SELECT hb FROM rr_h), '2023-01-01', '2024-12-01', '90 days') b USING (customer, month)) AS x;
-- Without a range: the history's months, and the same rows as mrr_movements(history).
SELECT (SELECT count(*) FROM (SELECT * FROM mrr_customer_movements(hb)
                              EXCEPT ALL SELECT * FROM pg_temp.plain_customer_movements('2023-01-01', '2024-12-01', NULL)) AS a)
     + (SELECT count(*) FROM (SELECT * FROM pg_temp.plain_customer_movements('2023-01-01', '2024-12-01', NULL)
                              EXCEPT ALL SELECT * FROM mrr_customer_movements(hb)) AS b) AS mismatches_no_range,
       (SELECT count(*) FROM (SELECT * FROM mrr_movements(hb) EXCEPT SELECT * FROM mrr_movements(hb, '2023-01-01', '2024-12-01')) AS c) AS old_form_differs
FROM rr_h;
-- Every movement occurs, and the range after the data shows churn.
SELECT movement, count(*) > 0 AS seen FROM mrr_customer_movements((SELECT hb FROM rr_h), '2023-01-01', '2025-01-01')
GROUP BY movement ORDER BY movement;
SELECT month, churned_customers > 0 AS trailing_churn, ending_mrr FROM mrr_movements((SELECT hb FROM rr_h), '2025-01-01', '2025-02-01');
-- Per month and movement, the customer rows sum to the month report exactly.
SELECT count(*) AS months, count(*) FILTER (WHERE (m.new_mrr, m.reactivation_mrr, m.expansion_mrr, m.contraction_mrr, m.churned_mrr, m.starting_mrr, m.ending_mrr)
       IS DISTINCT FROM (s.n, s.r, s.e, s.c, s.ch, s.st, s.en)) AS mismatches
FROM mrr_movements((SELECT hb FROM rr_h), '2022-11-01', '2025-02-01') AS m
JOIN (SELECT month, coalesce(sum(mrr) FILTER (WHERE movement = 'new'), 0) AS n,
             coalesce(sum(mrr) FILTER (WHERE movement = 'reactivation'), 0) AS r,
             coalesce(sum(mrr - previous_mrr) FILTER (WHERE movement = 'expansion'), 0) AS e,
             coalesce(sum(previous_mrr - mrr) FILTER (WHERE movement = 'contraction'), 0) AS c,
             coalesce(sum(previous_mrr) FILTER (WHERE movement = 'churn'), 0) AS ch,
             coalesce(sum(previous_mrr), 0) AS st, coalesce(sum(mrr), 0) AS en
      FROM generate_series('2022-11-01'::date, '2025-02-01', '1 month') AS g(month)
      LEFT JOIN mrr_customer_movements((SELECT hb FROM rr_h), '2022-11-01', '2025-02-01') USING (month)
      GROUP BY month) AS s USING (month);

-- Text and uuid customers: the same rows, keys printed as the column prints them.
SELECT f, t,
       (SELECT count(*) FROM (SELECT * FROM mrr_customer_movements(ht, f, t)
                              EXCEPT ALL SELECT 'c' || customer, month, previous_mrr, mrr, movement
                                         FROM pg_temp.plain_customer_movements(f, t, NULL)) AS a)
     + (SELECT count(*) FROM (SELECT * FROM mrr_customer_movements(hu, f, t)
                              EXCEPT ALL SELECT md5(customer)::uuid::text, month, previous_mrr, mrr, movement
                                         FROM pg_temp.plain_customer_movements(f, t, NULL)) AS b)
     + (SELECT count(*) FROM (SELECT * FROM mrr_movements(ht, f, t) EXCEPT SELECT * FROM mrr_movements(hb, f, t)) AS c)
     + (SELECT count(*) FROM (SELECT * FROM mrr_movements(hu, f, t) EXCEPT SELECT * FROM mrr_movements(hb, f, t)) AS d)
       AS mismatches
FROM rr_ranges, rr_h WHERE t >= '2023-01-01' ORDER BY f, t;

-- revenue_kpis over a range = the KPI formulas over the plain month report (rates within
-- 1e-12 relative; ARPA within one unit of its last digit).
CREATE FUNCTION pg_temp.close(a float8, b float8) RETURNS boolean LANGUAGE sql
    AS $$ SELECT (a IS NULL AND b IS NULL) OR abs(a - b) <= 1e-12 * greatest(1, abs(b)) $$;
SELECT f, t, count(*) AS months,
       count(*) FILTER (WHERE e.mrr <> p.ending_mrr OR e.paying_customers <> p.ending_customers
                           OR (e.arpa IS NULL) <> (p.ending_customers = 0)
                           OR abs(e.arpa - p.ending_mrr / nullif(p.ending_customers, 0)) > 0.01) AS money_mismatches,
       count(*) FILTER (WHERE NOT (
           pg_temp.close(e.nrr, (100 * (p.starting_mrr + p.expansion_mrr - p.churned_mrr - p.contraction_mrr) / nullif(p.starting_mrr, 0))::float8)
           AND pg_temp.close(e.grr, (100 * (p.starting_mrr - p.churned_mrr - p.contraction_mrr) / nullif(p.starting_mrr, 0))::float8)
           AND pg_temp.close(e.gross_mrr_churn_rate, (100 * (p.churned_mrr + p.contraction_mrr) / nullif(p.starting_mrr, 0))::float8)
           AND pg_temp.close(e.net_mrr_churn_rate, (100 * (p.churned_mrr + p.contraction_mrr - p.expansion_mrr - p.reactivation_mrr) / nullif(p.starting_mrr, 0))::float8)
           AND pg_temp.close(e.quick_ratio, ((p.new_mrr + p.reactivation_mrr + p.expansion_mrr) / nullif(p.churned_mrr + p.contraction_mrr, 0))::float8)
           AND pg_temp.close(e.customer_churn_rate, (100.0 * p.churned_customers / nullif(p.starting_customers, 0))::float8)
           AND pg_temp.close(e.expansion_rate, (100 * p.expansion_mrr / nullif(p.starting_mrr, 0))::float8))) AS rate_mismatches
FROM rr_ranges, rr_h, LATERAL revenue_kpis(hb, f, t) AS e
JOIN LATERAL pg_temp.plain_movements(f, t, NULL) AS p USING (month)
GROUP BY f, t ORDER BY f, t;
-- The history's own range gives revenue_kpis(history)'s rows.
SELECT count(*) AS differing FROM (SELECT * FROM revenue_kpis((SELECT hb FROM rr_h))
    EXCEPT SELECT * FROM revenue_kpis((SELECT hb FROM rr_h), '2023-01-01', '2024-12-01')) AS d;

-- mrr_cohorts: cohort = first paid month; month_number 0 to the history's last month.
CREATE TEMP VIEW plain_cohorts AS
WITH paid AS (SELECT c, m, mrr FROM rr_per_month WHERE mrr > 0),
firsts AS (SELECT c, min(m) AS cohort FROM paid GROUP BY c),
sizes AS (SELECT cohort, count(*) AS customers, sum(p.mrr) AS cohort_mrr
          FROM firsts f JOIN paid p ON p.c = f.c AND p.m = f.cohort GROUP BY cohort),
cells AS (
    SELECT s.cohort, g::date AS m, s.customers, s.cohort_mrr
    FROM sizes s, generate_series(s.cohort, (SELECT max(m) FROM rr_per_month), interval '1 month') AS g)
SELECT x.cohort,
       ((extract(year FROM x.m) - extract(year FROM x.cohort)) * 12
         + extract(month FROM x.m) - extract(month FROM x.cohort))::int AS month_number,
       x.customers, count(p.c) AS retained_customers, x.cohort_mrr, coalesce(sum(p.mrr), 0) AS mrr,
       (100 * coalesce(sum(p.mrr), 0) / x.cohort_mrr)::float8 AS nrr,
       (100.0 * count(p.c) / x.customers)::float8 AS logo_retention
FROM cells x
LEFT JOIN firsts f ON f.cohort = x.cohort
LEFT JOIN paid p ON p.c = f.c AND p.m = x.m
GROUP BY x.cohort, x.m, x.customers, x.cohort_mrr;
SELECT count(*) AS cells, count(DISTINCT e.cohort) AS cohorts,
       count(*) FILTER (WHERE p.cohort IS NULL OR e.cohort IS NULL
                           OR (e.customers, e.retained_customers, e.cohort_mrr, e.mrr)
                              IS DISTINCT FROM (p.customers, p.retained_customers, p.cohort_mrr, p.mrr)
                           OR NOT pg_temp.close(e.nrr, p.nrr)
                           OR NOT pg_temp.close(e.logo_retention, p.logo_retention)) AS mismatches
FROM mrr_cohorts((SELECT hb FROM rr_h)) AS e
FULL JOIN plain_cohorts AS p USING (cohort, month_number);
SELECT (SELECT count(*) FROM (SELECT * FROM mrr_cohorts(ht) EXCEPT SELECT * FROM mrr_cohorts(hb)) a)
     + (SELECT count(*) FROM (SELECT * FROM mrr_cohorts(hu) EXCEPT SELECT * FROM mrr_cohorts(hb)) b) AS key_types_differ
FROM rr_h;

-- Bad ranges: reversed, NULL, infinite, too long (22023 each); a NULL history gives no rows.
SELECT * FROM mrr_movements((SELECT hb FROM rr_h), '2024-03-01', '2024-02-01');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM revenue_kpis((SELECT hb FROM rr_h), NULL, '2024-02-01');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mrr_customer_movements((SELECT hb FROM rr_h), '2024-03-01', 'infinity');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mrr_customer_movements((SELECT hb FROM rr_h), '-infinity', '2024-03-01');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mrr_movements((SELECT hb FROM rr_h), '0001-01-01', '12000-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mrr_movements((SELECT hb FROM rr_h), '2024-01-01', '2024-02-01', '-1 day');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS no_rows FROM mrr_movements(NULL, '2024-01-01', '2024-02-01');
SELECT count(*) AS no_rows FROM mrr_customer_movements(NULL);
SELECT count(*) AS no_rows FROM mrr_cohorts(NULL);
-- A NULL window is no limit, as without one.
SELECT count(*) AS differing FROM (SELECT * FROM mrr_movements((SELECT hb FROM rr_h), '2023-01-01', '2024-12-01', NULL)
    EXCEPT SELECT * FROM mrr_movements((SELECT hb FROM rr_h), '2023-01-01', '2024-12-01')) AS d;
-- An empty history (only 0 rows): every month of the range, all zeros.
SELECT month, ending_mrr, starting_customers FROM mrr_movements((SELECT mrr_agg(1, date '2024-01-01', 0)), '2023-12-01', '2024-02-01');
DROP TABLE rr_mrr CASCADE;
