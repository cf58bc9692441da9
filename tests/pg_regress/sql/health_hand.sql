-- Health scores on values small enough to check by hand.

-- Seed 001: 5 logins x 5 + 3 CS engagements x 20 + 1 unresolved ticket x (-20) = 25 + 60 - 20 = 65.
SELECT health_score(ARRAY[5, 3, 1], ARRAY[5, 20, -20]) AS arrays;
SELECT health_score('{"logins": 5, "cs_engagements": 3, "unresolved_tickets": 1}',
                    '{"logins": 5, "cs_engagements": 20, "unresolved_tickets": -20}') AS untyped_literals;
SELECT health_score('{"logins": 5, "cs_engagements": 3, "unresolved_tickets": 1}'::jsonb,
                    '{"logins": 5, "cs_engagements": 20, "unresolved_tickets": -20}'::jsonb) AS jsonb;
-- The same as event rows: 2 + 3 logins, 3 engagements, 1 ticket; NULL signal, amount or
-- weights skip the row.
SELECT health_score(signal, amount, '{"logins": 5, "cs_engagements": 20, "unresolved_tickets": -20}') AS aggregate
FROM (VALUES ('logins', 2), ('logins', 3), ('cs_engagements', 3), ('unresolved_tickets', 1),
             (NULL, 4), ('logins', NULL)) AS t(signal, amount);
SELECT health_score(signal, amount, w) AS null_weights_skip
FROM (VALUES ('logins', 2.0::float8, '{"logins": 5}'::jsonb), ('logins', 7, NULL)) AS t(signal, amount, w);

-- A NULL action counts 0: 0 x 9 + 2 x 1.5 = 3. A fractional amount: 0.5 x 4 = 2.
SELECT health_score(ARRAY[NULL, 2], ARRAY[9, 1.5]) AS null_action,
       health_score(ARRAY[0.5], ARRAY[4]) AS fraction,
       health_score(ARRAY[]::float8[], ARRAY[]::float8[]) AS empty_arrays,
       health_score(ARRAY[1, 2], NULL) AS null_argument;
-- jsonb: a weight with no action counts 0 (2 logins x 5 = 10); a null action counts 0;
-- an empty object of actions scores 0; key order in the text does not matter.
SELECT health_score('{"logins": 2}'::jsonb, '{"nps": 3, "logins": 5}') AS weight_without_action,
       health_score('{"logins": null, "nps": 1}'::jsonb, '{"nps": 3, "logins": 5}') AS null_action,
       health_score('{}'::jsonb, '{"nps": 3}') AS no_actions,
       health_score('{"b": 1, "a": 2}'::jsonb, '{"a": 10, "b": 100}') AS any_order;
-- Large and small numbers convert as numeric::float8 does: 0.1 x 3 is 0.30000000000000004.
SELECT health_score('{"a": 0.1}'::jsonb, '{"a": 3}') = 0.1::float8 * 3 AS like_float8,
       health_score('{"a": 1e300}'::jsonb, '{"a": 1e-300}') AS tiny_times_huge,
       health_score('{"a": -12345678901234567890.5}'::jsonb, '{"a": 1}')
         = (-12345678901234567890.5)::float8 AS long_numeric;

-- Contributions, signal by signal, in jsonb key order (shorter names first); the points
-- add up to the score (65) and an unused weight shows 0 points.
SELECT * FROM health_contributions(
    '{"logins": 5, "cs_engagements": 3, "unresolved_tickets": 1}',
    '{"logins": 5, "cs_engagements": 20, "unresolved_tickets": -20, "nps_detractor": -10}');
SELECT sum(points) AS total FROM health_contributions(
    '{"logins": 5, "cs_engagements": 3, "unresolved_tickets": 1}',
    '{"logins": 5, "cs_engagements": 20, "unresolved_tickets": -20}');

-- Weighted average of factor scores: (80 x 2 + 50 x 1) / 3 = 70; the NULL factor (weight 5)
-- is left out and the others renormalised. All NULL gives NULL.
SELECT weighted_health(ARRAY[80, 50, NULL], ARRAY[2, 1, 5]) AS arrays,
       weighted_health('{"usage": 80, "support": 50, "nps": null}', '{"usage": 2, "support": 1, "nps": 5}') AS jsonb,
       weighted_health('{"usage": 80}', '{"usage": 2, "support": 1}') AS missing_factor,
       weighted_health(ARRAY[NULL]::float8[], ARRAY[1]) AS all_null,
       weighted_health('{}', '{"usage": 1}') AS nothing,
       weighted_health(ARRAY[100, 100, 100], ARRAY[0.1, 0.2, 0.7]) AS stays_100,
       weighted_health(ARRAY[0, 100], ARRAY[1, 3]) AS seventy_five;

-- Default bands at every boundary: below 0, [0, 50), [50, 80], above 80.
SELECT score, health_band(score)
FROM unnest(ARRAY[-1e300, -0.01, 0, 49.99, 50, 80, 80.01, 1e300,
                  '-Infinity', 'Infinity', NULL]::float8[]) AS score;
-- Custom bands: "below" excludes its bound, "up_to" includes it, the last band is open.
SELECT score, health_band(score, '[{"band": "red", "below": 0}, {"band": "amber", "below": 50},
                                   {"band": "yellow", "up_to": 80}, {"band": "green"}]') AS below_below_up_to,
       health_band(score, '[{"band": "low", "up_to": 0}, {"band": "mid", "up_to": 49.99},
                            {"band": "high", "below": 80.01}, {"band": "top"}]') AS up_to_up_to_below
FROM unnest(ARRAY[-0.01, 0, 49.99, 50, 80, 80.01]::float8[]) AS score;
SELECT health_band(-5, '[{"band": "everyone"}]') AS one_band,
       health_band(NULL, '[{"band": "everyone"}]') AS null_score;

-- A health model in a table: one weights row joined to signal counts, then bands per month.
CREATE TABLE health_model (weights jsonb);
INSERT INTO health_model VALUES ('{"logins": 1, "tickets": -5, "seats_used": 2}');
CREATE TABLE health_signals (account_id int, month date, signal text, amount float8);
INSERT INTO health_signals VALUES
    (1, '2025-01-01', 'logins', 40), (1, '2025-01-01', 'seats_used', 10), (1, '2025-01-01', 'tickets', 1),
    (2, '2025-01-01', 'logins', 5), (2, '2025-01-01', 'tickets', 3),
    (1, '2025-02-01', 'logins', 30), (1, '2025-02-01', 'seats_used', 12),
    (2, '2025-02-01', 'logins', 60), (2, '2025-02-01', 'seats_used', 2), (2, '2025-02-01', 'tickets', 1);
-- January: account 1 = 40 + 20 - 5 = 55, account 2 = 5 - 15 = -10;
-- February: account 1 = 30 + 24 = 54, account 2 = 60 + 4 - 5 = 59.
SELECT month, account_id, health_score(signal, amount, (SELECT weights FROM health_model)) AS score
FROM health_signals GROUP BY 1, 2 ORDER BY 1, 2;
SELECT month, health_band(score) AS band, count(*) AS accounts
FROM (SELECT month, account_id, health_score(signal, amount, (SELECT weights FROM health_model)) AS score
      FROM health_signals GROUP BY 1, 2) AS s
GROUP BY 1, 2 ORDER BY 1, 2;
-- The same weights joined per row instead of a subquery.
SELECT account_id, health_score(signal, amount, m.weights) AS score
FROM health_signals CROSS JOIN health_model AS m
WHERE month = '2025-01-01' GROUP BY 1 ORDER BY 1;
-- An empty group gives NULL.
SELECT health_score(signal, amount, weights) AS empty FROM health_signals, health_model WHERE false;
-- Weights from an outer row: each outer row restarts the aggregation with its own weights.
-- Row 1: 1 x 1 + 2 x 10 = 21; row 2: 1 x 5 + 2 x 0 = 5.
SELECT m.id,
       (SELECT health_score(s, a, m.w) FROM (VALUES ('x', 1.0::float8), ('y', 2)) AS t(s, a)) AS subquery,
       l.score AS lateral
FROM (VALUES (1, '{"x": 1, "y": 10}'::jsonb), (2, '{"x": 5, "y": 0}'::jsonb)) AS m(id, w),
     LATERAL (SELECT health_score(s, a, m.w) AS score FROM (VALUES ('x', 1.0::float8), ('y', 2)) AS t(s, a)) AS l
ORDER BY m.id;
-- Bands that change from row to row (each call site keeps the last bands it parsed):
-- 10 is not below 5 (y), is below 50 (p); 3 is below 5 (x).
SELECT score, health_band(score, bands::jsonb) AS band
FROM (VALUES (10, '[{"band": "x", "below": 5}, {"band": "y"}]'),
             (10, '[{"band": "p", "below": 50}, {"band": "q"}]'),
             (3, '[{"band": "x", "below": 5}, {"band": "y"}]')) AS t(score, bands);
