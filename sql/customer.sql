-- csmetrics customer family (since 0.2.0): FCR, activation and conversion, customer churn and
-- retention, active customers. The C symbols are in src/pg/customer/. Runs after survey.sql
-- (share_state) and equality.sql.

---------------------------------------------------------------------------------------------
-- Share aggregates on share_state: hits over a total, percent. Parallel safe (combine adds
-- counts) with a moving mode (the inverse un-counts a row), as every share aggregate.
---------------------------------------------------------------------------------------------
CREATE FUNCTION share_accum_flag(share_state, boolean) RETURNS share_state
    AS 'MODULE_PATHNAME', 'csm_share_accum_flag' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION share_retract_flag(share_state, boolean) RETURNS share_state
    AS 'MODULE_PATHNAME', 'csm_share_retract_flag' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- Not strict: a NULL flag counts as false (active_ratio(active) after a LEFT JOIN).
CREATE FUNCTION share_accum_null_false(share_state, boolean) RETURNS share_state
    AS 'MODULE_PATHNAME', 'csm_share_accum_null_false' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION share_retract_null_false(share_state, boolean) RETURNS share_state
    AS 'MODULE_PATHNAME', 'csm_share_retract_null_false' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION share_accum_fcr(share_state, boolean, boolean) RETURNS share_state
    AS 'MODULE_PATHNAME', 'csm_share_accum_fcr_resolved' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION share_retract_fcr(share_state, boolean, boolean) RETURNS share_state
    AS 'MODULE_PATHNAME', 'csm_share_retract_fcr_resolved' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- Not strict: a NULL event is "not yet". STABLE: a window in days or months is added in the
-- session's time zone, as timestamptz + interval is.
CREATE FUNCTION share_accum_activation(share_state, timestamptz, timestamptz, interval) RETURNS share_state
    AS 'MODULE_PATHNAME', 'csm_share_accum_activation' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION share_retract_activation(share_state, timestamptz, timestamptz, interval) RETURNS share_state
    AS 'MODULE_PATHNAME', 'csm_share_retract_activation' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION share_accum_conversion(share_state, timestamptz, timestamptz, interval) RETURNS share_state
    AS 'MODULE_PATHNAME', 'csm_share_accum_conversion' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION share_retract_conversion(share_state, timestamptz, timestamptz, interval) RETURNS share_state
    AS 'MODULE_PATHNAME', 'csm_share_retract_conversion' LANGUAGE C STABLE PARALLEL SAFE;

CREATE AGGREGATE fcr_rate(resolved_on_first_contact boolean) (
    SFUNC = share_accum_flag, STYPE = share_state, SSPACE = 24, INITCOND = '{"version":1,"hits":0,"total":0}',
    COMBINEFUNC = share_state_combine, FINALFUNC = share_percent,
    MSFUNC = share_accum_flag, MINVFUNC = share_retract_flag, MSTYPE = share_state, MSSPACE = 24, MINITCOND = '{"version":1,"hits":0,"total":0}', MFINALFUNC = share_percent,
    PARALLEL = SAFE
);
CREATE AGGREGATE fcr_rate(resolved_on_first_contact boolean, resolved boolean) (
    SFUNC = share_accum_fcr, STYPE = share_state, SSPACE = 24, INITCOND = '{"version":1,"hits":0,"total":0}',
    COMBINEFUNC = share_state_combine, FINALFUNC = share_percent,
    MSFUNC = share_accum_fcr, MINVFUNC = share_retract_fcr, MSTYPE = share_state, MSSPACE = 24, MINITCOND = '{"version":1,"hits":0,"total":0}', MFINALFUNC = share_percent,
    PARALLEL = SAFE
);
CREATE AGGREGATE active_ratio(active boolean) (
    SFUNC = share_accum_null_false, STYPE = share_state, SSPACE = 24, INITCOND = '{"version":1,"hits":0,"total":0}',
    COMBINEFUNC = share_state_combine, FINALFUNC = share_percent,
    MSFUNC = share_accum_null_false, MINVFUNC = share_retract_null_false, MSTYPE = share_state, MSSPACE = 24, MINITCOND = '{"version":1,"hits":0,"total":0}', MFINALFUNC = share_percent,
    PARALLEL = SAFE
);
CREATE AGGREGATE activation_rate(signed_up_at timestamptz, activated_at timestamptz, within interval) (
    SFUNC = share_accum_activation, STYPE = share_state, SSPACE = 24, INITCOND = '{"version":1,"hits":0,"total":0}',
    COMBINEFUNC = share_state_combine, FINALFUNC = share_percent,
    MSFUNC = share_accum_activation, MINVFUNC = share_retract_activation, MSTYPE = share_state, MSSPACE = 24, MINITCOND = '{"version":1,"hits":0,"total":0}', MFINALFUNC = share_percent,
    PARALLEL = SAFE
);
CREATE AGGREGATE conversion_rate(trial_started_at timestamptz, converted_at timestamptz, within interval) (
    SFUNC = share_accum_conversion, STYPE = share_state, SSPACE = 24, INITCOND = '{"version":1,"hits":0,"total":0}',
    COMBINEFUNC = share_state_combine, FINALFUNC = share_percent,
    MSFUNC = share_accum_conversion, MINVFUNC = share_retract_conversion, MSTYPE = share_state, MSSPACE = 24, MINITCOND = '{"version":1,"hits":0,"total":0}', MFINALFUNC = share_percent,
    PARALLEL = SAFE
);

---------------------------------------------------------------------------------------------
-- churn_state: customers at the start, churned, new and at the end of a period (six counts,
-- see src/kpi/customer/churn.rs). customer_churn_rate and customer_retention_rate over date
-- or timestamptz; parallel safe (counts add) with a moving mode (a row is un-counted exactly).
---------------------------------------------------------------------------------------------
CREATE TYPE churn_state;
CREATE FUNCTION churn_state_in(cstring) RETURNS churn_state
    AS 'MODULE_PATHNAME', 'csm_churn_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION churn_state_out(churn_state) RETURNS cstring
    AS 'MODULE_PATHNAME', 'csm_churn_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION churn_state_recv(internal) RETURNS churn_state
    AS 'MODULE_PATHNAME', 'csm_churn_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION churn_state_send(churn_state) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_churn_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE churn_state (
    INPUT = churn_state_in,
    OUTPUT = churn_state_out,
    RECEIVE = churn_state_recv,
    SEND = churn_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = plain
);
COMMENT ON TYPE churn_state IS
    'csmetrics: customers at the start, churned, new and at the end of a period; state of customer_churn_rate';
CREATE FUNCTION churn_state_combine(churn_state, churn_state) RETURNS churn_state
    AS 'MODULE_PATHNAME', 'csm_churn_state_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION churn_rate(churn_state) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_churn_rate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION retention_rate(churn_state) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_retention_rate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- BEGIN GENERATED equality(churn_state): sql/templates/equality.sql via scripts/gen-sql.py
CREATE FUNCTION churn_state_eq(churn_state, churn_state) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION churn_state_ne(churn_state, churn_state) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION churn_state_hash(churn_state) RETURNS integer
    AS 'MODULE_PATHNAME', 'csm_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION churn_state_hash_extended(churn_state, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.= (
    LEFTARG = churn_state, RIGHTARG = churn_state, FUNCTION = @extschema@.churn_state_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES
);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = churn_state, RIGHTARG = churn_state, FUNCTION = @extschema@.churn_state_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR CLASS @extschema@.churn_state_ops DEFAULT FOR TYPE churn_state USING hash AS
    OPERATOR 1 @extschema@.= (churn_state, churn_state),
    FUNCTION 1 @extschema@.churn_state_hash(churn_state),
    FUNCTION 2 @extschema@.churn_state_hash_extended(churn_state, bigint);
-- END GENERATED equality(churn_state)

-- Transitions are not strict: a NULL end is a current customer. A NULL start, period bound or
-- denominator skips the row (checked inside).
-- date
CREATE FUNCTION churn_accum(churn_state, date, date, date, date) RETURNS churn_state
    AS 'MODULE_PATHNAME', 'csm_churn_accum_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION churn_retract(churn_state, date, date, date, date) RETURNS churn_state
    AS 'MODULE_PATHNAME', 'csm_churn_retract_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION churn_accum(churn_state, date, date, date, date, text) RETURNS churn_state
    AS 'MODULE_PATHNAME', 'csm_churn_accum_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION churn_retract(churn_state, date, date, date, date, text) RETURNS churn_state
    AS 'MODULE_PATHNAME', 'csm_churn_retract_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION retention_accum(churn_state, date, date, date, date) RETURNS churn_state
    AS 'MODULE_PATHNAME', 'csm_retention_accum_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION retention_retract(churn_state, date, date, date, date) RETURNS churn_state
    AS 'MODULE_PATHNAME', 'csm_retention_retract_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE customer_churn_rate(started date, ended date, period_start date, period_end date) (
    SFUNC = churn_accum, STYPE = churn_state, SSPACE = 56, INITCOND = '{"version":1,"starting":0,"churned":0,"new":0,"ending":0,"rows_start":0,"rows_start_plus_new":0}',
    COMBINEFUNC = churn_state_combine, FINALFUNC = churn_rate,
    MSFUNC = churn_accum, MINVFUNC = churn_retract, MSTYPE = churn_state, MSSPACE = 56, MINITCOND = '{"version":1,"starting":0,"churned":0,"new":0,"ending":0,"rows_start":0,"rows_start_plus_new":0}', MFINALFUNC = churn_rate,
    PARALLEL = SAFE
);
CREATE AGGREGATE customer_churn_rate(started date, ended date, period_start date, period_end date, denominator text) (
    SFUNC = churn_accum, STYPE = churn_state, SSPACE = 56, INITCOND = '{"version":1,"starting":0,"churned":0,"new":0,"ending":0,"rows_start":0,"rows_start_plus_new":0}',
    COMBINEFUNC = churn_state_combine, FINALFUNC = churn_rate,
    MSFUNC = churn_accum, MINVFUNC = churn_retract, MSTYPE = churn_state, MSSPACE = 56, MINITCOND = '{"version":1,"starting":0,"churned":0,"new":0,"ending":0,"rows_start":0,"rows_start_plus_new":0}', MFINALFUNC = churn_rate,
    PARALLEL = SAFE
);
CREATE AGGREGATE customer_retention_rate(started date, ended date, period_start date, period_end date) (
    SFUNC = retention_accum, STYPE = churn_state, SSPACE = 56, INITCOND = '{"version":1,"starting":0,"churned":0,"new":0,"ending":0,"rows_start":0,"rows_start_plus_new":0}',
    COMBINEFUNC = churn_state_combine, FINALFUNC = retention_rate,
    MSFUNC = retention_accum, MINVFUNC = retention_retract, MSTYPE = churn_state, MSSPACE = 56, MINITCOND = '{"version":1,"starting":0,"churned":0,"new":0,"ending":0,"rows_start":0,"rows_start_plus_new":0}', MFINALFUNC = retention_rate,
    PARALLEL = SAFE
);
-- timestamptz
CREATE FUNCTION churn_accum(churn_state, timestamptz, timestamptz, timestamptz, timestamptz) RETURNS churn_state
    AS 'MODULE_PATHNAME', 'csm_churn_accum_timestamptz' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION churn_retract(churn_state, timestamptz, timestamptz, timestamptz, timestamptz) RETURNS churn_state
    AS 'MODULE_PATHNAME', 'csm_churn_retract_timestamptz' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION churn_accum(churn_state, timestamptz, timestamptz, timestamptz, timestamptz, text) RETURNS churn_state
    AS 'MODULE_PATHNAME', 'csm_churn_accum_timestamptz' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION churn_retract(churn_state, timestamptz, timestamptz, timestamptz, timestamptz, text) RETURNS churn_state
    AS 'MODULE_PATHNAME', 'csm_churn_retract_timestamptz' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION retention_accum(churn_state, timestamptz, timestamptz, timestamptz, timestamptz) RETURNS churn_state
    AS 'MODULE_PATHNAME', 'csm_retention_accum_timestamptz' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION retention_retract(churn_state, timestamptz, timestamptz, timestamptz, timestamptz) RETURNS churn_state
    AS 'MODULE_PATHNAME', 'csm_retention_retract_timestamptz' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE customer_churn_rate(started timestamptz, ended timestamptz, period_start timestamptz, period_end timestamptz) (
    SFUNC = churn_accum, STYPE = churn_state, SSPACE = 56, INITCOND = '{"version":1,"starting":0,"churned":0,"new":0,"ending":0,"rows_start":0,"rows_start_plus_new":0}',
    COMBINEFUNC = churn_state_combine, FINALFUNC = churn_rate,
    MSFUNC = churn_accum, MINVFUNC = churn_retract, MSTYPE = churn_state, MSSPACE = 56, MINITCOND = '{"version":1,"starting":0,"churned":0,"new":0,"ending":0,"rows_start":0,"rows_start_plus_new":0}', MFINALFUNC = churn_rate,
    PARALLEL = SAFE
);
CREATE AGGREGATE customer_churn_rate(started timestamptz, ended timestamptz, period_start timestamptz, period_end timestamptz, denominator text) (
    SFUNC = churn_accum, STYPE = churn_state, SSPACE = 56, INITCOND = '{"version":1,"starting":0,"churned":0,"new":0,"ending":0,"rows_start":0,"rows_start_plus_new":0}',
    COMBINEFUNC = churn_state_combine, FINALFUNC = churn_rate,
    MSFUNC = churn_accum, MINVFUNC = churn_retract, MSTYPE = churn_state, MSSPACE = 56, MINITCOND = '{"version":1,"starting":0,"churned":0,"new":0,"ending":0,"rows_start":0,"rows_start_plus_new":0}', MFINALFUNC = churn_rate,
    PARALLEL = SAFE
);
CREATE AGGREGATE customer_retention_rate(started timestamptz, ended timestamptz, period_start timestamptz, period_end timestamptz) (
    SFUNC = retention_accum, STYPE = churn_state, SSPACE = 56, INITCOND = '{"version":1,"starting":0,"churned":0,"new":0,"ending":0,"rows_start":0,"rows_start_plus_new":0}',
    COMBINEFUNC = churn_state_combine, FINALFUNC = retention_rate,
    MSFUNC = retention_accum, MINVFUNC = retention_retract, MSTYPE = churn_state, MSSPACE = 56, MINITCOND = '{"version":1,"starting":0,"churned":0,"new":0,"ending":0,"rows_start":0,"rows_start_plus_new":0}', MFINALFUNC = retention_rate,
    PARALLEL = SAFE
);

---------------------------------------------------------------------------------------------
-- active_ratio(customer, active): distinct customers with an active row over distinct
-- customers, exact, with a hash map per group (internal state; src/kpi/customer/active.rs).
-- No moving mode: a map of "any row active" has no exact inverse.
---------------------------------------------------------------------------------------------
-- bigint
CREATE FUNCTION active_accum(internal, bigint, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_active_accum_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION active_combine_int8(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_active_combine_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION active_serialize_int8(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_active_serialize_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_deserialize_int8(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_active_deserialize_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_percent_int8(internal) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_active_percent_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE active_ratio(customer bigint, active boolean) (
    SFUNC = active_accum, STYPE = internal, COMBINEFUNC = active_combine_int8,
    SERIALFUNC = active_serialize_int8, DESERIALFUNC = active_deserialize_int8,
    FINALFUNC = active_percent_int8, PARALLEL = SAFE
);
-- uuid
CREATE FUNCTION active_accum(internal, uuid, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_active_accum_uuid' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION active_combine_uuid(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_active_combine_uuid' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION active_serialize_uuid(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_active_serialize_uuid' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_deserialize_uuid(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_active_deserialize_uuid' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_percent_uuid(internal) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_active_percent_uuid' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE active_ratio(customer uuid, active boolean) (
    SFUNC = active_accum, STYPE = internal, COMBINEFUNC = active_combine_uuid,
    SERIALFUNC = active_serialize_uuid, DESERIALFUNC = active_deserialize_uuid,
    FINALFUNC = active_percent_uuid, PARALLEL = SAFE
);
-- text
CREATE FUNCTION active_accum(internal, text, boolean) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_active_accum_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION active_combine_text(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_active_combine_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION active_serialize_text(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_active_serialize_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_deserialize_text(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_active_deserialize_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_percent_text(internal) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_active_percent_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE active_ratio(customer text, active boolean) (
    SFUNC = active_accum, STYPE = internal, COMBINEFUNC = active_combine_text,
    SERIALFUNC = active_serialize_text, DESERIALFUNC = active_deserialize_text,
    FINALFUNC = active_percent_text, PARALLEL = SAFE
);

---------------------------------------------------------------------------------------------
-- Time to value: every duration kept (exact median, as percentile_cont(0.5)), parallel safe.
-- ttv_summary is the storable two-step form (src/kpi/customer/ttv.rs).
---------------------------------------------------------------------------------------------
CREATE TYPE ttv_summary;
CREATE FUNCTION ttv_summary_in(cstring) RETURNS ttv_summary
    AS 'MODULE_PATHNAME', 'csm_ttv_summary_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ttv_summary_out(ttv_summary) RETURNS cstring
    AS 'MODULE_PATHNAME', 'csm_ttv_summary_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ttv_summary_recv(internal) RETURNS ttv_summary
    AS 'MODULE_PATHNAME', 'csm_ttv_summary_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ttv_summary_send(ttv_summary) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_ttv_summary_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE ttv_summary (
    INPUT = ttv_summary_in,
    OUTPUT = ttv_summary_out,
    RECEIVE = ttv_summary_recv,
    SEND = ttv_summary_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);
COMMENT ON TYPE ttv_summary IS
    'csmetrics: times from sign-up to value (sorted) and users who did not reach value; read with median_days(), ...';

-- BEGIN GENERATED equality(ttv_summary): sql/templates/equality.sql via scripts/gen-sql.py
CREATE FUNCTION ttv_summary_eq(ttv_summary, ttv_summary) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ttv_summary_ne(ttv_summary, ttv_summary) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ttv_summary_hash(ttv_summary) RETURNS integer
    AS 'MODULE_PATHNAME', 'csm_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ttv_summary_hash_extended(ttv_summary, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.= (
    LEFTARG = ttv_summary, RIGHTARG = ttv_summary, FUNCTION = @extschema@.ttv_summary_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES
);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = ttv_summary, RIGHTARG = ttv_summary, FUNCTION = @extschema@.ttv_summary_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR CLASS @extschema@.ttv_summary_ops DEFAULT FOR TYPE ttv_summary USING hash AS
    OPERATOR 1 @extschema@.= (ttv_summary, ttv_summary),
    FUNCTION 1 @extschema@.ttv_summary_hash(ttv_summary),
    FUNCTION 2 @extschema@.ttv_summary_hash_extended(ttv_summary, bigint);
-- END GENERATED equality(ttv_summary)

CREATE FUNCTION ttv_accum(ttv_summary, timestamptz, timestamptz) RETURNS ttv_summary
    AS 'MODULE_PATHNAME', 'csm_ttv_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ttv_combine(ttv_summary, ttv_summary) RETURNS ttv_summary
    AS 'MODULE_PATHNAME', 'csm_ttv_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ttv_finalize(ttv_summary) RETURNS ttv_summary
    AS 'MODULE_PATHNAME', 'csm_ttv_finalize' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ttv_median_final(ttv_summary) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_ttv_median_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ttv_rollup_accum(ttv_summary, ttv_summary) RETURNS ttv_summary
    AS 'MODULE_PATHNAME', 'csm_ttv_rollup' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE time_to_value(signed_up_at timestamptz, value_at timestamptz) (
    SFUNC = ttv_accum, STYPE = ttv_summary, COMBINEFUNC = ttv_combine,
    FINALFUNC = ttv_median_final, PARALLEL = SAFE
);
CREATE AGGREGATE time_to_value_agg(signed_up_at timestamptz, value_at timestamptz) (
    SFUNC = ttv_accum, STYPE = ttv_summary, COMBINEFUNC = ttv_combine,
    FINALFUNC = ttv_finalize, PARALLEL = SAFE
);
CREATE AGGREGATE rollup(ttv_summary) (
    SFUNC = ttv_rollup_accum, STYPE = ttv_summary, COMBINEFUNC = ttv_combine,
    FINALFUNC = ttv_finalize, PARALLEL = SAFE
);

CREATE FUNCTION median_days(ttv_summary) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_ttv_median_days' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION percentile_days(ttv_summary, fraction double precision) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_ttv_percentile_days' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION reached(ttv_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_ttv_reached' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION not_reached(ttv_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_ttv_not_reached' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION reached_percent(ttv_summary) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_ttv_reached_percent' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

---------------------------------------------------------------------------------------------
-- repeat_purchase_rate(customer, order_id): customers with 2+ distinct orders over customers
-- with any order, exact (a hash map per group: the one order seen, or "several").
---------------------------------------------------------------------------------------------
CREATE FUNCTION repeat_combine_int8(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_repeat_combine_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION repeat_serialize_int8(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_repeat_serialize_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION repeat_deserialize_int8(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_repeat_deserialize_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION repeat_percent_int8(internal) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_repeat_percent_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION repeat_accum(internal, bigint, bigint) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_repeat_accum_int8_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE repeat_purchase_rate(customer bigint, order_id bigint) (
    SFUNC = repeat_accum, STYPE = internal, COMBINEFUNC = repeat_combine_int8,
    SERIALFUNC = repeat_serialize_int8, DESERIALFUNC = repeat_deserialize_int8,
    FINALFUNC = repeat_percent_int8, PARALLEL = SAFE
);
CREATE FUNCTION repeat_accum(internal, bigint, uuid) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_repeat_accum_int8_uuid' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE repeat_purchase_rate(customer bigint, order_id uuid) (
    SFUNC = repeat_accum, STYPE = internal, COMBINEFUNC = repeat_combine_int8,
    SERIALFUNC = repeat_serialize_int8, DESERIALFUNC = repeat_deserialize_int8,
    FINALFUNC = repeat_percent_int8, PARALLEL = SAFE
);
CREATE FUNCTION repeat_accum(internal, bigint, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_repeat_accum_int8_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE repeat_purchase_rate(customer bigint, order_id text) (
    SFUNC = repeat_accum, STYPE = internal, COMBINEFUNC = repeat_combine_int8,
    SERIALFUNC = repeat_serialize_int8, DESERIALFUNC = repeat_deserialize_int8,
    FINALFUNC = repeat_percent_int8, PARALLEL = SAFE
);
CREATE FUNCTION repeat_combine_uuid(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_repeat_combine_uuid' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION repeat_serialize_uuid(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_repeat_serialize_uuid' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION repeat_deserialize_uuid(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_repeat_deserialize_uuid' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION repeat_percent_uuid(internal) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_repeat_percent_uuid' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION repeat_accum(internal, uuid, bigint) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_repeat_accum_uuid_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE repeat_purchase_rate(customer uuid, order_id bigint) (
    SFUNC = repeat_accum, STYPE = internal, COMBINEFUNC = repeat_combine_uuid,
    SERIALFUNC = repeat_serialize_uuid, DESERIALFUNC = repeat_deserialize_uuid,
    FINALFUNC = repeat_percent_uuid, PARALLEL = SAFE
);
CREATE FUNCTION repeat_accum(internal, uuid, uuid) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_repeat_accum_uuid_uuid' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE repeat_purchase_rate(customer uuid, order_id uuid) (
    SFUNC = repeat_accum, STYPE = internal, COMBINEFUNC = repeat_combine_uuid,
    SERIALFUNC = repeat_serialize_uuid, DESERIALFUNC = repeat_deserialize_uuid,
    FINALFUNC = repeat_percent_uuid, PARALLEL = SAFE
);
CREATE FUNCTION repeat_accum(internal, uuid, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_repeat_accum_uuid_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE repeat_purchase_rate(customer uuid, order_id text) (
    SFUNC = repeat_accum, STYPE = internal, COMBINEFUNC = repeat_combine_uuid,
    SERIALFUNC = repeat_serialize_uuid, DESERIALFUNC = repeat_deserialize_uuid,
    FINALFUNC = repeat_percent_uuid, PARALLEL = SAFE
);
CREATE FUNCTION repeat_combine_text(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_repeat_combine_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION repeat_serialize_text(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_repeat_serialize_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION repeat_deserialize_text(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_repeat_deserialize_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION repeat_percent_text(internal) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_repeat_percent_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION repeat_accum(internal, text, bigint) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_repeat_accum_text_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE repeat_purchase_rate(customer text, order_id bigint) (
    SFUNC = repeat_accum, STYPE = internal, COMBINEFUNC = repeat_combine_text,
    SERIALFUNC = repeat_serialize_text, DESERIALFUNC = repeat_deserialize_text,
    FINALFUNC = repeat_percent_text, PARALLEL = SAFE
);
CREATE FUNCTION repeat_accum(internal, text, uuid) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_repeat_accum_text_uuid' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE repeat_purchase_rate(customer text, order_id uuid) (
    SFUNC = repeat_accum, STYPE = internal, COMBINEFUNC = repeat_combine_text,
    SERIALFUNC = repeat_serialize_text, DESERIALFUNC = repeat_deserialize_text,
    FINALFUNC = repeat_percent_text, PARALLEL = SAFE
);
CREATE FUNCTION repeat_accum(internal, text, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_repeat_accum_text_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE repeat_purchase_rate(customer text, order_id text) (
    SFUNC = repeat_accum, STYPE = internal, COMBINEFUNC = repeat_combine_text,
    SERIALFUNC = repeat_serialize_text, DESERIALFUNC = repeat_deserialize_text,
    FINALFUNC = repeat_percent_text, PARALLEL = SAFE
);

---------------------------------------------------------------------------------------------
-- Licences: license_summary, a step function of seats in force (src/kpi/customer/licenses.rs).
---------------------------------------------------------------------------------------------
CREATE TYPE license_summary;
CREATE FUNCTION license_summary_in(cstring) RETURNS license_summary
    AS 'MODULE_PATHNAME', 'csm_license_summary_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION license_summary_out(license_summary) RETURNS cstring
    AS 'MODULE_PATHNAME', 'csm_license_summary_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION license_summary_recv(internal) RETURNS license_summary
    AS 'MODULE_PATHNAME', 'csm_license_summary_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION license_summary_send(license_summary) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_license_summary_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE license_summary (
    INPUT = license_summary_in,
    OUTPUT = license_summary_out,
    RECEIVE = license_summary_recv,
    SEND = license_summary_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);
COMMENT ON TYPE license_summary IS
    'csmetrics: seats in force over time; read with active_licenses(), peak_licenses(), license_timeline()';

-- BEGIN GENERATED equality(license_summary): sql/templates/equality.sql via scripts/gen-sql.py
CREATE FUNCTION license_summary_eq(license_summary, license_summary) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION license_summary_ne(license_summary, license_summary) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION license_summary_hash(license_summary) RETURNS integer
    AS 'MODULE_PATHNAME', 'csm_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION license_summary_hash_extended(license_summary, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.= (
    LEFTARG = license_summary, RIGHTARG = license_summary, FUNCTION = @extschema@.license_summary_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES
);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = license_summary, RIGHTARG = license_summary, FUNCTION = @extschema@.license_summary_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR CLASS @extschema@.license_summary_ops DEFAULT FOR TYPE license_summary USING hash AS
    OPERATOR 1 @extschema@.= (license_summary, license_summary),
    FUNCTION 1 @extschema@.license_summary_hash(license_summary),
    FUNCTION 2 @extschema@.license_summary_hash_extended(license_summary, bigint);
-- END GENERATED equality(license_summary)

CREATE FUNCTION license_accum(license_summary, tstzrange, integer) RETURNS license_summary
    AS 'MODULE_PATHNAME', 'csm_license_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION license_combine(license_summary, license_summary) RETURNS license_summary
    AS 'MODULE_PATHNAME', 'csm_license_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION license_finalize(license_summary) RETURNS license_summary
    AS 'MODULE_PATHNAME', 'csm_license_finalize' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION license_rollup_accum(license_summary, license_summary) RETURNS license_summary
    AS 'MODULE_PATHNAME', 'csm_license_rollup' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE license_agg(valid tstzrange, seats integer) (
    SFUNC = license_accum, STYPE = license_summary, COMBINEFUNC = license_combine,
    FINALFUNC = license_finalize, PARALLEL = SAFE
);
CREATE AGGREGATE rollup(license_summary) (
    SFUNC = license_rollup_accum, STYPE = license_summary, COMBINEFUNC = license_combine,
    FINALFUNC = license_finalize, PARALLEL = SAFE
);

CREATE FUNCTION active_licenses(summary license_summary, at timestamptz) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_active_licenses' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION peak_licenses(summary license_summary, during tstzrange) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_peak_licenses' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION licenses(summary license_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_license_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION license_timeline(summary license_summary, from_at timestamptz, to_at timestamptz, step interval)
    RETURNS TABLE (at timestamptz, active bigint)
    AS $$ SELECT g, @extschema@.active_licenses(summary, g)
          FROM pg_catalog.generate_series(
              CASE WHEN pg_catalog.isfinite(from_at) AND pg_catalog.isfinite(to_at) THEN from_at END,
              to_at, step) AS g $$
    LANGUAGE sql STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION utilisation(active_users bigint, seats bigint) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_utilisation' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

---------------------------------------------------------------------------------------------
-- timestamp without time zone forms: naive values are compared and added to as written
-- (timestamp + interval), never cast through the session's TimeZone; hence IMMUTABLE.
---------------------------------------------------------------------------------------------
CREATE FUNCTION share_accum_activation(share_state, timestamp, timestamp, interval) RETURNS share_state
    AS 'MODULE_PATHNAME', 'csm_share_accum_activation_naive' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION share_retract_activation(share_state, timestamp, timestamp, interval) RETURNS share_state
    AS 'MODULE_PATHNAME', 'csm_share_retract_activation_naive' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION share_accum_conversion(share_state, timestamp, timestamp, interval) RETURNS share_state
    AS 'MODULE_PATHNAME', 'csm_share_accum_conversion_naive' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION share_retract_conversion(share_state, timestamp, timestamp, interval) RETURNS share_state
    AS 'MODULE_PATHNAME', 'csm_share_retract_conversion_naive' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE activation_rate(signed_up_at timestamp, activated_at timestamp, within interval) (
    SFUNC = share_accum_activation, STYPE = share_state, SSPACE = 24, INITCOND = '{"version":1,"hits":0,"total":0}',
    COMBINEFUNC = share_state_combine, FINALFUNC = share_percent,
    MSFUNC = share_accum_activation, MINVFUNC = share_retract_activation, MSTYPE = share_state, MSSPACE = 24, MINITCOND = '{"version":1,"hits":0,"total":0}', MFINALFUNC = share_percent,
    PARALLEL = SAFE
);
CREATE AGGREGATE conversion_rate(trial_started_at timestamp, converted_at timestamp, within interval) (
    SFUNC = share_accum_conversion, STYPE = share_state, SSPACE = 24, INITCOND = '{"version":1,"hits":0,"total":0}',
    COMBINEFUNC = share_state_combine, FINALFUNC = share_percent,
    MSFUNC = share_accum_conversion, MINVFUNC = share_retract_conversion, MSTYPE = share_state, MSSPACE = 24, MINITCOND = '{"version":1,"hits":0,"total":0}', MFINALFUNC = share_percent,
    PARALLEL = SAFE
);
CREATE FUNCTION churn_accum(churn_state, timestamp, timestamp, timestamp, timestamp) RETURNS churn_state
    AS 'MODULE_PATHNAME', 'csm_churn_accum_timestamp' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION churn_retract(churn_state, timestamp, timestamp, timestamp, timestamp) RETURNS churn_state
    AS 'MODULE_PATHNAME', 'csm_churn_retract_timestamp' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION churn_accum(churn_state, timestamp, timestamp, timestamp, timestamp, text) RETURNS churn_state
    AS 'MODULE_PATHNAME', 'csm_churn_accum_timestamp' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION churn_retract(churn_state, timestamp, timestamp, timestamp, timestamp, text) RETURNS churn_state
    AS 'MODULE_PATHNAME', 'csm_churn_retract_timestamp' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION retention_accum(churn_state, timestamp, timestamp, timestamp, timestamp) RETURNS churn_state
    AS 'MODULE_PATHNAME', 'csm_retention_accum_timestamp' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION retention_retract(churn_state, timestamp, timestamp, timestamp, timestamp) RETURNS churn_state
    AS 'MODULE_PATHNAME', 'csm_retention_retract_timestamp' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE customer_churn_rate(started timestamp, ended timestamp, period_start timestamp, period_end timestamp) (
    SFUNC = churn_accum, STYPE = churn_state, SSPACE = 56, INITCOND = '{"version":1,"starting":0,"churned":0,"new":0,"ending":0,"rows_start":0,"rows_start_plus_new":0}',
    COMBINEFUNC = churn_state_combine, FINALFUNC = churn_rate,
    MSFUNC = churn_accum, MINVFUNC = churn_retract, MSTYPE = churn_state, MSSPACE = 56, MINITCOND = '{"version":1,"starting":0,"churned":0,"new":0,"ending":0,"rows_start":0,"rows_start_plus_new":0}', MFINALFUNC = churn_rate,
    PARALLEL = SAFE
);
CREATE AGGREGATE customer_churn_rate(started timestamp, ended timestamp, period_start timestamp, period_end timestamp, denominator text) (
    SFUNC = churn_accum, STYPE = churn_state, SSPACE = 56, INITCOND = '{"version":1,"starting":0,"churned":0,"new":0,"ending":0,"rows_start":0,"rows_start_plus_new":0}',
    COMBINEFUNC = churn_state_combine, FINALFUNC = churn_rate,
    MSFUNC = churn_accum, MINVFUNC = churn_retract, MSTYPE = churn_state, MSSPACE = 56, MINITCOND = '{"version":1,"starting":0,"churned":0,"new":0,"ending":0,"rows_start":0,"rows_start_plus_new":0}', MFINALFUNC = churn_rate,
    PARALLEL = SAFE
);
CREATE AGGREGATE customer_retention_rate(started timestamp, ended timestamp, period_start timestamp, period_end timestamp) (
    SFUNC = retention_accum, STYPE = churn_state, SSPACE = 56, INITCOND = '{"version":1,"starting":0,"churned":0,"new":0,"ending":0,"rows_start":0,"rows_start_plus_new":0}',
    COMBINEFUNC = churn_state_combine, FINALFUNC = retention_rate,
    MSFUNC = retention_accum, MINVFUNC = retention_retract, MSTYPE = churn_state, MSSPACE = 56, MINITCOND = '{"version":1,"starting":0,"churned":0,"new":0,"ending":0,"rows_start":0,"rows_start_plus_new":0}', MFINALFUNC = retention_rate,
    PARALLEL = SAFE
);
CREATE FUNCTION ttv_accum(ttv_summary, timestamp, timestamp) RETURNS ttv_summary
    AS 'MODULE_PATHNAME', 'csm_ttv_accum_naive' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE time_to_value(signed_up_at timestamp, value_at timestamp) (
    SFUNC = ttv_accum, STYPE = ttv_summary, COMBINEFUNC = ttv_combine,
    FINALFUNC = ttv_median_final, PARALLEL = SAFE
);
CREATE AGGREGATE time_to_value_agg(signed_up_at timestamp, value_at timestamp) (
    SFUNC = ttv_accum, STYPE = ttv_summary, COMBINEFUNC = ttv_combine,
    FINALFUNC = ttv_finalize, PARALLEL = SAFE
);

-- Seats stored as bigint (at most 2147483647 per licence, as for integer).
CREATE FUNCTION license_accum(license_summary, tstzrange, bigint) RETURNS license_summary
    AS 'MODULE_PATHNAME', 'csm_license_accum_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE license_agg(valid tstzrange, seats bigint) (
    SFUNC = license_accum, STYPE = license_summary, COMBINEFUNC = license_combine,
    FINALFUNC = license_finalize, PARALLEL = SAFE
);

---------------------------------------------------------------------------------------------
-- customer_churn_rate(customer, started, ended, period_start, period_end [, denominator]) and
-- customer_retention_rate(customer, ...): one row per subscription, counted per customer. A
-- customer's subscriptions less than a day apart are one spell (a plan change, not a churn);
-- internal state of each customer's spells (src/kpi/customer/customer_churn.rs), parallel safe
-- (combine merges spells exactly). Naive timestamps are compared as written: IMMUTABLE.
---------------------------------------------------------------------------------------------
CREATE FUNCTION customer_churn_combine_int8(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_churn_combine_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_serialize_int8(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_customer_churn_serialize_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION customer_churn_deserialize_int8(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_churn_deserialize_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION customer_churn_final_int8(internal) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_customer_churn_final_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_retention_final_int8(internal) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_customer_retention_final_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_accum(internal, bigint, date, date, date, date) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_int8_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_accum(internal, bigint, date, date, date, date, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_int8_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_retention_accum(internal, bigint, date, date, date, date) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_retention_accum_int8_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE customer_churn_rate(customer bigint, started date, ended date, period_start date, period_end date) (
    SFUNC = customer_churn_accum, STYPE = internal, COMBINEFUNC = customer_churn_combine_int8,
    SERIALFUNC = customer_churn_serialize_int8, DESERIALFUNC = customer_churn_deserialize_int8,
    FINALFUNC = customer_churn_final_int8, PARALLEL = SAFE
);
CREATE AGGREGATE customer_churn_rate(customer bigint, started date, ended date, period_start date, period_end date, denominator text) (
    SFUNC = customer_churn_accum, STYPE = internal, COMBINEFUNC = customer_churn_combine_int8,
    SERIALFUNC = customer_churn_serialize_int8, DESERIALFUNC = customer_churn_deserialize_int8,
    FINALFUNC = customer_churn_final_int8, PARALLEL = SAFE
);
CREATE AGGREGATE customer_retention_rate(customer bigint, started date, ended date, period_start date, period_end date) (
    SFUNC = customer_retention_accum, STYPE = internal, COMBINEFUNC = customer_churn_combine_int8,
    SERIALFUNC = customer_churn_serialize_int8, DESERIALFUNC = customer_churn_deserialize_int8,
    FINALFUNC = customer_retention_final_int8, PARALLEL = SAFE
);
CREATE FUNCTION customer_churn_accum(internal, bigint, timestamptz, timestamptz, timestamptz, timestamptz) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_int8_timestamptz' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_accum(internal, bigint, timestamptz, timestamptz, timestamptz, timestamptz, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_int8_timestamptz' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_retention_accum(internal, bigint, timestamptz, timestamptz, timestamptz, timestamptz) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_retention_accum_int8_timestamptz' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE customer_churn_rate(customer bigint, started timestamptz, ended timestamptz, period_start timestamptz, period_end timestamptz) (
    SFUNC = customer_churn_accum, STYPE = internal, COMBINEFUNC = customer_churn_combine_int8,
    SERIALFUNC = customer_churn_serialize_int8, DESERIALFUNC = customer_churn_deserialize_int8,
    FINALFUNC = customer_churn_final_int8, PARALLEL = SAFE
);
CREATE AGGREGATE customer_churn_rate(customer bigint, started timestamptz, ended timestamptz, period_start timestamptz, period_end timestamptz, denominator text) (
    SFUNC = customer_churn_accum, STYPE = internal, COMBINEFUNC = customer_churn_combine_int8,
    SERIALFUNC = customer_churn_serialize_int8, DESERIALFUNC = customer_churn_deserialize_int8,
    FINALFUNC = customer_churn_final_int8, PARALLEL = SAFE
);
CREATE AGGREGATE customer_retention_rate(customer bigint, started timestamptz, ended timestamptz, period_start timestamptz, period_end timestamptz) (
    SFUNC = customer_retention_accum, STYPE = internal, COMBINEFUNC = customer_churn_combine_int8,
    SERIALFUNC = customer_churn_serialize_int8, DESERIALFUNC = customer_churn_deserialize_int8,
    FINALFUNC = customer_retention_final_int8, PARALLEL = SAFE
);
CREATE FUNCTION customer_churn_accum(internal, bigint, timestamp, timestamp, timestamp, timestamp) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_int8_timestamp' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_accum(internal, bigint, timestamp, timestamp, timestamp, timestamp, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_int8_timestamp' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_retention_accum(internal, bigint, timestamp, timestamp, timestamp, timestamp) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_retention_accum_int8_timestamp' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE customer_churn_rate(customer bigint, started timestamp, ended timestamp, period_start timestamp, period_end timestamp) (
    SFUNC = customer_churn_accum, STYPE = internal, COMBINEFUNC = customer_churn_combine_int8,
    SERIALFUNC = customer_churn_serialize_int8, DESERIALFUNC = customer_churn_deserialize_int8,
    FINALFUNC = customer_churn_final_int8, PARALLEL = SAFE
);
CREATE AGGREGATE customer_churn_rate(customer bigint, started timestamp, ended timestamp, period_start timestamp, period_end timestamp, denominator text) (
    SFUNC = customer_churn_accum, STYPE = internal, COMBINEFUNC = customer_churn_combine_int8,
    SERIALFUNC = customer_churn_serialize_int8, DESERIALFUNC = customer_churn_deserialize_int8,
    FINALFUNC = customer_churn_final_int8, PARALLEL = SAFE
);
CREATE AGGREGATE customer_retention_rate(customer bigint, started timestamp, ended timestamp, period_start timestamp, period_end timestamp) (
    SFUNC = customer_retention_accum, STYPE = internal, COMBINEFUNC = customer_churn_combine_int8,
    SERIALFUNC = customer_churn_serialize_int8, DESERIALFUNC = customer_churn_deserialize_int8,
    FINALFUNC = customer_retention_final_int8, PARALLEL = SAFE
);
CREATE FUNCTION customer_churn_combine_uuid(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_churn_combine_uuid' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_serialize_uuid(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_customer_churn_serialize_uuid' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION customer_churn_deserialize_uuid(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_churn_deserialize_uuid' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION customer_churn_final_uuid(internal) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_customer_churn_final_uuid' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_retention_final_uuid(internal) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_customer_retention_final_uuid' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_accum(internal, uuid, date, date, date, date) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_uuid_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_accum(internal, uuid, date, date, date, date, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_uuid_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_retention_accum(internal, uuid, date, date, date, date) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_retention_accum_uuid_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE customer_churn_rate(customer uuid, started date, ended date, period_start date, period_end date) (
    SFUNC = customer_churn_accum, STYPE = internal, COMBINEFUNC = customer_churn_combine_uuid,
    SERIALFUNC = customer_churn_serialize_uuid, DESERIALFUNC = customer_churn_deserialize_uuid,
    FINALFUNC = customer_churn_final_uuid, PARALLEL = SAFE
);
CREATE AGGREGATE customer_churn_rate(customer uuid, started date, ended date, period_start date, period_end date, denominator text) (
    SFUNC = customer_churn_accum, STYPE = internal, COMBINEFUNC = customer_churn_combine_uuid,
    SERIALFUNC = customer_churn_serialize_uuid, DESERIALFUNC = customer_churn_deserialize_uuid,
    FINALFUNC = customer_churn_final_uuid, PARALLEL = SAFE
);
CREATE AGGREGATE customer_retention_rate(customer uuid, started date, ended date, period_start date, period_end date) (
    SFUNC = customer_retention_accum, STYPE = internal, COMBINEFUNC = customer_churn_combine_uuid,
    SERIALFUNC = customer_churn_serialize_uuid, DESERIALFUNC = customer_churn_deserialize_uuid,
    FINALFUNC = customer_retention_final_uuid, PARALLEL = SAFE
);
CREATE FUNCTION customer_churn_accum(internal, uuid, timestamptz, timestamptz, timestamptz, timestamptz) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_uuid_timestamptz' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_accum(internal, uuid, timestamptz, timestamptz, timestamptz, timestamptz, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_uuid_timestamptz' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_retention_accum(internal, uuid, timestamptz, timestamptz, timestamptz, timestamptz) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_retention_accum_uuid_timestamptz' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE customer_churn_rate(customer uuid, started timestamptz, ended timestamptz, period_start timestamptz, period_end timestamptz) (
    SFUNC = customer_churn_accum, STYPE = internal, COMBINEFUNC = customer_churn_combine_uuid,
    SERIALFUNC = customer_churn_serialize_uuid, DESERIALFUNC = customer_churn_deserialize_uuid,
    FINALFUNC = customer_churn_final_uuid, PARALLEL = SAFE
);
CREATE AGGREGATE customer_churn_rate(customer uuid, started timestamptz, ended timestamptz, period_start timestamptz, period_end timestamptz, denominator text) (
    SFUNC = customer_churn_accum, STYPE = internal, COMBINEFUNC = customer_churn_combine_uuid,
    SERIALFUNC = customer_churn_serialize_uuid, DESERIALFUNC = customer_churn_deserialize_uuid,
    FINALFUNC = customer_churn_final_uuid, PARALLEL = SAFE
);
CREATE AGGREGATE customer_retention_rate(customer uuid, started timestamptz, ended timestamptz, period_start timestamptz, period_end timestamptz) (
    SFUNC = customer_retention_accum, STYPE = internal, COMBINEFUNC = customer_churn_combine_uuid,
    SERIALFUNC = customer_churn_serialize_uuid, DESERIALFUNC = customer_churn_deserialize_uuid,
    FINALFUNC = customer_retention_final_uuid, PARALLEL = SAFE
);
CREATE FUNCTION customer_churn_accum(internal, uuid, timestamp, timestamp, timestamp, timestamp) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_uuid_timestamp' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_accum(internal, uuid, timestamp, timestamp, timestamp, timestamp, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_uuid_timestamp' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_retention_accum(internal, uuid, timestamp, timestamp, timestamp, timestamp) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_retention_accum_uuid_timestamp' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE customer_churn_rate(customer uuid, started timestamp, ended timestamp, period_start timestamp, period_end timestamp) (
    SFUNC = customer_churn_accum, STYPE = internal, COMBINEFUNC = customer_churn_combine_uuid,
    SERIALFUNC = customer_churn_serialize_uuid, DESERIALFUNC = customer_churn_deserialize_uuid,
    FINALFUNC = customer_churn_final_uuid, PARALLEL = SAFE
);
CREATE AGGREGATE customer_churn_rate(customer uuid, started timestamp, ended timestamp, period_start timestamp, period_end timestamp, denominator text) (
    SFUNC = customer_churn_accum, STYPE = internal, COMBINEFUNC = customer_churn_combine_uuid,
    SERIALFUNC = customer_churn_serialize_uuid, DESERIALFUNC = customer_churn_deserialize_uuid,
    FINALFUNC = customer_churn_final_uuid, PARALLEL = SAFE
);
CREATE AGGREGATE customer_retention_rate(customer uuid, started timestamp, ended timestamp, period_start timestamp, period_end timestamp) (
    SFUNC = customer_retention_accum, STYPE = internal, COMBINEFUNC = customer_churn_combine_uuid,
    SERIALFUNC = customer_churn_serialize_uuid, DESERIALFUNC = customer_churn_deserialize_uuid,
    FINALFUNC = customer_retention_final_uuid, PARALLEL = SAFE
);
CREATE FUNCTION customer_churn_combine_text(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_churn_combine_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_serialize_text(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_customer_churn_serialize_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION customer_churn_deserialize_text(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_churn_deserialize_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION customer_churn_final_text(internal) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_customer_churn_final_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_retention_final_text(internal) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_customer_retention_final_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_accum(internal, text, date, date, date, date) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_text_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_accum(internal, text, date, date, date, date, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_text_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_retention_accum(internal, text, date, date, date, date) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_retention_accum_text_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE customer_churn_rate(customer text, started date, ended date, period_start date, period_end date) (
    SFUNC = customer_churn_accum, STYPE = internal, COMBINEFUNC = customer_churn_combine_text,
    SERIALFUNC = customer_churn_serialize_text, DESERIALFUNC = customer_churn_deserialize_text,
    FINALFUNC = customer_churn_final_text, PARALLEL = SAFE
);
CREATE AGGREGATE customer_churn_rate(customer text, started date, ended date, period_start date, period_end date, denominator text) (
    SFUNC = customer_churn_accum, STYPE = internal, COMBINEFUNC = customer_churn_combine_text,
    SERIALFUNC = customer_churn_serialize_text, DESERIALFUNC = customer_churn_deserialize_text,
    FINALFUNC = customer_churn_final_text, PARALLEL = SAFE
);
CREATE AGGREGATE customer_retention_rate(customer text, started date, ended date, period_start date, period_end date) (
    SFUNC = customer_retention_accum, STYPE = internal, COMBINEFUNC = customer_churn_combine_text,
    SERIALFUNC = customer_churn_serialize_text, DESERIALFUNC = customer_churn_deserialize_text,
    FINALFUNC = customer_retention_final_text, PARALLEL = SAFE
);
CREATE FUNCTION customer_churn_accum(internal, text, timestamptz, timestamptz, timestamptz, timestamptz) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_text_timestamptz' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_accum(internal, text, timestamptz, timestamptz, timestamptz, timestamptz, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_text_timestamptz' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_retention_accum(internal, text, timestamptz, timestamptz, timestamptz, timestamptz) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_retention_accum_text_timestamptz' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE customer_churn_rate(customer text, started timestamptz, ended timestamptz, period_start timestamptz, period_end timestamptz) (
    SFUNC = customer_churn_accum, STYPE = internal, COMBINEFUNC = customer_churn_combine_text,
    SERIALFUNC = customer_churn_serialize_text, DESERIALFUNC = customer_churn_deserialize_text,
    FINALFUNC = customer_churn_final_text, PARALLEL = SAFE
);
CREATE AGGREGATE customer_churn_rate(customer text, started timestamptz, ended timestamptz, period_start timestamptz, period_end timestamptz, denominator text) (
    SFUNC = customer_churn_accum, STYPE = internal, COMBINEFUNC = customer_churn_combine_text,
    SERIALFUNC = customer_churn_serialize_text, DESERIALFUNC = customer_churn_deserialize_text,
    FINALFUNC = customer_churn_final_text, PARALLEL = SAFE
);
CREATE AGGREGATE customer_retention_rate(customer text, started timestamptz, ended timestamptz, period_start timestamptz, period_end timestamptz) (
    SFUNC = customer_retention_accum, STYPE = internal, COMBINEFUNC = customer_churn_combine_text,
    SERIALFUNC = customer_churn_serialize_text, DESERIALFUNC = customer_churn_deserialize_text,
    FINALFUNC = customer_retention_final_text, PARALLEL = SAFE
);
CREATE FUNCTION customer_churn_accum(internal, text, timestamp, timestamp, timestamp, timestamp) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_text_timestamp' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_accum(internal, text, timestamp, timestamp, timestamp, timestamp, text) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_text_timestamp' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_retention_accum(internal, text, timestamp, timestamp, timestamp, timestamp) RETURNS internal
    AS 'MODULE_PATHNAME', 'csm_customer_retention_accum_text_timestamp' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE customer_churn_rate(customer text, started timestamp, ended timestamp, period_start timestamp, period_end timestamp) (
    SFUNC = customer_churn_accum, STYPE = internal, COMBINEFUNC = customer_churn_combine_text,
    SERIALFUNC = customer_churn_serialize_text, DESERIALFUNC = customer_churn_deserialize_text,
    FINALFUNC = customer_churn_final_text, PARALLEL = SAFE
);
CREATE AGGREGATE customer_churn_rate(customer text, started timestamp, ended timestamp, period_start timestamp, period_end timestamp, denominator text) (
    SFUNC = customer_churn_accum, STYPE = internal, COMBINEFUNC = customer_churn_combine_text,
    SERIALFUNC = customer_churn_serialize_text, DESERIALFUNC = customer_churn_deserialize_text,
    FINALFUNC = customer_churn_final_text, PARALLEL = SAFE
);
CREATE AGGREGATE customer_retention_rate(customer text, started timestamp, ended timestamp, period_start timestamp, period_end timestamp) (
    SFUNC = customer_retention_accum, STYPE = internal, COMBINEFUNC = customer_churn_combine_text,
    SERIALFUNC = customer_churn_serialize_text, DESERIALFUNC = customer_churn_deserialize_text,
    FINALFUNC = customer_retention_final_text, PARALLEL = SAFE
);
