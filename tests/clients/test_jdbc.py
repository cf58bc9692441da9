"""pgjdbc (Metabase's driver) at prepareThreshold 0, 1 and -1: see JdbcCheck.java."""
import pathlib
import subprocess

from conftest import PORT

JAR = "/usr/share/java/postgresql.jar"


def test_jdbc_types_and_errors(db):
    source = pathlib.Path(__file__).with_name("JdbcCheck.java")
    url = f"jdbc:postgresql://127.0.0.1:{PORT}/{db}"
    run = subprocess.run(["java", "-cp", JAR, str(source), url],
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "jdbc: all checks passed" in run.stdout
    for threshold in ("0", "1", "-1"):
        assert f"prepareThreshold={threshold}: ok" in run.stdout
