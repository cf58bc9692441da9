"""Every relative link of the manual resolves: the file exists, and a #anchor names a heading of
that page (as GitHub derives anchors from headings). Covers README.md, docs/*.md,
CONTRIBUTING.md and bench/RESULTS.md."""
import re

import pytest

from conftest import ROOT

PAGES = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "bench" / "RESULTS.md",
         *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def prose(text: str) -> str:
    """The text outside fenced code blocks and inline code."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)
    return re.sub(r"`[^`\n]*`", "", text)


def anchors(path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, -1, -2
    for repeats."""
    seen: dict[str, int] = {}
    out = set()
    text = re.sub(r"^```.*?^```", "", path.read_text(), flags=re.M | re.S)
    for heading in re.findall(r"^#{1,6} (.+?)\s*$", text, re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.replace("`", "").lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.add(slug if n == 0 else f"{slug}-{n}")
    return out


def links():
    for page in PAGES:
        for target in LINK.findall(prose(page.read_text())):
            if not re.match(r"^[a-z]+:", target):
                yield page, target


def test_pages_exist_and_link():
    assert all(p.exists() for p in PAGES)
    assert len(list(links())) > 50


@pytest.mark.parametrize("page,target", list(links()),
                         ids=[f"{p.relative_to(ROOT)}->{t}" for p, t in links()])
def test_relative_link_resolves(page, target):
    path, _, anchor = target.partition("#")
    dest = (page.parent / path).resolve() if path else page
    assert dest.exists(), f"{page.relative_to(ROOT)}: {target}: no such file"
    if anchor:
        assert dest.suffix == ".md", f"{page.relative_to(ROOT)}: {target}: anchor into a non-page"
        assert anchor in anchors(dest), \
            f"{page.relative_to(ROOT)}: {target}: no heading with that anchor in {dest.name}"


def test_anchor_rules():
    # The rules the anchors above rely on, on headings this manual has.
    readme = anchors(ROOT / "README.md")
    assert {"installation", "postgresql-versions", "functions", "performance"} <= readme
    survey = anchors(ROOT / "docs" / "survey.md")
    assert "accessors-of-survey_summary" in survey
