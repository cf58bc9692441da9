"""Every family's KPIs read into pandas (SQLAlchemy 2 + psycopg 3): the dtypes docs/bi-tools.md
promises, and values equal to psql's.
"""
import datetime
import re
from decimal import Decimal

import pandas as pd
import pytest
import sqlalchemy

from conftest import DOCS, HOST, PORT, rows, same_number


@pytest.fixture(scope="module")
def engine(bi_db):
    engine = sqlalchemy.create_engine(
        f"postgresql+psycopg://postgres@/{bi_db}", connect_args={"host": HOST, "port": PORT})
    yield engine
    engine.dispose()


def read(engine, sql, **kwargs) -> pd.DataFrame:
    return pd.read_sql_query(sql, engine, **kwargs)


def assert_values(frame: pd.DataFrame, psql_rows: list[tuple]):
    """Each cell equals psql's: numbers exactly, dates and timestamps as the same instant."""
    assert len(frame) == len(psql_rows) > 0
    for got, want in zip(frame.itertuples(index=False), psql_rows):
        for g, w in zip(got, want):
            if w is None:
                assert g is None or pd.isna(g)
            elif isinstance(w, datetime.datetime):
                assert pd.Timestamp(g) == pd.Timestamp(w)
            elif isinstance(w, datetime.date):
                assert pd.Timestamp(g) == pd.Timestamp(w)
            elif isinstance(w, str):
                assert g == w
            else:
                # NumPy scalars to Python numbers: int64 -> int, float64 -> float
                g = g.item() if hasattr(g, "item") else g
                assert same_number(g, w), (g, w)


FAMILIES = {
    # family: (query, read_sql_query arguments, expected dtypes)
    "survey": (
        "SELECT month, nps, nps_margin, csat, ces, answers FROM survey_monthly ORDER BY month",
        {"parse_dates": ["month"]},
        {"month": "datetime64", "nps": "float64", "nps_margin": "float64", "csat": "float64",
         "ces": "float64", "answers": "int64"}),
    "customer_churn": (
        "SELECT month, churn_rate, retention_rate FROM customer_churn_monthly ORDER BY month",
        {"parse_dates": ["month"]},
        {"month": "datetime64", "churn_rate": "float64", "retention_rate": "float64"}),
    "customer_ttv": (
        "SELECT month, median_days, reached_percent, users FROM time_to_value_monthly ORDER BY month",
        {"parse_dates": ["month"]},
        {"month": "datetime64", "median_days": "float64", "reached_percent": "float64", "users": "int64"}),
    "customer_licenses": (
        "SELECT time, active_licenses FROM licenses_daily ORDER BY time",
        {},
        {"time": "datetime64tz", "active_licenses": "int64"}),
    "revenue_movements": (
        "SELECT month, starting_mrr, new_mrr, churned_mrr, ending_mrr, ending_customers FROM mrr_monthly ORDER BY month",
        {"parse_dates": ["month"], "coerce_float": False},
        {"month": "datetime64", "starting_mrr": "decimal", "new_mrr": "decimal", "churned_mrr": "decimal",
         "ending_mrr": "decimal", "ending_customers": "int64"}),
    "revenue_kpis": (
        "SELECT month, mrr, paying_customers, arpa, nrr, grr FROM revenue_monthly ORDER BY month",
        {"parse_dates": ["month"], "coerce_float": False},
        {"month": "datetime64", "mrr": "decimal", "paying_customers": "int64", "arpa": "decimal",
         "nrr": "float64", "grr": "float64"}),
    "revenue_waterfall": (
        "SELECT month, movement, amount FROM mrr_waterfall ORDER BY month, movement",
        {"parse_dates": ["month"], "coerce_float": False},
        {"month": "datetime64", "movement": "string", "amount": "decimal"}),
    "health": (
        "SELECT account_id, score, band FROM account_health ORDER BY account_id",
        {},
        {"account_id": "int64", "score": "float64", "band": "string"}),
    "engagement_daily": (
        "SELECT time, dau, wau, mau, stickiness FROM engagement_daily ORDER BY time",
        {},
        {"time": "datetime64tz", "dau": "int64", "wau": "int64", "mau": "int64", "stickiness": "float64"}),
    "engagement_retention": (
        "SELECT cohort, period_number, cohort_size, retained, retention_percent FROM retention_monthly "
        "ORDER BY cohort, period_number",
        {"parse_dates": ["cohort"]},
        {"cohort": "datetime64", "period_number": "int64", "cohort_size": "int64", "retained": "int64",
         "retention_percent": "float64"}),
}


def dtype_kind(series: pd.Series) -> str:
    dtype = series.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        return "datetime64tz"
    if pd.api.types.is_datetime64_dtype(dtype):
        return "datetime64"
    if dtype == object and len(series) and all(isinstance(v, Decimal) for v in series.dropna()):
        return "decimal"
    if pd.api.types.is_string_dtype(dtype):
        return "string"
    return str(dtype)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_family_dtypes_and_values(engine, conn, family):
    sql, kwargs, dtypes = FAMILIES[family]
    frame = read(engine, sql, **kwargs)
    assert {c: dtype_kind(frame[c]) for c in frame.columns} == dtypes
    assert_values(frame, rows(conn, sql))


def test_numeric_default_is_float64_and_inexact(engine, conn):
    # the default that loses money quietly: numeric becomes float64
    sql = "SELECT month, mrr, arpa FROM revenue_monthly ORDER BY month"
    frame = read(engine, sql)
    assert frame["mrr"].dtype == "float64" and frame["arpa"].dtype == "float64"
    want = rows(conn, sql)
    assert any(Decimal(float(f)) != w for f, w in zip(frame["mrr"], [r[1] for r in want]))
    exact = read(engine, sql, coerce_float=False)
    assert [str(v) for v in exact["mrr"]] == [str(r[1]) for r in want]


def test_dates_default_to_object(engine):
    frame = read(engine, "SELECT month, nps FROM survey_monthly ORDER BY month")
    assert frame["month"].dtype == object and isinstance(frame["month"][0], datetime.date)


def test_nullable_bigint(engine):
    sql = """SELECT month, CASE WHEN month > '2025-06-01' THEN ending_customers END AS later_customers
             FROM mrr_monthly ORDER BY month"""
    assert read(engine, sql)["later_customers"].dtype == "float64"
    kept = read(engine, sql, dtype={"later_customers": "Int64"})["later_customers"]
    assert str(kept.dtype) == "Int64" and kept.isna().sum() == 6 and int(kept.iloc[-1]) > 0


def test_decimal_sums_are_exact(engine, conn):
    frame = read(engine, "SELECT month, movement, amount FROM mrr_waterfall", coerce_float=False)
    net = frame.groupby("month")["amount"].sum()
    want = dict(rows(conn, "SELECT month, ending_mrr - starting_mrr FROM mrr_monthly"))
    assert len(net) == len(want)
    for month, amount in net.items():
        assert isinstance(amount, Decimal) and amount == want[month]


def test_summary_arrives_as_json_text(engine):
    frame = read(engine, "SELECT day, summary FROM daily_nps ORDER BY day LIMIT 3")
    assert all(isinstance(v, str) and v.startswith("{") for v in frame["summary"])


def test_docs_python_example(bi_db):
    # the page's pandas example, run as written against the test database
    blocks = re.findall(r"```python\n(.*?)```\n", DOCS.read_text(), re.S)
    assert len(blocks) == 1
    code = blocks[0].replace('create_engine("postgresql+psycopg://postgres@localhost:5432/csmetrics_demo")',
                             f'create_engine("postgresql+psycopg://postgres@/{bi_db}", '
                             f'connect_args={{"host": "{HOST}", "port": {PORT}}})')
    assert code != blocks[0]
    namespace = {}
    exec(compile(code, str(DOCS), "exec"), namespace)  # noqa: S102 - our own docs
    assert len(namespace["revenue"]) == 12 and len(namespace["engagement"]) == 365
    namespace["engine"].dispose()
