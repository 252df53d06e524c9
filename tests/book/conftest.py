"""Fixtures for the tests of the built book (run after `make book`)."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import pytest
import yaml

REPOSITORY = Path(__file__).resolve().parents[2]
BOOK_HTML = REPOSITORY / "_build" / "html"
BOOK_CONFIG = REPOSITORY / "book" / "_config.yml"
BOOK_TOC = REPOSITORY / "book" / "_toc.yml"
_SOURCE_SUFFIXES = {".md", ".ipynb", ".rst"}

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Nothing resolves but this machine, so a request that would leave it
    # fails at once (and the page test reports it) instead of waiting.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]


def book_pages() -> list[Path]:
    """Every HTML page of the built book (empty when it is not built)."""
    if not BOOK_HTML.is_dir():
        return []
    return sorted(p for p in BOOK_HTML.rglob("*.html") if "_static" not in p.parts)


def book_config() -> dict:
    """The book's ``_config.yml`` as a dictionary."""
    return yaml.safe_load(BOOK_CONFIG.read_text(encoding="utf-8")) or {}


def _toc_files(entry) -> Iterator[str]:
    """The ``file:`` entries of a table-of-contents node, depth first."""
    if isinstance(entry, list):
        for item in entry:
            yield from _toc_files(item)
    elif isinstance(entry, dict):
        if "glob" in entry:
            raise NotImplementedError("a glob entry in book/_toc.yml: list its files instead")
        if "file" in entry:
            yield str(entry["file"])
        for key in ("parts", "chapters", "sections", "subtrees", "entries"):
            if key in entry:
                yield from _toc_files(entry[key])


def toc_docnames() -> list[str]:
    """The documents of ``book/_toc.yml`` in reading order, without suffix.

    The book builds from the repository root, so a docname is a path from
    there: ``book/intro``, ``notebooks/00_getting_started``.
    """
    toc = yaml.safe_load(BOOK_TOC.read_text(encoding="utf-8"))
    names = [str(toc["root"]), *_toc_files(toc)]
    docnames = []
    for name in names:
        path = PurePosixPath(name)
        if path.suffix in _SOURCE_SUFFIXES:
            path = path.with_suffix("")
        docnames.append(path.as_posix())
    return docnames


def toc_pages() -> list[str]:
    """The HTML page of each document of the table of contents, in order."""
    return [f"{name}.html" for name in toc_docnames()]


def chapter_notebooks() -> list[str]:
    """The docnames of the table of contents whose source is a notebook."""
    return [name for name in toc_docnames() if (REPOSITORY / f"{name}.ipynb").is_file()]


@pytest.fixture(scope="session")
def book_html() -> Path:
    if not (BOOK_HTML / "index.html").is_file():
        pytest.skip(f"the book is not built in {BOOK_HTML}: run `make book` first")
    return BOOK_HTML


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib name
        pass


@pytest.fixture(scope="session")
def book_server(book_html: Path) -> Iterator[str]:
    """Serve the built book on 127.0.0.1 and yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(book_html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    message = "Chromium is not installed (Debian/Ubuntu: apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message)  # CI installs it, so its absence is a failure there
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (the system's) for the whole test session."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    executable = _chromium_path()
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()
