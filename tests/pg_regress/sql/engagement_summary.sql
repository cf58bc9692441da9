-- activity_summary as a stored type: text and binary round trips, COPY, =, GROUP BY, DISTINCT.
SET TimeZone = 'UTC';
CREATE TABLE eng_daily AS
SELECT (t AT TIME ZONE 'UTC')::date AS day, activity_agg(u, t, 'UTC') AS users
FROM (SELECT (i % 37)::bigint AS u, timestamptz '2025-03-01' + (i % 5) * interval '1 day' + (i % 24) * interval '1 hour' AS t
      FROM generate_series(1, 500) AS i) AS e
GROUP BY 1;
-- Text round trip: the output reads back as the same value.
SELECT count(*) AS days, bool_and(users::text::activity_summary = users) AS text_round_trip FROM eng_daily;
-- Binary round trip through COPY (FORMAT binary), which uses send/recv.
COPY eng_daily TO '/tmp/csm_engagement_daily.bin' (FORMAT binary);
CREATE TABLE eng_daily_copy (LIKE eng_daily);
COPY eng_daily_copy FROM '/tmp/csm_engagement_daily.bin' (FORMAT binary);
SELECT count(*) AS compared, count(*) FILTER (WHERE c.users IS DISTINCT FROM d.users) AS mismatches
FROM eng_daily d FULL JOIN eng_daily_copy c USING (day);
-- Text COPY, and the month rolled up from either copy.
TRUNCATE eng_daily_copy;
COPY eng_daily TO '/tmp/csm_engagement_daily.txt';
COPY eng_daily_copy FROM '/tmp/csm_engagement_daily.txt';
SELECT (SELECT rollup(users) FROM eng_daily) = (SELECT rollup(users) FROM eng_daily_copy) AS text_copy_rollup_equal,
       mau((SELECT rollup(users) FROM eng_daily_copy), '2025-03-05') AS mau;
-- Equality, DISTINCT, GROUP BY (hash and sort) and UNION on stored summaries.
INSERT INTO eng_daily_copy SELECT day + 100, users FROM eng_daily;
SELECT (SELECT count(*) FROM (SELECT DISTINCT users FROM eng_daily_copy) AS d) AS distinct_summaries, count(*) AS rows FROM eng_daily_copy;
SET enable_hashagg = off;
SELECT count(*) AS groups FROM (SELECT users FROM eng_daily_copy GROUP BY users) AS g;
RESET enable_hashagg;
SET enable_sort = off;
SELECT count(*) AS groups FROM (SELECT users FROM eng_daily_copy GROUP BY users) AS g;
RESET enable_sort;
SELECT count(*) AS union_rows FROM (SELECT users FROM eng_daily UNION SELECT users FROM eng_daily_copy) AS u;
SELECT a.users = b.users AS same_day_equal, a.users <> c.users AS other_day_differs
FROM eng_daily a, eng_daily b, eng_daily c WHERE a.day = '2025-03-01' AND b.day = a.day AND c.day = '2025-03-02';
-- The same set built in another order is the same bytes (canonical form).
SELECT activity_agg(u, t, 'UTC') = (SELECT activity_agg(u, t, 'UTC') FROM (SELECT * FROM (VALUES (3::bigint, timestamptz '2025-03-01'), (1, '2025-03-01'), (2, '2025-03-02')) AS v(u, t) ORDER BY u DESC) AS o) AS canonical
FROM (VALUES (1::bigint, timestamptz '2025-03-01'), (2, '2025-03-02'), (3, '2025-03-01')) AS v(u, t);
-- rollup() ignores NULL summaries and gives NULL for none.
SELECT rollup(s) IS NULL AS rollup_of_nulls FROM (VALUES (NULL::activity_summary)) AS v(s);
SELECT rollup(s) AS with_a_null FROM (VALUES (NULL::activity_summary), ('{"version":1,"keys":"bigint","days":{"2025-03-01":[7]}}')) AS v(s);
-- Accessors of a NULL summary are NULL (STRICT).
SELECT dau(NULL, '2025-03-01') IS NULL AS null_dau, (SELECT count(*) FROM daily_activity_kpis(NULL)) AS no_rows;
