"""The SQL written once (scripts/gen-sql.py): the committed upgrade script and the equality/hash
blocks of the family files are exactly what the generator makes of their sources, and the
generator refuses the upgrades that would leave a database different from a fresh install.
(tests/clients/test_upgrade.py proves the catalog an upgrade gives; this proves the file.)"""
import importlib.util
import re
import shutil
import subprocess
import sys

import pytest

from conftest import PGBIN, ROOT

GEN = ROOT / "scripts" / "gen-sql.py"


def test_committed_sql_is_what_the_generator_makes():
    run = subprocess.run([sys.executable, str(GEN), "--check"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


@pytest.fixture
def tree(tmp_path):
    """A copy of the generator and sql/ to break on purpose."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(GEN, tmp_path / "scripts")
    shutil.copytree(ROOT / "sql", tmp_path / "sql")
    shutil.copy(ROOT / "Cargo.toml", tmp_path)
    return tmp_path


def gen(tree, *args):
    return subprocess.run([sys.executable, str(tree / "scripts" / "gen-sql.py"), *args],
                          capture_output=True, text=True)


def load(tree):
    spec = importlib.util.spec_from_file_location("gen_sql", tree / "scripts" / "gen-sql.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_an_appended_family_object_flows_into_the_upgrade_script(tree):
    customer = tree / "sql" / "customer.sql"
    customer.write_text(customer.read_text() + "\n-- A new helper.\nCREATE FUNCTION new_thing("
                        "x bigint) RETURNS bigint\n    AS 'MODULE_PATHNAME', 'csm_new' LANGUAGE C "
                        "IMMUTABLE STRICT PARALLEL SAFE;\n")
    assert gen(tree, "--check").returncode == 1
    assert gen(tree).returncode == 0
    upgrade = (tree / "sql" / "csmetrics--0.1.0--0.2.0.sql").read_text()
    assert "-- A new helper.\nCREATE FUNCTION new_thing(x bigint)" in upgrade
    # It lands in the customer section, before the revenue one.
    assert upgrade.index("new_thing") < upgrade.index("the revenue family (sql/revenue.sql)")
    assert gen(tree, "--check").returncode == 0


def test_a_changed_010_object_needs_a_delta(tree):
    survey = tree / "sql" / "survey.sql"
    text = survey.read_text()
    changed = text.replace("'csm_survey_summary_combine' LANGUAGE C IMMUTABLE STRICT",
                           "'csm_survey_summary_combine' LANGUAGE C STABLE STRICT", 1)
    assert changed != text
    survey.write_text(changed)
    run = gen(tree)
    assert run.returncode == 1
    assert "function survey_summary_combine (survey_summary, survey_summary) differs from its " \
           "0.1.0 definition" in run.stderr


def test_a_released_object_cannot_disappear(tree):
    survey = tree / "sql" / "survey.sql"
    text = survey.read_text()
    a = text.index("CREATE FUNCTION mean_score(")
    survey.write_text(text[:a] + text[text.index(";", a) + 1:])
    run = gen(tree)
    assert run.returncode == 1
    assert "function mean_score (survey_summary), created by 0.1.0, is in no family file" \
        in run.stderr


def test_a_delta_must_match_the_family_file(tree):
    delta = tree / "sql" / "delta" / "0.1.0--0.2.0.sql"
    delta.write_text(delta.read_text().replace("pg_catalog.generate_series(0, 10)",
                                               "pg_catalog.generate_series(0, 9)"))
    run = gen(tree)
    assert run.returncode == 1
    assert "function score_distribution (survey_summary) is not the same as in sql/survey.sql" \
        in run.stderr


def test_a_delta_cannot_create_new_objects(tree):
    delta = tree / "sql" / "delta" / "0.1.0--0.2.0.sql"
    delta.write_text(delta.read_text() + "\nCREATE FUNCTION elsewhere(bigint) RETURNS bigint "
                     "AS 'MODULE_PATHNAME', 'csm_x' LANGUAGE C;\n")
    run = gen(tree)
    assert run.returncode == 1
    assert "function elsewhere (bigint) is not a 0.1.0 object" in run.stderr


def test_the_template_is_the_one_source_of_the_equality_blocks(tree):
    template = tree / "sql" / "templates" / "equality.sql"
    template.write_text(template.read_text().replace("PARALLEL SAFE;", "PARALLEL SAFE ;"))
    assert gen(tree, "--check").returncode == 1
    assert gen(tree).returncode == 0
    for family in ["equality", "customer", "revenue", "health", "engagement"]:
        text = (tree / "sql" / f"{family}.sql").read_text()
        for block in re.findall(r"^-- BEGIN GENERATED.*?^-- END GENERATED", text, re.M | re.S):
            assert "PARALLEL SAFE ;" in block and "PARALLEL SAFE;" not in block


def test_every_stored_type_has_equality_from_the_template():
    text = "".join((ROOT / "sql" / f"{f}.sql").read_text() for f in
                   ["survey", "equality", "customer", "revenue", "health", "engagement"])
    types = re.findall(r"^-- BEGIN GENERATED equality\((\w+)\)", text, re.M)
    assert sorted(types) == sorted(["survey_summary", "share_state", "churn_state", "ttv_summary",
                                    "license_summary", "mrr_history", "mrr_state",
                                    "activity_summary", "active_users_state", "nrr_state",
                                    "health_score_state"]
                  + [f"{state}_{key}" for state in ["active_ratio_state", "repeat_purchase_state",
                                                    "customer_churn_state"]
                     for key in ["int8", "uuid", "text"]])
    # No hand-written copy outside the markers.
    outside = re.sub(r"^-- BEGIN GENERATED.*?^-- END GENERATED[^\n]*\n", "", text,
                     flags=re.M | re.S)
    assert "csm_summary_eq" not in outside


@pytest.mark.parametrize("stmt,key", [
    ("CREATE FUNCTION f(a double precision, b timestamp with time zone, OUT c int) "
     "RETURNS record AS 'x' LANGUAGE C;",
     ("function", "f", ("double precision", "timestamptz"))),
    ("CREATE OR REPLACE AGGREGATE @extschema@.g(score smallint) (SFUNC = s, STYPE = t);",
     ("aggregate", "g", ("smallint",))),
    ("CREATE OPERATOR @extschema@.<> (LEFTARG = a_t, RIGHTARG = a_t, FUNCTION = f);",
     ("operator", "<>", "a_t", "a_t")),
    ("CREATE CAST (survey_summary AS text) WITH INOUT;", ("cast", "survey_summary", "text")),
    ("CREATE TYPE t;", ("shell type", "t")),
    ("CREATE TYPE t (INPUT = i, OUTPUT = o);", ("type", "t")),
    ("COMMENT ON AGGREGATE nrr(numeric, numeric) IS 'x';",
     ("comment", "aggregate", "nrr", ("numeric", "numeric"))),
    ("CREATE OPERATOR CLASS @extschema@.t_ops DEFAULT FOR TYPE t USING hash AS OPERATOR 1 =;",
     ("operator class", "t_ops", "hash")),
])
def test_objects_are_identified_by_kind_and_signature(stmt, key):
    assert load(ROOT).identity(stmt) == key


def test_the_release_step_freezes_the_script_and_starts_the_next(tree):
    # CONTRIBUTING.md's release step, on a copy: the install script pgrx generated (installed
    # in the test server) becomes the released 0.2.0, the version goes to 0.3.0. The generator
    # must recognise every object of pgrx's script as released and unchanged, write an empty
    # 0.2.0 -> 0.3.0 script and leave 0.1.0 -> 0.2.0 alone.
    sharedir = subprocess.run([str(PGBIN / "pg_config"), "--sharedir"], capture_output=True,
                              text=True, check=True).stdout.strip()
    version = re.search(r'^version = "([^"]+)"', (ROOT / "Cargo.toml").read_text(), re.M)[1]
    shutil.copy(f"{sharedir}/extension/csmetrics--{version}.sql",
                tree / "sql" / "released" / f"csmetrics--{version}.sql")
    cargo = tree / "Cargo.toml"
    cargo.write_text(cargo.read_text().replace(f'version = "{version}"', 'version = "9.9.9"', 1))
    before = (tree / "sql" / "csmetrics--0.1.0--0.2.0.sql").read_text()
    run = gen(tree)
    assert run.returncode == 0, run.stderr
    nxt = (tree / "sql" / f"csmetrics--{version}--9.9.9.sql").read_text()
    assert [line for line in nxt.splitlines() if not line.startswith(("--", "\\"))] == []
    assert (tree / "sql" / "csmetrics--0.1.0--0.2.0.sql").read_text() == before
