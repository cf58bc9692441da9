"""mrr_history across shards (postgres_fdw loopback, as Citus would), and through pg_dump.

Two shard databases hold (customer, month, mrr) rows; customers 1-100 have rows on both shards
(a customer billed from two systems), so the merge must add them up, not just concatenate.
The coordinator pushes mrr_agg() down to each shard, receives the histories as text over the
wire, and merges them with rollup(): the movements must equal those of all rows in one place.
"""
import subprocess

import psycopg
import pytest

from conftest import HOST, PGBIN, PORT, conninfo, fresh_database

SHARDS = 2


@pytest.fixture(scope="module")
def coordinator():
    for shard in range(1, SHARDS + 1):
        name = fresh_database(f"csm_rev_shard_{shard}", demo=False)
        with psycopg.connect(conninfo(name), autocommit=True) as conn:
            conn.execute(f"SELECT setseed(0.{shard})")
            conn.execute("""CREATE TABLE customer_mrr AS
                            SELECT c AS customer_id,
                                   (date '2024-01-01' + make_interval(months => m))::date AS month,
                                   round((random() * 300)::numeric, 2) AS mrr
                            FROM generate_series(%s::int, %s::int) AS c, generate_series(0, 23) AS m
                            WHERE random() < 0.8""", (1 + (shard - 1) * 1000, 100 + shard * 1000))
    coord = fresh_database("csm_rev_coordinator", demo=False)
    with psycopg.connect(conninfo(coord), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION postgres_fdw")
        for shard in range(1, SHARDS + 1):
            conn.execute(f"""CREATE SERVER rev_shard_{shard} FOREIGN DATA WRAPPER postgres_fdw
                             OPTIONS (host '{HOST}', port '{PORT}', dbname 'csm_rev_shard_{shard}',
                                      extensions 'csmetrics')""")
            conn.execute(f"CREATE USER MAPPING FOR postgres SERVER rev_shard_{shard} OPTIONS (user 'postgres')")
            conn.execute(f"""CREATE FOREIGN TABLE customer_mrr_{shard}
                             (customer_id integer, month date, mrr numeric)
                             SERVER rev_shard_{shard} OPTIONS (table_name 'customer_mrr')""")
    return coord


PARTIALS = " UNION ALL ".join(f"SELECT mrr_agg(customer_id, month, mrr) AS h FROM customer_mrr_{n}"
                              for n in range(1, SHARDS + 1))


def test_histories_are_built_on_the_shards(coordinator):
    with psycopg.connect(conninfo(coordinator)) as conn:
        plan = "\n".join(r[0] for r in conn.execute(
            f"EXPLAIN (VERBOSE, COSTS OFF) SELECT rollup(h) FROM ({PARTIALS}) AS p"))
    assert plan.count("Remote SQL: SELECT public.mrr_agg(customer_id, month, mrr) FROM public.customer_mrr") == SHARDS, plan


def test_rollup_of_shard_histories_equals_all_rows_in_one_place(coordinator):
    with psycopg.connect(conninfo(coordinator)) as conn:
        distributed = conn.execute(
            f"SELECT * FROM mrr_movements((SELECT rollup(h) FROM ({PARTIALS}) AS p))").fetchall()
        conn.execute("CREATE TEMP TABLE everything AS " + " UNION ALL ".join(
            f"SELECT * FROM customer_mrr_{n}" for n in range(1, SHARDS + 1)))
        central = conn.execute(
            "SELECT * FROM mrr_movements((SELECT mrr_agg(customer_id, month, mrr) FROM everything))"
        ).fetchall()
        same = conn.execute(
            f"SELECT (SELECT rollup(h) FROM ({PARTIALS}) AS p)"
            " = (SELECT mrr_agg(customer_id, month, mrr) FROM everything)").fetchone()[0]
        total = conn.execute("SELECT sum(mrr) FROM everything WHERE month = '2025-12-01'").fetchone()[0]
    assert len(distributed) == 24
    assert distributed == central
    assert same
    assert distributed[-1][7] == total  # ending MRR of the last month, to the cent


def test_dump_and_restore_keep_histories(tmp_path):
    db = fresh_database("csm_rev_dump", demo=False)
    with psycopg.connect(conninfo(db), autocommit=True) as conn:
        conn.execute("""CREATE TABLE histories AS
                        SELECT c % 3 AS segment, mrr_agg(c::text, date '2025-01-01' + c, c * 1.5) AS h
                        FROM generate_series(1, 500) AS c GROUP BY 1""")
        before = conn.execute("SELECT segment, h::text FROM histories ORDER BY 1").fetchall()
    dump = tmp_path / "revenue.dump"
    common = ["-h", HOST, "-p", str(PORT), "-U", "postgres"]
    subprocess.run([str(PGBIN / "pg_dump"), *common, "-Fc", "-f", str(dump), db], check=True)
    target = fresh_database(db + "_restored", demo=False)
    with psycopg.connect(conninfo(target), autocommit=True) as conn:
        conn.execute("DROP EXTENSION csmetrics")
    subprocess.run([str(PGBIN / "pg_restore"), *common, "-d", target, "--exit-on-error", str(dump)],
                   check=True)
    with psycopg.connect(conninfo(target), autocommit=True) as conn:
        after = conn.execute("SELECT segment, h::text FROM histories ORDER BY 1").fetchall()
        ending = conn.execute(
            "SELECT sum(ending_mrr) FROM mrr_movements((SELECT rollup(h) FROM histories))"
        ).fetchone()[0]
    assert after == before and len(after) == 3
    assert ending is not None and ending > 0
