-- The revenue reports against independent plain-SQL formulations (tests/reference/kpis.sql),
-- written from the definitions alone by someone who had not seen the extension's code.
\set ECHO none
\set QUIET on
\i tests/reference/kpis.sql
\set QUIET off
\set ECHO all

-- 400 customers over 30 months: gaps, returns, two rows in some customer-months, days inside
-- the month.
SELECT setseed(0.3);
CREATE TABLE ref_mrr AS
SELECT c AS customer, (date '2024-01-01' + m * interval '1 month')::date + (random() * 20)::int AS month,
       round((random() * 500)::numeric, 2) AS mrr
FROM generate_series(1, 400) AS c, generate_series(0, 29) AS m
WHERE random() < 0.55;
INSERT INTO ref_mrr SELECT customer, month, round((random() * 50)::numeric, 2) FROM ref_mrr WHERE random() < 0.1;
SELECT count(*) AS rows, count(DISTINCT customer) AS customers FROM ref_mrr;

-- Every column of every month, to the last digit.
SELECT count(*) AS months, count(*) FILTER (WHERE e IS DISTINCT FROM r) AS mismatches
FROM (SELECT month, row(e.*) AS e FROM mrr_movements((SELECT mrr_agg(customer::bigint, month, mrr) FROM ref_mrr)) AS e) AS a
FULL JOIN (SELECT month, row(r.*) AS r FROM ref.mrr_movements('ref_mrr') AS r) AS b USING (month);
-- The same with text customers.
SELECT count(*) FILTER (WHERE e IS DISTINCT FROM r) AS mismatches_text_keys
FROM (SELECT month, row(e.*) AS e FROM mrr_movements((SELECT mrr_agg('c' || customer, month, mrr) FROM ref_mrr)) AS e) AS a
FULL JOIN (SELECT month, row(r.*) AS r FROM ref.mrr_movements('ref_mrr') AS r) AS b USING (month);

-- A 90-day reactivation window. The extension counts the months a customer was away (paid in
-- January, back in April: away February and March, 2 months); the reference counts months
-- since the last paid one (3), so its window is one month longer for the same rule.
SELECT count(*) FILTER (WHERE e IS DISTINCT FROM r) AS mismatches_90_days
FROM (SELECT month, row(e.*) AS e
      FROM mrr_movements((SELECT mrr_agg(customer::bigint, month, mrr) FROM ref_mrr), interval '90 days') AS e) AS a
FULL JOIN (SELECT month, row(r.*) AS r
           FROM ref.mrr_movements('ref_mrr', interval '90 days' + interval '1 month') AS r) AS b USING (month);

-- revenue_kpis: money exact (ARPA rounded to the input's scale, half away from zero), rates
-- within 1e-12 relative (the reference divides in numeric).
CREATE FUNCTION pg_temp.close(a float8, b float8) RETURNS boolean LANGUAGE sql
    AS $$ SELECT (a IS NULL AND b IS NULL) OR abs(a - b) <= 1e-12 * greatest(1, abs(b)) $$;
SELECT count(*) AS months,
       count(*) FILTER (WHERE e.mrr IS DISTINCT FROM r.mrr
                           OR e.paying_customers IS DISTINCT FROM r.paying_customers
                           OR e.arpa IS DISTINCT FROM round(r.arpa, 2)) AS money_mismatches,
       count(*) FILTER (WHERE NOT (pg_temp.close(e.nrr, r.nrr) AND pg_temp.close(e.grr, r.grr)
                                   AND pg_temp.close(e.gross_mrr_churn_rate, r.gross_mrr_churn_rate)
                                   AND pg_temp.close(e.net_mrr_churn_rate, r.net_mrr_churn_rate)
                                   AND pg_temp.close(e.quick_ratio, r.quick_ratio)
                                   AND pg_temp.close(e.customer_churn_rate, r.customer_churn_rate)
                                   AND pg_temp.close(e.expansion_rate, r.expansion_rate))) AS rate_mismatches
FROM revenue_kpis((SELECT mrr_agg(customer::bigint, month, mrr) FROM ref_mrr)) AS e
FULL JOIN ref.revenue_kpis('ref_mrr') AS r USING (month);
DROP TABLE ref_mrr;
DROP SCHEMA ref CASCADE;
