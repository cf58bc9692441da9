"""Engagement benchmark: activity_summary against plain count(DISTINCT) SQL.

    .venv/bin/python bench/engagement.py --scale 1      # 10M events, 1M users, one year

Prints, for each KPI of issue 9's speed section, the extension's and the best plain-SQL median
time (interleaved runs, after a warm-up) and their ratio, and the size of a year's summary.
"""
import argparse

import bench
from bench import connect, medians_ms

ZONE = "Europe/Paris"
DAY = f"(occurred_at AT TIME ZONE '{ZONE}')::date"


def load(conn, events, users):
    """bench_events (events over 2025, uniform users), its distinct (day, user) pairs, and the
    stored daily summaries, rebuilt only when the size changed."""
    have = conn.execute("SELECT to_regclass('bench_events') IS NOT NULL").fetchone()[0]
    same = have and conn.execute("SELECT count(*) FROM bench_events").fetchone()[0] == events
    if same and conn.execute("SELECT to_regclass('bench_daily') IS NOT NULL").fetchone()[0]:
        return
    print(f"loading {events:,} events of {users:,} users ...", flush=True)
    # The DISTINCT over 10M events spills with the default work_mem and then takes a quarter
    # of an hour on the development machine; with room in memory, a minute.
    conn.execute("SET work_mem = '1GB'")
    conn.execute("DROP TABLE IF EXISTS bench_pairs, bench_daily")
    if not same:
        conn.execute("DROP TABLE IF EXISTS bench_events")
        conn.execute(f"""
            CREATE TABLE bench_events AS
            SELECT (1 + floor(random() * {users}))::bigint AS user_id,
                   timestamptz '2025-01-01 00:00+01' + random() * interval '365 days' AS occurred_at
            FROM generate_series(1, {events})""")
        conn.execute("CREATE INDEX ON bench_events (occurred_at)")
    conn.execute(f"CREATE TABLE bench_pairs AS SELECT DISTINCT {DAY} AS day, user_id FROM bench_events")
    conn.execute("CREATE INDEX ON bench_pairs (day, user_id)")
    conn.execute(f"""
        CREATE TABLE bench_daily AS
        SELECT {DAY} AS day, activity_agg(user_id, occurred_at, '{ZONE}') AS users
        FROM bench_events GROUP BY 1""")
    conn.execute("VACUUM ANALYZE bench_events, bench_pairs, bench_daily")
    conn.execute("RESET work_mem")


def row(name, ext, plains, runs=None, target=None):
    saved = bench.RUNS
    if runs:
        bench.RUNS = runs
    times = medians_ms(bench.CONN, ext, *plains)
    bench.RUNS = saved
    e, best = times[0], min(times[1:])
    goal = f" target >= {target}x" if target else ""
    # With several plain formulations, each one's time and ratio too (the best is in the table).
    each = ("; each plain: " + ", ".join(f"{t:.1f} ({t / e:.0f}x)" for t in times[1:])
            if len(times) > 2 else "")
    print(f"| {name:<42} | {e:>10.1f} | {best:>10.1f} | {best / e:>8.1f}x |{goal}{each}",
          flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0,
                        help="1 = 10M events and 1M users over 365 days")
    parser.add_argument("--cases", default="floor,dau,mau,month",
                        help="which measurements: floor (activity_agg against the scan of its "
                             "columns), dau, mau (rolling MAU: minutes of plain SQL at full "
                             "size), month")
    args = parser.parse_args()
    cases = set(args.cases.split(","))
    events, users = int(10_000_000 * args.scale), max(1, int(1_000_000 * args.scale))
    conn = connect()
    bench.CONN = conn
    load(conn, events, users)
    conn.execute("SET jit = off")
    conn.execute("SET max_parallel_workers_per_gather = 0")
    print(f"\nengagement: {events:,} events, {users:,} users, 365 days ({ZONE}); "
          f"medians of interleaved runs, ms")
    print(f"| {'KPI':<42} | {'csmetrics':>10} | {'plain SQL':>10} | {'speed-up':>9} |")
    print(f"|{'-' * 44}|{'-' * 12}|{'-' * 12}|{'-' * 11}|")

    # The aggregate against the floor of any aggregate over its two columns: their scan.
    if "floor" in cases:
        scan = "SELECT count(user_id), count(occurred_at) FROM bench_events"
        for zone in ("UTC", ZONE):
            agg = (f"SELECT pg_column_size(activity_agg(user_id, occurred_at, '{zone}')) "
                   f"FROM bench_events")
            e, f = medians_ms(conn, agg, scan)
            print(f"| {'activity_agg(u, at, ' + repr(zone) + ')':<42} | {e:>10.1f} | "
                  f"{'scan ' + format(f, '.1f'):>10} | {e / f:>6.2f}x scan | target <= 1.8x",
                  flush=True)

    # DAU, WAU and MAU per day, from the raw events: one summary, read per day, vs plain DAU
    # alone (count(DISTINCT)). With enough work_mem that the plain side does not spill (at the
    # default 4MB, or 64MB, its sort of 3M rows goes to disk and takes twice as long), as
    # bench/ab.py measures it: the fair floor.
    if "dau" in cases:
        conn.execute("SET work_mem = '256MB'")
        row("DAU/WAU/MAU per day (one pass over events)",
            f"SELECT day, dau, wau, mau FROM daily_activity_kpis("
            f"(SELECT activity_agg(user_id, occurred_at, '{ZONE}') FROM bench_events))",
            [f"SELECT {DAY} AS day, count(DISTINCT user_id) FROM bench_events GROUP BY 1",
             f"SELECT day, count(*) FROM (SELECT DISTINCT {DAY} AS day, user_id FROM bench_events) AS d "
             f"GROUP BY day"], runs=3, target=4)
        conn.execute("RESET work_mem")

    # Rolling 30-day MAU for each day of the year, from stored daily summaries vs plain SQL
    # over the (already deduplicated and indexed) (day, user) pairs.
    if "mau" in cases:
        row("rolling MAU, 365 days (stored daily summaries)",
            "SELECT day, mau FROM daily_activity_kpis((SELECT rollup(users) FROM bench_daily))",
            ["SELECT d.day, count(DISTINCT p.user_id) FROM (SELECT DISTINCT day FROM bench_pairs) AS d "
             "JOIN bench_pairs AS p ON p.day BETWEEN d.day - 29 AND d.day GROUP BY d.day"], runs=1)

    # A month: rollup of 30 stored daily summaries, or the active_users aggregate over them,
    # vs rescanning the month's events.
    if "month" in cases:
        month = "day BETWEEN '2025-03-01' AND '2025-03-30'"
        plains = [f"SELECT count(DISTINCT user_id) FROM bench_events "
                  f"WHERE occurred_at >= timestamptz '2025-03-01 00:00 {ZONE}' "
                  f"AND occurred_at < timestamptz '2025-03-31 00:00 {ZONE}'",
                  f"SELECT count(DISTINCT user_id) FROM bench_pairs WHERE {month}"]
        for name, sql in [
            ("month's active users: rollup of 30 days",
             f"SELECT active_users(rollup(users), '2025-03-01', '2025-03-30') FROM bench_daily "
             f"WHERE {month}"),
            ("month's active users: active_users() agg",
             f"SELECT active_users(users) FROM bench_daily WHERE {month}"),
        ]:
            row(name, sql, plains, target=100)

    size, raw = conn.execute(
        "SELECT pg_column_size(s), octet_length(activity_summary_send(s)) "
        "FROM (SELECT rollup(users) AS s FROM bench_daily) AS t").fetchone()
    pairs = conn.execute("SELECT count(*) FROM bench_pairs").fetchone()[0]
    print(f"\nsummary of the year: {raw / 1e6:.1f} MB ({size / 1e6:.1f} MB stored), "
          f"{pairs:,} (day, user) pairs: {8 * raw / max(pairs, 1):.1f} bits per pair")


if __name__ == "__main__":
    main()
