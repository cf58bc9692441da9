-- Equality and hashing of one summary or state type, @TYPE@, so that DISTINCT, UNION, GROUP BY
-- and = work on stored values. Every type's stored form is canonical, so the same C functions
-- (src/pg/datum.rs) compare and hash the bytes of any of them. No btree operator class: a
-- summary has no natural order. A family file asks for this block with a marker pair
-- (scripts/gen-sql.py expands it); this header is not copied.

CREATE FUNCTION @TYPE@_eq(@TYPE@, @TYPE@) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @TYPE@_ne(@TYPE@, @TYPE@) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @TYPE@_hash(@TYPE@) RETURNS integer
    AS 'MODULE_PATHNAME', 'csm_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @TYPE@_hash_extended(@TYPE@, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.= (
    LEFTARG = @TYPE@, RIGHTARG = @TYPE@, FUNCTION = @extschema@.@TYPE@_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES
);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = @TYPE@, RIGHTARG = @TYPE@, FUNCTION = @extschema@.@TYPE@_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR CLASS @extschema@.@TYPE@_ops DEFAULT FOR TYPE @TYPE@ USING hash AS
    OPERATOR 1 @extschema@.= (@TYPE@, @TYPE@),
    FUNCTION 1 @extschema@.@TYPE@_hash(@TYPE@),
    FUNCTION 2 @extschema@.@TYPE@_hash_extended(@TYPE@, bigint);
