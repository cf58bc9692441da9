-- Hand-written changes to objects csmetrics 0.1.0 already created (CREATE OR REPLACE, ALTER),
-- copied to the top of sql/csmetrics--0.1.0--0.2.0.sql by scripts/gen-sql.py (this paragraph
-- is not). Each must leave the object exactly as the family file defines it: the generator
-- checks that, and refuses a family change to a 0.1.0 object that has no entry here.

-- score_distribution() named score_count and generate_series unqualified, so it resolved them
-- through the caller's search_path.
CREATE OR REPLACE FUNCTION score_distribution(summary survey_summary)
    RETURNS TABLE (score integer, answers bigint)
    AS $$ SELECT s, @extschema@.score_count(summary, s) FROM pg_catalog.generate_series(0, 10) AS s $$
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE;

-- survey_agg() in a window frame checked answers as nps() does and named nps in its errors.
CREATE OR REPLACE AGGREGATE survey_agg(score smallint) (
    SFUNC = survey_accum, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = survey_summary_nonempty,
    MSFUNC = survey_accum, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = survey_summary_nonempty,
    PARALLEL = SAFE
);
CREATE OR REPLACE AGGREGATE survey_agg(score integer) (
    SFUNC = survey_accum, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = survey_summary_nonempty,
    MSFUNC = survey_accum, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = survey_summary_nonempty,
    PARALLEL = SAFE
);
CREATE OR REPLACE AGGREGATE survey_agg(score bigint) (
    SFUNC = survey_accum, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = survey_summary_nonempty,
    MSFUNC = survey_accum, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = survey_summary_nonempty,
    PARALLEL = SAFE
);
CREATE OR REPLACE AGGREGATE survey_agg(score numeric) (
    SFUNC = survey_accum, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = survey_summary_nonempty,
    MSFUNC = survey_accum, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = survey_summary_nonempty,
    PARALLEL = SAFE
);
