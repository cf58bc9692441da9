-- mrr_agg over timestamps, subscription periods and credit lines, monthly_amount with Stripe's
-- units: each new form equals the date form on data reshaped in plain SQL, for every key type,
-- under several session zones, serial and forced parallel; hand-computed cases and errors.
SELECT setseed(0.77);
SET TimeZone = 'UTC';

-- The issue's period: [2025-01-15, 2025-03-15) counts in January and February, churns in March.
SELECT month, starting_mrr, new_mrr, churned_mrr, ending_mrr
FROM mrr_movements((SELECT mrr_agg(42, daterange('2025-01-15', '2025-03-15'), 100.00)));
-- Several periods of one customer add up; a plan change on the 1st of a month (end = next
-- start) leaves no gap; a period inside one month covers no month end and counts nowhere,
-- but its months stay in the history's range (March appears, with 0).
SELECT month, ending_mrr, new_mrr, expansion_mrr, churned_mrr
FROM mrr_movements((SELECT mrr_agg(c, p, m) FROM (VALUES
    (1, daterange('2025-01-10', '2025-02-01'), 10.00),
    (1, daterange('2025-02-01', '2025-03-01'), 25.00),
    (1, daterange('2025-01-20', '2025-03-01'), 5),
    (2, daterange('2025-03-03', '2025-03-20'), 99)) AS t(c, p, m)));

-- Months as timestamps: naive = its wall-clock month; timestamptz = its month in the session.
SELECT mrr_agg(1, timestamp '2025-01-31 23:30', 10) = mrr_agg(1, date '2025-01-01', 10) AS naive_month,
       mrr_agg(1, timestamptz '2025-02-01 03:00+00', 10) = mrr_agg(1, date '2025-02-01', 10) AS utc_month;
SET TimeZone = 'America/New_York';
SELECT mrr_agg(1, timestamptz '2025-02-01 03:00+00', 10) = mrr_agg(1, date '2025-01-01', 10) AS new_york_month,
       mrr_agg(1, timestamp '2025-01-31 23:30', 10) = mrr_agg(1, date '2025-01-01', 10) AS naive_still_january;

-- Credit lines: a negative row nets with the customer's month.
SET TimeZone = 'UTC';
SELECT mrr_agg(c, m, v) FROM (VALUES
    ('cus_a', date '2025-01-01', 100.00), ('cus_a', date '2025-01-01', -30.00),
    ('cus_b', date '2025-01-01', 20), ('cus_b', date '2025-01-05', -20),
    ('cus_b', date '2025-02-01', 5)) AS t(c, m, v);

-- Random subscription periods: 3000 customers, 6000 periods over 3 years, a few
-- credit lines (some larger than their month: an error, checked apart), NULL rows (skipped).
CREATE TABLE sh_subs AS
SELECT c AS customer_id, started, started + (1 + (random() * 500)::int) AS ended,
       round((random() * 300)::numeric, (random() * 2)::int) AS mrr
FROM (SELECT 1 + (random() * 2999)::int AS c, date '2023-01-01' + (random() * 1000)::int AS started
      FROM generate_series(1, 6000)) AS t;
INSERT INTO sh_subs SELECT customer_id, started + 3, started + 40, -round(mrr / 3, 2) FROM sh_subs WHERE random() < 0.05;
INSERT INTO sh_subs VALUES (NULL, '2024-01-01', '2024-05-01', 1), (5, '2024-01-01', '2024-05-01', NULL);
ALTER TABLE sh_subs SET (parallel_workers = 2);
ANALYZE sh_subs;

-- The plain-SQL spread: every month whose last day lies in [started, ended), plus the months the
-- period touches as 0 rows (they span the history's range).
CREATE VIEW sh_months AS
SELECT customer_id, (date_trunc('month', gs) + interval '1 month - 1 day')::date AS month, mrr
FROM sh_subs,
     generate_series(date_trunc('month', started), date_trunc('month', ended - 1), interval '1 month') AS gs
WHERE customer_id IS NOT NULL AND started IS NOT NULL AND mrr IS NOT NULL
  AND (date_trunc('month', gs) + interval '1 month - 1 day')::date < ended
UNION ALL
SELECT customer_id, d, mrr * 0
FROM sh_subs, LATERAL (VALUES (started), (ended - 1)) AS v(d)
WHERE customer_id IS NOT NULL AND started IS NOT NULL AND mrr IS NOT NULL;

-- Credits exceeding a month would be an error: keep those customers aside for this check.
CREATE TABLE sh_bad AS
SELECT DISTINCT customer_id FROM sh_months GROUP BY customer_id, date_trunc('month', month) HAVING sum(mrr) < 0;
SELECT count(*) > 0 AS some_customers_overdrawn FROM sh_bad;
CREATE TABLE sh_expected AS
SELECT mrr_agg(customer_id, month, mrr) AS i,
       mrr_agg('cus_' || customer_id, month, mrr) AS t,
       mrr_agg(md5(customer_id::text)::uuid, month, mrr) AS u
FROM sh_months WHERE customer_id NOT IN (SELECT customer_id FROM sh_bad);
CREATE TABLE sh_ok AS SELECT * FROM sh_subs WHERE customer_id NOT IN (SELECT customer_id FROM sh_bad);
ALTER TABLE sh_ok SET (parallel_workers = 2);
ANALYZE sh_ok;

-- Each period form equals the date form on the spread, for each key type and session zone.
CREATE FUNCTION sh_check() RETURNS TABLE (form text, same boolean) LANGUAGE sql AS $$
    SELECT 'daterange bigint', mrr_agg(customer_id, daterange(started, ended), mrr) = (SELECT i FROM sh_expected) FROM sh_ok
    UNION ALL SELECT 'daterange text', mrr_agg('cus_' || customer_id, daterange(started, ended), mrr) = (SELECT t FROM sh_expected) FROM sh_ok
    UNION ALL SELECT 'daterange uuid', mrr_agg(md5(customer_id::text)::uuid, daterange(started, ended), mrr) = (SELECT u FROM sh_expected) FROM sh_ok
    UNION ALL SELECT 'tsrange bigint', mrr_agg(customer_id, tsrange(started + time '07:47', ended + time '11:03'), mrr) = (SELECT i FROM sh_expected) FROM sh_ok
    UNION ALL SELECT 'tstzrange text', mrr_agg('cus_' || customer_id, tstzrange(started::timestamptz, ended::timestamptz + interval '6 hours'), mrr) = (SELECT t FROM sh_expected) FROM sh_ok
    UNION ALL SELECT 'timestamp month uuid', mrr_agg(md5(customer_id::text)::uuid, month + time '23:59', mrr) = (SELECT u FROM sh_expected)
        FROM sh_months WHERE customer_id NOT IN (SELECT customer_id FROM sh_bad)
    UNION ALL SELECT 'timestamptz month bigint', mrr_agg(customer_id, month::timestamptz + interval '23 hours', mrr) = (SELECT i FROM sh_expected)
        FROM sh_months WHERE customer_id NOT IN (SELECT customer_id FROM sh_bad)
$$;
SET max_parallel_workers_per_gather = 0;
SET TimeZone = 'America/New_York';
SELECT * FROM sh_check();
SET TimeZone = 'Asia/Kolkata';
SELECT * FROM sh_check();
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET TimeZone = 'Pacific/Kiritimati';
EXPLAIN (COSTS OFF) SELECT mrr_agg(customer_id, daterange(started, ended), mrr) FROM sh_subs;
SELECT * FROM sh_check();
EXPLAIN (COSTS OFF) SELECT mrr_agg(customer_id, daterange(started, ended), mrr) FROM sh_ok;
SELECT mrr_agg(customer_id, daterange(started, ended), mrr) = (SELECT i FROM sh_expected) AS parallel_daterange_same,
       mrr_agg('cus_' || customer_id, tstzrange(started::timestamptz, ended::timestamptz), mrr) = (SELECT t FROM sh_expected) AS parallel_tstzrange_same
FROM sh_ok;
-- Movements read from the period form equal those of the spread.
SELECT count(*) AS months,
       bool_and(a IS NOT DISTINCT FROM b) AS movements_same
FROM (SELECT row_number() OVER () AS k, m.* FROM mrr_movements((SELECT mrr_agg(customer_id, daterange(started, ended), mrr) FROM sh_ok)) AS m) AS a
FULL JOIN (SELECT row_number() OVER () AS k, m.* FROM mrr_movements((SELECT i FROM sh_expected)) AS m) AS b USING (k);
-- Overdrawn customers: the error names one (the smallest key, then month), whether the credit
-- and the charge met in one worker or in the final combine.
\set VERBOSITY default
SELECT mrr_agg(customer_id, daterange(started, ended), mrr) IS NOT NULL FROM sh_subs WHERE customer_id = (SELECT min(customer_id) FROM sh_bad) OR customer_id < 50;
\echo :LAST_ERROR_SQLSTATE
RESET max_parallel_workers_per_gather;
SET TimeZone = 'UTC';

-- An open-ended period counts through the current month.
SELECT max(month) = date_trunc('month', current_date)::date AS through_current_month,
       bool_and(ending_mrr = 7) AS every_month
FROM mrr_movements((SELECT mrr_agg(1, daterange(current_date - 400, NULL), 7)));

-- monthly_amount with Stripe's interval and interval_count.
SELECT monthly_amount(2500, 'year', 1) AS yearly_2500,
       monthly_amount(2500, 'year', 1) = monthly_amount(2500, interval '1 year') AS same_as_interval,
       monthly_amount(900, 'month', 3) AS quarterly_900,
       monthly_amount(10, 'week', 1) = monthly_amount(10, interval '7 days') AS weekly,
       monthly_amount(1, 'day', 1) = monthly_amount(1, interval '1 day') AS daily;

-- Errors.
SELECT mrr_agg(c, m, v) FROM (VALUES ('cus_9', date '2025-03-01', 10), ('cus_9', date '2025-03-09', -10.01)) AS t(c, m, v);
\echo :LAST_ERROR_SQLSTATE
SELECT mrr_agg(1, daterange(NULL, '2025-01-01'), 10);
\echo :LAST_ERROR_SQLSTATE
SELECT mrr_agg(1, timestamp 'infinity', 10);
\echo :LAST_ERROR_SQLSTATE
SELECT monthly_amount(2500, 'fortnight', 1);
\echo :LAST_ERROR_SQLSTATE
SELECT monthly_amount(2500, 'month', 0);
\echo :LAST_ERROR_SQLSTATE
RESET TimeZone;
-- A period covering more month ends than any report shows (120,000) is refused before it is
-- spread; 10,000 years exactly is the limit.
SELECT count(*) FROM mrr_movements((SELECT mrr_agg(1::bigint, daterange('2025-01-01', '12025-01-01'), 10.00)));
SELECT mrr_agg(1::bigint, daterange('2025-01-01', '12025-02-01'), 10.00);
\echo :LAST_ERROR_SQLSTATE
