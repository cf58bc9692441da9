"""Before/after of two builds of the library in one session, on the same data, interleaved.

    CSM_PGHOST=... CSM_PGPORT=... .venv/bin/python bench/ab.py \
        --pkglib $(pg_config --pkglibdir) --so before=/tmp/old.so --so after=target/.../csmetrics.so

Each round installs each build in turn as csmetrics.so (a new backend loads the file it finds)
and times every query in a fresh connection, after a warm-up (a query under 20 ms as the median
of 5 runs: one run of it is within the client's noise); the floors (plain scans of the
same columns) are timed in the same connections. Prints, per build, the median time of each
query and its ratio to its floor, so that a noisy machine moves both sides alike. The data are
the engagement (3M events, 300,000 users) and revenue (50,000 customers x 36 months) tables of
the family benchmarks, loaded by them at `--scale`.
"""
import argparse
import os
import shutil
import statistics
import time

import bench
import engagement
import revenue

ZONE = engagement.ZONE
DAY = engagement.DAY

# name -> (query, floor name or None)
QUERIES = {
    "scan: count(user_id), count(occurred_at)":
        ("SELECT count(user_id), count(occurred_at) FROM bench_events", None),
    "activity_agg(u, at, 'UTC')":
        ("SELECT pg_column_size(activity_agg(user_id, occurred_at, 'UTC')) FROM bench_events",
         "scan: count(user_id), count(occurred_at)"),
    f"activity_agg(u, at, '{ZONE}')":
        (f"SELECT pg_column_size(activity_agg(user_id, occurred_at, '{ZONE}')) FROM bench_events",
         "scan: count(user_id), count(occurred_at)"),
    "plain DAU: count(DISTINCT u) GROUP BY day":
        (f"SELECT count(*) FROM (SELECT {DAY} AS day, count(DISTINCT user_id) FROM bench_events "
         f"GROUP BY 1) AS t", None),
    "DAU/WAU/MAU every day: daily_activity_kpis(activity_agg)":
        (f"SELECT count(*), sum(mau) FROM daily_activity_kpis((SELECT activity_agg(user_id, "
         f"occurred_at, '{ZONE}') FROM bench_events))",
         "plain DAU: count(DISTINCT u) GROUP BY day"),
    "the report alone: daily_activity_kpis of a stored year":
        ("SELECT count(*), sum(mau) FROM daily_activity_kpis((SELECT users FROM bench_year))",
         "plain DAU: count(DISTINCT u) GROUP BY day"),
    "month rescan: count(DISTINCT u) of 30 days":
        (f"SELECT count(DISTINCT user_id) FROM bench_events "
         f"WHERE occurred_at >= timestamptz '2025-03-01 00:00 {ZONE}' "
         f"AND occurred_at < timestamptz '2025-03-31 00:00 {ZONE}'", None),
    "month: rollup of 30 daily summaries":
        ("SELECT active_users(rollup(users), '2025-03-01', '2025-03-30') FROM bench_daily "
         "WHERE day BETWEEN '2025-03-01' AND '2025-03-30'",
         "month rescan: count(DISTINCT u) of 30 days"),
    "month: active_users(users) of 30 daily summaries":
        ("SELECT active_users(users) FROM bench_daily "
         "WHERE day BETWEEN '2025-03-01' AND '2025-03-30'",
         "month rescan: count(DISTINCT u) of 30 days"),
    "scan: count(customer_id), count(month), count(mrr)":
        ("SELECT count(customer_id), count(month), count(mrr) FROM rev_bench_mrr_customers", None),
    "mrr_agg(customer, month, mrr)":
        ("SELECT pg_column_size(mrr_agg(customer_id, month, mrr)) FROM rev_bench_mrr_customers",
         "scan: count(customer_id), count(month), count(mrr)"),
}


def install(pkglib, so):
    tmp = os.path.join(pkglib, ".csmetrics.so.ab")
    shutil.copyfile(so, tmp)
    os.chmod(tmp, 0o755)
    os.replace(tmp, os.path.join(pkglib, "csmetrics.so"))


def timed(conn, sql):
    t = time.perf_counter()
    conn.execute(sql).fetchall()
    return (time.perf_counter() - t) * 1000


# A query of a few milliseconds is within the noise of one run (the client, the scheduler):
# after its warm-up, it is timed as the median of this many runs in the same connection.
SHORT_MS, SHORT_RUNS = 20, 5


def measure(conn, sql):
    if timed(conn, sql) >= SHORT_MS:  # warm-up: pages cached, library loaded
        return timed(conn, sql)
    return statistics.median(timed(conn, sql) for _ in range(SHORT_RUNS))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pkglib", required=True)
    parser.add_argument("--so", action="append", required=True, help="name=path")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--scale", type=float, default=0.3,
                        help="engagement scale (0.3 = 3M events); revenue uses 50,000 customers")
    parser.add_argument("--only", default="", help="comma-separated substrings of query names")
    args = parser.parse_args()
    builds = [s.split("=", 1) for s in args.so]
    queries = {k: v for k, v in QUERIES.items()
               if not args.only or any(o in k for o in args.only.split(","))
               or any(o in (v[1] or "") for o in args.only.split(","))}
    for _, floor in list(queries.values()):
        if floor and floor not in queries:
            queries[floor] = QUERIES[floor]
    conn = bench.connect()
    engagement.load(conn, int(10_000_000 * args.scale), max(1, int(1_000_000 * args.scale)))
    revenue.load_mrr(conn, 50_000, 36, "rev_bench_mrr_customers")
    # The year's summary, stored (TOASTed as a table column is): the per-day report without
    # the aggregate before it. Rebuilt each run, so that it always matches bench_events.
    conn.execute("DROP TABLE IF EXISTS bench_year")
    conn.execute(f"CREATE TABLE bench_year AS SELECT activity_agg(user_id, occurred_at, "
                 f"'{ZONE}') AS users FROM bench_events")
    conn.close()
    times = {(b, q): [] for b, _ in builds for q in queries}
    original = os.path.join(args.pkglib, "csmetrics.so")
    saved = original + ".ab-saved"
    shutil.copyfile(original, saved)
    try:
        for r in range(args.rounds):
            order = builds if r % 2 == 0 else builds[::-1]
            for name, so in order:
                install(args.pkglib, so)
                conn = bench.connect()
                conn.execute("SET jit = off")
                conn.execute("SET max_parallel_workers_per_gather = 0")
                conn.execute("SET work_mem = '256MB'")
                for q, (sql, _) in queries.items():
                    times[(name, q)].append(measure(conn, sql))
                conn.close()
    finally:
        os.replace(saved, original)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"\nbefore/after, {args.rounds} interleaved rounds, median ms (ratio to the floor "
          f"named, measured in the same connections)")
    head = f"| {'query':<58} |" + "".join(f" {n:>10} | {'ratio':>7} |" for n, _ in builds)
    print(head)
    print("|" + "|".join("-" * len(c) for c in head.split("|")[1:-1]) + "|")
    for q, (_, floor) in queries.items():
        cells = ""
        for n, _ in builds:
            ratio = "" if floor is None else f"{med[(n, q)] / med[(n, floor)]:.2f}x"
            if floor and floor.startswith(("plain", "month rescan")):
                ratio = f"1/{med[(n, floor)] / med[(n, q)]:.1f}"
            cells += f" {med[(n, q)]:>10.1f} | {ratio:>7} |"
        print(f"| {q:<58} |{cells}")


if __name__ == "__main__":
    main()
