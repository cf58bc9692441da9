"""ALTER EXTENSION csmetrics UPDATE from every released version gives exactly a fresh install.

A database created at 0.1.0 (the released install script, kept in sql/released/) stores
summaries, is updated to the current version, and then must have the same catalog as a fresh
install (functions, aggregates, types, operators, operator classes, their properties and
comments), read its stored values the same, and survive pg_dump / pg_restore.
"""
import subprocess

import psycopg
import pytest

from conftest import HOST, PGBIN, PORT, conninfo, fresh_database

RELEASED = ["0.1.0"]

# Every property of every object the extension owns, with OIDs shown as names so that two
# databases compare. One query per catalog; rows sorted.
CATALOG = {
    "functions": """
        SELECT p.oid::regprocedure::text, p.prorettype::regtype::text, p.prokind, p.provolatile,
               p.proparallel, p.proisstrict, p.proretset, p.prosecdef, p.proleakproof,
               coalesce(p.proargnames::text, ''), l.lanname,
               CASE WHEN l.lanname = 'c' THEN p.prosrc
                    ELSE md5(replace(p.prosrc, p.pronamespace::regnamespace::text || '.', '@extschema@.'))
               END,
               coalesce(p.probin, ''), coalesce(p.proconfig::text, ''), p.procost, p.prorows,
               coalesce(obj_description(p.oid, 'pg_proc'), '')
        FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
        WHERE p.oid IN (SELECT objid FROM members WHERE classid = 'pg_proc'::regclass)""",
    "aggregates": """
        SELECT a.aggfnoid::regprocedure::text, a.aggkind, a.aggnumdirectargs,
               a.aggtransfn::regprocedure::text, a.aggfinalfn::text, a.aggcombinefn::text,
               a.aggserialfn::text, a.aggdeserialfn::text, a.aggmtransfn::text,
               a.aggminvtransfn::text, a.aggmfinalfn::text, a.aggfinalextra, a.aggmfinalextra,
               a.aggfinalmodify, a.aggmfinalmodify, a.aggsortop::text,
               a.aggtranstype::regtype::text, a.aggtransspace, a.aggmtranstype::regtype::text,
               a.aggmtransspace, coalesce(a.agginitval, ''), coalesce(a.aggminitval, '')
        FROM pg_aggregate a
        WHERE a.aggfnoid IN (SELECT objid FROM members WHERE classid = 'pg_proc'::regclass)""",
    "types": """
        SELECT t.oid::regtype::text, t.typlen, t.typbyval, t.typtype, t.typcategory,
               t.typinput::text, t.typoutput::text, t.typreceive::text, t.typsend::text,
               t.typalign, t.typstorage, coalesce(obj_description(t.oid, 'pg_type'), '')
        FROM pg_type t
        WHERE t.oid IN (SELECT objid FROM members WHERE classid = 'pg_type'::regclass)""",
    "operators": """
        SELECT o.oid::regoperator::text, o.oprcode::text, o.oprcom::regoperator::text,
               o.oprnegate::regoperator::text, o.oprrest::text, o.oprjoin::text,
               o.oprcanhash, o.oprcanmerge, o.oprresult::regtype::text
        FROM pg_operator o
        WHERE o.oid IN (SELECT objid FROM members WHERE classid = 'pg_operator'::regclass)""",
    "operator classes": """
        SELECT am.amname, c.opcname, c.opcintype::regtype::text, c.opcdefault,
               (SELECT string_agg(format('%s %s', ap.amprocnum, ap.amproc::regprocedure), ', '
                                  ORDER BY ap.amprocnum)
                FROM pg_amproc ap WHERE ap.amprocfamily = c.opcfamily),
               (SELECT string_agg(format('%s %s', ao.amopstrategy, ao.amopopr::regoperator), ', '
                                  ORDER BY ao.amopstrategy)
                FROM pg_amop ao WHERE ao.amopfamily = c.opcfamily)
        FROM pg_opclass c JOIN pg_am am ON am.oid = c.opcmethod
        WHERE c.oid IN (SELECT objid FROM members WHERE classid = 'pg_opclass'::regclass)""",
    "members": """
        SELECT pg_describe_object(classid, objid, objsubid) FROM members""",
}

MEMBERS = """CREATE TEMP VIEW members AS
    SELECT d.classid, d.objid, d.objsubid FROM pg_depend d
    JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'csmetrics'
    WHERE d.deptype = 'e'"""


def catalog(dbname):
    with psycopg.connect(conninfo(dbname), autocommit=True) as conn:
        # Names print the same whichever schema the extension is in.
        schema = conn.execute("SELECT extnamespace::regnamespace::text FROM pg_extension "
                              "WHERE extname = 'csmetrics'").fetchone()[0]
        conn.execute(f"SET search_path = {schema}, pg_catalog")
        conn.execute(MEMBERS)
        return {name: sorted(map(tuple, conn.execute(sql).fetchall()))
                for name, sql in CATALOG.items()}


STORED = """CREATE TABLE stored AS
    SELECT g AS k, survey_agg(score) AS summary,
           share_accum_csat('{"version":1,"hits":0,"total":0}'::share_state, 1 + g % 5, 4, 5) AS share
    FROM generate_series(1, 40) AS g, LATERAL generate_series(0, g % 11) AS score
    GROUP BY g"""
READ = """SELECT k, summary::text, nps(summary), responses(summary), share::text, share_percent(share)
          FROM stored ORDER BY k"""


@pytest.fixture(scope="module")
def fresh():
    return fresh_database("csm_upgrade_fresh", demo=False)


@pytest.mark.parametrize("version", RELEASED)
def test_update_gives_the_catalog_of_a_fresh_install(version, fresh):
    name = f"csm_upgrade_from_{version.replace('.', '_')}"
    old = fresh_database(name, demo=False)
    with psycopg.connect(conninfo(old), autocommit=True) as conn:
        conn.execute("DROP EXTENSION csmetrics")
        conn.execute("CREATE EXTENSION csmetrics VERSION %s" % psycopg.sql.quote(version))
        conn.execute(STORED)
        before = conn.execute(READ).fetchall()
        conn.execute("ALTER EXTENSION csmetrics UPDATE")
        current = conn.execute(
            "SELECT default_version FROM pg_available_extensions WHERE name = 'csmetrics'").fetchone()[0]
        assert conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'csmetrics'"
                            ).fetchone()[0] == current != version
        # Stored values read the same, and the new operators work on them.
        assert conn.execute(READ).fetchall() == before
        assert conn.execute("SELECT count(*) FROM (SELECT DISTINCT summary FROM stored) AS d"
                            ).fetchone()[0] == 11
    upgraded, installed = catalog(old), catalog(fresh)
    for part in CATALOG:
        assert upgraded[part] == installed[part], part
    assert len(installed["functions"]) > 90

    # The upgraded database dumps and restores.
    dump_file = f"/tmp/{name}.dump"
    common = ["-h", HOST, "-p", str(PORT), "-U", "postgres"]
    subprocess.run([str(PGBIN / "pg_dump"), *common, "-Fc", "-f", dump_file, old], check=True)
    target = fresh_database(name + "_restored", demo=False)
    with psycopg.connect(conninfo(target), autocommit=True) as conn:
        conn.execute("DROP EXTENSION csmetrics")
    subprocess.run([str(PGBIN / "pg_restore"), *common, "-d", target, "--exit-on-error", dump_file],
                   check=True)
    with psycopg.connect(conninfo(target), autocommit=True) as conn:
        assert conn.execute(READ).fetchall() == before
