"""Stored summaries, and views over every set-returning function, survive pg_dump and
pg_restore (custom format) unchanged. pg_restore runs with an empty search_path, so a
materialized view over a function that resolved names through the search_path would be left
unpopulated."""
import subprocess

import psycopg

from conftest import HOST, PGBIN, PORT, conninfo, fresh_database


# The demo's events as one activity summary, for the engagement views below.
EVENTS = "(SELECT activity_agg(user_id::bigint, occurred_at, 'Europe/Paris') AS s FROM events) AS t"

# One materialized view per set-returning function of the extension.
MATERIALIZED_VIEWS = {
    "mv_score_distribution": "SELECT d.* FROM (SELECT rollup(summary) AS s FROM daily_nps) AS t,"
                             " score_distribution(t.s) AS d",
    "mv_license_timeline": "SELECT l.* FROM (SELECT license_agg(valid, seats) AS s FROM licenses) AS t,"
                           " license_timeline(t.s, '2025-01-01 00:00+00', '2025-12-01 00:00+00',"
                           " interval '1 month') AS l",
    "mv_mrr_movements": "SELECT m.* FROM (SELECT mrr_agg(account_id, month, mrr) AS h"
                        " FROM subscription_months) AS t, mrr_movements(t.h) AS m",
    "mv_revenue_kpis": "SELECT k.* FROM (SELECT mrr_agg(account_id, month, mrr) AS h"
                       " FROM subscription_months) AS t, revenue_kpis(t.h) AS k",
    "mv_mrr_customer_movements": "SELECT m.* FROM (SELECT mrr_agg(account_id, month, mrr) AS h"
                                 " FROM subscription_months) AS t, mrr_customer_movements(t.h) AS m",
    "mv_mrr_cohorts": "SELECT c.* FROM (SELECT mrr_agg(account_id, month, mrr) AS h"
                      " FROM subscription_months) AS t, mrr_cohorts(t.h) AS c",
    "mv_health_contributions": "SELECT a.account_id, c.* FROM (SELECT account_id,"
                               " jsonb_object_agg(signal, amount) AS actions"
                               " FROM account_health_signals GROUP BY 1) AS a, health_weights AS w,"
                               " health_contributions(a.actions, w.weights) AS c",
    "mv_active_days": f"SELECT d.* FROM {EVENTS}, active_days(t.s, '2025-03-01', '2025-03-31') AS d",
    "mv_daily_activity_kpis": f"SELECT d.* FROM {EVENTS}, daily_activity_kpis(t.s) AS d",
    "mv_lifecycle": f"SELECT l.* FROM {EVENTS}, lifecycle(t.s, 'week', '2025-03-03') AS l",
    "mv_retention": f"SELECT r.* FROM {EVENTS}, retention(t.s, 'month', 3) AS r",
}


# Extreme but valid values: the largest counts whose total still fits in a bigint.
EXTREMES = [
    '{"version":1,"counts":[9223372036854775807,0,0,0,0,0,0,0,0,0,0]}',
    '{"version":1,"counts":[0,0,0,0,0,4611686018427387903,0,0,0,0,4611686018427387904]}',
    '{"version":1,"counts":[0,0,0,0,0,0,0,0,0,0,1]}',
]


def set_returning_functions(conn):
    return {r[0] for r in conn.execute(
        """SELECT p.proname FROM pg_proc p
           JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
           JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'csmetrics'
           WHERE p.proretset""")}


def test_pg_dump_and_restore(db, tmp_path):
    with psycopg.connect(conninfo(db), autocommit=True) as conn:
        assert set_returning_functions(conn) == {v[3:] for v in MATERIALIZED_VIEWS}, \
            "every set-returning function needs a materialized view in this test"
        for view, query in MATERIALIZED_VIEWS.items():
            conn.execute(f"CREATE MATERIALIZED VIEW {view} AS {query}")
        conn.execute("CREATE TABLE extremes (s survey_summary)")
        for value in EXTREMES:
            conn.execute("INSERT INTO extremes VALUES (%s)", (value,))
        views_before = {v: sorted(conn.execute(f"SELECT * FROM {v}").fetchall(), key=repr)
                        for v in MATERIALIZED_VIEWS}
        extremes_before = conn.execute("SELECT s::text FROM extremes ORDER BY 1").fetchall()
        before = conn.execute("SELECT day, summary::text FROM daily_nps ORDER BY day").fetchall()
    assert len(before) == 365
    dump = tmp_path / "demo.dump"
    common = ["-h", HOST, "-p", str(PORT), "-U", "postgres"]
    subprocess.run([str(PGBIN / "pg_dump"), *common, "-Fc", "-f", str(dump), db], check=True)
    target = fresh_database(db + "_restored", demo=False)
    with psycopg.connect(conninfo(target), autocommit=True) as conn:
        conn.execute("DROP EXTENSION csmetrics")  # pg_restore recreates it
    subprocess.run([str(PGBIN / "pg_restore"), *common, "-d", target, "--exit-on-error", str(dump)],
                   check=True)
    with psycopg.connect(conninfo(target), autocommit=True) as conn:
        for view in MATERIALIZED_VIEWS:
            assert sorted(conn.execute(f"SELECT * FROM {view}").fetchall(), key=repr) == views_before[view]
        assert conn.execute("SELECT s::text FROM extremes ORDER BY 1").fetchall() == extremes_before
        after = conn.execute("SELECT day, summary::text FROM daily_nps ORDER BY day").fetchall()
        rolled = conn.execute("SELECT nps(rollup(summary)) FROM daily_nps").fetchone()[0]
        direct = conn.execute(
            "SELECT nps(score) FROM survey_answers WHERE survey = 'nps'").fetchone()[0]
    assert after == before
    assert abs(rolled - direct) < 1e-12
