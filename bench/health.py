"""Health-score benchmark (issue 10): the jsonb scalar against the plain-SQL jsonb_each join,
and the aggregate against count(*) and the plain-SQL join of signal rows to the weights.

    .venv/bin/python bench/health.py --scale 1     # 1M accounts, 10M signal rows
    .venv/bin/python bench/health.py --scale 0.05  # 50k accounts, 500k signal rows

Connects like bench.py (CSM_PGHOST, CSM_PGPORT). Medians of interleaved runs, serial plans,
jit off; prints milliseconds and the ratios the issue asks for.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import connect, medians_ms  # noqa: E402

WEIGHTS = ('{"logins": 1, "seats_used": 2, "cs_engagements": 20, "unresolved_tickets": -20, '
           '"nps_promoter": 10, "nps_detractor": -10}')
SIGNALS = "ARRAY['logins', 'seats_used', 'cs_engagements', 'unresolved_tickets', 'nps_promoter', 'nps_detractor']"


def load(conn, accounts, rows):
    tag = f"accounts={accounts} rows={rows}"
    have = conn.execute("SELECT obj_description(to_regclass('health_bench_signals'))").fetchone()[0]
    if have == tag:
        return
    print(f"loading {accounts:,} accounts and {rows:,} signal rows ...", flush=True)
    conn.execute("DROP TABLE IF EXISTS health_bench_model, health_bench_accounts, health_bench_signals")
    conn.execute("SELECT setseed(0.25)")
    conn.execute(f"CREATE TABLE health_bench_model AS SELECT '{WEIGHTS}'::jsonb AS weights")
    # Each account's actions: 3 to 6 of the weighted signals, small whole counts.
    conn.execute(f"""
        CREATE TABLE health_bench_accounts AS
        SELECT i AS id,
               (SELECT jsonb_object_agg(s, floor(random() * 50)::int)
                FROM unnest({SIGNALS}) WITH ORDINALITY AS u(s, n)
                WHERE n <= 3 + (i % 4)) AS actions
        FROM generate_series(1, {accounts}) AS i""")
    conn.execute(f"""
        CREATE TABLE health_bench_signals AS
        SELECT (random() * {max(accounts // 100, 1)})::int AS account,
               ({SIGNALS})[1 + floor(random() * 6)::int] AS signal,
               floor(random() * 10)::float8 AS amount
        FROM generate_series(1, {rows})""")
    conn.execute("VACUUM ANALYZE health_bench_model")
    conn.execute("VACUUM ANALYZE health_bench_accounts")
    conn.execute("VACUUM ANALYZE health_bench_signals")
    conn.execute(f"COMMENT ON TABLE health_bench_signals IS '{tag}'")


MODEL = "(SELECT weights FROM health_bench_model)"
# count(*) reads no column; this built-in aggregate reads the same two columns as the
# health_score aggregate, the floor of any aggregate over them (printed for reference).
COLUMNS_FLOOR = "SELECT sum(amount) FILTER (WHERE signal IS NOT NULL) FROM health_bench_signals"
CASES = [
    ("health_score(actions jsonb, weights jsonb), per account",
     "SELECT sum(health_score(a.actions, m.weights)) FROM health_bench_accounts a, health_bench_model m",
     None,
     [("jsonb_each join per row",
       "SELECT sum((SELECT sum(x.value::float8 * w.value::float8) "
       "FROM jsonb_each(a.actions) x JOIN jsonb_each(m.weights) w USING (key))) "
       "FROM health_bench_accounts a, health_bench_model m"),
      ("lateral jsonb_each join",
       "SELECT sum(x.value::float8 * w.value::float8) "
       "FROM health_bench_accounts a CROSS JOIN health_bench_model m "
       "CROSS JOIN LATERAL jsonb_each(a.actions) x JOIN LATERAL jsonb_each(m.weights) w USING (key)")]),
    ("health_score(signal, amount, weights) aggregate",
     f"SELECT health_score(signal, amount, {MODEL}) FROM health_bench_signals",
     "SELECT count(*) FROM health_bench_signals",
     [("join to jsonb_each(weights)",
       f"SELECT sum(s.amount * w.value::float8) FROM health_bench_signals s "
       f"JOIN jsonb_each({MODEL}) w ON w.key = s.signal"),
      ("weights->>signal per row",
       f"SELECT sum(s.amount * ({MODEL}->>s.signal)::float8) FROM health_bench_signals s")]),
    ("health_score(signal, amount, weights) by account",
     f"SELECT account, health_score(signal, amount, {MODEL}) FROM health_bench_signals GROUP BY 1",
     "SELECT account, count(*) FROM health_bench_signals GROUP BY 1",
     [("join to jsonb_each(weights)",
       f"SELECT s.account, sum(s.amount * w.value::float8) FROM health_bench_signals s "
       f"JOIN jsonb_each({MODEL}) w ON w.key = s.signal GROUP BY 1")]),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="1 = the issue's sizes: 1M accounts, 10M signal rows")
    args = parser.parse_args()
    accounts = max(int(1_000_000 * args.scale), 1)
    rows = max(int(10_000_000 * args.scale), 1)
    conn = connect()
    load(conn, accounts, rows)
    conn.execute("SET jit = off")
    conn.execute("SET max_parallel_workers_per_gather = 0")
    print(f"{accounts:,} accounts, {rows:,} signal rows; serial, jit off, medians (ms)")
    print(f"{'KPI':<52} {'csmetrics':>10} {'count(*)':>10} {'plain SQL':>10} {'/ count':>8} {'/ plain':>8}")
    for name, ext, floor, plains in CASES:
        queries = [ext] + ([floor] if floor else []) + [sql for _, sql in plains]
        if floor and "GROUP BY" not in ext:
            queries.append(COLUMNS_FLOOR)
        times = medians_ms(conn, *queries)
        columns_ms = times.pop() if floor and "GROUP BY" not in ext else None
        ext_ms = times[0]
        floor_ms = times[1] if floor else None
        plain_times = times[2 if floor else 1:]
        best = min(range(len(plains)), key=lambda i: plain_times[i])
        plain_ms = plain_times[best]
        print(f"{name:<52} {ext_ms:>10.1f} "
              f"{(f'{floor_ms:.1f}' if floor_ms else '-'):>10} {plain_ms:>10.1f} "
              f"{(f'{ext_ms / floor_ms:.2f}' if floor_ms else '-'):>8} {ext_ms / plain_ms:>8.2f}")
        print(f"{'':<4}best plain SQL: {plains[best][0]}"
              + "".join(f"; {label} {t:.1f}" for (label, _), t in zip(plains, plain_times)))
        if columns_ms:
            print(f"{'':<4}floor reading signal and amount ({COLUMNS_FLOOR.split(' FROM')[0][7:]}): "
                  f"{columns_ms:.1f} ms; csmetrics / that floor {ext_ms / columns_ms:.2f}")


if __name__ == "__main__":
    main()
