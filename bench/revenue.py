"""csmetrics revenue benchmark (issue 7's speed section), same-run medians, interleaved.

    .venv/bin/python bench/revenue.py --scale 1     # 10M movement rows; 200,000 customers x 36 months
    .venv/bin/python bench/revenue.py --scale 0.05  # a quick look

- nrr(start, expansion, churn, contraction) over 10M rows vs the plain-SQL formula with
  sum(numeric) (target: at most 0.5x).
- mrr_agg + mrr_movements over 200,000 customers x 36 months vs the plain-SQL spine / LEFT
  JOIN / LAG / CASE formulation (target: at least 5x faster), and the peak memory of the
  aggregate (growth of the backend's peak resident set, VmHWM, in a fresh connection).
- mrr_movements(mrr_agg(customer, period, mrr)) over 100,000 subscription periods of 50,000
  customers across 3 years vs plain SQL that spreads the periods over the month ends they
  cover and computes the same movements (target: at least 10x faster; `--cases periods`).
- mrr_agg + mrr_customer_movements over 50,000 customers x 36 months (`--cases customers`) vs
  the spine / LEFT JOIN / LAG / CASE query producing the same rows (target: at least 5x). Both
  are read through the same outer aggregate over every column (count, sums, max), so that the
  time is the server's and not the client's conversion of two million rows.
"""
import argparse
import os

from bench import connect, medians_ms, machine

RUNS_NOTE = "median of interleaved runs after a warm-up"


def load_movements(conn, rows):
    tag = f"rows={rows}"
    if conn.execute("SELECT to_regclass('rev_bench_movements')").fetchone()[0] and \
            conn.execute("SELECT obj_description('rev_bench_movements'::regclass)").fetchone()[0] == tag:
        return
    print(f"loading {rows:,} movement rows ...", flush=True)
    conn.execute("DROP TABLE IF EXISTS rev_bench_movements")
    conn.execute("SELECT setseed(0.7)")
    conn.execute(f"""
        CREATE TABLE rev_bench_movements AS
        SELECT s, round((random() * 100)::numeric, 2) AS e,
               round((random() * s * 0.3)::numeric, 2) AS c,
               round((random() * s * 0.3)::numeric, 2) AS k
        FROM (SELECT round((100 + random() * 10000)::numeric, 2) AS s
              FROM generate_series(1, {rows})) AS t""")
    conn.execute("VACUUM ANALYZE rev_bench_movements")
    conn.execute(f"COMMENT ON TABLE rev_bench_movements IS '{tag}'")


def load_mrr(conn, customers, months, table="rev_bench_mrr"):
    """One row per paying customer-month over `months` months: random start, about 15% of
    customers churn and 5% come back, 10% of rows duplicated (a second subscription)."""
    tag = f"customers={customers},months={months}"
    if conn.execute(f"SELECT to_regclass('{table}')").fetchone()[0] and \
            conn.execute(f"SELECT obj_description('{table}'::regclass)").fetchone()[0] == tag:
        return
    print(f"loading {customers:,} customers x {months} months ...", flush=True)
    conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.execute("SELECT setseed(0.3)")
    conn.execute(f"""
        CREATE TABLE {table} AS
        WITH cust AS (
            SELECT c, (random() * {months // 3})::int AS start_off,
                   CASE WHEN random() < 0.15 THEN (random() * {months})::int ELSE {months} END AS stop_off,
                   round((10 + random() * 990)::numeric, 2) AS base
            FROM generate_series(1, {customers}) AS c)
        SELECT c AS customer_id, (date '2023-01-01' + make_interval(months => k))::date AS month,
               CASE WHEN random() < 0.9 THEN base ELSE round(base * (0.5 + random())::numeric, 2) END AS mrr
        FROM cust, generate_series(0, {months - 1}) AS k
        WHERE k >= start_off AND (k < stop_off OR k > stop_off + 3 AND c % 3 = 0)""")
    conn.execute(f"""INSERT INTO {table}
                    SELECT customer_id, month, round((random() * 50)::numeric, 2)
                    FROM {table} WHERE random() < 0.1""")
    conn.execute(f"VACUUM ANALYZE {table}")
    conn.execute(f"COMMENT ON TABLE {table} IS '{tag}'")


def load_periods(conn, periods, customers):
    """Subscription periods as billing tables hold them: two per customer on average, random
    starts over 3 years, 1 day to 2 years long."""
    tag = f"periods={periods},customers={customers}"
    if conn.execute("SELECT to_regclass('rev_bench_periods')").fetchone()[0] and \
            conn.execute("SELECT obj_description('rev_bench_periods'::regclass)").fetchone()[0] == tag:
        return
    print(f"loading {periods:,} periods of {customers:,} customers ...", flush=True)
    conn.execute("DROP TABLE IF EXISTS rev_bench_periods")
    conn.execute("SELECT setseed(0.5)")
    conn.execute(f"""
        CREATE TABLE rev_bench_periods AS
        SELECT 1 + (i % {customers}) AS customer_id,
               daterange(s, s + 1 + (random() * 730)::int) AS active,
               round((10 + random() * 990)::numeric, 2) AS mrr
        FROM (SELECT i, date '2023-01-01' + (random() * 1095)::int AS s
              FROM generate_series(1, {periods}) AS i) AS t""")
    conn.execute("VACUUM ANALYZE rev_bench_periods")
    conn.execute(f"COMMENT ON TABLE rev_bench_periods IS '{tag}'")


NRR_EXT = "SELECT nrr(s, e, c, k) FROM rev_bench_movements"
NRR_PLAIN = ("SELECT (100 * (sum(s) + sum(e) - sum(c) - sum(k)) / nullif(sum(s), 0))::float8"
             " FROM rev_bench_movements")

MOVEMENTS_EXT = ("SELECT * FROM mrr_movements((SELECT mrr_agg(customer_id, month, mrr)"
                 " FROM rev_bench_mrr))")
MOVEMENTS_PLAIN = """
WITH per_month AS (
    SELECT customer_id AS c, date_trunc('month', month)::date AS m, sum(mrr) AS mrr
    FROM rev_bench_mrr GROUP BY 1, 2),
bounds AS (SELECT min(m) AS lo, max(m) AS hi FROM per_month),
spine AS (
    SELECT cs.c, gs::date AS m
    FROM (SELECT DISTINCT c FROM per_month) AS cs, bounds,
         generate_series(bounds.lo, bounds.hi, interval '1 month') AS gs),
filled AS (SELECT s.c, s.m, coalesce(p.mrr, 0) AS mrr FROM spine s LEFT JOIN per_month p USING (c, m)),
lagged AS (
    SELECT m, mrr, coalesce(lag(mrr) OVER w, 0) AS prev,
           coalesce(bool_or(mrr > 0) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), false) AS paid_before
    FROM filled WINDOW w AS (PARTITION BY c ORDER BY m)),
classified AS (
    SELECT m, mrr, prev,
           CASE WHEN prev = 0 AND mrr > 0 AND NOT paid_before THEN 'new'
                WHEN prev = 0 AND mrr > 0 THEN 'reactivation'
                WHEN prev > 0 AND mrr = 0 THEN 'churn'
                WHEN mrr > prev THEN 'expansion'
                WHEN mrr < prev THEN 'contraction' END AS kind
    FROM lagged)
SELECT m, sum(prev), coalesce(sum(mrr) FILTER (WHERE kind = 'new'), 0),
       coalesce(sum(mrr) FILTER (WHERE kind = 'reactivation'), 0),
       coalesce(sum(mrr - prev) FILTER (WHERE kind = 'expansion'), 0),
       coalesce(sum(prev - mrr) FILTER (WHERE kind = 'contraction'), 0),
       coalesce(sum(prev) FILTER (WHERE kind = 'churn'), 0), sum(mrr),
       count(*) FILTER (WHERE prev > 0), count(*) FILTER (WHERE kind = 'new'),
       count(*) FILTER (WHERE kind = 'reactivation'), count(*) FILTER (WHERE kind = 'expansion'),
       count(*) FILTER (WHERE kind = 'contraction'), count(*) FILTER (WHERE kind = 'churn'),
       count(*) FILTER (WHERE mrr > 0)
FROM classified GROUP BY m ORDER BY m"""


PERIODS_EXT = ("SELECT * FROM mrr_movements((SELECT mrr_agg(customer_id, active, mrr)"
               " FROM rev_bench_periods))")
# The same movements from a month table built by spreading each period over the month ends
# it covers (ChartMogul's month-end MRR); the history spans every month a period touches.
PERIODS_PLAIN = MOVEMENTS_PLAIN.replace(
    """per_month AS (
    SELECT customer_id AS c, date_trunc('month', month)::date AS m, sum(mrr) AS mrr
    FROM rev_bench_mrr GROUP BY 1, 2),
bounds AS (SELECT min(m) AS lo, max(m) AS hi FROM per_month),""",
    """per_month AS (
    SELECT customer_id AS c, gs::date AS m, sum(mrr) AS mrr
    FROM rev_bench_periods,
         generate_series(date_trunc('month', lower(active)), date_trunc('month', upper(active))
                         - interval '1 month', interval '1 month') AS gs
    GROUP BY 1, 2),
bounds AS (SELECT date_trunc('month', min(lower(active)))::date AS lo,
                  date_trunc('month', max(upper(active)) - 1)::date AS hi FROM rev_bench_periods),""")
assert PERIODS_PLAIN != MOVEMENTS_PLAIN
# The customers behind the movements: one row per customer and month where the previous or the
# current MRR is above 0, over the history's months. Both read through the same outer aggregate.
CUSTOMERS_OUTER = ("SELECT count(*), sum(previous_mrr), sum(mrr), max(customer), max(month),"
                   " max(movement) FROM ({}) AS rows")
CUSTOMERS_EXT = CUSTOMERS_OUTER.format(
    "SELECT * FROM mrr_customer_movements((SELECT mrr_agg(customer_id, month, mrr)"
    " FROM rev_bench_mrr_customers))")
CUSTOMERS_PLAIN = CUSTOMERS_OUTER.format("""
WITH per_month AS (
    SELECT customer_id AS c, date_trunc('month', month)::date AS m, sum(mrr) AS mrr
    FROM rev_bench_mrr_customers GROUP BY 1, 2),
bounds AS (SELECT min(m) AS lo, max(m) AS hi FROM per_month),
spine AS (
    SELECT cs.c, gs::date AS m
    FROM (SELECT DISTINCT c FROM per_month) AS cs, bounds,
         generate_series(bounds.lo, bounds.hi, interval '1 month') AS gs),
filled AS (SELECT s.c, s.m, coalesce(p.mrr, 0) AS mrr FROM spine s LEFT JOIN per_month p USING (c, m)),
lagged AS (
    SELECT c, m, mrr, coalesce(lag(mrr) OVER w, 0) AS prev,
           coalesce(bool_or(mrr > 0) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), false) AS paid_before
    FROM filled WINDOW w AS (PARTITION BY c ORDER BY m))
SELECT c::text AS customer, m AS month, prev AS previous_mrr, mrr,
       CASE WHEN prev = 0 AND NOT paid_before THEN 'new'
            WHEN prev = 0 THEN 'reactivation'
            WHEN mrr = 0 THEN 'churn'
            WHEN mrr > prev THEN 'expansion'
            WHEN mrr < prev THEN 'contraction'
            ELSE 'unchanged' END AS movement
FROM lagged WHERE prev > 0 OR mrr > 0""")


def peak_rss_kb(conn):
    pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def aggregate_memory(customers_rows):
    """Peak memory of mrr_agg over the table, in a fresh backend (serial: one process holds
    the whole state), and the size of the history it stores."""
    conn = connect()
    conn.execute("SET max_parallel_workers_per_gather = 0")
    conn.execute("SELECT count(*) FROM rev_bench_mrr").fetchall()  # table pages cached
    before = peak_rss_kb(conn)
    stored = conn.execute("SELECT pg_column_size(mrr_agg(customer_id, month, mrr))"
                          " FROM rev_bench_mrr").fetchone()[0]
    after = peak_rss_kb(conn)
    conn.close()
    return (after - before) / 1024, stored / 1024 / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--cases", default="floor,nrr,movements,periods,customers",
                        help="which measurements: floor (mrr_agg against the scan of its three "
                             "columns), nrr, movements, periods, customers (the plain spine "
                             "queries take minutes at full size)")
    args = parser.parse_args()
    wanted = set(args.cases.split(","))
    rows = int(10_000_000 * args.scale)
    customers = int(200_000 * args.scale)
    months = 36
    conn = connect()
    conn.execute("SET jit = off")
    if "nrr" in wanted:
        load_movements(conn, rows)
    if "periods" in wanted:
        periods, period_customers = int(100_000 * args.scale), int(50_000 * args.scale)
        load_periods(conn, periods, period_customers)
    if "movements" in wanted:
        load_mrr(conn, customers, months)
        mrr_rows = conn.execute("SELECT count(*) FROM rev_bench_mrr").fetchone()[0]
    few_customers = int(50_000 * args.scale)
    if "customers" in wanted or "floor" in wanted:
        load_mrr(conn, few_customers, months, "rev_bench_mrr_customers")
        customer_rows = conn.execute("SELECT count(*) FROM rev_bench_mrr_customers").fetchone()[0]
        same = conn.execute(f"SELECT row(e.*) = row(p.*) FROM ({CUSTOMERS_EXT}) AS e,"
                            f" ({CUSTOMERS_PLAIN}) AS p").fetchone()[0]
        if not same:
            raise SystemExit("mrr_customer_movements and the plain query disagree")
    print(f"\ncsmetrics revenue benchmark, scale {args.scale}: {RUNS_NOTE}, ms")
    print(f"machine: {machine()}\n")
    header = f"| {'KPI':<72} | {'workers':>7} | {'csmetrics':>9} | {'plain SQL':>9} | {'ratio':>6} |"
    print(header)
    print("|" + "|".join("-" * len(c) for c in header.split("|")[1:-1]) + "|")
    cases = []
    if "nrr" in wanted:
        cases.append((f"nrr(start, expansion, churn, contraction), {rows:,} rows",
                      NRR_EXT, NRR_PLAIN))
    if "movements" in wanted:
        cases.append((f"mrr_agg + mrr_movements, {customers:,} x {months} ({mrr_rows:,} rows)",
                      MOVEMENTS_EXT, MOVEMENTS_PLAIN))
    if "periods" in wanted:
        cases.append((f"mrr_movements(mrr_agg(c, period, mrr)), {periods:,} periods",
                      PERIODS_EXT, PERIODS_PLAIN))
    if "customers" in wanted:
        cases.append((f"mrr_agg + mrr_customer_movements, {few_customers:,} x {months} ({customer_rows:,} rows)",
                      CUSTOMERS_EXT, CUSTOMERS_PLAIN))
    if "floor" in wanted:
        # mrr_agg against the floor of any aggregate over its three columns: their scan.
        conn.execute("SET max_parallel_workers_per_gather = 0")
        e, f = medians_ms(conn, "SELECT pg_column_size(mrr_agg(customer_id, month, mrr))"
                                " FROM rev_bench_mrr_customers",
                          "SELECT count(customer_id), count(month), count(mrr)"
                          " FROM rev_bench_mrr_customers")
        name = f"mrr_agg(customer, month, mrr) vs scan of the 3 columns, {few_customers:,} x {months}"
        print(f"| {name:<72} | {0:>7} | {e:>9.1f} | {'scan':>4} {f:>4.0f} | {e / f:>5.2f}x |"
              f" target <= 2.5x", flush=True)
    for workers in (0, 2):
        conn.execute(f"SET max_parallel_workers_per_gather = {workers}")
        for name, ext, plain in cases:
            e, p = medians_ms(conn, ext, plain)
            print(f"| {name:<72} | {workers:>7} | {e:>9.1f} | {p:>9.1f} | {e / p:>6.2f} |", flush=True)
    conn.close()
    if "movements" not in wanted:
        return
    peak, stored = aggregate_memory(mrr_rows)
    print(f"\nmrr_agg peak memory (backend VmHWM growth, serial): {peak:,.1f} MiB;"
          f" stored mrr_history: {stored:,.1f} MiB")


if __name__ == "__main__":
    main()
