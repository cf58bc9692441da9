"""Amounts as PostgreSQL stores them in a row (1-byte header, short format) and as an
expression computes them (4-byte header) read alike: the same money, or the same error,
whichever of the readers of `kpi::pgformat::numeric` (the per-row fast paths or the full one)
takes them. The bytes are PostgreSQL's own, so this also checks the readers against the server.
"""
import random

import psycopg
import pytest

# Every shape: zero with and without a display scale, one to four base-10000 digits, leading
# zero digits after the point, display scales up to money's 38 and past it (refused), values
# whose display scale is past the short format's fast path.
SHAPES = [
    "0", "0.00", "-0.00", "1", "49.99", "-12.5", "6530.93", "0.0001", "0.00015", "9999.9999",
    "10000", "123456789012.3456", "99999999999999999999.99", "7.000000001",
    "5." + "0" * 31, "5." + "0" * 32, "5." + "0" * 38, "5." + "0" * 39,
    "0." + "0" * 37 + "1", "0." + "0" * 39 + "1", "0." + "0" * 40, "-0." + "0" * 45 + "7",
]


def amounts():
    rng = random.Random(22)
    out = list(SHAPES)
    for _ in range(300):
        decimals = rng.choice([0, 1, 2, 4, 6, 12, 30, 38, 40])
        digits = str(rng.randrange(10 ** rng.randrange(1, 25)))
        digits = digits.rjust(decimals + 1, "0")
        text = digits[:len(digits) - decimals] + ("." + digits[len(digits) - decimals:] if decimals else "")
        out.append(("-" if rng.random() < 0.2 else "") + text)
    return out


def result(conn, sql, *args):
    try:
        return ("ok", conn.execute(sql, args).fetchone()[0])
    except psycopg.Error as e:
        return ("error", e.sqlstate, e.diag.message_primary)


@pytest.fixture
def table(conn):
    conn.execute("DROP TABLE IF EXISTS stored_amounts")
    conn.execute("CREATE TABLE stored_amounts (i int, a numeric)")
    with conn.cursor().copy("COPY stored_amounts FROM STDIN") as copy:
        for i, a in enumerate(amounts()):
            copy.write_row((i, a))
    return conn


def test_stored_and_computed_amounts_read_alike(table):
    conn = table
    n = conn.execute("SELECT count(*) FROM stored_amounts").fetchone()[0]
    refused = 0
    for i in range(n):
        stored = result(conn, "SELECT mrr_agg(1::bigint, date '2025-01-01', a)::text "
                              "FROM stored_amounts WHERE i = %s", i)
        computed = result(conn, "SELECT mrr_agg(1::bigint, date '2025-01-01', a + 0)::text "
                                "FROM stored_amounts WHERE i = %s", i)
        assert stored == computed, conn.execute(
            "SELECT a::text FROM stored_amounts WHERE i = %s", (i,)).fetchone()[0]
        refused += stored[0] == "error"
        # The sums' fast path (ten-thousandths) and the full reader, through nrr().
        stored = result(conn, "SELECT nrr(a, a, 0, 0)::text FROM stored_amounts WHERE i = %s", i)
        computed = result(conn, "SELECT nrr(a + 0, a + 0, 0, 0)::text "
                                "FROM stored_amounts WHERE i = %s", i)
        assert stored == computed
    # A display scale past 38 is refused, never read as money of a scale it cannot have.
    assert refused >= 4
    for text in ["0." + "0" * 39 + "1", "5." + "0" * 39]:
        got = result(conn, "SELECT mrr_agg(1::bigint, date '2025-01-01', a) "
                           "FROM stored_amounts WHERE a::text = %s", text)
        assert got[:2] == ("error", "22003"), (text, got)
