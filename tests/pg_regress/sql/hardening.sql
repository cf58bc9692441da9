-- Hardening: each defect found by a hostile DBA, as a test that would have caught it.

-- 1. No function produces a state its own input rejects.
-- rollup() of two valid summaries whose total passes 2^63 - 1 is an error (22003), not a
-- value that dump/restore would then fail to read back.
SELECT rollup(s)::text::survey_summary
FROM (VALUES ('{"version":1,"counts":[4611686018427387904,0,0,0,0,0,0,0,0,0,0]}'::survey_summary),
             ('{"version":1,"counts":[0,4611686018427387904,0,0,0,0,0,0,0,0,0]}')) AS v(s);
\echo :LAST_ERROR_SQLSTATE
-- The combine function called directly: same check.
SELECT survey_summary_combine('{"version":1,"counts":[4611686018427387904,0,0,0,0,0,0,0,0,0,0]}',
                              '{"version":1,"counts":[0,4611686018427387904,0,0,0,0,0,0,0,0,0]}');
\echo :LAST_ERROR_SQLSTATE
-- A transition called directly on a summary whose total is already the largest bigint.
SELECT survey_accum('{"version":1,"counts":[9223372036854775806,1,0,0,0,0,0,0,0,0,0]}', 3);
\echo :LAST_ERROR_SQLSTATE
-- Taking back an unsatisfied answer from a share that holds only a satisfied one would leave
-- hits 1 of total 0: an error (22023), not a value share_percent reads as NULL.
SELECT share_retract_csat('{"version":1,"hits":1,"total":1}', 3, 4, 5);
\echo :LAST_ERROR_SQLSTATE
SELECT share_retract_csat('{"version":1,"hits":1,"total":2}', 3, 4, 5)::text AS ok;
-- Taking back a summary that was never merged in.
SELECT survey_summary_uncombine('{"version":1,"counts":[1,0,0,0,0,0,0,0,0,0,0]}',
                                '{"version":1,"counts":[0,1,0,0,0,0,0,0,0,0,0]}');
\echo :LAST_ERROR_SQLSTATE

-- Property: any sequence of support-function calls on extreme-but-valid values yields an
-- error or a value whose text and binary forms read back. 4,000 random calls.
SELECT setseed(0.6);
CREATE TEMP TABLE produced (op text, s survey_summary, h share_state);
DO $$
DECLARE
    big constant bigint[] := ARRAY[0, 1, 2, 4611686018427387903, 4611686018427387904,
                                   9223372036854775806, 9223372036854775807];
    s survey_summary := '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}';
    h share_state := '{"version":1,"hits":0,"total":0}';
    other survey_summary;
    op text;
    counts bigint[];
    t bigint;
    errors int := 0;
BEGIN
    FOR i IN 1 .. 4000 LOOP
        -- A random valid summary to combine with: one or two extreme counts.
        counts := array_fill(0::bigint, ARRAY[11]);
        counts[1 + floor(random() * 11)::int] := big[1 + floor(random() * 7)::int];
        BEGIN
            other := format('{"version":1,"counts":%s}', to_json(counts))::survey_summary;
        EXCEPTION WHEN OTHERS THEN other := s;
        END;
        op := (ARRAY['accum', 'retract', 'combine', 'uncombine', 'reset', 'share_accum',
                     'share_retract', 'share_combine', 'share_reset'])[1 + floor(random() * 9)::int];
        BEGIN
            CASE op
            WHEN 'accum' THEN s := survey_accum(s, floor(random() * 11)::int);
            WHEN 'retract' THEN s := survey_retract(s, floor(random() * 11)::int);
            WHEN 'combine' THEN s := survey_summary_combine(s, other);
            WHEN 'uncombine' THEN s := survey_summary_uncombine(s, other);
            WHEN 'reset' THEN s := other;
            WHEN 'share_accum' THEN h := share_accum_csat(h, 1 + floor(random() * 5)::int, 4, 5);
            WHEN 'share_retract' THEN h := share_retract_csat(h, 1 + floor(random() * 5)::int, 4, 5);
            WHEN 'share_combine' THEN h := share_state_combine(h, h);
            WHEN 'share_reset' THEN
                t := big[1 + floor(random() * 7)::int];
                h := format('{"version":1,"hits":%s,"total":%s}', floor(random() * least(t, 1000)), t)::share_state;
            END CASE;
            INSERT INTO produced VALUES (op, s, h);
        EXCEPTION WHEN numeric_value_out_of_range OR invalid_parameter_value THEN
            errors := errors + 1;
        END;
    END LOOP;
    RAISE NOTICE 'calls that raised 22003 or 22023: % of 4000', errors;
END $$;
-- Every value produced reads back through its text form...
SELECT count(*) AS values_produced,
       count(*) FILTER (WHERE s::text::survey_summary = s AND h::text::share_state = h) AS text_round_trips
FROM produced;
-- ... and through its binary form.
COPY produced TO '/tmp/csm_hardening_produced.bin' (FORMAT binary);
CREATE TEMP TABLE reread (LIKE produced);
COPY reread FROM '/tmp/csm_hardening_produced.bin' (FORMAT binary);
SELECT count(*) AS binary_round_trips
FROM (SELECT *, row_number() OVER () AS n FROM produced) AS a
JOIN (SELECT *, row_number() OVER () AS n FROM reread) AS b USING (n)
WHERE a.s = b.s AND a.h = b.h;

-- 2. SQL-language functions do not resolve names through the caller's search_path.
-- (b) The extension in its own schema, called from a search_path without it.
DROP EXTENSION csmetrics CASCADE;
CREATE SCHEMA ext;
CREATE EXTENSION csmetrics SCHEMA ext;
GRANT USAGE ON SCHEMA ext TO PUBLIC;
SET search_path = public;
SELECT d.* FROM (SELECT ext.survey_agg(3) AS s) AS t, ext.score_distribution(t.s) AS d
WHERE d.answers > 0;
RESET search_path;
-- (c) A role that can create a schema plants functions named like the ones the extension's
-- SQL functions call, first in the search_path of whoever calls them.
CREATE ROLE csm_hostile LOGIN;
SELECT format('GRANT CREATE ON DATABASE %I TO csm_hostile', current_database()) \gexec
SET ROLE csm_hostile;
CREATE SCHEMA evil;
CREATE FUNCTION evil.score_count(ext.survey_summary, integer) RETURNS bigint LANGUAGE sql
    AS $$ SELECT 666::bigint $$;
CREATE FUNCTION evil.generate_series(integer, integer) RETURNS SETOF integer LANGUAGE sql
    AS $$ SELECT 666 $$;
GRANT USAGE ON SCHEMA evil TO PUBLIC;
RESET ROLE;
-- Called by a superuser with the hostile schema first: the planted functions do not run.
SET search_path = evil, ext, public;
SELECT d.* FROM (SELECT ext.survey_agg(3) AS s) AS t, ext.score_distribution(t.s) AS d
WHERE d.answers > 0;
RESET search_path;
-- Every SQL-language function of the extension qualifies every call: no identifier followed by
-- "(" without a schema, apart from SQL key words.
SELECT p.oid::regprocedure AS unqualified_sql_function, m[1] AS call
FROM pg_proc p
JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'csmetrics'
JOIN pg_language l ON l.oid = p.prolang AND l.lanname = 'sql',
LATERAL regexp_matches(p.prosrc, '(?<![.\w])([a-z_][a-z0-9_]*)\s*\(', 'gi') AS m
WHERE lower(m[1]) NOT IN ('select', 'from', 'values', 'as', 'in', 'exists', 'and', 'or', 'not',
                          'with', 'over', 'filter', 'where', 'on', 'using', 'join', 'lateral',
                          'coalesce', 'nullif', 'greatest', 'least', 'case', 'when', 'then',
                          'cast', 'row', 'array');
DROP SCHEMA evil CASCADE;
DROP EXTENSION csmetrics CASCADE;
DROP SCHEMA ext;
CREATE EXTENSION csmetrics;

-- 3. Summaries and states compare: =, <>, DISTINCT, UNION, GROUP BY, hash joins.
CREATE TEMP TABLE stored AS
SELECT g % 3 AS k, survey_agg(score) AS s
FROM (SELECT g, (g * 7) % 11 AS score FROM generate_series(1, 60) AS g) AS t
GROUP BY g % 3;
INSERT INTO stored SELECT k + 10, s FROM stored WHERE k = 0;
SELECT a.k, b.k, a.s = b.s AS eq, a.s <> b.s AS ne
FROM stored a JOIN stored b ON a.k <= b.k ORDER BY 1, 2;
SELECT count(*) AS distinct_summaries FROM (SELECT DISTINCT s FROM stored) AS d;
SELECT count(*) AS union_rows FROM (SELECT s FROM stored UNION SELECT s FROM stored) AS u;
SELECT count(*) AS groups, sum(n) AS rows FROM (SELECT s, count(*) AS n FROM stored GROUP BY s) AS g;
SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM stored a JOIN stored b USING (s);
SELECT count(*) AS hash_join_pairs FROM stored a JOIN stored b USING (s);
RESET enable_mergejoin;
RESET enable_nestloop;
SELECT count(DISTINCT h::text) AS distinct_shares, count(*) AS rows
FROM (SELECT DISTINCT h FROM (VALUES ('{"version":1,"hits":1,"total":2}'::share_state),
                                     ('{"version":1, "total":2, "hits":1}'),
                                     ('{"version":1,"hits":2,"total":2}')) AS v(h)) AS d;
-- Equal values hash alike, with and without a seed (hash partitioning uses the latter).
SELECT survey_summary_hash(s) = survey_summary_hash(s::text::survey_summary) AS same_hash,
       survey_summary_hash_extended(s, 42) = survey_summary_hash_extended(s::text::survey_summary, 42) AS same_seeded_hash
FROM stored WHERE k = 0;

-- 4. A confidence inside (0, 1), however close to 1, gives a finite margin.
SELECT c, round(nps_margin(s, c)::numeric, 3) AS margin, nps_margin(s, c) < 'Infinity'::float8 AS finite
FROM (SELECT survey_agg(x) AS s FROM (VALUES (10), (3), (8)) AS v(x)) AS t,
     (VALUES (0.9999999999999999::float8), (1 - 2 ^ -53), (1e-300)) AS cs(c);
SELECT round(nps_margin(s, 0.95)::numeric, 6) AS margin_95
FROM (SELECT survey_agg(x) AS s FROM (VALUES (10), (3), (8)) AS v(x)) AS t;

-- 5. Errors name the function the user called, also in a window frame.
SELECT survey_agg(x) OVER (ROWS 1 PRECEDING) FROM (VALUES (1), (11)) AS v(x);
\echo :LAST_ERROR_SQLSTATE
SELECT csat(x) OVER (ROWS 1 PRECEDING) FROM (VALUES (1), (6)) AS v(x);

-- 7. DETAILs say what is wrong; echoed input is bounded.
SELECT '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0,0]}'::survey_summary;
SELECT '{"version":1,"counts":[100000000000000000000000000000,0,0,0,0,0,0,0,0,0,0]}'::survey_summary;
SELECT '{"version":1,"counts":[-0,0,0,0,0,0,0,0,0,0,1]}'::survey_summary AS minus_zero_reads_as_zero;
SELECT E'{"version":1,"\\u0000x":1}'::share_state;
SELECT '{"version":1,"hits":2.5,"total":3}'::share_state;
DO $$
BEGIN
    PERFORM nps(('1e100000')::numeric);
EXCEPTION WHEN numeric_value_out_of_range THEN
    RAISE NOTICE 'message of % characters: %', length(SQLERRM), left(SQLERRM, 30);
END $$;
