-- Types users store: real and double precision survey scores (whole numbers, the same error as
-- a fractional numeric), bigint licence seats. Each equals the integer form on random data,
-- serial and forced parallel.
SELECT setseed(0.31);
CREATE TABLE ty_answers AS
SELECT (random() * 10)::int AS score10, 1 + (random() * 4)::int AS score5, 1 + (random() * 6)::int AS score7
FROM generate_series(1, 20000);
ALTER TABLE ty_answers SET (parallel_workers = 2);
ANALYZE ty_answers;
CREATE FUNCTION ty_check() RETURNS TABLE (form text, same boolean) LANGUAGE sql AS $$
    SELECT 'nps real', nps(score10::real) = nps(score10) FROM ty_answers
    UNION ALL SELECT 'nps double', nps(score10::float8) = nps(score10) FROM ty_answers
    UNION ALL SELECT 'csat double', csat(score5::float8) = csat(score5) FROM ty_answers
    UNION ALL SELECT 'csat real 8 of 10', csat(greatest(score10, 1)::real, 8, 10) = csat(greatest(score10, 1), 8, 10) FROM ty_answers
    UNION ALL SELECT 'ces real', ces(score7::real) = ces(score7) FROM ty_answers
    UNION ALL SELECT 'ces double 1-7', ces(score7::float8, 7) = ces(score7, 7) FROM ty_answers
    UNION ALL SELECT 'survey_agg double', survey_agg(score10::float8) = survey_agg(score10) FROM ty_answers
$$;
SET max_parallel_workers_per_gather = 0;
SELECT * FROM ty_check();
CREATE TABLE ty_serial AS SELECT survey_agg(score10::float8) AS s, nps(score10::real) AS n FROM ty_answers;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT survey_agg(score10::float8) FROM ty_answers;
SELECT survey_agg(score10::float8) = (SELECT s FROM ty_serial) AS parallel_survey_same,
       nps(score10::real) = (SELECT n FROM ty_serial) AS parallel_nps_same
FROM ty_answers;
-- A sliding window uses the exact inverse.
SELECT bool_and(w = w_int) AS window_same FROM (
    SELECT nps(score10::float8) OVER (ORDER BY k ROWS 50 PRECEDING) AS w,
           nps(score10) OVER (ORDER BY k ROWS 50 PRECEDING) AS w_int
    FROM (SELECT row_number() OVER () AS k, score10 FROM ty_answers LIMIT 2000) AS t) AS x;
RESET max_parallel_workers_per_gather;

-- The seed's NPS example with scores stored as real: 55 promoters, 20 passives, 25 detractors.
SELECT nps(score) FROM (
    SELECT 9.0::real FROM generate_series(1, 55) UNION ALL SELECT 7.0::real FROM generate_series(1, 20)
    UNION ALL SELECT 3.0::real FROM generate_series(1, 25)) AS t(score);

-- bigint seats equal integer seats.
CREATE TABLE ty_licenses AS
SELECT tstzrange(s, s + (1 + random() * 300) * interval '1 day') AS valid, (random() * 50)::int AS seats
FROM (SELECT timestamptz '2025-01-01 00:00+00' + random() * interval '365 days' AS s FROM generate_series(1, 3000)) AS t;
SELECT license_agg(valid, seats::bigint) = license_agg(valid, seats) AS bigint_same FROM ty_licenses;

\set VERBOSITY default
SELECT nps(9.5::real);
\echo :LAST_ERROR_SQLSTATE
SELECT nps(9.5::numeric);
\echo :LAST_ERROR_SQLSTATE
SELECT csat('NaN'::float8);
\echo :LAST_ERROR_SQLSTATE
SELECT ces('-Infinity'::float8, 7);
\echo :LAST_ERROR_SQLSTATE
SELECT nps(11::float8);
\echo :LAST_ERROR_SQLSTATE
SELECT license_agg(tstzrange('2025-01-01', '2025-02-01'), 3000000000::bigint);
\echo :LAST_ERROR_SQLSTATE
