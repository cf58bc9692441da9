"""activity_agg's zone fast paths against PostgreSQL's own AT TIME ZONE, on random events.

A constant zone is resolved once per aggregation, and a fixed-offset abbreviation ('UTC',
'EST', 'CEST') is applied as its offset: each must give, day by day, exactly the users of
count(DISTINCT) over `at AT TIME ZONE zone`, whether the zone is a constant, a column, a
prepared statement's parameter or a window aggregate's argument, and whatever the session's
abbreviation table.
"""
import psycopg
import pytest

from conftest import conninfo, fresh_database

ZONES = ["UTC", "EST", "CEST", "MSK", "NZDT", "Europe/Paris", "Asia/Kathmandu", "UTC+3",
         "America/St_Johns"]


@pytest.fixture(scope="module")
def conn():
    name = fresh_database("csm_activity_zones", demo=False)
    with psycopg.connect(conninfo(name), autocommit=True) as c:
        c.execute("SELECT setseed(0.42)")
        # Events over three centuries and around both ends of DST, duplicates included.
        c.execute("""
            CREATE TABLE ev AS
            SELECT (1 + floor(random() * 300))::bigint AS u,
                   CASE WHEN i % 3 = 0
                        THEN timestamptz '1900-01-01 00:00Z' + random() * interval '200 years'
                        ELSE timestamptz '2025-03-29 00:00Z' + random() * interval '3 days' END AS at,
                   i
            FROM generate_series(1, 6000) AS i""")
        yield c


def per_day(conn, summary_sql, params=None):
    return conn.execute(
        f"SELECT day, dau FROM daily_activity_kpis(({summary_sql})) WHERE dau > 0 ORDER BY day",
        params).fetchall()


def plain(conn, zone):
    return conn.execute(
        "SELECT (at AT TIME ZONE %s)::date AS day, count(DISTINCT u) FROM ev GROUP BY 1 ORDER BY 1",
        [zone]).fetchall()


@pytest.mark.parametrize("zone", ZONES)
def test_constant_column_parameter_and_window(conn, zone):
    want = plain(conn, zone)
    assert len(want) > 100
    literal = zone.replace("'", "''")
    assert per_day(conn, f"SELECT activity_agg(u, at, '{literal}') FROM ev") == want
    assert per_day(conn, "SELECT activity_agg(u, at, z) FROM ev, (SELECT %s::text AS z) AS t",
                   [zone]) == want
    assert per_day(conn, "SELECT activity_agg(u, at, %s::text) FROM ev", [zone]) == want
    # A window's final function runs on every row: 300 rows keep it quick.
    window = conn.execute(
        f"""SELECT activity_summary_send(s) FROM (
                SELECT i, activity_agg(u, at, '{literal}') OVER (ORDER BY i) AS s
                FROM ev WHERE i <= 300) AS w
            ORDER BY i DESC LIMIT 1""").fetchone()[0]
    whole = conn.execute(
        f"SELECT activity_summary_send(activity_agg(u, at, '{literal}')) FROM ev WHERE i <= 300"
    ).fetchone()[0]
    assert window == whole


def test_zones_changing_row_by_row(conn):
    """A zone column that changes on every row: each row in its own zone."""
    got = conn.execute("""
        SELECT count(*) FROM (
            SELECT day, dau FROM daily_activity_kpis((
                SELECT activity_agg(u, at, (ARRAY['UTC', 'EST', 'Europe/Paris'])[1 + i % 3]) FROM ev))
            WHERE dau > 0
            EXCEPT
            SELECT day, count(DISTINCT u) FROM (
                SELECT u, (at AT TIME ZONE (ARRAY['UTC', 'EST', 'Europe/Paris'])[1 + i % 3])::date AS day
                FROM ev) AS t GROUP BY day) AS d""").fetchone()[0]
    assert got == 0


def test_abbreviation_table_of_the_session(conn):
    """An abbreviation means what the session's table says when the aggregate runs."""
    conn.execute("SET timezone_abbreviations = 'Australia'")
    try:
        want = plain(conn, "EST")
        assert per_day(conn, "SELECT activity_agg(u, at, 'EST') FROM ev") == want
    finally:
        conn.execute("RESET timezone_abbreviations")
    assert per_day(conn, "SELECT activity_agg(u, at, 'EST') FROM ev") == plain(conn, "EST")
    assert want != plain(conn, "EST")
