-- Aggregate state types: a state stored as a value (flattened from the expanded object the
-- aggregate updates in place) reads back through text and binary I/O unchanged, and a flat
-- state fed back into the combine and final functions gives what the aggregate gives from
-- the rows. Aggregates without a final function return their state as it is.
SET extra_float_digits = 0;
CREATE AGGREGATE mrr_partial(bigint, date, numeric) (SFUNC = mrr_agg_accum, STYPE = mrr_state);
CREATE AGGREGATE mrr_merge(mrr_state) (
    SFUNC = mrr_history_combine, STYPE = mrr_state, FINALFUNC = mrr_history_final);
CREATE AGGREGATE activity_partial(bigint, timestamptz, text) (
    SFUNC = activity_accum, STYPE = activity_summary);
CREATE AGGREGATE activity_merge(activity_summary) (
    SFUNC = activity_summary_combine, STYPE = activity_summary,
    FINALFUNC = activity_summary_final);

-- Rows spread over 4 shards; a credit line (negative) on one shard nets with its charge on
-- another, so the shards' partial states hold negative months (the signed state form).
CREATE TABLE billing AS
SELECT i % 4 AS shard, i % 37 AS customer,
       (date '2025-01-01' + ((i * 7) % 12) * interval '1 month')::date AS month,
       CASE WHEN i % 9 = 0 THEN -(i % 5)::numeric ELSE (10 + i % 23)::numeric + 0.25 END AS mrr
FROM generate_series(1, 2000) AS i;
CREATE TABLE mrr_parts AS
SELECT shard, mrr_partial(customer, month, mrr) AS s FROM billing GROUP BY shard;

-- Some partial states hold credits not yet netted: their binary form has the signed version.
SELECT count(*) FILTER (WHERE get_byte(mrr_state_send(s), 0) = 129) > 0 AS signed_parts,
       count(*) AS parts
FROM mrr_parts;
-- Text: output, then input, gives the same bytes; the text names the type.
SELECT bool_and(mrr_state_send(s::text::mrr_state) = mrr_state_send(s)) AS text_round_trip,
       bool_and(s::text LIKE '{"type":"mrr_state","binary":"%"}') AS text_shape
FROM mrr_parts;
-- Flat states merged by the combine function = the aggregate over every row.
SELECT (SELECT mrr_merge(s) FROM mrr_parts) = (SELECT mrr_agg(customer, month, mrr) FROM billing)
    AS combined_equals_rows,
       (SELECT mrr_merge(s::text::mrr_state) FROM mrr_parts)
           = (SELECT mrr_agg(customer, month, mrr) FROM billing) AS combined_text_equals_rows;
-- The final function of a stored state = the aggregate over that shard's rows (shards with
-- a month netting below zero raise, so compare those that finish).
SELECT bool_and(mrr_history_final(p.s) = (SELECT mrr_agg(customer, month, mrr) FROM billing b
                                          WHERE b.shard = p.shard)) AS final_of_flat
FROM mrr_parts p WHERE p.shard IN (1, 3);

-- Window use: the final function runs on the same state row after row and must not change
-- it (nor net its credits in place); a running mrr_agg equals mrr_agg over the rows so far.
-- Charges come before credits within a month, so no running month goes below zero.
WITH w AS (
    SELECT i, mrr_agg(customer, month, mrr) OVER (ORDER BY i) AS running
    FROM (SELECT row_number() OVER (ORDER BY customer, month, mrr DESC, shard) AS i, * FROM billing
          WHERE customer < 5) AS t
)
SELECT bool_and(running = (SELECT mrr_agg(customer, month, mrr) FROM
                 (SELECT row_number() OVER (ORDER BY customer, month, mrr DESC, shard) AS i, *
                  FROM billing WHERE customer < 5) AS t2 WHERE t2.i <= w.i)) AS window_equals,
       count(*) AS rows
FROM w;

-- activity_summary is its own state type.
CREATE TABLE events AS
SELECT i % 3 AS shard, i % 101 AS usr,
       timestamptz '2025-03-01 00:00+00' + (i * 7919 % 2000) * interval '1 hour' AS at
FROM generate_series(1, 3000) AS i;
CREATE TABLE activity_parts AS
SELECT shard, activity_partial(usr, at, 'Europe/Paris') AS s FROM events GROUP BY shard;
SELECT bool_and(activity_summary_send(s::text::activity_summary) = activity_summary_send(s))
    AS text_round_trip FROM activity_parts;
SELECT (SELECT activity_merge(s) FROM activity_parts)
           = (SELECT activity_agg(usr, at, 'Europe/Paris') FROM events) AS combined_equals_rows,
       (SELECT rollup(s) FROM activity_parts)
           = (SELECT activity_agg(usr, at, 'Europe/Paris') FROM events) AS rollup_equals_rows;
SELECT active_users((SELECT activity_merge(s) FROM activity_parts), '2025-01-01', '2026-01-01') AS users,
       count(DISTINCT usr) AS expected FROM events;

-- Bad text: 22P02 naming the value.
\set VERBOSITY default
SELECT '{"type":"mrr_state","binary":"zz"}'::mrr_state;
SELECT '{"type":"mrr_state","binary":"07"}'::mrr_state;
SELECT '{"type":"activity_summary","binary":"01"}'::mrr_state;
-- State functions refuse to run outside an aggregate.
SELECT mrr_history_combine(NULL, s) FROM mrr_parts WHERE shard = 1;

-- The states of active_ratio, repeat_purchase_rate, per-customer churn and retention, nrr/grr
-- and health_score are real types too (one per customer key type where the state is keyed):
-- each stored partial state reads back through text and binary I/O unchanged, and the
-- combine and final functions over the flat states give what the aggregate gives from rows.
CREATE TABLE kp AS
SELECT i % 4 AS shard, i % 53 AS c, md5((i % 53)::text)::uuid AS cu, 'cus_' || (i % 53) AS ct,
       (i % 53 % 3 = 0 AND i % 2 = 0) AS active, i % 89 AS o,
       date '2024-01-01' + (i * 13 % 500) AS started,
       CASE WHEN i % 3 = 0 THEN date '2024-01-01' + (i * 13 % 500) + i % 200 END AS ended,
       (i % 50)::numeric + 100 AS st, (i % 11)::numeric AS ex, (i % 13)::numeric AS ch,
       (i % 17)::numeric + 0.5 AS co,
       (ARRAY['login', 'ticket', 'upgrade'])[1 + i % 3] AS signal, (i % 9)::float8 AS amount
FROM generate_series(1, 2000) AS i;
CREATE AGGREGATE ap_int8(bigint, boolean) (SFUNC = active_accum, STYPE = active_ratio_state_int8);
CREATE AGGREGATE ap_uuid(uuid, boolean) (SFUNC = active_accum, STYPE = active_ratio_state_uuid);
CREATE AGGREGATE ap_text(text, boolean) (SFUNC = active_accum, STYPE = active_ratio_state_text);
CREATE AGGREGATE am_int8(active_ratio_state_int8) (SFUNC = active_combine_int8,
    STYPE = active_ratio_state_int8, FINALFUNC = active_percent_int8);
CREATE AGGREGATE am_uuid(active_ratio_state_uuid) (SFUNC = active_combine_uuid,
    STYPE = active_ratio_state_uuid, FINALFUNC = active_percent_uuid);
CREATE AGGREGATE am_text(active_ratio_state_text) (SFUNC = active_combine_text,
    STYPE = active_ratio_state_text, FINALFUNC = active_percent_text);
CREATE AGGREGATE rp_int8(bigint, bigint) (SFUNC = repeat_accum, STYPE = repeat_purchase_state_int8);
CREATE AGGREGATE rp_uuid(uuid, bigint) (SFUNC = repeat_accum, STYPE = repeat_purchase_state_uuid);
CREATE AGGREGATE rp_text(text, text) (SFUNC = repeat_accum, STYPE = repeat_purchase_state_text);
CREATE AGGREGATE rm_int8(repeat_purchase_state_int8) (SFUNC = repeat_combine_int8,
    STYPE = repeat_purchase_state_int8, FINALFUNC = repeat_percent_int8);
CREATE AGGREGATE rm_uuid(repeat_purchase_state_uuid) (SFUNC = repeat_combine_uuid,
    STYPE = repeat_purchase_state_uuid, FINALFUNC = repeat_percent_uuid);
CREATE AGGREGATE rm_text(repeat_purchase_state_text) (SFUNC = repeat_combine_text,
    STYPE = repeat_purchase_state_text, FINALFUNC = repeat_percent_text);
CREATE AGGREGATE cp_int8(bigint, date, date, date, date) (SFUNC = customer_churn_accum,
    STYPE = customer_churn_state_int8);
CREATE AGGREGATE cp_uuid(uuid, date, date, date, date) (SFUNC = customer_churn_accum,
    STYPE = customer_churn_state_uuid);
CREATE AGGREGATE cp_text(text, date, date, date, date) (SFUNC = customer_churn_accum,
    STYPE = customer_churn_state_text);
CREATE AGGREGATE cm_int8(customer_churn_state_int8) (SFUNC = customer_churn_combine_int8,
    STYPE = customer_churn_state_int8, FINALFUNC = customer_churn_final_int8);
CREATE AGGREGATE cr_int8(customer_churn_state_int8) (SFUNC = customer_churn_combine_int8,
    STYPE = customer_churn_state_int8, FINALFUNC = customer_retention_final_int8);
CREATE AGGREGATE cm_uuid(customer_churn_state_uuid) (SFUNC = customer_churn_combine_uuid,
    STYPE = customer_churn_state_uuid, FINALFUNC = customer_churn_final_uuid);
CREATE AGGREGATE cm_text(customer_churn_state_text) (SFUNC = customer_churn_combine_text,
    STYPE = customer_churn_state_text, FINALFUNC = customer_churn_final_text);
CREATE AGGREGATE np(numeric, numeric, numeric, numeric) (SFUNC = nrr_accum, STYPE = nrr_state);
CREATE AGGREGATE gp(numeric, numeric, numeric) (SFUNC = grr_accum, STYPE = nrr_state);
CREATE AGGREGATE nm(nrr_state) (SFUNC = retention_combine, STYPE = nrr_state, FINALFUNC = nrr_final);
CREATE AGGREGATE gm(nrr_state) (SFUNC = retention_combine, STYPE = nrr_state, FINALFUNC = grr_final);
CREATE AGGREGATE hp(text, float8, jsonb) (SFUNC = health_accum, STYPE = health_score_state);
CREATE AGGREGATE hm(health_score_state) (SFUNC = health_state_combine, STYPE = health_score_state,
    FINALFUNC = health_state_score);

CREATE TABLE kp_parts AS
SELECT shard,
       ap_int8(c, active) AS a8, ap_uuid(cu, active) AS au, ap_text(ct, active) AS at,
       rp_int8(c, o) AS r8, rp_uuid(cu, o) AS ru, rp_text(ct, o::text) AS rt,
       cp_int8(c, started, ended, '2024-06-01', '2024-12-01') AS c8,
       cp_uuid(cu, started, ended, '2024-06-01', '2024-12-01') AS cu,
       cp_text(ct, started, ended, '2024-06-01', '2024-12-01') AS ct,
       np(st, ex, ch, co) AS n, gp(st, ch, co) AS g,
       hp(signal, amount, '{"login": 1, "ticket": -2.5, "upgrade": 10}') AS h
FROM kp GROUP BY shard;

-- Text and binary round trips; the text names the type.
SELECT bool_and(a8::text::active_ratio_state_int8::text = a8::text
                AND active_ratio_state_int8_send(a8::text::active_ratio_state_int8)
                    = active_ratio_state_int8_send(a8)) AS a8,
       bool_and(au::text::active_ratio_state_uuid::text = au::text) AS au,
       bool_and(at::text::active_ratio_state_text::text = at::text) AS at,
       bool_and(r8::text::repeat_purchase_state_int8::text = r8::text) AS r8,
       bool_and(ru::text::repeat_purchase_state_uuid::text = ru::text) AS ru,
       bool_and(rt::text::repeat_purchase_state_text::text = rt::text) AS rt,
       bool_and(c8::text::customer_churn_state_int8::text = c8::text) AS c8,
       bool_and(cu::text::customer_churn_state_uuid::text = cu::text) AS cu,
       bool_and(ct::text::customer_churn_state_text::text = ct::text) AS ct,
       bool_and(n::text::nrr_state::text = n::text
                AND nrr_state_send(n::text::nrr_state) = nrr_state_send(n)) AS n,
       bool_and(h::text::health_score_state::text = h::text
                AND health_score_state_send(h::text::health_score_state)
                    = health_score_state_send(h)) AS h
FROM kp_parts;
SELECT bool_and(a8::text LIKE '{"type":"active_ratio_state_int8","binary":"01%"}'
                AND rt::text LIKE '{"type":"repeat_purchase_state_text","binary":"01%"}'
                AND cu::text LIKE '{"type":"customer_churn_state_uuid","binary":"01%"}'
                AND n::text LIKE '{"type":"nrr_state","binary":"01%"}'
                AND h::text LIKE '{"type":"health_score_state","binary":"01%"}') AS text_shape
FROM kp_parts;

-- Combine + final over the flat states (as stored, and read back from text) = the aggregate.
SELECT (SELECT am_int8(a8) FROM kp_parts) = (SELECT active_ratio(c, active) FROM kp) AS a8,
       (SELECT am_uuid(au::text::active_ratio_state_uuid) FROM kp_parts)
           = (SELECT active_ratio(cu, active) FROM kp) AS au,
       (SELECT am_text(at) FROM kp_parts) = (SELECT active_ratio(ct, active) FROM kp) AS at,
       (SELECT rm_int8(r8) FROM kp_parts) = (SELECT repeat_purchase_rate(c, o) FROM kp) AS r8,
       (SELECT rm_uuid(ru) FROM kp_parts) = (SELECT repeat_purchase_rate(cu, o) FROM kp) AS ru,
       (SELECT rm_text(rt::text::repeat_purchase_state_text) FROM kp_parts)
           = (SELECT repeat_purchase_rate(ct, o::text) FROM kp) AS rt;
SELECT (SELECT cm_int8(c8) FROM kp_parts)
           = (SELECT customer_churn_rate(c, started, ended, '2024-06-01', '2024-12-01') FROM kp) AS c8,
       (SELECT cr_int8(c8::text::customer_churn_state_int8) FROM kp_parts)
           = (SELECT customer_retention_rate(c, started, ended, '2024-06-01', '2024-12-01') FROM kp) AS r8,
       (SELECT cm_uuid(cu) FROM kp_parts)
           = (SELECT customer_churn_rate(cu, started, ended, '2024-06-01', '2024-12-01') FROM kp) AS cu,
       (SELECT cm_text(ct) FROM kp_parts)
           = (SELECT customer_churn_rate(ct, started, ended, '2024-06-01', '2024-12-01') FROM kp) AS ct,
       (SELECT nm(n::text::nrr_state) FROM kp_parts) = (SELECT nrr(st, ex, ch, co) FROM kp) AS n,
       (SELECT gm(g) FROM kp_parts) = (SELECT grr(st, ch, co) FROM kp) AS g,
       (SELECT hm(h::text::health_score_state) FROM kp_parts)
           = (SELECT health_score(signal, amount, '{"login": 1, "ticket": -2.5, "upgrade": 10}')
              FROM kp) AS h;
-- The values themselves, against plain SQL.
SELECT round((SELECT am_int8(a8) FROM kp_parts)::numeric, 6) AS active,
       round(100.0 * count(DISTINCT c) FILTER (WHERE active) / count(DISTINCT c), 6) AS expected
FROM kp;
SELECT round((SELECT nm(n) FROM kp_parts)::numeric, 6) AS nrr,
       round(100 * (sum(st) + sum(ex) - sum(ch) - sum(co)) / sum(st), 6) AS expected
FROM kp;

-- Bad state text: 22P02 naming the value, with what was wrong, never a crash.
SELECT '{"type":"active_ratio_state_int8","binary":"02"}'::active_ratio_state_int8;
SELECT '{"type":"active_ratio_state_uuid","binary":"01ff"}'::active_ratio_state_uuid;
SELECT '{"type":"repeat_purchase_state_text","binary":"01000000"}'::repeat_purchase_state_text;
SELECT '{"type":"nrr_state","binary":"01"}'::nrr_state;
SELECT '{"type":"nrr_state","binary":"zz"}'::nrr_state;
SELECT '{"type":"mrr_state","binary":"01"}'::customer_churn_state_int8;
SELECT '{"type":"health_score_state","binary":""}'::health_score_state;
-- The state functions refuse to run outside an aggregate.
SELECT retention_combine(NULL, n) FROM kp_parts WHERE shard = 1;
SELECT active_combine_text(NULL, at) FROM kp_parts WHERE shard = 1;
