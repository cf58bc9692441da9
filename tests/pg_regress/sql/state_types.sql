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
