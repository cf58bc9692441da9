"""Aggregate state types through the binary protocol: what Citus 14 ships between nodes.

A partial state read in binary (the type's send function) and written st_back with binary COPY
(its receive function) is the same value, and merging such states gives what the aggregate
gives from the rows, for the signed MRR state (credits not yet netted) and activity_summary.
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
"""


def test_state_binary_round_trip_and_merge(conn):
    conn.execute(SETUP)
    for part, merge, state_type, whole in [
        ("SELECT mrr_partial(customer, month, mrr) FROM st_billing GROUP BY shard",
         "SELECT mrr_merge(s)::text FROM st_back", "mrr_state",
         "SELECT mrr_agg(customer, month, mrr)::text FROM st_billing"),
        ("SELECT activity_partial(usr, at) FROM st_events GROUP BY shard",
         "SELECT rollup(s)::text FROM st_back", "activity_summary",
         "SELECT activity_agg(usr, at)::text FROM st_events"),
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
        assert merged == single
