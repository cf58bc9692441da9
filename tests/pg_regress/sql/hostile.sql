-- Defects a hostile DBA found in the customer, revenue and health families, each a test.

-- A time to value from 4713 BC to 294276 AD overflows 64-bit microseconds: 22003, no panic.
SELECT time_to_value(a, b)
FROM (VALUES ('4713-01-01 00:00:00+00 BC'::timestamptz, '294276-12-31 23:59:59+00'::timestamptz)) AS v(a, b);
\echo :LAST_ERROR_SQLSTATE

-- A sign-up plus a window past the last timestamp is PostgreSQL's own 22008, without a Rust
-- backtrace in its DETAIL.
SELECT activation_rate(a, b, w)
FROM (VALUES ('2025-01-01'::timestamptz, '2025-01-02'::timestamptz, interval '178000000 years')) AS v(a, b, w);
\echo :LAST_ERROR_SQLSTATE

-- rollup() of licence summaries whose seats add up past a bigint: 22003, not a wrapped level
-- that the type's output then rejects.
SELECT rollup(s)
FROM (VALUES ('{"version":1,"licenses":1,"steps":[[0,0,9223372036854775807],[11,0,0]]}'::license_summary),
             ('{"version":1,"licenses":1,"steps":[[0,0,1],[11,0,0]]}')) AS v(s);
\echo :LAST_ERROR_SQLSTATE
-- Infinite bounds give no rows instead of a series that never ends.
SELECT count(*) AS rows
FROM license_timeline((SELECT license_agg(tstzrange('2025-01-01', '2025-01-10'), 5)),
                      '-infinity', 'infinity', interval '1 day');

-- A history month after PostgreSQL's last date is refused on input.
SELECT '{"version":1,"customer_type":"text","scale":2,"first_month":"5874897-12","last_month":"5874898-01","customers":[["a",{"5874897-12":"1.00"}]]}'::mrr_history;
\echo :LAST_ERROR_SQLSTATE
SELECT (SELECT max(month) FROM mrr_movements(
    '{"version":1,"customer_type":"text","scale":2,"first_month":"5874897-11","last_month":"5874897-12","customers":[["a",{"5874897-11":"1.00"}]]}'::mrr_history)) AS last_month;

-- An interval whose parts point different ways has no agreed length: 22023.
SELECT monthly_amount(1, interval '1 mon -30 days');
\echo :LAST_ERROR_SQLSTATE

-- A churn state cannot mix the two denominators.
SELECT '{"version":1,"starting":1,"churned":0,"new":0,"ending":1,"rows_start":1,"rows_start_plus_new":1}'::churn_state;
\echo :LAST_ERROR_SQLSTATE
