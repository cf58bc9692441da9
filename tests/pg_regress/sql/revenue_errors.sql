-- Revenue family: bad input gives a real SQLSTATE, a message naming the value, DETAIL and HINT.
\set VERBOSITY default

-- 22003: negative money, NaN/infinite amounts, more than 38 digits.
SELECT nrr(s, 0, 0, 0) FROM (VALUES (-1)) AS t(s);
\echo :LAST_ERROR_SQLSTATE
SELECT nrr(10, -5, 0, 0);
\echo :LAST_ERROR_SQLSTATE
SELECT grr(10, 0, -0.01);
\echo :LAST_ERROR_SQLSTATE
SELECT nrr(10, 'Infinity', 0, 0);
\echo :LAST_ERROR_SQLSTATE
SELECT nrr(1e40, 0, 0, 0);
\echo :LAST_ERROR_SQLSTATE
SELECT nrr(1e-39, 0, 0, 0);
\echo :LAST_ERROR_SQLSTATE
-- More than 38 decimals, even as trailing zeros: refused by the in-place reader as by the
-- full one, for a whole amount (read inline) and for a zero (read out of line).
SELECT nrr(1.0000000000000000000000000000000000000000, 0, 0, 0);
\echo :LAST_ERROR_SQLSTATE
SELECT nrr(5, 0.0000000000000000000000000000000000000000, 0, 0);
\echo :LAST_ERROR_SQLSTATE
-- Two rows that fit, whose sum does not (an i128 overflow is an error, never a wrap).
SELECT nrr(s, 0, 0, 0) FROM (VALUES (99999999999999999999999999999999999999), (99999999999999999999999999999999999999)) AS t(s);
\echo :LAST_ERROR_SQLSTATE
SELECT mrr_movement(-1, 5, false);
\echo :LAST_ERROR_SQLSTATE
SELECT clv(-50, 2);
\echo :LAST_ERROR_SQLSTATE
SELECT crc(100, -1);
\echo :LAST_ERROR_SQLSTATE
SELECT crc_ratio(100, -1);
\echo :LAST_ERROR_SQLSTATE
SELECT spend_lift(-1, 5);
\echo :LAST_ERROR_SQLSTATE
SELECT spend_lift_percent(5, -1);
\echo :LAST_ERROR_SQLSTATE

-- 22023: a customer losing more than it had, NaN, intervals and rates outside what is allowed.
SELECT nrr(10, 0, 8, 3);
\echo :LAST_ERROR_SQLSTATE
SELECT grr(s, c, k) FROM (VALUES (10, 5, 5), (10, 10, 0.01)) AS t(s, c, k);
\echo :LAST_ERROR_SQLSTATE
SELECT nrr(10, 'NaN', 0, 0);
\echo :LAST_ERROR_SQLSTATE
SELECT monthly_amount(100, '0 months');
\echo :LAST_ERROR_SQLSTATE
SELECT monthly_amount(100, '-1 year');
\echo :LAST_ERROR_SQLSTATE
SELECT monthly_amount(100, '1 month -31 days');
\echo :LAST_ERROR_SQLSTATE
SELECT clv(50, interval '-1 year');
\echo :LAST_ERROR_SQLSTATE
SELECT clv(50, -2);
\echo :LAST_ERROR_SQLSTATE
SELECT clv(50, 101);
\echo :LAST_ERROR_SQLSTATE
SELECT clv(50, 'NaN'::float8);
\echo :LAST_ERROR_SQLSTATE
