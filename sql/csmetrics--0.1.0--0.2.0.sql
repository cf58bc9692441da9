-- csmetrics 0.1.0 -> 0.2.0 (ALTER EXTENSION csmetrics UPDATE).
-- Carries a 0.1.0 database to exactly what CREATE EXTENSION csmetrics creates at 0.2.0; the
-- upgrade test (tests/clients/test_upgrade.py) compares the two catalogs.
\echo Use "ALTER EXTENSION csmetrics UPDATE" to load this file. \quit

---------------------------------------------------------------------------------------------
-- Fixes to 0.1.0 objects (signatures unchanged)
---------------------------------------------------------------------------------------------
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

---------------------------------------------------------------------------------------------
-- New in 0.2.0
---------------------------------------------------------------------------------------------
-- Equality and hashing of the summary and state types (since 0.2.0), so that DISTINCT, UNION,
-- GROUP BY and = work on stored summaries. Every type's stored form is canonical, so the same
-- C functions (src/pg/datum.rs) compare and hash the bytes of any of them. Summaries have no
-- natural order, hence no btree operator class.

CREATE FUNCTION survey_summary_eq(survey_summary, survey_summary) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_summary_ne(survey_summary, survey_summary) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_summary_hash(survey_summary) RETURNS integer
    AS 'MODULE_PATHNAME', 'csm_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survey_summary_hash_extended(survey_summary, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.= (
    LEFTARG = survey_summary, RIGHTARG = survey_summary, FUNCTION = @extschema@.survey_summary_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES
);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = survey_summary, RIGHTARG = survey_summary, FUNCTION = @extschema@.survey_summary_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR CLASS @extschema@.survey_summary_ops DEFAULT FOR TYPE survey_summary USING hash AS
    OPERATOR 1 @extschema@.= (survey_summary, survey_summary),
    FUNCTION 1 @extschema@.survey_summary_hash(survey_summary),
    FUNCTION 2 @extschema@.survey_summary_hash_extended(survey_summary, bigint);

CREATE FUNCTION share_state_eq(share_state, share_state) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION share_state_ne(share_state, share_state) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION share_state_hash(share_state) RETURNS integer
    AS 'MODULE_PATHNAME', 'csm_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION share_state_hash_extended(share_state, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.= (
    LEFTARG = share_state, RIGHTARG = share_state, FUNCTION = @extschema@.share_state_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES
);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = share_state, RIGHTARG = share_state, FUNCTION = @extschema@.share_state_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR CLASS @extschema@.share_state_ops DEFAULT FOR TYPE share_state USING hash AS
    OPERATOR 1 @extschema@.= (share_state, share_state),
    FUNCTION 1 @extschema@.share_state_hash(share_state),
    FUNCTION 2 @extschema@.share_state_hash_extended(share_state, bigint);
