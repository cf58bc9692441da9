-- Engagement on random events in several zones: every accessor equals an independent plain-SQL
-- count(DISTINCT) formulation (0 mismatches); serial = forced parallel; rollup of rnd_days
-- summaries = one pass; text and uuid keys count as bigint keys do.
SET TimeZone = 'UTC';
SELECT setseed(0.42);
CREATE TABLE rnd AS
SELECT (1 + floor(random() * 3000))::bigint AS u,
       timestamptz '2025-01-01' + random() * interval '75 days' AS t,
       (ARRAY['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata'])[1 + (i % 4)] AS z
FROM generate_series(1, 120000) AS i;
ANALYZE rnd;
-- The plain-SQL side: distinct (zone, local day, user), days from PostgreSQL's AT TIME ZONE.
CREATE TABLE local AS SELECT DISTINCT z, (t AT TIME ZONE z)::date AS ld, u FROM rnd;
CREATE INDEX ON local (z, ld, u);
ANALYZE local;
CREATE TABLE sums AS SELECT z, activity_agg(u, t, z) AS s FROM rnd GROUP BY z;

-- DAU, WAU, MAU and DAU/MAU for every day of every zone.
CREATE TABLE kpis_plain AS
WITH days AS (SELECT z, pg_catalog.generate_series(min(ld), max(ld), '1 day')::date AS d FROM local GROUP BY z)
SELECT days.z, days.d,
       (SELECT count(DISTINCT u) FROM local l WHERE l.z = days.z AND l.ld = days.d) AS dau,
       (SELECT count(DISTINCT u) FROM local l WHERE l.z = days.z AND l.ld BETWEEN days.d - 6 AND days.d) AS wau,
       (SELECT count(DISTINCT u) FROM local l WHERE l.z = days.z AND l.ld BETWEEN days.d - 29 AND days.d) AS mau
FROM days;
SELECT count(*) AS compared,
       count(*) FILTER (WHERE k.dau IS DISTINCT FROM p.dau OR k.wau IS DISTINCT FROM p.wau
                        OR k.mau IS DISTINCT FROM p.mau
                        OR k.stickiness IS DISTINCT FROM 100 * p.dau::float8 / p.mau) AS mismatches
FROM kpis_plain p FULL JOIN (SELECT z, k.* FROM sums, daily_activity_kpis(s) AS k) AS k
     ON k.z = p.z AND k.day = p.d;
-- The point accessors on every day.
SELECT count(*) AS compared,
       count(*) FILTER (WHERE dau(s, d) <> p.dau OR wau(s, d) <> p.wau OR mau(s, d) <> p.mau) AS mismatches
FROM kpis_plain p JOIN sums USING (z);

-- active_users and stickiness over random ranges.
CREATE TABLE ranges AS
SELECT z, d1, d1 + len AS d2
FROM (SELECT DISTINCT z FROM rnd) AS zs,
     LATERAL (SELECT date '2024-12-30' + floor(random() * 80)::int AS d1, floor(random() * 40)::int AS len
              FROM generate_series(1, 25) AS i WHERE zs.z IS NOT NULL) AS r;
SELECT count(*) AS compared,
       count(*) FILTER (WHERE active_users(s, d1, d2) <> (SELECT count(DISTINCT u) FROM local l WHERE l.z = r.z AND l.ld BETWEEN d1 AND d2)
                        OR stickiness(s, d1, d2) IS DISTINCT FROM
                           (SELECT 100 * (count(*)::float8 / (d2 - d1 + 1)) / nullif(count(DISTINCT u), 0)
                            FROM local l WHERE l.z = r.z AND l.ld BETWEEN d1 AND d2)) AS mismatches
FROM ranges r JOIN sums USING (z);
-- Stickiness of each calendar month.
SELECT count(*) AS compared,
       count(*) FILTER (WHERE stickiness(s, m) IS DISTINCT FROM
                           (SELECT 100 * (count(*)::float8 / extract(day FROM m + interval '1 month' - interval '1 day')::int)
                                   / nullif(count(DISTINCT u), 0)
                            FROM local l WHERE l.z = sums.z AND date_trunc('month', l.ld) = m)) AS mismatches
FROM sums, (VALUES (date '2024-12-01'), ('2025-01-01'), ('2025-02-01'), ('2025-03-01'), ('2025-04-01')) AS ms(m);
-- The active-days distribution over February and over everything.
SELECT count(*) AS compared, count(*) FILTER (WHERE a.users IS DISTINCT FROM coalesce(p.users, 0)) AS mismatches
FROM (SELECT z, a.* FROM sums, active_days(s, '2025-02-01', '2025-02-28') AS a) AS a
     LEFT JOIN (SELECT z, n, count(*) AS users
                FROM (SELECT z, u, count(*)::int AS n FROM local WHERE ld BETWEEN '2025-02-01' AND '2025-02-28' GROUP BY z, u) AS c
                GROUP BY z, n) AS p ON p.z = a.z AND p.n = a.days;
SELECT sum(users) = (SELECT count(DISTINCT u) FROM local WHERE z = 'UTC') AS all_users_counted,
       count(*) = (SELECT max(ld) - min(ld) + 1 FROM local WHERE z = 'UTC') AS one_row_per_k
FROM active_days((SELECT s FROM sums WHERE z = 'UTC'), '-infinity', 'infinity');

-- Lifecycle by day, ISO week and month, with and without history (two zones, for time).
CREATE FUNCTION plain_lifecycle(zone text, grain text, step interval, report_from date)
RETURNS TABLE(period date, new_users bigint, returning_users bigint, resurrecting_users bigint, dormant_users bigint)
LANGUAGE sql AS $$
  WITH up AS (SELECT DISTINCT u, date_trunc(grain, ld)::date AS p FROM local WHERE z = zone),
       fp AS (SELECT u, min(p) AS f FROM up GROUP BY u),
       ps AS (SELECT generate_series(min(p), max(p), step)::date AS p FROM up),
       cur AS (SELECT up.u, up.p, fp.f, prev.u IS NOT NULL AS had_prev
               FROM up JOIN fp USING (u)
                    LEFT JOIN up AS prev ON prev.u = up.u AND prev.p = (up.p - step)::date),
       gone AS (SELECT (prev.p + step)::date AS p, count(*) AS n
                FROM up AS prev LEFT JOIN up AS nxt ON nxt.u = prev.u AND nxt.p = (prev.p + step)::date
                WHERE nxt.u IS NULL GROUP BY 1)
  SELECT ps.p,
         count(cur.u) FILTER (WHERE cur.f = ps.p),
         count(cur.u) FILTER (WHERE cur.had_prev),
         count(cur.u) FILTER (WHERE NOT cur.had_prev AND cur.f < ps.p),
         coalesce(max(gone.n), 0)
  FROM ps LEFT JOIN cur ON cur.p = ps.p LEFT JOIN gone ON gone.p = ps.p
  WHERE ps.p >= date_trunc(grain, report_from)::date
  GROUP BY ps.p
$$;
SELECT g.grain, count(*) AS compared,
       count(*) FILTER (WHERE e IS DISTINCT FROM p) AS mismatches
FROM sums, (VALUES ('day', interval '1 day'), ('week', interval '1 week'), ('month', interval '1 month')) AS g(grain, step),
     (VALUES (date '1900-01-01'), ('2025-02-10')) AS r(report_from),
     LATERAL (SELECT * FROM lifecycle(s, g.grain, r.report_from)) AS e
     FULL JOIN LATERAL (SELECT * FROM plain_lifecycle(sums.z, g.grain, g.step, r.report_from)) AS p USING (period)
WHERE sums.z IN ('Europe/Paris', 'Asia/Kolkata')
GROUP BY g.grain ORDER BY g.grain;
SELECT count(*) AS compared, count(*) FILTER (WHERE a IS DISTINCT FROM b) AS mismatches
FROM sums, LATERAL (SELECT array_agg(l ORDER BY period) AS a FROM lifecycle(s, 'week') AS l) AS x,
     LATERAL (SELECT array_agg(l ORDER BY period) AS b FROM lifecycle(s, 'week', '1900-01-01') AS l) AS y;

-- Retention by day, ISO week, Sunday week and month.
CREATE FUNCTION plain_retention(zone text, grain text, periods int)
RETURNS TABLE(cohort date, period_number int, cohort_size bigint, retained bigint)
LANGUAGE sql AS $$
  WITH up AS (SELECT DISTINCT u, CASE WHEN grain = 'week_sunday' THEN (ld - extract(dow FROM ld)::int)
                                      ELSE date_trunc(grain, ld)::date END AS p
              FROM local WHERE z = zone),
       -- Consecutive numbers for consecutive periods.
       ix AS (SELECT u, p, CASE grain WHEN 'month' THEN (extract(year FROM p) * 12 + extract(month FROM p))::int
                                      WHEN 'day' THEN p - date '2000-01-01'
                                      ELSE (p - date '2000-01-02') / 7 END AS i
              FROM up),
       fp AS (SELECT u, min(i) AS f, min(p) AS fd FROM ix GROUP BY u),
       sizes AS (SELECT f, fd, count(*) AS n FROM fp GROUP BY f, fd),
       hits AS (SELECT fp.f, ix.i - fp.f AS n, count(*) AS c FROM ix JOIN fp USING (u) GROUP BY 1, 2)
  SELECT sizes.fd, n.n, sizes.n, coalesce(hits.c, 0)
  FROM sizes CROSS JOIN generate_series(0, periods) AS n(n)
       LEFT JOIN hits ON hits.f = sizes.f AND hits.n = n.n
  WHERE sizes.f + n.n <= (SELECT max(i) FROM ix)
$$;
SELECT g.grain, count(*) AS compared,
       count(*) FILTER (WHERE (e.cohort_size, e.retained) IS DISTINCT FROM (p.cohort_size, p.retained)
                        OR e.retention_percent IS DISTINCT FROM 100 * p.retained::float8 / p.cohort_size) AS mismatches
FROM sums, (VALUES ('day', 40), ('week', 6), ('week_sunday', 6), ('month', 3)) AS g(grain, periods),
     LATERAL (SELECT * FROM retention(s, g.grain, g.periods)) AS e
     FULL JOIN LATERAL (SELECT * FROM plain_retention(sums.z, g.grain, g.periods)) AS p USING (cohort, period_number)
GROUP BY g.grain ORDER BY g.grain;

-- Serial = forced parallel.
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2; SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT z, activity_agg(u, t, z) FROM rnd GROUP BY z;
SELECT plan_max('SELECT z, activity_agg(u, t, z) FROM rnd GROUP BY z', 'Workers Launched') > 0 AS ran_in_parallel;
SELECT count(*) AS compared, count(*) FILTER (WHERE p.s IS DISTINCT FROM sums.s) AS mismatches
FROM (SELECT z, activity_agg(u, t, z) AS s FROM rnd GROUP BY z) AS p FULL JOIN sums USING (z);
SELECT activity_agg(u, t) = (SELECT s FROM sums WHERE z = 'UTC') AS ungrouped_parallel_equals_serial
FROM rnd WHERE z = 'UTC';
RESET ALL;
SET TimeZone = 'UTC';

-- Rollup of daily summaries (and of per-user-range shards) = one pass.
CREATE TABLE rnd_days AS SELECT z, (t AT TIME ZONE z)::date AS day, activity_agg(u, t, z) AS s FROM rnd GROUP BY 1, 2;
SELECT count(*) AS compared, count(*) FILTER (WHERE r.s IS DISTINCT FROM sums.s) AS mismatches
FROM (SELECT z, rollup(s) AS s FROM rnd_days GROUP BY z) AS r FULL JOIN sums USING (z);
SELECT count(*) AS compared, count(*) FILTER (WHERE r.s IS DISTINCT FROM sums.s) AS mismatches
FROM (SELECT z, rollup(s) AS s
      FROM (SELECT z, activity_agg(u, t, z) AS s FROM rnd GROUP BY z, u % 7) AS shards GROUP BY z) AS r
     FULL JOIN sums USING (z);
-- Each rnd_days summary holds exactly that day's users.
SELECT count(*) AS compared,
       count(*) FILTER (WHERE dau(s, day) <> (SELECT count(*) FROM local l WHERE l.z = rnd_days.z AND l.ld = rnd_days.day)) AS mismatches
FROM rnd_days;

-- Text and uuid keys: the same counts as the bigint keys they were made from.
CREATE TABLE keyed AS
SELECT z, activity_agg(u::text, t, z) AS by_text,
       activity_agg(md5(u::text)::uuid, t, z) AS by_uuid FROM rnd GROUP BY z;
SELECT count(*) AS compared,
       count(*) FILTER (WHERE k1 IS DISTINCT FROM k2 OR k1 IS DISTINCT FROM k3) AS mismatches
FROM (SELECT z, array_agg(k ORDER BY k.day) AS k1 FROM sums, daily_activity_kpis(s) AS k GROUP BY z) AS a
     JOIN (SELECT z, array_agg(k ORDER BY k.day) AS k2 FROM keyed, daily_activity_kpis(by_text) AS k GROUP BY z) AS b USING (z)
     JOIN (SELECT z, array_agg(k ORDER BY k.day) AS k3 FROM keyed, daily_activity_kpis(by_uuid) AS k GROUP BY z) AS c USING (z);

-- Local days over two and a half centuries in zones with odd offsets and historic changes
-- (Paris's 1911 switch from local mean time, Kathmandu's +05:45, Lord Howe's half-hour DST,
-- St. John's -03:30): each event its own key, the summary's (day, key) pairs equal AT TIME ZONE's.
CREATE TABLE sweep AS
SELECT i::bigint AS u, timestamptz '1850-01-01 00:00Z' + random() * interval '250 years' AS t,
       (ARRAY['Europe/Paris', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/St_Johns', 'EST', 'UTC+3'])[1 + (i % 6)] AS z
FROM generate_series(1, 30000) AS i;
-- Also around every Paris transition since 2000, a minute either side.
INSERT INTO sweep
SELECT 100000 + row_number() OVER (), t, 'Europe/Paris'
FROM (SELECT make_timestamptz(y, m, d, 1, 0, 0, 'UTC') + s * interval '1 minute' AS t
      FROM generate_series(2000, 2030) AS y, (VALUES (3), (10)) AS mm(m), generate_series(25, 31) AS d,
           (VALUES (-1), (0), (1), (-61), (59)) AS ss(s)) AS x;
SELECT count(*) AS compared,
       (SELECT count(*) FROM ((SELECT z, (t AT TIME ZONE z)::date AS d, u FROM sweep
                              EXCEPT
                              SELECT z, day.key::date, k::bigint
                              FROM (SELECT z, activity_agg(u, t, z) AS s FROM sweep GROUP BY z) AS a,
                                   json_each(a.s::text::json -> 'days') AS day,
                                   json_array_elements_text(day.value) AS k)
                             UNION ALL
                             (SELECT z, day.key::date, k::bigint
                              FROM (SELECT z, activity_agg(u, t, z) AS s FROM sweep GROUP BY z) AS a,
                                   json_each(a.s::text::json -> 'days') AS day,
                                   json_array_elements_text(day.value) AS k
                              EXCEPT
                              SELECT z, (t AT TIME ZONE z)::date AS d, u FROM sweep)) AS diff) AS mismatches
FROM sweep;
-- The session's zone, interleaved with named zones in one query.
SET TimeZone = 'America/St_Johns';
SELECT count(*) FILTER (WHERE a <> b) AS mismatches
FROM (SELECT z, activity_agg(u, t) AS a, activity_agg(u, t, 'America/St_Johns') AS b FROM sweep GROUP BY z) AS x;
RESET TimeZone;

-- Bigint keys from 0 to 16777215 are stored densely (ids = keys); any other key switches the
-- summary to its dictionary form. Both forms count alike, and a rollup mixing them equals one
-- pass.
SELECT (SELECT array_agg(k ORDER BY k.day) FROM daily_activity_kpis((SELECT activity_agg(u, t, 'UTC') FROM rnd)) AS k)
     = (SELECT array_agg(k ORDER BY k.day)
        FROM daily_activity_kpis((SELECT activity_agg(u - 10000000000, t, 'UTC') FROM rnd)) AS k) AS dictionary_form_agrees,
       (SELECT rollup(s) FROM (SELECT activity_agg(u, t, 'UTC') FROM rnd WHERE u > 5
                               UNION ALL SELECT activity_agg(u + 16777215, t, 'UTC') FROM rnd WHERE u <= 5) AS x(s))
     = (SELECT activity_agg(CASE WHEN u <= 5 THEN u + 16777215 ELSE u END, t, 'UTC') FROM rnd) AS mixed_rollup_equals_one_pass;

-- Busy days (over 4,096 events a day, so rows wait in batches before they reach a day's
-- bitmap) under a running window, whose final function reads the state between rows: every
-- 997th frame equals count(DISTINCT) over its rows, and the whole equals one aggregate. Then
-- a key out of the dense range arrives mid-stream, while batches are waiting.
CREATE TABLE burst AS
SELECT i, CASE WHEN i = 15000 THEN -1 ELSE (1 + floor(random() * 6000))::bigint END AS u,
       timestamptz '2025-02-10 00:00Z' + random() * interval '47 hours' AS t
FROM generate_series(1, 20000) AS i;
SELECT count(*) AS compared,
       count(*) FILTER (WHERE w.users <> (SELECT count(DISTINCT u) FROM burst AS b WHERE b.i <= w.i)) AS mismatches,
       bool_and(w.dau_10 = (SELECT count(DISTINCT u) FROM burst AS b
                            WHERE b.i <= w.i AND b.t < timestamptz '2025-02-11 00:00Z')) AS dau_agrees
FROM (SELECT i, active_users(s, '2025-02-10', '2025-02-11') AS users, dau(s, '2025-02-10') AS dau_10
      FROM (SELECT i, activity_agg(u, t, 'UTC') OVER (ORDER BY i ROWS UNBOUNDED PRECEDING) AS s
            FROM burst) AS r
      WHERE i % 997 = 0 OR i = 20000) AS w;
SELECT (SELECT activity_agg(u, t, 'UTC') FROM burst)
     = (SELECT s FROM (SELECT i, activity_agg(u, t, 'UTC') OVER (ORDER BY i ROWS UNBOUNDED PRECEDING) AS s
                       FROM burst) AS r WHERE i = 20000) AS window_equals_aggregate;
