-- Revenue family: hand-computed values of the plain functions and of nrr()/grr().

-- The seed: (10000 + 5000 - 2000 - 0) / 10000 = 130%; without expansion 8000/10000 = 80%.
SELECT nrr(10000, 5000, 2000, 0), grr(10000, 2000, 0);

-- NULL start skips the row; NULL movements count as 0; scales mix exactly.
-- start 100.50 + 200 = 300.50, expansion 30.125, churn 10.25, contraction 50:
-- NRR = 100 x 270.375 / 300.5 = 89.9750415973...; GRR = 100 x 240.25 / 300.5 = 79.9500831946...
SELECT round(nrr(s, e, c, k)::numeric, 10) AS nrr, round(grr(s, c, k)::numeric, 10) AS grr
FROM (VALUES (100.50, NULL::numeric, 10.25, 0), (NULL, 5, 5, 5), (200, 30.125, NULL, 50))
     AS t(s, e, c, k);
-- Empty input, only NULL starts, and a zero start are all NULL.
SELECT nrr(s, e, c, k) IS NULL AS empty_is_null FROM (VALUES (1, 0, 0, 0)) AS t(s, e, c, k) WHERE false;
SELECT nrr(NULL::numeric, 1, 0, 0) IS NULL AS no_start_is_null, grr(0, 0, 0) IS NULL AS zero_start_is_null;
-- Exact sums at 22 significant digits, where float sums would lose the cents: start 10^20 +
-- 0.03 in two rows, churn 10^20: GRR = 100 x 0.03 / (10^20 + 0.03) = 3e-20 (a float sum: 0).
SELECT grr(s, c, 0) AS tiny_but_exact
FROM (VALUES (100000000000000000000.01, 100000000000000000000), (0.02, 0)) AS t(s, c);
-- Grouped: one value per segment.
SELECT seg, nrr(s, e, c, k), grr(s, c, k)
FROM (VALUES ('a', 100, 20, 0, 10), ('a', 100, 0, 100, 0), ('b', 50, 0, 0, 0)) AS t(seg, s, e, c, k)
GROUP BY seg ORDER BY seg;

-- mrr_movement(previous, current, paid_before): each class, and NULL when both are 0.
SELECT mrr_movement(NULL, 50, false) AS first_row_new,
       mrr_movement(0, 50, true) AS returned,
       mrr_movement(50, 0, true) AS lost,
       mrr_movement(50, 80, true) AS up,
       mrr_movement(50, 49.99, true) AS down,
       mrr_movement(50, 50.00, true) AS same,
       mrr_movement(0, 0.00, true) IS NULL AS nothing;
-- Per-row use with LAG: customer 1 pays 10, 0 (churn), 10 (reactivation), 15 (expansion).
SELECT month, mrr, mrr_movement(lag(mrr) OVER w, mrr,
                                bool_or(mrr > 0) OVER (ORDER BY month ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING))
FROM (VALUES (1, 10), (2, 0), (3, 10), (4, 15)) AS t(month, mrr)
WINDOW w AS (ORDER BY month) ORDER BY month;

-- monthly_amount: 2000 a year = 166.666... -> 166.67; 300 a quarter = 100.00; 365 per 365
-- days = 365 x 12 / 365 / 12... = 30.4166 -> 30.42 (a day is 12/365 of a month); the amount's
-- own scale is kept when above 2; negative amounts (credits) are divided too.
SELECT monthly_amount(2000, '1 year') AS yearly, monthly_amount(300, '3 months') AS quarterly,
       monthly_amount(365, '365 days') AS daily, monthly_amount(10.125, '1 month') AS monthly,
       monthly_amount(-120, '1 year') AS credit, monthly_amount(0, '1 week') AS zero;

-- clv: ARPA 50 at 2% monthly churn = 50 / 0.02 = 2500.00; 50 a month for 5 years = 3000.00;
-- 33.333 at 3% = 1111.1 (the ARPA's scale, 3 decimals); churn 0 is NULL.
SELECT clv(50, 2) AS by_churn, clv(50, interval '5 years') AS by_lifetime,
       clv(33.333, 3) AS scale_kept, clv(50, 0) IS NULL AS no_churn_is_null;
-- crc: 1000 / 3 customers = 333.33; crc_ratio: 100 x 50 / 1000 = 5%.
SELECT crc(1000, 3), crc(1000, 0) IS NULL AS no_customer_is_null, crc_ratio(50, 1000),
       crc_ratio(50, 0) IS NULL AS no_revenue_is_null;
-- spend lift: 80.5 - 100 = -19.5 exactly; 100 -> 125 is +25%; from 0 the percentage is NULL.
SELECT spend_lift(100, 80.5), spend_lift(0.10, 0.3), spend_lift_percent(100, 125),
       spend_lift_percent(0, 10) IS NULL AS from_zero_is_null;

-- numeric values as stored in a table (1-byte headers, the fast read path) and computed
-- (4-byte headers) read back exactly, digit for digit, at every weight and scale.
CREATE TEMP TABLE rev_values (x numeric);
INSERT INTO rev_values VALUES (0), (0.000), (0.001), (0.5), (1.50), (9999), (10000), (10000.00),
    (123456789012.3456), (1234567890123456), (12345678901234567), (1e15), (5.000000),
    (0.00000000000000000001), (99999999999999999999999999999999999999), (42.4200000000);
SELECT x, spend_lift(0, x)::text = x::text AS stored_same_text,
       spend_lift(0, x + 0)::text = (x + 0)::text AS computed_same_text
FROM rev_values;
