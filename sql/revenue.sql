-- csmetrics revenue family (since 0.2.0): exact money, NRR/GRR, MRR movements, money helpers.
-- The C symbols are defined in src/pg/revenue/. Money is numeric in and out, summed exactly
-- as scaled 128-bit integers (src/kpi/revenue/money.rs): never a float, never rounded.

---------------------------------------------------------------------------------------------
-- nrr(start, expansion, churn, contraction) and grr(start, churn, contraction)
---------------------------------------------------------------------------------------------
-- Not strict: the state is internal and starts NULL; a NULL start skips the row, a NULL
-- movement counts as 0 (these columns come from LEFT JOINs).
CREATE FUNCTION nrr_accum(internal, numeric, numeric, numeric, numeric) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_nrr_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION nrr_retract(internal, numeric, numeric, numeric, numeric) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_nrr_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION grr_accum(internal, numeric, numeric, numeric) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_grr_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION grr_retract(internal, numeric, numeric, numeric) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_grr_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION retention_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_retention_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION retention_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_retention_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION retention_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_retention_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION nrr_final(internal) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_nrr_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION grr_final(internal) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_grr_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- Moving mode: exact decimal sums have exact inverses, so a sliding frame is O(rows).
CREATE AGGREGATE nrr(start numeric, expansion numeric, churn numeric, contraction numeric) (
    SFUNC = nrr_accum, STYPE = internal, SSPACE = 96, FINALFUNC = nrr_final,
    COMBINEFUNC = retention_combine, SERIALFUNC = retention_serialize,
    DESERIALFUNC = retention_deserialize,
    MSFUNC = nrr_accum, MINVFUNC = nrr_retract, MSTYPE = internal, MSSPACE = 96,
    MFINALFUNC = nrr_final,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE nrr(numeric, numeric, numeric, numeric) IS
    'csmetrics: net revenue retention, 100 x (start + expansion - churn - contraction) / start';

CREATE AGGREGATE grr(start numeric, churn numeric, contraction numeric) (
    SFUNC = grr_accum, STYPE = internal, SSPACE = 96, FINALFUNC = grr_final,
    COMBINEFUNC = retention_combine, SERIALFUNC = retention_serialize,
    DESERIALFUNC = retention_deserialize,
    MSFUNC = grr_accum, MINVFUNC = grr_retract, MSTYPE = internal, MSSPACE = 96,
    MFINALFUNC = grr_final,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE grr(numeric, numeric, numeric) IS
    'csmetrics: gross revenue retention, 100 x (start - churn - contraction) / start';

---------------------------------------------------------------------------------------------
-- Per-row movement and money helpers
---------------------------------------------------------------------------------------------
-- Not strict: LAG() gives NULL on a customer's first row (0), paid_before NULL is false.
CREATE FUNCTION mrr_movement(previous numeric, current numeric, paid_before boolean)
    RETURNS text
    AS 'MODULE_PATHNAME', 'csm_mrr_movement' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION monthly_amount(amount numeric, billing_interval interval) RETURNS numeric
    AS 'MODULE_PATHNAME', 'csm_monthly_amount' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION clv(arpa numeric, customer_churn_rate double precision) RETURNS numeric
    AS 'MODULE_PATHNAME', 'csm_clv_churn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION clv(monthly_value numeric, lifetime interval) RETURNS numeric
    AS 'MODULE_PATHNAME', 'csm_clv_lifetime' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crc(retention_cost numeric, customers_retained bigint) RETURNS numeric
    AS 'MODULE_PATHNAME', 'csm_crc' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION crc_ratio(retention_cost numeric, recurring_revenue numeric)
    RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_crc_ratio' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION spend_lift(before numeric, after numeric) RETURNS numeric
    AS 'MODULE_PATHNAME', 'csm_spend_lift' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION spend_lift_percent(before numeric, after numeric) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_spend_lift_percent' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
