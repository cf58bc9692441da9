-- Engagement: bad input gets a real SQLSTATE, a message naming the value, DETAIL and HINT.
SET TimeZone = 'UTC';

-- 22023: an unknown time zone (checked on the first row that uses it).
SELECT activity_agg(1::bigint, timestamptz '2025-03-01', 'Mars/Olympus');
\echo :LAST_ERROR_SQLSTATE
SELECT activity_agg(u, t, z) FROM (VALUES (1::bigint, timestamptz '2025-03-01', 'UTC'),
                                          (2, '2025-03-02', 'Europe/Paris'),
                                          (3, '2025-03-02', 'Europe/Pariss')) AS e(u, t, z);
\echo :LAST_ERROR_SQLSTATE
SELECT activity_agg('k', timestamptz '2025-03-01', repeat('x', 300));
\echo :LAST_ERROR_SQLSTATE
-- 22003: an infinite timestamp falls on no day.
SELECT activity_agg(1::bigint, timestamptz 'infinity', 'UTC');
\echo :LAST_ERROR_SQLSTATE
SELECT activity_agg(1::bigint, timestamptz '-infinity');
\echo :LAST_ERROR_SQLSTATE

CREATE TABLE err AS SELECT activity_agg(1::bigint, timestamptz '2025-03-01 12:00Z', 'UTC') AS s;
-- 22023: an unknown grain, a negative number of periods.
SELECT * FROM lifecycle((SELECT s FROM err), 'quarter');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM retention((SELECT s FROM err), 'fortnight', 3);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM retention((SELECT s FROM err), 'month', -1);
\echo :LAST_ERROR_SQLSTATE
-- Grains are case-insensitive.
SELECT count(*) FROM lifecycle((SELECT s FROM err), 'WEEK');
-- 22023: ranges that end before they start, infinite dates where a number of days is needed.
SELECT active_users(s, '2025-03-05', '2025-03-01') FROM err;
\echo :LAST_ERROR_SQLSTATE
SELECT stickiness(s, '2025-03-05', '2025-03-01') FROM err;
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM active_days((SELECT s FROM err), '2025-03-05', '2025-03-01');
\echo :LAST_ERROR_SQLSTATE
SELECT stickiness(s, 'infinity'::date) FROM err;
\echo :LAST_ERROR_SQLSTATE
SELECT stickiness(s, '-infinity', '2025-03-01') FROM err;
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM lifecycle((SELECT s FROM err), 'day', 'infinity');
\echo :LAST_ERROR_SQLSTATE
-- Infinite bounds are fine where they only bound a range.
SELECT active_users(s, '-infinity', 'infinity') AS everyone, dau(s, 'infinity') AS none FROM err;
SELECT * FROM active_days((SELECT s FROM err), '-infinity', 'infinity');

-- 22023: summaries of different key types are not merged.
SELECT rollup(s) FROM (SELECT activity_agg(1::bigint, timestamptz '2025-03-01', 'UTC')
                       UNION ALL SELECT activity_agg('1', timestamptz '2025-03-01', 'UTC')) AS t(s);
\echo :LAST_ERROR_SQLSTATE

-- 22P02: malformed text.
SELECT 'nonsense'::activity_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"version":2,"keys":"bigint","days":{}}'::activity_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"version":1,"keys":"int4","days":{}}'::activity_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"version":1,"keys":"bigint","days":{"2025-02-29":[1]}}'::activity_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"version":1,"keys":"bigint","days":{"2025-03-01":[]}}'::activity_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"version":1,"keys":"bigint","days":{"2025-03-01":[1.5]}}'::activity_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"version":1,"keys":"bigint","days":{"2025-03-01":[9223372036854775808]}}'::activity_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"version":1,"keys":"bigint","days":{"2025-03-01":[1]},"extra":1}'::activity_summary;
\echo :LAST_ERROR_SQLSTATE
-- Keys in any order and repeated read as a set, printed sorted.
SELECT '{"version":1,"keys":"bigint","days":{"2025-03-02":[3,1,3],"2025-03-01":[-5]}}'::activity_summary;

-- 22P03: malformed binary (recv, as a driver or COPY BINARY would send it).
CREATE FUNCTION recv_bytes(b bytea) RETURNS activity_summary LANGUAGE plpgsql AS $$
DECLARE r activity_summary;
BEGIN
    -- Through a binary COPY of one bytea-framed field.
    EXECUTE format('COPY (SELECT %L::bytea) TO %L (FORMAT binary)', b, '/tmp/csm_engagement_bad.bin');
    CREATE TEMP TABLE IF NOT EXISTS bad_in(s activity_summary);
    TRUNCATE bad_in;
    EXECUTE format('COPY bad_in FROM %L (FORMAT binary)', '/tmp/csm_engagement_bad.bin');
    SELECT s INTO r FROM bad_in;
    RETURN r;
END $$;
SELECT recv_bytes(''::bytea);
\echo :LAST_ERROR_SQLSTATE
SELECT recv_bytes('\x02'::bytea);
\echo :LAST_ERROR_SQLSTATE
SELECT recv_bytes('\x0101000000'::bytea);
\echo :LAST_ERROR_SQLSTATE
-- A valid value with one byte changed in its bitmap's container offset, one cut short, one
-- with a byte after its end.
SELECT activity_summary_send(s) AS good FROM err \gset
SELECT recv_bytes(overlay(:'good'::bytea placing '\x11' from 35 for 1));
\echo :LAST_ERROR_SQLSTATE
SELECT recv_bytes(substr(:'good'::bytea, 1, length(:'good'::bytea) - 1));
\echo :LAST_ERROR_SQLSTATE
SELECT recv_bytes(:'good'::bytea || '\x00'::bytea);
\echo :LAST_ERROR_SQLSTATE
-- Two users of one container written in descending order: not the canonical form.
SELECT activity_summary_send(activity_agg(k, timestamptz '2025-03-01 12:00Z', 'UTC')) AS two
FROM (VALUES (5::bigint), (9)) AS v(k) \gset
SELECT recv_bytes(overlay(:'two'::bytea placing '\x09000500' from length(:'two'::bytea) - 11 for 4));
\echo :LAST_ERROR_SQLSTATE
SELECT recv_bytes(:'good'::bytea) = s AS good_round_trip FROM err;
-- The empty summary of no key type yet (what a parallel rollup of empty summaries carries)
-- reads back through binary and text alike; with days, that key type is an error.
SELECT recv_bytes('\x0100000000000000000000000000'::bytea)::text AS unknown_empty;
SELECT '{"version":1,"keys":"unknown","days":{}}'::activity_summary = recv_bytes('\x0100000000000000000000000000'::bytea) AS text_reads_back;
SELECT '{"version":1,"keys":"unknown","days":{"2025-03-01":[1]}}'::activity_summary;
\echo :LAST_ERROR_SQLSTATE

-- A summary spanning PostgreSQL's whole range of dates: the reports' rows per day or period
-- stop at a statement timeout (57014), and the active-days distribution allocates nothing
-- per calendar day. The month holding 4713-11-24 BC is reported from that day.
CREATE TABLE span AS SELECT '{"version":1,"keys":"bigint","days":{"-4713-11-24":[1],"+5874897-12-31":[1,2]}}'::activity_summary AS s;
SET statement_timeout = '300ms';
SELECT count(*) FROM span, lifecycle(s, 'day');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM span, daily_activity_kpis(s);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM span, active_days(s, '-infinity', 'infinity');
\echo :LAST_ERROR_SQLSTATE
RESET statement_timeout;
SELECT a.* FROM span, active_days(s, '-infinity', '4714-11-30 BC') AS a;
SELECT l.* FROM lifecycle('{"version":1,"keys":"bigint","days":{"-4713-11-24":[1],"-4712-01-05":[1,2]}}', 'month') AS l;
SELECT r.* FROM retention('{"version":1,"keys":"bigint","days":{"-4713-11-24":[1],"-4712-01-05":[1,2]}}', 'week', 1) AS r;
-- A bounded range is still at most 100,000 days: one row a day, so a mistyped year is refused
-- at once rather than run for minutes.
SELECT count(*) FROM span, active_days(s, '2025-01-01', '2298-10-16');
SELECT count(*) FROM span, active_days(s, '2025-01-01', '2298-10-17');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM span, daily_activity_kpis(s, '2025-01-01', '5874897-12-31');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM span, lifecycle(s, 'month', '2025-01-01', '2298-10-17');
\echo :LAST_ERROR_SQLSTATE
