"""csmetrics on a real Citus cluster: a coordinator and two workers (`make test-citus`).

The coordinator holds the demo data twice: as the demo's local tables, and as one distributed
copy of every table a family reads (`d_<table>`, hash-distributed across the workers' shards).
Every aggregate and report must give on the distributed copy exactly the single-node answer
over the local table. EXPLAIN (VERBOSE) then shows which aggregates Citus splits into a partial
aggregate on each worker and a combine on the coordinator (`worker_partial_agg` or
`worker_binary_partial_agg`): the others are computed on the coordinator from every row.
"""
import math
import os
import pathlib
import subprocess

import psycopg
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DIR = pathlib.Path(os.environ.get("CSM_CITUS_DIR", "/tmp/csmetrics-citus"))
PORT = int(os.environ.get("CSM_CITUS_PORT", "54340"))
PGBIN = pathlib.Path(os.environ.get("CSM_PGBIN", "/usr/lib/postgresql/15/bin"))
DB = "csm_citus"
NODES = [("coordinator", PORT), ("worker1", PORT + 1), ("worker2", PORT + 2)]

# The distributed copy of each table and its distribution column. The columns are chosen so
# that most queries below span shards (an answer cannot come from one worker alone).
DISTRIBUTED = {
    "survey_answers": "user_id",
    "daily_nps": "day",
    "subscription_months": "account_id",
    "account_lifecycle": "account_id",
    "events": "user_id",
    "user_onboarding": "user_id",
    "tickets": "ticket_id",
    "orders": "order_id",
    "licenses": "account_id",
    "account_health_signals": "account_id",
}

# (Braces doubled: the queries go through str.format.)
WEIGHTS = """'{{"logins": 0.5, "cs_engagements": 10, "unresolved_tickets": -20}}'::jsonb"""
MRR = "(SELECT mrr_agg(account_id::bigint, month, mrr) FROM {subscription_months})"
ACTIVITY = "(SELECT activity_agg(user_id::bigint, occurred_at) FROM {events})"
LICENSES = "(SELECT license_agg(valid, seats) FROM {licenses})"
NPS = "(SELECT survey_agg(score) FROM {survey_answers} WHERE survey = 'nps')"

# Every aggregate (each family, each form) and every report over a summary. {table} names the
# local table or its distributed copy.
QUERIES = {
    "nps": "SELECT nps(score), nps(score::int), nps(score::bigint), nps(score::numeric) "
           "FROM {survey_answers} WHERE survey = 'nps'",
    "csat": "SELECT csat(score), csat(score::int, 4, 5), csat(score::bigint), "
            "csat(score::numeric, 5, 5) FROM {survey_answers} WHERE survey = 'csat'",
    "ces": "SELECT ces(score), ces(score::int, 7), ces(score::bigint), ces(score::numeric, 7) "
           "FROM {survey_answers} WHERE survey = 'ces'",
    "survey_agg": "SELECT survey, survey_agg(score)::text, survey_agg(score::int)::text "
                  "FROM {survey_answers} GROUP BY survey ORDER BY survey",
    "rollup(survey_summary)": "SELECT rollup(summary)::text, nps(rollup(summary)) FROM {daily_nps}",
    "rollup of per-user summaries": "SELECT nps(rollup(s)), rollup(s)::text FROM "
        "(SELECT user_id, survey_agg(score) AS s FROM {survey_answers} WHERE survey = 'nps' "
        "GROUP BY user_id) AS per_user",
    "fcr_rate": "SELECT fcr_rate(resolved_on_first_contact), "
                "fcr_rate(resolved_on_first_contact, resolved) FROM {tickets}",
    "activation_rate": "SELECT activation_rate(signed_up_at, activated_at, interval '14 days') "
                       "FROM {user_onboarding}",
    "conversion_rate": "SELECT conversion_rate(signed_up_at, value_at, interval '30 days') "
                       "FROM {user_onboarding}",
    "active_ratio": "SELECT active_ratio(resolved), active_ratio(account_id::bigint, resolved), "
                    "active_ratio(account_id::text, resolved) FROM {tickets}",
    "customer_churn_rate": "SELECT m, customer_churn_rate(started_on, ended_on, m, (m + interval '1 month')::date), "
        "customer_churn_rate(started_on, ended_on, m, (m + interval '1 month')::date, 'start_plus_new'), "
        "customer_churn_rate(started_on::timestamptz, ended_on::timestamptz, m::timestamptz, m + interval '1 month') "
        "FROM {account_lifecycle}, generate_series(date '2025-01-01', date '2025-12-01', interval '1 month') "
        "AS g(m) GROUP BY m ORDER BY m",
    "customer_retention_rate": "SELECT customer_retention_rate(started_on, ended_on, date '2025-03-01', date '2025-06-01'), "
        "customer_retention_rate(started_on::timestamptz, ended_on::timestamptz, "
        "timestamptz '2025-03-01 00:00+00', timestamptz '2025-06-01 00:00+00') FROM {account_lifecycle}",
    # Per-customer churn with customers whose subscriptions span shards (the table is
    # distributed by account, the customer here is a group of accounts).
    "customer_churn_rate(customer, ...)": "SELECT customer_churn_rate((account_id % 7)::bigint, "
        "started_on, ended_on, date '2025-03-01', date '2025-06-01'), "
        "customer_retention_rate('c' || account_id % 7, started_on, ended_on, date '2025-03-01', "
        "date '2025-06-01'), customer_churn_rate(md5((account_id % 7)::text)::uuid, "
        "started_on::timestamptz, ended_on::timestamptz, timestamptz '2025-03-01 00:00+00', "
        "timestamptz '2025-06-01 00:00+00', 'start_plus_new') FROM {account_lifecycle}",
    "time_to_value": "SELECT time_to_value(signed_up_at, value_at) FROM {user_onboarding}",
    "time_to_value_agg": "SELECT time_to_value_agg(signed_up_at, value_at)::text FROM {user_onboarding}",
    "rollup(ttv_summary)": "SELECT rollup(s)::text FROM (SELECT user_id, "
        "time_to_value_agg(signed_up_at, value_at) AS s FROM {user_onboarding} GROUP BY user_id) AS t",
    "repeat_purchase_rate": "SELECT repeat_purchase_rate(account_id::bigint, order_id::bigint), "
        "repeat_purchase_rate(account_id::text, order_id::text) FROM {orders}",
    "license_agg": "SELECT license_agg(valid, seats)::text FROM {licenses}",
    "rollup(license_summary)": "SELECT rollup(s)::text FROM (SELECT account_id, "
        "license_agg(valid, seats) AS s FROM {licenses} GROUP BY account_id) AS t",
    "mrr_agg": "SELECT mrr_agg(account_id::bigint, month, mrr)::text, "
               "mrr_agg(account_id::text, month, mrr)::text FROM {subscription_months}",
    "rollup(mrr_history)": "SELECT rollup(s)::text FROM (SELECT account_id, "
        "mrr_agg(account_id::bigint, month, mrr) AS s FROM {subscription_months} GROUP BY account_id) AS t",
    "nrr, grr": "SELECT nrr(mrr, mrr * 0.1, churn, contraction), grr(mrr, churn, contraction) "
                "FROM (SELECT mrr, CASE WHEN account_id % 7 = 0 THEN mrr ELSE 0 END AS churn, "
                "CASE WHEN account_id % 7 = 0 THEN 0 ELSE mrr * 0.05 END AS contraction "
                "FROM {subscription_months}) AS m",
    "health_score": "SELECT health_score(signal, amount, " + WEIGHTS + ") FROM {account_health_signals}",
    "health_score per account": "SELECT account_id, health_score(signal, amount, " + WEIGHTS + ") "
        "FROM {account_health_signals} GROUP BY account_id ORDER BY account_id",
    "activity_agg": "SELECT activity_agg(user_id::bigint, occurred_at)::text, "
        "activity_agg(user_id::text, occurred_at, 'Europe/Paris')::text FROM {events}",
    "rollup(activity_summary)": "SELECT rollup(s)::text FROM (SELECT user_id, "
        "activity_agg(user_id::bigint, occurred_at) AS s FROM {events} GROUP BY user_id) AS t",
    "active_users(activity_summary)": "SELECT active_users(s), active_users(t) FROM (SELECT user_id, "
        "activity_agg(user_id::bigint, occurred_at) AS s, activity_agg(user_id::text, occurred_at, 'UTC') AS t "
        "FROM {events} GROUP BY user_id) AS x",
    # Reports over the summaries, computed from rows of every shard.
    "score_distribution": "SELECT * FROM score_distribution(" + NPS + ")",
    "score_count": "SELECT score_count(" + NPS + ", 10)",
    "mrr_movements": "SELECT * FROM mrr_movements(" + MRR + ")",
    "mrr_movements within": "SELECT * FROM mrr_movements(" + MRR + ", '15 days')",
    "revenue_kpis": "SELECT * FROM revenue_kpis(" + MRR + ")",
    "licenses": "SELECT licenses(" + LICENSES + ")",
    "license_timeline": "SELECT * FROM license_timeline(" + LICENSES + ", "
        "'2025-01-01 00:00+00', '2026-01-01 00:00+00', '1 month')",
    "daily_activity_kpis": "SELECT * FROM daily_activity_kpis(" + ACTIVITY + ")",
    "lifecycle": "SELECT * FROM lifecycle(" + ACTIVITY + ", 'week')",
    "lifecycle from": "SELECT * FROM lifecycle(" + ACTIVITY + ", 'month', '2025-03-01')",
    "retention": "SELECT * FROM retention(" + ACTIVITY + ", 'week', 4)",
    "active_days": "SELECT * FROM active_days(" + ACTIVITY + ", '2025-03-01', '2025-03-31')",
    "health_contributions": "SELECT t.account_id, h.* FROM (SELECT account_id, "
        "jsonb_object_agg(signal, amount) AS actions FROM {account_health_signals} "
        "GROUP BY account_id) AS t, health_contributions(t.actions, " + WEIGHTS + ") AS h "
        "ORDER BY 1, 2",
}

# Citus declines a state type that is a pseudo-type (`internal`) and then pulls every row to the
# coordinator. No aggregate of the extension keeps one: the growing families' states are real
# types (expanded objects while aggregating, src/pg/expanded.rs), flattened only when they
# travel, so every aggregate's partial aggregation runs on the workers. PUSHED_DOWN names the
# variable-size ones; the test also checks that nothing is left on the coordinator.
NOT_PUSHED_DOWN: set = set()
PUSHED_DOWN = {
    "activity_agg", "mrr_agg", "license_agg", "time_to_value", "time_to_value_agg",
    "rollup(activity_summary)", "rollup(license_summary)", "rollup(mrr_history)",
    "rollup(ttv_summary)", "active_users(activity_summary)", "repeat_purchase_rate", "nrr", "grr",
    "health_score",
    "active_ratio(bigint,boolean)", "active_ratio(text,boolean)", "active_ratio(uuid,boolean)",
} | {
    f"{name}({key},{','.join([t] * 4)}{extra})"
    for name, extra in [("customer_churn_rate", ""), ("customer_churn_rate", ",text"),
                        ("customer_retention_rate", "")]
    for key in ["bigint", "text", "uuid"]
    for t in ["date", "timestamp with time zone", "timestamp without time zone"]
}


def node_conninfo(node: str, port: int, dbname: str = DB) -> str:
    return f"host={DIR / node} port={port} user=postgres dbname={dbname}"


@pytest.fixture(scope="module")
def coordinator():
    for node, port in NODES:
        with psycopg.connect(node_conninfo(node, port, "postgres"), autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
            c.execute(f"CREATE DATABASE {DB}")
        with psycopg.connect(node_conninfo(node, port), autocommit=True) as c:
            c.execute("CREATE EXTENSION citus")
            c.execute("CREATE EXTENSION csmetrics")
    coord = node_conninfo(*NODES[0])
    with psycopg.connect(coord, autocommit=True) as c:
        c.execute("SELECT citus_set_coordinator_host(%s, %s)", (str(DIR / "coordinator"), PORT))
        for node, port in NODES[1:]:
            c.execute("SELECT citus_add_node(%s, %s)", (str(DIR / node), port))
    done = subprocess.run(
        [str(PGBIN / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", coord],
        input=(ROOT / "demo" / "setup.sql").read_text(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    with psycopg.connect(coord, autocommit=True) as c:
        for table, column in DISTRIBUTED.items():
            c.execute(f"CREATE TABLE d_{table} (LIKE {table})")
            c.execute("SELECT create_distributed_table(%s, %s)", (f"d_{table}", column))
            c.execute(f"INSERT INTO d_{table} SELECT * FROM {table}")
            local = c.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            assert local > 0 and c.execute(f"SELECT count(*) FROM d_{table}").fetchone()[0] == local
        c.execute("ANALYZE")
    return coord


def test_the_cluster_has_two_workers_holding_shards(coordinator):
    with psycopg.connect(coordinator) as c:
        workers = c.execute("SELECT count(*) FROM citus_get_active_worker_nodes()").fetchone()[0]
        assert workers == 2
        # Rows of every distributed table on both workers.
        for table in DISTRIBUTED:
            nodes = c.execute(
                "SELECT count(DISTINCT nodeport) FROM citus_shards "
                "WHERE table_name = %s::regclass AND shard_size > 0", (f"d_{table}",)).fetchone()[0]
            assert nodes == 2, table


def same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12) or (math.isnan(a) and math.isnan(b))
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


@pytest.mark.parametrize("name", QUERIES)
def test_distributed_answer_equals_single_node(coordinator, name):
    local = QUERIES[name].format(**{t: t for t in DISTRIBUTED})
    distributed = QUERIES[name].format(**{t: f"d_{t}" for t in DISTRIBUTED})
    with psycopg.connect(coordinator) as c:
        expected = c.execute(local).fetchall()
        got = c.execute(distributed).fetchall()
    assert expected and any(v is not None for row in expected for v in row), "an empty answer proves nothing"
    assert same(got, expected), f"{name}: distributed {got[:3]} != single node {expected[:3]}"


def test_every_aggregate_is_compared(coordinator):
    with psycopg.connect(coordinator) as c:
        names = {r[0] for r in c.execute(
            "SELECT DISTINCT p.proname FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid "
            "JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e' "
            "JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'csmetrics'")}
    text = " ".join(QUERIES.values())
    missing = sorted(n for n in names if f"{n}(" not in text)
    assert not missing, f"aggregates without a distributed query: {missing}"


# Column names of a table with one column per argument type of the aggregates, for EXPLAIN.
def column(type_name: str) -> str:
    return "c_" + type_name.replace(" ", "_")


def aggregates(c) -> list:
    """(signature, name, argument types, state type) of every aggregate of the extension."""
    return c.execute(
        "SELECT a.aggfnoid::regprocedure::text, p.proname, "
        "       array(SELECT format_type(t, NULL) FROM unnest(p.proargtypes) AS t), "
        "       format_type(a.aggtranstype, NULL) "
        "FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid "
        "JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e' "
        "JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'csmetrics' ORDER BY 1").fetchall()


def test_which_aggregates_push_partial_aggregation_to_the_workers(coordinator):
    with psycopg.connect(coordinator, autocommit=True) as c:
        aggs = aggregates(c)
        types = sorted({t for _, _, args, _ in aggs for t in args})
        c.execute("DROP TABLE IF EXISTS d_types")
        c.execute("CREATE TABLE d_types (" + ", ".join(f"{column(t)} {t}" for t in types) + ")")
        c.execute("SELECT create_distributed_table('d_types', %s)", (column("bigint"),))
        citus_major = int(c.execute(
            "SELECT split_part(extversion, '.', 1) FROM pg_extension WHERE extname = 'citus'").fetchone()[0])
        # Citus 13 ships a partial state as text (the type's output and input functions); 14
        # in binary (send and receive) when the type has them, as every csmetrics type does.
        shipped = "worker_partial_agg(" if citus_major < 14 else "worker_binary_partial_agg("
        pushed, not_pushed = set(), set()
        for signature, name, args, state in aggs:
            call = f"{name}({', '.join(column(t) for t in args)})"
            plan = "\n".join(r[0] for r in c.execute(f"EXPLAIN (VERBOSE) SELECT {call} FROM d_types"))
            partial = "worker_partial_agg" in plan or "worker_binary_partial_agg" in plan
            assert not partial or shipped in plan, f"{signature} on Citus {citus_major}:\n{plan}"
            (pushed if partial else not_pushed).add(signature)
            # Citus's rule: a state type that is a pseudo-type (internal) is never shipped.
            assert partial == (state != "internal"), f"{signature} ({state}):\n{plan}"
        expected_not = {s for s, name, _, _ in aggs if name in NOT_PUSHED_DOWN or s in NOT_PUSHED_DOWN}
        assert not_pushed == expected_not == set(), sorted(not_pushed)
        growing = {s for s, name, _, _ in aggs if name in PUSHED_DOWN or s in PUSHED_DOWN}
        assert len(growing) >= 70 and growing <= pushed, sorted(growing - pushed)
        for signature in ["nps(smallint)", "survey_agg(integer)", "csat(integer)", "ces(numeric)",
                          "fcr_rate(boolean)", "active_ratio(boolean)", "rollup(survey_summary)"]:
            assert signature in pushed, signature
