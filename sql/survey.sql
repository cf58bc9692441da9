-- csmetrics survey family: survey_summary, NPS, CSAT, CES.
-- The C symbols are defined in src/pg/survey.rs. Every function here is released API: never
-- change a signature or return type; add new functions instead.

---------------------------------------------------------------------------------------------
-- survey_summary: answers counted at each score 0-10 (see src/kpi/survey.rs)
---------------------------------------------------------------------------------------------
CREATE TYPE survey_summary;

CREATE FUNCTION survey_summary_in(cstring) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_survey_summary_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_summary_out(survey_summary) RETURNS cstring
    AS 'MODULE_PATHNAME', 'csm_survey_summary_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_summary_recv(internal) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_survey_summary_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_summary_send(survey_summary) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_survey_summary_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- STORAGE = plain: 96 bytes, never worth compressing, and always a 4-byte header in memory.
CREATE TYPE survey_summary (
    INPUT = survey_summary_in,
    OUTPUT = survey_summary_out,
    RECEIVE = survey_summary_recv,
    SEND = survey_summary_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = plain
);
COMMENT ON TYPE survey_summary IS
    'csmetrics: count of survey answers at each score 0-10; read with nps(), csat(), ces(), ...';

CREATE FUNCTION survey_summary_combine(survey_summary, survey_summary) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_survey_summary_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_summary_uncombine(survey_summary, survey_summary) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_survey_summary_uncombine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_summary_nonempty(survey_summary) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_survey_summary_nonempty' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

---------------------------------------------------------------------------------------------
-- share_state: hits out of a total (state of csat(score, satisfied_min, scale_max))
---------------------------------------------------------------------------------------------
CREATE TYPE share_state;

CREATE FUNCTION share_state_in(cstring) RETURNS share_state
    AS 'MODULE_PATHNAME', 'csm_share_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION share_state_out(share_state) RETURNS cstring
    AS 'MODULE_PATHNAME', 'csm_share_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION share_state_recv(internal) RETURNS share_state
    AS 'MODULE_PATHNAME', 'csm_share_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION share_state_send(share_state) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_share_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE share_state (
    INPUT = share_state_in,
    OUTPUT = share_state_out,
    RECEIVE = share_state_recv,
    SEND = share_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = plain
);
COMMENT ON TYPE share_state IS 'csmetrics: hits out of a total, the state of share aggregates';

CREATE FUNCTION share_state_combine(share_state, share_state) RETURNS share_state
    AS 'MODULE_PATHNAME', 'csm_share_state_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION share_percent(share_state) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_share_percent' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

---------------------------------------------------------------------------------------------
-- Accessors of survey_summary (also the final functions of the one-step aggregates)
---------------------------------------------------------------------------------------------
CREATE FUNCTION nps(survey_summary) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_survey_nps' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION nps_margin(survey_summary) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_survey_nps_margin' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION nps_margin(survey_summary, confidence double precision) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_survey_nps_margin_at' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION csat(survey_summary) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_survey_csat' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION csat(survey_summary, satisfied_min integer) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_survey_csat_from' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ces(survey_summary) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_survey_ces' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mean_score(survey_summary) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_survey_mean' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION responses(survey_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_survey_responses' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION promoters(survey_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_survey_promoters' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION passives(survey_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_survey_passives' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION detractors(survey_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_survey_detractors' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION score_count(survey_summary, score integer) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_survey_score_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION score_distribution(summary survey_summary)
    RETURNS TABLE (score integer, answers bigint)
    AS $$ SELECT s, @extschema@.score_count(summary, s) FROM pg_catalog.generate_series(0, 10) AS s $$
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE;

---------------------------------------------------------------------------------------------
-- rollup(survey_summary): merge stored summaries (per day -> per month, per shard -> total)
---------------------------------------------------------------------------------------------
CREATE AGGREGATE rollup(survey_summary) (
    SFUNC = survey_summary_combine, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = survey_summary_nonempty,
    MSFUNC = survey_summary_combine, MINVFUNC = survey_summary_uncombine,
    MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    MFINALFUNC = survey_summary_nonempty,
    PARALLEL = SAFE
);

---------------------------------------------------------------------------------------------
-- Transition functions, one per score column type (smallint, integer, bigint, numeric).
-- survey_retract is the exact inverse of every survey_accum_*, used by window frames.
---------------------------------------------------------------------------------------------
-- smallint
CREATE FUNCTION survey_accum(survey_summary, smallint) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_survey_accum_int2' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_accum_nps(survey_summary, smallint) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_nps_accum_int2' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_accum_csat(survey_summary, smallint) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_csat_accum_int2' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_accum_ces(survey_summary, smallint) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_ces_accum_int2' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_accum_ces(survey_summary, smallint, scale_max integer) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_ces_scale_accum_int2' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_retract(survey_summary, smallint) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_survey_retract_int2' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_retract(survey_summary, smallint, scale_max integer) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_survey_retract_int2' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION share_accum_csat(share_state, smallint, satisfied_min integer, scale_max integer) RETURNS share_state
    AS 'MODULE_PATHNAME', 'csm_csat_share_accum_int2' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION share_retract_csat(share_state, smallint, satisfied_min integer, scale_max integer) RETURNS share_state
    AS 'MODULE_PATHNAME', 'csm_csat_share_retract_int2' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- integer
CREATE FUNCTION survey_accum(survey_summary, integer) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_survey_accum_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_accum_nps(survey_summary, integer) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_nps_accum_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_accum_csat(survey_summary, integer) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_csat_accum_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_accum_ces(survey_summary, integer) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_ces_accum_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_accum_ces(survey_summary, integer, scale_max integer) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_ces_scale_accum_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_retract(survey_summary, integer) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_survey_retract_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_retract(survey_summary, integer, scale_max integer) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_survey_retract_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION share_accum_csat(share_state, integer, satisfied_min integer, scale_max integer) RETURNS share_state
    AS 'MODULE_PATHNAME', 'csm_csat_share_accum_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION share_retract_csat(share_state, integer, satisfied_min integer, scale_max integer) RETURNS share_state
    AS 'MODULE_PATHNAME', 'csm_csat_share_retract_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- bigint
CREATE FUNCTION survey_accum(survey_summary, bigint) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_survey_accum_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_accum_nps(survey_summary, bigint) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_nps_accum_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_accum_csat(survey_summary, bigint) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_csat_accum_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_accum_ces(survey_summary, bigint) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_ces_accum_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_accum_ces(survey_summary, bigint, scale_max integer) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_ces_scale_accum_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_retract(survey_summary, bigint) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_survey_retract_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_retract(survey_summary, bigint, scale_max integer) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_survey_retract_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION share_accum_csat(share_state, bigint, satisfied_min integer, scale_max integer) RETURNS share_state
    AS 'MODULE_PATHNAME', 'csm_csat_share_accum_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION share_retract_csat(share_state, bigint, satisfied_min integer, scale_max integer) RETURNS share_state
    AS 'MODULE_PATHNAME', 'csm_csat_share_retract_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- numeric
CREATE FUNCTION survey_accum(survey_summary, numeric) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_survey_accum_numeric' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_accum_nps(survey_summary, numeric) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_nps_accum_numeric' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_accum_csat(survey_summary, numeric) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_csat_accum_numeric' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_accum_ces(survey_summary, numeric) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_ces_accum_numeric' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_accum_ces(survey_summary, numeric, scale_max integer) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_ces_scale_accum_numeric' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_retract(survey_summary, numeric) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_survey_retract_numeric' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_retract(survey_summary, numeric, scale_max integer) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_survey_retract_numeric' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION share_accum_csat(share_state, numeric, satisfied_min integer, scale_max integer) RETURNS share_state
    AS 'MODULE_PATHNAME', 'csm_csat_share_accum_numeric' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION share_retract_csat(share_state, numeric, satisfied_min integer, scale_max integer) RETURNS share_state
    AS 'MODULE_PATHNAME', 'csm_csat_share_retract_numeric' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

---------------------------------------------------------------------------------------------
-- The aggregates. Every one is parallel safe (combine = merge of counts) and has a moving mode
-- (inverse = un-count), so a sliding window frame costs O(rows). SSPACE tells the planner the
-- state's real size (a survey_summary is 96 bytes), for its hash-aggregation memory estimates.
---------------------------------------------------------------------------------------------
-- smallint
CREATE AGGREGATE survey_agg(score smallint) (
    SFUNC = survey_accum, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = survey_summary_nonempty,
    MSFUNC = survey_accum, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = survey_summary_nonempty,
    PARALLEL = SAFE
);
CREATE AGGREGATE nps(score smallint) (
    SFUNC = survey_accum_nps, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = nps,
    MSFUNC = survey_accum_nps, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = nps,
    PARALLEL = SAFE
);
CREATE AGGREGATE csat(score smallint) (
    SFUNC = survey_accum_csat, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = csat,
    MSFUNC = survey_accum_csat, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = csat,
    PARALLEL = SAFE
);
CREATE AGGREGATE csat(score smallint, satisfied_min integer, scale_max integer) (
    SFUNC = share_accum_csat, STYPE = share_state, SSPACE = 24, INITCOND = '{"version":1,"hits":0,"total":0}',
    COMBINEFUNC = share_state_combine, FINALFUNC = share_percent,
    MSFUNC = share_accum_csat, MINVFUNC = share_retract_csat, MSTYPE = share_state, MSSPACE = 24, MINITCOND = '{"version":1,"hits":0,"total":0}', MFINALFUNC = share_percent,
    PARALLEL = SAFE
);
CREATE AGGREGATE ces(score smallint) (
    SFUNC = survey_accum_ces, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = ces,
    MSFUNC = survey_accum_ces, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = ces,
    PARALLEL = SAFE
);
CREATE AGGREGATE ces(score smallint, scale_max integer) (
    SFUNC = survey_accum_ces, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = ces,
    MSFUNC = survey_accum_ces, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = ces,
    PARALLEL = SAFE
);

-- integer
CREATE AGGREGATE survey_agg(score integer) (
    SFUNC = survey_accum, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = survey_summary_nonempty,
    MSFUNC = survey_accum, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = survey_summary_nonempty,
    PARALLEL = SAFE
);
CREATE AGGREGATE nps(score integer) (
    SFUNC = survey_accum_nps, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = nps,
    MSFUNC = survey_accum_nps, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = nps,
    PARALLEL = SAFE
);
CREATE AGGREGATE csat(score integer) (
    SFUNC = survey_accum_csat, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = csat,
    MSFUNC = survey_accum_csat, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = csat,
    PARALLEL = SAFE
);
CREATE AGGREGATE csat(score integer, satisfied_min integer, scale_max integer) (
    SFUNC = share_accum_csat, STYPE = share_state, SSPACE = 24, INITCOND = '{"version":1,"hits":0,"total":0}',
    COMBINEFUNC = share_state_combine, FINALFUNC = share_percent,
    MSFUNC = share_accum_csat, MINVFUNC = share_retract_csat, MSTYPE = share_state, MSSPACE = 24, MINITCOND = '{"version":1,"hits":0,"total":0}', MFINALFUNC = share_percent,
    PARALLEL = SAFE
);
CREATE AGGREGATE ces(score integer) (
    SFUNC = survey_accum_ces, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = ces,
    MSFUNC = survey_accum_ces, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = ces,
    PARALLEL = SAFE
);
CREATE AGGREGATE ces(score integer, scale_max integer) (
    SFUNC = survey_accum_ces, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = ces,
    MSFUNC = survey_accum_ces, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = ces,
    PARALLEL = SAFE
);

-- bigint
CREATE AGGREGATE survey_agg(score bigint) (
    SFUNC = survey_accum, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = survey_summary_nonempty,
    MSFUNC = survey_accum, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = survey_summary_nonempty,
    PARALLEL = SAFE
);
CREATE AGGREGATE nps(score bigint) (
    SFUNC = survey_accum_nps, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = nps,
    MSFUNC = survey_accum_nps, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = nps,
    PARALLEL = SAFE
);
CREATE AGGREGATE csat(score bigint) (
    SFUNC = survey_accum_csat, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = csat,
    MSFUNC = survey_accum_csat, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = csat,
    PARALLEL = SAFE
);
CREATE AGGREGATE csat(score bigint, satisfied_min integer, scale_max integer) (
    SFUNC = share_accum_csat, STYPE = share_state, SSPACE = 24, INITCOND = '{"version":1,"hits":0,"total":0}',
    COMBINEFUNC = share_state_combine, FINALFUNC = share_percent,
    MSFUNC = share_accum_csat, MINVFUNC = share_retract_csat, MSTYPE = share_state, MSSPACE = 24, MINITCOND = '{"version":1,"hits":0,"total":0}', MFINALFUNC = share_percent,
    PARALLEL = SAFE
);
CREATE AGGREGATE ces(score bigint) (
    SFUNC = survey_accum_ces, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = ces,
    MSFUNC = survey_accum_ces, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = ces,
    PARALLEL = SAFE
);
CREATE AGGREGATE ces(score bigint, scale_max integer) (
    SFUNC = survey_accum_ces, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = ces,
    MSFUNC = survey_accum_ces, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = ces,
    PARALLEL = SAFE
);

-- numeric
CREATE AGGREGATE survey_agg(score numeric) (
    SFUNC = survey_accum, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = survey_summary_nonempty,
    MSFUNC = survey_accum, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = survey_summary_nonempty,
    PARALLEL = SAFE
);
CREATE AGGREGATE nps(score numeric) (
    SFUNC = survey_accum_nps, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = nps,
    MSFUNC = survey_accum_nps, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = nps,
    PARALLEL = SAFE
);
CREATE AGGREGATE csat(score numeric) (
    SFUNC = survey_accum_csat, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = csat,
    MSFUNC = survey_accum_csat, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = csat,
    PARALLEL = SAFE
);
CREATE AGGREGATE csat(score numeric, satisfied_min integer, scale_max integer) (
    SFUNC = share_accum_csat, STYPE = share_state, SSPACE = 24, INITCOND = '{"version":1,"hits":0,"total":0}',
    COMBINEFUNC = share_state_combine, FINALFUNC = share_percent,
    MSFUNC = share_accum_csat, MINVFUNC = share_retract_csat, MSTYPE = share_state, MSSPACE = 24, MINITCOND = '{"version":1,"hits":0,"total":0}', MFINALFUNC = share_percent,
    PARALLEL = SAFE
);
CREATE AGGREGATE ces(score numeric) (
    SFUNC = survey_accum_ces, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = ces,
    MSFUNC = survey_accum_ces, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = ces,
    PARALLEL = SAFE
);
CREATE AGGREGATE ces(score numeric, scale_max integer) (
    SFUNC = survey_accum_ces, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = ces,
    MSFUNC = survey_accum_ces, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = ces,
    PARALLEL = SAFE
);

---------------------------------------------------------------------------------------------
-- real and double precision scores (since 0.2.0): whole numbers only; a fraction, NaN or an
-- infinity is the same error as a fractional numeric answer.
---------------------------------------------------------------------------------------------
-- real
CREATE FUNCTION survey_accum(survey_summary, real) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_survey_accum_float4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_accum_nps(survey_summary, real) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_nps_accum_float4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_accum_csat(survey_summary, real) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_csat_accum_float4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_accum_ces(survey_summary, real) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_ces_accum_float4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_accum_ces(survey_summary, real, scale_max integer) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_ces_scale_accum_float4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_retract(survey_summary, real) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_survey_retract_float4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_retract(survey_summary, real, scale_max integer) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_survey_retract_float4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION share_accum_csat(share_state, real, satisfied_min integer, scale_max integer) RETURNS share_state
    AS 'MODULE_PATHNAME', 'csm_csat_share_accum_float4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION share_retract_csat(share_state, real, satisfied_min integer, scale_max integer) RETURNS share_state
    AS 'MODULE_PATHNAME', 'csm_csat_share_retract_float4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- double precision
CREATE FUNCTION survey_accum(survey_summary, double precision) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_survey_accum_float8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_accum_nps(survey_summary, double precision) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_nps_accum_float8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_accum_csat(survey_summary, double precision) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_csat_accum_float8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_accum_ces(survey_summary, double precision) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_ces_accum_float8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_accum_ces(survey_summary, double precision, scale_max integer) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_ces_scale_accum_float8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_retract(survey_summary, double precision) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_survey_retract_float8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_retract(survey_summary, double precision, scale_max integer) RETURNS survey_summary
    AS 'MODULE_PATHNAME', 'csm_survey_retract_float8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION share_accum_csat(share_state, double precision, satisfied_min integer, scale_max integer) RETURNS share_state
    AS 'MODULE_PATHNAME', 'csm_csat_share_accum_float8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION share_retract_csat(share_state, double precision, satisfied_min integer, scale_max integer) RETURNS share_state
    AS 'MODULE_PATHNAME', 'csm_csat_share_retract_float8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- real
CREATE AGGREGATE survey_agg(score real) (
    SFUNC = survey_accum, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = survey_summary_nonempty,
    MSFUNC = survey_accum, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = survey_summary_nonempty,
    PARALLEL = SAFE
);
CREATE AGGREGATE nps(score real) (
    SFUNC = survey_accum_nps, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = nps,
    MSFUNC = survey_accum_nps, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = nps,
    PARALLEL = SAFE
);
CREATE AGGREGATE csat(score real) (
    SFUNC = survey_accum_csat, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = csat,
    MSFUNC = survey_accum_csat, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = csat,
    PARALLEL = SAFE
);
CREATE AGGREGATE csat(score real, satisfied_min integer, scale_max integer) (
    SFUNC = share_accum_csat, STYPE = share_state, SSPACE = 24, INITCOND = '{"version":1,"hits":0,"total":0}',
    COMBINEFUNC = share_state_combine, FINALFUNC = share_percent,
    MSFUNC = share_accum_csat, MINVFUNC = share_retract_csat, MSTYPE = share_state, MSSPACE = 24, MINITCOND = '{"version":1,"hits":0,"total":0}', MFINALFUNC = share_percent,
    PARALLEL = SAFE
);
CREATE AGGREGATE ces(score real) (
    SFUNC = survey_accum_ces, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = ces,
    MSFUNC = survey_accum_ces, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = ces,
    PARALLEL = SAFE
);
CREATE AGGREGATE ces(score real, scale_max integer) (
    SFUNC = survey_accum_ces, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = ces,
    MSFUNC = survey_accum_ces, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = ces,
    PARALLEL = SAFE
);

-- double precision
CREATE AGGREGATE survey_agg(score double precision) (
    SFUNC = survey_accum, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = survey_summary_nonempty,
    MSFUNC = survey_accum, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = survey_summary_nonempty,
    PARALLEL = SAFE
);
CREATE AGGREGATE nps(score double precision) (
    SFUNC = survey_accum_nps, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = nps,
    MSFUNC = survey_accum_nps, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = nps,
    PARALLEL = SAFE
);
CREATE AGGREGATE csat(score double precision) (
    SFUNC = survey_accum_csat, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = csat,
    MSFUNC = survey_accum_csat, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = csat,
    PARALLEL = SAFE
);
CREATE AGGREGATE csat(score double precision, satisfied_min integer, scale_max integer) (
    SFUNC = share_accum_csat, STYPE = share_state, SSPACE = 24, INITCOND = '{"version":1,"hits":0,"total":0}',
    COMBINEFUNC = share_state_combine, FINALFUNC = share_percent,
    MSFUNC = share_accum_csat, MINVFUNC = share_retract_csat, MSTYPE = share_state, MSSPACE = 24, MINITCOND = '{"version":1,"hits":0,"total":0}', MFINALFUNC = share_percent,
    PARALLEL = SAFE
);
CREATE AGGREGATE ces(score double precision) (
    SFUNC = survey_accum_ces, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = ces,
    MSFUNC = survey_accum_ces, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = ces,
    PARALLEL = SAFE
);
CREATE AGGREGATE ces(score double precision, scale_max integer) (
    SFUNC = survey_accum_ces, STYPE = survey_summary, SSPACE = 96, INITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}',
    COMBINEFUNC = survey_summary_combine, FINALFUNC = ces,
    MSFUNC = survey_accum_ces, MINVFUNC = survey_retract, MSTYPE = survey_summary, MSSPACE = 96, MINITCOND = '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,0]}', MFINALFUNC = ces,
    PARALLEL = SAFE
);

