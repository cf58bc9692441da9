"""Running out of memory in csmetrics ends one query (ERROR 53200) or at worst one session
(FATAL 53200), never the server: a backend that aborts makes PostgreSQL restart every
session. Runs a throwaway cluster whose processes have a lowered `ulimit -v`."""
import os
import pathlib
import shutil
import subprocess
import time

import psycopg
import pytest

from conftest import PGBIN, PORT

OOM_PORT = int(os.environ.get("CSM_OOM_PORT", PORT + 5))
OOM_DIR = pathlib.Path(f"/tmp/csm-oom-{OOM_PORT}")
# Address space above what an idle backend maps, in MB: a backend's own baseline is added.
HEADROOM_MB = 320


def as_postgres(*cmd, **kw):
    return subprocess.run(["runuser", "-u", "postgres", "--", *map(str, cmd)],
                          capture_output=True, text=True, check=True, **kw)


def oom_conninfo():
    return f"host={OOM_DIR} port={OOM_PORT} user=postgres dbname=postgres"


def start(limit_kb=None):
    ulimit = f"ulimit -v {limit_kb} && " if limit_kb else ""
    as_postgres("bash", "-c", f"{ulimit}exec {PGBIN}/pg_ctl -D {OOM_DIR}/data "
                              f"-l {OOM_DIR}/server.log -w start")


def stop():
    subprocess.run(["runuser", "-u", "postgres", "--", f"{PGBIN}/pg_ctl", "-D",
                    f"{OOM_DIR}/data", "-m", "immediate", "-w", "stop"],
                   capture_output=True, check=False)


@pytest.fixture(scope="module")
def cluster():
    stop()
    shutil.rmtree(OOM_DIR, ignore_errors=True)
    OOM_DIR.mkdir()
    shutil.chown(OOM_DIR, "postgres", "postgres")
    as_postgres(f"{PGBIN}/initdb", "-D", f"{OOM_DIR}/data", "-U", "postgres", "--auth=trust",
                "--encoding=UTF8", "--locale=C.UTF-8")
    with open(OOM_DIR / "data" / "postgresql.conf", "a") as conf:
        conf.write(f"port = {OOM_PORT}\nlisten_addresses = ''\nunix_socket_directories = '{OOM_DIR}'\n"
                   "shared_buffers = 16MB\nmax_connections = 10\nmax_parallel_workers_per_gather = 0\n"
                   "jit = off\nfsync = off\n")
    # Measure an idle backend with the extension loaded, then restart under the limit.
    start()
    with psycopg.connect(oom_conninfo(), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION csmetrics")
        conn.execute("SELECT nps(9)")
        pid = conn.info.backend_pid
        status = pathlib.Path(f"/proc/{pid}/status").read_text()
        baseline_kb = int(next(l for l in status.splitlines() if l.startswith("VmSize")).split()[1])
    stop()
    start(baseline_kb + HEADROOM_MB * 1024)
    yield
    stop()
    shutil.rmtree(OOM_DIR, ignore_errors=True)


def server_log():
    return (OOM_DIR / "server.log").read_text(errors="replace")


def started_at(conn):
    return conn.execute("SELECT pg_postmaster_start_time()").fetchone()[0]


def test_a_state_too_large_is_an_error_that_rolls_back_one_query(cluster):
    with psycopg.connect(oom_conninfo(), autocommit=True) as other, \
         psycopg.connect(oom_conninfo(), autocommit=True) as conn:
        started = started_at(other)
        # 2 change points of 24 bytes per licence: 40 million licences want 1.9 GB.
        with pytest.raises(psycopg.errors.OutOfMemory) as caught:
            # (The series in the target list streams its rows; in FROM it would be stored first.)
            conn.execute("SELECT licenses(license_agg(tstzrange(t, t + interval '1 day'), 1)) "
                         "FROM (SELECT timestamptz '2025-01-01' + generate_series(1, 40000000) "
                         "* interval '1 second' AS t) AS s")
        assert caught.value.diag.sqlstate == "53200"
        assert caught.value.diag.severity_nonlocalized == "ERROR"
        assert "license_agg" in caught.value.diag.message_detail
        # The session goes on, its memory given back; so does every other session.
        assert conn.execute("SELECT licenses(license_agg(tstzrange('2025-01-01', '2025-02-01'), 1))"
                            ).fetchone()[0] == 1
        assert other.execute("SELECT nps(x) FROM (VALUES (9), (10), (0)) AS t(x)"
                             ).fetchone()[0] == pytest.approx(100 / 3)
        assert started_at(other) == started
    assert "terminated by signal" not in server_log()


def test_any_other_allocation_failure_ends_only_its_session(cluster):
    """A failure outside the states' reserved growth (here copying 120 MB text keys into a
    history: the third copy finds no room) cannot be an ERROR soundly; it is FATAL for its
    session alone."""
    with psycopg.connect(oom_conninfo(), autocommit=True) as other:
        started = started_at(other)
        with psycopg.connect(oom_conninfo(), autocommit=True) as conn:
            with pytest.raises(psycopg.OperationalError) as caught:
                conn.execute("SELECT mrr_agg(repeat(chr(64 + g), 120000000), date '2025-01-01', 1) "
                             "FROM (SELECT generate_series(1, 3) AS g) AS s")
        assert "out of memory" in str(caught.value)
        time.sleep(0.5)
        assert other.execute("SELECT 1").fetchone()[0] == 1
        assert started_at(other) == started
    log = server_log()
    assert "FATAL:  out of memory" in log
    assert "terminated by signal" not in log
