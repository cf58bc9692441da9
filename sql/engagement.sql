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

-- BEGIN GENERATED equality(activity_summary): sql/templates/equality.sql via scripts/gen-sql.py
CREATE FUNCTION activity_summary_eq(activity_summary, activity_summary) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION activity_summary_ne(activity_summary, activity_summary) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION activity_summary_hash(activity_summary) RETURNS integer
    AS 'MODULE_PATHNAME', 'csm_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION activity_summary_hash_extended(activity_summary, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.= (
    LEFTARG = activity_summary, RIGHTARG = activity_summary, FUNCTION = @extschema@.activity_summary_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES
);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = activity_summary, RIGHTARG = activity_summary, FUNCTION = @extschema@.activity_summary_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR CLASS @extschema@.activity_summary_ops DEFAULT FOR TYPE activity_summary USING hash AS
    OPERATOR 1 @extschema@.= (activity_summary, activity_summary),
    FUNCTION 1 @extschema@.activity_summary_hash(activity_summary),
    FUNCTION 2 @extschema@.activity_summary_hash_extended(activity_summary, bigint);
-- END GENERATED equality(activity_summary)

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
-- active_users(activity_summary): the distinct keys of every day of the summaries aggregated
-- (a month from its stored days, every shard of a total), counted as the days' bitmaps are
-- read: the merged summary is never built (src/kpi/engagement/union.rs). Its state type,
-- active_users_state, is the union of the keys (dense bigint keys as a bitmap, any other keys
-- listed); it is what parallel workers and Citus nodes exchange; text form
-- {"type":"active_users_state","binary":"<hex>"}. No moving mode: a union has no inverse.
---------------------------------------------------------------------------------------------
CREATE TYPE active_users_state;
CREATE FUNCTION active_users_state_in(cstring) RETURNS active_users_state
    AS 'MODULE_PATHNAME', 'csm_active_users_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_users_state_out(active_users_state) RETURNS cstring
    AS 'MODULE_PATHNAME', 'csm_active_users_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_users_state_recv(internal) RETURNS active_users_state
    AS 'MODULE_PATHNAME', 'csm_active_users_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_users_state_send(active_users_state) RETURNS bytea
    AS 'MODULE_PATHNAME', 'csm_active_users_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE active_users_state (
    INPUT = active_users_state_in,
    OUTPUT = active_users_state_out,
    RECEIVE = active_users_state_recv,
    SEND = active_users_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);
COMMENT ON TYPE active_users_state IS
    'csmetrics: partial state of active_users(activity_summary)';
-- BEGIN GENERATED equality(active_users_state): sql/templates/equality.sql via scripts/gen-sql.py
CREATE FUNCTION active_users_state_eq(active_users_state, active_users_state) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_users_state_ne(active_users_state, active_users_state) RETURNS boolean
    AS 'MODULE_PATHNAME', 'csm_summary_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_users_state_hash(active_users_state) RETURNS integer
    AS 'MODULE_PATHNAME', 'csm_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION active_users_state_hash_extended(active_users_state, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.= (
    LEFTARG = active_users_state, RIGHTARG = active_users_state, FUNCTION = @extschema@.active_users_state_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES
);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = active_users_state, RIGHTARG = active_users_state, FUNCTION = @extschema@.active_users_state_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR CLASS @extschema@.active_users_state_ops DEFAULT FOR TYPE active_users_state USING hash AS
    OPERATOR 1 @extschema@.= (active_users_state, active_users_state),
    FUNCTION 1 @extschema@.active_users_state_hash(active_users_state),
    FUNCTION 2 @extschema@.active_users_state_hash_extended(active_users_state, bigint);
-- END GENERATED equality(active_users_state)
CREATE FUNCTION active_users_accum(active_users_state, activity_summary) RETURNS active_users_state
    AS 'MODULE_PATHNAME', 'csm_active_users_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION active_users_combine(active_users_state, active_users_state) RETURNS active_users_state
    AS 'MODULE_PATHNAME', 'csm_active_users_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION active_users_final(active_users_state) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csm_active_users_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE active_users(activity activity_summary) (
    SFUNC = active_users_accum, STYPE = active_users_state, SSPACE = 65536,
    COMBINEFUNC = active_users_combine, FINALFUNC = active_users_final, PARALLEL = SAFE
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
