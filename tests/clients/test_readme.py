"""Every SQL example in README.md is executed, and its printed output compared.

An example is a ```sql block; when a plain ``` block follows it directly, that block is the
output psql must print (errors included). Examples run in order, in one database that has the
demo data, so later examples may use tables earlier ones created. An example that needs more
than one database starts with `-- executed by tests/clients/FILE (...)`: that test runs it, and
here its SQL must appear in FILE word for word.
"""
import re

import pytest

from conftest import ROOT, psql

BLOCK = re.compile(r"```sql\n(?P<sql>.*?)```\n(?:\n?```\n(?P<out>.*?)```\n)?", re.S)
EXAMPLES = [(m["sql"], m["out"]) for m in BLOCK.finditer((ROOT / "README.md").read_text())]


def normalize(text: str) -> str:
    text = re.sub(r"^psql:<stdin>:\d+: ", "", text, flags=re.M)
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def test_readme_has_examples():
    assert len(EXAMPLES) >= 10
    assert sum(out is not None for _, out in EXAMPLES) >= 10


@pytest.mark.parametrize("index", range(len(EXAMPLES)))
def test_readme_example(db, index):
    sql, expected = EXAMPLES[index]
    elsewhere = re.match(r"-- executed by (tests/clients/\S+)[^\n]*\n", sql)
    if elsewhere:
        assert sql[elsewhere.end():] in (ROOT / elsewhere[1]).read_text()
        return
    run = psql(db, sql)
    printed = normalize(run.stdout + run.stderr)
    if expected is None:
        assert "ERROR" not in printed, printed
    else:
        assert printed == normalize(expected), f"\n--- README\n{expected}\n--- psql\n{printed}"
