-- time_to_value and ttv_summary: exact median in days (as percentile_cont(0.5)), users who
-- never reached value reported beside it.
SET TimeZone = 'UTC';

-- Odd count: 1, 3 and 10 days -> median 3. Even: 1, 3, 10, 20 -> (3 + 10) / 2 = 6.5.
-- Two users never reached value: reached 4 of 6 = 66.67%. p90 of 1, 3, 10, 20: position
-- 0.9 x 3 = 2.7 -> 10 + 0.7 x (20 - 10) = 17.
CREATE TABLE ttv_users (grp text, signed_up_at timestamptz, value_at timestamptz);
INSERT INTO ttv_users VALUES
    ('odd', '2025-01-01', '2025-01-02'), ('odd', '2025-01-01', '2025-01-04'), ('odd', '2025-01-05', '2025-01-15'),
    ('even', '2025-01-01', '2025-01-02'), ('even', '2025-01-01', '2025-01-04'), ('even', '2025-01-05', '2025-01-15'),
    ('even', '2025-02-01', '2025-02-21'), ('even', '2025-02-01', NULL), ('even', '2025-02-02', NULL),
    ('even', NULL, '2025-02-02');
SELECT grp, time_to_value(signed_up_at, value_at) AS median,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM value_at - signed_up_at) / 86400) AS plain_median
FROM ttv_users GROUP BY grp ORDER BY grp;
SELECT median_days(s), percentile_days(s, 0.9) AS p90, percentile_days(s, 0) AS p0, percentile_days(s, 1) AS p100,
       reached(s), not_reached(s), round(reached_percent(s)::numeric, 4) AS reached_percent
FROM (SELECT time_to_value_agg(signed_up_at, value_at) AS s FROM ttv_users WHERE grp = 'even') AS t;
-- Hours count as fractions of a day: 12 hours -> 0.5; value at the sign-up instant -> 0.
SELECT time_to_value(s, v) FROM (VALUES (timestamptz '2025-01-01 00:00', timestamptz '2025-01-01 12:00')) AS t(s, v);
SELECT time_to_value(s, v) FROM (VALUES (timestamptz '2025-01-01 00:00', timestamptz '2025-01-01 00:00')) AS t(s, v);
-- Nobody reached value: the median is NULL, the summary says why.
SELECT time_to_value(s, v), time_to_value_agg(s, v)::text, median_days(time_to_value_agg(s, v)),
       reached_percent(time_to_value_agg(s, v))
FROM (VALUES (timestamptz '2025-01-01', NULL::timestamptz)) AS t(s, v);
-- Empty group, or NULL sign-ups only: NULL.
SELECT time_to_value(s, v), time_to_value_agg(s, v) FROM (VALUES (NULL::timestamptz, timestamptz '2025-01-01')) AS t(s, v);
SELECT time_to_value(s, v), time_to_value_agg(s, v) FROM (VALUES (timestamptz '2025-01-01', timestamptz '2025-01-01')) AS t(s, v) WHERE false;

-- Errors: 22023 for a value before the sign-up, an infinite time, a percentile outside [0, 1];
-- 22P02 for a bad text form.
\set VERBOSITY sqlstate
SELECT time_to_value(s, v) FROM (VALUES (timestamptz '2025-01-02', timestamptz '2025-01-01')) AS t(s, v);
SELECT time_to_value_agg(s, v) FROM (VALUES (timestamptz '2025-01-02', timestamptz 'infinity')) AS t(s, v);
SELECT percentile_days(time_to_value_agg(s, v), 1.5) FROM (VALUES (timestamptz '2025-01-01', timestamptz '2025-01-02')) AS t(s, v);
SELECT percentile_days(time_to_value_agg(s, v), 'NaN') FROM (VALUES (timestamptz '2025-01-01', timestamptz '2025-01-02')) AS t(s, v);
SELECT '{"version":1,"not_reached":0,"durations_us":[5,3]}'::ttv_summary;
SELECT '{"version":1,"not_reached":0,"durations_us":[-5]}'::ttv_summary;
SELECT '{"version":1,"not_reached":-1,"durations_us":[]}'::ttv_summary;
SELECT '{"version":2,"not_reached":0,"durations_us":[]}'::ttv_summary;
\set VERBOSITY default
SELECT time_to_value(s, v) FROM (VALUES (timestamptz '2025-01-02', timestamptz '2025-01-01')) AS t(s, v);
SELECT time_to_value_agg(s, v) FROM (VALUES (timestamptz '2025-01-02', timestamptz 'infinity')) AS t(s, v);
SELECT percentile_days(time_to_value_agg(s, v), 1.5) FROM (VALUES (timestamptz '2025-01-01', timestamptz '2025-01-02')) AS t(s, v);
SELECT '{"version":1,"not_reached":0,"durations_us":[5,3]}'::ttv_summary;

-- ttv_summary: text and binary forms, equality, GROUP BY, DISTINCT, COPY round trips.
SELECT '{"version":1,"not_reached":2,"durations_us":[0,86400000000]}'::ttv_summary;
SELECT ttv_summary_send('{"version":1,"not_reached":2,"durations_us":[0,86400000000]}');
CREATE TABLE ttv_daily AS
SELECT grp, signed_up_at::date AS day, time_to_value_agg(signed_up_at, value_at) AS s
FROM ttv_users WHERE signed_up_at IS NOT NULL GROUP BY 1, 2;
SELECT grp, day, s::text FROM ttv_daily ORDER BY grp, day;
-- 'odd' and 'even' on 2025-01-01 hold the same two users: equal summaries.
SELECT count(*) AS summaries, (SELECT count(*) FROM (SELECT DISTINCT s FROM ttv_daily) AS d) AS distinct_summaries
FROM ttv_daily;
SELECT count(*) AS groups FROM (SELECT s FROM ttv_daily GROUP BY s) AS g;
SELECT a.s = b.s AS same, a.s <> b.s AS differs
FROM ttv_daily a, ttv_daily b WHERE a.grp = 'odd' AND b.grp = 'even' AND a.day = '2025-01-01' AND b.day = '2025-01-01';
COPY ttv_daily TO '/tmp/csmetrics_regress_ttv.bin' (FORMAT binary);
CREATE TABLE ttv_daily_copy (LIKE ttv_daily);
COPY ttv_daily_copy FROM '/tmp/csmetrics_regress_ttv.bin' (FORMAT binary);
COPY ttv_daily TO '/tmp/csmetrics_regress_ttv.txt';
COPY ttv_daily_copy FROM '/tmp/csmetrics_regress_ttv.txt';
SELECT count(*) AS copies, count(*) FILTER (WHERE d.s = c.s) AS equal FROM ttv_daily d JOIN ttv_daily_copy c USING (grp, day);
-- rollup of the per-day summaries = the direct summary.
SELECT grp, rollup(s) = (SELECT time_to_value_agg(signed_up_at, value_at) FROM ttv_users u WHERE u.grp = d.grp AND signed_up_at IS NOT NULL) AS rollup_equals_direct,
       median_days(rollup(s))
FROM ttv_daily d GROUP BY grp ORDER BY grp;

---------------------------------------------------------------------------------------------
-- Random data vs percentile_cont, serial and parallel; rollups = direct.
---------------------------------------------------------------------------------------------
SELECT setseed(0.11);
CREATE TABLE rnd_signups AS
SELECT g % 50 AS grp, s AS signed_up_at,
       CASE WHEN random() < 0.3 THEN NULL ELSE s + random() * interval '60 days' END AS value_at
FROM generate_series(1, 30000) AS g,
     LATERAL (SELECT timestamptz '2025-01-01' + random() * interval '90 days' + g * interval '0' AS s) AS x;
ANALYZE rnd_signups;
CREATE FUNCTION ttv_extension() RETURNS TABLE (grp int, kpi text, value float8) LANGUAGE sql AS $$
    SELECT grp, k, v FROM (
        SELECT grp, time_to_value(signed_up_at, value_at) AS median,
               percentile_days(time_to_value_agg(signed_up_at, value_at), 0.9) AS p90,
               reached_percent(time_to_value_agg(signed_up_at, value_at)) AS pct,
               not_reached(time_to_value_agg(signed_up_at, value_at))::float8 AS missing
        FROM rnd_signups GROUP BY grp) AS r,
    LATERAL (VALUES ('median', median), ('p90', p90), ('reached_percent', pct), ('not_reached', missing)) AS kv(k, v)
$$;
CREATE FUNCTION ttv_plain_sql() RETURNS TABLE (grp int, kpi text, value float8) LANGUAGE sql AS $$
    SELECT grp, k, v FROM (
        SELECT grp,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM value_at - signed_up_at) / 86400) AS median,
               percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM value_at - signed_up_at) / 86400) AS p90,
               (100.0 * count(value_at) / count(*))::float8 AS pct,
               (count(*) - count(value_at))::float8 AS missing
        FROM rnd_signups GROUP BY grp) AS r,
    LATERAL (VALUES ('median', median), ('p90', p90), ('reached_percent', pct), ('not_reached', missing)) AS kv(k, v)
$$;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial AS SELECT * FROM ttv_extension();
CREATE TEMP TABLE plain AS SELECT * FROM ttv_plain_sql();
SELECT kpi, count(*) AS groups,
       count(*) FILTER (WHERE s.value IS DISTINCT FROM p.value
                          AND coalesce(abs(s.value - p.value) > 1e-9 * greatest(1, abs(p.value)), true)) AS mismatches
FROM serial s FULL JOIN plain p USING (grp, kpi)
GROUP BY kpi ORDER BY kpi;
CREATE TABLE rnd_signups_daily AS
SELECT grp, signed_up_at::date AS day, time_to_value_agg(signed_up_at, value_at) AS s FROM rnd_signups GROUP BY 1, 2;
CREATE TEMP TABLE direct AS SELECT grp, time_to_value_agg(signed_up_at, value_at) AS s FROM rnd_signups GROUP BY grp;
SELECT count(*) AS groups, count(*) FILTER (WHERE r.s IS DISTINCT FROM d.s) AS mismatches
FROM direct d FULL JOIN (SELECT grp, rollup(s) AS s FROM rnd_signups_daily GROUP BY grp) AS r USING (grp);

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT grp, time_to_value(signed_up_at, value_at) FROM rnd_signups GROUP BY grp;
SELECT plan_max('SELECT time_to_value_agg(signed_up_at, value_at) FROM rnd_signups', 'Workers Launched') > 0 AS ran_in_parallel;
CREATE TEMP TABLE parallel AS SELECT * FROM ttv_extension();
SELECT count(*) AS compared, count(*) FILTER (WHERE s.value IS DISTINCT FROM p.value) AS mismatches
FROM serial s FULL JOIN parallel p USING (grp, kpi);
-- Ungrouped in parallel: the summary of all users equals the serial one, and the rollup of the
-- per-day summaries in parallel equals it too.
CREATE TEMP TABLE parallel_all AS SELECT time_to_value_agg(signed_up_at, value_at) AS s FROM rnd_signups;
CREATE TEMP TABLE parallel_rollup AS SELECT rollup(s) AS s FROM rnd_signups_daily;
SET max_parallel_workers_per_gather = 0;
SELECT (SELECT s FROM parallel_all) = time_to_value_agg(signed_up_at, value_at) AS parallel_equals_serial,
       (SELECT s FROM parallel_rollup) = time_to_value_agg(signed_up_at, value_at) AS parallel_rollup_equals_serial,
       median_days(time_to_value_agg(signed_up_at, value_at))
         = percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM value_at - signed_up_at) / 86400) AS median_equals_plain
FROM rnd_signups;
RESET ALL;

-- As a window function: growing and sliding frames equal the frame recomputed for every row.
CREATE TABLE win_signups AS SELECT row_number() OVER (ORDER BY signed_up_at) AS id, signed_up_at, value_at
FROM (SELECT * FROM rnd_signups LIMIT 800) AS t;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE w.growing IS DISTINCT FROM r.growing) AS growing_mismatches,
       count(*) FILTER (WHERE w.sliding IS DISTINCT FROM r.sliding AND coalesce(abs(w.sliding - r.sliding) > 1e-9, true)) AS sliding_mismatches,
       count(*) FILTER (WHERE w.summary IS DISTINCT FROM r.summary) AS summary_mismatches
FROM (SELECT id, time_to_value(signed_up_at, value_at) OVER (ORDER BY id) AS growing,
             time_to_value(signed_up_at, value_at) OVER (ORDER BY id ROWS BETWEEN 99 PRECEDING AND CURRENT ROW) AS sliding,
             time_to_value_agg(signed_up_at, value_at) OVER (ORDER BY id ROWS BETWEEN 49 PRECEDING AND CURRENT ROW) AS summary
      FROM win_signups) AS w
JOIN LATERAL (
    SELECT (SELECT time_to_value(signed_up_at, value_at) FROM win_signups b WHERE b.id <= w.id) AS growing,
           (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM value_at - signed_up_at) / 86400)
            FROM win_signups b WHERE b.id BETWEEN w.id - 99 AND w.id) AS sliding,
           (SELECT time_to_value_agg(signed_up_at, value_at) FROM win_signups b WHERE b.id BETWEEN w.id - 49 AND w.id) AS summary
) AS r ON true;
