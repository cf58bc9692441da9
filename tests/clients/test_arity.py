"""Every C function of the library, declared in SQL with the wrong number of arguments, raises an
ERROR instead of reading past the end of the call's arguments (which would crash the server or
read garbage). The reader of the arguments checks each index against the call's own count."""
import psycopg
import pytest

from conftest import conninfo

# The C functions of the extension, as its install script declares them.
SYMBOLS = """
SELECT DISTINCT p.prosrc, p.pronargs, p.proretset
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'csmetrics'
WHERE p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'c')
ORDER BY 1
"""


def symbols(conn):
    return conn.execute(SYMBOLS).fetchall()


def test_the_extension_has_c_functions_reading_arguments(conn):
    rows = symbols(conn)
    assert len(rows) > 100
    assert all(nargs > 0 for _, nargs, _ in rows)


def test_too_few_arguments_is_an_error_for_every_c_function(db):
    with psycopg.connect(conninfo(db), autocommit=True) as conn:
        rows = symbols(conn)
        states = {}
        for i, (symbol, nargs, retset) in enumerate(rows):
            # Declared without arguments (any argument of another type than the C function
            # reads would be a type confusion, which no check can see): the first argument it
            # reads is missing.
            # A set-returning function starts its result first, which needs a row type.
            returns = "TABLE (a bigint, b bigint)" if retset else "bigint"
            conn.execute(f"CREATE FUNCTION wrong_{i}() RETURNS {returns} "
                         f"AS '$libdir/csmetrics', '{symbol}' LANGUAGE C")
            with pytest.raises(psycopg.Error) as caught:
                conn.execute(f"SELECT * FROM wrong_{i}()")
            state = caught.value.diag.sqlstate
            states[symbol] = state
            # The session survived: the error was raised, not a crash.
            assert conn.execute("SELECT 1").fetchone() == (1,), symbol
        # Each is refused as the declaration mismatch it is.
        wrong = {s: state for s, state in states.items() if state != "42P13"}
        assert not wrong


def test_the_error_names_the_argument_and_the_count(conn):
    conn.execute("CREATE FUNCTION wrong_nps(survey_summary) RETURNS double precision "
                 "AS '$libdir/csmetrics', 'csm_survey_nps_margin_at' LANGUAGE C STRICT")
    with pytest.raises(psycopg.errors.InvalidFunctionDefinition) as caught:
        conn.execute("SELECT wrong_nps(survey_agg(s)) FROM (VALUES (9), (10)) AS v(s)")
    diag = caught.value.diag
    assert diag.message_primary == (
        "csm_survey_nps_margin_at reads argument 2, but the call passes 1")
    assert diag.source_file.endswith("survey.rs")
