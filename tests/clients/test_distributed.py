"""Distributed aggregation the way Citus does it, on loopback shards through postgres_fdw.

Two shard databases hold disjoint rows of every family's data. The coordinator pushes each
family's two-step aggregate down to each shard (the extension is declared shippable), receives
the partial summaries as text over the wire, and merges them with `rollup()`. The answer must
equal aggregating all rows in one place, and the plan must show the aggregate running remotely.
"""
from dataclasses import dataclass

import psycopg
import pytest

from conftest import HOST, PORT, conninfo, fresh_database

SHARDS = 2


@dataclass
class Family:
    """One family's distributed check: `rows` (SQL selecting its columns, with `:shard`
    standing for the shard number) fills table `table` on each shard; `partial` is the
    two-step aggregate over it, `reads` the accessors applied to the merged summary `s`."""
    table: str
    columns: str
    rows: str
    partial: str
    reads: list


FAMILIES = {
    "survey": Family(
        table="answers", columns="score integer",
        rows="""SELECT CASE WHEN random() < 0.05 THEN NULL ELSE floor(random() * 11)::int END
                FROM generate_series(1, 20000 * :shard)""",
        partial="survey_agg(score)",
        reads=["s::text", "nps(s)", "nps_margin(s)"]),
    "time_to_value": Family(
        table="onboarding", columns="signed_up_at timestamptz, value_at timestamptz",
        rows="""SELECT at, CASE WHEN random() < 0.8 THEN at + random() * interval '30 days' END
                FROM (SELECT timestamptz '2025-01-01 00:00+00' + random() * interval '300 days' AS at
                      FROM generate_series(1, 3000 * :shard)) AS t""",
        partial="time_to_value_agg(signed_up_at, value_at)",
        reads=["s::text", "median_days(s)", "percentile_days(s, 0.9)", "reached(s)", "not_reached(s)"]),
    "licenses": Family(
        table="seat_licenses", columns="valid tstzrange, seats integer",
        rows="""SELECT tstzrange(at, CASE WHEN random() < 0.9 THEN at + random() * interval '200 days' END),
                       1 + floor(random() * 20)::int
                FROM (SELECT timestamptz '2025-01-01 00:00+00' + random() * interval '300 days' AS at
                      FROM generate_series(1, 1000 * :shard)) AS t""",
        partial="license_agg(valid, seats)",
        reads=["s::text", "active_licenses(s, '2025-06-01 00:00+00')",
               "peak_licenses(s, tstzrange('2025-01-01 00:00+00', '2026-01-01 00:00+00'))"]),
    # The zone is a column: postgres_fdw ships an aggregate only when its input collation comes
    # from a remote column, so a text literal ('Europe/Paris') keeps it local.
    "activity": Family(
        table="activity", columns="user_id bigint, at timestamptz, zone text",
        rows="""SELECT 1 + floor(random() * 500)::bigint,
                       timestamptz '2025-01-01 00:00+00' + random() * interval '90 days', 'Europe/Paris'
                FROM generate_series(1, 5000 * :shard)""",
        partial="activity_agg(user_id, at, zone)",
        reads=["s::text", "mau(s, '2025-03-15')", "stickiness(s, date '2025-02-01')",
               "(SELECT sum(new_users) FROM lifecycle(s, 'week'))"]),
    "mrr": Family(
        table="customer_mrr", columns="customer bigint, month date, mrr numeric",
        rows="""SELECT 1 + floor(random() * 300)::bigint, date '2024-01-01' + floor(random() * 24)::int * 31,
                       round((random() * 300)::numeric, 2)
                FROM generate_series(1, 2000 * :shard)""",
        partial="mrr_agg(customer, month, mrr)",
        reads=["s::text", "(SELECT sum(new_mrr) FROM mrr_movements(s))",
               "(SELECT max(nrr) FROM revenue_kpis(s))"]),
}


def foreign(table, shard):
    return f"{table}_{shard}"


@pytest.fixture(scope="module")
def coordinator():
    for shard in range(1, SHARDS + 1):
        name = fresh_database(f"csm_shard_{shard}", demo=False)
        with psycopg.connect(conninfo(name), autocommit=True) as conn:
            conn.execute(f"SELECT setseed(0.{shard})")
            for f in FAMILIES.values():
                conn.execute(f"CREATE TABLE {f.table} ({f.columns})")
                conn.execute(f"INSERT INTO {f.table} " + f.rows.replace(":shard", str(shard)))
    coord = fresh_database("csm_coordinator", demo=False)
    with psycopg.connect(conninfo(coord), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION postgres_fdw")
        for shard in range(1, SHARDS + 1):
            conn.execute(f"""CREATE SERVER shard_{shard} FOREIGN DATA WRAPPER postgres_fdw
                             OPTIONS (host '{HOST}', port '{PORT}', dbname 'csm_shard_{shard}',
                                      extensions 'csmetrics')""")
            conn.execute(f"CREATE USER MAPPING FOR postgres SERVER shard_{shard} OPTIONS (user 'postgres')")
            for f in FAMILIES.values():
                conn.execute(f"""CREATE FOREIGN TABLE {foreign(f.table, shard)} ({f.columns})
                                 SERVER shard_{shard} OPTIONS (table_name '{f.table}')""")
    return coord


def partials(f):
    return " UNION ALL ".join(f"SELECT {f.partial} AS s FROM {foreign(f.table, n)}"
                              for n in range(1, SHARDS + 1))


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_partial_summaries_are_computed_on_the_shards(coordinator, family):
    f = FAMILIES[family]
    with psycopg.connect(conninfo(coordinator)) as conn:
        plan = "\n".join(r[0] for r in conn.execute(
            f"EXPLAIN (VERBOSE, COSTS OFF) SELECT rollup(s) FROM ({partials(f)}) AS p"))
    assert plan.count("Remote SQL: SELECT public.") == SHARDS, plan
    assert f"FROM public.{f.table}" in plan


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_rollup_of_shard_summaries_equals_all_rows_in_one_place(coordinator, family):
    f = FAMILIES[family]
    reads = ", ".join(f.reads)
    with psycopg.connect(conninfo(coordinator)) as conn:
        distributed = conn.execute(
            f"SELECT {reads} FROM (SELECT rollup(s) AS s FROM ({partials(f)}) AS p) AS t").fetchone()
        conn.execute(f"CREATE TEMP TABLE everything AS " + " UNION ALL ".join(
            f"SELECT * FROM {foreign(f.table, n)}" for n in range(1, SHARDS + 1)))
        central = conn.execute(
            f"SELECT {reads} FROM (SELECT {f.partial} AS s FROM everything) AS t").fetchone()
    assert distributed == central
    assert None not in central


# The README's example, word for word.
README_QUERY = """SELECT nps(rollup(s))
FROM (SELECT survey_agg(score) AS s FROM answers_1
      UNION ALL
      SELECT survey_agg(score) FROM answers_2) AS per_shard;
"""


def test_readme_example_and_plain_sql(coordinator):
    with psycopg.connect(conninfo(coordinator)) as conn:
        nps = conn.execute(README_QUERY).fetchone()[0]
        promoters, detractors, answers = conn.execute(
            "SELECT count(*) FILTER (WHERE score >= 9), count(*) FILTER (WHERE score <= 6),"
            " count(score) FROM (SELECT score FROM answers_1 UNION ALL SELECT score FROM answers_2) AS a"
        ).fetchone()
    assert 55000 < answers < 60000  # 60,000 rows, about 5% of them NULL
    assert nps == pytest.approx(100.0 * (promoters - detractors) / answers, abs=1e-12)


def test_health_scores_by_account_are_computed_on_the_shards(coordinator):
    """health_score's state is internal: across shards, Citus runs it whole per account (the
    distribution column). Here each shard holds whole accounts, and the coordinator's answer
    per account equals scoring all rows in one place."""
    weights = "'{\"logins\": 0.5, \"tickets\": -20, \"seats\": 2}'::jsonb"
    with psycopg.connect(conninfo(coordinator), autocommit=True) as conn:
        conn.execute("CREATE TEMP TABLE signals AS SELECT a AS account_id,"
                     " (ARRAY['logins', 'tickets', 'seats'])[1 + a * i % 3] AS signal,"
                     " (i % 7)::float8 AS amount"
                     " FROM generate_series(1, 40) AS a, generate_series(1, 25) AS i")
        for shard in range(1, SHARDS + 1):
            with psycopg.connect(conninfo(f"csm_shard_{shard}"), autocommit=True) as remote:
                remote.execute("DROP TABLE IF EXISTS signals")
                remote.execute("CREATE TABLE signals (account_id int, signal text, amount float8)")
                rows = conn.execute("SELECT * FROM signals WHERE account_id %% %s = %s",
                                    (SHARDS, shard - 1)).fetchall()
                with remote.cursor().copy("COPY signals FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            conn.execute(f"""CREATE FOREIGN TABLE signals_{shard} (account_id int, signal text, amount float8)
                             SERVER shard_{shard} OPTIONS (table_name 'signals')""")
        query = " UNION ALL ".join(
            f"SELECT account_id, health_score(signal, amount, {weights}) AS score"
            f" FROM signals_{n} GROUP BY account_id" for n in range(1, SHARDS + 1))
        plan = "\n".join(r[0] for r in conn.execute(f"EXPLAIN (VERBOSE, COSTS OFF) {query}"))
        assert plan.count("public.health_score(signal, amount") == SHARDS, plan
        distributed = conn.execute(f"SELECT * FROM ({query}) AS q ORDER BY 1").fetchall()
        central = conn.execute(f"SELECT account_id, health_score(signal, amount, {weights})"
                               " FROM signals GROUP BY 1 ORDER BY 1").fetchall()
    assert distributed == central and len(central) == 40


def test_grouped_aggregate_is_shipped_whole(coordinator):
    """With the extension shippable, a whole nps() per shard runs remotely."""
    with psycopg.connect(conninfo(coordinator)) as conn:
        plan = "\n".join(r[0] for r in conn.execute(
            "EXPLAIN (VERBOSE, COSTS OFF) SELECT nps(score) FROM answers_1"))
        assert "Remote SQL: SELECT public.nps(score) FROM public.answers" in plan, plan
        remote = conn.execute("SELECT nps(score) FROM answers_1").fetchone()[0]
        local = conn.execute("SELECT nps(s) FROM (SELECT score + 0 AS s FROM answers_1 OFFSET 0) AS t"
                             ).fetchone()[0]
    assert remote == local
