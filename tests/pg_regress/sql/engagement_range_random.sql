-- Engagement reports over a caller's range, the people behind the counts, and more cohorts,
-- on random events, against independent plain-SQL formulations (count(DISTINCT), joins on
-- date_trunc periods): lifecycle() and daily_activity_kpis() over ranges before, inside,
-- across and after the data (every period reported, padded, history before the range
-- counted); active_days() padded to the range; lifecycle_status() and was_active() per user
-- for bigint, text and uuid keys; retention() by recurring and by sign-up cohorts.
SET TimeZone = 'UTC';
SELECT setseed(0.23);
-- 600 users over 60 days (2025-01-01 to 2025-03-01), users 601-650 never active.
CREATE TABLE er AS
SELECT (1 + floor(random() * 600))::bigint AS u,
       timestamptz '2025-01-01' + random() * interval '60 days' AS t
FROM generate_series(1, 9000) AS i;
CREATE TABLE er_local AS SELECT DISTINCT (t AT TIME ZONE 'UTC')::date AS ld, u FROM er;
ANALYZE er_local;
CREATE TABLE er_s AS
SELECT activity_agg(u, t, 'UTC') AS sb, activity_agg(u::text, t, 'UTC') AS st,
       activity_agg(md5(u::text)::uuid, t, 'UTC') AS su,
       activity_agg(u + 10000000000, t, 'UTC') AS sbig  -- keys far from 0: a dictionary
FROM er;
SELECT min(ld), max(ld), count(DISTINCT u) AS users FROM er_local;

CREATE TABLE er_ranges (f date, t date);
INSERT INTO er_ranges VALUES
    ('2025-01-01', '2025-03-01'),  -- the data's own days
    ('2025-01-20', '2025-02-10'),  -- inside: the history before counts
    ('2025-02-15', '2025-04-10'),  -- trailing: dormant users after the data, then zeros
    ('2024-12-01', '2025-01-15'),  -- leading: zeros before the data
    ('2024-11-01', '2025-05-31'),  -- across both ends
    ('2025-03-02', '2025-03-31'),  -- after the data
    ('2024-10-01', '2024-10-31');  -- before the data

-- lifecycle: plain SQL over (user, period) pairs.
CREATE FUNCTION pg_temp.plain_lifecycle(grain text, step interval, f date, t date)
RETURNS TABLE(period date, new_users bigint, returning_users bigint, resurrecting_users bigint, dormant_users bigint)
LANGUAGE sql AS $$
  WITH up AS (SELECT DISTINCT u, date_trunc(grain, ld)::date AS p FROM er_local),
       fp AS (SELECT u, min(p) AS f FROM up GROUP BY u),
       ps AS (SELECT generate_series(date_trunc(grain, f), date_trunc(grain, t), step)::date AS p)
  SELECT ps.p,
         (SELECT count(*) FROM up JOIN fp USING (u) WHERE up.p = ps.p AND fp.f = ps.p),
         (SELECT count(*) FROM up JOIN up AS b ON b.u = up.u AND b.p = (ps.p - step)::date WHERE up.p = ps.p),
         (SELECT count(*) FROM up JOIN fp USING (u) WHERE up.p = ps.p AND fp.f < ps.p
                 AND NOT EXISTS (SELECT FROM up AS b WHERE b.u = up.u AND b.p = (ps.p - step)::date)),
         (SELECT count(*) FROM up AS b WHERE b.p = (ps.p - step)::date
                 AND NOT EXISTS (SELECT FROM up WHERE up.u = b.u AND up.p = ps.p))
  FROM ps
$$;
SELECT g.grain, count(*) AS periods, count(*) FILTER (WHERE e IS DISTINCT FROM p) AS mismatches
FROM er_s, er_ranges,
     (VALUES ('day', interval '1 day'), ('week', interval '1 week'), ('month', interval '1 month')) AS g(grain, step),
     LATERAL (SELECT * FROM lifecycle(sb, g.grain, f, t)) AS e
     FULL JOIN LATERAL (SELECT * FROM pg_temp.plain_lifecycle(g.grain, g.step, f, t)) AS p USING (period)
GROUP BY g.grain ORDER BY g.grain;
-- Every period of the range is a row, and a trailing period shows the dormant users.
SELECT count(*) AS weeks, min(period), max(period), sum(dormant_users) FILTER (WHERE period > '2025-03-01') AS dormant_after
FROM lifecycle((SELECT sb FROM er_s), 'week', '2025-02-15', '2025-04-10');
-- Text, uuid and dictionary keys give the same rows.
SELECT count(*) AS differing FROM er_s, er_ranges,
       LATERAL (SELECT * FROM lifecycle(st, 'week', f, t) EXCEPT SELECT * FROM lifecycle(sb, 'week', f, t)
                UNION ALL SELECT * FROM lifecycle(su, 'month', f, t) EXCEPT SELECT * FROM lifecycle(sb, 'month', f, t)
                UNION ALL SELECT * FROM lifecycle(sbig, 'day', f, t) EXCEPT SELECT * FROM lifecycle(sb, 'day', f, t)) AS d;

-- daily_activity_kpis over a range: every day, windows reaching back before it.
SELECT count(*) AS days,
       count(*) FILTER (WHERE (k.dau, k.wau, k.mau) IS DISTINCT FROM (p.dau, p.wau, p.mau)
                        OR k.stickiness IS DISTINCT FROM 100 * p.dau::float8 / nullif(p.mau, 0)) AS mismatches
FROM er_s, er_ranges, LATERAL daily_activity_kpis(sb, f, t) AS k
FULL JOIN LATERAL (
    SELECT d::date AS day,
           (SELECT count(DISTINCT u) FROM er_local WHERE ld = d::date) AS dau,
           (SELECT count(DISTINCT u) FROM er_local WHERE ld BETWEEN d::date - 6 AND d::date) AS wau,
           (SELECT count(DISTINCT u) FROM er_local WHERE ld BETWEEN d::date - 29 AND d::date) AS mau
    FROM generate_series(f, t, interval '1 day') AS d) AS p USING (day);

-- active_days padded: one row per k from 1 to the range's length.
SELECT f, t, count(*) AS ks, count(*) = t - f + 1 AS one_row_per_day_of_range,
       count(*) FILTER (WHERE a.users <> coalesce(p.users, 0)) AS mismatches
FROM er_s, er_ranges, LATERAL active_days(sb, f, t) AS a
LEFT JOIN LATERAL (SELECT n, count(*) AS users
                   FROM (SELECT u, count(*)::int AS n FROM er_local WHERE ld BETWEEN f AND t GROUP BY u) AS c
                   GROUP BY n) AS p ON p.n = a.days
GROUP BY f, t ORDER BY f, t;

-- lifecycle_status per user (1-650: some never active) and period, for every key type.
CREATE FUNCTION pg_temp.plain_status(uid bigint, grain text, step interval, d date) RETURNS text
LANGUAGE sql AS $$
  WITH up AS (SELECT DISTINCT date_trunc(grain, ld)::date AS p FROM er_local WHERE u = uid),
       cur AS (SELECT date_trunc(grain, d)::date AS p)
  SELECT CASE WHEN EXISTS (SELECT FROM up, cur WHERE up.p = cur.p) THEN
                CASE WHEN EXISTS (SELECT FROM up, cur WHERE up.p = (cur.p - step)::date) THEN 'returning'
                     WHEN EXISTS (SELECT FROM up, cur WHERE up.p < cur.p) THEN 'resurrecting'
                     ELSE 'new' END
              WHEN EXISTS (SELECT FROM up, cur WHERE up.p = (cur.p - step)::date) THEN 'dormant' END
$$;
CREATE TABLE er_status AS
SELECT u, g.grain, d::date AS d, pg_temp.plain_status(u, g.grain, g.step, d::date) AS want
FROM generate_series(1, 650) AS u,
     (VALUES ('day', interval '1 day'), ('week', interval '1 week'), ('month', interval '1 month')) AS g(grain, step),
     (VALUES (date '2024-12-31'), ('2025-01-01'), ('2025-01-14'), ('2025-02-03'), ('2025-03-01'), ('2025-03-02'), ('2025-03-10'), ('2025-04-01')) AS ds(d)
ORDER BY grain, d, u;  -- rows of one period together: each function reads the summary once per period
SELECT grain, count(*) AS compared,
       count(*) FILTER (WHERE lifecycle_status(sb, u, grain, d) IS DISTINCT FROM want) AS bigint_mismatches,
       count(*) FILTER (WHERE lifecycle_status(st, u::text, grain, d) IS DISTINCT FROM want) AS text_mismatches,
       count(*) FILTER (WHERE lifecycle_status(su, md5(u::text)::uuid, grain, d) IS DISTINCT FROM want) AS uuid_mismatches,
       count(*) FILTER (WHERE lifecycle_status(sbig, u + 10000000000, grain, d) IS DISTINCT FROM want) AS dictionary_mismatches
FROM er_s, (SELECT * FROM er_status ORDER BY grain, d, u OFFSET 0) AS st GROUP BY grain ORDER BY grain;
-- Every status occurs, and NULL for users active in neither period.
SELECT want, count(*) > 0 AS seen FROM er_status GROUP BY want ORDER BY want;
-- The people behind a count: the dormant users of a week are lifecycle()'s dormant_users.
SELECT (SELECT count(*) FROM generate_series(1, 650) AS u
        WHERE lifecycle_status((SELECT sb FROM er_s), u, 'week', '2025-02-03') = 'dormant') AS listed,
       (SELECT dormant_users FROM lifecycle((SELECT sb FROM er_s), 'week', '2025-02-03', '2025-02-03')) AS counted;

-- was_active per user over ranges (infinite bounds allowed: they only bound the range).
SELECT count(*) AS compared,
       count(*) FILTER (WHERE was_active(sb, u, f, t) <> EXISTS (SELECT FROM er_local l WHERE l.u = x.u AND l.ld BETWEEN f AND t)
                           OR was_active(st, u::text, f, t) <> was_active(sb, u, f, t)
                           OR was_active(su, md5(u::text)::uuid, f, t) <> was_active(sb, u, f, t)) AS mismatches,
       count(*) FILTER (WHERE was_active(sb, u, f, t)) AS active
FROM er_s, (SELECT f, t, u FROM (SELECT f, t FROM er_ranges UNION ALL VALUES (date '-infinity', date '2025-01-10'), ('2025-02-25', 'infinity')) AS r,
                  generate_series(1, 650) AS u ORDER BY f, t, u OFFSET 0) AS x;

-- retention by recurring cohorts: the cohort of a period is every user active in it.
CREATE FUNCTION pg_temp.plain_recurring(grain text, step interval, periods int)
RETURNS TABLE(cohort date, period_number integer, cohort_size bigint, retained bigint, retention_percent double precision)
LANGUAGE sql AS $$
  WITH up AS (SELECT DISTINCT u, date_trunc(grain, ld)::date AS p FROM er_local),
       sizes AS (SELECT p, count(*) AS n FROM up GROUP BY p),
       cells AS (SELECT s.p, n, k FROM sizes s, generate_series(0, periods) AS k
                 WHERE s.p + k * step <= (SELECT max(p) FROM up))
  SELECT c.p, c.k, c.n, count(b.u), 100.0 * count(b.u) / c.n
  FROM cells c LEFT JOIN up a ON a.p = c.p
       LEFT JOIN up b ON b.u = a.u AND b.p = (c.p + c.k * step)::date
  GROUP BY c.p, c.k, c.n
$$;
SELECT g.grain, count(*) AS cells, count(*) FILTER (WHERE e IS DISTINCT FROM p) AS mismatches
FROM er_s, (VALUES ('day', interval '1 day'), ('week', interval '1 week'), ('month', interval '1 month')) AS g(grain, step),
     LATERAL (SELECT * FROM retention(sb, g.grain, 6, 'recurring')) AS e
     FULL JOIN LATERAL (SELECT * FROM pg_temp.plain_recurring(g.grain, g.step, 6)) AS p USING (cohort, period_number)
GROUP BY g.grain ORDER BY g.grain;
-- 'first_active' is retention(s, grain, periods); text keys agree.
SELECT (SELECT count(*) FROM (SELECT * FROM retention(sb, 'week', 5, 'first_active') EXCEPT SELECT * FROM retention(sb, 'week', 5)) AS a)
     + (SELECT count(*) FROM (SELECT * FROM retention(sb, 'week', 5) EXCEPT SELECT * FROM retention(sb, 'week', 5, 'FIRST_ACTIVE')) AS b)
     + (SELECT count(*) FROM (SELECT * FROM retention(st, 'week', 5, 'recurring') EXCEPT SELECT * FROM retention(sb, 'week', 5, 'recurring')) AS c)
       AS differing
FROM er_s;

-- retention by sign-up cohorts: 650 users signed up from 2024-12-12 to 2025-02-19 (50 never
-- active count in their cohort's size).
CREATE TABLE er_signups AS
SELECT u, timestamptz '2024-12-12' + random() * interval '70 days' AS signed_up_at FROM generate_series(1, 650) AS u;
CREATE FUNCTION pg_temp.plain_signup(grain text, step interval, periods int)
RETURNS TABLE(cohort date, period_number integer, cohort_size bigint, retained bigint, retention_percent double precision)
LANGUAGE sql AS $$
  WITH sc AS (SELECT u, date_trunc(grain, (signed_up_at AT TIME ZONE 'UTC')::date)::date AS c FROM er_signups),
       up AS (SELECT DISTINCT u, date_trunc(grain, ld)::date AS p FROM er_local),
       lastp AS (SELECT greatest((SELECT max(c) FROM sc), (SELECT max(p) FROM up)) AS l),
       sizes AS (SELECT c, count(*) AS n FROM sc GROUP BY c),
       cells AS (SELECT s.c, n, k FROM sizes s, lastp, generate_series(0, periods) AS k WHERE s.c + k * step <= lastp.l)
  SELECT x.c, x.k, x.n, count(up.u), 100.0 * count(up.u) / x.n
  FROM cells x JOIN sc ON sc.c = x.c LEFT JOIN up ON up.u = sc.u AND up.p = (x.c + x.k * step)::date
  GROUP BY x.c, x.k, x.n
$$;
CREATE TABLE er_cohorts AS
SELECT activity_agg(u, signed_up_at, 'UTC') AS cb, activity_agg(u::text, signed_up_at, 'UTC') AS ct,
       activity_agg(u + 10000000000, signed_up_at, 'UTC') AS cbig FROM er_signups;
SELECT g.grain, count(*) AS cells, sum(e.cohort_size) FILTER (WHERE e.period_number = 0) AS signed_up,
       count(*) FILTER (WHERE e IS DISTINCT FROM p) AS mismatches
FROM er_s, er_cohorts,
     (VALUES ('day', interval '1 day'), ('week', interval '1 week'), ('month', interval '1 month')) AS g(grain, step),
     LATERAL (SELECT * FROM retention(cb, sb, g.grain, 4)) AS e
     FULL JOIN LATERAL (SELECT * FROM pg_temp.plain_signup(g.grain, g.step, 4)) AS p USING (cohort, period_number)
GROUP BY g.grain ORDER BY g.grain;
SELECT (SELECT count(*) FROM (SELECT * FROM retention(ct, st, 'week', 4) EXCEPT SELECT * FROM retention(cb, sb, 'week', 4)) AS a)
     + (SELECT count(*) FROM (SELECT * FROM retention(cbig, sbig, 'week', 4) EXCEPT SELECT * FROM retention(cb, sb, 'week', 4)) AS b)
     + (SELECT count(*) FROM (SELECT * FROM retention(cb, sbig, 'week', 4) EXCEPT SELECT * FROM retention(cbig, sb, 'week', 4)) AS c)
       AS differing_key_forms
FROM er_s, er_cohorts;

-- Bad arguments: 22023 each.
SELECT * FROM lifecycle((SELECT sb FROM er_s), 'week', '2025-03-01', '2025-02-01');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM lifecycle((SELECT sb FROM er_s), 'week', NULL, '2025-02-01');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM lifecycle((SELECT sb FROM er_s), NULL, '2025-01-01', '2025-02-01');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM daily_activity_kpis((SELECT sb FROM er_s), '2025-01-01', 'infinity');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM active_days((SELECT sb FROM er_s), '2025-03-01', '2025-02-01');
\echo :LAST_ERROR_SQLSTATE
SELECT lifecycle_status(sb, 1, 'week', 'infinity') FROM er_s;
\echo :LAST_ERROR_SQLSTATE
SELECT lifecycle_status(st, 1, 'week', '2025-01-01') FROM er_s;
\echo :LAST_ERROR_SQLSTATE
SELECT was_active(sb, 1, '2025-02-01', '2025-01-01') FROM er_s;
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM retention((SELECT sb FROM er_s), 'week', 4, 'signup');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM retention((SELECT ct FROM er_cohorts), (SELECT sb FROM er_s), 'week', 4);
\echo :LAST_ERROR_SQLSTATE
-- A NULL summary: no rows; an empty range of data: zeros.
SELECT count(*) AS no_rows FROM lifecycle(NULL, 'week', '2025-01-01', '2025-02-01');
SELECT * FROM daily_activity_kpis((SELECT activity_agg(1, timestamptz '2025-01-01', 'UTC')), '2025-03-01', '2025-03-02');
DROP TABLE er, er_local, er_s, er_ranges, er_status, er_signups, er_cohorts;
