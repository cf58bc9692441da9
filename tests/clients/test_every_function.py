"""Every function the extension owns (from pg_proc and pg_depend), called with NULLs, empty
values and the edge values of its argument types: each call gives a value or a clean error
(an SQLSTATE other than XX000, which is what a Rust panic becomes); the server never crashes,
and its log shows no backend terminated by a signal."""
import pathlib

import psycopg
import pytest

from conftest import HOST, conninfo
from test_fuzz import SAMPLES

TIMESTAMPS = ["'2025-01-01 00:00+00'", "'infinity'", "'-infinity'", "'4713-01-01 00:00+00 BC'",
              "'294276-12-31 23:59:59.999999+00'", "'2025-03-30 01:30+00'"]
# Per argument type: a typical value first, then NULL, empty and edge values (SQL literals,
# cast to the type).
VALUES = {
    "smallint": ["5", "NULL", "0", "-1", "-32768", "32767"],
    "integer": ["5", "NULL", "0", "-1", "-2147483648", "2147483647"],
    "bigint": ["5", "NULL", "0", "-1", "-9223372036854775808", "9223372036854775807"],
    "numeric": ["5.25", "NULL", "0", "-1", "'NaN'", "'Infinity'", "'-Infinity'", "1e-400",
                "9e130000", "0.000000000000000000000000000001", "123456789012345678901234567890.5"],
    "double precision": ["5", "NULL", "0", "'-0'", "'NaN'", "'Infinity'", "'-Infinity'", "1e308",
                         "-1e308", "5e-324"],
    "boolean": ["true", "NULL", "false"],
    "text": ["'UTC'", "NULL", "''", "'day'", "'week'", "'month'", "'Europe/Paris'", "'+14:00'",
             "'é日'", "repeat('x', 100000)", "'-infinity'"],
    "jsonb": ["'{\"a\": 1}'", "NULL", "'{}'", "'[]'", "'null'", "'\"a\"'", "'{\"a\": 1e400}'",
              "'{\"a\": -1e-400}'", "'{\"a\": {\"b\": 1}}'",
              "'[{\"band\": \"x\", \"below\": 1}, {\"band\": \"y\"}]'", "'[{}]'"],
    "date": ["'2025-01-01'", "NULL", "'infinity'", "'-infinity'", "'4713-01-01 BC'",
             "'5874897-12-31'"],
    "timestamp with time zone": TIMESTAMPS[:1] + ["NULL"] + TIMESTAMPS[1:],
    "timestamp without time zone": ["'2025-01-01 00:00'", "NULL", "'infinity'", "'-infinity'",
                                    "'4713-01-01 00:00 BC'", "'294276-12-31 23:59:59.999999'",
                                    "'2011-12-30 12:00'"],
    "real": ["5", "NULL", "0", "'-0'", "'NaN'", "'Infinity'", "'-Infinity'", "3.4e38", "1.5",
             "1e-45"],
    "daterange": ["'[2025-01-15, 2025-03-15)'", "NULL", "'empty'", "'(,)'", "'[2025-01-01,)'",
                  "'[2025-01-01, 2025-01-01]'", "'[-infinity, infinity)'",
                  "'[4713-01-01 BC, 5874897-12-31]'"],
    "tsrange": ["'[2025-01-15, 2025-03-15)'", "NULL", "'empty'", "'(,)'", "'(infinity,)'",
                "'[-infinity, infinity]'", "'(2025-01-01 00:00:00.999999, 2025-01-01 00:00:01)'",
                "'[4713-01-01 BC, 294276-12-31 23:59:59.999999]'"],
    "interval": ["'1 month'", "NULL", "'0'", "'-1 day'", "'1 microsecond'", "'178000000 years'",
                 "'-178000000 years'", "'1 mon -30 days'"],
    "tstzrange": ["'[2025-01-01, 2025-02-01)'", "NULL", "'empty'", "'(,)'",
                  "'[2025-01-01, 2025-01-01]'", "'(infinity,)'", "'[-infinity, infinity]'",
                  "'(2025-01-01 00:00:00.999999+00, 2025-01-01 00:00:01+00)'"],
    "uuid": ["'00000000-0000-0000-0000-000000000001'", "NULL",
             "'00000000-0000-0000-0000-000000000000'", "'ffffffff-ffff-ffff-ffff-ffffffffffff'"],
    "double precision[]": ["'{50, 100}'", "NULL", "'{}'", "'{NULL}'", "'{{1,2},{3,4}}'", "'{NaN}'",
                           "'{1e308, 1e308}'", "'{-1, Infinity}'", "'[0:1]={1,2}'"],
    "bytea": ["'\\x01'", "NULL", "''", "'\\x00000000'", "'\\xffffffffffffffff'"],
    "cstring": ["'{}'", "NULL", "''", "'null'", "'{\"version\":1}'", "'[[[[[[[[]]]]]]]]'"],
    # Only NULL can be written for internal; PostgreSQL refuses most such calls itself.
    "internal": ["NULL"],
}
# Summary types: a valid value, NULL, and valid extremes.
for name, query in SAMPLES.items():
    VALUES[name] = [f"({query})", "NULL", f"(SELECT rollup(s) FROM ({query}) AS t(s) WHERE false)"]
VALUES["license_summary"].append(
    "'{\"version\":1,\"licenses\":1,\"steps\":[[-9223372036854775808,0,9223372036854775807],"
    "[9223372036854775807,1,0]]}'")
VALUES["mrr_history"].append(
    "'{\"version\":1,\"customer_type\":\"text\",\"scale\":38,\"first_month\":\"-4712-01\","
    "\"last_month\":\"5874897-12\",\"customers\":[[\"\",{\"5874897-12\":\"1\"}]]}'")
# A state type has no rollup(): its extreme is a state holding a credit not yet netted
# (customer 1 at -2.0 in 2025-01), which only the final function refuses.
VALUES["mrr_state"] = [f"({SAMPLES['mrr_state']})", "NULL",
                       "'{\"type\":\"mrr_state\",\"binary\":"
                       "\"81010100005eec00005eec010000000000000001010027\"}'"]
# The union of active_users(): an empty one (no key type yet), the largest dense key, and
# the extreme bigint keys (listed).
VALUES["active_users_state"] = [
    f"({SAMPLES['active_users_state']})", "NULL",
    "'{\"type\":\"active_users_state\",\"binary\":\"01003a30000000000000\"}'",
    "'{\"type\":\"active_users_state\",\"binary\":\"01043a30000001000000ff00000010000000ffff\"}'",
    "'{\"type\":\"active_users_state\",\"binary\":\"0101000000000000000200ffffffffffffffffff01\"}'"]
VALUES["survey_summary"].append(
    "'{\"version\":1,\"counts\":[9223372036854775807,0,0,0,0,0,0,0,0,0,0]}'")


def owned_functions(conn):
    return conn.execute(
        """SELECT p.oid::regprocedure::text, p.proname, p.prokind, p.proretset,
                  p.proargtypes::regtype[]::text[]
           FROM pg_proc p
           JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                           AND d.deptype = 'e'
           JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'csmetrics'
           ORDER BY 1""").fetchall()


def argument_lists(types):
    """All NULL; the typical values; each argument through its values with the others typical;
    and the diagonal (value k of every argument at once)."""
    lists = [["NULL"] * len(types), [VALUES[t][0] for t in types]]
    for i, t in enumerate(types):
        for v in VALUES[t][1:]:
            args = [VALUES[u][0] for u in types]
            args[i] = v
            lists.append(args)
    for k in range(max((len(VALUES[t]) for t in types), default=0)):
        lists.append([VALUES[t][k % len(VALUES[t])] for t in types])
    seen, unique = set(), []
    for args in lists:
        if tuple(args) not in seen:
            seen.add(tuple(args))
            unique.append(args)
    return unique


def call(name, kind, retset, types, args):
    typed = [f"({a})::{t}" if t != "internal" else f"{a}::internal" for a, t in zip(args, types)]
    if kind == "a":
        # Two rows, then the same with no row at all.
        cols = ", ".join(f"c{i}" for i in range(len(types)))
        rows = "(" + ", ".join(typed) + ")"
        return [f"SELECT {name}({cols}) FROM (VALUES {rows}, {rows}) AS v({cols})",
                f"SELECT {name}({cols}) FROM (VALUES {rows}) AS v({cols}) WHERE false"]
    if retset:
        return [f"SELECT count(*) FROM (SELECT * FROM {name}({', '.join(typed)}) LIMIT 1000) AS r"]
    return [f"SELECT {name}({', '.join(typed)})"]


def test_every_argument_type_has_edge_values(conn):
    types = {t for *_, ts in owned_functions(conn) for t in ts}
    assert types - set(VALUES) == set(), "add edge values for these argument types"


def test_every_function_gives_a_value_or_a_clean_error(db):
    log = pathlib.Path(HOST) / "server.log"
    log_start = log.stat().st_size if log.exists() else 0
    with psycopg.connect(conninfo(db), autocommit=True) as conn:
        started = conn.execute("SELECT pg_postmaster_start_time()").fetchone()[0]
        conn.execute("SET statement_timeout = '5s'")
        functions = owned_functions(conn)
        assert len(functions) > 200
        calls = values = 0
        unclean = []
        for signature, name, kind, retset, types in functions:
            for args in argument_lists(types):
                for sql in call(name, kind, retset, types, args):
                    calls += 1
                    try:
                        conn.execute(sql).fetchall()
                        values += 1
                    except psycopg.errors.InternalError_ as e:  # XX000: a Rust panic
                        unclean.append((sql, e.diag.message_primary))
                    except psycopg.OperationalError as e:
                        pytest.fail(f"the connection was lost on {sql}: {e}")
                    except psycopg.Error as e:
                        assert e.diag.sqlstate and e.diag.message_primary, sql
        assert unclean == []
        # Not only errors: a good share of the calls give values.
        assert calls > 5000 and values > calls // 5, (calls, values)
        assert conn.execute("SELECT pg_postmaster_start_time()").fetchone()[0] == started
    if log.exists():
        with log.open("rb") as f:
            f.seek(log_start)
            text = f.read().decode("utf-8", "replace")
        assert "terminated by signal" not in text and "PANIC" not in text
