"""BI tools against csmetrics: Superset's engine, pandas and dbt, each compared with psql.

scripts/test-bi.sh starts the test cluster and a throwaway Superset, then runs this suite with
the tools' virtualenv. CSM_PGHOST (socket directory), CSM_PGPORT and CSM_PGBIN name the cluster;
CSM_SUPERSET_URL, CSM_SUPERSET_USER and CSM_SUPERSET_PASSWORD the Superset server.

One database, csm_bi, holds the demo data plus some varied activity (the demo's events and
sign-ups are too uniform to tell a wrong grouping from a right one), and every view of
docs/bi-tools.md, created by running that page's SQL examples: the tools read exactly the views
the page recommends.
"""
import datetime
import decimal
import json
import os
import pathlib
import re
import subprocess

import psycopg
import pytest
import requests

ROOT = pathlib.Path(__file__).resolve().parents[2]
HOST = os.environ.get("CSM_PGHOST", "/tmp/csmetrics-test")
PORT = int(os.environ.get("CSM_PGPORT", "54331"))
PGBIN = pathlib.Path(os.environ.get("CSM_PGBIN", "/usr/lib/postgresql/15/bin"))
SUPERSET_URL = os.environ.get("CSM_SUPERSET_URL", "http://127.0.0.1:54338")
DBNAME = "csm_bi"
DOCS = ROOT / "docs" / "bi-tools.md"
SQL_BLOCK = re.compile(r"```sql\n(.*?)```\n", re.S)
# The zone of the second Superset database: its time grains cut months in Los Angeles.
OTHER_ZONE = "America/Los_Angeles"

# Varied activity on top of the demo data: sign-ups spread over the year, and users 2000-2299
# active on a share of days that differs per user (the filter references the day, so the
# planner cannot evaluate it once per user).
VARIETY = """
SELECT setseed(0.17);
UPDATE user_onboarding
SET signed_up_at = timestamptz '2025-01-01 00:00+00' + (user_id * 7 % 330) * interval '1 day'
                   + (user_id % 24) * interval '1 hour',
    activated_at = NULL,
    value_at = CASE WHEN user_id % 10 < 7
                    THEN timestamptz '2025-01-01 00:00+00' + (user_id * 7 % 330) * interval '1 day'
                         + (user_id % 24) * interval '1 hour' + (user_id * 13 % 40) * interval '1 day'
                              + (user_id % 7) * interval '1 hour' END;
INSERT INTO events
SELECT u, 1 + u % 200, timestamptz '2025-01-01 00:00+00' + d * interval '1 day' + random() * interval '1 day'
FROM generate_series(2000, 2299) AS u, generate_series(0, 364) AS d
WHERE random() + 0 * d < (u % 10 + 1) / 20.0;
ANALYZE;
"""


def conninfo(dbname: str = DBNAME) -> str:
    return f"host={HOST} port={PORT} user=postgres dbname={dbname}"


def psql(sql: str, dbname: str = DBNAME) -> str:
    done = subprocess.run(
        [str(PGBIN / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", HOST, "-p", str(PORT),
         "-U", "postgres", dbname],
        input=sql, capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "ERROR" not in done.stderr, done.stderr
    return done.stdout


def docs_sql_blocks() -> list[str]:
    blocks = SQL_BLOCK.findall(DOCS.read_text())
    assert len(blocks) >= 6, "docs/bi-tools.md lost its SQL examples"
    return blocks


@pytest.fixture(scope="session")
def bi_db() -> str:
    with psycopg.connect(conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DBNAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DBNAME}")
    psql("SET client_min_messages = warning;\n" + (ROOT / "demo" / "setup.sql").read_text())
    psql(VARIETY)
    for block in docs_sql_blocks():
        psql(block)
    return DBNAME


@pytest.fixture
def conn(bi_db):
    with psycopg.connect(conninfo(bi_db), autocommit=True) as c:
        yield c


def rows(conn, sql: str, zone: str | None = None) -> list[tuple]:
    """What psql computes, through psycopg (numeric as Decimal with its scale, float8 as float)."""
    with conn.transaction():
        if zone:
            conn.execute("SELECT set_config('TimeZone', %s, true)", (zone,))
        return conn.execute(sql).fetchall()


def same_number(tool_value, psql_value) -> bool:
    """Exactly equal: numeric digit for digit (scale included), floats to the last bit."""
    if psql_value is None or tool_value is None:
        return psql_value is None and tool_value is None
    if isinstance(psql_value, decimal.Decimal):
        return isinstance(tool_value, decimal.Decimal) and str(tool_value) == str(psql_value)
    if isinstance(psql_value, bool):
        return tool_value is psql_value
    if isinstance(psql_value, int):
        return isinstance(tool_value, int) and tool_value == psql_value
    if isinstance(psql_value, float):
        return float(tool_value) == psql_value
    raise TypeError(f"not a number: {psql_value!r}")


def epoch_ms(value) -> int:
    """A psql timestamptz (or date, at UTC midnight) as the epoch milliseconds Superset sends."""
    if isinstance(value, datetime.datetime):
        return round(value.timestamp() * 1000)
    if isinstance(value, datetime.date):
        return round(datetime.datetime(value.year, value.month, value.day,
                                       tzinfo=datetime.timezone.utc).timestamp() * 1000)
    raise TypeError(value)


class Superset:
    """Superset's REST API as a scripted user: login, databases, datasets, SQL Lab, chart data."""

    def __init__(self, url: str):
        self.url = url
        self.http = requests.Session()
        done = self.http.post(url + "/api/v1/security/login", json={
            "username": os.environ.get("CSM_SUPERSET_USER", "admin"),
            "password": os.environ.get("CSM_SUPERSET_PASSWORD", "admin"),
            "provider": "db", "refresh": True}, timeout=60)
        assert done.status_code == 200, done.text
        self.http.headers["Authorization"] = "Bearer " + done.json()["access_token"]
        self.datasets: dict[tuple[int, str], int] = {}

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.http.request(method, self.url + path, timeout=300, **kwargs)

    @staticmethod
    def decode(response: requests.Response):
        # Decimal for every JSON number with a fraction: numeric arrives with all its digits.
        return json.loads(response.text, parse_float=decimal.Decimal)

    def add_database(self, name: str, extra: dict | None = None) -> int:
        uri = f"postgresql+psycopg2://postgres@127.0.0.1:{PORT}/{DBNAME}"
        tested = self.call("POST", "/api/v1/database/test_connection/",
                           json={"sqlalchemy_uri": uri, "database_name": name})
        assert tested.status_code == 200, tested.text
        body = {"sqlalchemy_uri": uri, "database_name": name, "expose_in_sqllab": True}
        if extra:
            body["extra"] = json.dumps(extra)
        added = self.call("POST", "/api/v1/database/", json=body)
        assert added.status_code == 201, added.text
        return added.json()["id"]

    def sqllab(self, database_id: int, sql: str) -> dict:
        done = self.call("POST", "/api/v1/sqllab/execute/", json={
            "database_id": database_id, "sql": sql, "runAsync": False, "schema": "public"})
        result = self.decode(done)
        result["http_status"] = done.status_code
        return result

    def dataset(self, database_id: int, table: str, metrics: dict[str, str], sql: str | None = None) -> int:
        """A dataset on a table or view (or a SQL query named `table`), with saved metrics
        (name -> SQL expression)."""
        body = {"database": database_id, "schema": "public", "table_name": table}
        if sql:
            body["sql"] = sql
        created = self.call("POST", "/api/v1/dataset/", json=body)
        assert created.status_code == 201, created.text
        dataset_id = created.json()["id"]
        if metrics:
            updated = self.call("PUT", f"/api/v1/dataset/{dataset_id}", json={
                "metrics": [{"metric_name": n, "expression": e} for n, e in metrics.items()]})
            assert updated.status_code == 200, updated.text
        return dataset_id

    def chart_data(self, dataset_id: int, metrics: list, *, time_column: str | None = None,
                   grain: str | None = None, groupby: list[str] = (), filters: list = ()) -> dict:
        columns = []
        if time_column:
            columns.append({"columnType": "BASE_AXIS", "sqlExpression": time_column,
                            "label": time_column, "expressionType": "SQL", "timeGrain": grain})
        columns += list(groupby)
        query = {"columns": columns, "metrics": metrics, "filters": list(filters),
                 "orderby": [[c, True] for c in columns], "row_limit": 10000,
                 "time_range": "No filter"}
        done = self.call("POST", "/api/v1/chart/data", json={
            "datasource": {"id": dataset_id, "type": "table"}, "force": True,
            "queries": [query], "result_format": "json", "result_type": "full"})
        assert done.status_code == 200, done.text
        result = self.decode(done)["result"][0]
        assert result["status"] == "success", result
        return result


@pytest.fixture(scope="session")
def superset(bi_db) -> Superset:
    return Superset(SUPERSET_URL)


@pytest.fixture(scope="session")
def utc_db(superset) -> int:
    """The test cluster as Superset sees it, sessions in the server's zone (UTC)."""
    return superset.add_database("csmetrics")


@pytest.fixture(scope="session")
def zoned_db(superset) -> int:
    """The same database with every session in OTHER_ZONE, set the way a deployment would."""
    return superset.add_database(
        "csmetrics_la", {"engine_params": {"connect_args": {"options": f"-c TimeZone={OTHER_ZONE}"}}})
