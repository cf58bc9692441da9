-- csmetrics revenue family (since 0.2.0): exact money, NRR/GRR, MRR movements, money helpers.
-- The C symbols are defined in src/pg/revenue/. Money is numeric in and out, summed exactly
-- as scaled 128-bit integers (src/kpi/revenue/money.rs): never a float, never rounded.

---------------------------------------------------------------------------------------------
-- nrr(start, expansion, churn, contraction) and grr(start, churn, contraction)
---------------------------------------------------------------------------------------------
-- nrr_state: exact sums of the movement columns (src/kpi/revenue/retention.rs), shared by nrr()
-- and grr(), kept as an expanded object while aggregating and flat when it travels (parallel
-- workers, Citus). Text form {"type":"nrr_state","binary":"<hex>"}.
CREATE TYPE nrr_state;
CREATE FUNCTION nrr_state_in(cstring) RETURNS nrr_state
    AS 'MODULE_PATHNAME', 'csm_nrr_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION nrr_state_out(nrr_state) RETURNS cstring
    AS 'MODULE_PATHNAME', 'csm_nrr_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION nrr_state_recv(internal) RETURNS nrr_state
    AS 'MODULE_PATHNAME', 'csm_nrr_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION nrr_state_send(nrr_state) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_nrr_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE nrr_state (
    INPUT = nrr_state_in,
    OUTPUT = nrr_state_out,
    RECEIVE = nrr_state_recv,
    SEND = nrr_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);
COMMENT ON TYPE nrr_state IS
    'csmetrics: partial state of nrr() and grr() (exact sums of the movement columns)';
-- BEGIN GENERATED equality(nrr_state): sql/templates/equality.sql via scripts/gen-sql.py
CREATE FUNCTION nrr_state_eq(nrr_state, nrr_state) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION nrr_state_ne(nrr_state, nrr_state) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION nrr_state_hash(nrr_state) RETURNS integer
    AS 'MODULE_PATHNAME', 'csm_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION nrr_state_hash_extended(nrr_state, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.= (
    LEFTARG = nrr_state, RIGHTARG = nrr_state, FUNCTION = @extschema@.nrr_state_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES
);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = nrr_state, RIGHTARG = nrr_state, FUNCTION = @extschema@.nrr_state_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR CLASS @extschema@.nrr_state_ops DEFAULT FOR TYPE nrr_state USING hash AS
    OPERATOR 1 @extschema@.= (nrr_state, nrr_state),
    FUNCTION 1 @extschema@.nrr_state_hash(nrr_state),
    FUNCTION 2 @extschema@.nrr_state_hash_extended(nrr_state, bigint);
-- END GENERATED equality(nrr_state)

-- Not strict: the state starts NULL; a NULL start skips the row, a NULL movement counts as 0
-- (these columns come from LEFT JOINs).
CREATE FUNCTION nrr_accum(nrr_state, numeric, numeric, numeric, numeric) RETURNS nrr_state
    AS 'MODULE_PATHNAME', 'csm_nrr_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION nrr_retract(nrr_state, numeric, numeric, numeric, numeric) RETURNS nrr_state
    AS 'MODULE_PATHNAME', 'csm_nrr_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION grr_accum(nrr_state, numeric, numeric, numeric) RETURNS nrr_state
    AS 'MODULE_PATHNAME', 'csm_grr_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION grr_retract(nrr_state, numeric, numeric, numeric) RETURNS nrr_state
    AS 'MODULE_PATHNAME', 'csm_grr_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION retention_combine(nrr_state, nrr_state) RETURNS nrr_state
    AS 'MODULE_PATHNAME', 'csm_retention_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION nrr_final(nrr_state) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_nrr_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION grr_final(nrr_state) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_grr_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- Moving mode: exact decimal sums have exact inverses, so a sliding frame is O(rows).
CREATE AGGREGATE nrr(start numeric, expansion numeric, churn numeric, contraction numeric) (
    SFUNC = nrr_accum, STYPE = nrr_state, SSPACE = 96, FINALFUNC = nrr_final,
    COMBINEFUNC = retention_combine,
    MSFUNC = nrr_accum, MINVFUNC = nrr_retract, MSTYPE = nrr_state, MSSPACE = 96,
    MFINALFUNC = nrr_final,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE nrr(numeric, numeric, numeric, numeric) IS
    'csmetrics: net revenue retention, 100 x (start + expansion - churn - contraction) / start';

CREATE AGGREGATE grr(start numeric, churn numeric, contraction numeric) (
    SFUNC = grr_accum, STYPE = nrr_state, SSPACE = 96, FINALFUNC = grr_final,
    COMBINEFUNC = retention_combine,
    MSFUNC = grr_accum, MINVFUNC = grr_retract, MSTYPE = nrr_state, MSSPACE = 96,
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

---------------------------------------------------------------------------------------------
-- mrr_history: customer -> month -> exact MRR (src/kpi/revenue/history.rs)
---------------------------------------------------------------------------------------------
CREATE TYPE mrr_history;

CREATE FUNCTION mrr_history_in(cstring) RETURNS mrr_history
    AS 'MODULE_PATHNAME', 'csm_mrr_history_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mrr_history_out(mrr_history) RETURNS cstring
    AS 'MODULE_PATHNAME', 'csm_mrr_history_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mrr_history_recv(internal) RETURNS mrr_history
    AS 'MODULE_PATHNAME', 'csm_mrr_history_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mrr_history_send(mrr_history) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_mrr_history_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE mrr_history (
    INPUT = mrr_history_in,
    OUTPUT = mrr_history_out,
    RECEIVE = mrr_history_recv,
    SEND = mrr_history_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);
COMMENT ON TYPE mrr_history IS
    'csmetrics: MRR per customer and month, exact; read with mrr_movements(), revenue_kpis(), nrr()';

-- BEGIN GENERATED equality(mrr_history): sql/templates/equality.sql via scripts/gen-sql.py
CREATE FUNCTION mrr_history_eq(mrr_history, mrr_history) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mrr_history_ne(mrr_history, mrr_history) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mrr_history_hash(mrr_history) RETURNS integer
    AS 'MODULE_PATHNAME', 'csm_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mrr_history_hash_extended(mrr_history, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.= (
    LEFTARG = mrr_history, RIGHTARG = mrr_history, FUNCTION = @extschema@.mrr_history_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES
);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = mrr_history, RIGHTARG = mrr_history, FUNCTION = @extschema@.mrr_history_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR CLASS @extschema@.mrr_history_ops DEFAULT FOR TYPE mrr_history USING hash AS
    OPERATOR 1 @extschema@.= (mrr_history, mrr_history),
    FUNCTION 1 @extschema@.mrr_history_hash(mrr_history),
    FUNCTION 2 @extschema@.mrr_history_hash_extended(mrr_history, bigint);
-- END GENERATED equality(mrr_history)

-- mrr_state: the aggregate state of mrr_agg() and rollup(mrr_history), a history whose months
-- may still hold credits (negative amounts) that only the final function nets. Kept as an
-- expanded object while aggregating (src/pg/expanded.rs); this flat form is what parallel
-- workers and Citus nodes exchange. Text form: {"type":"mrr_state","binary":"<hex>"}.
CREATE TYPE mrr_state;

CREATE FUNCTION mrr_state_in(cstring) RETURNS mrr_state
    AS 'MODULE_PATHNAME', 'csm_mrr_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mrr_state_out(mrr_state) RETURNS cstring
    AS 'MODULE_PATHNAME', 'csm_mrr_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mrr_state_recv(internal) RETURNS mrr_state
    AS 'MODULE_PATHNAME', 'csm_mrr_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mrr_state_send(mrr_state) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_mrr_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE mrr_state (
    INPUT = mrr_state_in,
    OUTPUT = mrr_state_out,
    RECEIVE = mrr_state_recv,
    SEND = mrr_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);
COMMENT ON TYPE mrr_state IS
    'csmetrics: partial state of mrr_agg() (credits not yet netted); finish with mrr_history_final()';

-- BEGIN GENERATED equality(mrr_state): sql/templates/equality.sql via scripts/gen-sql.py
CREATE FUNCTION mrr_state_eq(mrr_state, mrr_state) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mrr_state_ne(mrr_state, mrr_state) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mrr_state_hash(mrr_state) RETURNS integer
    AS 'MODULE_PATHNAME', 'csm_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mrr_state_hash_extended(mrr_state, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.= (
    LEFTARG = mrr_state, RIGHTARG = mrr_state, FUNCTION = @extschema@.mrr_state_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES
);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = mrr_state, RIGHTARG = mrr_state, FUNCTION = @extschema@.mrr_state_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR CLASS @extschema@.mrr_state_ops DEFAULT FOR TYPE mrr_state USING hash AS
    OPERATOR 1 @extschema@.= (mrr_state, mrr_state),
    FUNCTION 1 @extschema@.mrr_state_hash(mrr_state),
    FUNCTION 2 @extschema@.mrr_state_hash_extended(mrr_state, bigint);
-- END GENERATED equality(mrr_state)

-- Aggregate support: the state is an mrr_state, updated in place (not strict: it starts NULL,
-- and rows with a NULL customer, month or MRR are skipped).
CREATE FUNCTION mrr_agg_accum(mrr_state, bigint, date, numeric) RETURNS mrr_state
    AS 'MODULE_PATHNAME', 'csm_mrr_agg_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_accum(mrr_state, text, date, numeric) RETURNS mrr_state
    AS 'MODULE_PATHNAME', 'csm_mrr_agg_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_accum(mrr_state, uuid, date, numeric) RETURNS mrr_state
    AS 'MODULE_PATHNAME', 'csm_mrr_agg_uuid' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION mrr_history_rollup_accum(mrr_state, mrr_history) RETURNS mrr_state
    AS 'MODULE_PATHNAME', 'csm_mrr_history_rollup' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION mrr_history_combine(mrr_state, mrr_state) RETURNS mrr_state
    AS 'MODULE_PATHNAME', 'csm_mrr_history_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION mrr_history_final(mrr_state) RETURNS mrr_history
    AS 'MODULE_PATHNAME', 'csm_mrr_history_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- No moving mode: taking a row back out of a per-customer map is possible but a sliding
-- window of histories is not a use case; rollup() over stored histories covers periods.
CREATE AGGREGATE mrr_agg(customer bigint, month date, mrr numeric) (
    SFUNC = mrr_agg_accum, STYPE = mrr_state, SSPACE = 100000, FINALFUNC = mrr_history_final,
    COMBINEFUNC = mrr_history_combine, PARALLEL = SAFE
);
CREATE AGGREGATE mrr_agg(customer text, month date, mrr numeric) (
    SFUNC = mrr_agg_accum, STYPE = mrr_state, SSPACE = 100000, FINALFUNC = mrr_history_final,
    COMBINEFUNC = mrr_history_combine, PARALLEL = SAFE
);
CREATE AGGREGATE mrr_agg(customer uuid, month date, mrr numeric) (
    SFUNC = mrr_agg_accum, STYPE = mrr_state, SSPACE = 100000, FINALFUNC = mrr_history_final,
    COMBINEFUNC = mrr_history_combine, PARALLEL = SAFE
);
CREATE AGGREGATE rollup(mrr_history) (
    SFUNC = mrr_history_rollup_accum, STYPE = mrr_state, SSPACE = 100000,
    FINALFUNC = mrr_history_final,
    COMBINEFUNC = mrr_history_combine, PARALLEL = SAFE
);

---------------------------------------------------------------------------------------------
-- Reports on an mrr_history
---------------------------------------------------------------------------------------------
CREATE FUNCTION mrr_movements(history mrr_history)
    RETURNS TABLE (month date, starting_mrr numeric, new_mrr numeric, reactivation_mrr numeric,
                   expansion_mrr numeric, contraction_mrr numeric, churned_mrr numeric,
                   ending_mrr numeric, starting_customers bigint, new_customers bigint,
                   reactivated_customers bigint, expanded_customers bigint,
                   contracted_customers bigint, churned_customers bigint,
                   ending_customers bigint)
    AS 'MODULE_PATHNAME', 'csm_mrr_movements' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 36;
CREATE FUNCTION mrr_movements(history mrr_history, reactivation_within interval)
    RETURNS TABLE (month date, starting_mrr numeric, new_mrr numeric, reactivation_mrr numeric,
                   expansion_mrr numeric, contraction_mrr numeric, churned_mrr numeric,
                   ending_mrr numeric, starting_customers bigint, new_customers bigint,
                   reactivated_customers bigint, expanded_customers bigint,
                   contracted_customers bigint, churned_customers bigint,
                   ending_customers bigint)
    AS 'MODULE_PATHNAME', 'csm_mrr_movements_within' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 36;
CREATE FUNCTION revenue_kpis(history mrr_history)
    RETURNS TABLE (month date, mrr numeric, paying_customers bigint, arpa numeric,
                   nrr double precision, grr double precision,
                   gross_mrr_churn_rate double precision, net_mrr_churn_rate double precision,
                   quick_ratio double precision, customer_churn_rate double precision,
                   expansion_rate double precision)
    AS 'MODULE_PATHNAME', 'csm_revenue_kpis' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 36;
CREATE FUNCTION nrr(history mrr_history, from_month date, to_month date) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_mrr_history_nrr' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION grr(history mrr_history, from_month date, to_month date) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_mrr_history_grr' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

---------------------------------------------------------------------------------------------
-- mrr_agg over the shapes billing tables have (src/pg/revenue/shapes.rs): a month given as a
-- timestamp (its wall-clock month, IMMUTABLE) or a timestamptz (its month in the session's
-- TimeZone, STABLE); a subscription period (daterange, tsrange, tstzrange) counting its MRR in
-- every month whose last day it covers (month-end MRR; an unbounded end counts through the
-- current month, hence STABLE). Same state and support functions as the date form.
---------------------------------------------------------------------------------------------
CREATE FUNCTION mrr_agg_accum(mrr_state, bigint, timestamp, numeric) RETURNS mrr_state
    AS 'MODULE_PATHNAME', 'csm_mrr_agg_int8_ts' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_accum(mrr_state, text, timestamp, numeric) RETURNS mrr_state
    AS 'MODULE_PATHNAME', 'csm_mrr_agg_text_ts' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_accum(mrr_state, uuid, timestamp, numeric) RETURNS mrr_state
    AS 'MODULE_PATHNAME', 'csm_mrr_agg_uuid_ts' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_accum(mrr_state, bigint, timestamptz, numeric) RETURNS mrr_state
    AS 'MODULE_PATHNAME', 'csm_mrr_agg_int8_tstz' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_accum(mrr_state, text, timestamptz, numeric) RETURNS mrr_state
    AS 'MODULE_PATHNAME', 'csm_mrr_agg_text_tstz' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_accum(mrr_state, uuid, timestamptz, numeric) RETURNS mrr_state
    AS 'MODULE_PATHNAME', 'csm_mrr_agg_uuid_tstz' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_accum(mrr_state, bigint, daterange, numeric) RETURNS mrr_state
    AS 'MODULE_PATHNAME', 'csm_mrr_agg_int8_daterange' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_accum(mrr_state, text, daterange, numeric) RETURNS mrr_state
    AS 'MODULE_PATHNAME', 'csm_mrr_agg_text_daterange' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_accum(mrr_state, uuid, daterange, numeric) RETURNS mrr_state
    AS 'MODULE_PATHNAME', 'csm_mrr_agg_uuid_daterange' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_accum(mrr_state, bigint, tsrange, numeric) RETURNS mrr_state
    AS 'MODULE_PATHNAME', 'csm_mrr_agg_int8_tsrange' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_accum(mrr_state, text, tsrange, numeric) RETURNS mrr_state
    AS 'MODULE_PATHNAME', 'csm_mrr_agg_text_tsrange' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_accum(mrr_state, uuid, tsrange, numeric) RETURNS mrr_state
    AS 'MODULE_PATHNAME', 'csm_mrr_agg_uuid_tsrange' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_accum(mrr_state, bigint, tstzrange, numeric) RETURNS mrr_state
    AS 'MODULE_PATHNAME', 'csm_mrr_agg_int8_tstzrange' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_accum(mrr_state, text, tstzrange, numeric) RETURNS mrr_state
    AS 'MODULE_PATHNAME', 'csm_mrr_agg_text_tstzrange' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_accum(mrr_state, uuid, tstzrange, numeric) RETURNS mrr_state
    AS 'MODULE_PATHNAME', 'csm_mrr_agg_uuid_tstzrange' LANGUAGE C STABLE PARALLEL SAFE;
CREATE AGGREGATE mrr_agg(customer bigint, month timestamp, mrr numeric) (
    SFUNC = mrr_agg_accum, STYPE = mrr_state, SSPACE = 100000, FINALFUNC = mrr_history_final,
    COMBINEFUNC = mrr_history_combine, PARALLEL = SAFE
);
CREATE AGGREGATE mrr_agg(customer text, month timestamp, mrr numeric) (
    SFUNC = mrr_agg_accum, STYPE = mrr_state, SSPACE = 100000, FINALFUNC = mrr_history_final,
    COMBINEFUNC = mrr_history_combine, PARALLEL = SAFE
);
CREATE AGGREGATE mrr_agg(customer uuid, month timestamp, mrr numeric) (
    SFUNC = mrr_agg_accum, STYPE = mrr_state, SSPACE = 100000, FINALFUNC = mrr_history_final,
    COMBINEFUNC = mrr_history_combine, PARALLEL = SAFE
);
CREATE AGGREGATE mrr_agg(customer bigint, month timestamptz, mrr numeric) (
    SFUNC = mrr_agg_accum, STYPE = mrr_state, SSPACE = 100000, FINALFUNC = mrr_history_final,
    COMBINEFUNC = mrr_history_combine, PARALLEL = SAFE
);
CREATE AGGREGATE mrr_agg(customer text, month timestamptz, mrr numeric) (
    SFUNC = mrr_agg_accum, STYPE = mrr_state, SSPACE = 100000, FINALFUNC = mrr_history_final,
    COMBINEFUNC = mrr_history_combine, PARALLEL = SAFE
);
CREATE AGGREGATE mrr_agg(customer uuid, month timestamptz, mrr numeric) (
    SFUNC = mrr_agg_accum, STYPE = mrr_state, SSPACE = 100000, FINALFUNC = mrr_history_final,
    COMBINEFUNC = mrr_history_combine, PARALLEL = SAFE
);
CREATE AGGREGATE mrr_agg(customer bigint, active daterange, mrr numeric) (
    SFUNC = mrr_agg_accum, STYPE = mrr_state, SSPACE = 100000, FINALFUNC = mrr_history_final,
    COMBINEFUNC = mrr_history_combine, PARALLEL = SAFE
);
CREATE AGGREGATE mrr_agg(customer text, active daterange, mrr numeric) (
    SFUNC = mrr_agg_accum, STYPE = mrr_state, SSPACE = 100000, FINALFUNC = mrr_history_final,
    COMBINEFUNC = mrr_history_combine, PARALLEL = SAFE
);
CREATE AGGREGATE mrr_agg(customer uuid, active daterange, mrr numeric) (
    SFUNC = mrr_agg_accum, STYPE = mrr_state, SSPACE = 100000, FINALFUNC = mrr_history_final,
    COMBINEFUNC = mrr_history_combine, PARALLEL = SAFE
);
CREATE AGGREGATE mrr_agg(customer bigint, active tsrange, mrr numeric) (
    SFUNC = mrr_agg_accum, STYPE = mrr_state, SSPACE = 100000, FINALFUNC = mrr_history_final,
    COMBINEFUNC = mrr_history_combine, PARALLEL = SAFE
);
CREATE AGGREGATE mrr_agg(customer text, active tsrange, mrr numeric) (
    SFUNC = mrr_agg_accum, STYPE = mrr_state, SSPACE = 100000, FINALFUNC = mrr_history_final,
    COMBINEFUNC = mrr_history_combine, PARALLEL = SAFE
);
CREATE AGGREGATE mrr_agg(customer uuid, active tsrange, mrr numeric) (
    SFUNC = mrr_agg_accum, STYPE = mrr_state, SSPACE = 100000, FINALFUNC = mrr_history_final,
    COMBINEFUNC = mrr_history_combine, PARALLEL = SAFE
);
CREATE AGGREGATE mrr_agg(customer bigint, active tstzrange, mrr numeric) (
    SFUNC = mrr_agg_accum, STYPE = mrr_state, SSPACE = 100000, FINALFUNC = mrr_history_final,
    COMBINEFUNC = mrr_history_combine, PARALLEL = SAFE
);
CREATE AGGREGATE mrr_agg(customer text, active tstzrange, mrr numeric) (
    SFUNC = mrr_agg_accum, STYPE = mrr_state, SSPACE = 100000, FINALFUNC = mrr_history_final,
    COMBINEFUNC = mrr_history_combine, PARALLEL = SAFE
);
CREATE AGGREGATE mrr_agg(customer uuid, active tstzrange, mrr numeric) (
    SFUNC = mrr_agg_accum, STYPE = mrr_state, SSPACE = 100000, FINALFUNC = mrr_history_final,
    COMBINEFUNC = mrr_history_combine, PARALLEL = SAFE
);
-- Stripe's plan interval: 'day', 'week', 'month' or 'year', times interval_count.
CREATE FUNCTION monthly_amount(amount numeric, interval_unit text, interval_count integer)
    RETURNS numeric
    AS 'MODULE_PATHNAME', 'csm_monthly_amount_unit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- Revenue reports over a caller's range of months, the customers behind them, MRR cohorts
---------------------------------------------------------------------------------------------
-- Not strict: a NULL history gives no rows, a NULL month is refused (22023), a NULL
-- reactivation_within is no limit.
CREATE FUNCTION mrr_movements(history mrr_history, from_month date, to_month date)
    RETURNS TABLE (month date, starting_mrr numeric, new_mrr numeric, reactivation_mrr numeric,
                   expansion_mrr numeric, contraction_mrr numeric, churned_mrr numeric,
                   ending_mrr numeric, starting_customers bigint, new_customers bigint,
                   reactivated_customers bigint, expanded_customers bigint,
                   contracted_customers bigint, churned_customers bigint,
                   ending_customers bigint)
    AS 'MODULE_PATHNAME', 'csm_mrr_movements_range' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 36;
CREATE FUNCTION mrr_movements(history mrr_history, from_month date, to_month date,
                              reactivation_within interval)
    RETURNS TABLE (month date, starting_mrr numeric, new_mrr numeric, reactivation_mrr numeric,
                   expansion_mrr numeric, contraction_mrr numeric, churned_mrr numeric,
                   ending_mrr numeric, starting_customers bigint, new_customers bigint,
                   reactivated_customers bigint, expanded_customers bigint,
                   contracted_customers bigint, churned_customers bigint,
                   ending_customers bigint)
    AS 'MODULE_PATHNAME', 'csm_mrr_movements_range' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 36;
CREATE FUNCTION revenue_kpis(history mrr_history, from_month date, to_month date)
    RETURNS TABLE (month date, mrr numeric, paying_customers bigint, arpa numeric,
                   nrr double precision, grr double precision,
                   gross_mrr_churn_rate double precision, net_mrr_churn_rate double precision,
                   quick_ratio double precision, customer_churn_rate double precision,
                   expansion_rate double precision)
    AS 'MODULE_PATHNAME', 'csm_revenue_kpis_range' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 36;
CREATE FUNCTION mrr_customer_movements(history mrr_history)
    RETURNS TABLE (customer text, month date, previous_mrr numeric, mrr numeric, movement text)
    AS 'MODULE_PATHNAME', 'csm_mrr_customer_movements' LANGUAGE C IMMUTABLE PARALLEL SAFE
    ROWS 10000;
CREATE FUNCTION mrr_customer_movements(history mrr_history, from_month date, to_month date)
    RETURNS TABLE (customer text, month date, previous_mrr numeric, mrr numeric, movement text)
    AS 'MODULE_PATHNAME', 'csm_mrr_customer_movements' LANGUAGE C IMMUTABLE PARALLEL SAFE
    ROWS 10000;
CREATE FUNCTION mrr_customer_movements(history mrr_history, from_month date, to_month date,
                                       reactivation_within interval)
    RETURNS TABLE (customer text, month date, previous_mrr numeric, mrr numeric, movement text)
    AS 'MODULE_PATHNAME', 'csm_mrr_customer_movements' LANGUAGE C IMMUTABLE PARALLEL SAFE
    ROWS 10000;
CREATE FUNCTION mrr_cohorts(history mrr_history)
    RETURNS TABLE (cohort date, month_number integer, customers bigint,
                   retained_customers bigint, cohort_mrr numeric, mrr numeric,
                   nrr double precision, logo_retention double precision)
    AS 'MODULE_PATHNAME', 'csm_mrr_cohorts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 300;
