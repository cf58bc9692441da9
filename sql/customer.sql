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
-- customers, exact: a compressed bitmap (bigint) or hash map per group (src/kpi/customer/active.rs,
-- active_ints.rs), kept as an expanded object while aggregating (src/pg/expanded.rs). Its state
-- type per customer type (active_ratio_state_int8, _uuid, _text) is what parallel workers and
-- Citus nodes exchange; text form {"type":"active_ratio_state_int8","binary":"<hex>"}.
-- No moving mode: a map of "any row active" has no exact inverse. SSPACE = 8192 here, for
-- repeat_purchase_rate and per-customer churn is what the planner assumed for these states when
-- they were internal, so hash aggregation plans stay as they were.
---------------------------------------------------------------------------------------------
CREATE TYPE active_ratio_state_int8;
CREATE FUNCTION active_ratio_state_int8_in(cstring) RETURNS active_ratio_state_int8
    AS 'MODULE_PATHNAME', 'csm_active_ratio_state_int8_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_ratio_state_int8_out(active_ratio_state_int8) RETURNS cstring
    AS 'MODULE_PATHNAME', 'csm_active_ratio_state_int8_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_ratio_state_int8_recv(internal) RETURNS active_ratio_state_int8
    AS 'MODULE_PATHNAME', 'csm_active_ratio_state_int8_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_ratio_state_int8_send(active_ratio_state_int8) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_active_ratio_state_int8_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE active_ratio_state_int8 (
    INPUT = active_ratio_state_int8_in,
    OUTPUT = active_ratio_state_int8_out,
    RECEIVE = active_ratio_state_int8_recv,
    SEND = active_ratio_state_int8_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);
COMMENT ON TYPE active_ratio_state_int8 IS
    'csmetrics: partial state of active_ratio(customer bigint, active)';
-- BEGIN GENERATED equality(active_ratio_state_int8): sql/templates/equality.sql via scripts/gen-sql.py
CREATE FUNCTION active_ratio_state_int8_eq(active_ratio_state_int8, active_ratio_state_int8) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_ratio_state_int8_ne(active_ratio_state_int8, active_ratio_state_int8) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_ratio_state_int8_hash(active_ratio_state_int8) RETURNS integer
    AS 'MODULE_PATHNAME', 'csm_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_ratio_state_int8_hash_extended(active_ratio_state_int8, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.= (
    LEFTARG = active_ratio_state_int8, RIGHTARG = active_ratio_state_int8, FUNCTION = @extschema@.active_ratio_state_int8_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES
);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = active_ratio_state_int8, RIGHTARG = active_ratio_state_int8, FUNCTION = @extschema@.active_ratio_state_int8_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR CLASS @extschema@.active_ratio_state_int8_ops DEFAULT FOR TYPE active_ratio_state_int8 USING hash AS
    OPERATOR 1 @extschema@.= (active_ratio_state_int8, active_ratio_state_int8),
    FUNCTION 1 @extschema@.active_ratio_state_int8_hash(active_ratio_state_int8),
    FUNCTION 2 @extschema@.active_ratio_state_int8_hash_extended(active_ratio_state_int8, bigint);
-- END GENERATED equality(active_ratio_state_int8)

CREATE TYPE active_ratio_state_uuid;
CREATE FUNCTION active_ratio_state_uuid_in(cstring) RETURNS active_ratio_state_uuid
    AS 'MODULE_PATHNAME', 'csm_active_ratio_state_uuid_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_ratio_state_uuid_out(active_ratio_state_uuid) RETURNS cstring
    AS 'MODULE_PATHNAME', 'csm_active_ratio_state_uuid_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_ratio_state_uuid_recv(internal) RETURNS active_ratio_state_uuid
    AS 'MODULE_PATHNAME', 'csm_active_ratio_state_uuid_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_ratio_state_uuid_send(active_ratio_state_uuid) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_active_ratio_state_uuid_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE active_ratio_state_uuid (
    INPUT = active_ratio_state_uuid_in,
    OUTPUT = active_ratio_state_uuid_out,
    RECEIVE = active_ratio_state_uuid_recv,
    SEND = active_ratio_state_uuid_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);
COMMENT ON TYPE active_ratio_state_uuid IS
    'csmetrics: partial state of active_ratio(customer uuid, active)';
-- BEGIN GENERATED equality(active_ratio_state_uuid): sql/templates/equality.sql via scripts/gen-sql.py
CREATE FUNCTION active_ratio_state_uuid_eq(active_ratio_state_uuid, active_ratio_state_uuid) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_ratio_state_uuid_ne(active_ratio_state_uuid, active_ratio_state_uuid) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_ratio_state_uuid_hash(active_ratio_state_uuid) RETURNS integer
    AS 'MODULE_PATHNAME', 'csm_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_ratio_state_uuid_hash_extended(active_ratio_state_uuid, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.= (
    LEFTARG = active_ratio_state_uuid, RIGHTARG = active_ratio_state_uuid, FUNCTION = @extschema@.active_ratio_state_uuid_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES
);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = active_ratio_state_uuid, RIGHTARG = active_ratio_state_uuid, FUNCTION = @extschema@.active_ratio_state_uuid_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR CLASS @extschema@.active_ratio_state_uuid_ops DEFAULT FOR TYPE active_ratio_state_uuid USING hash AS
    OPERATOR 1 @extschema@.= (active_ratio_state_uuid, active_ratio_state_uuid),
    FUNCTION 1 @extschema@.active_ratio_state_uuid_hash(active_ratio_state_uuid),
    FUNCTION 2 @extschema@.active_ratio_state_uuid_hash_extended(active_ratio_state_uuid, bigint);
-- END GENERATED equality(active_ratio_state_uuid)

CREATE TYPE active_ratio_state_text;
CREATE FUNCTION active_ratio_state_text_in(cstring) RETURNS active_ratio_state_text
    AS 'MODULE_PATHNAME', 'csm_active_ratio_state_text_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_ratio_state_text_out(active_ratio_state_text) RETURNS cstring
    AS 'MODULE_PATHNAME', 'csm_active_ratio_state_text_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_ratio_state_text_recv(internal) RETURNS active_ratio_state_text
    AS 'MODULE_PATHNAME', 'csm_active_ratio_state_text_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_ratio_state_text_send(active_ratio_state_text) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_active_ratio_state_text_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE active_ratio_state_text (
    INPUT = active_ratio_state_text_in,
    OUTPUT = active_ratio_state_text_out,
    RECEIVE = active_ratio_state_text_recv,
    SEND = active_ratio_state_text_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);
COMMENT ON TYPE active_ratio_state_text IS
    'csmetrics: partial state of active_ratio(customer text, active)';
-- BEGIN GENERATED equality(active_ratio_state_text): sql/templates/equality.sql via scripts/gen-sql.py
CREATE FUNCTION active_ratio_state_text_eq(active_ratio_state_text, active_ratio_state_text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_ratio_state_text_ne(active_ratio_state_text, active_ratio_state_text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_ratio_state_text_hash(active_ratio_state_text) RETURNS integer
    AS 'MODULE_PATHNAME', 'csm_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_ratio_state_text_hash_extended(active_ratio_state_text, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.= (
    LEFTARG = active_ratio_state_text, RIGHTARG = active_ratio_state_text, FUNCTION = @extschema@.active_ratio_state_text_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES
);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = active_ratio_state_text, RIGHTARG = active_ratio_state_text, FUNCTION = @extschema@.active_ratio_state_text_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR CLASS @extschema@.active_ratio_state_text_ops DEFAULT FOR TYPE active_ratio_state_text USING hash AS
    OPERATOR 1 @extschema@.= (active_ratio_state_text, active_ratio_state_text),
    FUNCTION 1 @extschema@.active_ratio_state_text_hash(active_ratio_state_text),
    FUNCTION 2 @extschema@.active_ratio_state_text_hash_extended(active_ratio_state_text, bigint);
-- END GENERATED equality(active_ratio_state_text)

-- bigint
CREATE FUNCTION active_accum(active_ratio_state_int8, bigint, boolean) RETURNS active_ratio_state_int8
    AS 'MODULE_PATHNAME', 'csm_active_accum_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION active_combine_int8(active_ratio_state_int8, active_ratio_state_int8) RETURNS active_ratio_state_int8
    AS 'MODULE_PATHNAME', 'csm_active_combine_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION active_percent_int8(active_ratio_state_int8) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_active_percent_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE active_ratio(customer bigint, active boolean) (
    SFUNC = active_accum, STYPE = active_ratio_state_int8, SSPACE = 8192, COMBINEFUNC = active_combine_int8,
    FINALFUNC = active_percent_int8, PARALLEL = SAFE
);
-- uuid
CREATE FUNCTION active_accum(active_ratio_state_uuid, uuid, boolean) RETURNS active_ratio_state_uuid
    AS 'MODULE_PATHNAME', 'csm_active_accum_uuid' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION active_combine_uuid(active_ratio_state_uuid, active_ratio_state_uuid) RETURNS active_ratio_state_uuid
    AS 'MODULE_PATHNAME', 'csm_active_combine_uuid' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION active_percent_uuid(active_ratio_state_uuid) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_active_percent_uuid' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE active_ratio(customer uuid, active boolean) (
    SFUNC = active_accum, STYPE = active_ratio_state_uuid, SSPACE = 8192, COMBINEFUNC = active_combine_uuid,
    FINALFUNC = active_percent_uuid, PARALLEL = SAFE
);
-- text
CREATE FUNCTION active_accum(active_ratio_state_text, text, boolean) RETURNS active_ratio_state_text
    AS 'MODULE_PATHNAME', 'csm_active_accum_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION active_combine_text(active_ratio_state_text, active_ratio_state_text) RETURNS active_ratio_state_text
    AS 'MODULE_PATHNAME', 'csm_active_combine_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION active_percent_text(active_ratio_state_text) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_active_percent_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE active_ratio(customer text, active boolean) (
    SFUNC = active_accum, STYPE = active_ratio_state_text, SSPACE = 8192, COMBINEFUNC = active_combine_text,
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
-- with any order, exact (a hash map per group: the one order seen, or "several"). The state
-- type is keyed by the customer's type (repeat_purchase_state_int8, _uuid, _text), an expanded
-- object while aggregating, flat when it travels (parallel workers, Citus).
---------------------------------------------------------------------------------------------
CREATE TYPE repeat_purchase_state_int8;
CREATE FUNCTION repeat_purchase_state_int8_in(cstring) RETURNS repeat_purchase_state_int8
    AS 'MODULE_PATHNAME', 'csm_repeat_purchase_state_int8_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION repeat_purchase_state_int8_out(repeat_purchase_state_int8) RETURNS cstring
    AS 'MODULE_PATHNAME', 'csm_repeat_purchase_state_int8_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION repeat_purchase_state_int8_recv(internal) RETURNS repeat_purchase_state_int8
    AS 'MODULE_PATHNAME', 'csm_repeat_purchase_state_int8_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION repeat_purchase_state_int8_send(repeat_purchase_state_int8) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_repeat_purchase_state_int8_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE repeat_purchase_state_int8 (
    INPUT = repeat_purchase_state_int8_in,
    OUTPUT = repeat_purchase_state_int8_out,
    RECEIVE = repeat_purchase_state_int8_recv,
    SEND = repeat_purchase_state_int8_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);
COMMENT ON TYPE repeat_purchase_state_int8 IS
    'csmetrics: partial state of repeat_purchase_rate(customer bigint, order_id)';
-- BEGIN GENERATED equality(repeat_purchase_state_int8): sql/templates/equality.sql via scripts/gen-sql.py
CREATE FUNCTION repeat_purchase_state_int8_eq(repeat_purchase_state_int8, repeat_purchase_state_int8) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION repeat_purchase_state_int8_ne(repeat_purchase_state_int8, repeat_purchase_state_int8) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION repeat_purchase_state_int8_hash(repeat_purchase_state_int8) RETURNS integer
    AS 'MODULE_PATHNAME', 'csm_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION repeat_purchase_state_int8_hash_extended(repeat_purchase_state_int8, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.= (
    LEFTARG = repeat_purchase_state_int8, RIGHTARG = repeat_purchase_state_int8, FUNCTION = @extschema@.repeat_purchase_state_int8_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES
);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = repeat_purchase_state_int8, RIGHTARG = repeat_purchase_state_int8, FUNCTION = @extschema@.repeat_purchase_state_int8_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR CLASS @extschema@.repeat_purchase_state_int8_ops DEFAULT FOR TYPE repeat_purchase_state_int8 USING hash AS
    OPERATOR 1 @extschema@.= (repeat_purchase_state_int8, repeat_purchase_state_int8),
    FUNCTION 1 @extschema@.repeat_purchase_state_int8_hash(repeat_purchase_state_int8),
    FUNCTION 2 @extschema@.repeat_purchase_state_int8_hash_extended(repeat_purchase_state_int8, bigint);
-- END GENERATED equality(repeat_purchase_state_int8)

CREATE TYPE repeat_purchase_state_uuid;
CREATE FUNCTION repeat_purchase_state_uuid_in(cstring) RETURNS repeat_purchase_state_uuid
    AS 'MODULE_PATHNAME', 'csm_repeat_purchase_state_uuid_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION repeat_purchase_state_uuid_out(repeat_purchase_state_uuid) RETURNS cstring
    AS 'MODULE_PATHNAME', 'csm_repeat_purchase_state_uuid_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION repeat_purchase_state_uuid_recv(internal) RETURNS repeat_purchase_state_uuid
    AS 'MODULE_PATHNAME', 'csm_repeat_purchase_state_uuid_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION repeat_purchase_state_uuid_send(repeat_purchase_state_uuid) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_repeat_purchase_state_uuid_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE repeat_purchase_state_uuid (
    INPUT = repeat_purchase_state_uuid_in,
    OUTPUT = repeat_purchase_state_uuid_out,
    RECEIVE = repeat_purchase_state_uuid_recv,
    SEND = repeat_purchase_state_uuid_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);
COMMENT ON TYPE repeat_purchase_state_uuid IS
    'csmetrics: partial state of repeat_purchase_rate(customer uuid, order_id)';
-- BEGIN GENERATED equality(repeat_purchase_state_uuid): sql/templates/equality.sql via scripts/gen-sql.py
CREATE FUNCTION repeat_purchase_state_uuid_eq(repeat_purchase_state_uuid, repeat_purchase_state_uuid) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION repeat_purchase_state_uuid_ne(repeat_purchase_state_uuid, repeat_purchase_state_uuid) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION repeat_purchase_state_uuid_hash(repeat_purchase_state_uuid) RETURNS integer
    AS 'MODULE_PATHNAME', 'csm_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION repeat_purchase_state_uuid_hash_extended(repeat_purchase_state_uuid, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.= (
    LEFTARG = repeat_purchase_state_uuid, RIGHTARG = repeat_purchase_state_uuid, FUNCTION = @extschema@.repeat_purchase_state_uuid_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES
);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = repeat_purchase_state_uuid, RIGHTARG = repeat_purchase_state_uuid, FUNCTION = @extschema@.repeat_purchase_state_uuid_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR CLASS @extschema@.repeat_purchase_state_uuid_ops DEFAULT FOR TYPE repeat_purchase_state_uuid USING hash AS
    OPERATOR 1 @extschema@.= (repeat_purchase_state_uuid, repeat_purchase_state_uuid),
    FUNCTION 1 @extschema@.repeat_purchase_state_uuid_hash(repeat_purchase_state_uuid),
    FUNCTION 2 @extschema@.repeat_purchase_state_uuid_hash_extended(repeat_purchase_state_uuid, bigint);
-- END GENERATED equality(repeat_purchase_state_uuid)

CREATE TYPE repeat_purchase_state_text;
CREATE FUNCTION repeat_purchase_state_text_in(cstring) RETURNS repeat_purchase_state_text
    AS 'MODULE_PATHNAME', 'csm_repeat_purchase_state_text_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION repeat_purchase_state_text_out(repeat_purchase_state_text) RETURNS cstring
    AS 'MODULE_PATHNAME', 'csm_repeat_purchase_state_text_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION repeat_purchase_state_text_recv(internal) RETURNS repeat_purchase_state_text
    AS 'MODULE_PATHNAME', 'csm_repeat_purchase_state_text_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION repeat_purchase_state_text_send(repeat_purchase_state_text) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_repeat_purchase_state_text_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE repeat_purchase_state_text (
    INPUT = repeat_purchase_state_text_in,
    OUTPUT = repeat_purchase_state_text_out,
    RECEIVE = repeat_purchase_state_text_recv,
    SEND = repeat_purchase_state_text_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);
COMMENT ON TYPE repeat_purchase_state_text IS
    'csmetrics: partial state of repeat_purchase_rate(customer text, order_id)';
-- BEGIN GENERATED equality(repeat_purchase_state_text): sql/templates/equality.sql via scripts/gen-sql.py
CREATE FUNCTION repeat_purchase_state_text_eq(repeat_purchase_state_text, repeat_purchase_state_text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION repeat_purchase_state_text_ne(repeat_purchase_state_text, repeat_purchase_state_text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION repeat_purchase_state_text_hash(repeat_purchase_state_text) RETURNS integer
    AS 'MODULE_PATHNAME', 'csm_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION repeat_purchase_state_text_hash_extended(repeat_purchase_state_text, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.= (
    LEFTARG = repeat_purchase_state_text, RIGHTARG = repeat_purchase_state_text, FUNCTION = @extschema@.repeat_purchase_state_text_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES
);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = repeat_purchase_state_text, RIGHTARG = repeat_purchase_state_text, FUNCTION = @extschema@.repeat_purchase_state_text_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR CLASS @extschema@.repeat_purchase_state_text_ops DEFAULT FOR TYPE repeat_purchase_state_text USING hash AS
    OPERATOR 1 @extschema@.= (repeat_purchase_state_text, repeat_purchase_state_text),
    FUNCTION 1 @extschema@.repeat_purchase_state_text_hash(repeat_purchase_state_text),
    FUNCTION 2 @extschema@.repeat_purchase_state_text_hash_extended(repeat_purchase_state_text, bigint);
-- END GENERATED equality(repeat_purchase_state_text)

CREATE FUNCTION repeat_combine_int8(repeat_purchase_state_int8, repeat_purchase_state_int8) RETURNS repeat_purchase_state_int8
    AS 'MODULE_PATHNAME', 'csm_repeat_combine_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION repeat_percent_int8(repeat_purchase_state_int8) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_repeat_percent_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION repeat_accum(repeat_purchase_state_int8, bigint, bigint) RETURNS repeat_purchase_state_int8
    AS 'MODULE_PATHNAME', 'csm_repeat_accum_int8_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE repeat_purchase_rate(customer bigint, order_id bigint) (
    SFUNC = repeat_accum, STYPE = repeat_purchase_state_int8, SSPACE = 8192, COMBINEFUNC = repeat_combine_int8,
    FINALFUNC = repeat_percent_int8, PARALLEL = SAFE
);
CREATE FUNCTION repeat_accum(repeat_purchase_state_int8, bigint, uuid) RETURNS repeat_purchase_state_int8
    AS 'MODULE_PATHNAME', 'csm_repeat_accum_int8_uuid' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE repeat_purchase_rate(customer bigint, order_id uuid) (
    SFUNC = repeat_accum, STYPE = repeat_purchase_state_int8, SSPACE = 8192, COMBINEFUNC = repeat_combine_int8,
    FINALFUNC = repeat_percent_int8, PARALLEL = SAFE
);
CREATE FUNCTION repeat_accum(repeat_purchase_state_int8, bigint, text) RETURNS repeat_purchase_state_int8
    AS 'MODULE_PATHNAME', 'csm_repeat_accum_int8_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE repeat_purchase_rate(customer bigint, order_id text) (
    SFUNC = repeat_accum, STYPE = repeat_purchase_state_int8, SSPACE = 8192, COMBINEFUNC = repeat_combine_int8,
    FINALFUNC = repeat_percent_int8, PARALLEL = SAFE
);
CREATE FUNCTION repeat_combine_uuid(repeat_purchase_state_uuid, repeat_purchase_state_uuid) RETURNS repeat_purchase_state_uuid
    AS 'MODULE_PATHNAME', 'csm_repeat_combine_uuid' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION repeat_percent_uuid(repeat_purchase_state_uuid) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_repeat_percent_uuid' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION repeat_accum(repeat_purchase_state_uuid, uuid, bigint) RETURNS repeat_purchase_state_uuid
    AS 'MODULE_PATHNAME', 'csm_repeat_accum_uuid_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE repeat_purchase_rate(customer uuid, order_id bigint) (
    SFUNC = repeat_accum, STYPE = repeat_purchase_state_uuid, SSPACE = 8192, COMBINEFUNC = repeat_combine_uuid,
    FINALFUNC = repeat_percent_uuid, PARALLEL = SAFE
);
CREATE FUNCTION repeat_accum(repeat_purchase_state_uuid, uuid, uuid) RETURNS repeat_purchase_state_uuid
    AS 'MODULE_PATHNAME', 'csm_repeat_accum_uuid_uuid' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE repeat_purchase_rate(customer uuid, order_id uuid) (
    SFUNC = repeat_accum, STYPE = repeat_purchase_state_uuid, SSPACE = 8192, COMBINEFUNC = repeat_combine_uuid,
    FINALFUNC = repeat_percent_uuid, PARALLEL = SAFE
);
CREATE FUNCTION repeat_accum(repeat_purchase_state_uuid, uuid, text) RETURNS repeat_purchase_state_uuid
    AS 'MODULE_PATHNAME', 'csm_repeat_accum_uuid_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE repeat_purchase_rate(customer uuid, order_id text) (
    SFUNC = repeat_accum, STYPE = repeat_purchase_state_uuid, SSPACE = 8192, COMBINEFUNC = repeat_combine_uuid,
    FINALFUNC = repeat_percent_uuid, PARALLEL = SAFE
);
CREATE FUNCTION repeat_combine_text(repeat_purchase_state_text, repeat_purchase_state_text) RETURNS repeat_purchase_state_text
    AS 'MODULE_PATHNAME', 'csm_repeat_combine_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION repeat_percent_text(repeat_purchase_state_text) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_repeat_percent_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION repeat_accum(repeat_purchase_state_text, text, bigint) RETURNS repeat_purchase_state_text
    AS 'MODULE_PATHNAME', 'csm_repeat_accum_text_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE repeat_purchase_rate(customer text, order_id bigint) (
    SFUNC = repeat_accum, STYPE = repeat_purchase_state_text, SSPACE = 8192, COMBINEFUNC = repeat_combine_text,
    FINALFUNC = repeat_percent_text, PARALLEL = SAFE
);
CREATE FUNCTION repeat_accum(repeat_purchase_state_text, text, uuid) RETURNS repeat_purchase_state_text
    AS 'MODULE_PATHNAME', 'csm_repeat_accum_text_uuid' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE repeat_purchase_rate(customer text, order_id uuid) (
    SFUNC = repeat_accum, STYPE = repeat_purchase_state_text, SSPACE = 8192, COMBINEFUNC = repeat_combine_text,
    FINALFUNC = repeat_percent_text, PARALLEL = SAFE
);
CREATE FUNCTION repeat_accum(repeat_purchase_state_text, text, text) RETURNS repeat_purchase_state_text
    AS 'MODULE_PATHNAME', 'csm_repeat_accum_text_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE repeat_purchase_rate(customer text, order_id text) (
    SFUNC = repeat_accum, STYPE = repeat_purchase_state_text, SSPACE = 8192, COMBINEFUNC = repeat_combine_text,
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
-- state of each customer's spells (src/kpi/customer/customer_churn.rs; state types
-- customer_churn_state_int8, _uuid, _text by customer type, shared by both rates), parallel safe
-- (combine merges spells exactly). Naive timestamps are compared as written: IMMUTABLE.
---------------------------------------------------------------------------------------------
CREATE TYPE customer_churn_state_int8;
CREATE FUNCTION customer_churn_state_int8_in(cstring) RETURNS customer_churn_state_int8
    AS 'MODULE_PATHNAME', 'csm_customer_churn_state_int8_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION customer_churn_state_int8_out(customer_churn_state_int8) RETURNS cstring
    AS 'MODULE_PATHNAME', 'csm_customer_churn_state_int8_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION customer_churn_state_int8_recv(internal) RETURNS customer_churn_state_int8
    AS 'MODULE_PATHNAME', 'csm_customer_churn_state_int8_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION customer_churn_state_int8_send(customer_churn_state_int8) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_customer_churn_state_int8_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE customer_churn_state_int8 (
    INPUT = customer_churn_state_int8_in,
    OUTPUT = customer_churn_state_int8_out,
    RECEIVE = customer_churn_state_int8_recv,
    SEND = customer_churn_state_int8_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);
COMMENT ON TYPE customer_churn_state_int8 IS
    'csmetrics: partial state of customer_churn_rate(customer bigint, ...) and customer_retention_rate(customer bigint, ...)';
-- BEGIN GENERATED equality(customer_churn_state_int8): sql/templates/equality.sql via scripts/gen-sql.py
CREATE FUNCTION customer_churn_state_int8_eq(customer_churn_state_int8, customer_churn_state_int8) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION customer_churn_state_int8_ne(customer_churn_state_int8, customer_churn_state_int8) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION customer_churn_state_int8_hash(customer_churn_state_int8) RETURNS integer
    AS 'MODULE_PATHNAME', 'csm_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION customer_churn_state_int8_hash_extended(customer_churn_state_int8, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.= (
    LEFTARG = customer_churn_state_int8, RIGHTARG = customer_churn_state_int8, FUNCTION = @extschema@.customer_churn_state_int8_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES
);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = customer_churn_state_int8, RIGHTARG = customer_churn_state_int8, FUNCTION = @extschema@.customer_churn_state_int8_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR CLASS @extschema@.customer_churn_state_int8_ops DEFAULT FOR TYPE customer_churn_state_int8 USING hash AS
    OPERATOR 1 @extschema@.= (customer_churn_state_int8, customer_churn_state_int8),
    FUNCTION 1 @extschema@.customer_churn_state_int8_hash(customer_churn_state_int8),
    FUNCTION 2 @extschema@.customer_churn_state_int8_hash_extended(customer_churn_state_int8, bigint);
-- END GENERATED equality(customer_churn_state_int8)

CREATE TYPE customer_churn_state_uuid;
CREATE FUNCTION customer_churn_state_uuid_in(cstring) RETURNS customer_churn_state_uuid
    AS 'MODULE_PATHNAME', 'csm_customer_churn_state_uuid_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION customer_churn_state_uuid_out(customer_churn_state_uuid) RETURNS cstring
    AS 'MODULE_PATHNAME', 'csm_customer_churn_state_uuid_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION customer_churn_state_uuid_recv(internal) RETURNS customer_churn_state_uuid
    AS 'MODULE_PATHNAME', 'csm_customer_churn_state_uuid_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION customer_churn_state_uuid_send(customer_churn_state_uuid) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_customer_churn_state_uuid_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE customer_churn_state_uuid (
    INPUT = customer_churn_state_uuid_in,
    OUTPUT = customer_churn_state_uuid_out,
    RECEIVE = customer_churn_state_uuid_recv,
    SEND = customer_churn_state_uuid_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);
COMMENT ON TYPE customer_churn_state_uuid IS
    'csmetrics: partial state of customer_churn_rate(customer uuid, ...) and customer_retention_rate(customer uuid, ...)';
-- BEGIN GENERATED equality(customer_churn_state_uuid): sql/templates/equality.sql via scripts/gen-sql.py
CREATE FUNCTION customer_churn_state_uuid_eq(customer_churn_state_uuid, customer_churn_state_uuid) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION customer_churn_state_uuid_ne(customer_churn_state_uuid, customer_churn_state_uuid) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION customer_churn_state_uuid_hash(customer_churn_state_uuid) RETURNS integer
    AS 'MODULE_PATHNAME', 'csm_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION customer_churn_state_uuid_hash_extended(customer_churn_state_uuid, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.= (
    LEFTARG = customer_churn_state_uuid, RIGHTARG = customer_churn_state_uuid, FUNCTION = @extschema@.customer_churn_state_uuid_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES
);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = customer_churn_state_uuid, RIGHTARG = customer_churn_state_uuid, FUNCTION = @extschema@.customer_churn_state_uuid_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR CLASS @extschema@.customer_churn_state_uuid_ops DEFAULT FOR TYPE customer_churn_state_uuid USING hash AS
    OPERATOR 1 @extschema@.= (customer_churn_state_uuid, customer_churn_state_uuid),
    FUNCTION 1 @extschema@.customer_churn_state_uuid_hash(customer_churn_state_uuid),
    FUNCTION 2 @extschema@.customer_churn_state_uuid_hash_extended(customer_churn_state_uuid, bigint);
-- END GENERATED equality(customer_churn_state_uuid)

CREATE TYPE customer_churn_state_text;
CREATE FUNCTION customer_churn_state_text_in(cstring) RETURNS customer_churn_state_text
    AS 'MODULE_PATHNAME', 'csm_customer_churn_state_text_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION customer_churn_state_text_out(customer_churn_state_text) RETURNS cstring
    AS 'MODULE_PATHNAME', 'csm_customer_churn_state_text_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION customer_churn_state_text_recv(internal) RETURNS customer_churn_state_text
    AS 'MODULE_PATHNAME', 'csm_customer_churn_state_text_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION customer_churn_state_text_send(customer_churn_state_text) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_customer_churn_state_text_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE customer_churn_state_text (
    INPUT = customer_churn_state_text_in,
    OUTPUT = customer_churn_state_text_out,
    RECEIVE = customer_churn_state_text_recv,
    SEND = customer_churn_state_text_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);
COMMENT ON TYPE customer_churn_state_text IS
    'csmetrics: partial state of customer_churn_rate(customer text, ...) and customer_retention_rate(customer text, ...)';
-- BEGIN GENERATED equality(customer_churn_state_text): sql/templates/equality.sql via scripts/gen-sql.py
CREATE FUNCTION customer_churn_state_text_eq(customer_churn_state_text, customer_churn_state_text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION customer_churn_state_text_ne(customer_churn_state_text, customer_churn_state_text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION customer_churn_state_text_hash(customer_churn_state_text) RETURNS integer
    AS 'MODULE_PATHNAME', 'csm_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION customer_churn_state_text_hash_extended(customer_churn_state_text, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.= (
    LEFTARG = customer_churn_state_text, RIGHTARG = customer_churn_state_text, FUNCTION = @extschema@.customer_churn_state_text_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES
);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = customer_churn_state_text, RIGHTARG = customer_churn_state_text, FUNCTION = @extschema@.customer_churn_state_text_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR CLASS @extschema@.customer_churn_state_text_ops DEFAULT FOR TYPE customer_churn_state_text USING hash AS
    OPERATOR 1 @extschema@.= (customer_churn_state_text, customer_churn_state_text),
    FUNCTION 1 @extschema@.customer_churn_state_text_hash(customer_churn_state_text),
    FUNCTION 2 @extschema@.customer_churn_state_text_hash_extended(customer_churn_state_text, bigint);
-- END GENERATED equality(customer_churn_state_text)

CREATE FUNCTION customer_churn_combine_int8(customer_churn_state_int8, customer_churn_state_int8) RETURNS customer_churn_state_int8
    AS 'MODULE_PATHNAME', 'csm_customer_churn_combine_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_final_int8(customer_churn_state_int8) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_customer_churn_final_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_retention_final_int8(customer_churn_state_int8) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_customer_retention_final_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_accum(customer_churn_state_int8, bigint, date, date, date, date) RETURNS customer_churn_state_int8
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_int8_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_accum(customer_churn_state_int8, bigint, date, date, date, date, text) RETURNS customer_churn_state_int8
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_int8_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_retention_accum(customer_churn_state_int8, bigint, date, date, date, date) RETURNS customer_churn_state_int8
    AS 'MODULE_PATHNAME', 'csm_customer_retention_accum_int8_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE customer_churn_rate(customer bigint, started date, ended date, period_start date, period_end date) (
    SFUNC = customer_churn_accum, STYPE = customer_churn_state_int8, SSPACE = 8192, COMBINEFUNC = customer_churn_combine_int8,
    FINALFUNC = customer_churn_final_int8, PARALLEL = SAFE
);
CREATE AGGREGATE customer_churn_rate(customer bigint, started date, ended date, period_start date, period_end date, denominator text) (
    SFUNC = customer_churn_accum, STYPE = customer_churn_state_int8, SSPACE = 8192, COMBINEFUNC = customer_churn_combine_int8,
    FINALFUNC = customer_churn_final_int8, PARALLEL = SAFE
);
CREATE AGGREGATE customer_retention_rate(customer bigint, started date, ended date, period_start date, period_end date) (
    SFUNC = customer_retention_accum, STYPE = customer_churn_state_int8, SSPACE = 8192, COMBINEFUNC = customer_churn_combine_int8,
    FINALFUNC = customer_retention_final_int8, PARALLEL = SAFE
);
CREATE FUNCTION customer_churn_accum(customer_churn_state_int8, bigint, timestamptz, timestamptz, timestamptz, timestamptz) RETURNS customer_churn_state_int8
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_int8_timestamptz' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_accum(customer_churn_state_int8, bigint, timestamptz, timestamptz, timestamptz, timestamptz, text) RETURNS customer_churn_state_int8
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_int8_timestamptz' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_retention_accum(customer_churn_state_int8, bigint, timestamptz, timestamptz, timestamptz, timestamptz) RETURNS customer_churn_state_int8
    AS 'MODULE_PATHNAME', 'csm_customer_retention_accum_int8_timestamptz' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE customer_churn_rate(customer bigint, started timestamptz, ended timestamptz, period_start timestamptz, period_end timestamptz) (
    SFUNC = customer_churn_accum, STYPE = customer_churn_state_int8, SSPACE = 8192, COMBINEFUNC = customer_churn_combine_int8,
    FINALFUNC = customer_churn_final_int8, PARALLEL = SAFE
);
CREATE AGGREGATE customer_churn_rate(customer bigint, started timestamptz, ended timestamptz, period_start timestamptz, period_end timestamptz, denominator text) (
    SFUNC = customer_churn_accum, STYPE = customer_churn_state_int8, SSPACE = 8192, COMBINEFUNC = customer_churn_combine_int8,
    FINALFUNC = customer_churn_final_int8, PARALLEL = SAFE
);
CREATE AGGREGATE customer_retention_rate(customer bigint, started timestamptz, ended timestamptz, period_start timestamptz, period_end timestamptz) (
    SFUNC = customer_retention_accum, STYPE = customer_churn_state_int8, SSPACE = 8192, COMBINEFUNC = customer_churn_combine_int8,
    FINALFUNC = customer_retention_final_int8, PARALLEL = SAFE
);
CREATE FUNCTION customer_churn_accum(customer_churn_state_int8, bigint, timestamp, timestamp, timestamp, timestamp) RETURNS customer_churn_state_int8
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_int8_timestamp' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_accum(customer_churn_state_int8, bigint, timestamp, timestamp, timestamp, timestamp, text) RETURNS customer_churn_state_int8
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_int8_timestamp' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_retention_accum(customer_churn_state_int8, bigint, timestamp, timestamp, timestamp, timestamp) RETURNS customer_churn_state_int8
    AS 'MODULE_PATHNAME', 'csm_customer_retention_accum_int8_timestamp' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE customer_churn_rate(customer bigint, started timestamp, ended timestamp, period_start timestamp, period_end timestamp) (
    SFUNC = customer_churn_accum, STYPE = customer_churn_state_int8, SSPACE = 8192, COMBINEFUNC = customer_churn_combine_int8,
    FINALFUNC = customer_churn_final_int8, PARALLEL = SAFE
);
CREATE AGGREGATE customer_churn_rate(customer bigint, started timestamp, ended timestamp, period_start timestamp, period_end timestamp, denominator text) (
    SFUNC = customer_churn_accum, STYPE = customer_churn_state_int8, SSPACE = 8192, COMBINEFUNC = customer_churn_combine_int8,
    FINALFUNC = customer_churn_final_int8, PARALLEL = SAFE
);
CREATE AGGREGATE customer_retention_rate(customer bigint, started timestamp, ended timestamp, period_start timestamp, period_end timestamp) (
    SFUNC = customer_retention_accum, STYPE = customer_churn_state_int8, SSPACE = 8192, COMBINEFUNC = customer_churn_combine_int8,
    FINALFUNC = customer_retention_final_int8, PARALLEL = SAFE
);
CREATE FUNCTION customer_churn_combine_uuid(customer_churn_state_uuid, customer_churn_state_uuid) RETURNS customer_churn_state_uuid
    AS 'MODULE_PATHNAME', 'csm_customer_churn_combine_uuid' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_final_uuid(customer_churn_state_uuid) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_customer_churn_final_uuid' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_retention_final_uuid(customer_churn_state_uuid) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_customer_retention_final_uuid' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_accum(customer_churn_state_uuid, uuid, date, date, date, date) RETURNS customer_churn_state_uuid
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_uuid_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_accum(customer_churn_state_uuid, uuid, date, date, date, date, text) RETURNS customer_churn_state_uuid
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_uuid_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_retention_accum(customer_churn_state_uuid, uuid, date, date, date, date) RETURNS customer_churn_state_uuid
    AS 'MODULE_PATHNAME', 'csm_customer_retention_accum_uuid_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE customer_churn_rate(customer uuid, started date, ended date, period_start date, period_end date) (
    SFUNC = customer_churn_accum, STYPE = customer_churn_state_uuid, SSPACE = 8192, COMBINEFUNC = customer_churn_combine_uuid,
    FINALFUNC = customer_churn_final_uuid, PARALLEL = SAFE
);
CREATE AGGREGATE customer_churn_rate(customer uuid, started date, ended date, period_start date, period_end date, denominator text) (
    SFUNC = customer_churn_accum, STYPE = customer_churn_state_uuid, SSPACE = 8192, COMBINEFUNC = customer_churn_combine_uuid,
    FINALFUNC = customer_churn_final_uuid, PARALLEL = SAFE
);
CREATE AGGREGATE customer_retention_rate(customer uuid, started date, ended date, period_start date, period_end date) (
    SFUNC = customer_retention_accum, STYPE = customer_churn_state_uuid, SSPACE = 8192, COMBINEFUNC = customer_churn_combine_uuid,
    FINALFUNC = customer_retention_final_uuid, PARALLEL = SAFE
);
CREATE FUNCTION customer_churn_accum(customer_churn_state_uuid, uuid, timestamptz, timestamptz, timestamptz, timestamptz) RETURNS customer_churn_state_uuid
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_uuid_timestamptz' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_accum(customer_churn_state_uuid, uuid, timestamptz, timestamptz, timestamptz, timestamptz, text) RETURNS customer_churn_state_uuid
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_uuid_timestamptz' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_retention_accum(customer_churn_state_uuid, uuid, timestamptz, timestamptz, timestamptz, timestamptz) RETURNS customer_churn_state_uuid
    AS 'MODULE_PATHNAME', 'csm_customer_retention_accum_uuid_timestamptz' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE customer_churn_rate(customer uuid, started timestamptz, ended timestamptz, period_start timestamptz, period_end timestamptz) (
    SFUNC = customer_churn_accum, STYPE = customer_churn_state_uuid, SSPACE = 8192, COMBINEFUNC = customer_churn_combine_uuid,
    FINALFUNC = customer_churn_final_uuid, PARALLEL = SAFE
);
CREATE AGGREGATE customer_churn_rate(customer uuid, started timestamptz, ended timestamptz, period_start timestamptz, period_end timestamptz, denominator text) (
    SFUNC = customer_churn_accum, STYPE = customer_churn_state_uuid, SSPACE = 8192, COMBINEFUNC = customer_churn_combine_uuid,
    FINALFUNC = customer_churn_final_uuid, PARALLEL = SAFE
);
CREATE AGGREGATE customer_retention_rate(customer uuid, started timestamptz, ended timestamptz, period_start timestamptz, period_end timestamptz) (
    SFUNC = customer_retention_accum, STYPE = customer_churn_state_uuid, SSPACE = 8192, COMBINEFUNC = customer_churn_combine_uuid,
    FINALFUNC = customer_retention_final_uuid, PARALLEL = SAFE
);
CREATE FUNCTION customer_churn_accum(customer_churn_state_uuid, uuid, timestamp, timestamp, timestamp, timestamp) RETURNS customer_churn_state_uuid
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_uuid_timestamp' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_accum(customer_churn_state_uuid, uuid, timestamp, timestamp, timestamp, timestamp, text) RETURNS customer_churn_state_uuid
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_uuid_timestamp' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_retention_accum(customer_churn_state_uuid, uuid, timestamp, timestamp, timestamp, timestamp) RETURNS customer_churn_state_uuid
    AS 'MODULE_PATHNAME', 'csm_customer_retention_accum_uuid_timestamp' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE customer_churn_rate(customer uuid, started timestamp, ended timestamp, period_start timestamp, period_end timestamp) (
    SFUNC = customer_churn_accum, STYPE = customer_churn_state_uuid, SSPACE = 8192, COMBINEFUNC = customer_churn_combine_uuid,
    FINALFUNC = customer_churn_final_uuid, PARALLEL = SAFE
);
CREATE AGGREGATE customer_churn_rate(customer uuid, started timestamp, ended timestamp, period_start timestamp, period_end timestamp, denominator text) (
    SFUNC = customer_churn_accum, STYPE = customer_churn_state_uuid, SSPACE = 8192, COMBINEFUNC = customer_churn_combine_uuid,
    FINALFUNC = customer_churn_final_uuid, PARALLEL = SAFE
);
CREATE AGGREGATE customer_retention_rate(customer uuid, started timestamp, ended timestamp, period_start timestamp, period_end timestamp) (
    SFUNC = customer_retention_accum, STYPE = customer_churn_state_uuid, SSPACE = 8192, COMBINEFUNC = customer_churn_combine_uuid,
    FINALFUNC = customer_retention_final_uuid, PARALLEL = SAFE
);
CREATE FUNCTION customer_churn_combine_text(customer_churn_state_text, customer_churn_state_text) RETURNS customer_churn_state_text
    AS 'MODULE_PATHNAME', 'csm_customer_churn_combine_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_final_text(customer_churn_state_text) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_customer_churn_final_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_retention_final_text(customer_churn_state_text) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_customer_retention_final_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_accum(customer_churn_state_text, text, date, date, date, date) RETURNS customer_churn_state_text
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_text_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_accum(customer_churn_state_text, text, date, date, date, date, text) RETURNS customer_churn_state_text
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_text_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_retention_accum(customer_churn_state_text, text, date, date, date, date) RETURNS customer_churn_state_text
    AS 'MODULE_PATHNAME', 'csm_customer_retention_accum_text_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE customer_churn_rate(customer text, started date, ended date, period_start date, period_end date) (
    SFUNC = customer_churn_accum, STYPE = customer_churn_state_text, SSPACE = 8192, COMBINEFUNC = customer_churn_combine_text,
    FINALFUNC = customer_churn_final_text, PARALLEL = SAFE
);
CREATE AGGREGATE customer_churn_rate(customer text, started date, ended date, period_start date, period_end date, denominator text) (
    SFUNC = customer_churn_accum, STYPE = customer_churn_state_text, SSPACE = 8192, COMBINEFUNC = customer_churn_combine_text,
    FINALFUNC = customer_churn_final_text, PARALLEL = SAFE
);
CREATE AGGREGATE customer_retention_rate(customer text, started date, ended date, period_start date, period_end date) (
    SFUNC = customer_retention_accum, STYPE = customer_churn_state_text, SSPACE = 8192, COMBINEFUNC = customer_churn_combine_text,
    FINALFUNC = customer_retention_final_text, PARALLEL = SAFE
);
CREATE FUNCTION customer_churn_accum(customer_churn_state_text, text, timestamptz, timestamptz, timestamptz, timestamptz) RETURNS customer_churn_state_text
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_text_timestamptz' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_accum(customer_churn_state_text, text, timestamptz, timestamptz, timestamptz, timestamptz, text) RETURNS customer_churn_state_text
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_text_timestamptz' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_retention_accum(customer_churn_state_text, text, timestamptz, timestamptz, timestamptz, timestamptz) RETURNS customer_churn_state_text
    AS 'MODULE_PATHNAME', 'csm_customer_retention_accum_text_timestamptz' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE customer_churn_rate(customer text, started timestamptz, ended timestamptz, period_start timestamptz, period_end timestamptz) (
    SFUNC = customer_churn_accum, STYPE = customer_churn_state_text, SSPACE = 8192, COMBINEFUNC = customer_churn_combine_text,
    FINALFUNC = customer_churn_final_text, PARALLEL = SAFE
);
CREATE AGGREGATE customer_churn_rate(customer text, started timestamptz, ended timestamptz, period_start timestamptz, period_end timestamptz, denominator text) (
    SFUNC = customer_churn_accum, STYPE = customer_churn_state_text, SSPACE = 8192, COMBINEFUNC = customer_churn_combine_text,
    FINALFUNC = customer_churn_final_text, PARALLEL = SAFE
);
CREATE AGGREGATE customer_retention_rate(customer text, started timestamptz, ended timestamptz, period_start timestamptz, period_end timestamptz) (
    SFUNC = customer_retention_accum, STYPE = customer_churn_state_text, SSPACE = 8192, COMBINEFUNC = customer_churn_combine_text,
    FINALFUNC = customer_retention_final_text, PARALLEL = SAFE
);
CREATE FUNCTION customer_churn_accum(customer_churn_state_text, text, timestamp, timestamp, timestamp, timestamp) RETURNS customer_churn_state_text
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_text_timestamp' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_churn_accum(customer_churn_state_text, text, timestamp, timestamp, timestamp, timestamp, text) RETURNS customer_churn_state_text
    AS 'MODULE_PATHNAME', 'csm_customer_churn_accum_text_timestamp' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION customer_retention_accum(customer_churn_state_text, text, timestamp, timestamp, timestamp, timestamp) RETURNS customer_churn_state_text
    AS 'MODULE_PATHNAME', 'csm_customer_retention_accum_text_timestamp' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE customer_churn_rate(customer text, started timestamp, ended timestamp, period_start timestamp, period_end timestamp) (
    SFUNC = customer_churn_accum, STYPE = customer_churn_state_text, SSPACE = 8192, COMBINEFUNC = customer_churn_combine_text,
    FINALFUNC = customer_churn_final_text, PARALLEL = SAFE
);
CREATE AGGREGATE customer_churn_rate(customer text, started timestamp, ended timestamp, period_start timestamp, period_end timestamp, denominator text) (
    SFUNC = customer_churn_accum, STYPE = customer_churn_state_text, SSPACE = 8192, COMBINEFUNC = customer_churn_combine_text,
    FINALFUNC = customer_churn_final_text, PARALLEL = SAFE
);
CREATE AGGREGATE customer_retention_rate(customer text, started timestamp, ended timestamp, period_start timestamp, period_end timestamp) (
    SFUNC = customer_retention_accum, STYPE = customer_churn_state_text, SSPACE = 8192, COMBINEFUNC = customer_churn_combine_text,
    FINALFUNC = customer_retention_final_text, PARALLEL = SAFE
);
