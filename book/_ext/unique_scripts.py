"""Sphinx extension: emit each script of a page once.

With Sphinx 7.4, inline scripts that extensions register after the builder
starts (sphinx-thebe's ``const THEBE_JS_URL = ...``, sphinx-togglebutton's
selector) are written into every page twice. A second ``const`` declaration
is a JavaScript error on every page, so this drops exact duplicates.
"""

from __future__ import annotations

from typing import Any


def _unique_scripts(app, pagename: str, templatename: str, context: dict[str, Any], doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen = set()
    unique = []
    for script in scripts:
        # Same file and same attributes (an inline script's body is one of
        # them); an inline script's copies differ in filename: None or "".
        attributes = tuple(sorted((k, str(v)) for k, v in getattr(script, "attributes", {}).items()))
        key = (str(getattr(script, "filename", script) or ""), attributes)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    # In place: the list is the builder's own, which later handlers extend.
    scripts[:] = unique


def setup(app) -> dict[str, Any]:
    # Early: html-page-context stops at the first handler that returns a value.
    app.connect("html-page-context", _unique_scripts, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
