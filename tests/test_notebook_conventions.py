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
    assert any("remove-cell" in cell.metadata.get("tags", []) for cell in code), "no sanity checks"


COLLAPSED = {"source_hidden": True, "outputs_hidden": True}
EXERCISE_ID = re.compile(r'check_exercise\(\s*"([\d.]+)"')


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exercises_keep_the_learners_answer(path):
    """Each exercise: an answer cell, then its solution, run apart from it.

    The answer cell imports its check (so it runs after a kernel restart)
    and starts the answer as None. The solution cell runs under
    ``%%solution`` (its names stay apart), is collapsed in JupyterLab and
    sits, output and all, behind the book's "Show solution" toggle. The
    hidden cells are collapsed in JupyterLab and use only public names.
    """
    cells = nbformat.read(path, as_version=4).cells
    chapter = int(path.name[:2])
    answered, solved = [], []
    for before, cell in zip(cells, cells[1:]):
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "code" and cell.source.startswith("%%solution"):
            exercise = cell.source.split("\n", 1)[0].split()[1]
            solved.append(exercise)
            assert tags == ["hide-cell"], f"solution {exercise}: tags {tags}"
            assert cell.metadata.get("jupyter") == COLLAPSED, f"solution {exercise} is not collapsed"
            assert cell.metadata["mystnb"]["code_prompt_show"] == "Show solution"
            assert EXERCISE_ID.findall(before.source)[-1:] == [exercise], (
                f"solution {exercise} must follow its answer cell")
        if "remove-cell" in tags:
            assert cell.metadata.get("jupyter") == COLLAPSED, f"hidden cell {cell.get('id')} shows in Lab"
            assert not re.search(r"import\s+_\w|import [^\n]*\b_[A-Za-z]\w*", cell.source), (
                f"hidden cell {cell.get('id')} imports a private name")
        if cell.cell_type == "code" and not tags and EXERCISE_ID.search(cell.source):
            answered.append(EXERCISE_ID.findall(cell.source)[-1])
            assert cell.source.startswith("from smartmkt_helpers.exercises import check_exercise")
            assert re.search(r"^\w+ = None\b", cell.source, re.M), "the answer starts as None"
    assert solved, "exercises need solutions"
    assert answered == solved
    assert all(exercise.split(".")[0] == str(chapter) for exercise in solved)


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


# A line that starts like a list item or a quote ("- ", "+ ", "> ", "1. ")
# while an inline formula is still open ends the formula there: Markdown
# reads the line as a new block, and the formula prints as raw text.
_BLOCK_START = re.compile(r"\s*([-+*>]|\d+[.)])\s")
_INLINE_DOLLAR = re.compile(r"(?<![\\$])\$(?!\$)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_inline_math_does_not_wrap_onto_a_block_marker(path):
    notebook = nbformat.read(path, as_version=4)
    broken = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown":
            continue
        paragraph = ""
        for line in cell.source.split("\n"):
            open_formula = len(_INLINE_DOLLAR.findall(paragraph)) % 2 == 1
            if open_formula and _BLOCK_START.match(line):
                broken.append(f"cell {index}: {line.strip()[:50]!r}")
            paragraph = "" if not line.strip() else paragraph + line + "\n"
    assert not broken, ("an inline formula is cut by a line that Markdown reads "
                        f"as a list item or quote; rewrap it: {broken}")
