"""Internal link check of the built HTML: every link and asset resolves."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.book.conftest import book_pages

pytestmark = pytest.mark.book

_LINK_ATTRIBUTES = {"a": "href", "link": "href", "script": "src", "img": "src", "iframe": "src"}
_ASSET_TAGS = {"link", "script", "img", "iframe"}


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        for key in ("id", "name"):
            if attributes.get(key):
                self.ids.add(attributes[key])
        wanted = _LINK_ATTRIBUTES.get(tag)
        if wanted and attributes.get(wanted):
            self.links.append((tag, attributes[wanted]))


def _parse(path: Path) -> _PageParser:
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_the_book_has_its_pages(book_html):
    pages = {p.relative_to(book_html).as_posix() for p in book_pages()}
    for expected in ("index.html", "book/intro.html", "book/data_sources.html",
                     "book/references.html", "notebooks/00_getting_started.html"):
        assert expected in pages


def test_the_site_root_has_a_favicon(book_html):
    """A browser asks the root for /favicon.ico when a page names no icon, as
    the root redirect page does; a 404 there is a console error."""
    from PIL import Image

    with Image.open(book_html / "favicon.ico") as icon:
        assert icon.format == "ICO"
        assert {(16, 16), (32, 32)} <= set(icon.info["sizes"])


def test_internal_links_and_anchors_resolve(book_html):
    parsed: dict[Path, _PageParser] = {}
    broken = []
    for page in book_pages():
        for tag, url in _parse(page).links:
            parts = urlsplit(url)
            if parts.scheme in {"http", "https"}:
                if tag in _ASSET_TAGS:
                    broken.append(f"{page.name}: external asset {url} (the book must work offline)")
                continue
            if parts.scheme or url.startswith("#") and not parts.fragment:
                continue  # mailto:, javascript:, data: and bare '#'
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(book_html)}: {url} -> missing file")
                continue
            if parts.fragment and target.suffix == ".html" and tag == "a":
                if target not in parsed:
                    parsed[target] = _parse(target)
                if unquote(parts.fragment) not in parsed[target].ids:
                    broken.append(f"{page.relative_to(book_html)}: {url} -> missing anchor")
    assert not broken, "\n".join(broken)
