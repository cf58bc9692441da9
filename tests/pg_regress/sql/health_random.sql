-- Random data: the health functions equal independent plain-SQL formulations, the aggregate
-- equals the scalar form, serial equals forced parallel, window frames equal recomputation.
SELECT setseed(0.31);
CREATE TABLE hr_model AS
SELECT '{"logins": 1.5, "tickets": -4, "seats_used": 2, "nps_promoter": 10, "nps_detractor": -10.25}'::jsonb AS weights;

-- Event rows: 200 accounts, 1 to 300 rows each, about 3% NULL signals and 3% NULL amounts.
-- Amounts are quarters (exact in binary), so float sums in any order are exact and every
-- formulation must agree to the last bit.
CREATE TABLE hr_signals AS
SELECT g AS account, i AS id,
       CASE WHEN random() < 0.03 THEN NULL
            ELSE (ARRAY['logins', 'tickets', 'seats_used', 'nps_promoter', 'nps_detractor'])[1 + floor(random() * 5)::int] END AS signal,
       CASE WHEN random() < 0.03 THEN NULL ELSE floor(random() * 80) / 4 - 5 END::float8 AS amount,
       round((random() * 1000)::numeric, 3)::float8 AS decimal_amount
FROM generate_series(1, 200) AS g,
     LATERAL generate_series(1, 1 + (g * 7919) % 300) AS i;
CREATE INDEX ON hr_signals (account, id);
ANALYZE hr_signals;
SELECT count(*) AS rows, count(DISTINCT account) AS accounts,
       count(*) - count(signal) AS null_signals, count(*) - count(amount) AS null_amounts
FROM hr_signals;

-- The aggregate, the plain-SQL join of the rows to jsonb_each(weights), and the scalar form on
-- each account's per-signal totals.
CREATE TEMP TABLE agg_serial AS
SELECT account, health_score(signal, amount, (SELECT weights FROM hr_model)) AS score,
       health_score(signal, decimal_amount, (SELECT weights FROM hr_model)) AS decimal_score
FROM hr_signals GROUP BY account;
CREATE TEMP TABLE plain AS
SELECT s.account, sum(s.amount * w.value::float8) AS score,
       sum(s.decimal_amount * w.value::float8) AS decimal_score
FROM hr_signals s JOIN hr_model m ON true JOIN LATERAL jsonb_each(m.weights) AS w ON w.key = s.signal
GROUP BY s.account;
CREATE TEMP TABLE scalar AS
SELECT account, health_score(jsonb_object_agg(signal, total), (SELECT weights FROM hr_model)) AS score
FROM (SELECT account, signal, sum(amount) AS total FROM hr_signals
      WHERE signal IS NOT NULL AND amount IS NOT NULL GROUP BY 1, 2) AS t
GROUP BY account;
SELECT count(*) AS accounts,
       count(*) FILTER (WHERE a.score IS DISTINCT FROM p.score) AS plain_mismatches,
       count(*) FILTER (WHERE a.score IS DISTINCT FROM s.score) AS scalar_mismatches,
       count(*) FILTER (WHERE abs(a.decimal_score - p.decimal_score) > 1e-9 * greatest(1, abs(p.decimal_score))) AS decimal_mismatches
FROM agg_serial a FULL JOIN plain p USING (account) FULL JOIN scalar s USING (account);

-- Forced parallel: Partial Aggregate under Gather, workers launched, the same answers to the
-- last bit (the per-signal sums are exact, so the order rows are combined in does not matter).
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF)
SELECT account, health_score(signal, amount, (SELECT weights FROM hr_model)) FROM hr_signals GROUP BY account;
SELECT plan_max('SELECT account, health_score(signal, amount, (SELECT weights FROM hr_model)) FROM hr_signals GROUP BY account',
                'Workers Launched') > 0 AS ran_in_parallel;
CREATE TEMP TABLE agg_parallel AS
SELECT account, health_score(signal, amount, (SELECT weights FROM hr_model)) AS score,
       health_score(signal, decimal_amount, (SELECT weights FROM hr_model)) AS decimal_score
FROM hr_signals GROUP BY account;
SELECT count(*) AS accounts,
       count(*) FILTER (WHERE s.score IS DISTINCT FROM p.score) AS mismatches,
       count(*) FILTER (WHERE s.decimal_score IS DISTINCT FROM p.decimal_score) AS decimal_mismatches
FROM agg_serial s FULL JOIN agg_parallel p USING (account);
-- Ungrouped, in parallel, weights as a constant: every row in one group.
EXPLAIN (COSTS OFF) SELECT health_score(signal, decimal_amount, '{"logins": 1.5, "tickets": -4, "seats_used": 2, "nps_promoter": 10, "nps_detractor": -10.25}') FROM hr_signals;
SELECT plan_max('SELECT health_score(signal, decimal_amount, ''{"logins": 1.5, "tickets": -4, "seats_used": 2, "nps_promoter": 10, "nps_detractor": -10.25}'') FROM hr_signals',
                'Workers Launched') > 0 AS ran_in_parallel;
SELECT health_score(signal, decimal_amount, '{"logins": 1.5, "tickets": -4, "seats_used": 2, "nps_promoter": 10, "nps_detractor": -10.25}') AS parallel_total
INTO TEMP parallel_total FROM hr_signals;
RESET ALL;
SELECT p.parallel_total = (SELECT health_score(signal, decimal_amount, m.weights) FROM hr_signals, hr_model m)
       AS parallel_equals_serial
FROM parallel_total p;

-- Scalar forms on random objects and arrays against plain SQL.
CREATE TABLE hr_accounts AS
SELECT i AS id,
       (SELECT jsonb_object_agg(k, CASE WHEN random() < 0.1 THEN NULL ELSE round((random() * 200 - 50)::numeric, 2) END)
        FROM unnest(ARRAY['logins', 'tickets', 'seats_used', 'nps_promoter', 'nps_detractor']) AS k
        WHERE random() < 0.7 + i * 0) AS actions,
       (SELECT array_agg(CASE WHEN random() < 0.1 THEN NULL ELSE round((random() * 100)::numeric, 1)::float8 END)
        FROM generate_series(1, 4 + i * 0)) AS factor_scores
FROM generate_series(1, 2000) AS i;
UPDATE hr_accounts SET actions = '{}' WHERE actions IS NULL;
SELECT count(*) AS accounts, count(*) FILTER (WHERE actions = '{}') AS empty_objects FROM hr_accounts;
SELECT count(*) AS accounts,
       count(*) FILTER (WHERE abs(score - plain) > 1e-9 * greatest(1, abs(plain))) AS jsonb_mismatches,
       count(*) FILTER (WHERE score IS DISTINCT FROM contributions) AS contributions_mismatches
FROM (SELECT health_score(actions, m.weights) AS score,
             coalesce((SELECT sum(a.value::text::float8 * w.value::text::float8)
                       FROM jsonb_each(actions) AS a JOIN jsonb_each(m.weights) AS w USING (key)
                       WHERE jsonb_typeof(a.value) = 'number'), 0) AS plain,
             (SELECT sum(points) FROM health_contributions(actions, m.weights)) AS contributions
      FROM hr_accounts, hr_model m) AS t;
-- Arrays: the same actions and weights as arrays, against unnest WITH ORDINALITY.
SELECT count(*) AS accounts,
       count(*) FILTER (WHERE abs(e.score - p.score) > 1e-9 * greatest(1, abs(p.score))) AS array_mismatches
FROM (SELECT id, health_score(ARRAY[(actions->>'logins')::float8, (actions->>'tickets')::float8, (actions->>'seats_used')::float8],
                              ARRAY[1.5, -4, 2]) AS score FROM hr_accounts) AS e
JOIN (SELECT id, (SELECT coalesce(sum(coalesce(a, 0) * w), 0)
                  FROM unnest(ARRAY[(actions->>'logins')::float8, (actions->>'tickets')::float8, (actions->>'seats_used')::float8],
                              ARRAY[1.5, -4, 2]::float8[]) AS u(a, w)) AS score
      FROM hr_accounts) AS p USING (id);
-- weighted_health: arrays and jsonb against sum(s x w) / sum(w) over the non-NULL factors.
SELECT count(*) AS accounts,
       count(*) FILTER (WHERE e.a IS DISTINCT FROM p.score AND abs(e.a - p.score) > 1e-9) AS array_mismatches,
       count(*) FILTER (WHERE e.j IS DISTINCT FROM p.score AND abs(e.j - p.score) > 1e-9) AS jsonb_mismatches,
       count(*) FILTER (WHERE p.score IS NULL) AS all_null
FROM (SELECT id, weighted_health(factor_scores, ARRAY[1, 2, 3, 4]) AS a,
             weighted_health((SELECT jsonb_object_agg('f' || n, s) FROM unnest(factor_scores) WITH ORDINALITY AS u(s, n)),
                             '{"f1": 1, "f2": 2, "f3": 3, "f4": 4}') AS j
      FROM hr_accounts) AS e
JOIN (SELECT id, (SELECT sum(s * n) / sum(n) FILTER (WHERE s IS NOT NULL)
                  FROM unnest(factor_scores) WITH ORDINALITY AS u(s, n)) AS score
      FROM hr_accounts) AS p USING (id);

-- Window frames (moving mode) equal the same frame recomputed, to the last bit: exact sums
-- make taking a row back exact, whatever the amounts.
SELECT count(*) AS rows,
       count(*) FILTER (WHERE w.score IS DISTINCT FROM r.score) AS rows_mismatches,
       count(*) FILTER (WHERE w.decimal_score IS DISTINCT FROM r.decimal_score) AS decimal_mismatches
FROM (SELECT account, id,
             health_score(signal, amount, m.weights) OVER f AS score,
             health_score(signal, decimal_amount, m.weights) OVER f AS decimal_score
      FROM hr_signals, hr_model m
      WHERE account <= 12
      WINDOW f AS (PARTITION BY account ORDER BY id ROWS BETWEEN 20 PRECEDING AND CURRENT ROW)) AS w
JOIN LATERAL (SELECT health_score(signal, amount, m.weights) AS score,
                     health_score(signal, decimal_amount, m.weights) AS decimal_score
              FROM hr_signals b, hr_model m
              WHERE b.account = w.account AND b.id BETWEEN w.id - 20 AND w.id) AS r ON true;
-- A frame that only holds skipped rows gives NULL; amounts a float sum would lose
-- (1e20 + 1 - 1e20) come out exact when the frame slides.
SELECT id, signal, amount,
       health_score(signal, amount, '{"a": 1}') OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS last_3
FROM (VALUES (1, 'a', 1e20), (2, 'a', 1), (3, 'a', -1e20), (4, 'a', 1), (5, NULL, 1), (6, NULL, 2),
             (7, 'a', NULL), (8, 'a', 0.1), (9, 'a', 0.2)) AS t(id, signal, amount)
ORDER BY id;
-- Whole amounts are summed in 64 bits first: 1,100 times 2^53 passes 2^63 and still comes
-- out exact, alone, with negative amounts, and beside fractions (1,100 x 2^53 = 275 x 2^55).
SELECT health_score('a', 9007199254740992, '{"a": 1}') = 275 * 2::float8 ^ 55 AS exact_past_2_63,
       health_score('a', CASE WHEN g % 2 = 0 THEN 9007199254740992 ELSE -1 END, '{"a": 1}')
         = 550 * 9007199254740992::float8 - 550 AS exact_mixed_signs,
       health_score('a', 1e6 - 0.5 * (g % 2), '{"a": 1}') = 1099999725 AS exact_with_halves
FROM generate_series(1, 1100) AS g;
