-- Window frames (moving-aggregate mode) equal the same frame recomputed for every row.
SELECT setseed(0.5);
CREATE TABLE win_answers AS
SELECT i AS id,
       timestamptz '2025-01-01 00:00+00' + (i * interval '37 minutes') + random() * interval '30 minutes' AS at,
       CASE WHEN random() < 0.05 THEN NULL ELSE floor(random() * 11)::int END AS score
FROM generate_series(1, 3000) AS i;

-- ROWS frame: each row's value against a recomputation over ids id-99 .. id.
SELECT count(*) AS rows,
       count(*) FILTER (WHERE w.nps IS DISTINCT FROM r.nps AND abs(w.nps - r.nps) > 1e-9) AS nps_mismatches,
       count(*) FILTER (WHERE w.csat IS DISTINCT FROM r.csat AND abs(w.csat - r.csat) > 1e-9) AS csat_mismatches,
       count(*) FILTER (WHERE w.ces IS DISTINCT FROM r.ces AND abs(w.ces - r.ces) > 1e-9) AS ces_mismatches,
       count(*) FILTER (WHERE w.csat10 IS DISTINCT FROM r.csat10 AND abs(w.csat10 - r.csat10) > 1e-9) AS csat10_mismatches,
       count(*) FILTER (WHERE w.ces5 IS DISTINCT FROM r.ces5 AND abs(w.ces5 - r.ces5) > 1e-9) AS ces5_mismatches,
       count(*) FILTER (WHERE w.summary IS DISTINCT FROM r.summary) AS summary_mismatches
FROM (
    SELECT id,
           nps(score) OVER w AS nps, csat(1 + score % 5) OVER w AS csat, ces(1 + score % 7) OVER w AS ces,
           csat(1 + score % 10, 8, 10) OVER w AS csat10, ces(1 + score % 5, 5) OVER w AS ces5,
           (survey_agg(score) OVER w)::text AS summary
    FROM win_answers
    WINDOW w AS (ORDER BY id ROWS BETWEEN 99 PRECEDING AND CURRENT ROW)
) AS w
JOIN LATERAL (
    SELECT (100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6))
              / nullif(count(score), 0))::float8 AS nps,
           (100.0 * count(*) FILTER (WHERE 1 + score % 5 >= 4) / nullif(count(score), 0))::float8 AS csat,
           avg(1 + score % 7)::float8 AS ces,
           (100.0 * count(*) FILTER (WHERE 1 + score % 10 >= 8) / nullif(count(score), 0))::float8 AS csat10,
           avg(1 + score % 5)::float8 AS ces5,
           (SELECT survey_agg(score)::text FROM win_answers b WHERE b.id BETWEEN w.id - 99 AND w.id) AS summary
    FROM win_answers b WHERE b.id BETWEEN w.id - 99 AND w.id
) AS r ON true;

-- RANGE frame over time: the trailing 30 days of each answer.
SELECT count(*) AS rows,
       count(*) FILTER (WHERE w.nps IS DISTINCT FROM r.nps AND abs(w.nps - r.nps) > 1e-9) AS nps_mismatches
FROM (
    SELECT id, at, nps(score) OVER (ORDER BY at RANGE BETWEEN interval '30 days' PRECEDING AND CURRENT ROW) AS nps
    FROM win_answers
) AS w
JOIN LATERAL (
    SELECT (100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6))
              / nullif(count(score), 0))::float8 AS nps
    FROM win_answers b WHERE b.at BETWEEN w.at - interval '30 days' AND w.at
) AS r ON true;

-- A frame that empties (only NULLs in it) gives NULL, then recovers.
SELECT id, score, nps(score) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
FROM (VALUES (1, 10), (2, NULL), (3, NULL), (4, 0), (5, 9)) AS t(id, score)
ORDER BY id;

-- rollup() over stored win_daily summaries in a moving window: 7-day rolling NPS.
CREATE TABLE win_daily AS SELECT at::date AS day, survey_agg(score) AS summary FROM win_answers GROUP BY 1;
SELECT count(*) AS days,
       count(*) FILTER (WHERE w.nps IS DISTINCT FROM r.nps AND abs(w.nps - r.nps) > 1e-9) AS mismatches
FROM (
    SELECT day, nps(rollup(summary) OVER (ORDER BY day RANGE BETWEEN interval '6 days' PRECEDING AND CURRENT ROW)) AS nps
    FROM win_daily
) AS w
JOIN LATERAL (
    SELECT nps(score) AS nps FROM win_answers a WHERE a.at::date BETWEEN w.day - 6 AND w.day
) AS r ON true;
