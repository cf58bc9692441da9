-- Bad input: a real SQLSTATE, a message naming the value, DETAIL and HINT. Never a crash.

-- 22003: a score outside the scale.
SELECT nps(score) FROM (VALUES (9), (11)) AS t(score);
\echo :LAST_ERROR_SQLSTATE
SELECT nps(score) FROM (VALUES (-1)) AS t(score);
\echo :LAST_ERROR_SQLSTATE
SELECT nps(score) FROM (VALUES ((-32768)::smallint)) AS t(score);
\echo :LAST_ERROR_SQLSTATE
SELECT nps(score) FROM (VALUES (9223372036854775807)) AS t(score);
\echo :LAST_ERROR_SQLSTATE
SELECT nps(score) FROM (VALUES (7.5)) AS t(score);
\echo :LAST_ERROR_SQLSTATE
SELECT nps(score) FROM (VALUES ('NaN'::numeric)) AS t(score);
\echo :LAST_ERROR_SQLSTATE
SELECT nps(score) FROM (VALUES ('Infinity'::numeric)) AS t(score);
\echo :LAST_ERROR_SQLSTATE
SELECT nps(score) FROM (VALUES (1e30)) AS t(score);
\echo :LAST_ERROR_SQLSTATE
SELECT survey_agg(score) FROM (VALUES (11)) AS t(score);
\echo :LAST_ERROR_SQLSTATE
SELECT csat(score) FROM (VALUES (0)) AS t(score);
\echo :LAST_ERROR_SQLSTATE
SELECT csat(score) FROM (VALUES (6)) AS t(score);
\echo :LAST_ERROR_SQLSTATE
SELECT ces(score) FROM (VALUES (8)) AS t(score);
\echo :LAST_ERROR_SQLSTATE
SELECT ces(score, 5) FROM (VALUES (6)) AS t(score);
\echo :LAST_ERROR_SQLSTATE
SELECT csat(score, 8, 10) FROM (VALUES (0)) AS t(score);
\echo :LAST_ERROR_SQLSTATE

-- 22023: a parameter outside what is allowed.
SELECT csat(score, 0, 5) FROM (VALUES (3)) AS t(score);
\echo :LAST_ERROR_SQLSTATE
SELECT csat(score, 6, 5) FROM (VALUES (3)) AS t(score);
\echo :LAST_ERROR_SQLSTATE
SELECT csat(score, 8, 11) FROM (VALUES (3)) AS t(score);
\echo :LAST_ERROR_SQLSTATE
SELECT ces(score, 1) FROM (VALUES (1)) AS t(score);
\echo :LAST_ERROR_SQLSTATE
SELECT ces(score, 100) FROM (VALUES (1)) AS t(score);
\echo :LAST_ERROR_SQLSTATE
SELECT nps_margin(survey_agg(score), 1) FROM (VALUES (1), (10)) AS t(score);
\echo :LAST_ERROR_SQLSTATE
SELECT nps_margin(survey_agg(score), 0) FROM (VALUES (1), (10)) AS t(score);
\echo :LAST_ERROR_SQLSTATE
SELECT nps_margin(survey_agg(score), 'NaN') FROM (VALUES (1), (10)) AS t(score);
\echo :LAST_ERROR_SQLSTATE
SELECT csat(survey_agg(score), 11) FROM (VALUES (1)) AS t(score);
\echo :LAST_ERROR_SQLSTATE

-- 22003: an accessor that does not fit the summary's answers.
SELECT csat(survey_agg(score)) FROM (VALUES (4), (9)) AS t(score);
\echo :LAST_ERROR_SQLSTATE
SELECT ces(survey_agg(score)) FROM (VALUES (0), (4)) AS t(score);
\echo :LAST_ERROR_SQLSTATE
SELECT score_count(survey_agg(score), 11) FROM (VALUES (4)) AS t(score);
\echo :LAST_ERROR_SQLSTATE

-- 22P02: malformed text of a summary.
SELECT 'garbage'::survey_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"version":1,"counts":[1,2,3]}'::survey_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,-5]}'::survey_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"version":9,"counts":[0,0,0,0,0,0,0,0,0,0,0]}'::survey_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0],"extra":true}'::survey_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"version":1,"hits":5,"total":4}'::share_state;
\echo :LAST_ERROR_SQLSTATE

-- 22003: counts that would pass the largest bigint when merged.
SELECT rollup(s) FROM (VALUES ('{"version":1,"counts":[9223372036854775807,0,0,0,0,0,0,0,0,0,0]}'::survey_summary),
                              ('{"version":1,"counts":[1,0,0,0,0,0,0,0,0,0,0]}'::survey_summary)) AS t(s);
\echo :LAST_ERROR_SQLSTATE
-- A summary whose counts add up past the largest bigint is rejected on input (22P02).
SELECT '{"version":1,"counts":[9223372036854775807,1,0,0,0,0,0,0,0,0,0]}'::survey_summary;
\echo :LAST_ERROR_SQLSTATE

-- NULL parameters make a row count as missing, as for any strict aggregate.
SELECT csat(score, NULL, 5), ces(score, NULL) FROM (VALUES (3)) AS t(score);
-- Support functions called outside an aggregate never change their argument.
SELECT s AS before, survey_accum_nps(s, 9) AS after, s AS unchanged
FROM (SELECT '{"version":1,"counts":[1,0,0,0,0,0,0,0,0,0,0]}'::survey_summary AS s) AS t;
SELECT survey_summary_uncombine(survey_agg(score), survey_agg(score + 1)) FROM (VALUES (1)) AS t(score);
\echo :LAST_ERROR_SQLSTATE
