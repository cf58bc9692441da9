"""A table of stored summaries survives pg_dump and pg_restore (custom format) unchanged."""
import subprocess

import psycopg

from conftest import HOST, PGBIN, PORT, conninfo, fresh_database


def test_pg_dump_and_restore(db, tmp_path):
    with psycopg.connect(conninfo(db), autocommit=True) as conn:
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
        after = conn.execute("SELECT day, summary::text FROM daily_nps ORDER BY day").fetchall()
        rolled = conn.execute("SELECT nps(rollup(summary)) FROM daily_nps").fetchone()[0]
        direct = conn.execute(
            "SELECT nps(score) FROM survey_answers WHERE survey = 'nps'").fetchone()[0]
    assert after == before
    assert abs(rolled - direct) < 1e-12
