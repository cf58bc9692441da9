"""Install security, tested as non-superusers: csmetrics is trusted, so any user with CREATE on a
database installs it, and its scripts then run with a superuser's rights. A hostile schema first
in the installer's search_path, holding functions and operators named like those the install and
upgrade scripts use, must change nothing: none of them runs, and the catalog is exactly that of
a clean install."""
import re

import psycopg

from conftest import ROOT, conninfo, fresh_database
from test_upgrade import CATALOG, catalog

# Every function the scripts call by name (outside the extension's own) gets a hostile twin.
HOSTILE_FUNCTIONS = """
CREATE FUNCTION hostile.log(what text) RETURNS void LANGUAGE sql SECURITY INVOKER
    AS $$ INSERT INTO hostile.calls VALUES (what) $$;
CREATE FUNCTION hostile.generate_series(integer, integer) RETURNS SETOF integer LANGUAGE sql
    AS $$ SELECT hostile.log('generate_series'); SELECT 666 $$;
CREATE FUNCTION hostile.int4eq_hostile(integer, integer) RETURNS boolean LANGUAGE sql
    AS $$ SELECT hostile.log('='); SELECT true $$;
CREATE OPERATOR hostile.= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = hostile.int4eq_hostile);
CREATE OPERATOR hostile.< (LEFTARG = integer, RIGHTARG = integer, FUNCTION = hostile.int4eq_hostile);
"""


def names_called_by_scripts():
    """Identifiers followed by "(" in the SQL of the scripts' LANGUAGE sql bodies."""
    text = "\n".join(p.read_text() for p in (ROOT / "sql").glob("*.sql"))
    bodies = re.findall(r"\$\$(.*?)\$\$", text, re.S)
    return {m.lower() for body in bodies for m in re.findall(r"(?<![.\w])([a-z_]\w*)\s*\(", body, re.I)}


def test_hostile_functions_cover_what_the_scripts_call():
    keywords = {"select", "from", "values", "as", "in", "exists", "and", "or", "not", "with",
                "over", "filter", "where", "on", "using", "join", "lateral", "coalesce",
                "nullif", "greatest", "least", "case", "when", "then", "cast", "row", "array"}
    # Unqualified calls in bodies would be the risk; the catalog test rejects them, and here
    # the hostile twins cover the built-ins the bodies call qualified.
    assert names_called_by_scripts() - keywords == set(), names_called_by_scripts() - keywords


def test_hostile_search_path_changes_nothing():
    clean = fresh_database("csm_secure_clean", demo=False)
    db = fresh_database("csm_secure", demo=False)
    with psycopg.connect(conninfo(db), autocommit=True) as su:
        su.execute("DROP EXTENSION csmetrics")
        for role in ["csm_mallory", "csm_alice"]:
            su.execute(f"DROP OWNED BY {role}" if su.execute(
                "SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() else "SELECT 1")
            su.execute(f"DROP ROLE IF EXISTS {role}")
            su.execute(f"CREATE ROLE {role} LOGIN")
            su.execute(f"GRANT CREATE ON DATABASE {db} TO {role}")
    # Mallory plants the trap, readable and callable by everyone.
    with psycopg.connect(conninfo(db).replace("user=postgres", "user=csm_mallory"),
                         autocommit=True) as mallory:
        mallory.execute("CREATE SCHEMA hostile")
        mallory.execute("CREATE TABLE hostile.calls (what text)")
        mallory.execute("GRANT USAGE ON SCHEMA hostile TO PUBLIC")
        mallory.execute("GRANT INSERT, SELECT ON hostile.calls TO PUBLIC")
        mallory.execute(HOSTILE_FUNCTIONS)
    # Alice, no superuser, installs 0.1.0 and updates, with the trap first in her search_path,
    # then uses the set-returning SQL functions the same way.
    with psycopg.connect(conninfo(db).replace("user=postgres", "user=csm_alice"),
                         autocommit=True) as alice:
        assert not alice.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
                                 ).fetchone()[0]
        alice.execute("CREATE SCHEMA kpi")
        alice.execute("SET search_path = hostile, kpi, public")
        alice.execute("CREATE EXTENSION csmetrics SCHEMA kpi VERSION '0.1.0'")
        alice.execute("ALTER EXTENSION csmetrics UPDATE")
        rows = alice.execute("SELECT d.* FROM (SELECT kpi.survey_agg(x) AS s FROM "
                             "(VALUES (3), (3), (9)) AS t(x)) AS t, kpi.score_distribution(t.s) AS d "
                             "WHERE d.answers > 0 ORDER BY 1").fetchall()
        assert rows == [(3, 2), (9, 1)]
        assert alice.execute("SELECT count(*) FROM hostile.calls").fetchone()[0] == 0
    with psycopg.connect(conninfo(db), autocommit=True) as su:
        # Nothing of the extension runs with its owner's rights.
        assert su.execute("""SELECT count(*) FROM pg_proc p
                             JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
                             JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'csmetrics'
                             WHERE p.prosecdef""").fetchone()[0] == 0
    # The same catalog as a clean install by a superuser (schema names aside).
    installed, secured = catalog(clean), catalog(db)
    for part in CATALOG:
        normalise = lambda rows: sorted(tuple(re.sub(r"\b(kpi|public)\.", "", str(v)) for v in r)
                                        for r in rows)
        assert normalise(secured[part]) == normalise(installed[part]), part
