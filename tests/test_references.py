"""book/references.bib parses, and every citation in the chapters and pages has an entry."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO_ROOT

CITE = re.compile(r"\{cite:[a-z]+\}`([^`]+)`")


def test_bibliography_parses_and_every_citation_has_an_entry():
    database = pytest.importorskip("pybtex.database", reason="pybtex comes with the book extra")
    entries = database.parse_file(str(REPO_ROOT / "book" / "references.bib")).entries
    sources = list((REPO_ROOT / "notebooks").glob("*.ipynb")) + list((REPO_ROOT / "book").glob("*.md"))
    cited = {
        key.strip()
        for path in sources
        for keys in CITE.findall(path.read_text(encoding="utf-8"))
        for key in keys.split(",")
    }
    assert cited, "no citation found"
    missing = sorted(cited - set(entries))
    assert not missing, f"cited but not in book/references.bib: {missing}"
