-- Random data: every aggregate equals an independent plain-SQL formulation, serial equals
-- forced-parallel, and rolling up per-day summaries equals aggregating the raw rnd_answers.
SELECT setseed(0.17);
-- 300 groups of 1 to 400 rnd_answers, about 5% of them NULL, spread over 20 days.
CREATE TABLE rnd_answers AS
SELECT g AS grp,
       (random() * 19)::int AS day,
       CASE WHEN random() < 0.05 THEN NULL ELSE floor(random() * 11)::int END AS score
FROM generate_series(1, 300) AS g,
     LATERAL generate_series(1, 1 + (g * 7919) % 400) AS i;
ANALYZE rnd_answers;
SELECT count(*) AS answers, count(DISTINCT grp) AS groups, count(*) - count(score) AS nulls FROM rnd_answers;

-- Results of the extension and of plain SQL side by side, per group.
CREATE FUNCTION kpis_extension() RETURNS TABLE (grp int, kpi text, value float8) LANGUAGE sql AS $$
    SELECT grp, k, v FROM (
        SELECT grp, nps(score) AS nps, nps_margin(survey_agg(score)) AS margin,
               csat(1 + score % 5) AS csat, csat(1 + score % 10, 8, 10) AS csat10,
               ces(1 + score % 7) AS ces, ces(1 + score % 5, 5) AS ces5,
               mean_score(survey_agg(score)) AS mean, responses(survey_agg(score))::float8 AS n
        FROM rnd_answers GROUP BY grp) AS r,
    LATERAL (VALUES ('nps', nps), ('margin', margin), ('csat', csat), ('csat10', csat10),
                    ('ces', ces), ('ces5', ces5), ('mean', mean), ('n', n)) AS kv(k, v)
$$;
CREATE FUNCTION kpis_plain_sql() RETURNS TABLE (grp int, kpi text, value float8) LANGUAGE sql AS $$
    SELECT grp, k, v FROM (
        SELECT grp,
               (100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6))
                  / count(score))::float8 AS nps,
               CASE WHEN count(score) >= 2 THEN 1.959963984540054 * 100
                    * sqrt(var_pop(CASE WHEN score IS NULL THEN NULL WHEN score >= 9 THEN 1 WHEN score <= 6 THEN -1 ELSE 0 END)
                           / count(score)) END AS margin,
               (100.0 * count(*) FILTER (WHERE 1 + score % 5 >= 4) / count(score))::float8 AS csat,
               (100.0 * count(*) FILTER (WHERE 1 + score % 10 >= 8) / count(score))::float8 AS csat10,
               avg(1 + score % 7)::float8 AS ces, avg(1 + score % 5)::float8 AS ces5,
               avg(score)::float8 AS mean, count(score)::float8 AS n
        FROM rnd_answers GROUP BY grp) AS r,
    LATERAL (VALUES ('nps', nps), ('margin', margin), ('csat', csat), ('csat10', csat10),
                    ('ces', ces), ('ces5', ces5), ('mean', mean), ('n', n)) AS kv(k, v)
$$;

-- Serial run of the extension.
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial AS SELECT * FROM kpis_extension();
CREATE TEMP TABLE plain AS SELECT * FROM kpis_plain_sql();
SELECT kpi, count(*) AS groups,
       count(*) FILTER (WHERE abs(s.value - p.value) > 1e-9 * greatest(1, abs(p.value))
                           OR (s.value IS NULL) <> (p.value IS NULL)) AS mismatches
FROM serial s FULL JOIN plain p USING (grp, kpi)
GROUP BY kpi ORDER BY kpi;

-- Forced parallel: the plan has Partial Aggregate under Gather, and the rnd_answers are the same.
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF)
SELECT grp, nps(score), survey_agg(score), csat(1 + score % 5), csat(1 + score % 10, 8, 10),
       ces(1 + score % 7), ces(1 + score % 5, 5)
FROM rnd_answers GROUP BY grp;
-- The largest value of an EXPLAIN ANALYZE property over the plan's nodes.
SELECT plan_max('SELECT grp, nps(score) FROM rnd_answers GROUP BY grp', 'Workers Launched') > 0
       AS ran_in_parallel;
CREATE TEMP TABLE parallel AS SELECT * FROM kpis_extension();
SELECT count(*) AS compared,
       count(*) FILTER (WHERE s.value IS DISTINCT FROM p.value) AS mismatches
FROM serial s FULL JOIN parallel p USING (grp, kpi);
-- Ungrouped, parallel: every answer in one group.
EXPLAIN (COSTS OFF) SELECT nps(score) FROM rnd_answers;
SELECT nps(score) = (SELECT (100.0 * (count(*) FILTER (WHERE score >= 9)
                                     - count(*) FILTER (WHERE score <= 6)) / count(score))::float8
                     FROM rnd_answers) AS parallel_equals_plain
FROM rnd_answers;
-- survey_agg in parallel returns the same summary as serially.
CREATE TEMP TABLE parallel_summaries AS SELECT grp, survey_agg(score)::text AS s FROM rnd_answers GROUP BY grp;
RESET enable_hashagg;
SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS mismatches
FROM parallel_summaries p JOIN (SELECT grp, survey_agg(score)::text AS s FROM rnd_answers GROUP BY grp) AS q USING (grp)
WHERE p.s <> q.s;

-- Two-step: per-(group, day) summaries rolled up per group equal the direct rnd_answers, for
-- every accessor, serially and in parallel.
CREATE TABLE rnd_daily AS SELECT grp, day, survey_agg(score) AS summary FROM rnd_answers GROUP BY grp, day;
CREATE TEMP TABLE direct AS SELECT grp, survey_agg(score)::text AS s FROM rnd_answers GROUP BY grp;
SELECT count(*) AS groups, count(*) FILTER (WHERE r.s IS DISTINCT FROM d.s) AS mismatches
FROM direct d FULL JOIN (SELECT grp, rollup(summary)::text AS s FROM rnd_daily GROUP BY grp) AS r USING (grp);
-- Every KPI read from rolled-up per-day summaries equals the one-step aggregate on the raw
-- answers: one summary per scale, read with the matching accessor.
CREATE TABLE rnd_daily_scales AS
SELECT grp, day, survey_agg(1 + score % 5) AS five, survey_agg(1 + score % 7) AS seven,
       survey_agg(1 + score % 10) AS ten
FROM rnd_answers GROUP BY grp, day;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE r.csat IS DISTINCT FROM d.csat) AS csat_mismatches,
       count(*) FILTER (WHERE r.csat10 IS DISTINCT FROM d.csat10) AS csat10_mismatches,
       count(*) FILTER (WHERE r.ces IS DISTINCT FROM d.ces) AS ces_mismatches,
       count(*) FILTER (WHERE r.ces5 IS DISTINCT FROM d.ces5) AS ces5_mismatches
FROM (SELECT grp, csat(rollup(five)) AS csat, csat(rollup(ten), 8) AS csat10,
             ces(rollup(seven)) AS ces, ces(rollup(five)) AS ces5
      FROM rnd_daily_scales GROUP BY grp) AS r
FULL JOIN (SELECT grp, csat(1 + score % 5) AS csat, csat(1 + score % 10, 8, 10) AS csat10,
                  ces(1 + score % 7) AS ces, ces(1 + score % 5, 5) AS ces5
           FROM rnd_answers GROUP BY grp) AS d USING (grp);
SET max_parallel_workers_per_gather = 2;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT grp, rollup(summary) FROM rnd_daily GROUP BY grp;
SELECT count(*) AS groups, count(*) FILTER (WHERE r.s IS DISTINCT FROM d.s) AS mismatches
FROM direct d FULL JOIN (SELECT grp, rollup(summary)::text AS s FROM rnd_daily GROUP BY grp) AS r USING (grp);
RESET ALL;

-- Per-shard states moved through text and binary, then combined, equal the whole (the path
-- Citus takes for a distributed aggregate: partial states shipped as text, combined centrally).
CREATE TABLE shard_states AS
SELECT day % 4 AS shard, survey_agg(score)::text AS as_text
FROM rnd_answers GROUP BY day % 4;
SELECT rollup(as_text::survey_summary)::text = (SELECT survey_agg(score)::text FROM rnd_answers) AS text_path_ok
FROM shard_states;

-- Hash aggregation over more groups than work_mem holds spills to disk and finishes the spilled
-- groups later; the in-place states must come out the same as with sorted grouping.
SET work_mem = '64kB';
SET enable_sort = off;
SET max_parallel_workers_per_gather = 0;
EXPLAIN (COSTS OFF) SELECT (grp * 1000 + day) AS k, nps(score) FROM rnd_answers GROUP BY 1;
CREATE TEMP TABLE hashed AS
SELECT grp * 1000 + day AS k, nps(score) AS nps, survey_agg(score)::text AS s FROM rnd_answers GROUP BY 1;
SELECT plan_max('SELECT grp * 1000 + day, nps(score) FROM rnd_answers GROUP BY 1', 'HashAgg Batches') > 1
       AS spilled_to_disk,
       (SELECT count(*) FROM hashed) AS groups;
RESET ALL;
SET enable_hashagg = off;
SELECT count(*) AS mismatches
FROM hashed h FULL JOIN (SELECT grp * 1000 + day AS k, nps(score) AS nps, survey_agg(score)::text AS s
                         FROM rnd_answers GROUP BY 1) AS g USING (k)
WHERE h.nps IS DISTINCT FROM g.nps OR h.s IS DISTINCT FROM g.s;
RESET ALL;
