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
