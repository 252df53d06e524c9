"""The chapters' **Time:** lines and the workshop plans share one file.

`book/workshop_minutes.csv` holds each chapter's core minutes and its
optional sections; the workshop guide builds its plans and run-sheets from
it, and every chapter header's **Time:** paragraph must say what the file
says. A header and the file that disagree fail here.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from tests.conftest import REPO_ROOT

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TIME_PARAGRAPH = re.compile(r"^\*\*Time:\*\*.*?(?=\n\s*\n|\Z)", re.S | re.M)
NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+(.*)$")
EXERCISE = re.compile(r"^Exercise (\d+\.\d+): (.*)$")
OPTIONAL_MARK = re.compile(r"\s*\*?\(optional\)\*?\s*$")


def _load_benchtables():
    spec = importlib.util.spec_from_file_location("benchtables", REPO_ROOT / "book" / "benchtables.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


benchtables = _load_benchtables()


def _chapter(path: Path) -> int:
    return int(path.name[:2])


def _header_time(path: Path) -> str:
    header = nbformat.read(path, as_version=4).cells[0].source
    found = TIME_PARAGRAPH.findall(header)
    assert len(found) == 1, f"{path.name}: the header needs exactly one **Time:** paragraph"
    return found[0]


def header_disagreements(minutes: Path = benchtables.MINUTES) -> list[str]:
    """The notebooks whose **Time:** paragraph differs from ``minutes``."""
    return [
        path.name
        for path in NOTEBOOKS
        if " ".join(_header_time(path).split())
        != " ".join(benchtables.time_paragraph(_chapter(path), minutes).split())
    ]


def _headings(path: Path) -> list[tuple[str, str]]:
    """(numbered section it sits in, heading text) for every ## and ### heading."""
    found, section = [], ""
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            match = re.match(r"^(#{2,3})\s+(.*)$", line)
            if not match:
                continue
            text = OPTIONAL_MARK.sub("", match.group(2)).strip()
            numbered = NUMBERED.match(text)
            if match.group(1) == "##" and numbered:
                section = numbered.group(1)
            found.append((section, text))
    return found


def test_the_minutes_file_is_well_formed():
    frame = benchtables.workshop_minutes()
    assert sorted(frame["chapter"].unique()) == [_chapter(p) for p in NOTEBOOKS]
    assert (frame["minutes"] > 0).all()
    assert (frame["minutes"] % 5 == 0).all(), "minutes come in steps of 5"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_header_time_matches_the_minutes_file(path):
    expected = benchtables.time_paragraph(_chapter(path))
    actual = _header_time(path)
    assert " ".join(actual.split()) == " ".join(expected.split()), (
        f"{path.name}: its **Time:** paragraph and book/workshop_minutes.csv disagree; "
        "write the paragraph from the file (benchtables.time_paragraph).\n"
        f"header:   {actual}\nexpected: {expected}"
    )
    core = int(re.match(r"\*\*Time:\*\* (\d+) minutes", actual).group(1))
    assert core == benchtables.session_minutes([_chapter(path)])["minutes"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_optional_parts_are_headings_of_their_chapter(path):
    frame = benchtables.workshop_minutes()
    optional = frame[(frame["chapter"] == _chapter(path)) & (frame["part"] == "optional")]
    headings = _headings(path)
    for row in optional.itertuples():
        if row.kind == "exercise":
            wanted = [(s, t) for s, t in headings if t == f"Exercise {row.number}: {row.title}"]
        elif row.kind == "section":
            wanted = [(s, t) for s, t in headings
                      if NUMBERED.match(t) and NUMBERED.match(t).groups() == (row.number, row.title)]
        else:
            wanted = [(s, t) for s, t in headings if t == row.title and s == row.number]
        assert wanted, f"{path.name} has no heading for optional {row.kind} {row.number} {row.title!r}"


def test_a_header_that_disagrees_with_the_file_fails(tmp_path):
    assert header_disagreements() == []
    frame = pd.read_csv(benchtables.MINUTES, dtype=str, keep_default_na=False)
    core_of_3 = (frame["chapter"] == "3") & (frame["part"] == "core")
    for column in ("minutes", "talk"):
        frame.loc[core_of_3, column] = str(int(frame.loc[core_of_3, column].iloc[0]) + 5)
    changed = tmp_path / "workshop_minutes.csv"
    frame.to_csv(changed, index=False)
    assert header_disagreements(changed) == ["03_collaborative_filtering.ipynb"]


def test_a_split_that_does_not_add_up_is_refused(tmp_path):
    frame = pd.read_csv(benchtables.MINUTES, dtype=str, keep_default_na=False)
    frame.loc[0, "talk"] = "99"
    broken = tmp_path / "workshop_minutes.csv"
    frame.to_csv(broken, index=False)
    with pytest.raises(ValueError, match="differ from minutes"):
        benchtables.workshop_minutes(broken)


def test_session_minutes_add_the_optional_parts():
    frame = benchtables.workshop_minutes()
    for chapter, rows in frame.groupby("chapter"):
        core = rows.loc[rows["part"] == "core", "minutes"].sum()
        assert benchtables.session_minutes([chapter])["minutes"] == core
        assert benchtables.session_minutes([chapter], optional=True)["minutes"] == rows["minutes"].sum()
    both = benchtables.session_minutes([0, 3])
    assert both["minutes"] == both[list(benchtables.ACTIVITIES)].sum()


def test_timetable_runs_the_sessions_back_to_back():
    table = benchtables.timetable({
        "day 1": [
            {"chapters": [0]},
            {"outcome": "break", "minutes": 15},
            {"chapters": [9, 10], "either": True},
            {"outcome": "wrap-up", "split": {"talk": 5, "debrief": 10}},
        ],
    })
    core = {c: int(benchtables.session_minutes([c])["minutes"]) for c in (0, 9)}
    assert table["min"].tolist() == [core[0], 15, core[9], 15]
    assert table["time"].iloc[0].startswith("09:00–")
    ends = [t.split("–")[1] for t in table["time"]]
    starts = [t.split("–")[0] for t in table["time"]]
    assert starts[1:] == ends[:-1]
    assert table["break"].tolist() == [False, True, False, False]
    sessions = table[~table["break"]]
    assert (sessions[["talk", "demo", "hands-on", "debrief"]].sum(axis=1) == sessions["min"]).all()


def test_alternative_chapters_need_equal_minutes():
    different = [c for c in range(13) if benchtables.session_minutes([c])["minutes"]
                 != benchtables.session_minutes([0])["minutes"]]
    with pytest.raises(ValueError, match="alternatives"):
        benchtables.timetable([{"chapters": [0, different[0]], "either": True}])


def test_a_session_can_take_some_optional_parts(tmp_path):
    minutes = tmp_path / "minutes.csv"
    minutes.write_text(
        "chapter,part,kind,number,title,minutes,talk,demo,exercises,debrief\n"
        "5,core,,,,75,20,15,30,10\n"
        "5,optional,section,5.5,A section,10,5,5,0,0\n"
        "5,optional,exercise,5.5,An exercise,10,0,0,8,2\n"
    )
    assert benchtables.session_minutes([5], ["5.5"], minutes)["minutes"] == 85
    assert benchtables.session_minutes([5], ["exercise 5.5"], minutes)["exercises"] == 38
    assert benchtables.session_minutes([5], True, minutes)["minutes"] == 95
    with pytest.raises(KeyError, match="5.9"):
        benchtables.session_minutes([5], ["5.9"], minutes)
