"""Customer family benchmark (issue 8): each KPI of the speed section against its plain-SQL
formulations, measured in the same run (medians of interleaved runs, ms).

    .venv/bin/python bench/customer.py --scale 1      # the issue's sizes: 10M users, 1M signups
    .venv/bin/python bench/customer.py --scale 0.05   # a quick look

CSM_PGHOST / CSM_PGPORT choose the server (see bench/bench.py).
"""
import argparse

from bench import connect, medians_ms


def load(conn, table, rows, create):
    """Creates `table` with `rows` rows unless it is already there at that size."""
    exists = conn.execute("SELECT to_regclass(%s)", (table,)).fetchone()[0]
    if exists and conn.execute(f"SELECT obj_description('{table}'::regclass)").fetchone()[0] == f"rows={rows}":
        return
    print(f"loading {table}: {rows:,} rows ...", flush=True)
    conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.execute("SELECT setseed(0.8)")
    conn.execute(create)
    conn.execute(f"VACUUM ANALYZE {table}")
    conn.execute(f"COMMENT ON TABLE {table} IS 'rows={rows}'")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    users = int(10_000_000 * args.scale)
    customers = max(1, int(1_000_000 * args.scale))
    signups = int(1_000_000 * args.scale)
    conn = connect()
    # Users in random customer order (as a users table is), 20% seen this month.
    load(conn, "bench_customer_users", users, f"""
        CREATE TABLE bench_customer_users AS
        SELECT (random() * {customers - 1})::bigint AS customer_id,
               date '2025-06-01' - (random() * 150)::int AS last_seen_at
        FROM generate_series(1, {users})""")
    load(conn, "bench_customer_signups", signups, f"""
        CREATE TABLE bench_customer_signups AS
        SELECT s AS signed_up_at,
               CASE WHEN random() < 0.3 THEN NULL ELSE s + random() * interval '60 days' END AS value_at
        FROM (SELECT timestamptz '2025-01-01 00:00+00' + random() * interval '365 days' AS s
              FROM generate_series(1, {signups})) AS g""")
    licences = int(1_000_000 * args.scale)
    load(conn, "bench_customer_licenses", licences, f"""
        CREATE TABLE bench_customer_licenses AS
        SELECT tstzrange(a, a + (30 + random() * 700)::int * interval '1 day') AS valid,
               1 + (random() * 50)::int AS seats
        FROM (SELECT timestamptz '2023-01-01 00:00+00' + random() * interval '900 days' AS a
              FROM generate_series(1, {licences})) AS g""")
    conn.execute("SET jit = off")
    active = "u.last_seen_at >= date '2025-05-01'"
    cases = [
        ("active_ratio(customer, active)",
         f"SELECT active_ratio(customer_id, {active}) FROM bench_customer_users u",
         [("count(DISTINCT) FILTER",
           f"SELECT 100.0 * count(DISTINCT customer_id) FILTER (WHERE {active}) / count(DISTINCT customer_id) "
           "FROM bench_customer_users u"),
          ("GROUP BY customer, bool_or",
           f"SELECT 100.0 * avg(a::int) FROM (SELECT bool_or({active}) AS a FROM bench_customer_users u "
           "GROUP BY customer_id) AS c")]),
        ("time_to_value(signed_up_at, value_at)",
         "SELECT time_to_value(signed_up_at, value_at) FROM bench_customer_signups",
         [("percentile_cont(0.5)",
           "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM value_at - signed_up_at) / 86400) "
           "FROM bench_customer_signups"),
          ("percentile_cont(0.5) on an interval",
           "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY value_at - signed_up_at) FROM bench_customer_signups")]),
        ("active_licenses at 365 points",
         "SELECT sum(active_licenses(s, d)) FROM (SELECT license_agg(valid, seats) AS s FROM bench_customer_licenses) AS t, "
         "generate_series(timestamptz '2025-01-01 00:00+00', timestamptz '2025-12-31 00:00+00', interval '1 day') AS d",
         [("365 range scans (sum FILTER @> per day)",
           "SELECT sum(a) FROM generate_series(timestamptz '2025-01-01 00:00+00', timestamptz '2025-12-31 00:00+00', "
           "interval '1 day') AS d, LATERAL (SELECT sum(seats) AS a FROM bench_customer_licenses WHERE valid @> d) AS x"),
          ("one pass: bounds joined to days",
           "SELECT sum(l.seats) FROM bench_customer_licenses l JOIN generate_series(timestamptz '2025-01-01 00:00+00', "
           "timestamptz '2025-12-31 00:00+00', interval '1 day') AS d ON l.valid @> d")]),
    ]
    print(f"\ncustomer benchmark, scale {args.scale}: {users:,} users of {customers:,} customers, "
          f"{signups:,} sign-ups, {licences:,} licences; medians, ms\n")
    print("| KPI | workers | csmetrics | plain SQL (formulation) | plain SQL | plain / csmetrics |")
    print("|---|---|---|---|---|---|")
    for workers in (0, 2):
        conn.execute(f"SET max_parallel_workers_per_gather = {workers}")
        for name, ext, plains in cases:
            times = medians_ms(conn, ext, *(sql for _, sql in plains))
            e = times[0]
            for (label, _), p in zip(plains, times[1:]):
                print(f"| {name} | {workers} | {e:.1f} | {label} | {p:.1f} | {p / e:.2f}x |", flush=True)
            best = min(times[1:])
            print(f"| {name} | {workers} | {e:.1f} | best plain SQL | {best:.1f} | {best / e:.2f}x |", flush=True)


if __name__ == "__main__":
    main()
