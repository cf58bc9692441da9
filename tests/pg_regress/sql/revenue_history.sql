-- mrr_history: mrr_agg(), rollup(), mrr_movements(), revenue_kpis(), nrr()/grr() between months,
-- with hand-computed values for every edge case the issue lists, and the type's I/O.
CREATE TABLE rev_mrr (customer_id integer, month date, mrr numeric);
-- Customer 1: 10 in Jan, nothing in Feb (a gap month: churn), 10 in Mar (a return:
-- reactivation, not new), 15 in Apr (expansion).
-- Customer 2: 20, 20, then 5 in Mar (contraction), no row in Apr (churn).
-- Customer 3: two subscriptions in Feb (10 + 5 = one customer at 15, new), dated mid-month,
-- then an explicit 0 row in Apr, the last month (churn in Mar: no row means 0).
-- Customer 4: pays 0 only: never a customer. NULL rows are skipped.
INSERT INTO rev_mrr VALUES
    (1, '2025-01-01', 10), (1, '2025-03-05', 10), (1, '2025-04-01', 15),
    (2, '2025-01-01', 20), (2, '2025-02-01', 20), (2, '2025-03-01', 5),
    (3, '2025-02-01', 10), (3, '2025-02-11', 5), (3, '2025-04-01', 0),
    (4, '2025-02-01', 0), (NULL, '2025-02-01', 7), (5, NULL, 7), (5, '2025-02-01', NULL);

-- The history in its text form: months truncated, duplicate rows summed, zeros dropped.
SELECT mrr_agg(customer_id, month, mrr) FROM rev_mrr;

-- Movements by hand (start + new + reactivation + expansion - contraction - churned = end):
-- Jan: new 10 + 20 = 30, end 30 (2 customers).
-- Feb: customer 1 churns 10, customer 3 new 15: 30 + 15 - 10 = 35.
-- Mar: customer 1 reactivates 10, customer 2 contracts 15, customer 3 churns 15: 35 + 10 - 15 - 15 = 15.
-- Apr: customer 1 expands 5, customer 2 churns 5: 15 + 5 - 5 = 15 (1 customer).
SELECT * FROM mrr_movements((SELECT mrr_agg(customer_id, month, mrr) FROM rev_mrr));
-- Every row adds up and ending = next starting.
SELECT count(*) AS months,
       count(*) FILTER (WHERE starting_mrr + new_mrr + reactivation_mrr + expansion_mrr
                              - contraction_mrr - churned_mrr <> ending_mrr) AS unbalanced,
       count(*) FILTER (WHERE starting_mrr <> coalesce(previous_ending, 0)) AS broken_chain
FROM (SELECT *, lag(ending_mrr) OVER (ORDER BY month) AS previous_ending
      FROM mrr_movements((SELECT mrr_agg(customer_id, month, mrr) FROM rev_mrr))) AS m;
-- With a reactivation window shorter than customer 1's one month away, its return is new.
SELECT month, new_mrr, reactivation_mrr, new_customers, reactivated_customers
FROM mrr_movements((SELECT mrr_agg(customer_id, month, mrr) FROM rev_mrr), '15 days');
-- '30 days' (one month, as PostgreSQL compares intervals) keeps it a reactivation.
SELECT month, new_mrr, reactivation_mrr
FROM mrr_movements((SELECT mrr_agg(customer_id, month, mrr) FROM rev_mrr), '30 days')
WHERE month = '2025-03-01';

-- revenue_kpis by hand: Feb NRR = (30 - 10) / 30 = 66.67, customer churn 1 of 2 = 50,
-- quick ratio (15 + 0 + 0) / 10 = 1.5; Mar NRR = (35 - 15 - 15) / 35 = 14.29, net MRR churn
-- (15 + 15 - 0 - 10) / 35 = 57.14 (reactivation offsets it); Apr expansion rate 5 / 15 = 33.33,
-- ARPA 15 / 1. Jan has no starting MRR: its rates are NULL.
SELECT month, mrr, paying_customers, arpa, round(nrr::numeric, 2) AS nrr, round(grr::numeric, 2) AS grr,
       round(gross_mrr_churn_rate::numeric, 2) AS gross_churn, round(net_mrr_churn_rate::numeric, 2) AS net_churn,
       round(quick_ratio::numeric, 4) AS quick_ratio, customer_churn_rate, round(expansion_rate::numeric, 2) AS expansion_rate
FROM revenue_kpis((SELECT mrr_agg(customer_id, month, mrr) FROM rev_mrr));

-- NRR/GRR between two months: the customers paying in Jan (1: 10, 2: 20); in Apr customer 1
-- pays 15 and customer 2 nothing: NRR 15/30 = 50; GRR caps customer 1 at 10: 10/30 = 33.33.
-- Any day of a month means that month. From Feb (2: 20, 3: 15) to Mar: (5 + 0) / 35.
SELECT nrr(h, '2025-01-31', '2025-04-15') AS nrr_jan_apr, round(grr(h, '2025-01-01', '2025-04-01')::numeric, 4) AS grr_jan_apr,
       round(nrr(h, '2025-02-01', '2025-03-01')::numeric, 4) AS nrr_feb_mar, nrr(h, '2025-01-01', '2025-01-01') AS same_month,
       nrr(h, '2024-01-01', '2025-01-01') IS NULL AS nobody_paying_is_null
FROM (SELECT mrr_agg(customer_id, month, mrr) AS h FROM rev_mrr) AS t;

-- Text, uuid customers; every key type gives the same movements.
SELECT count(*) AS mismatches FROM (
    SELECT * FROM mrr_movements((SELECT mrr_agg(customer_id, month, mrr) FROM rev_mrr))
    EXCEPT
    SELECT * FROM mrr_movements((SELECT mrr_agg('c' || customer_id, month, mrr) FROM rev_mrr))
    EXCEPT
    SELECT * FROM mrr_movements((SELECT mrr_agg(md5(customer_id::text)::uuid, month, mrr) FROM rev_mrr))
) AS d;
SELECT mrr_agg(c, month, mrr) FROM (VALUES ('ünïcode "q"', '2025-01-01'::date, 1.5), ('a', '2025-02-01', 2)) AS t(c, month, mrr);
SELECT mrr_agg('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, date '2025-01-01', 9.99);

-- Empty input and all-NULL input give NULL; a history of 0 rows only has months and no customer.
SELECT mrr_agg(customer_id, month, mrr) IS NULL AS empty_is_null FROM rev_mrr WHERE false;
SELECT mrr_agg(customer_id, month, mrr) IS NULL AS nulls_are_null FROM rev_mrr WHERE customer_id = 5;
SELECT mrr_agg(customer_id, month, mrr) AS zeros_only FROM rev_mrr WHERE customer_id = 4;
SELECT * FROM mrr_movements((SELECT mrr_agg(customer_id, month, mrr) FROM rev_mrr WHERE customer_id = 4));

-- Exact to the last digit: amounts at mixed scales, 30 significant digits.
SELECT ending_mrr, (SELECT sum(v) FROM (VALUES (123456789012345678901234.5), (0.000001), (7)) AS t(v)) AS plain_sum
FROM mrr_movements((SELECT mrr_agg(1, date '2025-01-01', v) FROM (VALUES (123456789012345678901234.5), (0.000001), (7)) AS t(v)));

-- rollup(): per-segment histories merged equal the history of all rows.
CREATE TABLE rev_seg AS SELECT customer_id % 2 AS seg, mrr_agg(customer_id, month, mrr) AS h FROM rev_mrr GROUP BY 1;
SELECT rollup(h) = (SELECT mrr_agg(customer_id, month, mrr) FROM rev_mrr) AS rollup_equals_direct FROM rev_seg;
SELECT rollup(h) IS NULL AS rollup_of_nothing FROM rev_seg WHERE false;
SELECT rollup(NULL::mrr_history) IS NULL AS rollup_of_null;

-- =, <>, GROUP BY, DISTINCT, hashing.
SELECT count(*) AS distinct_histories FROM (SELECT DISTINCT h FROM (SELECT h FROM rev_seg UNION ALL SELECT h FROM rev_seg) AS t) AS d;
SELECT h = h AS eq, h <> (SELECT rollup(h) FROM rev_seg) AS ne FROM rev_seg WHERE seg = 0;
SELECT count(*) AS groups FROM (SELECT h FROM rev_seg UNION ALL SELECT h FROM rev_seg) AS t GROUP BY h;

-- Text form: round trip, free order and whitespace on input, canonical output.
SELECT count(*) AS mismatches FROM rev_seg WHERE h::text::mrr_history <> h OR h::text::mrr_history::text <> h::text;
SELECT ' { "customers" : [ [2, {"2025-03":"1.5", "2025-01":"2.25"}], [1, {"2025-02":"3"}] ], "scale": 2,
   "last_month":"2025-04", "first_month":"2024-12", "customer_type":"bigint", "version":1 } '::mrr_history;
SELECT '{"version":1,"scale":0,"customers":[]}'::mrr_history AS empty_text;
-- Binary form: version 1, key type 1 (bigint), scale 0, first and last month, one customer
-- (key 1) with one month (delta 0) of 10.
SELECT mrr_history_send(mrr_agg(1, date '2025-01-01', 10));
-- COPY in binary (send/recv) and text (out/in) round trips.
COPY rev_seg TO '/tmp/csmetrics_regress_rev_seg.bin' (FORMAT binary);
CREATE TABLE rev_seg_copy (LIKE rev_seg);
COPY rev_seg_copy FROM '/tmp/csmetrics_regress_rev_seg.bin' (FORMAT binary);
SELECT count(*) AS rows, count(*) FILTER (WHERE s.h = c.h) AS identical FROM rev_seg s JOIN rev_seg_copy c USING (seg);
TRUNCATE rev_seg_copy;
COPY rev_seg TO '/tmp/csmetrics_regress_rev_seg.txt';
COPY rev_seg_copy FROM '/tmp/csmetrics_regress_rev_seg.txt';
SELECT count(*) AS rows, count(*) FILTER (WHERE s.h = c.h) AS identical FROM rev_seg s JOIN rev_seg_copy c USING (seg);

-- Errors, with their SQLSTATE.
\set VERBOSITY default
SELECT mrr_agg(1, date '2025-01-01', -0.01);
\echo :LAST_ERROR_SQLSTATE
SELECT mrr_agg(1, date 'infinity', 1);
\echo :LAST_ERROR_SQLSTATE
SELECT mrr_agg(1, date '2025-01-01', 'NaN');
\echo :LAST_ERROR_SQLSTATE
SELECT mrr_agg(c, date '2025-01-01', v) FROM (VALUES (1, 99999999999999999999999999999999999999), (1, 99999999999999999999999999999999999999)) AS t(c, v);
\echo :LAST_ERROR_SQLSTATE
SELECT rollup(h) FROM (SELECT mrr_agg(1, date '2025-01-01', 1) UNION ALL SELECT mrr_agg('x', date '2025-01-01', 1)) AS t(h);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mrr_movements((SELECT mrr_agg(1, date '2025-01-01', 1)), '-1 day');
\echo :LAST_ERROR_SQLSTATE
SELECT nrr(mrr_agg(1, date '2025-01-01', 1), '2025-03-01', '2025-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM mrr_movements((SELECT mrr_agg(1, d, 1) FROM (VALUES ('0001-01-01'::date), ('12000-01-01')) AS t(d)));
\echo :LAST_ERROR_SQLSTATE
SELECT '{"version":1,"customer_type":"bigint","scale":0,"first_month":"2025-01","last_month":"2025-02","customers":[[1,{"2025-03":"1"}]]}'::mrr_history;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"version":1,"customer_type":"bigint","scale":0,"first_month":"2025-01","last_month":"2025-02","customers":[[1,{"2025-01":"0"}]]}'::mrr_history;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"version":1,"customer_type":"bigint","scale":0,"first_month":"2025-1","last_month":"2025-02","customers":[]}'::mrr_history;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"version":1,"customer_type":"money","scale":0,"first_month":"2025-01","last_month":"2025-02","customers":[]}'::mrr_history;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"version":1,"customer_type":"bigint","scale":0,"first_month":"2025-01","last_month":"2025-02","customers":[[1,{"2025-01":"1"}],[1,{"2025-02":"1"}]]}'::mrr_history;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"version":2}'::mrr_history;
\echo :LAST_ERROR_SQLSTATE
-- Binary input (recv) through COPY: a binary COPY of bytea rows holds the raw bytes, which
-- COPY FROM hands to mrr_history_recv. Valid (customer 1, Jan 2025, 10), truncated after the
-- range, and two customers out of key order (2 before 1).
CREATE TABLE rev_bin (id int, b bytea);
INSERT INTO rev_bin VALUES
    (1, '\x01010000005eec00005eec01000000000000000101000a'),
    (2, '\x01010000005eec00005eec'),
    (3, '\x01010000005eec00005eec02000000000000000201000a000000000000000101000a');
CREATE TABLE rev_bad (h mrr_history);
COPY (SELECT b FROM rev_bin WHERE id = 1) TO '/tmp/csmetrics_regress_rev_bin.bin' (FORMAT binary);
COPY rev_bad FROM '/tmp/csmetrics_regress_rev_bin.bin' (FORMAT binary);
SELECT h = (SELECT mrr_agg(1, date '2025-01-01', 10)) AS recv_reads_send FROM rev_bad;
COPY (SELECT b FROM rev_bin WHERE id = 2) TO '/tmp/csmetrics_regress_rev_bin.bin' (FORMAT binary);
COPY rev_bad FROM '/tmp/csmetrics_regress_rev_bin.bin' (FORMAT binary);
\echo :LAST_ERROR_SQLSTATE
COPY (SELECT b FROM rev_bin WHERE id = 3) TO '/tmp/csmetrics_regress_rev_bin.bin' (FORMAT binary);
COPY rev_bad FROM '/tmp/csmetrics_regress_rev_bin.bin' (FORMAT binary);
\echo :LAST_ERROR_SQLSTATE
DROP TABLE rev_mrr, rev_seg, rev_seg_copy, rev_bin, rev_bad;
