"""Errors as a client sees them: the fields of the report, and text in any server encoding."""
import psycopg
import pytest

from conftest import conninfo


def test_location_names_the_c_function_and_the_rust_line(conn):
    with pytest.raises(psycopg.errors.NumericValueOutOfRange) as caught:
        conn.execute("SELECT nps(score) FROM (VALUES (9), (11)) AS t(score)")
    diag = caught.value.diag
    assert diag.sqlstate == "22003"
    assert diag.message_primary == "nps score 11 is out of range"
    # Not the shared error helper, but the function PostgreSQL called and the line that raised.
    assert diag.source_function == "csm_nps_accum_int4"
    assert diag.source_file.endswith(".rs") and "fmgr.rs" not in diag.source_file
    assert int(diag.source_line) > 0


def test_text_input_errors_name_the_c_function(conn):
    with pytest.raises(psycopg.errors.InvalidTextRepresentation) as caught:
        conn.execute("SELECT 'nope'::survey_summary")
    assert caught.value.diag.source_function == "csm_survey_summary_in"


def database_in(name, encoding):
    """A fresh database `name` in `encoding` (C collation) with the extension, and a UTF-8
    client connection to it."""
    with psycopg.connect(conninfo("postgres"), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING '{encoding}' "
                      "LC_COLLATE 'C' LC_CTYPE 'C'")
    conn = psycopg.connect(conninfo(name), autocommit=True)
    conn.execute("CREATE EXTENSION csmetrics")
    conn.execute("SET client_encoding = 'UTF8'")
    return conn

@pytest.mark.parametrize("encoding", ["EUC_JP", "LATIN1", "UTF8"])
def test_malformed_literal_is_22p02_quoting_the_input_in_any_encoding(encoding):
    with database_in(f"csm_enc_{encoding.lower()}", encoding) as conn:
        for literal in ["é", "{\"version\":1,\"hits\":\"é\",\"total\":1}"]:
            with pytest.raises(psycopg.errors.InvalidTextRepresentation) as caught:
                conn.execute("SELECT %s::text::share_state", (literal,))
            message = caught.value.diag.message_primary
            assert message == f'invalid input syntax for type share_state: "{literal}"'
        # The same inside a key, echoed in the DETAIL.
        with pytest.raises(psycopg.errors.InvalidTextRepresentation) as caught:
            conn.execute("SELECT %s::text::survey_summary", ('{"version":1,"é":1}',))
        assert caught.value.diag.message_detail.startswith('Key "é" is not one of')
        # Valid input and output are unaffected.
        assert conn.execute(
            "SELECT nps(survey_agg(x)) FROM (VALUES (10), (9), (0)) AS t(x)").fetchone()[0] \
            == pytest.approx(100 / 3)


@pytest.mark.parametrize("encoding", ["LATIN1", "WIN1252"])
def test_text_keys_read_back_in_any_encoding(encoding):
    """mrr_history keeps text keys in UTF-8 and prints them in the database's encoding, so a
    history's text reads back to the same value (and so dump and restore keep it)."""
    with database_in(f"csm_keys_{encoding.lower()}", encoding) as conn:
        text, same = conn.execute(
            "SELECT h::text, h = h::text::mrr_history FROM (SELECT mrr_agg(c, m, v) AS h FROM "
            "(VALUES ('é', date '2025-01-01', 1.5), ('e', '2025-01-01', 2)) AS t(c, m, v)) AS s"
        ).fetchone()
        assert '"é"' in text and same
