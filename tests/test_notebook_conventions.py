"""Every chapter notebook follows the course's conventions."""

from __future__ import annotations

import re

import nbformat
import pytest
import yaml

from tests.conftest import REPO_ROOT

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
NAME_PATTERN = re.compile(r"^\d{2}_[a-z0-9_]+\.ipynb$")
ALLOWED_TAGS = {"remove-cell", "hide-input", "hide-cell", "hide-output", "remove-input", "remove-output"}


def _toc_files(node) -> list[str]:
    files = []
    if isinstance(node, dict):
        if "file" in node:
            files.append(node["file"])
        for value in node.values():
            files += _toc_files(value)
    elif isinstance(node, list):
        for item in node:
            files += _toc_files(item)
    return files


def test_there_are_notebooks():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_conventions(path):
    assert NAME_PATTERN.match(path.name), path.name
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata["kernelspec"]["name"] == "python3"

    header = notebook.cells[0]
    assert header.cell_type == "markdown" and header.source.startswith("# ")
    for part in ("You will learn", "Time:", "Data:"):
        assert part in header.source, f"header lacks {part!r}"

    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for cell in code:
        assert not cell.outputs and cell.execution_count is None, "outputs must be stripped"
        assert "sys.path" not in cell.source, "import the installed package, no sys.path"
        assert not re.search(r"^\s*[!%]\s*pip\b", cell.source, re.M), "no pip in cells"
        assert set(cell.metadata.get("tags", [])) <= ALLOWED_TAGS
    sources = "\n".join(cell.source for cell in notebook.cells)
    assert "## Exercises" in sources and "## Key takeaways" in sources
    assert "## References" in sources
    solutions = [cell for cell in code if "hide-input" in cell.metadata.get("tags", [])]
    assert solutions, "exercises need hidden solutions"
    assert all(cell.metadata.get("jupyter", {}).get("source_hidden") for cell in solutions)
    assert any("remove-cell" in cell.metadata.get("tags", []) for cell in code), "no sanity checks"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_installs_the_course_only_where_it_is_missing(path):
    """Colab and other hosted Jupyter: the chapter installs the course itself."""
    config = yaml.safe_load((REPO_ROOT / "book" / "_config.yml").read_text())
    repository = config["repository"]
    source = f"git+{repository['url'].rstrip('/')}@{repository['branch']}"
    notebook = nbformat.read(path, as_version=4)
    first = next(cell for cell in notebook.cells if cell.cell_type == "code")
    assert 'importlib.util.find_spec("smartmkt_helpers") is None' in first.source
    assert f'"smartmkt-helpers @ {source}"' in first.source, "install from book/_config.yml's repository"
    assert "remove-cell" in first.metadata.get("tags", []), "the book's readers need not see it"
    assert "smartmkt_helpers" not in first.source.split("is None", 1)[0].replace(
        'find_spec("smartmkt_helpers")', ""
    ), "the check must come before any import of the course"


def test_every_notebook_is_in_the_table_of_contents():
    toc = yaml.safe_load((REPO_ROOT / "book" / "_toc.yml").read_text())
    listed = set(_toc_files(toc))
    for path in NOTEBOOKS:
        assert f"notebooks/{path.stem}" in listed, f"{path.name} is not in book/_toc.yml"
    for entry in listed:
        assert any((REPO_ROOT / f"{entry}{suffix}").is_file() for suffix in (".md", ".ipynb")), entry
