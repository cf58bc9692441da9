"""Client tests: csmetrics seen the way BI tools and applications see it.

The Makefile starts a private cluster and passes its socket directory and port in CSM_PGHOST
and CSM_PGPORT. Each test module gets a fresh database with the extension and the demo data.
"""
import os
import pathlib
import subprocess

import psycopg
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
HOST = os.environ.get("CSM_PGHOST", "/tmp/csmetrics-test")
PORT = int(os.environ.get("CSM_PGPORT", "54331"))
PGBIN = pathlib.Path(os.environ.get("CSM_PGBIN", "/usr/lib/postgresql/15/bin"))


def conninfo(dbname: str) -> str:
    return f"host={HOST} port={PORT} user=postgres dbname={dbname}"


def psql(dbname: str, sql: str) -> subprocess.CompletedProcess:
    """Runs SQL through psql as a user at a terminal would, capturing what it prints."""
    return subprocess.run(
        [str(PGBIN / "psql"), "-X", "-q", "-h", HOST, "-p", str(PORT), "-U", "postgres", dbname],
        input=sql, capture_output=True, text=True, check=False,
    )


def fresh_database(name: str, demo: bool = True) -> str:
    with psycopg.connect(conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(conninfo(name), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION csmetrics")
    if demo:
        done = psql(name, (ROOT / "demo" / "setup.sql").read_text())
        assert done.returncode == 0 and "ERROR" not in done.stderr, done.stderr
    return name


@pytest.fixture(scope="module")
def db(request) -> str:
    return fresh_database("csm_" + request.module.__name__.rsplit(".", 1)[-1])


@pytest.fixture
def conn(db):
    with psycopg.connect(conninfo(db), autocommit=True) as c:
        yield c
