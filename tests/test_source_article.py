"""The course names its source article "the source article", never "the seed".

Learners read "seed" as a random seed (chapter 0 teaches fixed seeds, and
most chapters print "seed 0" or "seed 42"), and chapter 5 uses "seed
audience" in the advertising sense. So the chapters, the book pages and the
README must not call the article "the seed"; genuine random seeds ("seed
42", "the same seed", ``random_state=seed``) and the lookalike's "seed
audience" or "seed list" are fine. The introduction describes the article and
maps its sections to the chapters, and chapter 1 links to that table.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
PAGES = sorted((REPO_ROOT / "book").glob("*.md")) + [REPO_ROOT / "README.md"]
HELPERS = sorted((REPO_ROOT / "smartmkt_helpers").rglob("*.py"))
INTRO = REPO_ROOT / "book" / "intro.md"
LABEL = "source-article"

# Ways of calling the article "the seed": "the seed's snippet", "the seed
# text", "seed 8.2", "the seed proposes", "according to the seed". A random
# seed reads "seed 42", "the same seed", "anyone who knows the seed can ...";
# the lookalike's seed is "the seed audience" or "the seed is the loyalty
# club". None of those match.
_NOUNS = r"(?:text|document|article|section|snippet|code|paper|source|author)s?"
_VERBS = (r"(?:says|said|proposes|stops|states|claims|lists|names|describes|shows|writes|"
          r"asks|suggests|recommends|mentions|closes|sums|offers|promises|argues|translates|"
          r"quotes|cites|covers|leaves|explains|introduces|presents|labels|notes)")
ARTICLE_AS_SEED = re.compile(
    r"\bseed's"
    rf"|\bseed\s+{_NOUNS}\b"
    rf"|\b(?:the|this|our)\s+seed\s+(?:also\s+|only\s+|then\s+)?{_VERBS}\b"
    r"|\b(?:according\s+to|as\s+in|unlike|like|than)\s+the\s+seed\b(?!\s+(?:audience|list)\b)"
    r"|\bseed,?\s+(?:§|sections?\s+[0-9])"
    r"|\bseed\s+[0-9]+\.[0-9]",  # "seed 8.2"; "seed 42" is a random seed
    re.IGNORECASE,
)
# The helper package's docstrings and messages: the same patterns, except
# "seed's", which the clustering helpers use for a random seed's run.
UNAMBIGUOUS = re.compile(ARTICLE_AS_SEED.pattern.replace("\\bseed's|", "", 1), re.IGNORECASE)
HOW_TO_FIX = ('call it "the source article" (or "the article", "the article\'s section 8.2"); '
              'for a random seed write "the random seed", for lookalikes "the seed audience"')


def article_as_seed(text: str, pattern: re.Pattern = ARTICLE_AS_SEED) -> list[str]:
    """Each place in ``text`` that calls the source article "the seed", with context."""
    lines = []
    joined = re.sub(r"\s*\n\s*", " ", text)  # a phrase may wrap across lines
    for match in pattern.finditer(joined):
        start, end = max(0, match.start() - 40), min(len(joined), match.end() + 40)
        lines.append(f"...{joined[start:end]}...")
    return lines


def _notebook_cells(path: Path) -> list[tuple[int, str, str]]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [(index, cell["cell_type"], "".join(cell["source"]))
            for index, cell in enumerate(notebook["cells"])]


@pytest.mark.parametrize(
    "text, flagged",
    [
        ("The seed text stops at step 3", True),
        ("The seed's snippet, working.", True),
        ("The seed proposes to let a deep model extract the features.", True),
        ("as seed 8.2 says", True),
        ("The seed document of this course asks", True),
        ("the seed\nsection 9.2", True),
        ("a per-item split with seed 42 (the very rows)", False),
        ("Same seed, same numbers; the same seed gives the same twin.", False),
        ("stability across seeds, whatever the random seed", False),
        ("`random_state=seed`, `Shop(seed=0)`, seed 0", False),
        ("expands a seed audience; the seed list as positives", False),
        ("The seed audience is the loyalty club; how seed-like they look", False),
        ("The seed is the loyalty club: a random fifth of the loyal regulars.", False),
        ("anyone who knows the seed can draw the same noise again", False),
        ("Learn the seed against the rest; the customers outside the seed", False),
        ("According to the seed, deep learning simulates the brain", True),
        ("Seed section 5.2 trains SVD", True),
        ("The source article (section 8.2) lists three challenges", False),
    ],
)
def test_the_pattern_tells_the_article_from_random_and_lookalike_seeds(text, flagged):
    assert bool(article_as_seed(text)) is flagged, text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_do_not_call_the_article_the_seed(path):
    """Markdown cells and the code cells' text (comments and printed strings)."""
    found = [f"cell {index} ({kind}): {line}"
             for index, kind, source in _notebook_cells(path)
             for line in article_as_seed(source)]
    assert not found, f"{path.name}: {HOW_TO_FIX}:\n" + "\n".join(found)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_book_pages_do_not_call_the_article_the_seed(path):
    found = article_as_seed(path.read_text(encoding="utf-8"))
    assert not found, f"{path.name}: {HOW_TO_FIX}:\n" + "\n".join(found)


def test_helper_messages_do_not_call_the_article_the_seed():
    found = [f"{path.relative_to(REPO_ROOT)}: {line}" for path in HELPERS
             for line in article_as_seed(path.read_text(encoding="utf-8"), UNAMBIGUOUS)]
    assert not found, f"{HOW_TO_FIX}:\n" + "\n".join(found)


def _source_article_section() -> str:
    text = INTRO.read_text(encoding="utf-8")
    assert f"({LABEL})=" in text, f"book/intro.md needs a section labelled ({LABEL})="
    section = text.split(f"({LABEL})=", 1)[1]
    heading, rest = section.lstrip("\n").split("\n", 1)
    assert heading.startswith("## "), "the label must sit right above a ## heading"
    return rest.split("\n## ", 1)[0]


def _table_rows(section: str) -> list[list[str]]:
    rows = [line for line in section.splitlines() if line.startswith("|")]
    cells = [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]
    return [row for row in cells[2:] if row]  # without the header and the rule


def test_intro_maps_every_article_section_to_the_chapters():
    rows = _table_rows(_source_article_section())
    assert rows, "book/intro.md's source-article section has no table"
    first_column = " ".join(row[0] for row in rows)
    numbers = set(re.findall(r"(?<![\d.])(\d)(?:\.\d)?(?![\d.])", first_column))
    missing_sections = sorted({str(n) for n in range(1, 10)} - numbers)
    assert not missing_sections, f"article sections missing from the table: {missing_sections}"
    assert re.search(r"[\u4e00-\u9fff]", first_column), "give each section's Chinese title"
    table = "\n".join("|".join(row) for row in rows)
    missing_chapters = [path.stem for path in NOTEBOOKS
                        if f"<../notebooks/{path.stem}>" not in table]
    assert not missing_chapters, (
        f"chapters missing from the source-article table in book/intro.md: {missing_chapters}")


def test_chapter_one_links_to_the_source_article():
    markdown = "\n".join(source for _, kind, source in
                         _notebook_cells(REPO_ROOT / "notebooks" / "01_background.ipynb")
                         if kind == "markdown")
    assert re.search(r"\{ref\}`[^`]*<" + LABEL + ">`", markdown), (
        "chapter 1 must link to the introduction's source-article section")
    assert "source article" in markdown
