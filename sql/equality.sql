-- Equality and hashing of the summary and state types (since 0.2.0), so that DISTINCT, UNION,
-- GROUP BY and = work on stored summaries. Every type's stored form is canonical, so the same
-- C functions (src/pg/datum.rs) compare and hash the bytes of any of them. Summaries have no
-- natural order, hence no btree operator class.

-- BEGIN GENERATED equality(survey_summary): sql/templates/equality.sql via scripts/gen-sql.py
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
-- END GENERATED equality(survey_summary)

-- BEGIN GENERATED equality(share_state): sql/templates/equality.sql via scripts/gen-sql.py
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
-- END GENERATED equality(share_state)
