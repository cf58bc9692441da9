-- Share rates of the customer family: fcr_rate, activation_rate, conversion_rate,
-- active_ratio(active). Hand values, edges, errors, random data vs plain SQL, parallel, windows.
SET TimeZone = 'UTC';

-- FCR: (t, t), (f, t), (f, f), (NULL, t), (t, NULL).
-- All tickets: 2 of 4 non-NULL flags are true -> 50. Resolved only: rows with both non-NULL and
-- resolved: (t,t), (f,t) -> 1 of 2 = 50; with (t,t) twice more -> 3 of 4 = 75.
SELECT fcr_rate(f) AS all_tickets, fcr_rate(f, r) AS resolved_only
FROM (VALUES (true, true), (false, true), (false, false), (NULL, true), (true, NULL)) AS t(f, r);
SELECT fcr_rate(f, r) FROM (VALUES (true, true), (true, true), (true, true), (false, true), (false, false)) AS t(f, r);
-- Only unresolved tickets: an empty denominator, NULL. Empty group and NULL-only group: NULL.
SELECT fcr_rate(f, r) FROM (VALUES (false, false)) AS t(f, r);
SELECT fcr_rate(f), fcr_rate(f, r) FROM (VALUES (NULL::boolean, NULL::boolean)) AS t(f, r);
SELECT fcr_rate(f), fcr_rate(f, r) FROM (VALUES (true, true)) AS t(f, r) WHERE false;
-- 22023: resolved on first contact but not resolved.
\set VERBOSITY sqlstate
SELECT fcr_rate(f, r) FROM (VALUES (true, false)) AS t(f, r);
\set VERBOSITY default
SELECT fcr_rate(f, r) FROM (VALUES (true, false)) AS t(f, r);

-- Activation within 14 days. Sign-ups on Jan 1: activated at exactly +14 days (counts),
-- +14 days and 1 microsecond (late), the same instant (counts), never (NULL, not yet).
-- 2 of 4 = 50. A NULL sign-up or NULL window skips the row.
SELECT activation_rate(s, a, interval '14 days') AS activation,
       conversion_rate(s, a, interval '14 days') AS conversion
FROM (VALUES (timestamptz '2025-01-01', timestamptz '2025-01-15'),
             ('2025-01-01', '2025-01-15 00:00:00.000001'),
             ('2025-01-01', '2025-01-01'),
             ('2025-01-01', NULL),
             (NULL, '2025-01-02')) AS t(s, a);
SELECT activation_rate(s, a, w) FROM (VALUES (timestamptz '2025-01-01', timestamptz '2025-01-02', NULL::interval)) AS t(s, a, w);
-- A window of 1 month from Jan 31 ends Feb 28 (timestamptz + interval): Feb 28 counts, Mar 1
-- does not -> 1 of 2.
SELECT activation_rate(s, a, interval '1 month')
FROM (VALUES (timestamptz '2025-01-31', timestamptz '2025-02-28'), ('2025-01-31', '2025-03-01')) AS t(s, a);
-- Days follow the session's time zone: across the DST change in New York, '1 day' after
-- 2025-03-08 12:00 is 23 hours later.
SET TimeZone = 'America/New_York';
SELECT activation_rate(s, a, interval '1 day') AS one_day, activation_rate(s, a, interval '24 hours') AS twenty_four_hours
FROM (VALUES (timestamptz '2025-03-08 12:00', timestamptz '2025-03-09 12:00:30')) AS t(s, a);
SET TimeZone = 'UTC';
-- A zero window counts only events at the start instant; infinite times behave as PostgreSQL's.
SELECT activation_rate(s, a, interval '0')
FROM (VALUES (timestamptz '2025-01-01', timestamptz '2025-01-01'), ('2025-01-01', '2025-01-01 00:00:01'),
             ('-infinity', '2025-01-01'), ('2025-01-01', 'infinity')) AS t(s, a);
-- 22023: an event before its start; a negative window.
\set VERBOSITY sqlstate
SELECT activation_rate(s, a, interval '14 days') FROM (VALUES (timestamptz '2025-01-02', timestamptz '2025-01-01')) AS t(s, a);
SELECT conversion_rate(s, a, interval '-1 day') FROM (VALUES (timestamptz '2025-01-01', timestamptz '2025-01-02')) AS t(s, a);
\set VERBOSITY default
SELECT activation_rate(s, a, interval '14 days') FROM (VALUES (timestamptz '2025-01-02', timestamptz '2025-01-01')) AS t(s, a);
SELECT conversion_rate(s, a, interval '-1 day') FROM (VALUES (timestamptz '2025-01-01', timestamptz '2025-01-02')) AS t(s, a);

-- active_ratio(active), one row per customer: NULL is a customer without an active user.
-- (t, f, NULL, t, t) -> 3 of 5 = 60. Only NULLs: 0 of 2 = 0. Empty: NULL.
SELECT active_ratio(a) FROM (VALUES (true), (false), (NULL), (true), (true)) AS t(a);
SELECT active_ratio(a) FROM (VALUES (NULL::boolean), (NULL)) AS t(a);
SELECT active_ratio(a) FROM (VALUES (true)) AS t(a) WHERE false;

-- The state: a share_state, readable as text.
SELECT share_accum_flag(share_accum_flag('{"version":1,"hits":0,"total":0}', true), false)::text;

---------------------------------------------------------------------------------------------
-- Random data vs plain SQL, serial and parallel.
---------------------------------------------------------------------------------------------
SELECT setseed(0.31);
CREATE TABLE rnd_tickets AS
SELECT g % 97 AS grp,
       CASE WHEN random() < 0.05 THEN NULL ELSE random() < 0.6 END AS resolved,
       random() < 0.4 AS fcr_raw,
       timestamptz '2025-01-01' + random() * interval '300 days' AS s,
       CASE WHEN random() < 0.2 THEN NULL ELSE random() * interval '40 days' END AS lag,
       (ARRAY[interval '7 days', interval '14 days', interval '1 month', interval '36 hours'])[1 + g % 4] AS w
FROM generate_series(1, 20000) AS g;
-- fcr only where resolved (a first-contact fix is a resolution); NULL flags now and then.
ALTER TABLE rnd_tickets ADD COLUMN fcr boolean;
UPDATE rnd_tickets SET fcr = CASE WHEN random() < 0.03 THEN NULL ELSE fcr_raw AND coalesce(resolved, true) END;
ANALYZE rnd_tickets;

CREATE FUNCTION rates_extension() RETURNS TABLE (grp int, kpi text, value float8) LANGUAGE sql AS $$
    SELECT grp, k, v FROM (
        SELECT grp, fcr_rate(fcr) AS fcr_all, fcr_rate(fcr, resolved) AS fcr_resolved,
               activation_rate(s, s + lag, w) AS activation, conversion_rate(s, s + lag, w) AS conversion,
               active_ratio(resolved) AS active
        FROM rnd_tickets GROUP BY grp) AS r,
    LATERAL (VALUES ('fcr_all', fcr_all), ('fcr_resolved', fcr_resolved), ('activation', activation),
                    ('conversion', conversion), ('active', active)) AS kv(k, v)
$$;
CREATE FUNCTION rates_plain_sql() RETURNS TABLE (grp int, kpi text, value float8) LANGUAGE sql AS $$
    SELECT grp, k, v FROM (
        SELECT grp,
               (100.0 * count(*) FILTER (WHERE fcr) / nullif(count(fcr), 0))::float8 AS fcr_all,
               (100.0 * count(*) FILTER (WHERE fcr AND resolved)
                  / nullif(count(*) FILTER (WHERE resolved AND fcr IS NOT NULL), 0))::float8 AS fcr_resolved,
               (100.0 * count(*) FILTER (WHERE s + lag <= s + w) / nullif(count(*), 0))::float8 AS activation,
               (100.0 * count(*) FILTER (WHERE s + lag <= s + w) / nullif(count(*), 0))::float8 AS conversion,
               (100.0 * count(*) FILTER (WHERE resolved) / count(*))::float8 AS active
        FROM rnd_tickets GROUP BY grp) AS r,
    LATERAL (VALUES ('fcr_all', fcr_all), ('fcr_resolved', fcr_resolved), ('activation', activation),
                    ('conversion', conversion), ('active', active)) AS kv(k, v)
$$;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial AS SELECT * FROM rates_extension();
CREATE TEMP TABLE plain AS SELECT * FROM rates_plain_sql();
SELECT kpi, count(*) AS groups,
       count(*) FILTER (WHERE s.value IS DISTINCT FROM p.value
                          AND coalesce(abs(s.value - p.value) > 1e-9 * greatest(1, abs(p.value)), true)) AS mismatches
FROM serial s FULL JOIN plain p USING (grp, kpi)
GROUP BY kpi ORDER BY kpi;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF)
SELECT grp, fcr_rate(fcr), fcr_rate(fcr, resolved), activation_rate(s, s + lag, w), active_ratio(resolved)
FROM rnd_tickets GROUP BY grp;
SELECT plan_max('SELECT grp, fcr_rate(fcr), activation_rate(s, s + lag, w) FROM rnd_tickets GROUP BY grp',
                'Workers Launched') > 0 AS ran_in_parallel;
CREATE TEMP TABLE parallel AS SELECT * FROM rates_extension();
SELECT count(*) AS compared, count(*) FILTER (WHERE s.value IS DISTINCT FROM p.value) AS mismatches
FROM serial s FULL JOIN parallel p USING (grp, kpi);
RESET ALL;
SET TimeZone = 'UTC';

---------------------------------------------------------------------------------------------
-- Window frames (moving mode) equal the frame recomputed for every row.
---------------------------------------------------------------------------------------------
CREATE TABLE win_tickets AS SELECT row_number() OVER (ORDER BY s) AS id, * FROM rnd_tickets WHERE grp < 20;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE w.fcr_all IS DISTINCT FROM r.fcr_all AND coalesce(abs(w.fcr_all - r.fcr_all) > 1e-9, true)) AS fcr_all_mismatches,
       count(*) FILTER (WHERE w.fcr_res IS DISTINCT FROM r.fcr_res AND coalesce(abs(w.fcr_res - r.fcr_res) > 1e-9, true)) AS fcr_resolved_mismatches,
       count(*) FILTER (WHERE w.act IS DISTINCT FROM r.act AND coalesce(abs(w.act - r.act) > 1e-9, true)) AS activation_mismatches,
       count(*) FILTER (WHERE w.active IS DISTINCT FROM r.active AND coalesce(abs(w.active - r.active) > 1e-9, true)) AS active_mismatches
FROM (
    SELECT id, fcr_rate(fcr) OVER f AS fcr_all, fcr_rate(fcr, resolved) OVER f AS fcr_res,
           conversion_rate(s, s + lag, w) OVER f AS act, active_ratio(resolved) OVER f AS active
    FROM win_tickets WINDOW f AS (ORDER BY id ROWS BETWEEN 49 PRECEDING AND CURRENT ROW)
) AS w
JOIN LATERAL (
    SELECT (100.0 * count(*) FILTER (WHERE fcr) / nullif(count(fcr), 0))::float8 AS fcr_all,
           (100.0 * count(*) FILTER (WHERE fcr AND resolved)
              / nullif(count(*) FILTER (WHERE resolved AND fcr IS NOT NULL), 0))::float8 AS fcr_res,
           (100.0 * count(*) FILTER (WHERE s + lag <= s + w) / nullif(count(*), 0))::float8 AS act,
           (100.0 * count(*) FILTER (WHERE resolved) / count(*))::float8 AS active
    FROM win_tickets b WHERE b.id BETWEEN w.id - 49 AND w.id
) AS r ON true;
