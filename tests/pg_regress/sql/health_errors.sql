-- Bad input to the health functions: a real SQLSTATE, a message naming the value, DETAIL and
-- HINT. Never a crash.

-- 22023: arrays of different lengths or shapes, NULL weights.
SELECT health_score(ARRAY[1, 2, 3], ARRAY[1, 2]);
\echo :LAST_ERROR_SQLSTATE
SELECT health_score(ARRAY[[1, 2], [3, 4]], ARRAY[1, 2, 3, 4]);
\echo :LAST_ERROR_SQLSTATE
SELECT health_score(ARRAY[]::float8[], ARRAY[1]);
\echo :LAST_ERROR_SQLSTATE
SELECT health_score(ARRAY[1, 2], ARRAY[1, NULL]);
\echo :LAST_ERROR_SQLSTATE
-- 22003: numbers that are not finite, or a result past the double range.
SELECT health_score(ARRAY[1, 'NaN'::float8], ARRAY[1, 2]);
\echo :LAST_ERROR_SQLSTATE
SELECT health_score(ARRAY[1], ARRAY['Infinity']::float8[]);
\echo :LAST_ERROR_SQLSTATE
SELECT health_score(ARRAY[1e300, 1e300], ARRAY[1e300, 1]);
\echo :LAST_ERROR_SQLSTATE
SELECT health_score('{"a": 1e400}'::jsonb, '{"a": 1}');
\echo :LAST_ERROR_SQLSTATE

-- 22023: jsonb that is not an object, a signal without a weight, values that are not numbers.
SELECT health_score('[1, 2]'::jsonb, '{"a": 1}');
\echo :LAST_ERROR_SQLSTATE
SELECT health_score('{"a": 1}'::jsonb, '3');
\echo :LAST_ERROR_SQLSTATE
SELECT health_score('{"logins": 1, "loginz": 2}'::jsonb, '{"logins": 5, "tickets": -20}');
\echo :LAST_ERROR_SQLSTATE
SELECT health_score('{"a": "5"}'::jsonb, '{"a": 1}');
\echo :LAST_ERROR_SQLSTATE
SELECT health_score('{"a": 5}'::jsonb, '{"a": true}');
\echo :LAST_ERROR_SQLSTATE
SELECT health_score('{"a": 5}'::jsonb, '{"a": 1, "b": null}');
\echo :LAST_ERROR_SQLSTATE
SELECT health_score('{"a": {"n": 1}}'::jsonb, '{"a": 1}');
\echo :LAST_ERROR_SQLSTATE
-- Untyped literals read as jsonb: bad JSON is jsonb's own 22P02.
SELECT health_score('{"a": 1', '{"a": 1}');
\echo :LAST_ERROR_SQLSTATE

-- health_contributions checks like health_score.
SELECT * FROM health_contributions('{"x": 1}', '{"a": 1}');
\echo :LAST_ERROR_SQLSTATE

-- weighted_health: a score outside 0-100 is 22003; weights must be positive (22023).
SELECT weighted_health(ARRAY[101], ARRAY[1]);
\echo :LAST_ERROR_SQLSTATE
SELECT weighted_health(ARRAY[-0.5], ARRAY[1]);
\echo :LAST_ERROR_SQLSTATE
SELECT weighted_health(ARRAY['NaN']::float8[], ARRAY[1]);
\echo :LAST_ERROR_SQLSTATE
SELECT weighted_health(ARRAY[50, NULL], ARRAY[1, 0]);
\echo :LAST_ERROR_SQLSTATE
SELECT weighted_health(ARRAY[50], ARRAY[-2]);
\echo :LAST_ERROR_SQLSTATE
SELECT weighted_health(ARRAY[50], ARRAY[NULL]::float8[]);
\echo :LAST_ERROR_SQLSTATE
SELECT weighted_health(ARRAY[50, 60], ARRAY[1]);
\echo :LAST_ERROR_SQLSTATE
SELECT weighted_health('{"usage": 120}', '{"usage": 1}');
\echo :LAST_ERROR_SQLSTATE
SELECT weighted_health('{"usage": 20, "nps": 30}', '{"usage": 1}');
\echo :LAST_ERROR_SQLSTATE
SELECT weighted_health('{"usage": 20}', '{"usage": 0}');
\echo :LAST_ERROR_SQLSTATE
SELECT weighted_health('{"usage": "high"}', '{"usage": 1}');
\echo :LAST_ERROR_SQLSTATE
SELECT weighted_health('{"usage": 1e400}'::jsonb, '{"usage": 1}');
\echo :LAST_ERROR_SQLSTATE

-- health_band: NaN has no band (22003); every malformed band list is 22023.
SELECT health_band('NaN');
\echo :LAST_ERROR_SQLSTATE
SELECT health_band(1, '{"band": "red", "below": 40}');
\echo :LAST_ERROR_SQLSTATE
SELECT health_band(1, '[]');
\echo :LAST_ERROR_SQLSTATE
SELECT health_band(1, '["red", "green"]');
\echo :LAST_ERROR_SQLSTATE
SELECT health_band(1, '[{"band": "red", "below": 40}, {"band": "amber", "below": 30}, {"band": "green"}]');
\echo :LAST_ERROR_SQLSTATE
SELECT health_band(1, '[{"band": "red", "below": 40}, {"band": "amber", "up_to": 40}, {"band": "green"}]');
\echo :LAST_ERROR_SQLSTATE
SELECT health_band(1, '[{"band": "red"}, {"band": "green"}]');
\echo :LAST_ERROR_SQLSTATE
SELECT health_band(1, '[{"band": "red", "below": 40}, {"band": "green", "below": 100}]');
\echo :LAST_ERROR_SQLSTATE
SELECT health_band(1, '[{"band": "red", "below": 40, "up_to": 50}, {"band": "green"}]');
\echo :LAST_ERROR_SQLSTATE
SELECT health_band(1, '[{"band": "red", "upto": 40}, {"band": "green"}]');
\echo :LAST_ERROR_SQLSTATE
SELECT health_band(1, '[{"below": 40}, {"band": "green"}]');
\echo :LAST_ERROR_SQLSTATE
SELECT health_band(1, '[{"band": 1, "below": 40}, {"band": "green"}]');
\echo :LAST_ERROR_SQLSTATE
SELECT health_band(1, '[{"band": "red", "below": "40"}, {"band": "green"}]');
\echo :LAST_ERROR_SQLSTATE
SELECT health_band(1, '[{"band": "red", "below": 1e400}, {"band": "green"}]');
\echo :LAST_ERROR_SQLSTATE
SELECT health_band('NaN', '[{"band": "all"}]');
\echo :LAST_ERROR_SQLSTATE

-- The aggregate: a signal without a weight, bad weights, different weights in one group,
-- amounts that are not finite.
SELECT health_score(s, a, '{"logins": 5}') FROM (VALUES ('logins', 1), ('loginz', 1)) AS t(s, a);
\echo :LAST_ERROR_SQLSTATE
SELECT health_score(s, a, '[1]') FROM (VALUES ('logins', 1)) AS t(s, a);
\echo :LAST_ERROR_SQLSTATE
SELECT health_score(s, a, '{"logins": "5"}') FROM (VALUES ('logins', 1)) AS t(s, a);
\echo :LAST_ERROR_SQLSTATE
SELECT health_score(s, a, w::jsonb) FROM (VALUES ('logins', 1, '{"logins": 5}'), ('logins', 1, '{"logins": 6}')) AS t(s, a, w);
\echo :LAST_ERROR_SQLSTATE
SELECT health_score(s, a, '{"logins": 5}') FROM (VALUES ('logins', 'Infinity'::float8)) AS t(s, a);
\echo :LAST_ERROR_SQLSTATE
SELECT health_score(s, a, '{"logins": 5}') FROM (VALUES ('logins', 'NaN'::float8)) AS t(s, a);
\echo :LAST_ERROR_SQLSTATE
SELECT health_score(s, a, '{"logins": 1e300}') FROM (VALUES ('logins', 1e300::float8)) AS t(s, a);
\echo :LAST_ERROR_SQLSTATE
-- Different groups may use different weights.
SELECT g, health_score(s, a, w::jsonb) FROM (VALUES (1, 'logins', 1, '{"logins": 5}'), (2, 'logins', 1, '{"logins": 6}')) AS t(g, s, a, w)
GROUP BY g ORDER BY g;
