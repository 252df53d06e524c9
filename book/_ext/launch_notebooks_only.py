"""Sphinx extension: launch buttons only on pages that are ``.ipynb`` files.

sphinx-book-theme adds the Binder, Colab and JupyterHub buttons to every page
that has a kernel, which includes MyST Markdown pages with code cells (the
workshop guide, the benchmarks page). Those links would open a ``.md`` file
that Colab cannot read and JupyterLab shows as text, so this removes them
there. The download menu keeps its ``.ipynb`` (the executed page) and ``.md``
entries.
"""

from __future__ import annotations

from typing import Any


def _drop_launch_buttons(app, pagename: str, templatename: str, context: dict[str, Any], doctree) -> None:
    if context.get("page_source_suffix") == ".ipynb":
        return
    buttons = context.get("header_buttons")
    if buttons:
        buttons[:] = [b for b in buttons if b.get("label") != "launch-buttons"]


def setup(app) -> dict[str, Any]:
    # After the theme's own handlers (priority 501) have added the buttons.
    app.connect("html-page-context", _drop_launch_buttons, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
