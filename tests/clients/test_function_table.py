"""The README's function table tells the truth about every function: one row per SQL-callable
name and kind (aggregate or plain function), its Kind column (volatility, strictness, moving
mode) equal to what pg_proc says, and no public function left out. Support functions
(transition, combine, serialization, final, type I/O, equality and hashing) are documented in
docs/survey.md instead and are recognised by name here."""
import re

import psycopg
import pytest

from conftest import ROOT, conninfo, fresh_database

SUPPORT = re.compile(
    r"(_in|_out|_recv|_send|_eq|_ne|_hash|_hash_extended|_combine\w*|_uncombine|_serialize\w*"
    r"|_deserialize\w*|_final\w*|_nonempty|_percent_\w+|_rollup_accum\w*)$"
    r"|_accum|_retract|^share_percent$|^health_state_score$|^(churn|retention)_rate$")
VOLATILITY = {"i": "immutable", "s": "stable", "v": "volatile"}

# Per name and kind: the volatilities of its overloads (an aggregate's is the most volatile of
# its transition and final functions, which is what decides where it may be used), their
# strictness, and whether they have a moving-aggregate mode.
CATALOG = """
SELECT p.proname, p.prokind = 'a' AS agg,
       string_agg(DISTINCT CASE WHEN p.prokind = 'a'
                                THEN (SELECT max(f.provolatile::text) FROM pg_proc f
                                      WHERE f.oid IN (a.aggtransfn, a.aggfinalfn))
                                ELSE p.provolatile::text END, '') AS volatilities,
       bool_and(p.proisstrict) AS all_strict, bool_or(p.proisstrict) AS any_strict,
       bool_and(a.aggmtransfn <> 0) AS all_moving, bool_or(a.aggmtransfn <> 0) AS any_moving
FROM pg_proc p
LEFT JOIN pg_aggregate a ON a.aggfnoid = p.oid
WHERE p.oid IN (SELECT objid FROM pg_depend
                WHERE refobjid = (SELECT oid FROM pg_extension WHERE extname = 'csmetrics')
                  AND classid = 'pg_proc'::regclass AND deptype = 'e')
GROUP BY 1, 2
"""


def kind(volatilities: str, agg: bool, all_strict, any_strict, all_moving, any_moving) -> str:
    vol = "/".join(VOLATILITY[c] for c in "isv" if c in volatilities)
    if agg:
        moving = " · moving" if all_moving else " · moving (some)" if any_moving else ""
        return f"agg · {vol}{moving}"
    strict = "strict" if all_strict else "strict (some)" if any_strict else "not strict"
    return f"{vol} · {strict}"


def table_rows() -> list[tuple[str, str]]:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("\n## Functions\n"):]
    section = section[:section.index("\n## ", 5)]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        m = re.match(r"^\[`(\w+)`\]\(", cells[0]) if len(cells) == 5 else None
        if m:
            rows.append((m[1], cells[3]))
    return rows


@pytest.fixture(scope="module")
def catalog():
    db = fresh_database("csm_function_table", demo=False)
    with psycopg.connect(conninfo(db)) as conn:
        return {(r[0], r[1]): kind(r[2], r[1], *r[3:]) for r in conn.execute(CATALOG)}


def test_the_table_parses():
    rows = table_rows()
    assert len(rows) >= 60
    assert ("nps", "agg · immutable · moving") in rows


def test_every_row_says_what_pg_proc_says(catalog):
    for name, said in table_rows():
        key = (name, said.startswith("agg"))
        assert key in catalog, f"README lists {name} ({said}), which the extension lacks"
        assert said == catalog[key], f"{name}: the README says {said!r}, pg_proc {catalog[key]!r}"


def test_every_public_function_is_in_the_table(catalog):
    listed = {(name, said.startswith("agg")) for name, said in table_rows()}
    missing = sorted(f"{name} ({'aggregate' if agg else 'function'})"
                     for name, agg in catalog if not SUPPORT.search(name)
                     and (name, agg) not in listed)
    assert not missing, f"not in the README's function table: {missing}"


def test_one_row_per_name_and_kind():
    # Kind describes every overload of a name and kind, so each has exactly one row.
    rows = [(name, said.startswith("agg")) for name, said in table_rows()]
    assert len(rows) == len(set(rows)), sorted(r for r in rows if rows.count(r) > 1)


def test_what_the_table_says_of_every_function(catalog):
    # "Every function is PARALLEL SAFE, and every aggregate has a combine function."
    with psycopg.connect(conninfo("csm_function_table")) as conn:
        unsafe = conn.execute("""
            SELECT p.oid::regprocedure::text FROM pg_proc p
            LEFT JOIN pg_aggregate a ON a.aggfnoid = p.oid
            WHERE p.oid IN (SELECT objid FROM pg_depend
                            WHERE refobjid = (SELECT oid FROM pg_extension
                                              WHERE extname = 'csmetrics')
                              AND classid = 'pg_proc'::regclass AND deptype = 'e')
              AND (p.proparallel <> 's' OR (p.prokind = 'a' AND a.aggcombinefn = 0))""").fetchall()
    assert unsafe == []
