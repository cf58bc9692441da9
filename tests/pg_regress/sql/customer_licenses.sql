-- Licences: license_agg -> license_summary, active_licenses, peak_licenses, license_timeline,
-- rollup, utilisation.
SET TimeZone = 'UTC';

-- Overlapping licences:
--   A [Jan 1, Jan 10)  5 seats
--   B [Jan 5, Jan 15]  3 seats (upper inclusive)
--   C (Jan 10, )       2 seats (lower exclusive, unbounded)
--   D empty            7 seats (holds no instant)
-- At Jan 5: A + B = 8. At Jan 10 00:00: A has ended, C not begun: 3. One microsecond later:
-- B + C = 5. At Jan 15 00:00 B still holds (inclusive): 5; after it: 2. Far future: 2.
CREATE TABLE lic AS
SELECT * FROM (VALUES ('A', tstzrange('2025-01-01', '2025-01-10'), 5),
                      ('B', tstzrange('2025-01-05', '2025-01-15', '[]'), 3),
                      ('C', tstzrange('2025-01-10', NULL, '()'), 2),
                      ('D', 'empty'::tstzrange, 7)) AS t(name, valid, seats);
CREATE TABLE lic_summary AS SELECT license_agg(valid, seats) AS s FROM lic;
SELECT licenses(s),
       active_licenses(s, '2024-12-31 23:59:59.999999') AS before,
       active_licenses(s, '2025-01-01') AS jan1, active_licenses(s, '2025-01-05') AS jan5,
       active_licenses(s, '2025-01-10') AS jan10, active_licenses(s, '2025-01-10 00:00:00.000001') AS jan10_plus,
       active_licenses(s, '2025-01-15') AS jan15, active_licenses(s, '2025-01-15 00:00:00.000001') AS jan15_plus,
       active_licenses(s, 'infinity') AS forever
FROM lic_summary;
-- The same with plain SQL (sum of seats of the ranges holding the instant).
SELECT at, sum(seats) FILTER (WHERE valid @> at) AS active
FROM lic, (VALUES (timestamptz '2025-01-05'), ('2025-01-10'), ('2025-01-10 00:00:00.000001'), ('2025-01-15')) AS p(at)
GROUP BY at ORDER BY at;
-- Peaks: over [Jan 1, Jan 5) only A: 5; [Jan 1, Jan 5] reaches A + B = 8; (Jan 10, ) 5;
-- the single instant [Jan 10, Jan 10] 3; everything 8; an empty range NULL.
SELECT peak_licenses(s, '[2025-01-01, 2025-01-05)') AS a, peak_licenses(s, '[2025-01-01, 2025-01-05]') AS b,
       peak_licenses(s, '(2025-01-10,)') AS c, peak_licenses(s, '[2025-01-10, 2025-01-10]') AS d,
       peak_licenses(s, '(,)') AS e, peak_licenses(s, 'empty') AS f,
       peak_licenses(s, '[2024-01-01, 2024-12-31]') AS g
FROM lic_summary;
-- A timeline every 5 days.
SELECT * FROM license_timeline((SELECT s FROM lic_summary), '2024-12-31', '2025-01-20', '5 days');
-- Ranges ending at 'infinity' inclusive and unbounded ones are the same step function.
SELECT license_agg(r, 1) FILTER (WHERE k = 1) = license_agg(r, 1) FILTER (WHERE k = 2) AS same
FROM (VALUES (1, tstzrange('2025-01-01', 'infinity', '[]')), (2, tstzrange('2025-01-01', NULL, '[)'))) AS t(k, r);
-- Zero seats and empty ranges are counted licences that hold no seat; NULLs skip the row.
SELECT licenses(s), active_licenses(s, '2025-01-05'), s::text
FROM (SELECT license_agg(r, n) AS s
      FROM (VALUES (tstzrange('2025-01-01', '2025-02-01'), 0), ('empty', 4), (NULL, 3), ('[2025-01-01,)', NULL)) AS t(r, n)) AS x;
-- An empty group, or NULL rows only: NULL.
SELECT license_agg(r, n) FROM (VALUES (NULL::tstzrange, 1)) AS t(r, n);
SELECT license_agg(r, n) FROM (VALUES (tstzrange('2025-01-01', '2025-02-01'), 1)) AS t(r, n) WHERE false;

-- utilisation: 45 of 50 seats = 90; over-deployed 60 of 50 = 120; no seats: NULL.
SELECT utilisation(45, 50) AS a, utilisation(60, 50) AS b, utilisation(0, 0) AS c, utilisation(NULL, 5) AS d;

-- Errors.
\set VERBOSITY sqlstate
SELECT license_agg(r, n) FROM (VALUES (tstzrange('2025-01-01', '2025-02-01'), -1)) AS t(r, n);
SELECT utilisation(-1, 5);
SELECT '{"version":1,"licenses":1,"steps":[[0,0,5]]}'::license_summary;
SELECT '{"version":1,"licenses":1,"steps":[[5,0,5],[0,0,0]]}'::license_summary;
SELECT '{"version":1,"licenses":1,"steps":[[0,2,5],[5,0,0]]}'::license_summary;
SELECT '{"version":1,"licenses":1,"steps":[[0,0,5],[5,0,5],[6,0,0]]}'::license_summary;
\set VERBOSITY default
SELECT license_agg(r, n) FROM (VALUES (tstzrange('2025-01-01', '2025-02-01'), -1)) AS t(r, n);
SELECT utilisation(-1, 5);
SELECT '{"version":1,"licenses":1,"steps":[[0,0,5]]}'::license_summary;

-- license_summary: text, binary, equality, GROUP BY, DISTINCT, COPY.
SELECT '{"version":1,"licenses":1,"steps":[[0,0,5],[86400000000,0,0]]}'::license_summary;
SELECT license_summary_send('{"version":1,"licenses":1,"steps":[[0,0,5],[86400000000,0,0]]}');
CREATE TABLE lic_by_name AS SELECT name, license_agg(valid, seats) AS s FROM lic GROUP BY name;
INSERT INTO lic_by_name SELECT 'A again', license_agg(valid, seats) FROM lic WHERE name = 'A';
SELECT count(*) AS summaries, (SELECT count(*) FROM (SELECT DISTINCT s FROM lic_by_name) AS d) AS distinct_summaries,
       (SELECT count(*) FROM (SELECT s FROM lic_by_name GROUP BY s) AS g) AS groups
FROM lic_by_name;
SELECT a.s = b.s AS same, a.s <> b.s AS differs FROM lic_by_name a, lic_by_name b WHERE a.name = 'A' AND b.name = 'A again';
COPY lic_by_name TO '/tmp/csmetrics_regress_lic.bin' (FORMAT binary);
CREATE TABLE lic_copy (LIKE lic_by_name);
COPY lic_copy FROM '/tmp/csmetrics_regress_lic.bin' (FORMAT binary);
COPY lic_by_name TO '/tmp/csmetrics_regress_lic.txt';
COPY lic_copy FROM '/tmp/csmetrics_regress_lic.txt';
SELECT count(*) AS copies, count(*) FILTER (WHERE l.s = c.s) AS equal FROM lic_by_name l JOIN lic_copy c USING (name);
-- rollup of the per-licence summaries = the one summary.
SELECT rollup(s) = (SELECT s FROM lic_summary) AS rollup_equals_direct FROM lic_by_name WHERE name <> 'A again';

---------------------------------------------------------------------------------------------
-- Random licences vs plain SQL (range containment), serial and parallel, rollups.
---------------------------------------------------------------------------------------------
SELECT setseed(0.9);
CREATE TABLE rnd_licenses AS
SELECT g % 7 AS grp, 1 + (random() * 20)::int AS seats,
       CASE WHEN random() < 0.03 THEN 'empty'::tstzrange
            ELSE tstzrange(CASE WHEN random() < 0.05 THEN NULL ELSE a END,
                           CASE WHEN random() < 0.1 THEN NULL ELSE a + (random() * 200)::int * interval '1 day' END,
                           (ARRAY['[)', '[]', '()', '(]'])[1 + (random() * 3)::int]) END AS valid
FROM generate_series(1, 1500) AS g,
     LATERAL (SELECT timestamptz '2025-01-01' + (random() * 300)::int * interval '1 day' + g * interval '0' AS a) AS x;
ANALYZE rnd_licenses;
-- Every day of 2025 and each bound of every licence, plus one microsecond after it.
CREATE TABLE rnd_points AS
SELECT DISTINCT at FROM (
    SELECT g AS at FROM generate_series(timestamptz '2024-12-01', timestamptz '2026-03-01', interval '1 day') AS g
    UNION ALL SELECT lower(valid) FROM rnd_licenses UNION ALL SELECT upper(valid) FROM rnd_licenses
    UNION ALL SELECT lower(valid) + interval '1 microsecond' FROM rnd_licenses
    UNION ALL SELECT upper(valid) + interval '1 microsecond' FROM rnd_licenses) AS p
WHERE at IS NOT NULL;
CREATE TABLE rnd_lic_summaries AS SELECT grp, license_agg(valid, seats) AS s FROM rnd_licenses GROUP BY grp;
SELECT count(*) AS compared,
       count(*) FILTER (WHERE e.active IS DISTINCT FROM p.active) AS mismatches
FROM (SELECT grp, at, active_licenses(s, at) AS active FROM rnd_lic_summaries, rnd_points) AS e
JOIN (SELECT grp, at, coalesce(sum(seats) FILTER (WHERE valid @> at), 0) AS active
      FROM rnd_licenses, rnd_points GROUP BY grp, at) AS p USING (grp, at);
-- Peak over each month of 2025 vs the maximum over every instant where the level can change.
CREATE TABLE rnd_months AS
SELECT tstzrange(m, m + interval '1 month', (ARRAY['[)', '[]', '()', '(]'])[1 + (extract(month FROM m)::int % 4)]) AS during
FROM generate_series(timestamptz '2025-01-01', timestamptz '2025-12-01', interval '1 month') AS m;
SELECT count(*) AS compared, count(*) FILTER (WHERE e.peak IS DISTINCT FROM p.peak) AS mismatches
FROM (SELECT grp, during, peak_licenses(s, during) AS peak FROM rnd_lic_summaries, rnd_months) AS e
JOIN (SELECT grp, during, max(active) AS peak
      FROM (SELECT grp, during, c.at, coalesce(sum(l.seats) FILTER (WHERE l.valid @> c.at), 0) AS active
            FROM rnd_months m
            CROSS JOIN LATERAL (SELECT at FROM rnd_points WHERE during @> at
                                UNION SELECT CASE WHEN lower_inc(during) THEN lower(during)
                                                  ELSE lower(during) + interval '1 microsecond' END) AS c
            CROSS JOIN (SELECT DISTINCT grp FROM rnd_licenses) AS gs
            JOIN rnd_licenses l USING (grp)
            GROUP BY grp, during, c.at) AS levels
      GROUP BY grp, during) AS p USING (grp, during);
-- Rollup of per-month-of-start summaries = the direct summary per group.
CREATE TABLE rnd_lic_parts AS
SELECT grp, date_trunc('month', coalesce(lower(valid), '2000-01-01')) AS part, license_agg(valid, seats) AS s
FROM rnd_licenses GROUP BY 1, 2;
SELECT count(*) AS groups, count(*) FILTER (WHERE r.s IS DISTINCT FROM d.s) AS mismatches
FROM rnd_lic_summaries d FULL JOIN (SELECT grp, rollup(s) AS s FROM rnd_lic_parts GROUP BY grp) AS r USING (grp);

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT grp, license_agg(valid, seats) FROM rnd_licenses GROUP BY grp;
SELECT plan_max('SELECT license_agg(valid, seats) FROM rnd_licenses', 'Workers Launched') > 0 AS ran_in_parallel;
CREATE TEMP TABLE parallel AS SELECT grp, license_agg(valid, seats) AS s FROM rnd_licenses GROUP BY grp;
CREATE TEMP TABLE parallel_all AS SELECT license_agg(valid, seats) AS s FROM rnd_licenses;
CREATE TEMP TABLE parallel_rollup AS SELECT rollup(s) AS s FROM rnd_lic_parts;
RESET ALL;
SET TimeZone = 'UTC';
SELECT count(*) AS groups, count(*) FILTER (WHERE p.s IS DISTINCT FROM d.s) AS mismatches
FROM rnd_lic_summaries d FULL JOIN parallel p USING (grp);
SELECT (SELECT s FROM parallel_all) = license_agg(valid, seats) AS parallel_equals_serial,
       (SELECT s FROM parallel_rollup) = license_agg(valid, seats) AS parallel_rollup_equals_serial
FROM rnd_licenses;
