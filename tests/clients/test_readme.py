"""Every SQL example in README.md and docs/*.md is executed, and its printed output compared.

An example is a ```sql block; when a plain ``` block follows it directly, that block is the
output psql must print (errors included). Examples run in order, in one database that has the
demo data, so later examples may use tables earlier ones created. An example that needs more
than one database starts with `-- executed by tests/clients/FILE (...)`: that test runs it, and
here its SQL must appear in FILE word for word. README.md runs first, then the docs pages in
name order, all in the same database.
"""
import re

import pytest

from conftest import ROOT, psql

BLOCK = re.compile(r"```sql\n(?P<sql>.*?)```\n(?:\n?```\n(?P<out>.*?)```\n)?", re.S)
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
EXAMPLES = [(page.relative_to(ROOT).as_posix(), m["sql"], m["out"])
            for page in PAGES for m in BLOCK.finditer(page.read_text())]


def normalize(text: str) -> str:
    text = re.sub(r"^psql:<stdin>:\d+: ", "", text, flags=re.M)
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def test_readme_has_examples():
    readme = [out for page, _, out in EXAMPLES if page == "README.md"]
    assert len(readme) >= 4
    assert sum(out is not None for out in readme) >= 4
    # The manual held 80 examples when it was split into pages: none may go missing.
    assert len(EXAMPLES) >= 80
    assert sum(out is not None for _, _, out in EXAMPLES) >= 78


def test_every_page_with_examples_is_read():
    # A page with SQL examples outside README.md and docs/ would never run: keep them here.
    pages = set(PAGES)
    for md in ROOT.rglob("*.md"):
        if any(part.startswith(".") or part in {"target", "node_modules"}
               for part in md.relative_to(ROOT).parts):
            continue
        if md not in pages:
            assert "```sql" not in md.read_text(), f"{md.relative_to(ROOT)} has SQL examples"


def test_docs_pages_have_examples():
    # a page whose fences stopped matching would silently test nothing
    for page in PAGES[1:]:
        assert any(p == page.relative_to(ROOT).as_posix() for p, _, _ in EXAMPLES), page


@pytest.mark.parametrize("index", range(len(EXAMPLES)),
                         ids=[f"{page}-{i}" for i, (page, _, _) in enumerate(EXAMPLES)])
def test_readme_example(db, index):
    page, sql, expected = EXAMPLES[index]
    elsewhere = re.match(r"-- executed by (tests/\S+)[^\n]*\n", sql)
    if elsewhere:
        assert sql[elsewhere.end():] in (ROOT / elsewhere[1]).read_text()
        return
    run = psql(db, sql)
    printed = normalize(run.stdout + run.stderr)
    if expected is None:
        assert "ERROR" not in printed, printed
    else:
        assert printed == normalize(expected), f"\n--- {page}\n{expected}\n--- psql\n{printed}"
