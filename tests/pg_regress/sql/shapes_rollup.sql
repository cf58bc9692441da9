-- The input forms added for real tables (naive timestamps, timestamp months, subscription
-- periods, real and double precision scores, bigint seats) build the same summaries as the
-- older forms, so each must give: one serial pass = one forced-parallel pass = rollup() of
-- per-group summaries, on the same rows.
SELECT setseed(0.31);
SET TimeZone = 'America/New_York';
CREATE TABLE ro_rows AS
SELECT i % 7 AS g, (random() * 500)::bigint AS k,
       timestamp '2025-01-01' + random() * interval '200 days' AS at,
       round((random() * 300)::numeric, 2) AS mrr,
       (random() * 10)::int AS score,
       (random() * 50)::int AS seats
FROM generate_series(1, 20000) AS i;
ALTER TABLE ro_rows SET (parallel_workers = 2);
ANALYZE ro_rows;

-- Every form once, serial.
SET max_parallel_workers_per_gather = 0;
CREATE TABLE ro_serial AS
SELECT mrr_agg(k, at, mrr) AS m_ts,
       mrr_agg(k, at::timestamptz, mrr) AS m_tstz,
       mrr_agg(k, daterange(at::date, at::date + 45), mrr) AS m_date,
       mrr_agg(k, tsrange(at, at + interval '45 days'), mrr) AS m_tsr,
       activity_agg(k, at) AS a_naive,
       activity_agg(k, at, 'Asia/Kolkata') AS a_zone,
       time_to_value_agg(at, at + score * interval '1 day') AS t_naive,
       survey_agg(score::real) AS s_real,
       survey_agg(score::float8) AS s_float8,
       license_agg(tstzrange(at::timestamptz, at::timestamptz + interval '30 days'), seats::bigint) AS l_bigint
FROM ro_rows;

-- The same with partial aggregation across two workers, and as a rollup of seven groups.
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT mrr_agg(k, daterange(at::date, at::date + 45), mrr) FROM ro_rows;
SELECT (SELECT mrr_agg(k, at, mrr) FROM ro_rows) = m_ts AS m_ts_parallel,
       (SELECT mrr_agg(k, at::timestamptz, mrr) FROM ro_rows) = m_tstz AS m_tstz_parallel,
       (SELECT mrr_agg(k, daterange(at::date, at::date + 45), mrr) FROM ro_rows) = m_date AS m_date_parallel,
       (SELECT mrr_agg(k, tsrange(at, at + interval '45 days'), mrr) FROM ro_rows) = m_tsr AS m_tsr_parallel,
       (SELECT activity_agg(k, at) FROM ro_rows) = a_naive AS a_naive_parallel,
       (SELECT activity_agg(k, at, 'Asia/Kolkata') FROM ro_rows) = a_zone AS a_zone_parallel,
       (SELECT time_to_value_agg(at, at + score * interval '1 day') FROM ro_rows) = t_naive AS t_naive_parallel,
       (SELECT survey_agg(score::real) FROM ro_rows) = s_real AS s_real_parallel,
       (SELECT survey_agg(score::float8) FROM ro_rows) = s_float8 AS s_float8_parallel,
       (SELECT license_agg(tstzrange(at::timestamptz, at::timestamptz + interval '30 days'), seats::bigint) FROM ro_rows) = l_bigint AS l_bigint_parallel
FROM ro_serial;
RESET max_parallel_workers_per_gather;

CREATE TABLE ro_parts AS
SELECT g, mrr_agg(k, at, mrr) AS m_ts,
       mrr_agg(k, at::timestamptz, mrr) AS m_tstz,
       mrr_agg(k, daterange(at::date, at::date + 45), mrr) AS m_date,
       mrr_agg(k, tsrange(at, at + interval '45 days'), mrr) AS m_tsr,
       activity_agg(k, at) AS a_naive,
       activity_agg(k, at, 'Asia/Kolkata') AS a_zone,
       time_to_value_agg(at, at + score * interval '1 day') AS t_naive,
       survey_agg(score::real) AS s_real,
       survey_agg(score::float8) AS s_float8,
       license_agg(tstzrange(at::timestamptz, at::timestamptz + interval '30 days'), seats::bigint) AS l_bigint
FROM ro_rows GROUP BY g;
SELECT (SELECT rollup(m_ts) FROM ro_parts) = m_ts AS m_ts_rollup,
       (SELECT rollup(m_tstz) FROM ro_parts) = m_tstz AS m_tstz_rollup,
       (SELECT rollup(m_date) FROM ro_parts) = m_date AS m_date_rollup,
       (SELECT rollup(m_tsr) FROM ro_parts) = m_tsr AS m_tsr_rollup,
       (SELECT rollup(a_naive) FROM ro_parts) = a_naive AS a_naive_rollup,
       (SELECT rollup(a_zone) FROM ro_parts) = a_zone AS a_zone_rollup,
       (SELECT rollup(t_naive) FROM ro_parts) = t_naive AS t_naive_rollup,
       (SELECT rollup(s_real) FROM ro_parts) = s_real AS s_real_rollup,
       (SELECT rollup(s_float8) FROM ro_parts) = s_float8 AS s_float8_rollup,
       (SELECT rollup(l_bigint) FROM ro_parts) = l_bigint AS l_bigint_rollup
FROM ro_serial;

-- And the summaries are not trivially equal: the groups differ from the whole.
SELECT count(DISTINCT m_ts::text) AS distinct_group_histories,
       bool_or(m_ts = (SELECT m_ts FROM ro_serial)) AS a_group_equals_the_whole
FROM ro_parts;
RESET TimeZone;
DROP TABLE ro_rows, ro_serial, ro_parts;
