-- Lifecycle, retention and daily activity against independent plain-SQL formulations
-- (tests/reference/kpis.sql), written from the definitions alone.
\set ECHO none
\set QUIET on
\i tests/reference/kpis.sql
\set QUIET off
\set ECHO all

-- 600 users over 200 days, each active on a share of days of its own; local days in UTC.
SELECT setseed(0.8);
CREATE TABLE ref_activity AS
SELECT DISTINCT u AS key, date '2025-01-01' + d AS day
FROM generate_series(1, 600) AS u, generate_series(0, 199) AS d
WHERE random() < (u % 10) / 40.0 + (CASE WHEN d % 7 IN (5, 6) THEN 0 ELSE 0.02 END);
SELECT count(*) AS user_days, count(DISTINCT key) AS users FROM ref_activity;
CREATE TABLE ref_summary AS
SELECT activity_agg(key::bigint, (day + time '12:00') AT TIME ZONE 'UTC', 'UTC') AS s FROM ref_activity;

CREATE FUNCTION pg_temp.close(a float8, b float8) RETURNS boolean LANGUAGE sql
    AS $$ SELECT (a IS NULL AND b IS NULL) OR abs(a - b) <= 1e-12 * greatest(1, abs(b)) $$;

SELECT count(*) AS days,
       count(*) FILTER (WHERE (e.dau, e.wau, e.mau) IS DISTINCT FROM (r.dau, r.wau, r.mau)
                           OR NOT pg_temp.close(e.stickiness, r.stickiness)) AS mismatches
FROM daily_activity_kpis((SELECT s FROM ref_summary)) AS e
FULL JOIN ref.daily_activity('ref_activity') AS r USING (day);

SELECT g.grain, g.report_from, count(*) AS periods,
       count(*) FILTER (WHERE row(e.*) IS DISTINCT FROM row(r.*)) AS mismatches
FROM (VALUES ('day', NULL::date), ('week', NULL), ('month', NULL), ('week', date '2025-03-03'),
             ('month', date '2025-04-01')) AS g(grain, report_from),
LATERAL (SELECT e.* FROM ref_summary,
         LATERAL (SELECT * FROM lifecycle(s, g.grain) WHERE g.report_from IS NULL
                  UNION ALL
                  SELECT * FROM lifecycle(s, g.grain, g.report_from) WHERE g.report_from IS NOT NULL) AS e) AS e
FULL JOIN LATERAL (SELECT * FROM ref.lifecycle('ref_activity', g.grain, g.report_from)) AS r
    ON r.period = e.period
GROUP BY 1, 2 ORDER BY 1, 2;

SELECT g.grain, g.periods, count(*) AS rows,
       count(*) FILTER (WHERE (e.cohort_size, e.retained) IS DISTINCT FROM (r.cohort_size, r.retained)
                           OR NOT pg_temp.close(e.retention_percent, r.retention_percent)) AS mismatches
FROM (VALUES ('day', 10), ('week', 8), ('week_sunday', 8), ('month', 5)) AS g(grain, periods),
LATERAL (SELECT e.* FROM ref_summary, retention(s, g.grain, g.periods) AS e) AS e
FULL JOIN LATERAL (SELECT * FROM ref.retention('ref_activity', g.grain, g.periods)) AS r
    ON (r.cohort, r.period_number) = (e.cohort, e.period_number)
GROUP BY 1, 2 ORDER BY 1, 2;
DROP TABLE ref_activity, ref_summary;
DROP SCHEMA ref CASCADE;
