"""Sphinx extension: pages that read benchmarks/results/ follow those files.

The benchmarks page and the workshop guide build their tables from
``benchmarks/results/*.csv`` through ``book/benchtables.py``. Sphinx rereads
a page only when the page itself changes, so after new measurements these
pages would keep showing the old numbers. Recording the results files (and
the reader module) as dependencies of every page that uses the reader makes
the next build reread, and so re-execute, exactly those pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

READER = "benchtables"


def _note_results(app, docname: str, source: list[str]) -> None:
    if READER not in source[0]:
        return
    root = Path(app.srcdir)
    for path in sorted((root / "benchmarks" / "results").glob("*.csv")):
        app.env.note_dependency(str(path))
    app.env.note_dependency(str(root / "book" / f"{READER}.py"))


def setup(app) -> dict[str, Any]:
    app.connect("source-read", _note_results)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
