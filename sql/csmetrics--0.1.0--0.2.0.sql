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

---------------------------------------------------------------------------------------------
-- New in 0.2.0: the customer family (sql/customer.sql)
---------------------------------------------------------------------------------------------
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
-- New in 0.2.0: the revenue family (sql/revenue.sql)
---------------------------------------------------------------------------------------------
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

-- Equal states are equal bytes (the binary form is canonical).
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
-- New in 0.2.0: the health family (sql/health.sql)
---------------------------------------------------------------------------------------------
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

---------------------------------------------------------------------------------------------
-- New in 0.2.0: the engagement family (sql/engagement.sql)
---------------------------------------------------------------------------------------------
-- csmetrics engagement family (since 0.2.0): activity_summary, the exact set of keys active on
-- each local day, and DAU/WAU/MAU, stickiness, lifecycle and cohort retention read from it.
-- The C symbols are defined in src/pg/engagement.rs.

---------------------------------------------------------------------------------------------
-- activity_summary: per local day, the keys (users, accounts) active that day
---------------------------------------------------------------------------------------------
CREATE TYPE activity_summary;

CREATE FUNCTION activity_summary_in(cstring) RETURNS activity_summary
    AS 'MODULE_PATHNAME', 'csm_activity_summary_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION activity_summary_out(activity_summary) RETURNS cstring
    AS 'MODULE_PATHNAME', 'csm_activity_summary_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION activity_summary_recv(internal) RETURNS activity_summary
    AS 'MODULE_PATHNAME', 'csm_activity_summary_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION activity_summary_send(activity_summary) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_activity_summary_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- STORAGE = extended: a year of a large product is megabytes, stored out of line (TOAST).
CREATE TYPE activity_summary (
    INPUT = activity_summary_in,
    OUTPUT = activity_summary_out,
    RECEIVE = activity_summary_recv,
    SEND = activity_summary_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);
COMMENT ON TYPE activity_summary IS
    'csmetrics: the exact set of keys active on each local day; read with dau(), mau(), lifecycle(), ...';

CREATE FUNCTION activity_summary_eq(activity_summary, activity_summary) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION activity_summary_ne(activity_summary, activity_summary) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION activity_summary_hash(activity_summary) RETURNS integer
    AS 'MODULE_PATHNAME', 'csm_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION activity_summary_hash_extended(activity_summary, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.= (
    LEFTARG = activity_summary, RIGHTARG = activity_summary,
    FUNCTION = @extschema@.activity_summary_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES
);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = activity_summary, RIGHTARG = activity_summary,
    FUNCTION = @extschema@.activity_summary_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR CLASS @extschema@.activity_summary_ops
    DEFAULT FOR TYPE activity_summary USING hash AS
    OPERATOR 1 @extschema@.= (activity_summary, activity_summary),
    FUNCTION 1 @extschema@.activity_summary_hash(activity_summary),
    FUNCTION 2 @extschema@.activity_summary_hash_extended(activity_summary, bigint);

---------------------------------------------------------------------------------------------
-- Aggregate support (state: activity_summary, updated in place as an expanded object; see
-- src/pg/expanded.rs)
---------------------------------------------------------------------------------------------
-- Transitions are not strict: the state starts NULL; NULL keys, times or zones skip
-- the row. The zone forms are IMMUTABLE like timezone(text, timestamptz); the others read the
-- session's TimeZone, hence STABLE.
CREATE FUNCTION activity_accum(activity_summary, bigint, timestamptz, text) RETURNS activity_summary
    AS 'MODULE_PATHNAME', 'csm_activity_accum_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION activity_accum(activity_summary, bigint, timestamptz) RETURNS activity_summary
    AS 'MODULE_PATHNAME', 'csm_activity_accum_int8' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION activity_accum(activity_summary, text, timestamptz, text) RETURNS activity_summary
    AS 'MODULE_PATHNAME', 'csm_activity_accum_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION activity_accum(activity_summary, text, timestamptz) RETURNS activity_summary
    AS 'MODULE_PATHNAME', 'csm_activity_accum_text' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION activity_accum(activity_summary, uuid, timestamptz, text) RETURNS activity_summary
    AS 'MODULE_PATHNAME', 'csm_activity_accum_uuid' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION activity_accum(activity_summary, uuid, timestamptz) RETURNS activity_summary
    AS 'MODULE_PATHNAME', 'csm_activity_accum_uuid' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION activity_rollup_accum(activity_summary, activity_summary) RETURNS activity_summary
    AS 'MODULE_PATHNAME', 'csm_activity_summary_rollup' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION activity_summary_combine(activity_summary, activity_summary) RETURNS activity_summary
    AS 'MODULE_PATHNAME', 'csm_activity_summary_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION activity_summary_final(activity_summary) RETURNS activity_summary
    AS 'MODULE_PATHNAME', 'csm_activity_summary_finalize' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- No moving mode: removing a key from a day needs to know whether another row of the frame
-- still has it, which a set cannot tell.
CREATE AGGREGATE activity_agg(key bigint, at timestamptz, zone text) (
    SFUNC = activity_accum, STYPE = activity_summary, SSPACE = 65536,
    COMBINEFUNC = activity_summary_combine, FINALFUNC = activity_summary_final,
    PARALLEL = SAFE
);
CREATE AGGREGATE activity_agg(key bigint, at timestamptz) (
    SFUNC = activity_accum, STYPE = activity_summary, SSPACE = 65536,
    COMBINEFUNC = activity_summary_combine, FINALFUNC = activity_summary_final,
    PARALLEL = SAFE
);
CREATE AGGREGATE activity_agg(key text, at timestamptz, zone text) (
    SFUNC = activity_accum, STYPE = activity_summary, SSPACE = 65536,
    COMBINEFUNC = activity_summary_combine, FINALFUNC = activity_summary_final,
    PARALLEL = SAFE
);
CREATE AGGREGATE activity_agg(key text, at timestamptz) (
    SFUNC = activity_accum, STYPE = activity_summary, SSPACE = 65536,
    COMBINEFUNC = activity_summary_combine, FINALFUNC = activity_summary_final,
    PARALLEL = SAFE
);
CREATE AGGREGATE activity_agg(key uuid, at timestamptz, zone text) (
    SFUNC = activity_accum, STYPE = activity_summary, SSPACE = 65536,
    COMBINEFUNC = activity_summary_combine, FINALFUNC = activity_summary_final,
    PARALLEL = SAFE
);
CREATE AGGREGATE activity_agg(key uuid, at timestamptz) (
    SFUNC = activity_accum, STYPE = activity_summary, SSPACE = 65536,
    COMBINEFUNC = activity_summary_combine, FINALFUNC = activity_summary_final,
    PARALLEL = SAFE
);
-- rollup(activity_summary): the union, day by day (daily summaries -> a month, shards -> all).
CREATE AGGREGATE rollup(activity_summary) (
    SFUNC = activity_rollup_accum, STYPE = activity_summary, SSPACE = 65536,
    COMBINEFUNC = activity_summary_combine, FINALFUNC = activity_summary_final,
    PARALLEL = SAFE
);

---------------------------------------------------------------------------------------------
-- Accessors (exact counts)
---------------------------------------------------------------------------------------------
CREATE FUNCTION dau(activity activity_summary, day date) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_activity_dau' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION wau(activity activity_summary, day date) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_activity_wau' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mau(activity activity_summary, day date) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_activity_mau' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_users(activity activity_summary, from_day date, to_day date) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_activity_active_users' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION stickiness(activity activity_summary, month date) RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_activity_stickiness_month' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION stickiness(activity activity_summary, from_day date, to_day date)
    RETURNS double precision
    AS 'MODULE_PATHNAME', 'csm_activity_stickiness' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_days(activity activity_summary, from_day date, to_day date)
    RETURNS TABLE(days integer, users bigint)
    AS 'MODULE_PATHNAME', 'csm_activity_active_days' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 30;
CREATE FUNCTION daily_activity_kpis(activity activity_summary)
    RETURNS TABLE(day date, dau bigint, wau bigint, mau bigint, stickiness double precision)
    AS 'MODULE_PATHNAME', 'csm_activity_daily_kpis' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 365;
CREATE FUNCTION lifecycle(activity activity_summary, grain text)
    RETURNS TABLE(period date, new_users bigint, returning_users bigint,
                  resurrecting_users bigint, dormant_users bigint)
    AS 'MODULE_PATHNAME', 'csm_activity_lifecycle' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 52;
CREATE FUNCTION lifecycle(activity activity_summary, grain text, report_from date)
    RETURNS TABLE(period date, new_users bigint, returning_users bigint,
                  resurrecting_users bigint, dormant_users bigint)
    AS 'MODULE_PATHNAME', 'csm_activity_lifecycle' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 52;
CREATE FUNCTION retention(activity activity_summary, grain text, periods integer)
    RETURNS TABLE(cohort date, period_number integer, cohort_size bigint, retained bigint,
                  retention_percent double precision)
    AS 'MODULE_PATHNAME', 'csm_activity_retention' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 100;

-- Naive timestamps and the shapes real tables have (customer and engagement families).

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

---------------------------------------------------------------------------------------------
-- activity_agg over timestamp without time zone: a naive value is a wall-clock time, placed on
-- the date written on it (with a zone, read in that zone as `at AT TIME ZONE zone`, whose day
-- there is that same date; the zone is checked). IMMUTABLE: the session's TimeZone plays no part.
---------------------------------------------------------------------------------------------
CREATE FUNCTION activity_accum(activity_summary, bigint, timestamp, text) RETURNS activity_summary
    AS 'MODULE_PATHNAME', 'csm_activity_accum_naive_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION activity_accum(activity_summary, bigint, timestamp) RETURNS activity_summary
    AS 'MODULE_PATHNAME', 'csm_activity_accum_naive_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION activity_accum(activity_summary, text, timestamp, text) RETURNS activity_summary
    AS 'MODULE_PATHNAME', 'csm_activity_accum_naive_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION activity_accum(activity_summary, text, timestamp) RETURNS activity_summary
    AS 'MODULE_PATHNAME', 'csm_activity_accum_naive_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION activity_accum(activity_summary, uuid, timestamp, text) RETURNS activity_summary
    AS 'MODULE_PATHNAME', 'csm_activity_accum_naive_uuid' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION activity_accum(activity_summary, uuid, timestamp) RETURNS activity_summary
    AS 'MODULE_PATHNAME', 'csm_activity_accum_naive_uuid' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE activity_agg(key bigint, at timestamp, zone text) (
    SFUNC = activity_accum, STYPE = activity_summary, SSPACE = 65536,
    COMBINEFUNC = activity_summary_combine, FINALFUNC = activity_summary_final,
    PARALLEL = SAFE
);
CREATE AGGREGATE activity_agg(key bigint, at timestamp) (
    SFUNC = activity_accum, STYPE = activity_summary, SSPACE = 65536,
    COMBINEFUNC = activity_summary_combine, FINALFUNC = activity_summary_final,
    PARALLEL = SAFE
);
CREATE AGGREGATE activity_agg(key text, at timestamp, zone text) (
    SFUNC = activity_accum, STYPE = activity_summary, SSPACE = 65536,
    COMBINEFUNC = activity_summary_combine, FINALFUNC = activity_summary_final,
    PARALLEL = SAFE
);
CREATE AGGREGATE activity_agg(key text, at timestamp) (
    SFUNC = activity_accum, STYPE = activity_summary, SSPACE = 65536,
    COMBINEFUNC = activity_summary_combine, FINALFUNC = activity_summary_final,
    PARALLEL = SAFE
);
CREATE AGGREGATE activity_agg(key uuid, at timestamp, zone text) (
    SFUNC = activity_accum, STYPE = activity_summary, SSPACE = 65536,
    COMBINEFUNC = activity_summary_combine, FINALFUNC = activity_summary_final,
    PARALLEL = SAFE
);
CREATE AGGREGATE activity_agg(key uuid, at timestamp) (
    SFUNC = activity_accum, STYPE = activity_summary, SSPACE = 65536,
    COMBINEFUNC = activity_summary_combine, FINALFUNC = activity_summary_final,
    PARALLEL = SAFE
);

-- mrr_agg over timestamps and subscription periods, monthly_amount with Stripe units (revenue family).
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

-- real and double precision survey scores (survey family).
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


-- license_agg with bigint seats (customer family).
-- Seats stored as bigint (at most 2147483647 per licence, as for integer).
CREATE FUNCTION license_accum(license_summary, tstzrange, bigint) RETURNS license_summary
    AS 'MODULE_PATHNAME', 'csm_license_accum_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE license_agg(valid tstzrange, seats bigint) (
    SFUNC = license_accum, STYPE = license_summary, COMBINEFUNC = license_combine,
    FINALFUNC = license_finalize, PARALLEL = SAFE
);
---------------------------------------------------------------------------------------------
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

---------------------------------------------------------------------------------------------
-- Engagement reports over a caller's range, the people behind the counts, more cohorts
---------------------------------------------------------------------------------------------
-- Not strict: a NULL summary gives no rows, a NULL bound or grain is refused (22023).
CREATE FUNCTION lifecycle(activity activity_summary, grain text, report_from date, report_to date)
    RETURNS TABLE(period date, new_users bigint, returning_users bigint,
                  resurrecting_users bigint, dormant_users bigint)
    AS 'MODULE_PATHNAME', 'csm_activity_lifecycle_range' LANGUAGE C IMMUTABLE PARALLEL SAFE
    ROWS 52;
CREATE FUNCTION daily_activity_kpis(activity activity_summary, from_day date, to_day date)
    RETURNS TABLE(day date, dau bigint, wau bigint, mau bigint, stickiness double precision)
    AS 'MODULE_PATHNAME', 'csm_activity_daily_kpis_range' LANGUAGE C IMMUTABLE PARALLEL SAFE
    ROWS 365;
CREATE FUNCTION lifecycle_status(activity activity_summary, key bigint, grain text, period date)
    RETURNS text
    AS 'MODULE_PATHNAME', 'csm_activity_status_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lifecycle_status(activity activity_summary, key text, grain text, period date)
    RETURNS text
    AS 'MODULE_PATHNAME', 'csm_activity_status_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION lifecycle_status(activity activity_summary, key uuid, grain text, period date)
    RETURNS text
    AS 'MODULE_PATHNAME', 'csm_activity_status_uuid' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION was_active(activity activity_summary, key bigint, from_day date, to_day date)
    RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_activity_was_active_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION was_active(activity activity_summary, key text, from_day date, to_day date)
    RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_activity_was_active_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION was_active(activity activity_summary, key uuid, from_day date, to_day date)
    RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_activity_was_active_uuid' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION retention(activity activity_summary, grain text, periods integer, cohort_by text)
    RETURNS TABLE(cohort date, period_number integer, cohort_size bigint, retained bigint,
                  retention_percent double precision)
    AS 'MODULE_PATHNAME', 'csm_activity_retention_by' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 100;
CREATE FUNCTION retention(cohorts activity_summary, activity activity_summary, grain text,
                          periods integer)
    RETURNS TABLE(cohort date, period_number integer, cohort_size bigint, retained bigint,
                  retention_percent double precision)
    AS 'MODULE_PATHNAME', 'csm_activity_retention_signup' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 100;
