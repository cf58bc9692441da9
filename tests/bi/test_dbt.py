"""The dbt project in tests/dbt: `dbt run` builds models that call the extension's aggregates,
`dbt test` checks them against plain-SQL formulas, and the tables it built equal psql's answers.
"""
import json
import os
import pathlib
import subprocess
import sys

import pytest

from conftest import HOST, PORT, ROOT, rows, same_number

PROJECT = ROOT / "tests" / "dbt"
DBT = pathlib.Path(sys.executable).parent / "dbt"
SCHEMA = "analytics"
MODELS = {"nps_monthly", "customer_monthly", "mrr_history", "mrr_waterfall", "revenue_monthly",
          "account_health", "daily_activity", "engagement_monthly"}
SINGULAR_TESTS = {p.stem for p in (PROJECT / "data_tests").glob("*.sql")}


def dbt(bi_db, *args) -> tuple[subprocess.CompletedProcess, dict]:
    work = pathlib.Path(os.environ.get("CSM_DBT_WORK", "/tmp/csm-dbt-work"))
    env = dict(os.environ, CSM_DBT_HOST=HOST, CSM_DBT_PORT=str(PORT), CSM_DBT_DBNAME=bi_db,
               DBT_TARGET_PATH=str(work / "target"), DBT_LOG_PATH=str(work / "logs"),
               DBT_SEND_ANONYMOUS_USAGE_STATS="false", DO_NOT_TRACK="1")
    done = subprocess.run(
        [str(DBT), *args, "--project-dir", str(PROJECT), "--profiles-dir", str(PROJECT),
         "--no-version-check"],
        env=env, capture_output=True, text=True, check=False, timeout=600)
    results = json.loads((work / "target" / "run_results.json").read_text())
    return done, results


def statuses(results: dict) -> dict[str, str]:
    return {r["unique_id"].split(".")[2]: r["status"] for r in results["results"]}


@pytest.fixture(scope="module")
def built(bi_db):
    done, results = dbt(bi_db, "run")
    assert done.returncode == 0, done.stdout + done.stderr
    assert statuses(results) == {m: "success" for m in MODELS}
    return bi_db


def test_dbt_test_passes(built):
    done, results = dbt(built, "test")
    assert done.returncode == 0, done.stdout + done.stderr
    ran = statuses(results)
    assert SINGULAR_TESTS <= set(ran) and len(SINGULAR_TESTS) == 5
    assert len(ran) >= 14  # the singular tests and schema.yml's generic ones
    assert set(ran.values()) == {"pass"}


def test_dbt_test_catches_a_wrong_number(built, conn):
    # the singular test must fail on a wrong NPS, or it proves nothing
    conn.execute(f"UPDATE {SCHEMA}.nps_monthly SET nps = nps + 0.001 WHERE month = '2025-05-01'")
    try:
        done, results = dbt(built, "test", "--select", "nps_is_promoters_minus_detractors")
        assert done.returncode != 0
        assert statuses(results) == {"nps_is_promoters_minus_detractors": "fail"}
        assert results["results"][0]["failures"] == 1
    finally:
        conn.execute(f"""UPDATE {SCHEMA}.nps_monthly AS m SET nps = v.nps
                         FROM public.survey_monthly AS v WHERE v.month = m.month""")


def test_summary_columns_keep_their_types(built, conn):
    types = dict(rows(conn, f"""SELECT table_name || '.' || column_name, udt_name
                                FROM information_schema.columns WHERE table_schema = '{SCHEMA}'"""))
    assert types["mrr_history.history"] == "mrr_history"
    assert types["daily_activity.users"] == "activity_summary"
    assert types["nps_monthly.nps"] == "float8"
    assert types["mrr_waterfall.amount"] == "numeric"
    assert types["customer_monthly.not_reached"] == "int8"


COMPARE = {
    # dbt's table -> the same numbers computed by psql from the docs' views or the raw tables
    "nps_monthly": ("SELECT month, nps, nps_margin, csat, ces FROM analytics.nps_monthly ORDER BY month",
                    "SELECT month, nps, nps_margin, csat, ces FROM public.survey_monthly ORDER BY month"),
    "customer_monthly": (
        "SELECT month, churn_rate, retention_rate FROM analytics.customer_monthly ORDER BY month",
        "SELECT month, churn_rate, retention_rate FROM public.customer_churn_monthly ORDER BY month"),
    "customer_ttv": (
        "SELECT month, median_days_to_value FROM analytics.customer_monthly WHERE median_days_to_value IS NOT NULL ORDER BY month",
        "SELECT month, median_days FROM public.time_to_value_monthly ORDER BY month"),
    "mrr_waterfall": ("SELECT month, movement, amount FROM analytics.mrr_waterfall ORDER BY month, movement",
                      "SELECT month, movement, amount FROM public.mrr_waterfall ORDER BY month, movement"),
    "revenue_monthly": ("SELECT month, mrr, arpa, nrr, grr FROM analytics.revenue_monthly ORDER BY month",
                        "SELECT month, mrr, arpa, nrr, grr FROM public.revenue_monthly ORDER BY month"),
    "account_health": ("SELECT account_id, score, band FROM analytics.account_health ORDER BY account_id",
                       "SELECT account_id, score, band FROM public.account_health ORDER BY account_id"),
    "engagement_monthly": (
        "SELECT month, mau, stickiness FROM analytics.engagement_monthly ORDER BY month",
        """SELECT m::date, active_users(s, m::date, (m + interval '1 month - 1 day')::date), stickiness(s, m::date)
           FROM (SELECT activity_agg(user_id, occurred_at, 'UTC') AS s FROM events) AS t,
                generate_series(timestamp '2025-01-01', timestamp '2025-12-01', interval '1 month') AS m
           ORDER BY 1"""),
}


@pytest.mark.parametrize("model", sorted(COMPARE))
def test_dbt_tables_equal_psql(built, conn, model):
    from_dbt, from_psql = (rows(conn, sql) for sql in COMPARE[model])
    assert len(from_dbt) == len(from_psql) >= 11
    for got, want in zip(from_dbt, from_psql):
        for g, w in zip(got, want):
            if isinstance(w, (str, type(None))) or hasattr(w, "isoformat"):
                assert g == w
            else:
                assert same_number(g, w), (model, got, want)
