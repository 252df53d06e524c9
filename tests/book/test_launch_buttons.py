"""Launch and download buttons of the built chapters.

Each chapter of the table of contents that is a notebook must carry a Binder
link (and a Colab or JupyterHub link exactly when ``launch_buttons.colab_url``
or ``launch_buttons.jupyterhub_url`` is set) that open that very notebook in the repository of
``book/_config.yml``, and a download link to the notebook; every other page
a download link to its source.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from tests.book.conftest import REPOSITORY, book_config, chapter_notebooks, toc_docnames

pytestmark = pytest.mark.book

_INTERFACE_PREFIX = {"classic": "tree", "jupyterlab": "lab/tree"}


class _ButtonParser(HTMLParser):
    """The header buttons of a page: ``{title: href}``."""

    def __init__(self) -> None:
        super().__init__()
        self.buttons: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "a" and "dropdown-item" in (attributes.get("class") or "").split():
            self.buttons[attributes.get("title") or ""] = attributes.get("href") or ""


def _buttons(book_html: Path, docname: str) -> dict[str, str]:
    parser = _ButtonParser()
    parser.feed((book_html / f"{docname}.html").read_text(encoding="utf-8"))
    return parser.buttons


def _settings() -> dict:
    config = book_config()
    repository = config.get("repository") or {}
    launch = config.get("launch_buttons") or {}
    url = str(repository.get("url", "")).rstrip("/")
    assert url.startswith("https://github.com/"), (
        f"repository.url must be a GitHub repository for the launch links, got {url!r}"
    )
    org, repo = url.removeprefix("https://github.com/").split("/")[:2]
    book_path = str(repository.get("path_to_book") or "").strip("/")
    interface = launch.get("notebook_interface", "classic")
    return {
        "url": url,
        "org": org,
        "repo": repo,
        "branch": repository.get("branch") or "master",
        "prefix": f"{book_path}/" if book_path else "",
        "ui": _INTERFACE_PREFIX[interface],
        "binder": str(launch.get("binderhub_url") or "").rstrip("/"),
        "colab": str(launch.get("colab_url") or "").rstrip("/"),
        "jupyterhub": str(launch.get("jupyterhub_url") or "").rstrip("/"),
    }


def _download_target(book_html: Path, docname: str, href: str) -> Path:
    return (book_html / docname).parent / unquote(urlsplit(href).path)


CHAPTERS = chapter_notebooks()


def test_binder_is_configured():
    settings = _settings()
    assert settings["binder"], "launch_buttons.binderhub_url is empty"
    assert (REPOSITORY / "binder" / "environment.yml").is_file(), "Binder needs binder/environment.yml"
    assert (REPOSITORY / "binder" / "postBuild").stat().st_mode & 0o111, "binder/postBuild must be executable"
    assert CHAPTERS, "no notebook in book/_toc.yml"


@pytest.mark.parametrize("docname", CHAPTERS)
def test_chapter_has_launch_links_to_its_notebook(book_html, docname):
    settings = _settings()
    buttons = _buttons(book_html, docname)
    notebook = f"{settings['prefix']}{docname}.ipynb"
    assert (REPOSITORY / notebook).is_file(), f"the links would open {notebook}, which does not exist"

    binder = (
        f"{settings['binder']}/v2/gh/{settings['org']}/{settings['repo']}/{settings['branch']}"
        f"?urlpath={settings['ui']}/{notebook}"
    )
    assert buttons.get("Launch on Binder") == binder, buttons
    if not settings["colab"]:
        assert "Launch on Colab" not in buttons, "a Colab link although launch_buttons.colab_url is empty"
    else:
        colab = (
            f"{settings['colab']}/github/{settings['org']}/{settings['repo']}/blob/"
            f"{settings['branch']}/{notebook}"
        )
        assert buttons.get("Launch on Colab") == colab, buttons

    hub = buttons.get("Launch on JupyterHub")
    if not settings["jupyterhub"]:
        assert hub is None, "a JupyterHub link although launch_buttons.jupyterhub_url is empty"
    else:
        parts = urlsplit(hub or "")
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
            f"{settings['jupyterhub']}/hub/user-redirect/git-pull"
        ), hub
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        assert query == {
            "repo": settings["url"],
            "urlpath": f"{settings['ui']}/{settings['repo']}/{notebook}",
            "branch": settings["branch"],
        }, hub


@pytest.mark.parametrize("docname", CHAPTERS)
def test_chapter_notebook_can_be_downloaded(book_html, docname):
    buttons = _buttons(book_html, docname)
    href = buttons.get("Download notebook file") or buttons.get("Download source file")
    assert href, f"no download button on {docname}: {buttons}"
    target = _download_target(book_html, docname, href)
    assert target.suffix == ".ipynb" and target.is_file(), href
    downloaded = json.loads(target.read_text(encoding="utf-8"))
    source = json.loads((REPOSITORY / f"{docname}.ipynb").read_text(encoding="utf-8"))
    assert downloaded["nbformat"] == 4
    assert [c["source"] for c in downloaded["cells"]] == [c["source"] for c in source["cells"]], (
        "the downloadable notebook differs from the repository's: rebuild the book"
    )


@pytest.mark.parametrize("docname", [d for d in toc_docnames() if d not in CHAPTERS])
def test_text_page_source_can_be_downloaded(book_html, docname):
    """A Markdown page offers its source; one with code cells its notebook too.

    Launch buttons would open a ``.md`` file that no notebook server runs as
    a notebook, so these pages have none (book/_ext/launch_notebooks_only.py).
    """
    buttons = _buttons(book_html, docname)
    launch = [title for title in buttons if title.startswith("Launch on")]
    assert not launch, f"launch buttons on a page that is not a notebook file: {launch}"
    sources = [p for p in REPOSITORY.glob(f"{docname}.*") if p.suffix in {".md", ".rst"}]
    assert len(sources) == 1, sources
    href = buttons.get("Download source file")
    assert href, f"no download button on {docname}: {buttons}"
    target = _download_target(book_html, docname, href)
    assert target.is_file() and target.suffix == sources[0].suffix, href
    if "kernelspec:" in sources[0].read_text(encoding="utf-8").split("\n---", 1)[0]:
        href = buttons.get("Download notebook file")
        assert href, f"{docname} has code cells but no notebook download: {buttons}"
        notebook = json.loads(_download_target(book_html, docname, href).read_text(encoding="utf-8"))
        assert notebook["nbformat"] == 4 and notebook["cells"], href
