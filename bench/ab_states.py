"""Before/after of two csmetrics builds whose SQL differs (a state type changed from `internal`
to a real type), in one session, on the same data, interleaved.

    CSM_PGHOST=... CSM_PGPORT=... .venv/bin/python bench/ab_states.py \
        --pg-config $PG_CONFIG --build before=/tmp/before --build after=/tmp/after

A build directory holds `csmetrics.so` and the `csmetrics*` files of share/extension. Unlike
bench/ab.py, which swaps only the library, each round installs both the library and the SQL of
a build, recreates the extension in its own database (csmetrics_ab_states: its tables use no
csmetrics type) and times every query in a fresh connection after a warm-up, with the scan of
the same columns as the floor. Prints, per build, the median of each query and its ratio to
the floor, so that a noisy machine moves both sides alike.
"""
import argparse
import glob
import os
import shutil
import statistics
import subprocess
import time

import psycopg

DB = "csmetrics_ab_states"
MODEL = "'{\"login\": 1.5, \"ticket\": -2, \"nps_promoter\": 10, \"upgrade\": 25}'::jsonb"
PERIOD = "date '2025-01-01', date '2025-07-01'"

# name -> (query, floor name or None)
QUERIES = {
    "scan users: count(customer), count(active)":
        ("SELECT count(customer_id), count(active) FROM ab_users", None),
    "active_ratio(bigint customer, active)":
        ("SELECT active_ratio(customer_id, active) FROM ab_users",
         "scan users: count(customer), count(active)"),
    "active_ratio(text customer, active)":
        ("SELECT active_ratio(customer_text, active) FROM ab_users",
         "scan users: count(customer), count(active)"),
    "scan orders: count(customer), count(order)":
        ("SELECT count(customer_id), count(order_id) FROM ab_orders", None),
    "repeat_purchase_rate(bigint, bigint)":
        ("SELECT repeat_purchase_rate(customer_id, order_id) FROM ab_orders",
         "scan orders: count(customer), count(order)"),
    "scan subscriptions: count(customer), count(started)":
        ("SELECT count(customer_id), count(started), count(ended) FROM ab_subscriptions", None),
    "customer_churn_rate(bigint customer, dates)":
        (f"SELECT customer_churn_rate(customer_id, started, ended, {PERIOD}) FROM ab_subscriptions",
         "scan subscriptions: count(customer), count(started)"),
    "scan movements: count(4 columns)":
        ("SELECT count(s), count(e), count(c), count(k) FROM ab_movements", None),
    "nrr(start, expansion, churn, contraction)":
        ("SELECT nrr(s, e, c, k) FROM ab_movements", "scan movements: count(4 columns)"),
    "grr(start, churn, contraction)":
        ("SELECT grr(s, c, k) FROM ab_movements", "scan movements: count(4 columns)"),
    "nrr by group (1,000 groups)":
        ("SELECT count(n) FROM (SELECT nrr(s, e, c, k) AS n FROM ab_movements GROUP BY g % 1000) AS t",
         "scan movements: count(4 columns)"),
    "scan signals: count(signal), count(amount)":
        ("SELECT count(signal), count(amount) FROM ab_signals", None),
    "health_score(signal, amount, weights)":
        (f"SELECT health_score(signal, amount, {MODEL}) FROM ab_signals",
         "scan signals: count(signal), count(amount)"),
    "health_score by account (1,000 groups)":
        (f"SELECT count(h) FROM (SELECT health_score(signal, amount, {MODEL}) AS h FROM ab_signals "
         "GROUP BY account % 1000) AS t", "scan signals: count(signal), count(amount)"),
}


def conninfo(dbname):
    return (f"host={os.environ['CSM_PGHOST']} port={os.environ['CSM_PGPORT']} user=postgres "
            f"dbname={dbname}")


def load(conn, scale):
    rows = int(2_000_000 * scale)
    have = conn.execute("SELECT obj_description(to_regclass('ab_users'))").fetchone()[0]
    if have == f"v2 rows={rows}":
        return
    print(f"loading {rows:,} rows per table ...", flush=True)
    conn.execute("DROP TABLE IF EXISTS ab_users, ab_orders, ab_subscriptions, ab_movements, ab_signals")
    conn.execute("SELECT setseed(0.3)")
    customers = max(1, rows // 10)
    conn.execute(f"""CREATE TABLE ab_users AS
        SELECT c AS customer_id, 'cus_' || c AS customer_text, random() < 0.2 AS active
        FROM (SELECT (random() * {customers - 1})::bigint AS c FROM generate_series(1, {rows})) AS g""")
    conn.execute(f"""CREATE TABLE ab_orders AS
        SELECT (random() * {customers - 1})::bigint AS customer_id,
               (random() * {rows})::bigint AS order_id FROM generate_series(1, {rows})""")
    conn.execute(f"""CREATE TABLE ab_subscriptions AS
        SELECT (random() * {customers - 1})::bigint AS customer_id, s AS started,
               CASE WHEN random() < 0.4 THEN s + (random() * 400)::int END AS ended
        FROM (SELECT date '2023-01-01' + (random() * 900)::int AS s
              FROM generate_series(1, {rows})) AS g""")
    conn.execute(f"""CREATE TABLE ab_movements AS
        SELECT i % 100000 AS g, s, round((random() * s / 3)::numeric, 2) AS e,
               CASE WHEN churned THEN s ELSE 0 END AS c,
               CASE WHEN churned THEN 0 ELSE round((random() * s / 10)::numeric, 2) END AS k
        FROM (SELECT i, round((10 + random() * 990)::numeric, 2) AS s, random() < 0.1 AS churned
              FROM generate_series(1, {rows}) AS i) AS g""")
    conn.execute(f"""CREATE TABLE ab_signals AS
        SELECT (random() * 9999)::int AS account,
               (ARRAY['login', 'ticket', 'nps_promoter', 'upgrade'])[1 + (random() * 3)::int] AS signal,
               round((random() * 5)::numeric, 1)::float8 AS amount
        FROM generate_series(1, {rows})""")
    for t in ["ab_users", "ab_orders", "ab_subscriptions", "ab_movements", "ab_signals"]:
        conn.execute(f"VACUUM ANALYZE {t}")
    conn.execute(f"COMMENT ON TABLE ab_users IS 'v2 rows={rows}'")


def install(pg_config, build):
    pkglib = subprocess.check_output([pg_config, "--pkglibdir"], text=True).strip()
    share = subprocess.check_output([pg_config, "--sharedir"], text=True).strip() + "/extension"
    tmp = os.path.join(pkglib, ".csmetrics.so.ab")
    shutil.copyfile(os.path.join(build, "csmetrics.so"), tmp)
    os.chmod(tmp, 0o755)
    os.replace(tmp, os.path.join(pkglib, "csmetrics.so"))
    for f in glob.glob(os.path.join(build, "csmetrics*")):
        if not f.endswith(".so"):
            shutil.copyfile(f, os.path.join(share, os.path.basename(f)))


def timed(conn, sql):
    t = time.perf_counter()
    conn.execute(sql).fetchall()
    return (time.perf_counter() - t) * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg-config", required=True)
    parser.add_argument("--build", action="append", required=True, help="name=directory")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 2M rows per table")
    parser.add_argument("--workers", type=int, default=0)
    args = parser.parse_args()
    builds = [b.split("=", 1) for b in args.build]
    with psycopg.connect(conninfo("postgres"), autocommit=True) as c:
        if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB,)).fetchone():
            c.execute(f"CREATE DATABASE {DB}")
    with psycopg.connect(conninfo(DB), autocommit=True) as c:
        load(c, args.scale)
    times = {(b, q): [] for b, _ in builds for q in QUERIES}
    for r in range(args.rounds):
        for name, build in (builds if r % 2 == 0 else builds[::-1]):
            install(args.pg_config, build)
            with psycopg.connect(conninfo(DB), autocommit=True) as conn:
                conn.execute("SET client_min_messages = warning")
                conn.execute("DROP EXTENSION IF EXISTS csmetrics")
                conn.execute("CREATE EXTENSION csmetrics")
            with psycopg.connect(conninfo(DB), autocommit=True) as conn:
                conn.execute("SET jit = off")
                conn.execute(f"SET max_parallel_workers_per_gather = {args.workers}")
                conn.execute("SET work_mem = '256MB'")
                for q, (sql, _) in QUERIES.items():
                    timed(conn, sql)  # warm-up: pages cached, library loaded
                    times[(name, q)].append(timed(conn, sql))
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"\nbefore/after, {args.rounds} interleaved rounds, {args.workers} parallel workers, "
          f"median ms (ratio to the floor named, same connections)")
    head = f"| {'query':<52} |" + "".join(f" {n:>9} | {'ratio':>6} |" for n, _ in builds)
    print(head)
    print("|" + "|".join("-" * len(c) for c in head.split("|")[1:-1]) + "|")
    for q, (_, floor) in QUERIES.items():
        cells = ""
        for n, _ in builds:
            ratio = "" if floor is None else f"{med[(n, q)] / med[(n, floor)]:.2f}x"
            cells += f" {med[(n, q)]:>9.1f} | {ratio:>6} |"
        print(f"| {q:<52} |{cells}")


if __name__ == "__main__":
    main()
