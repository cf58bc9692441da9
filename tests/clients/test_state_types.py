"""Aggregate state types through the binary protocol: what Citus 14 ships between nodes.

A partial state read in binary (the type's send function) and written st_back with binary COPY
(its receive function) is the same value, and merging such states gives what the aggregate
gives from the rows, for the signed MRR state (credits not yet netted), activity_summary and
the states of active_users, active_ratio, repeat_purchase_rate, per-customer churn, nrr/grr and
health_score.
"""
from conftest import conninfo  # noqa: F401  (the fixtures come from conftest)

SETUP = """
CREATE AGGREGATE mrr_partial(bigint, date, numeric) (SFUNC = mrr_agg_accum, STYPE = mrr_state);
CREATE AGGREGATE mrr_merge(mrr_state) (
    SFUNC = mrr_history_combine, STYPE = mrr_state, FINALFUNC = mrr_history_final);
CREATE AGGREGATE activity_partial(bigint, timestamptz) (
    SFUNC = activity_accum, STYPE = activity_summary);
CREATE TABLE st_billing AS
SELECT i % 5 AS shard, i % 41 AS customer,
       (date '2024-06-01' + ((i * 5) % 14) * interval '1 month')::date AS month,
       CASE WHEN i % 9 = 0 THEN -(1 + i % 4)::numeric ELSE (20 + i % 17)::numeric + 0.5 END AS mrr
FROM generate_series(1, 3000) AS i;
CREATE TABLE st_events AS
SELECT i % 4 AS shard, i % 97 AS usr,
       timestamptz '2025-01-01 00:00+00' + (i * 104729 % 5000) * interval '1 hour' AS at
FROM generate_series(1, 4000) AS i;
CREATE AGGREGATE st_users(activity_summary) (SFUNC = active_users_accum, STYPE = active_users_state);
CREATE AGGREGATE st_users_merge(active_users_state) (SFUNC = active_users_combine,
    STYPE = active_users_state, FINALFUNC = active_users_final);
CREATE TABLE st_days AS
SELECT shard, (at AT TIME ZONE 'UTC')::date AS day, activity_agg(usr::text, at, 'UTC') AS s
FROM st_events GROUP BY 1, 2;
CREATE TABLE st_rows AS
SELECT i % 6 AS shard, i % 71 AS c, md5((i % 71)::text)::uuid AS cu, 'c' || (i % 71) AS ct,
       (i % 71 % 4 = 0 AND i % 3 = 0) AS active, 'o' || (i % 97) AS o,
       timestamptz '2024-01-01 00:00+00' + (i * 7 % 600) * interval '1 day' AS started,
       CASE WHEN i % 4 = 0 THEN timestamptz '2024-01-01 00:00+00'
            + (i * 7 % 600 + i % 300) * interval '1 day' END AS ended,
       (i % 40)::numeric + 50.25 AS st, (i % 9)::numeric AS ex, (i % 7)::numeric AS ch,
       (i % 5)::numeric AS co,
       (ARRAY['login', 'ticket', 'nps'])[1 + i % 3] AS signal, (i % 11)::float8 / 4 AS amount
FROM generate_series(1, 5000) AS i;
CREATE AGGREGATE st_active(uuid, boolean) (SFUNC = active_accum, STYPE = active_ratio_state_uuid);
CREATE AGGREGATE st_active_merge(active_ratio_state_uuid) (SFUNC = active_combine_uuid,
    STYPE = active_ratio_state_uuid, FINALFUNC = active_percent_uuid);
CREATE AGGREGATE st_repeat(text, text) (SFUNC = repeat_accum, STYPE = repeat_purchase_state_text);
CREATE AGGREGATE st_repeat_merge(repeat_purchase_state_text) (SFUNC = repeat_combine_text,
    STYPE = repeat_purchase_state_text, FINALFUNC = repeat_percent_text);
CREATE AGGREGATE st_churn(bigint, timestamptz, timestamptz, timestamptz, timestamptz, text) (
    SFUNC = customer_churn_accum, STYPE = customer_churn_state_int8);
CREATE AGGREGATE st_churn_merge(customer_churn_state_int8) (SFUNC = customer_churn_combine_int8,
    STYPE = customer_churn_state_int8, FINALFUNC = customer_churn_final_int8);
CREATE AGGREGATE st_grr(numeric, numeric, numeric) (SFUNC = grr_accum, STYPE = nrr_state);
CREATE AGGREGATE st_grr_merge(nrr_state) (SFUNC = retention_combine, STYPE = nrr_state,
    FINALFUNC = grr_final);
CREATE AGGREGATE st_health(text, float8, jsonb) (SFUNC = health_accum, STYPE = health_score_state);
CREATE AGGREGATE st_health_merge(health_score_state) (SFUNC = health_state_combine,
    STYPE = health_score_state, FINALFUNC = health_state_score);
"""
W = "'{\"login\": 2, \"ticket\": -1.5, \"nps\": 0.25}'"
PERIOD = "'2024-06-01 00:00+00', '2025-01-01 00:00+00'"


def test_state_binary_round_trip_and_merge(conn):
    conn.execute(SETUP)
    for part, merge, state_type, whole in [
        ("SELECT mrr_partial(customer, month, mrr) FROM st_billing GROUP BY shard",
         "SELECT mrr_merge(s)::text FROM st_back", "mrr_state",
         "SELECT mrr_agg(customer, month, mrr)::text FROM st_billing"),
        ("SELECT activity_partial(usr, at) FROM st_events GROUP BY shard",
         "SELECT rollup(s)::text FROM st_back", "activity_summary",
         "SELECT activity_agg(usr, at)::text FROM st_events"),
        ("SELECT st_users(s) FROM st_days GROUP BY shard",
         "SELECT st_users_merge(s) FROM st_back", "active_users_state",
         "SELECT active_users(s) FROM st_days"),
        ("SELECT st_active(cu, active) FROM st_rows GROUP BY shard",
         "SELECT st_active_merge(s) FROM st_back", "active_ratio_state_uuid",
         "SELECT active_ratio(cu, active) FROM st_rows"),
        ("SELECT st_repeat(ct, o) FROM st_rows GROUP BY shard",
         "SELECT st_repeat_merge(s) FROM st_back", "repeat_purchase_state_text",
         "SELECT repeat_purchase_rate(ct, o) FROM st_rows"),
        (f"SELECT st_churn(c, started, ended, {PERIOD}, 'start_plus_new') FROM st_rows GROUP BY shard",
         "SELECT st_churn_merge(s) FROM st_back", "customer_churn_state_int8",
         f"SELECT customer_churn_rate(c, started, ended, {PERIOD}, 'start_plus_new') FROM st_rows"),
        ("SELECT st_grr(st, ch, co) FROM st_rows GROUP BY shard",
         "SELECT st_grr_merge(s) FROM st_back", "nrr_state",
         "SELECT grr(st, ch, co) FROM st_rows"),
        (f"SELECT st_health(signal, amount, {W}) FROM st_rows GROUP BY shard",
         "SELECT st_health_merge(s) FROM st_back", "health_score_state",
         f"SELECT health_score(signal, amount, {W}) FROM st_rows"),
    ]:
        with conn.cursor(binary=True) as cur:
            states = [r[0] for r in cur.execute(part).fetchall()]
        assert len(states) >= 4 and all(isinstance(s, bytes) and s[:1] in (b"\x01", b"\x81")
                                        for s in states)
        if state_type == "mrr_state":
            assert any(s[:1] == b"\x81" for s in states), "no partial state holds a credit"
        conn.execute(f"DROP TABLE IF EXISTS st_back; CREATE TABLE st_back (s {state_type})")
        with conn.cursor() as cur:
            with cur.copy("COPY st_back (s) FROM STDIN (FORMAT binary)") as copy:
                for s in states:
                    copy.write_row([s])
        with conn.cursor(binary=True) as cur:
            again = sorted(r[0] for r in cur.execute("SELECT s FROM st_back").fetchall())
        assert again == sorted(states)
        merged, single = (conn.execute(q).fetchone()[0] for q in (merge, whole))
        assert merged is not None and merged == single, state_type
