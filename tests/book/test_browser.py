"""The built book in a real browser: headless Chromium over 127.0.0.1.

Every page must load with no console error, no failed or 4xx request and no
request leaving the machine; math must be typeset and images decoded. A
screenshot of each page is kept in _build/screenshots for review.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.book.conftest import BOOK_HTML, book_pages

pytestmark = pytest.mark.book

SCREENSHOTS = BOOK_HTML.parent / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
_REFRESH = re.compile(r'http-equiv="refresh"[^>]*url=([^"]+)"', re.IGNORECASE)


def _chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    message = "Chromium is not installed (Debian/Ubuntu: apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message)  # CI installs it, so its absence is a failure there
    pytest.skip(message)


sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


@pytest.fixture(scope="module")
def browser():
    executable = _chromium_path()
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


def _redirect_target(page_path: str) -> str | None:
    """Where a redirect page (``<meta http-equiv="refresh">``) sends the reader."""
    match = _REFRESH.search((BOOK_HTML / page_path).read_text(encoding="utf-8"))
    return match.group(1) if match else None


def _visit(browser, url: str, screenshot: Path, redirect_to: str | None = None) -> dict:
    """Open one page (following a redirect page) and report what went wrong on it."""
    problems: list[str] = []
    page = browser.new_page(viewport=DESKTOP)

    def block_outside(route):
        problems.append(f"request leaves the machine: {route.request.url}")
        route.abort()

    page.route(lambda u: not u.startswith(("http://127.0.0.1", "data:", "blob:")), block_outside)
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} ({r.failure})"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.goto(url, wait_until="load")
    if redirect_to:
        page.wait_for_url(f"**/{redirect_to}", timeout=10_000)
        page.wait_for_load_state("load")
    has_math = page.locator(".math").count() > 0
    if has_math:
        try:
            page.wait_for_function(
                "document.querySelectorAll('mjx-container').length > 0", timeout=15_000
            )
            page.evaluate("window.MathJax && MathJax.startup && MathJax.startup.promise")
        except sync_api.TimeoutError:
            problems.append("math was not typeset within 15 s (did MathJax load?)")
    broken_images = page.evaluate(
        "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
    )
    problems += [f"image not shown: {src}" for src in broken_images]
    typeset = page.locator("mjx-container").count()
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot), full_page=True)
    page.close()
    return {"problems": problems, "has_math": has_math, "typeset": typeset}


PAGES = [p.relative_to(BOOK_HTML).as_posix() for p in book_pages()]


@pytest.mark.parametrize("page_path", PAGES or ["index.html"])
def test_page_loads_cleanly(book_server, browser, page_path):
    result = _visit(
        browser,
        f"{book_server}/{page_path}",
        SCREENSHOTS / f"{page_path}.png",
        redirect_to=_redirect_target(page_path),
    )
    assert not result["problems"], "\n".join(result["problems"])


def test_math_is_typeset_on_the_landing_page(book_server, browser):
    result = _visit(browser, f"{book_server}/book/intro.html", SCREENSHOTS / "intro-math.png")
    assert result["typeset"] >= 2, result
