"""The built book in a real browser: headless Chromium over 127.0.0.1.

Every page, at desktop and at phone width, must load with no console error,
no JavaScript exception, no failed or 4xx request and no request leaving the
machine. The document must not scroll sideways (wide tables, outputs and
equations scroll inside their own box) and no content may be cut off. Every
math element must be typeset and no raw TeX left in the text; every image
must be decoded and shown. A screenshot of each page is kept under
_build/screenshots/<width>/ (desktop, phone) for review: the full page by
default, the first screen only where SMARTMKT_SCREENSHOTS=first-screen (as
CI sets it: nobody reads CI's screenshots, and a full page of a long
chapter costs a few seconds; the checks are the same either way).

The search page must find a chapter's term, and the "next" links must walk
the table of contents (book/_toc.yml) from the landing page to the last page,
the "previous" links back again.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.book.conftest import BOOK_HTML, book_pages, toc_pages

pytestmark = pytest.mark.book

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

SCREENSHOTS = BOOK_HTML.parent / "screenshots"
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {
        "viewport": {"width": 375, "height": 812},
        "is_mobile": True,
        "has_touch": True,
    },
}
# JPEG: a full-page PNG of a long chapter takes about twice as long to make,
# and the screenshots are for reading, not for pixel comparison.
SCREENSHOT_FORMAT = {"type": "jpeg", "quality": 85}
FULL_PAGE_SCREENSHOTS = os.environ.get("SMARTMKT_SCREENSHOTS", "full-page") != "first-screen"
MATH_TIMEOUT_MS = 15_000
SEARCH_TERM = "Thompson"
_REFRESH = re.compile(r'http-equiv="refresh"[^>]*url=([^"]+)"', re.IGNORECASE)


def _pages_to_visit() -> list[str]:
    """The table of contents in reading order, then every other built page."""
    pages = toc_pages()
    built = [p.relative_to(BOOK_HTML).as_posix() for p in book_pages()]
    return pages + [p for p in built if p not in pages]


PAGES = _pages_to_visit()

# What the page shows, measured in the browser after load (and MathJax).
_INSPECT = """
() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const describe = (e) => e.tagName.toLowerCase()
      + (e.id ? '#' + e.id : '')
      + (typeof e.className === 'string' && e.className.trim()
         ? '.' + e.className.trim().split(/\\s+/).slice(0, 3).join('.') : '');
  // The culprits of a sideways scroll: elements past the right edge that
  // no scroll box clips and no fixed drawer holds, none of whose children
  // is also past it.
  let overflowing = [];
  if (root.scrollWidth > width + 1) {
    const past = (e) => e.getBoundingClientRect().right > width + 1;
    const contained = (e) => {
      for (let a = e; a && a !== root; a = a.parentElement) {
        const style = getComputedStyle(a);
        if (style.position === 'fixed') return true;
        if (a !== e && style.overflowX !== 'visible') return true;
      }
      return false;
    };
    overflowing = Array.from(document.body.querySelectorAll('*'))
      .filter(e => past(e) && !contained(e)
              && !Array.from(e.children).some(past))
      .slice(0, 5).map(e => describe(e) + ' (right edge '
        + Math.round(e.getBoundingClientRect().right) + ' px)');
  }
  const article = document.querySelector('article') || document.body;
  // Content cut off for good: a leaf of the article that sticks out of the
  // nearest box that clips it, where that box hides the rest instead of
  // scrolling (a few pixels of glyph overhang are allowed).
  const cutOff = [];
  for (const e of article.querySelectorAll('*')) {
    if (e.children.length || e.closest('mjx-assistive-mml')) continue;
    const box = e.getBoundingClientRect();
    if (!box.width) continue;
    for (let a = e.parentElement; a && a !== root; a = a.parentElement) {
      const overflow = getComputedStyle(a).overflowX;
      if (overflow === 'visible') continue;
      const clip = a.getBoundingClientRect();
      if ((overflow === 'hidden' || overflow === 'clip')
          && (box.right > clip.right + 4 || box.left < clip.left - 4)) {
        cutOff.push(describe(e) + ' in ' + describe(a));
      }
      break;
    }
  }
  const images = Array.from(article.querySelectorAll('img')).map(i => {
    const box = i.getBoundingClientRect();
    return {src: i.currentSrc || i.src, loaded: i.complete && i.naturalWidth > 0,
            width: box.width, height: box.height,
            shown: i.checkVisibility({visibilityProperty: true})};
  });
  const brokenAnywhere = Array.from(document.images)
    .filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src);
  // Raw TeX left in the text: look at prose only, not at code or outputs.
  const prose = article.cloneNode(true);
  prose.querySelectorAll('pre, code, mjx-container, script, style, textarea, '
      + '.highlight, .cell_output, .output').forEach(e => e.remove());
  const text = prose.textContent;
  const rawTex = ['$$', '\\\\(', '\\\\[', '\\\\begin{', '\\\\frac{']
    .filter(s => text.includes(s));
  const mathElements = Array.from(document.querySelectorAll('.math'));
  return {
    scrollWidth: root.scrollWidth, clientWidth: width, overflowing,
    cutOff: cutOff.slice(0, 5), cutOffCount: cutOff.length,
    images, brokenAnywhere, rawTex,
    math: mathElements.length,
    untypeset: mathElements.filter(e => !e.querySelector('mjx-container')).length,
    typeset: document.querySelectorAll('mjx-container').length,
  };
}
"""


@pytest.fixture(scope="module")
def contexts(browser):
    """One browser context per width, shared by every page of this module.

    "links" has scripts turned off: the navigation walk follows plain HTML
    links, and the page test already checks what scripts do.
    """
    made = {name: browser.new_context(**options) for name, options in VIEWPORTS.items()}
    made["links"] = browser.new_context(**VIEWPORTS["desktop"], java_script_enabled=False)
    yield made
    for context in made.values():
        context.close()


def _redirect_target(page_path: str) -> str | None:
    """Where a redirect page (``<meta http-equiv="refresh">``) sends the reader."""
    path = BOOK_HTML / page_path
    if not path.is_file():
        return None  # not built: the visit reports the 404
    match = _REFRESH.search(path.read_text(encoding="utf-8"))
    return match.group(1) if match else None


def _open(context, base_url: str):
    """A new tab that records every problem the browser reports."""
    problems: list[str] = []
    page = context.new_page()

    def failed(request) -> None:
        if request.url.startswith((base_url, "data:", "blob:")):
            problems.append(f"failed: {request.url} ({request.failure})")
        else:  # the browser resolves no other host (CHROMIUM_FLAGS)
            problems.append(f"request leaves the machine: {request.url}")

    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", failed)
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    return page, problems


def _wait_for_math(page) -> str | None:
    """Wait until MathJax has typeset the page; a message when it did not."""
    try:
        page.wait_for_function(
            "() => window.MathJax && MathJax.startup && MathJax.startup.promise",
            timeout=MATH_TIMEOUT_MS,
        )
        page.evaluate("() => MathJax.startup.promise.then(() => true)")
    except sync_api.Error as error:
        return f"math was not typeset within {MATH_TIMEOUT_MS / 1000:.0f} s (did MathJax load?): {error}"
    return None


def _visit(context, base_url: str, page_path: str, screenshot: Path | None) -> tuple[list[str], dict]:
    """Open one page (following a redirect page), check it and screenshot it."""
    page, problems = _open(context, base_url)
    try:
        page.goto(f"{base_url}/{page_path}", wait_until="load")
        redirect_to = _redirect_target(page_path)
        if redirect_to:
            page.wait_for_url(f"**/{redirect_to}", timeout=10_000)
            page.wait_for_load_state("load")
        if page.locator(".math").count():
            message = _wait_for_math(page)
            if message:
                problems.append(message)
        state = page.evaluate(_INSPECT)
        if screenshot:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=FULL_PAGE_SCREENSHOTS, **SCREENSHOT_FORMAT)
    finally:
        page.close()

    if state["scrollWidth"] > state["clientWidth"] + 1:
        problems.append(
            f"the page scrolls sideways: {state['scrollWidth']} px of content in "
            f"{state['clientWidth']} px; past the edge: {', '.join(state['overflowing'])}"
        )
    if state["cutOffCount"]:
        problems.append(
            f"{state['cutOffCount']} elements cut off by a box that neither grows nor "
            f"scrolls, e.g. {', '.join(state['cutOff'])}"
        )
    if state["untypeset"]:
        problems.append(f"{state['untypeset']} of {state['math']} math elements not typeset")
    if state["rawTex"]:
        problems.append(f"raw TeX left in the text: {state['rawTex']}")
    problems += [f"image not decoded: {src}" for src in state["brokenAnywhere"]]
    for image in state["images"]:
        if not image["loaded"]:
            continue  # reported above
        if image["shown"] and not (image["width"] > 0 and image["height"] > 0):
            problems.append(f"image shown at zero size: {image['src']}")
    return problems, state


@pytest.mark.parametrize("width", list(VIEWPORTS))
@pytest.mark.parametrize("page_path", PAGES)
def test_page_reads_cleanly(book_server, contexts, page_path, width):
    problems, _ = _visit(
        contexts[width], book_server, page_path, SCREENSHOTS / width / f"{page_path}.jpg"
    )
    assert not problems, "\n".join(problems)


def test_math_is_typeset_on_the_landing_page(book_server, contexts):
    problems, state = _visit(contexts["desktop"], book_server, "book/intro.html", screenshot=None)
    assert not problems, "\n".join(problems)
    assert state["typeset"] >= 2, state


def test_search_finds_a_chapter(book_server, contexts):
    """The search page (search.html?q=...) lists a chapter that uses the term."""
    chapters = [
        page for page in toc_pages()
        if page.startswith("notebooks/")
        and (BOOK_HTML / page).is_file()
        and SEARCH_TERM.lower() in (BOOK_HTML / page).read_text(encoding="utf-8").lower()
    ]
    assert chapters, f"no chapter mentions {SEARCH_TERM!r}: choose another search term"
    page, problems = _open(contexts["desktop"], book_server)
    try:
        page.goto(f"{book_server}/search.html?q={quote(SEARCH_TERM)}", wait_until="load")
        results = page.locator("#search-results ul.search li a")
        results.first.wait_for(timeout=15_000)
        found = {
            href.split("#")[0].split("?")[0]
            for href in results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
        }
        summary = page.locator("#search-results p.search-summary").inner_text()
    finally:
        page.close()
    assert not problems, "\n".join(problems)
    assert any(chapter in found for chapter in chapters), (found, summary)


def _link_target(page, selector: str, base_url: str) -> str | None:
    """The page a link of the current page leads to (None: no such link)."""
    link = page.locator(selector)
    if not link.count():
        return None
    url = link.first.evaluate("a => a.href")  # resolved against the page
    return url.removeprefix(base_url + "/").split("#")[0]


def test_next_and_previous_walk_the_table_of_contents(book_server, contexts):
    """From the landing page, "next" reads the whole book in order; "previous" goes back.

    The walk clicks each "next" link; on every page it reads where "previous"
    leads, which walks the same chain backwards without loading each page
    a second time.
    """
    expected = toc_pages()
    page = contexts["links"].new_page()
    forward, previous = [], {}
    try:
        page.goto(f"{book_server}/index.html", wait_until="load")
        page.wait_for_url(f"**/{expected[0]}", timeout=10_000)
        # The built sidebar lists the same pages as book/_toc.yml (a stale
        # build, or a page left out of the toc, shows up here first).
        sidebar = page.locator("nav.bd-docs-nav a.reference.internal").evaluate_all(
            "links => links.map(a => new URL(a.href).pathname.slice(1))"
        )
        while len(forward) <= 2 * len(expected):
            here = page.url.removeprefix(book_server + "/").split("#")[0]
            forward.append(here)
            previous[here] = _link_target(page, "a.left-prev", book_server)
            if _link_target(page, "a.right-next", book_server) is None:
                break
            with page.expect_navigation(wait_until="domcontentloaded"):
                page.locator("a.right-next").first.click()
    finally:
        page.close()
    assert [p for p in sidebar if p != expected[0]] == expected[1:], sidebar
    assert forward == expected
    backward = [forward[-1]]
    while previous.get(backward[-1]) and len(backward) <= len(forward):
        backward.append(previous[backward[-1]])
    assert backward == expected[::-1], previous
