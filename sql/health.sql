-- csmetrics health family (since 0.2.0): health scores, weighted factor scores, bands.
-- The C symbols are defined in src/pg/health.rs. Every function here is released API: never
-- change a signature or return type; add new functions instead.

---------------------------------------------------------------------------------------------
-- Scalar scores
---------------------------------------------------------------------------------------------
CREATE FUNCTION health_score(actions double precision[], weights double precision[])
    RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_health_score_arrays' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION health_score(actions jsonb, weights jsonb) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_health_score_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- Untyped literals ('{"logins": 5}', '{...}') match both forms above equally (neither arrays
-- nor jsonb are in the string category), so PostgreSQL would call them ambiguous; these
-- overloads take them as text and read them as jsonb. Inlined by the planner.
CREATE FUNCTION health_score(actions text, weights text) RETURNS double precision
    AS $$ SELECT @extschema@.health_score(CAST(actions AS pg_catalog.jsonb), CAST(weights AS pg_catalog.jsonb)) $$
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION weighted_health(scores double precision[], weights double precision[])
    RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_weighted_health_arrays' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION weighted_health(scores jsonb, weights jsonb) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_weighted_health_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION weighted_health(scores text, weights text) RETURNS double precision
    AS $$ SELECT @extschema@.weighted_health(CAST(scores AS pg_catalog.jsonb), CAST(weights AS pg_catalog.jsonb)) $$
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION health_contributions(actions jsonb, weights jsonb)
    RETURNS TABLE (signal text, amount double precision, weight double precision, points double precision)
    AS 'MODULE_PATHNAME', 'csm_health_contributions' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 10;

---------------------------------------------------------------------------------------------
-- Bands
---------------------------------------------------------------------------------------------
CREATE FUNCTION health_band(score double precision) RETURNS text
    AS 'MODULE_PATHNAME', 'csm_health_band' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION health_band(score double precision, bands jsonb) RETURNS text
    AS 'MODULE_PATHNAME', 'csm_health_band_custom' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

---------------------------------------------------------------------------------------------
-- health_score(signal, amount, weights): the sum of weights[signal] x amount over event rows.
-- The state (health_score_state) holds the parsed weights and an exact sum per signal; see
-- src/kpi/health/state.rs. Transitions are not strict: they skip rows with a NULL input.
---------------------------------------------------------------------------------------------
CREATE TYPE health_score_state;
CREATE FUNCTION health_score_state_in(cstring) RETURNS health_score_state
    AS 'MODULE_PATHNAME', 'csm_health_score_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION health_score_state_out(health_score_state) RETURNS cstring
    AS 'MODULE_PATHNAME', 'csm_health_score_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION health_score_state_recv(internal) RETURNS health_score_state
    AS 'MODULE_PATHNAME', 'csm_health_score_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION health_score_state_send(health_score_state) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_health_score_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE health_score_state (
    INPUT = health_score_state_in,
    OUTPUT = health_score_state_out,
    RECEIVE = health_score_state_recv,
    SEND = health_score_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);
COMMENT ON TYPE health_score_state IS
    'csmetrics: partial state of health_score(signal, amount, weights) (weights and exact sums per signal)';
-- BEGIN GENERATED equality(health_score_state): sql/templates/equality.sql via scripts/gen-sql.py
CREATE FUNCTION health_score_state_eq(health_score_state, health_score_state) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION health_score_state_ne(health_score_state, health_score_state) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION health_score_state_hash(health_score_state) RETURNS integer
    AS 'MODULE_PATHNAME', 'csm_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION health_score_state_hash_extended(health_score_state, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.= (
    LEFTARG = health_score_state, RIGHTARG = health_score_state, FUNCTION = @extschema@.health_score_state_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES
);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = health_score_state, RIGHTARG = health_score_state, FUNCTION = @extschema@.health_score_state_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR CLASS @extschema@.health_score_state_ops DEFAULT FOR TYPE health_score_state USING hash AS
    OPERATOR 1 @extschema@.= (health_score_state, health_score_state),
    FUNCTION 1 @extschema@.health_score_state_hash(health_score_state),
    FUNCTION 2 @extschema@.health_score_state_hash_extended(health_score_state, bigint);
-- END GENERATED equality(health_score_state)

CREATE FUNCTION health_accum(health_score_state, text, double precision, jsonb) RETURNS health_score_state
    AS 'MODULE_PATHNAME', 'csm_health_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION health_retract(health_score_state, text, double precision, jsonb) RETURNS health_score_state
    AS 'MODULE_PATHNAME', 'csm_health_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION health_state_combine(health_score_state, health_score_state) RETURNS health_score_state
    AS 'MODULE_PATHNAME', 'csm_health_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION health_state_score(health_score_state) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_health_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- Moving mode: the per-signal sums are exact (not float sums), so taking a row back is an
-- exact inverse and a sliding frame equals its recomputation.
CREATE AGGREGATE health_score(signal text, amount double precision, weights jsonb) (
    SFUNC = health_accum, STYPE = health_score_state, SSPACE = 256,
    FINALFUNC = health_state_score,
    COMBINEFUNC = health_state_combine,
    MSFUNC = health_accum, MINVFUNC = health_retract, MSTYPE = health_score_state, MSSPACE = 256,
    MFINALFUNC = health_state_score,
    PARALLEL = SAFE
);
