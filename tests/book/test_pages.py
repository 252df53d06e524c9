"""Checks of the book's reader pages: workshop guide, benchmarks, glossary.

They run on the built HTML (after `make book`): the workshop guide and the
benchmarks page show the same measured run times, every notebook in the
table of contents has a measured row, every glossary entry gives a Chinese
term, and every glossary link from a chapter lands on an entry.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

pytestmark = pytest.mark.book

REPO = Path(__file__).resolve().parents[2]
TOC = REPO / "book" / "_toc.yml"
CJK = re.compile(r"[\u4e00-\u9fff]")
TIME_COLUMNS = ("real s", "twin s")


class _TableParser(HTMLParser):
    """Every <table> of a page: its first header row and its body rows."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, list]] = []
        self._section = ""
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "table":
            self.tables.append({"header": [], "rows": []})
        elif tag in ("thead", "tbody"):
            self._section = tag
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("th", "td") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            table = self.tables[-1]
            if self._section == "thead":
                if not table["header"]:
                    table["header"] = self._row
            else:
                table["rows"].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


class _GlossaryParser(HTMLParser):
    """The entries of a Sphinx glossary: term id, term text, definition text."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[dict[str, str]] = []
        self.ids: set[str] = set()
        self._in = ""
        self._depth = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "dl" and "glossary" in (attributes.get("class") or ""):
            self._depth += 1
        if not self._depth:
            return
        if tag == "dt":
            self.entries.append({"id": attributes.get("id", ""), "term": "",
                                 "definition": ""})
            self._in = "term"
        elif tag == "dd":
            self._in = "definition"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("dt", "dd"):
            self._in = ""
        elif tag == "dl" and self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._in and self.entries:
            self.entries[-1][self._in] += data


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def _page(book_html: Path, name: str) -> str:
    path = book_html / name
    if not path.is_file():
        pytest.fail(f"{name} is missing from the built book")
    return path.read_text(encoding="utf-8")


def run_times(html: str) -> dict[int, tuple[str, str]]:
    """Chapter -> (real s, twin s) from the page's run-time table."""
    parser = _TableParser()
    parser.feed(html)
    for table in parser.tables:
        header = table["header"]
        if all(column in header for column in TIME_COLUMNS):
            where = [header.index(column) for column in TIME_COLUMNS]
            return {int(row[0]): tuple(row[i] for i in where)
                    for row in table["rows"] if row and row[0].isdigit()}
    pytest.fail("no table with the columns 'real s' and 'twin s' on the page")


def toc_notebooks() -> list[str]:
    """The notebooks in the table of contents, in reading order."""
    found = []

    def walk(node) -> None:
        if isinstance(node, dict):
            file = node.get("file", "")
            if file.startswith("notebooks/"):
                found.append(file.removeprefix("notebooks/"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(yaml.safe_load(TOC.read_text(encoding="utf-8")))
    return found


def test_workshop_times_match_the_benchmarks_page(book_html):
    benchmarks = run_times(_page(book_html, "book/benchmarks.html"))
    workshop = run_times(_page(book_html, "book/workshop.html"))
    assert benchmarks, "the benchmarks page lists no notebook"
    assert workshop == benchmarks


def test_every_notebook_in_the_toc_has_a_measured_row(book_html):
    measured = run_times(_page(book_html, "book/benchmarks.html"))
    notebooks = toc_notebooks()
    assert notebooks, f"no notebook found in {TOC}"
    missing = [name for name in notebooks if int(name[:2]) not in measured]
    assert not missing, (f"not in benchmarks/results/notebooks.csv: {missing}; "
                         "run `make bench`")
    unmeasured = [f"chapter {chapter}" for chapter, times in measured.items()
                  if "–" in times]
    assert not unmeasured, f"measured on one kind of data only: {unmeasured}"


def test_every_glossary_term_has_a_chinese_term_and_a_chapter(book_html):
    parser = _GlossaryParser()
    parser.feed(_page(book_html, "book/glossary.html"))
    assert len(parser.entries) >= 50
    no_chinese = [e["term"].strip("#¶ ") for e in parser.entries
                  if not CJK.search(e["definition"].split(":")[0])]
    assert not no_chinese, f"glossary terms without a Chinese term: {no_chinese}"
    no_chapter = [e["term"] for e in parser.entries
                  if "chapter" not in e["definition"]]
    assert not no_chapter, f"glossary terms without a chapter: {no_chapter}"


def test_chapter_glossary_links_resolve(book_html):
    glossary = _GlossaryParser()
    glossary.feed(_page(book_html, "book/glossary.html"))
    term_ids = {e["id"] for e in glossary.entries} | {
        i for i in glossary.ids if i.startswith("term-")}
    broken, without_terms = [], []
    for notebook in toc_notebooks():
        links = _LinkParser()
        links.feed(_page(book_html, f"notebooks/{notebook}.html"))
        to_glossary = [urlsplit(h) for h in links.hrefs
                       if urlsplit(h).path.endswith("glossary.html")
                       and urlsplit(h).fragment.startswith("term-")]
        if not to_glossary:
            without_terms.append(notebook)
        broken += [f"{notebook}: #{link.fragment}" for link in to_glossary
                   if unquote(link.fragment) not in term_ids]
    assert not broken, "links to missing glossary entries:\n" + "\n".join(broken)
    assert not without_terms, f"chapters with no Key terms links: {without_terms}"
