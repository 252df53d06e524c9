"""The instructor notes quote what the chapters print.

`book/instructor_notes.md` has a section per chapter ("## Chapter N: ...")
whose table of expected outputs gives, in its last column, the exact text
the chapter prints on the real data, in backticks. Each of those fragments
must appear in that chapter's page of the built book (built on the real
data), so a chapter whose numbers change cannot leave the notes behind.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from tests.book.conftest import REPOSITORY

pytestmark = pytest.mark.book

NOTES = REPOSITORY / "book" / "instructor_notes.md"
CHAPTER = re.compile(r"^## Chapter (\d+):", re.M)
TABLE_ROW = re.compile(r"^\|(.*)\|\s*$")
FRAGMENT = re.compile(r"`([^`]+)`")


def expected_fragments() -> dict[int, list[str]]:
    """Chapter -> the printed fragments its notes quote (last table column)."""
    text = NOTES.read_text(encoding="utf-8")
    starts = list(CHAPTER.finditer(text))
    fragments: dict[int, list[str]] = {}
    for match, following in zip(starts, [*starts[1:], None]):
        section = text[match.end(): following.start() if following else len(text)]
        found = []
        for line in section.splitlines():
            row = TABLE_ROW.match(line.strip())
            if row and not set(row.group(1)) <= set("|-: "):
                found += FRAGMENT.findall(row.group(1).split("|")[-1])
        fragments[int(match.group(1))] = found
    return fragments


def _page_text(path: Path) -> str:
    """A page's visible text: tags removed, entities decoded, spaces collapsed."""
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S | re.I)
    text = html.unescape(re.sub(r"<[^>]+>", "", raw))
    text = text.translate(str.maketrans("‘’“”", "''\"\""))  # Sphinx's smart quotes
    return " ".join(text.split())


def test_the_notes_quote_every_chapter():
    fragments = expected_fragments()
    chapters = sorted(int(p.name[:2]) for p in (REPOSITORY / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert sorted(fragments) == chapters
    assert all(fragments[c] for c in chapters), "a chapter's notes quote no output"


@pytest.mark.parametrize("chapter", sorted(expected_fragments()))
def test_quoted_outputs_appear_in_the_chapter_page(book_html, chapter):
    pages = sorted((book_html / "notebooks").glob(f"{chapter:02d}_*.html"))
    assert len(pages) == 1, f"expected one page for chapter {chapter}, found {pages}"
    text = _page_text(pages[0])
    missing = [f for f in expected_fragments()[chapter] if " ".join(f.split()) not in text]
    assert not missing, (
        f"{pages[0].name} does not print these outputs quoted in book/instructor_notes.md: {missing}"
    )
