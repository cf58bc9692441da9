"""Running out of memory in csmetrics ends one query (ERROR 53200), never the session, and
never the server (a backend that aborts makes PostgreSQL restart every session): every
aggregate whose state grows with its rows is driven out of memory here, and the same session
then computes a right answer. FATAL 53200 is left only for a single request larger than the
allocator's emergency reserve at a site that cannot fail softly (the last test). Runs a
throwaway cluster whose processes have a lowered `ulimit -v`."""
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
HEADROOM_MB = 160


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


def rows(n):
    """A target-list series of n rows, streamed (in FROM it would be stored first)."""
    return f"(SELECT generate_series(1, {n}) AS g) AS s"


# One query per family whose state grows with its rows, each far larger than the memory
# left (a few hundred MB): (aggregate named in the error, query, a small query the same
# session runs next, its answer computed by hand).
GROWING = {
    "mrr_agg bigint": (
        "mrr_agg",
        f"SELECT mrr_agg(g::bigint, date '2025-01-01', 1) FROM {rows(100_000_000)}",
        "SELECT nrr(mrr_agg(c, m::date, v), date '2025-01-01', date '2025-02-01') FROM (VALUES "
        "(1::bigint, '2025-01-01', 100), (1, '2025-02-01', 120), (2, '2025-01-01', 100)) AS t(c, m, v)",
        60.0),
    "mrr_agg text": (
        "mrr_agg",
        f"SELECT mrr_agg('customer ' || g, date '2025-01-01', 1) FROM {rows(100_000_000)}",
        "SELECT nrr(mrr_agg(c, m::date, v), date '2025-01-01', date '2025-02-01') FROM (VALUES "
        "('a', '2025-01-01', 100), ('a', '2025-02-01', 150), ('b', '2025-01-01', 100)) AS t(c, m, v)",
        75.0),
    "mrr_agg uuid periods": (
        "mrr_agg",
        "SELECT mrr_agg(md5(g::text)::uuid, daterange('2025-01-01', '2026-01-01'), 1) "
        f"FROM {rows(100_000_000)}",
        "SELECT grr(mrr_agg(c::uuid, m::date, v), date '2025-01-01', date '2025-02-01') FROM (VALUES "
        "(md5('a'), '2025-01-01', 100), (md5('a'), '2025-02-01', 50), (md5('b'), '2025-01-01', 100)) "
        "AS t(c, m, v)",
        25.0),
    "activity_agg text": (
        "activity_agg",
        "SELECT activity_agg('user ' || g, timestamptz '2025-01-01 12:00+00' + (g % 50) "
        f"* interval '1 day', 'UTC') FROM {rows(200_000_000)}",
        "SELECT dau(activity_agg(k, t::timestamptz, 'UTC'), date '2025-01-02') FROM (VALUES "
        "('a', '2025-01-02 10:00+00'), ('b', '2025-01-02 11:00+00'), ('a', '2025-01-02 12:00+00'), "
        "('c', '2025-01-03 10:00+00')) AS t(k, t)",
        2),
    "activity_agg bigint": (
        "activity_agg",
        "SELECT activity_agg(g::bigint * 1000003, timestamptz '2025-01-01 12:00+00' + (g % 50) "
        f"* interval '1 day', 'UTC') FROM {rows(200_000_000)}",
        "SELECT mau(activity_agg(k, t::timestamptz, 'UTC'), date '2025-01-31') FROM (VALUES "
        "(1::bigint, '2025-01-02 10:00+00'), (2, '2025-01-20 11:00+00'), (1, '2025-01-30 12:00+00'), "
        "(3, '2025-03-03 10:00+00')) AS t(k, t)",
        2),
    "time_to_value": (
        "time_to_value",
        "SELECT time_to_value(timestamptz '2025-01-01', timestamptz '2025-01-01' + g * interval "
        f"'1 second') FROM {rows(400_000_000)}",
        "SELECT time_to_value(s::timestamptz, v::timestamptz) FROM (VALUES "
        "('2025-01-01', '2025-01-03'), ('2025-01-01', '2025-01-02'), ('2025-01-01', NULL), "
        "('2025-01-01', '2025-01-11')) AS t(s, v)",
        2.0),
    "repeat_purchase_rate": (
        "repeat_purchase_rate",
        f"SELECT repeat_purchase_rate(g::bigint, g::bigint) FROM {rows(200_000_000)}",
        "SELECT repeat_purchase_rate(c, o) FROM (VALUES (1::bigint, 10::bigint), (1, 11), (2, 20), "
        "(3, 30), (3, 30)) AS t(c, o)",
        pytest.approx(100 / 3)),
    "active_ratio bigint": (
        "active_ratio",
        f"SELECT active_ratio(g::bigint * 7919, g % 3 = 0) FROM {rows(400_000_000)}",
        "SELECT active_ratio(c, a) FROM (VALUES (1::bigint, true), (1, false), (2, false), "
        "(3, true)) AS t(c, a)",
        pytest.approx(200 / 3)),
    "active_ratio text": (
        "active_ratio",
        f"SELECT active_ratio('customer ' || g, g % 3 = 0) FROM {rows(200_000_000)}",
        "SELECT active_ratio(c, a) FROM (VALUES ('a', true), ('a', false), ('b', false), "
        "('c', false)) AS t(c, a)",
        pytest.approx(100 / 3)),
}


@pytest.mark.parametrize("family", GROWING)
def test_every_growing_state_out_of_memory_is_an_error(cluster, family):
    name, query, check, expected = GROWING[family]
    log_before = len(server_log())
    with psycopg.connect(oom_conninfo(), autocommit=True) as other, \
         psycopg.connect(oom_conninfo(), autocommit=True) as conn:
        started = started_at(other)
        pid = conn.info.backend_pid
        # Twice: the first failure's state was freed and the allocator's reserve taken back,
        # so the second is an ERROR again, not FATAL.
        for _ in range(2):
            with pytest.raises(psycopg.errors.OutOfMemory) as caught:
                conn.execute(query)
            diag = caught.value.diag
            assert (diag.sqlstate, diag.severity_nonlocalized) == ("53200", "ERROR")
            assert diag.message_primary == "out of memory"
            # Raised by csmetrics (a state that could not grow, or an allocation rescued by
            # the reserve), naming the aggregate, not by PostgreSQL's own allocator.
            assert name in diag.message_detail, diag.message_detail
            assert "raise the memory available" in diag.message_hint
            # The same session, the same backend, computes a right answer next.
            assert conn.execute(check).fetchone()[0] == expected
            assert conn.info.backend_pid == pid
        assert other.execute("SELECT nps(x) FROM (VALUES (9), (10), (0)) AS t(x)"
                             ).fetchone()[0] == pytest.approx(100 / 3)
        assert started_at(other) == started
    log = server_log()[log_before:]
    assert "FATAL" not in log
    assert "terminated by signal" not in log


def test_memory_of_a_failed_query_is_given_back(cluster):
    """After an out-of-memory ERROR, the session has its memory again: a state of more than
    half the memory left, which could not be built if the failed one had leaked, is built
    and right."""
    with psycopg.connect(oom_conninfo(), autocommit=True) as conn:
        # 1.5 million customers of two orders each: a 52 MB table, 78 MB while it doubles.
        big = f"SELECT repeat_purchase_rate((g::bigint + 1) / 2, g::bigint) FROM {rows(3_000_000)}"
        assert conn.execute(big).fetchone()[0] == pytest.approx(100.0)
        for _ in range(3):
            with pytest.raises(psycopg.errors.OutOfMemory):
                conn.execute(GROWING["repeat_purchase_rate"][1])
            assert conn.execute(big).fetchone()[0] == pytest.approx(100.0)


def test_a_single_request_larger_than_the_reserve_ends_only_its_session(cluster):
    """The last resort: a single request larger than the allocator's emergency reserve, at a
    site that cannot fail softly (here copying a 120 MB text key into a history: the third
    copy finds no room), cannot be an ERROR soundly; it is FATAL for its session alone."""
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
