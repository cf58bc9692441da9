"""Distributed aggregation the way Citus does it, on loopback shards through postgres_fdw.

Two shard databases hold disjoint answers. The coordinator pushes `survey_agg()` down to each
shard (the extension is declared shippable), receives the partial states as text over the
wire, and merges them with `rollup()`. The answer must equal aggregating all raw answers in one
place, and the plan must show the aggregate running remotely.
"""
import psycopg
import pytest

from conftest import HOST, PORT, conninfo, fresh_database

SHARDS = 2


@pytest.fixture(scope="module")
def coordinator():
    for shard in range(1, SHARDS + 1):
        name = fresh_database(f"csm_shard_{shard}", demo=False)
        with psycopg.connect(conninfo(name), autocommit=True) as conn:
            conn.execute(f"SELECT setseed(0.{shard})")
            conn.execute("""CREATE TABLE answers AS
                            SELECT CASE WHEN random() < 0.05 THEN NULL
                                        ELSE floor(random() * 11)::int END AS score
                            FROM generate_series(1, 20000 * %s)""", (shard,))
    coord = fresh_database("csm_coordinator", demo=False)
    with psycopg.connect(conninfo(coord), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION postgres_fdw")
        for shard in range(1, SHARDS + 1):
            conn.execute(f"""CREATE SERVER shard_{shard} FOREIGN DATA WRAPPER postgres_fdw
                             OPTIONS (host '{HOST}', port '{PORT}', dbname 'csm_shard_{shard}',
                                      extensions 'csmetrics')""")
            conn.execute(f"CREATE USER MAPPING FOR postgres SERVER shard_{shard} OPTIONS (user 'postgres')")
            conn.execute(f"""CREATE FOREIGN TABLE answers_{shard} (score integer)
                             SERVER shard_{shard} OPTIONS (table_name 'answers')""")
    return coord


PARTIALS = " UNION ALL ".join(f"SELECT survey_agg(score) AS s FROM answers_{n}"
                              for n in range(1, SHARDS + 1))

# The README's example, word for word.
README_QUERY = """SELECT nps(rollup(s))
FROM (SELECT survey_agg(score) AS s FROM answers_1
      UNION ALL
      SELECT survey_agg(score) FROM answers_2) AS per_shard;
"""


def test_partial_states_are_computed_on_the_shards(coordinator):
    with psycopg.connect(conninfo(coordinator)) as conn:
        plan = "\n".join(r[0] for r in conn.execute(
            f"EXPLAIN (VERBOSE, COSTS OFF) SELECT rollup(s) FROM ({PARTIALS}) AS p"))
    for shard in range(1, SHARDS + 1):
        assert "Remote SQL: SELECT public.survey_agg(score) FROM public.answers" in plan, plan


def test_rollup_of_shard_states_equals_all_answers_in_one_place(coordinator):
    with psycopg.connect(conninfo(coordinator)) as conn:
        distributed = conn.execute(
            f"SELECT rollup(s)::text, nps(rollup(s)), nps_margin(rollup(s)) FROM ({PARTIALS}) AS p"
        ).fetchone()
    # The same answers pulled into one table and aggregated there, and counted in plain SQL.
    with psycopg.connect(conninfo(coordinator)) as conn:
        conn.execute("CREATE TEMP TABLE everything AS " + " UNION ALL ".join(
            f"SELECT score FROM answers_{n}" for n in range(1, SHARDS + 1)))
        central = conn.execute(
            "SELECT survey_agg(score)::text, nps(score), nps_margin(survey_agg(score)) FROM everything"
        ).fetchone()
        promoters, detractors, answers = conn.execute(
            "SELECT count(*) FILTER (WHERE score >= 9), count(*) FILTER (WHERE score <= 6),"
            " count(score) FROM everything").fetchone()
    assert distributed == central
    with psycopg.connect(conninfo(coordinator)) as conn:
        assert conn.execute(README_QUERY).fetchone()[0] == central[1]
    assert 55000 < answers < 60000  # 60,000 rows, about 5% of them NULL
    assert distributed[1] == pytest.approx(100.0 * (promoters - detractors) / answers, abs=1e-12)


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
