"""Release metadata agrees with itself: Cargo.toml, META.json (PGXN), the control file, the
upgrade scripts and the install scripts kept for released versions."""
import json
import re

from conftest import ROOT


def cargo_version() -> str:
    return re.search(r'^version = "([^"]+)"', (ROOT / "Cargo.toml").read_text(), re.M)[1]


def test_pgxn_meta_matches_cargo():
    meta = json.loads((ROOT / "META.json").read_text())
    for key in ["name", "abstract", "version", "maintainer", "license", "provides", "meta-spec"]:
        assert key in meta, key
    assert meta["version"] == meta["provides"]["csmetrics"]["version"] == cargo_version()
    assert (ROOT / meta["provides"]["csmetrics"]["file"]).exists()
    assert meta["license"] == "postgresql"


def test_every_released_version_upgrades_to_the_current_one():
    released = sorted(p.name[len("csmetrics--"):-len(".sql")]
                      for p in (ROOT / "sql" / "released").glob("csmetrics--*.sql"))
    assert released, "sql/released/ keeps the install script of every released version"
    steps = {tuple(p.name[len("csmetrics--"):-len(".sql")].split("--"))
             for p in (ROOT / "sql").glob("csmetrics--*--*.sql")}
    # One script per release, chained: released[i] -> released[i+1] -> ... -> current.
    chain = released + [cargo_version()]
    for old, new in zip(chain, chain[1:]):
        assert (old, new) in steps, f"missing sql/csmetrics--{old}--{new}.sql"
    assert cargo_version() not in released
