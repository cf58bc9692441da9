-- active_users(activity_summary), the aggregate over stored summaries: the distinct keys of
-- every day of its rows. By hand; per month and over random ranges equal to an independent
-- count(DISTINCT) over the raw events, for dense and dictionary bigint, text and uuid keys;
-- equal to active_users(rollup(s), ...); serial = forced parallel; as a window; NULLs, empty
-- groups, mixed key types; its state's text form.
SET TimeZone = 'UTC';

-- By hand: day 1 {1, 2}, day 2 {2, 3}, day 3 {9}: 4 distinct users, 3 over the first two days.
WITH d AS (
    SELECT day, activity_agg(u, timestamptz '2025-03-01 12:00+00' + (day - 1) * interval '1 day', 'UTC') AS s
    FROM (VALUES (1, 1), (1, 2), (2, 2), (2, 3), (3, 9)) AS e(day, u) GROUP BY day)
SELECT active_users(s) AS all_days, active_users(s) FILTER (WHERE day <= 2) AS first_two,
       active_users(s) FILTER (WHERE day > 5) AS no_rows
FROM d;
SELECT active_users(s) AS null_rows FROM (VALUES (NULL::activity_summary)) AS v(s);

-- Random events: 5,000 users, plus a few keys outside the dense range on some days.
SELECT setseed(0.24);
CREATE TABLE au_events AS
SELECT (1 + floor(random() * 5000))::bigint AS u,
       timestamptz '2025-01-01' + random() * interval '100 days' AS t
FROM generate_series(1, 60000) AS i;
INSERT INTO au_events
SELECT 20000000000 + i % 37, timestamptz '2025-01-01' + random() * interval '100 days'
FROM generate_series(1, 60) AS i;
CREATE TABLE au_days AS
SELECT (t AT TIME ZONE 'UTC')::date AS day,
       activity_agg(u, t, 'UTC') AS by_int,
       activity_agg(u, t, 'UTC') FILTER (WHERE u < 1000000) AS dense_only,
       activity_agg(u::text, t, 'UTC') AS by_text,
       activity_agg(md5(u::text)::uuid, t, 'UTC') AS by_uuid
FROM au_events GROUP BY 1;
SELECT count(*) FILTER (WHERE by_int IS DISTINCT FROM dense_only) > 0 AS some_days_have_a_dictionary
FROM au_days;

-- Per month: the aggregate over daily summaries = count(DISTINCT) over the month's events.
SELECT count(*) AS compared,
       count(*) FILTER (WHERE (a.n, a.nd, a.nt, a.nu) IS DISTINCT FROM (p.n, p.nd, p.n, p.n)) AS mismatches
FROM (SELECT date_trunc('month', day)::date AS m, active_users(by_int) AS n, active_users(dense_only) AS nd,
             active_users(by_text) AS nt, active_users(by_uuid) AS nu
      FROM au_days GROUP BY 1) AS a
     FULL JOIN (SELECT date_trunc('month', (t AT TIME ZONE 'UTC')::date)::date AS m, count(DISTINCT u) AS n,
                       count(DISTINCT u) FILTER (WHERE u < 1000000) AS nd
                FROM au_events GROUP BY 1) AS p USING (m);
-- Over random ranges of days, and equal to active_users(rollup(s), from, to).
CREATE TABLE au_ranges AS
SELECT d1, d1 + floor(random() * 40)::int AS d2
FROM (SELECT date '2024-12-28' + floor(random() * 110)::int AS d1 FROM generate_series(1, 40)) AS r;
SELECT count(*) AS compared,
       count(*) FILTER (WHERE (SELECT active_users(by_int) FROM au_days WHERE day BETWEEN d1 AND d2)
                              IS DISTINCT FROM nullif((SELECT count(DISTINCT u) FROM au_events
                                                       WHERE (t AT TIME ZONE 'UTC')::date BETWEEN d1 AND d2), 0)
                        OR (SELECT active_users(by_text) FROM au_days WHERE day BETWEEN d1 AND d2)
                              IS DISTINCT FROM (SELECT active_users(rollup(by_text), d1, d2) FROM au_days)
                              AND EXISTS (SELECT FROM au_days WHERE day BETWEEN d1 AND d2)) AS mismatches
FROM au_ranges;
-- A rolling 30-day window of daily summaries = mau() of them all, every day.
SELECT count(*) AS compared,
       count(*) FILTER (WHERE w.n <> mau((SELECT rollup(by_int) FROM au_days), w.day)) AS mismatches
FROM (SELECT day, active_users(by_int) OVER (ORDER BY day RANGE BETWEEN '29 days' PRECEDING AND CURRENT ROW) AS n
      FROM au_days) AS w;

-- Serial = forced parallel (partial states flattened, sent and combined).
CREATE TABLE au_serial AS
SELECT date_trunc('month', day)::date AS m, active_users(by_int) AS n, active_users(by_uuid) AS nu
FROM au_days GROUP BY 1;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2; SET enable_hashagg = off; SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT date_trunc('month', day)::date, active_users(by_int), active_users(by_uuid) FROM au_days GROUP BY 1;
SELECT plan_max('SELECT date_trunc(''month'', day)::date, active_users(by_int), active_users(by_uuid)
                    FROM au_days GROUP BY 1', 'Workers Launched') > 0 AS ran_in_parallel;
SELECT count(*) AS compared, count(*) FILTER (WHERE (p.n, p.nu) IS DISTINCT FROM (s.n, s.nu)) AS mismatches
FROM (SELECT date_trunc('month', day)::date AS m, active_users(by_int) AS n, active_users(by_uuid) AS nu
      FROM au_days GROUP BY 1) AS p FULL JOIN au_serial AS s USING (m);
SELECT active_users(by_int) = (SELECT count(DISTINCT u) FROM au_events) AS ungrouped_parallel_equals_plain
FROM au_days;
RESET ALL;
SET TimeZone = 'UTC';

-- The state's text form: the union's canonical binary form in hex, read back as the same value.
CREATE AGGREGATE au_partial(activity_summary) (SFUNC = active_users_accum, STYPE = active_users_state);
SELECT au_partial(s) AS state
FROM (SELECT activity_agg(u, timestamptz '2025-03-01 12:00+00', 'UTC') AS s
      FROM (VALUES (1), (2), (70000)) AS e(u)) AS t;
SELECT active_users_final(au_partial(by_text)::text::active_users_state) = active_users(by_text) AS text_round_trip,
       au_partial(by_int)::text::active_users_state = au_partial(by_int) AS equal_after_round_trip
FROM au_days;

-- Errors: summaries of different key types; a state that is not canonical.
SELECT active_users(s)
FROM (SELECT by_int FROM au_days WHERE day = '2025-01-05' UNION ALL
      SELECT by_text FROM au_days WHERE day = '2025-01-06') AS x(s);
SELECT '{"type":"active_users_state","binary":"0101000000000000000185808080808080808001"}'::active_users_state;
-- A count of keys that the value's bytes cannot hold (11 bytes claiming 2^32 keys).
SELECT '{"type":"active_users_state","binary":"0102000000010000000005"}'::active_users_state;
DROP TABLE au_events, au_days, au_ranges, au_serial;
DROP AGGREGATE au_partial(activity_summary);
