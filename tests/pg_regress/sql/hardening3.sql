-- Hardening round 3: each case below gave a wrong answer, kept a value that could not be
-- written back, or read past its arguments before its fix.

-- timestamptz counts whole microseconds: '(t, x)' starts at t + 1 µs. A licence starting just
-- after midnight and one whose last instant is midnight never hold a seat at the same
-- instant: the peak is 1 (it was 2).
SELECT peak_licenses(license_agg(r, 1), tstzrange(NULL, NULL)) AS peak
FROM (VALUES (tstzrange('2025-01-01 00:00+00', '2025-01-02+00', '()')),
             (tstzrange('2024-12-01+00', '2025-01-01 00:00:00.000001+00', '[)'))) AS v(r);
-- Each instant on its own: midnight holds the second, midnight + 1 µs the first.
SELECT active_licenses(s, '2025-01-01 00:00+00') AS at_midnight,
       active_licenses(s, '2025-01-01 00:00:00.000001+00') AS one_us_later,
       peak_licenses(s, '[2025-01-01 00:00+00, 2025-01-01 00:00+00]') AS peak_at_midnight,
       peak_licenses(s, '(2024-12-31 23:59:59.999999+00, 2025-01-01 00:00+00]') AS same_range_spelt_open
FROM (SELECT license_agg(r, 1) AS s
      FROM (VALUES (tstzrange('2025-01-01 00:00+00', '2025-01-02+00', '()')),
                   (tstzrange('2024-12-01+00', '2025-01-01 00:00:00.000001+00', '[)'))) AS v(r)) AS t;
-- Two spellings of the same instants are one summary: '(a, b]' is '[a + 1µs, b + 1µs)'.
SELECT a = b AS same_summary, a::text AS text
FROM (SELECT license_agg(tstzrange('2025-01-01+00', '2025-01-02+00', '(]'), 3) AS a) AS x,
     (SELECT license_agg(tstzrange('2025-01-01 00:00:00.000001+00', '2025-01-02 00:00:00.000001+00', '[)'), 3) AS b) AS y;
-- So phase 1 ("just after") is canonical only after infinity; elsewhere it is refused.
SELECT '{"version":1,"licenses":1,"steps":[[5,1,1],[9,0,0]]}'::license_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT license_agg(tstzrange('2025-01-01+00', 'infinity', '[]'), 2)
     = license_agg(tstzrange('2025-01-01+00', NULL, '[)'), 2) AS infinity_inclusive_is_unbounded;

-- Duplicate keys in a summary's text form are refused (the last one used to win).
SELECT '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,1],"counts":[0,0,0,0,0,0,0,0,0,0,2]}'::survey_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"version":1,"keys":"bigint","days":{"2025-03-01":[1],"2025-03-01":[2]}}'::activity_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"version":1,"customer_type":"bigint","scale":2,"first_month":"2025-01","last_month":"2025-01","customers":[[1,{"2025-01":"1.00","2025-01":"2.00"}]]}'::mrr_history;
\echo :LAST_ERROR_SQLSTATE
-- The same key escaped is the same key.
SELECT '{"version":1,"hits":1,"\u0068its":1,"total":2}'::share_state;
\echo :LAST_ERROR_SQLSTATE
-- Every type: its own text with "version" written twice is 22P02.
CREATE TEMP TABLE samples (t text, v text);
INSERT INTO samples
SELECT 'survey_summary', survey_agg(x)::text FROM (VALUES (1), (10)) AS s(x)
UNION ALL SELECT 'share_state', '{"version":1,"hits":1,"total":2}'
UNION ALL SELECT 'churn_state', '{"version":1,"starting":4,"churned":2,"new":2,"ending":3,"rows_start":8,"rows_start_plus_new":0}'
UNION ALL SELECT 'ttv_summary', time_to_value_agg(s, s + interval '3 days')::text FROM (VALUES (timestamptz '2025-01-01')) AS s(s)
UNION ALL SELECT 'license_summary', license_agg(tstzrange('2025-01-01', '2025-02-01'), 5)::text
UNION ALL SELECT 'mrr_history', mrr_agg(1, date '2025-01-01', 10.5)::text
UNION ALL SELECT 'activity_summary', activity_agg(1::bigint, timestamptz '2025-03-01 10:00+00', 'UTC')::text;
CREATE FUNCTION pg_temp.input_sqlstate(type_name text, literal text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('SELECT %L::%s', literal, type_name);
    RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END $$;
SELECT t, pg_temp.input_sqlstate(t, v) AS as_printed,
       pg_temp.input_sqlstate(t, replace(v, '{"version":1,', '{"version":1,"version":1,')) AS version_twice
FROM samples ORDER BY t;

-- health_score's weights are one model when they are equal as jsonb: 1 and 1.0 are.
SELECT '{"a": 1}'::jsonb = '{"a": 1.0}'::jsonb AS equal_as_jsonb,
       health_score(s, x, w::jsonb) AS score
FROM (VALUES ('a', 2.0, '{"a": 1}'), ('a', 3.0, '{"a": 1.0}'), ('a', 4.0, '{"a": 1.000}')) AS v(s, x, w)
GROUP BY 1;
-- Weights that differ as jsonb still differ.
SELECT health_score(s, x, w::jsonb)
FROM (VALUES ('a', 2.0, '{"a": 1}'), ('a', 3.0, '{"a": 1.0000000000000000001}')) AS v(s, x, w);
\echo :LAST_ERROR_SQLSTATE
-- Parallel workers that first met different spellings of one model combine: 1 × 2 per row
-- over 20,000 rows is 40,000, serial and parallel alike.
CREATE TABLE spelt_weights AS
SELECT 'a'::text AS signal, 2.0::float8 AS amount,
       CASE WHEN g % 2 = 0 THEN '{"a": 1}' ELSE '{"a": 1.0}' END::jsonb AS weights
FROM generate_series(1, 20000) AS g;
ANALYZE spelt_weights;
SELECT health_score(signal, amount, weights) AS serial FROM spelt_weights;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT health_score(signal, amount, weights) FROM spelt_weights;
SELECT health_score(signal, amount, weights) AS parallel FROM spelt_weights;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
DROP TABLE spelt_weights;

-- weighted_health scales its weights: two factors of weight 1e308 average to 50, no 22003.
SELECT weighted_health(ARRAY[100, 0], ARRAY[1e308, 1e308]) AS arrays,
       weighted_health('{"a": 100, "b": 0}'::jsonb, '{"a": 1e308, "b": 1e308}'::jsonb) AS keyed,
       weighted_health(ARRAY[90, 30, 0], ARRAY[1e308, 1e308, 2e-308]) AS tiny_third;

-- Numbers in jsonb read as numeric::float8 reads them: 1e-400 is out of range for both
-- (it used to read as 0); the smallest subnormal reads.
SELECT 1e-400::numeric::float8;
\echo :LAST_ERROR_SQLSTATE
SELECT health_score('{"a": 1e-400}'::jsonb, '{"a": 1}');
\echo :LAST_ERROR_SQLSTATE
SELECT weighted_health('{"a": 50}'::jsonb, '{"a": -1e-400}');
\echo :LAST_ERROR_SQLSTATE
SELECT health_score('{"a": 4.9e-324}'::jsonb, '{"a": 1}') > 0 AS subnormal_reads,
       4.9e-324::numeric::float8 > 0 AS as_numeric_float8;

-- A history's scale is part of its value, as numeric's is: the same amounts at scales 1 and 2
-- print differently, so they are different values.
SELECT a = b AS equal, a::text AS scale_1, b::text AS scale_2
FROM (SELECT mrr_agg(1, date '2025-01-01', 10.5) AS a, mrr_agg(1, date '2025-01-01', 10.50) AS b) AS t;

-- A SQL declaration with fewer arguments than the C function reads is an error, not a read
-- past the end of the call's arguments.
CREATE FUNCTION wrong_utilisation(bigint) RETURNS double precision
    AS '$libdir/csmetrics', 'csm_utilisation' LANGUAGE C STRICT;
SELECT wrong_utilisation(3);
\echo :LAST_ERROR_SQLSTATE
-- The same through a transition function's unguarded fast path.
CREATE FUNCTION wrong_nrr_accum(nrr_state, numeric) RETURNS nrr_state
    AS '$libdir/csmetrics', 'csm_nrr_accum' LANGUAGE C;
CREATE AGGREGATE wrong_nrr(numeric) (sfunc = wrong_nrr_accum, stype = nrr_state, finalfunc = nrr_final);
SELECT wrong_nrr(x) FROM (VALUES (1.0), (2.0)) AS v(x);
\echo :LAST_ERROR_SQLSTATE
DROP AGGREGATE wrong_nrr(numeric);
DROP FUNCTION wrong_nrr_accum(nrr_state, numeric);
DROP FUNCTION wrong_utilisation(bigint);
SELECT 1 AS still_connected;
