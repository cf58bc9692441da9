"""SQL fuzzing: thousands of malformed literals of every csmetrics type, through the text input
functions and through COPY (FORMAT binary). Each is either an error of class 22 (data
exception) or a value that reads back to itself; the server never crashes (its start time is
unchanged afterwards)."""
import json
import random
import re
import struct
import subprocess

import psycopg
import pytest

from conftest import HOST, PGBIN, PORT, conninfo

# A valid value of every type the extension defines, as a query. A new type must add one:
# test_every_type_is_fuzzed fails until it does.
SAMPLES = {
    "survey_summary": "SELECT survey_agg(x) FROM (VALUES (1), (5), (10), (10)) AS t(x)",
    "share_state": "SELECT '{\"version\":1,\"hits\":1,\"total\":2}'::share_state",
    "churn_state": "SELECT '{\"version\":1,\"starting\":4,\"churned\":2,\"new\":2,\"ending\":3,"
                   "\"rows_start\":8,\"rows_start_plus_new\":0}'::churn_state",
    "ttv_summary": "SELECT time_to_value_agg(s, s + d * interval '1 day') FROM (VALUES "
                   "(timestamptz '2025-01-01', 3), ('2025-01-02', 10), ('2025-01-05', NULL)) AS t(s, d)",
    "license_summary": "SELECT license_agg(r, n) FROM (VALUES "
                       "(tstzrange('2025-01-01', '2025-02-01'), 5), (tstzrange('2025-01-15', NULL), 3)) AS t(r, n)",
    "mrr_history": "SELECT mrr_agg(c, m, v) FROM (VALUES (1, date '2025-01-01', 10.50), "
                   "(1, '2025-03-01', 12), (2, '2025-02-01', 99.99)) AS t(c, m, v)",
    # The state of mrr_agg; a stored history's bytes are a valid state (one without credits).
    "mrr_state": "SELECT ('{\"type\":\"mrr_state\",\"binary\":\"' || encode(mrr_history_send("
                 "mrr_agg(c, m, v)), 'hex') || '\"}')::mrr_state FROM (VALUES (1, date '2025-01-01', 10.50), "
                 "(1, '2025-03-01', 12), (2, '2025-02-01', 99.99)) AS t(c, m, v)",
    # The states of active_users, active_ratio, repeat_purchase_rate, per-customer churn,
    # nrr/grr and health_score, as partial aggregates over a few rows print them.
    "active_users_state": "SELECT '{\"type\":\"active_users_state\",\"binary\":\""
        "01043a300000020000000000010001000000180000001c000000010002007011" "\"}'::active_users_state",
    "active_ratio_state_int8": "SELECT '{\"type\":\"active_ratio_state_int8\",\"binary\":\""
        "0100000003000000000000000101000000000000000200000000000001117001" "\"}'::active_ratio_state_int8",
    "active_ratio_state_uuid": "SELECT '{\"type\":\"active_ratio_state_uuid\",\"binary\":\""
        "01000000020000000000000000000000000000000101a0eebc999c0b4ef8bb6d"
        "6bb9bd380a1100" "\"}'::active_ratio_state_uuid",
    "active_ratio_state_text": "SELECT '{\"type\":\"active_ratio_state_text\",\"binary\":\""
        "0100000002000000056375735f3101000000056375735f3200" "\"}'::active_ratio_state_text",
    "repeat_purchase_state_int8": "SELECT '{\"type\":\"repeat_purchase_state_int8\",\"binary\":\""
        "0100000002000000000000000101000000000000000200000000080000000000"
        "000014" "\"}'::repeat_purchase_state_int8",
    "repeat_purchase_state_uuid": "SELECT '{\"type\":\"repeat_purchase_state_uuid\",\"binary\":\""
        "01000000010000000000000000000000000000000101" "\"}'::repeat_purchase_state_uuid",
    "repeat_purchase_state_text": "SELECT '{\"type\":\"repeat_purchase_state_text\",\"binary\":\""
        "0100000002000000056375735f3100000000026f31000000056375735f320000"
        "0000026f32" "\"}'::repeat_purchase_state_text",
    "customer_churn_state_int8": "SELECT '{\"type\":\"customer_churn_state_int8\",\"binary\":\""
        "0101000000000000000100000000000023ac0000000000002461010000000300"
        "000000000000010000000100000000000022d600000000000023e70000000000"
        "00000200000001000000000000223e7fffffffffffffff000000000000000300"
        "00000100000000000023cb7fffffffffffffff" "\"}'::customer_churn_state_int8",
    "customer_churn_state_uuid": "SELECT '{\"type\":\"customer_churn_state_uuid\",\"binary\":\""
        "0101000000141dd760000002cd987ed480000002dbd1981b6000010000000200"
        "000000000000000000000000000001000000010002bcc78cca40000002d23b5f"
        "77a00000000000000000000000000000000002000000010002b0d5d4e940007f"
        "ffffffffffffff" "\"}'::customer_churn_state_uuid",
    "customer_churn_state_text": "SELECT '{\"type\":\"customer_churn_state_text\",\"binary\":\""
        "0101000000000000000100000000000023ac0000000000002461020000000200"
        "000001610000000100000000000022d600000000000023e70000000162000000"
        "01000000000000223e7fffffffffffffff" "\"}'::customer_churn_state_text",
    "nrr_state": "SELECT '{\"type\":\"nrr_state\",\"binary\":\""
        "010400000000000000020000000000000000000000000016e360000000000000"
        "00000000000000030d400000000000000000000000000000c350000000000000"
        "00000000000000019a28" "\"}'::nrr_state",
    "health_score_state": "SELECT '{\"type\":\"health_score_state\",\"binary\":\""
        "010000002a77000000056c6f67696e000000072b000000000001000000067469"
        "636b6574000000072d00000000000200000002000000056c6f67696e3ff00000"
        "0000000000000000000000010000000000000003000000067469636b6574c000"
        "000000000000ffffffff00000002000000008000000000000000000000010000"
        "000000000002" "\"}'::health_score_state",
    "activity_summary": "SELECT activity_agg(k, at, 'UTC') FROM (VALUES (1::bigint, timestamptz "
                        "'2025-03-01 10:00+00'), (2, '2025-03-01 11:00+00'), (1, '2025-03-04 09:00+00')) AS t(k, at)",
}

TEXT_CASES = 1500
BINARY_CASES = 800
ALPHABET = list('{}[]":,-+.eE0123456789 \t\n\\/') + ["é", "\u2028", "\\u0000", "null", "true",
                                                      "9223372036854775808", "1e400", "-0"]


def types_of_extension(conn):
    return {r[0] for r in conn.execute(
        """SELECT t.typname FROM pg_type t
           JOIN pg_depend d ON d.objid = t.oid AND d.deptype = 'e'
           JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'csmetrics'
           WHERE t.typtype = 'b'""")}


def mutate_text(rng, valid):
    kind = rng.randrange(6)
    if kind == 0:  # random junk
        return "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(1, 60)))
    if kind == 1:  # truncated
        return valid[: rng.randrange(len(valid))]
    if kind == 2:  # deeply nested
        depth = rng.choice([10, 200, 5000])
        return "[" * depth + "]" * depth
    if kind == 3:  # long
        return valid[:-1] + "," + '"x":' + "9" * rng.choice([50, 5000, 200000]) + "}"
    chars = list(valid)
    for _ in range(rng.randrange(1, 5)):  # point mutations
        at = rng.randrange(len(chars) + 1)
        op = rng.randrange(3)
        if op == 0 and at < len(chars):
            chars[at] = rng.choice(ALPHABET)
        elif op == 1 and at < len(chars):
            del chars[at]
        else:
            chars.insert(at, rng.choice(ALPHABET))
    return "".join(chars)


def mutate_binary(rng, valid):
    data = bytearray(valid)
    kind = rng.randrange(5)
    if kind == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(0, 120)))
    if kind == 1:
        return bytes(data[: rng.randrange(len(data) + 1)])
    if kind == 2:
        return bytes(data) + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 20)))
    for _ in range(rng.randrange(1, 4)):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def copy_binary_row(value: bytes) -> bytes:
    """A COPY (FORMAT binary) stream of one row with one field."""
    return (b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
            + struct.pack("!hi", 1, len(value)) + value + struct.pack("!h", -1))


@pytest.fixture(scope="module")
def started(db):
    with psycopg.connect(conninfo(db)) as conn:
        return conn.execute("SELECT pg_postmaster_start_time()").fetchone()[0]


def test_every_type_is_fuzzed(conn):
    assert types_of_extension(conn) == set(SAMPLES)


@pytest.mark.parametrize("type_name", sorted(SAMPLES))
def test_text_input(conn, type_name, started):
    rng = random.Random(f"text-{type_name}")
    valid = conn.execute(f"SELECT ({SAMPLES[type_name]})::text").fetchone()[0]
    errors = 0
    for _ in range(TEXT_CASES):
        literal = mutate_text(rng, valid)
        try:
            same = conn.execute(f"SELECT (%s::text::{type_name})::text::{type_name} = %s::text::{type_name}",
                                (literal, literal)).fetchone()[0]
            assert same, literal
        except psycopg.errors.DataError as e:  # SQLSTATE class 22
            assert e.diag.sqlstate.startswith("22"), (literal, e.diag.sqlstate)
            assert len(e.diag.message_primary) < 400
            errors += 1
    assert errors > TEXT_CASES // 2


@pytest.mark.parametrize("type_name", sorted(SAMPLES))
def test_binary_copy(conn, type_name, started):
    rng = random.Random(f"binary-{type_name}")
    valid = conn.execute(f"SELECT {type_name}_send(({SAMPLES[type_name]}))").fetchone()[0]
    conn.execute(f"CREATE TEMP TABLE fuzz_{type_name} (v {type_name})")
    errors = 0
    for _ in range(BINARY_CASES):
        value = mutate_binary(rng, valid)
        try:
            with conn.cursor().copy(f"COPY fuzz_{type_name} FROM STDIN (FORMAT binary)") as copy:
                copy.write(copy_binary_row(value))
        except psycopg.errors.DataError as e:
            assert e.diag.sqlstate.startswith("22"), (value, e.diag.sqlstate)
            errors += 1
    # Whatever was accepted reads back through both forms.
    rows, round_trips = conn.execute(
        f"SELECT count(*), count(*) FILTER (WHERE v::text::{type_name} = v) FROM fuzz_{type_name}"
    ).fetchone()
    assert rows == round_trips == BINARY_CASES - errors
    assert errors > BINARY_CASES // 2


def member_end(text, start):
    """Where the JSON value starting at `start` ends."""
    depth, i, in_string = 0, start, False
    while i < len(text):
        c = text[i]
        if in_string:
            if c == "\\":
                i += 1
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "[{":
            depth += 1
        elif c in "]}":
            if depth == 0:
                return i
            depth -= 1
        elif c == "," and depth == 0:
            return i
        i += 1
    return i


def duplicate_a_key(rng, valid):
    """`valid` with one object member written twice, at any depth: with the same value, another
    member's value, or the key spelt with an escape (the same key once unescaped)."""
    members = list(re.finditer(r'"((?:[^"\\]|\\.)*)"\s*:', valid))
    m = rng.choice(members)
    end = member_end(valid, m.end())
    key, value = m.group(1), valid[m.end():end]
    kind = rng.randrange(3)
    if kind == 1:
        other = rng.choice(members)
        value = valid[other.end():member_end(valid, other.end())]
    if kind == 2 and key:
        key = "\\u%04x" % ord(key[0]) + key[1:]
    return valid[:end] + ',"' + key + '":' + value + valid[end:]


def has_duplicate_keys(text):
    found = []

    def pairs(items):
        keys = [k for k, _ in items]
        if len(keys) != len(set(keys)):
            found.append(keys)
        return dict(items)
    json.loads(text, object_pairs_hook=pairs)
    return bool(found)


@pytest.mark.parametrize("type_name", sorted(SAMPLES))
def test_duplicate_keys_are_refused(conn, type_name, started):
    """A key written twice anywhere in a summary's text is 22P02 (the last one used to win,
    silently dropping the first: a day's users, a month's MRR)."""
    rng = random.Random(f"duplicate-{type_name}")
    valid = conn.execute(f"SELECT ({SAMPLES[type_name]})::text").fetchone()[0]
    for _ in range(200):
        literal = duplicate_a_key(rng, valid)
        assert has_duplicate_keys(literal), literal
        with pytest.raises(psycopg.errors.InvalidTextRepresentation) as caught:
            conn.execute(f"SELECT %s::text::{type_name}", (literal,))
        assert "appears twice" in caught.value.diag.message_detail, literal


# Characters of each kind for text keys: ASCII, Latin-1, Windows-1252 only (€), CJK, astral,
# controls; written raw or as JSON escapes.
KEY_CHARS = ["a", "Z", "0", " ", "é", "ÿ", "€", "Ā", "日", "本", "\U0001F600", "\u2028", "\t", '"', "\\"]


def random_key(rng):
    out = []
    for _ in range(rng.randrange(0, 6)):
        c = rng.choice(KEY_CHARS)
        if rng.random() < 0.5 or c in '"\\\t' or c == "\u2028":
            out.append("".join("\\u%04x" % u for u in
                               struct.unpack("<%dH" % (len(c.encode("utf-16-le")) // 2),
                                             c.encode("utf-16-le"))))
        else:
            out.append(c)
    return "".join(out)


@pytest.mark.parametrize("encoding", ["LATIN1", "WIN1252", "EUC_JP", "UTF8"])
def test_text_keys_in_any_encoding(encoding, started):
    """Histories with random text keys, in databases of several encodings: each literal is
    refused (class 22) or stored and read back through its text form, and pg_dump writes the
    table of every accepted one."""
    rng = random.Random(f"keys-{encoding}")
    name = f"csm_fuzz_keys_{encoding.lower()}"
    with psycopg.connect(conninfo("postgres"), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING '{encoding}' "
                      "LC_COLLATE 'C' LC_CTYPE 'C'")
    accepted = refused = unwritable = 0
    with psycopg.connect(conninfo(name), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION csmetrics")
        conn.execute("SET client_encoding = 'UTF8'")
        conn.execute("CREATE TABLE h (v mrr_history)")
        for _ in range(300):
            keys = sorted({random_key(rng) for _ in range(rng.randrange(1, 4))})
            customers = ",".join('["%s",{"2025-01":"1.00"}]' % k for k in keys)
            literal = ('{"version":1,"customer_type":"text","scale":2,"first_month":"2025-01",'
                       '"last_month":"2025-01","customers":[' + customers + "]}")
            try:
                conn.execute("INSERT INTO h VALUES (%s::text::mrr_history)", (literal,))
                accepted += 1
            except psycopg.DataError as e:
                # 22P02 from the type's input, or 22P05 from the client's text itself (a raw
                # character the database's encoding lacks).
                assert e.diag.sqlstate.startswith("22"), (literal, e.diag.sqlstate)
                refused += 1
                unwritable += "cannot represent" in (e.diag.message_detail or "")
        rows, same = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE v::text::mrr_history = v) FROM h").fetchone()
        assert rows == same == accepted
    dump = subprocess.run([str(PGBIN / "pg_dump"), "-h", HOST, "-p", str(PORT), "-U", "postgres",
                           "-t", "h", name], capture_output=True, check=False)
    assert dump.returncode == 0, dump.stderr
    assert accepted > 50
    # (Other refusals: one customer written twice, raw and escaped.)
    if encoding == "UTF8":
        assert unwritable == 0
    else:
        assert unwritable > 20


def test_server_still_up(db, started):
    with psycopg.connect(conninfo(db)) as conn:
        assert conn.execute("SELECT pg_postmaster_start_time()").fetchone()[0] == started
