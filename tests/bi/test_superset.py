"""One KPI of every family through Superset's own engine: SQL Lab and the chart-data API.

Each number Superset returns must equal psql's for the same query, digit for digit. SQL Lab
rewrites the query (sqlglot upper-cases function names); a chart runs SQL that Superset
generates from a dataset's saved metric, time grain, group-by and filters.
"""
import pytest

from conftest import OTHER_ZONE, epoch_ms, rows, same_number

# family -> a query returning a KPI (ORDER BY makes the row order comparable)
SQLLAB = {
    "survey": """
        SELECT date_trunc('month', answered_at) AS month,
               nps(score) FILTER (WHERE survey = 'nps') AS nps,
               csat(score) FILTER (WHERE survey = 'csat') AS csat,
               ces(score) FILTER (WHERE survey = 'ces') AS ces
        FROM survey_answers GROUP BY 1 ORDER BY 1""",
    "customer_churn": """
        SELECT m::date AS month,
               customer_churn_rate(started_on, ended_on, m::date, (m + interval '1 month')::date) AS churn,
               customer_retention_rate(started_on, ended_on, m::date, (m + interval '1 month')::date) AS retention
        FROM account_lifecycle,
             generate_series(timestamp '2025-01-01', timestamp '2025-12-01', interval '1 month') AS m
        GROUP BY m ORDER BY m""",
    "customer_ttv": """
        SELECT date_trunc('month', signed_up_at) AS month, time_to_value(signed_up_at, value_at) AS median_days,
               percentile_days(time_to_value_agg(signed_up_at, value_at), 0.9) AS p90_days,
               not_reached(time_to_value_agg(signed_up_at, value_at)) AS not_reached
        FROM user_onboarding GROUP BY 1 ORDER BY 1""",
    "customer_licenses": """
        SELECT at, active
        FROM license_timeline((SELECT license_agg(valid, seats) FROM licenses),
                              timestamptz '2025-01-01 00:00+00', timestamptz '2025-12-31 00:00+00',
                              interval '7 days')
        ORDER BY at""",
    "revenue_movements": """
        SELECT month, starting_mrr, new_mrr, reactivation_mrr, expansion_mrr, contraction_mrr,
               churned_mrr, ending_mrr, ending_customers
        FROM mrr_movements((SELECT mrr_agg(account_id, month, mrr) FROM subscription_months))
        ORDER BY month""",
    "revenue_nrr": """
        SELECT month, mrr, arpa, nrr, grr, quick_ratio
        FROM revenue_kpis((SELECT mrr_agg(account_id, month, mrr) FROM subscription_months))
        ORDER BY month""",
    "health": """
        SELECT account_id, health_score(signal, amount, (SELECT weights FROM health_weights)) AS score,
               health_band(health_score(signal, amount, (SELECT weights FROM health_weights))) AS band
        FROM account_health_signals GROUP BY 1 ORDER BY 1""",
    "engagement": """
        SELECT day, dau, wau, mau, stickiness
        FROM daily_activity_kpis((SELECT activity_agg(user_id, occurred_at, 'UTC') FROM events))
        ORDER BY day""",
    "engagement_stickiness": """
        SELECT m::date AS month, stickiness(s, m::date) AS stickiness, active_users(s, m::date, (m + interval '1 month - 1 day')::date) AS mau
        FROM (SELECT activity_agg(user_id, occurred_at, 'UTC') AS s FROM events) AS t,
             generate_series(timestamp '2025-01-01', timestamp '2025-12-01', interval '1 month') AS m
        ORDER BY 1""",
    "rollup": """
        SELECT date_trunc('month', day) AS month, nps(public.rollup(summary)) AS nps
        FROM daily_nps GROUP BY 1 ORDER BY 1""",
}


def assert_same_rows(superset_rows: list[dict], columns: list[str], psql_rows: list[tuple]):
    assert len(superset_rows) == len(psql_rows) > 0
    for got, want in zip(superset_rows, psql_rows):
        for name, value in zip(columns, want):
            if isinstance(value, (int, float)) or value is None or type(value).__name__ == "Decimal":
                assert same_number(got[name], value), (name, got[name], value)
            elif hasattr(value, "isoformat"):
                # SQL Lab sends dates and timestamps as ISO text
                assert got[name] == value.isoformat(), (name, got[name], value)
            else:
                assert got[name] == value, (name, got[name], value)


@pytest.mark.parametrize("kpi", sorted(SQLLAB))
def test_sqllab_matches_psql(superset, utc_db, conn, kpi):
    sql = SQLLAB[kpi]
    result = superset.sqllab(utc_db, sql)
    assert result["http_status"] == 200 and result["status"] == "success", result
    psql_rows = rows(conn, sql)
    assert_same_rows(result["data"], [c["name"] for c in result["columns"]], psql_rows)


def test_sqllab_upper_cases_function_names(superset, utc_db):
    result = superset.sqllab(utc_db, SQLLAB["survey"])
    executed = result["query"]["executedSql"]
    assert "NPS(score)" in executed and "DATE_TRUNC('MONTH', answered_at)" in executed, executed
    assert "nps(" not in executed
    assert executed.rstrip().endswith("LIMIT 100001"), executed


def test_sqllab_rejects_bare_rollup(superset, utc_db):
    # sqlglot reads rollup(...) as GROUP BY ROLLUP; the page says to schema-qualify it
    for sql in ("SELECT nps(rollup(summary)) FROM daily_nps", "SELECT rollup(summary) FROM daily_nps"):
        result = superset.sqllab(utc_db, sql)
        assert result["http_status"] >= 400, result
        assert result["errors"][0]["error_type"] in ("INVALID_SQL_ERROR", "SYNTAX_ERROR"), result


def test_sqllab_quoted_function_name_is_upper_cased(superset, utc_db):
    result = superset.sqllab(utc_db, 'SELECT nps("rollup"(summary)) FROM daily_nps')
    assert result["http_status"] >= 400
    assert 'function ROLLUP(survey_summary) does not exist' in result["errors"][0]["message"], result


def test_sqllab_shows_the_extension_error(superset, utc_db):
    result = superset.sqllab(utc_db, "SELECT csat(score) FROM survey_answers")
    assert result["http_status"] >= 400
    message = result["errors"][0]["message"]
    assert "csat score" in message and "out of range" in message and "HINT:" in message, message


def test_sqllab_types(superset, utc_db):
    result = superset.sqllab(utc_db, SQLLAB["revenue_nrr"])
    types = {c["name"]: c["type"] for c in result["columns"]}
    assert types == {"month": "DATE", "mrr": "DECIMAL", "arpa": "DECIMAL", "nrr": "FLOAT",
                     "grr": "FLOAT", "quick_ratio": "FLOAT"}, types


# Charts: dataset, saved metric (the KPI), time grain, group-by, filters.

def chart_rows(result, time_column=None):
    out = []
    for row in result["data"]:
        row = dict(row)
        if time_column:
            row[time_column] = int(row[time_column])  # epoch milliseconds
        out.append(row)
    return out


def compare_chart(result, psql_rows, names, time_column=None):
    got = chart_rows(result, time_column)
    assert len(got) == len(psql_rows) > 0, (len(got), len(psql_rows))
    for g, want in zip(got, psql_rows):
        for name, value in zip(names, want):
            if name == time_column:
                assert g[name] == epoch_ms(value), (name, g[name], value)
            elif isinstance(value, str):
                assert g[name] == value
            else:
                assert same_number(g[name], value), (name, g[name], value)


@pytest.fixture(scope="module")
def datasets(superset, utc_db, zoned_db, bi_db):
    sets = {}
    sets["survey"] = superset.dataset(utc_db, "survey_answers", {"nps": "nps(score)"})
    # Superset's metadata allows one dataset per table name: the other database's are virtual
    # (SQL) datasets
    sets["survey_la"] = superset.dataset(zoned_db, "survey_answers_la", {"nps": "nps(score)"},
                                         sql="SELECT * FROM survey_answers")
    sets["survey_monthly_la"] = superset.dataset(zoned_db, "survey_monthly_la", {"answers": "SUM(answers)"},
                                                 sql="SELECT * FROM survey_monthly")
    sets["onboarding"] = superset.dataset(
        utc_db, "user_onboarding", {"median_days_to_value": "time_to_value(signed_up_at, value_at)"})
    sets["waterfall"] = superset.dataset(utc_db, "mrr_waterfall", {"amount": "SUM(amount)"})
    sets["health"] = superset.dataset(utc_db, "account_health_signals", {
        "health": "health_score(signal, amount, (SELECT weights FROM health_weights))"})
    sets["events"] = superset.dataset(utc_db, "events", {
        "active_users": "active_users(activity_agg(user_id, occurred_at), '-infinity', 'infinity')"})
    sets["engagement"] = superset.dataset(utc_db, "engagement_daily", {"dau": "MAX(dau)"})
    return sets


def test_chart_nps_by_month(superset, datasets, conn):
    result = superset.chart_data(datasets["survey"], ["nps"], time_column="answered_at", grain="P1M",
                                 filters=[{"col": "survey", "op": "==", "val": "nps"}])
    assert "nps(score)" in result["query"]
    want = rows(conn, """SELECT date_trunc('month', answered_at), nps(score) FROM survey_answers
                         WHERE survey = 'nps' GROUP BY 1 ORDER BY 1""")
    assert len(want) == 12
    compare_chart(result, want, ["answered_at", "nps"], "answered_at")


def test_chart_time_to_value_by_signup_month(superset, datasets, conn):
    result = superset.chart_data(datasets["onboarding"], ["median_days_to_value"],
                                 time_column="signed_up_at", grain="P1M")
    want = rows(conn, """SELECT date_trunc('month', signed_up_at), time_to_value(signed_up_at, value_at)
                         FROM user_onboarding GROUP BY 1 ORDER BY 1""")
    assert len(want) >= 10  # sign-ups spread over the year
    compare_chart(result, want, ["signed_up_at", "median_days_to_value"], "signed_up_at")


def test_chart_mrr_waterfall(superset, datasets, conn):
    result = superset.chart_data(datasets["waterfall"], ["amount"], time_column="month", grain="P1M",
                                 groupby=["movement"])
    got = {(int(r["month"]), r["movement"]): r["amount"] for r in result["data"]}
    want = rows(conn, "SELECT month, movement, sum(amount) FROM mrr_waterfall GROUP BY 1, 2")
    assert len(got) == len(want) == 12 * 5
    for month, movement, amount in want:
        assert same_number(got[(epoch_ms(month), movement)], amount), (month, movement)
    # and the waterfall adds up to the movements report, to the cent
    ends = dict(rows(conn, "SELECT month, ending_mrr - starting_mrr FROM mrr_monthly"))
    for month, net in ends.items():
        assert sum(a for (m, _), a in got.items() if m == epoch_ms(month)) == net


def test_chart_health_score_per_account(superset, datasets, conn):
    result = superset.chart_data(datasets["health"], ["health"], groupby=["account_id"])
    want = rows(conn, """SELECT account_id, health_score(signal, amount, (SELECT weights FROM health_weights))
                         FROM account_health_signals GROUP BY 1 ORDER BY 1""")
    assert len(want) == 200
    compare_chart(result, want, ["account_id", "health"])
    # an independent formulation: the weighted sum in plain SQL
    plain = dict(rows(conn, """SELECT account_id, sum(amount * (w.weights ->> signal)::float8)
                               FROM account_health_signals, health_weights AS w GROUP BY 1"""))
    for row in result["data"]:
        assert abs(float(row["health"]) - plain[row["account_id"]]) < 1e-9


def test_chart_active_users_by_week(superset, datasets, conn):
    result = superset.chart_data(datasets["events"], ["active_users"], time_column="occurred_at", grain="P1W")
    want = rows(conn, """SELECT date_trunc('week', occurred_at),
                                active_users(activity_agg(user_id, occurred_at), '-infinity', 'infinity')
                         FROM events GROUP BY 1 ORDER BY 1""")
    compare_chart(result, want, ["occurred_at", "active_users"], "occurred_at")
    plain = rows(conn, """SELECT date_trunc('week', occurred_at), count(DISTINCT user_id)
                          FROM events GROUP BY 1 ORDER BY 1""")
    assert [w[1] for w in want] == [p[1] for p in plain]
    assert len({w[1] for w in want}) > 5  # the varied activity shows


def test_chart_engagement_daily_time_column(superset, datasets, conn):
    result = superset.chart_data(datasets["engagement"], ["dau"], time_column="time", grain="P1D")
    want = rows(conn, "SELECT time, dau FROM engagement_daily ORDER BY time")
    assert len(want) == 365
    compare_chart(result, want, ["time", "dau"], "time")


def test_chart_time_grain_follows_the_session_zone(superset, datasets, conn):
    result = superset.chart_data(datasets["survey_la"], ["nps"], time_column="answered_at", grain="P1M",
                                 filters=[{"col": "survey", "op": "==", "val": "nps"}])
    sql = """SELECT date_trunc('month', answered_at), nps(score) FROM survey_answers
             WHERE survey = 'nps' GROUP BY 1 ORDER BY 1"""
    want = rows(conn, sql, zone=OTHER_ZONE)
    compare_chart(result, want, ["answered_at", "nps"], "answered_at")
    # Los Angeles months: the first holds the last hours of December 31st (UTC), and January's
    # NPS differs from the UTC month's
    assert len(want) == 13
    utc = rows(conn, sql)
    assert [n for _, n in want[1:]] != [n for _, n in utc]


def test_views_fix_their_zone(superset, datasets, zoned_db, conn):
    result = superset.chart_data(datasets["survey_monthly_la"], ["answers"], time_column="month", grain="P1M")
    want = rows(conn, "SELECT month, sum(answers) FROM survey_monthly GROUP BY 1 ORDER BY 1")
    assert len(want) == 12
    # the view's months are UTC months whatever the session's zone; a date column's month
    # starts at midnight of the session's zone, so compare the calendar dates
    got = [(r["month"], r["answers"]) for r in result["data"]]
    assert [a for _, a in got] == [a for _, a in want]
    sqllab = superset.sqllab(zoned_db, "SELECT month, nps, csat, ces, answers FROM survey_monthly ORDER BY month")
    assert sqllab["status"] == "success", sqllab
    assert_same_rows(sqllab["data"], ["month", "nps", "csat", "ces", "answers"],
                     rows(conn, "SELECT month, nps, csat, ces, answers FROM survey_monthly ORDER BY month"))
