"""Errors as a client sees them: the fields of the report, and text in any server encoding."""
import struct
import subprocess

import psycopg
import pytest

from conftest import HOST, PGBIN, PORT, conninfo


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


# A key each encoding cannot write: 日 has no LATIN1 or WIN1252 form; EUC_JP has 日 but no emoji.
UNWRITABLE = {"LATIN1": "\u65e5", "WIN1252": "\u65e5", "EUC_JP": "\U0001F600"}


def history_with_key(escaped_key):
    return ('{"version":1,"customer_type":"text","scale":2,"first_month":"2025-01",'
            '"last_month":"2025-01","customers":[["' + escaped_key + '",{"2025-01":"1.00"}]]}')


def json_escape(c):
    return "".join(f"\\u{u:04x}" for u in struct.unpack(f"<{len(c.encode('utf-16-le')) // 2}H",
                                                         c.encode("utf-16-le")))


@pytest.mark.parametrize("encoding", sorted(UNWRITABLE))
def test_a_key_the_encoding_cannot_write_is_refused_and_pg_dump_works(encoding, tmp_path):
    """Input refuses a text key that output could not write in the database's encoding (it
    used to accept it; output, and so pg_dump of the table, then failed)."""
    c = UNWRITABLE[encoding]
    name = f"csm_unwritable_{encoding.lower()}"
    with database_in("csm_unwritable_source", "UTF8") as utf8:
        binary = utf8.execute("SELECT mrr_history_send(%s::text::mrr_history)",
                              (history_with_key(json_escape(c)),)).fetchone()[0]
    with database_in(name, encoding) as conn:
        conn.execute("CREATE TABLE histories (id int, h mrr_history)")
        conn.execute("INSERT INTO histories SELECT 1, mrr_agg(c, date '2025-01-01', 1) "
                     "FROM (VALUES ('é'), ('plain')) AS t(c)")
        with pytest.raises(psycopg.errors.InvalidTextRepresentation) as caught:
            conn.execute("INSERT INTO histories VALUES (2, %s::text::mrr_history)",
                         (history_with_key(json_escape(c)),))
        diag = caught.value.diag
        assert diag.message_primary == "invalid input syntax for type mrr_history"
        assert f"U+{ord(c):04X}" in diag.message_detail and encoding in diag.message_detail
        # The key is quoted with the character escaped: the report itself cannot fail.
        assert json_escape(c) in diag.message_detail
        assert "UTF8 database" in diag.message_hint
        # The binary form (COPY binary, a driver's binary parameters) is refused alike.
        with pytest.raises(psycopg.errors.InvalidBinaryRepresentation):
            with conn.cursor().copy("COPY histories (h) FROM STDIN (FORMAT binary)") as copy:
                copy.write(b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
                           + struct.pack("!hi", 1, len(binary)) + binary + struct.pack("!h", -1))
        dump = subprocess.run([str(PGBIN / "pg_dump"), "-h", HOST, "-p", str(PORT), "-U", "postgres",
                               "-t", "histories", "-f", str(tmp_path / "dump.sql"), name],
                              capture_output=True, text=True, check=False)
        assert dump.returncode == 0, dump.stderr
        assert conn.execute("SELECT count(*) FROM histories").fetchone()[0] == 1


@pytest.mark.parametrize("encoding,band", [("LATIN1", "é"), ("WIN1252", "€"), ("EUC_JP", "日")])
def test_band_names_keep_their_characters_in_any_encoding(encoding, band):
    """A band name from the jsonb (server-encoded bytes) comes back as the same text; it used
    to be read as UTF-8, which these bytes are not."""
    with database_in(f"csm_band_{encoding.lower()}", encoding) as conn:
        spec = '[{"band": "%s", "below": 40}, {"band": "ok"}]' % band
        assert conn.execute("SELECT health_band(10, %s::text::jsonb)", (spec,)).fetchone()[0] == band
        # An error quoting such a name reads back too (a duplicated band name, in the DETAIL).
        with pytest.raises(psycopg.errors.InvalidParameterValue) as caught:
            conn.execute("SELECT health_band(10, %s::text::jsonb)",
                         ('[{"band": "%s", "below": 40, "up_to": 50}, {"band": "ok"}]' % band,))
        assert band in caught.value.diag.message_primary + (caught.value.diag.message_detail or "")


# The aggregate state types Citus ships between nodes: text is {"type":...,"binary":"<hex>"},
# binary is the state's binary form (version byte first); both are checked in full.
STATE_TYPES = ["active_ratio_state_int8", "active_ratio_state_uuid", "active_ratio_state_text",
               "repeat_purchase_state_int8", "repeat_purchase_state_uuid",
               "repeat_purchase_state_text", "customer_churn_state_int8",
               "customer_churn_state_uuid", "customer_churn_state_text", "nrr_state",
               "health_score_state", "mrr_state"]


@pytest.mark.parametrize("state_type", STATE_TYPES)
def test_state_type_input_errors(conn, state_type):
    def text(literal):
        with pytest.raises(psycopg.errors.InvalidTextRepresentation) as caught:
            conn.execute(f"SELECT %s::text::{state_type}", (literal,))
        diag = caught.value.diag
        assert diag.message_primary == f'invalid input syntax for type {state_type}: "{literal}"'
        assert diag.message_hint == ("Write the value as its output function prints it: "
                                     f'{{"type":"{state_type}","binary":"<hex digits>"}}.')
        return diag.message_detail

    # The shape, the hex digits, the version byte, a truncated or trailing payload.
    assert text('{"type":"other_state","binary":"01"}').startswith("The value must start with")
    assert "odd number of hex digits" in text(f'{{"type":"{state_type}","binary":"010"}}')
    assert "not two lower-case hex digits" in text(f'{{"type":"{state_type}","binary":"01ZZ"}}')
    assert "version" in text(f'{{"type":"{state_type}","binary":"7f"}}').lower()
    assert text(f'{{"type":"{state_type}","binary":""}}')
    assert text(f'{{"type":"{state_type}","binary":"01ffffffffffffffff"}}')
    # Binary input (COPY binary, what Citus 14 ships): 22P03 with a DETAIL and a HINT.
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS bad_{state_type} (s {state_type})")
    for payload in [b"", b"\x7f", b"\x01\xff\xff\xff\xff\xff\xff\xff\xff\x00"]:
        with pytest.raises(psycopg.errors.InvalidBinaryRepresentation) as caught:
            with conn.cursor().copy(f"COPY bad_{state_type} (s) FROM STDIN (FORMAT binary)") as copy:
                copy.write(b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
                           + struct.pack("!hi", 1, len(payload)) + payload + struct.pack("!h", -1))
        diag = caught.value.diag
        assert diag.message_primary.startswith("invalid binary")
        assert diag.message_detail and diag.message_hint
