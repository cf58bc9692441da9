-- nrr()/grr() on random data: equal to the plain-SQL formulation with sum(numeric) (exact
-- sums, so the same double), serially, in forced parallel and in sliding windows.
SELECT setseed(0.7);
-- Not a temporary table: those are never scanned in parallel.
CREATE TABLE rnd_mov AS
SELECT g % 7 AS seg, g AS id,
       CASE WHEN random() < 0.05 THEN NULL ELSE s END AS s,
       CASE WHEN random() < 0.1 THEN NULL ELSE round((random() * 300)::numeric, (g % 4)) END AS e,
       CASE WHEN random() < 0.1 THEN NULL ELSE round((random() * s * 0.4)::numeric, 2) END AS c,
       CASE WHEN random() < 0.1 THEN NULL ELSE round((random() * s * 0.5)::numeric, 3) END AS k
FROM (SELECT g, round((random() * 10000)::numeric, 2) AS s FROM generate_series(1, 20000) AS g) AS t;
ALTER TABLE rnd_mov SET (parallel_workers = 2);
ANALYZE rnd_mov;


-- The independent formulation: plain sums over rows with a start, NULL movements as 0.
CREATE TEMP VIEW plain AS
SELECT seg,
       (100 * (sum(s) + sum(coalesce(e, 0)) - sum(coalesce(c, 0)) - sum(coalesce(k, 0)))
            / nullif(sum(s), 0))::float8 AS nrr,
       (100 * (sum(s) - sum(coalesce(c, 0)) - sum(coalesce(k, 0))) / nullif(sum(s), 0))::float8 AS grr
FROM rnd_mov WHERE s IS NOT NULL GROUP BY seg;

SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial AS SELECT seg, nrr(s, e, c, k), grr(s, c, k) FROM rnd_mov GROUP BY seg;
-- Within one unit in the last place of the double: both are the exact quotient, rounded.
SELECT count(*) AS compared,
       count(*) FILTER (WHERE abs(x.nrr - p.nrr) > 1e-12 * abs(p.nrr)
                           OR abs(x.grr - p.grr) > 1e-12 * abs(p.grr)) AS mismatches
FROM serial x FULL JOIN plain p USING (seg);

SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT nrr(s, e, c, k) FROM rnd_mov;
SELECT plan_max('SELECT seg, nrr(s, e, c, k), grr(s, c, k) FROM rnd_mov GROUP BY seg',
                    'Workers Launched') > 0 AS ran_in_parallel;
SELECT count(*) AS compared, count(*) FILTER (WHERE x.nrr <> y.nrr OR x.grr <> y.grr) AS mismatches
FROM serial x FULL JOIN (SELECT seg, nrr(s, e, c, k), grr(s, c, k) FROM rnd_mov GROUP BY seg) AS y
     USING (seg);
RESET ALL;

-- Sliding windows (moving mode with the exact inverse) = recomputation per frame.
SELECT count(*) AS compared,
       count(w.nrr) AS non_null,
       count(*) FILTER (WHERE w.nrr IS DISTINCT FROM r.nrr OR w.grr IS DISTINCT FROM r.grr) AS mismatches
FROM (SELECT id, nrr(s, e, c, k) OVER f, grr(s, c, k) OVER f FROM rnd_mov WHERE id <= 3000
      WINDOW f AS (ORDER BY id ROWS BETWEEN 20 PRECEDING AND CURRENT ROW)) AS w
JOIN (SELECT a.id, nrr(b.s, b.e, b.c, b.k), grr(b.s, b.c, b.k)
      FROM rnd_mov a CROSS JOIN pg_catalog.generate_series(0, 20) AS back(n)
           JOIN rnd_mov b ON b.id = a.id - back.n
      WHERE a.id <= 3000 GROUP BY a.id) AS r USING (id);

-- Amounts of one scale (a numeric(14,2) column), zeros, NULLs, and amounts of scale 0 and 3
-- in an unconstrained column take the in-place path; a 20-digit amount takes the full one,
-- and the state carries on. Every way: equal to sum(numeric).
CREATE TEMP TABLE cents AS
SELECT g % 5 AS seg, g AS id, s::numeric(14,2) AS s,
       (CASE WHEN g % 11 = 0 THEN 0 ELSE round((random() * 300)::numeric, 2) END)::numeric(14,2) AS e,
       CASE WHEN g % 13 = 0 THEN NULL ELSE round((random() * s * 0.4)::numeric, 2) END::numeric(14,2) AS c,
       round((random() * s * 0.5)::numeric, 2)::numeric(14,2) AS k
FROM (SELECT g, round((random() * 10000)::numeric, 2) AS s FROM generate_series(1, 5000) AS g) AS t;
CREATE TEMP TABLE mixed AS
SELECT seg, id, s::numeric AS s, e::numeric AS e, c::numeric AS c, k::numeric AS k FROM cents;
UPDATE mixed SET s = s + 12345678901234567, e = e * 1000 WHERE id % 997 = 0;
UPDATE mixed SET s = round(s), e = round(e), c = round(c), k = 0 WHERE id % 101 = 0 AND s >= 1;
UPDATE mixed SET s = s::numeric(20,3), k = k + 0.001 WHERE id = 2500;
SELECT count(*) FILTER (WHERE scale(s) = 0) AS scale_0, count(*) FILTER (WHERE scale(s) = 3) AS scale_3,
       count(*) FILTER (WHERE length(s::text) >= 20) AS long_values FROM mixed;
SELECT t, count(*) AS compared,
       count(*) FILTER (WHERE abs(x.nrr - p.nrr) > 1e-12 * abs(p.nrr)
                           OR abs(x.grr - p.grr) > 1e-12 * abs(p.grr)) AS mismatches
FROM (SELECT 'cents' AS t, seg, nrr(s, e, c, k), grr(s, c, k) FROM cents GROUP BY seg
      UNION ALL
      SELECT 'mixed', seg, nrr(s, e, c, k), grr(s, c, k) FROM mixed GROUP BY seg) AS x
JOIN (SELECT 'cents' AS t, seg,
             (100 * (sum(s) + sum(e) - sum(coalesce(c, 0)) - sum(k)) / sum(s))::float8 AS nrr,
             (100 * (sum(s) - sum(coalesce(c, 0)) - sum(k)) / sum(s))::float8 AS grr
      FROM cents GROUP BY seg
      UNION ALL
      SELECT 'mixed', seg,
             (100 * (sum(s) + sum(e) - sum(coalesce(c, 0)) - sum(k)) / sum(s))::float8,
             (100 * (sum(s) - sum(coalesce(c, 0)) - sum(k)) / sum(s))::float8
      FROM mixed GROUP BY seg) AS p USING (t, seg)
GROUP BY t ORDER BY t;
-- Every stored shape the in-place reader takes or leaves: below 1, whole, cents, up to six
-- decimals, from 0.001 to past 10^12 (where it stops), zeros. Segments 0-4 hold at most four
-- decimals (the state stays at ten-thousandths throughout); segments 5-8 also meet five and
-- six, and carry on at that scale. Grouped by order of magnitude too, so that a misread
-- amount shows beside its peers. Equal to sum(numeric) either way.
CREATE TEMP TABLE shapes AS
SELECT seg, mag, s, CASE WHEN id % 10 = 0 THEN 0 ELSE trunc(s * random()::numeric * 0.3, de) END AS e,
       trunc(s * random()::numeric * 0.4, d) AS c, trunc(s * random()::numeric * 0.5, d) AS k
FROM (SELECT g AS id, g % 9 AS seg, g % 16 AS mag, d, (g / 9) % 5 AS de,
             trunc((10 ^ (g % 16 - 3 + random()))::numeric, d) AS s
      FROM (SELECT g, CASE WHEN g % 9 < 5 THEN g % 5 ELSE g % 7 END AS d
            FROM generate_series(1, 14400) AS g) AS t) AS t;
SELECT count(*) FILTER (WHERE s < 1) AS below_1, count(*) FILTER (WHERE s >= 1e12) AS past_1e12,
       count(*) FILTER (WHERE scale(s) >= 5) AS over_4_decimals, count(*) FILTER (WHERE s = 0) AS zeros
FROM shapes;
SELECT count(*) AS compared, count(x.nrr) AS non_null,
       count(*) FILTER (WHERE (x.nrr IS NULL) <> (p.nrr IS NULL)
                           OR abs(x.nrr - p.nrr) > 1e-12 * abs(p.nrr)
                           OR abs(x.grr - p.grr) > 1e-12 * abs(p.grr)) AS mismatches
FROM (SELECT seg, mag, nrr(s, e, c, k), grr(s, c, k) FROM shapes GROUP BY seg, mag) AS x
JOIN (SELECT seg, mag, (100 * (sum(s) + sum(e) - sum(c) - sum(k)) / nullif(sum(s), 0))::float8 AS nrr,
             (100 * (sum(s) - sum(c) - sum(k)) / nullif(sum(s), 0))::float8 AS grr
      FROM shapes GROUP BY seg, mag) AS p USING (seg, mag);
-- Amounts computed by an expression (4-byte headers, not a row's 1-byte ones) read the same.
SELECT count(*) AS compared,
       count(*) FILTER (WHERE x.nrr IS DISTINCT FROM y.nrr OR x.grr IS DISTINCT FROM y.grr) AS mismatches
FROM (SELECT seg, mag, nrr(s, e, c, k), grr(s, c, k) FROM shapes GROUP BY seg, mag) AS x
JOIN (SELECT seg, mag, nrr(s * 1, e + 0, c * 1, k + 0), grr(s + 0, c * 1, k * 1)
      FROM shapes GROUP BY seg, mag) AS y USING (seg, mag);
-- A sliding frame that starts on a NULL start (a customer not there yet), or holds only
-- such rows: the moving-aggregate transition still returns a state, and the frame is NULL.
SELECT i, round(nrr(s, e, c, 0) OVER w::numeric, 4) AS nrr, round(grr(s, c, 0) OVER w::numeric, 4) AS grr
FROM (VALUES (1, NULL::numeric, 0::numeric, 0::numeric), (2, 10, 2, 1), (3, 20, 0, 4), (4, NULL, 0, 0),
             (5, NULL, 0, 0), (6, 8, 1, 2)) AS v(i, s, e, c)
WINDOW w AS (ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) ORDER BY i;
-- A row of the in-place path that loses more than it had is still reported in full.
SELECT nrr(s, e, c, k) FROM (VALUES (10.00, 0.00, 6.00, 4.00), (10.00, 0.00, 6.00, 4.01)) AS v(s, e, c, k);
SELECT grr(s, c, k) FROM (VALUES (10.00, 0.00, 4.00), (10.00, -0.01, 4.00)) AS v(s, c, k);

DROP TABLE rnd_mov CASCADE;
