"""csmetrics benchmark: each KPI against the scan floor (count) and its best plain-SQL
formulation, measured in the same run. Prints medians in milliseconds and their ratios.

    make bench            # 10 million answers
    make bench N=1000000  # fewer
"""
import argparse
import os
import platform
import statistics
import subprocess
import time

import psycopg

RUNS = 7


def connect():
    host = os.environ.get("CSM_PGHOST", "/tmp/csmetrics-bench")
    port = os.environ.get("CSM_PGPORT", "54332")
    with psycopg.connect(f"host={host} port={port} user=postgres dbname=postgres",
                         autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'csmetrics_bench'").fetchone():
            conn.execute("CREATE DATABASE csmetrics_bench")
    conn = psycopg.connect(f"host={host} port={port} user=postgres dbname=csmetrics_bench",
                           autocommit=True)
    conn.execute("SET client_min_messages = warning")
    conn.execute("CREATE EXTENSION IF NOT EXISTS csmetrics")
    conn.execute("ALTER EXTENSION csmetrics UPDATE")
    return conn


def load(conn, rows):
    """bench_answers: `rows` answers over 2025 in time order, about 3% NULL per column;
    bench_daily: one stored survey_summary per day; bench_year: 1,000 answers a day."""
    have = conn.execute("SELECT obj_description('bench_answers'::regclass)"
                        if conn.execute("SELECT to_regclass('bench_answers')").fetchone()[0]
                        else "SELECT NULL").fetchone()[0]
    if have == f"rows={rows}":
        return
    print(f"loading {rows:,} answers ...", flush=True)
    conn.execute("DROP TABLE IF EXISTS bench_answers, bench_daily, bench_year")
    conn.execute("SELECT setseed(0.5)")
    conn.execute(f"""
        CREATE TABLE bench_answers AS
        SELECT timestamptz '2025-01-01 00:00+00' + i * (interval '365 days' / {rows}) AS answered_at,
               CASE WHEN random() < 0.03 THEN NULL ELSE floor(random() * 11)::int END AS nps_score,
               CASE WHEN random() < 0.03 THEN NULL ELSE 1 + floor(random() * 5)::int END AS csat_score,
               CASE WHEN random() < 0.03 THEN NULL ELSE 1 + floor(random() * 7)::int END AS ces_score
        FROM generate_series(0, {rows} - 1) AS i""")
    conn.execute("CREATE INDEX ON bench_answers (answered_at)")
    conn.execute("""CREATE TABLE bench_daily AS
                    SELECT answered_at::date AS day, survey_agg(nps_score) AS summary
                    FROM bench_answers GROUP BY 1""")
    conn.execute("""CREATE TABLE bench_year AS
                    SELECT answered_at, nps_score FROM bench_answers
                    WHERE random() < 365000.0 / (SELECT count(*) FROM bench_answers)""")
    conn.execute("VACUUM ANALYZE bench_answers")
    conn.execute("VACUUM ANALYZE bench_daily")
    conn.execute("VACUUM ANALYZE bench_year")
    conn.execute(f"COMMENT ON TABLE bench_answers IS 'rows={rows}'")


SLOW_S = 5.0
SLOW_RUNS = 3


def medians_ms(conn, *queries):
    """Median wall time of each query. Runs are interleaved (a, b, c, a, b, c, ...) so that
    the load of a shared machine falls on every query alike. RUNS runs, or SLOW_RUNS when a
    warm-up took over SLOW_S seconds (a plain formulation that takes a minute at full size
    would otherwise hold the benchmark for a quarter of an hour)."""
    slowest = 0.0
    for sql in queries:
        start = time.perf_counter()
        conn.execute(sql).fetchall()  # warm-up
        slowest = max(slowest, time.perf_counter() - start)
    times = [[] for _ in queries]
    for _ in range(min(RUNS, SLOW_RUNS) if slowest > SLOW_S else RUNS):
        for sql, samples in zip(queries, times):
            start = time.perf_counter()
            conn.execute(sql).fetchall()
            samples.append((time.perf_counter() - start) * 1000)
    return [statistics.median(samples) for samples in times]


def nps_plain(col):
    return (f"100.0 * (count(*) FILTER (WHERE {col} >= 9) - count(*) FILTER (WHERE {col} <= 6))"
            f" / count({col})")


MONTH = "date_trunc('month', answered_at)"
# name, extension query, floor query, best plain-SQL query
CASES = [
    ("nps(score)",
     "SELECT nps(nps_score) FROM bench_answers",
     "SELECT count(nps_score) FROM bench_answers",
     f"SELECT {nps_plain('nps_score')} FROM bench_answers"),
    ("csat(score)",
     "SELECT csat(csat_score) FROM bench_answers",
     "SELECT count(csat_score) FROM bench_answers",
     "SELECT 100.0 * count(*) FILTER (WHERE csat_score >= 4) / count(csat_score) FROM bench_answers"),
    ("csat(score, 5, 7)",
     "SELECT csat(ces_score, 5, 7) FROM bench_answers",
     "SELECT count(ces_score) FROM bench_answers",
     "SELECT 100.0 * count(*) FILTER (WHERE ces_score >= 5) / count(ces_score) FROM bench_answers"),
    ("ces(score)",
     "SELECT ces(ces_score) FROM bench_answers",
     "SELECT count(ces_score) FROM bench_answers",
     "SELECT sum(ces_score)::float8 / count(ces_score) FROM bench_answers"),
    ("ces(score, 7)",
     "SELECT ces(ces_score, 7) FROM bench_answers",
     "SELECT count(ces_score) FROM bench_answers",
     "SELECT sum(ces_score)::float8 / count(ces_score) FROM bench_answers"),
    ("survey_agg(score)",
     "SELECT survey_agg(nps_score) FROM bench_answers",
     "SELECT count(nps_score) FROM bench_answers",
     "SELECT array_agg(n ORDER BY s) FROM (SELECT nps_score AS s, count(*) AS n FROM bench_answers"
     " WHERE nps_score IS NOT NULL GROUP BY 1) AS h"),
    ("nps(score) by month",
     f"SELECT {MONTH}, nps(nps_score) FROM bench_answers GROUP BY 1",
     f"SELECT {MONTH}, count(nps_score) FROM bench_answers GROUP BY 1",
     f"SELECT {MONTH}, {nps_plain('nps_score')} FROM bench_answers GROUP BY 1"),
]

ROLLING = [
    ("rolling 30-day nps (365k rows)",
     "SELECT sum(v) FROM (SELECT nps(nps_score) OVER w AS v FROM bench_year"
     " WINDOW w AS (ORDER BY answered_at RANGE BETWEEN interval '30 days' PRECEDING AND CURRENT ROW)) AS r",
     "SELECT sum(v) FROM (SELECT count(nps_score) OVER w AS v FROM bench_year"
     " WINDOW w AS (ORDER BY answered_at RANGE BETWEEN interval '30 days' PRECEDING AND CURRENT ROW)) AS r",
     "SELECT sum(v) FROM (SELECT (100.0 * (count(*) FILTER (WHERE nps_score >= 9) OVER w"
     " - count(*) FILTER (WHERE nps_score <= 6) OVER w) / nullif(count(nps_score) OVER w, 0))::float8 AS v"
     " FROM bench_year WINDOW w AS (ORDER BY answered_at"
     " RANGE BETWEEN interval '30 days' PRECEDING AND CURRENT ROW)) AS r"),
]

ROLLUP = ("monthly nps: rollup of 30 daily summaries vs rescan of the month",
          "SELECT nps(rollup(summary)) FROM bench_daily"
          " WHERE day >= date '2025-06-01' AND day < date '2025-07-01'",
          "SELECT nps(nps_score) FROM bench_answers"
          " WHERE answered_at >= '2025-06-01 00:00+00' AND answered_at < '2025-07-01 00:00+00'")


def machine():
    cpu = "unknown cpu"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    pg = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, {pg}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    args = parser.parse_args()
    conn = connect()
    load(conn, args.rows)
    conn.execute("SET jit = off")
    print(f"\ncsmetrics benchmark: {args.rows:,} answers; median of {RUNS} runs after a warm-up, ms")
    print(f"machine: {machine()}\n")
    header = f"| {'KPI':<32} | {'workers':>7} | {'csmetrics':>9} | {'count()':>9} | {'plain SQL':>9} | {'/ count':>7} | {'/ plain':>7} |"
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
    for workers in (0, 2):
        conn.execute(f"SET max_parallel_workers_per_gather = {workers}")
        for name, ext, floor, plain in CASES + (ROLLING if workers == 0 else []):
            e, f, p = medians_ms(conn, ext, floor, plain)
            print(f"| {name:<32} | {workers:>7} | {e:>9.1f} | {f:>9.1f} | {p:>9.1f} | {e / f:>7.2f} | {e / p:>7.2f} |",
                  flush=True)
    conn.execute("SET max_parallel_workers_per_gather = 0")
    name, rolled, rescan = ROLLUP
    r, s = medians_ms(conn, rolled, rescan)
    print(f"\n{name}: rollup {r:.2f} ms, rescan {s:.1f} ms: rollup is {s / r:,.0f}x faster")


if __name__ == "__main__":
    main()
