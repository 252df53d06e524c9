"""Fixtures for the tests of the built book (run after `make book`)."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

BOOK_HTML = Path(__file__).resolve().parents[2] / "_build" / "html"


def book_pages() -> list[Path]:
    """Every HTML page of the built book (empty when it is not built)."""
    if not BOOK_HTML.is_dir():
        return []
    return sorted(p for p in BOOK_HTML.rglob("*.html") if "_static" not in p.parts)


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
