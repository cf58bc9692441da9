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
-- The state (internal) holds the parsed weights and an exact sum per signal; see
-- src/kpi/health/state.rs. Transitions are not strict: they skip rows with a NULL input.
---------------------------------------------------------------------------------------------
CREATE FUNCTION health_accum(internal, text, double precision, jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_health_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION health_retract(internal, text, double precision, jsonb) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_health_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION health_state_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_health_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION health_state_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_health_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION health_state_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_health_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION health_state_score(internal) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_health_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- Moving mode: the per-signal sums are exact (not float sums), so taking a row back is an
-- exact inverse and a sliding frame equals its recomputation.
CREATE AGGREGATE health_score(signal text, amount double precision, weights jsonb) (
    SFUNC = health_accum, STYPE = internal, SSPACE = 256,
    FINALFUNC = health_state_score,
    COMBINEFUNC = health_state_combine,
    SERIALFUNC = health_state_serialize, DESERIALFUNC = health_state_deserialize,
    MSFUNC = health_accum, MINVFUNC = health_retract, MSTYPE = internal, MSSPACE = 256,
    MFINALFUNC = health_state_score,
    PARALLEL = SAFE
);
