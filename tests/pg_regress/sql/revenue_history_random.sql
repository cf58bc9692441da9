-- mrr_history on random data: mrr_movements() equals an independent plain-SQL formulation
-- (customer-month spine from generate_series, LEFT JOIN, LAG, a CASE per movement, sums) to
-- the last digit; serial = forced parallel; rollup of per-segment histories = direct.
SELECT setseed(0.42);
-- 4000 customers over 30 months: random start and length, gaps (skipped months), returns,
-- amounts at scales 0-3 that mostly stay put, days inside the month.
CREATE TABLE rnd_mrr AS
WITH cust AS (
    SELECT c, (random() * 29)::int AS start_off, (random() * 30)::int AS len, random() AS gappy,
           (random() * 3)::int AS sc, (random() * 500)::numeric AS base
    FROM generate_series(1, 4000) AS c)
SELECT c AS customer_id,
       ('2023-01-01'::date + make_interval(months => start_off + k)
            + ((random() * 27)::int) * interval '1 day')::date AS month,
       round(CASE WHEN random() < 0.7 THEN base ELSE (random() * 500)::numeric END, sc) AS mrr
FROM cust, generate_series(0, len) AS k
WHERE start_off + k < 30 AND random() > gappy * 0.4;
-- Second subscriptions in the same month (summed), explicit 0 rows, and NULL rows (skipped).
INSERT INTO rnd_mrr SELECT customer_id, month, round((random() * 50)::numeric, 2) FROM rnd_mrr WHERE random() < 0.1;
INSERT INTO rnd_mrr SELECT customer_id, month + 31, 0 FROM rnd_mrr WHERE random() < 0.03;
INSERT INTO rnd_mrr VALUES (NULL, '2024-01-01', 5), (1, NULL, 5), (1, '2024-01-01', NULL);
ALTER TABLE rnd_mrr SET (parallel_workers = 2);
ANALYZE rnd_mrr;
SELECT count(*) > 35000 AS enough_rows, count(DISTINCT customer_id) AS customers,
       count(DISTINCT date_trunc('month', month)) AS months FROM rnd_mrr;

-- The plain-SQL formulation, written independently of the extension.
CREATE TEMP VIEW plain_movements AS
WITH per_month AS (
    SELECT customer_id AS c, date_trunc('month', month)::date AS m, sum(mrr) AS mrr
    FROM rnd_mrr WHERE customer_id IS NOT NULL AND month IS NOT NULL AND mrr IS NOT NULL
    GROUP BY 1, 2),
bounds AS (SELECT min(m) AS lo, max(m) AS hi FROM per_month),
spine AS (
    SELECT cs.c, gs::date AS m
    FROM (SELECT DISTINCT c FROM per_month) AS cs, bounds,
         generate_series(bounds.lo, bounds.hi, interval '1 month') AS gs),
filled AS (
    SELECT s.c, s.m, coalesce(p.mrr, 0) AS mrr FROM spine s LEFT JOIN per_month p USING (c, m)),
lagged AS (
    SELECT m, mrr, coalesce(lag(mrr) OVER w, 0) AS prev,
           coalesce(bool_or(mrr > 0) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), false) AS paid_before
    FROM filled WINDOW w AS (PARTITION BY c ORDER BY m)),
classified AS (
    SELECT m, mrr, prev,
           CASE WHEN prev = 0 AND mrr > 0 AND NOT paid_before THEN 'new'
                WHEN prev = 0 AND mrr > 0 THEN 'reactivation'
                WHEN prev > 0 AND mrr = 0 THEN 'churn'
                WHEN mrr > prev THEN 'expansion'
                WHEN mrr < prev THEN 'contraction' END AS kind
    FROM lagged)
SELECT m AS month, sum(prev) AS starting_mrr,
       coalesce(sum(mrr) FILTER (WHERE kind = 'new'), 0) AS new_mrr,
       coalesce(sum(mrr) FILTER (WHERE kind = 'reactivation'), 0) AS reactivation_mrr,
       coalesce(sum(mrr - prev) FILTER (WHERE kind = 'expansion'), 0) AS expansion_mrr,
       coalesce(sum(prev - mrr) FILTER (WHERE kind = 'contraction'), 0) AS contraction_mrr,
       coalesce(sum(prev) FILTER (WHERE kind = 'churn'), 0) AS churned_mrr,
       sum(mrr) AS ending_mrr,
       count(*) FILTER (WHERE prev > 0) AS starting_customers,
       count(*) FILTER (WHERE kind = 'new') AS new_customers,
       count(*) FILTER (WHERE kind = 'reactivation') AS reactivated_customers,
       count(*) FILTER (WHERE kind = 'expansion') AS expanded_customers,
       count(*) FILTER (WHERE kind = 'contraction') AS contracted_customers,
       count(*) FILTER (WHERE kind = 'churn') AS churned_customers,
       count(*) FILTER (WHERE mrr > 0) AS ending_customers
FROM classified GROUP BY m;

SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial_h AS SELECT mrr_agg(customer_id, month, mrr) AS h FROM rnd_mrr;
CREATE TEMP TABLE ext_movements AS SELECT * FROM mrr_movements((SELECT h FROM serial_h));
-- Every value equal, to the last digit (numeric equality is exact; the history prints every
-- amount at its largest scale, 3 here, where sum() of one month may print fewer zeros).
SELECT (SELECT count(*) FROM ext_movements) AS months,
       (SELECT count(*) FROM (SELECT * FROM ext_movements EXCEPT SELECT * FROM plain_movements) AS a)
     + (SELECT count(*) FROM (SELECT * FROM plain_movements EXCEPT SELECT * FROM ext_movements) AS b) AS mismatches;
-- The data exercises every movement.
SELECT sum(new_customers) > 0 AS has_new, sum(reactivated_customers) > 0 AS has_reactivation,
       sum(expanded_customers) > 0 AS has_expansion, sum(contracted_customers) > 0 AS has_contraction,
       sum(churned_customers) > 0 AS has_churn,
       count(*) FILTER (WHERE starting_mrr + new_mrr + reactivation_mrr + expansion_mrr
                              - contraction_mrr - churned_mrr <> ending_mrr) AS unbalanced
FROM ext_movements;

-- The reactivation window ('90 days' = 3 months as intervals compare): a return after more
-- than 3 months at 0 is new business. Plain SQL: months since the last paid month.
CREATE TEMP VIEW plain_window AS
WITH per_month AS (
    SELECT customer_id AS c, date_trunc('month', month)::date AS m, sum(mrr) AS mrr
    FROM rnd_mrr WHERE customer_id IS NOT NULL AND month IS NOT NULL AND mrr IS NOT NULL
    GROUP BY 1, 2 HAVING sum(mrr) > 0),
ordered AS (
    SELECT m, mrr, lag(m) OVER (PARTITION BY c ORDER BY m) AS last_paid FROM per_month)
SELECT m AS month,
       coalesce(sum(mrr) FILTER (WHERE last_paid IS NULL OR (m - last_paid) > 130), 0) AS new_mrr,
       coalesce(sum(mrr) FILTER (WHERE last_paid < m - 35 AND (m - last_paid) <= 130), 0) AS reactivation_mrr
FROM ordered GROUP BY m;
-- (m - last_paid) in days: 1 month back is 28-31 days, 4 months back (3 months away) at most
-- 123 days, 5 months back at least 150.
SELECT count(*) AS months_with_movement,
       count(*) FILTER (WHERE e.new_mrr <> p.new_mrr OR e.reactivation_mrr <> p.reactivation_mrr) AS mismatches
FROM mrr_movements((SELECT h FROM serial_h), '90 days') AS e JOIN plain_window p USING (month);

-- nrr/grr between months = plain SQL over the customers paying in from_month.
CREATE TEMP VIEW customer_month AS
SELECT customer_id AS c, date_trunc('month', month)::date AS m, sum(mrr) AS mrr
FROM rnd_mrr WHERE customer_id IS NOT NULL AND month IS NOT NULL AND mrr IS NOT NULL GROUP BY 1, 2;
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE abs(ext.nrr - pl.nrr) > 1e-9 OR abs(ext.grr - pl.grr) > 1e-9) AS mismatches
FROM (SELECT f::date AS f, t::date AS t,
             nrr((SELECT h FROM serial_h), f::date, t::date), grr((SELECT h FROM serial_h), f::date, t::date)
      FROM generate_series('2023-02-01'::date, '2025-01-01', '5 months') AS f,
           generate_series('2023-03-01'::date, '2025-06-01', '4 months') AS t WHERE t >= f) AS ext
JOIN (SELECT f.m AS f, t.m AS t,
             (100 * sum(coalesce(b.mrr, 0)) / sum(a.mrr))::float8 AS nrr,
             (100 * sum(least(coalesce(b.mrr, 0), a.mrr)) / sum(a.mrr))::float8 AS grr
      FROM generate_series('2023-02-01'::date, '2025-01-01', '5 months') AS f(m)
           CROSS JOIN generate_series('2023-03-01'::date, '2025-06-01', '4 months') AS t(m)
           JOIN customer_month a ON a.m = f.m AND a.mrr > 0
           LEFT JOIN customer_month b ON b.c = a.c AND b.m = t.m
      WHERE t.m >= f.m
      GROUP BY 1, 2) AS pl USING (f, t);

-- Forced parallel: partial histories from two workers, combined, equal the serial history.
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT mrr_agg(customer_id, month, mrr) FROM rnd_mrr;
SELECT plan_max('SELECT mrr_agg(customer_id, month, mrr) FROM rnd_mrr', 'Workers Launched') > 0 AS ran_in_parallel;
SELECT mrr_agg(customer_id, month, mrr) = (SELECT h FROM serial_h) AS parallel_equals_serial FROM rnd_mrr;
SELECT mrr_agg(customer_id::text, month, mrr) = (SELECT mrr_agg(customer_id::text, month, mrr) FROM rnd_mrr) AS text_keys_too
FROM rnd_mrr;
RESET ALL;

-- rollup of per-segment histories (by customer, and by row: one customer in several
-- segments) = one pass over every row.
SELECT rollup(h) = (SELECT h FROM serial_h) AS by_customer
FROM (SELECT mrr_agg(customer_id, month, mrr) AS h FROM rnd_mrr GROUP BY customer_id % 7) AS s;
SELECT rollup(h) = (SELECT h FROM serial_h) AS by_row
FROM (SELECT mrr_agg(customer_id, month, mrr) AS h FROM rnd_mrr GROUP BY (hashtext(month::text || mrr::text)) % 5) AS s;

-- Text and binary round trips of the whole history.
SELECT h::text::mrr_history = h AS text_round_trip, length(h::text) > 100000 AS big,
       pg_column_size(h) < length(h::text) / 4 AS binary_is_compact
FROM serial_h;
COPY serial_h TO '/tmp/csmetrics_regress_rnd_h.bin' (FORMAT binary);
CREATE TEMP TABLE h_copy (LIKE serial_h);
COPY h_copy FROM '/tmp/csmetrics_regress_rnd_h.bin' (FORMAT binary);
SELECT (SELECT h FROM h_copy) = (SELECT h FROM serial_h) AS binary_round_trip;
DROP TABLE rnd_mrr CASCADE;
