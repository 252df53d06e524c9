"""Read the benchmark results (`benchmarks/results/*.csv`) into page tables.

The benchmarks page and the workshop guide both build their tables from
these functions, so the two pages always show the same measured numbers.
The workshop's minutes (`book/workshop_minutes.csv`) are read here too:
the guide's plans and run-sheets and every chapter's **Time:** line come
from them.
The pages run with the `book/` folder as working directory; the paths below
are taken from this file, so the module also works from anywhere else.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from smartmkt_helpers.config import NOTEBOOK_BUDGET_SECONDS as BUDGET_SECONDS

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
NOTEBOOKS = ROOT / "notebooks"


def read(name: str) -> pd.DataFrame:
    """Return one results file, ``name`` without the ``.csv`` suffix."""
    path = RESULTS / f"{name}.csv"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run `make bench`")
    return pd.read_csv(path)


def chapter_title(notebook: str) -> str:
    """The title of a chapter notebook: its first heading, without '# N.'."""
    path = NOTEBOOKS / notebook
    if not path.is_file():
        return notebook.removesuffix(".ipynb")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if cell["cell_type"] == "markdown":
            first = "".join(cell["source"]).lstrip("# ").splitlines()[0]
            title = first.split(". ", 1)[-1]
            head, _, _ = title.partition(": ")
            return title if head == "Case" else head
    return notebook


def notebook_times() -> pd.DataFrame:
    """Run time (s) and peak memory (MB) of each notebook, real data and twins.

    One row per notebook, indexed by chapter number, in chapter order:
    ``title``, ``real s``, ``twin s``, ``real MB``, ``twin MB`` and
    ``≤ 60 s`` ("yes" when both runs are within the budget).
    """
    runs = read("notebooks")
    runs["data"] = runs["data"].replace({"twins": "twin"})
    wide = runs.pivot(index="notebook", columns="data",
                      values=["seconds", "peak_memory_mb"])
    within = runs.groupby("notebook")["within_budget"].all()
    table = pd.DataFrame({
        "chapter": [int(name[:2]) for name in wide.index],
        "title": [chapter_title(name) for name in wide.index],
        "real s": wide[("seconds", "real")].round(1).to_numpy(),
        "twin s": wide[("seconds", "twin")].round(1).to_numpy(),
        "real MB": wide[("peak_memory_mb", "real")].round(0).to_numpy(),
        "twin MB": wide[("peak_memory_mb", "twin")].round(0).to_numpy(),
        f"≤ {BUDGET_SECONDS} s": within.reindex(wide.index).map(
            {True: "yes", False: "NO"}).to_numpy(),
    })
    return table.set_index("chapter").sort_index()


def run_seconds(chapter: int) -> float:
    """The longer of a chapter's two measured run times (real data, twin)."""
    table = notebook_times()
    if chapter not in table.index:
        return float("nan")
    return float(table.loc[chapter, ["real s", "twin s"]].max())


def provenance(name: str = "notebooks") -> str:
    """One sentence saying when, with what and on how many cores a file was made."""
    frame = read(name)
    parts = []
    if "measured_on" in frame:
        parts.append("Measured on " + ", ".join(sorted(
            frame["measured_on"].astype(str).unique())))
    if "cpu_threads" in frame:
        threads = ", ".join(str(t) for t in sorted(frame["cpu_threads"].unique()))
        parts.append(f"{threads} CPU threads")
    if "python" in frame:
        parts.append("Python " + ", ".join(sorted(
            frame["python"].astype(str).unique())))
    if "machine" in frame:
        parts.append(", ".join(sorted(frame["machine"].astype(str).unique())))
    return "; ".join(parts) if parts else "no provenance recorded"


def cf_ratings() -> pd.DataFrame:
    """Chapter 3's 5-fold RMSE/MAE next to the figures Surprise publishes."""
    frame = read("cf_ratings")
    table = pd.DataFrame({
        "algorithm": frame["algorithm"],
        "library": frame["implementation"],
        "RMSE": frame["rmse"].round(3),
        "published RMSE": frame["published_rmse"].round(3),
        "MAE": frame["mae"].round(3),
        "published MAE": frame["published_mae"].round(3),
        "time s": frame["seconds"].round(1),
    })
    return table.set_index("algorithm")


_RANKING_COLUMNS = {
    "ndcg@10": "nDCG@10",
    "precision@10": "P@10",
    "recall@10": "R@10",
    "map (all relevant)": "MAP",  # Microsoft Recommenders' `map`
    "map@10 (min(rel, k))": "MAP@10",  # their `map_at_k` (version 1.2 on)
    "coverage": "coverage",
}


def ranking_top10() -> pd.DataFrame:
    """Chapter 4's top-10 table: the course's models, then published ones."""
    frame = read("ranking_top10")
    table = frame[["model", *_RANKING_COLUMNS]].rename(
        columns=_RANKING_COLUMNS)
    table.insert(1, "measured", [
        "here" if source.startswith("this course") else "published"
        for source in frame["source"]])
    table["train s"] = frame["train_s"].round(1)
    return table.set_index("model").round(3)


def ranking_sources() -> list[str]:
    """Where the published rows of the top-10 table come from."""
    frame = read("ranking_top10")
    return sorted(s for s in frame["source"].unique()
                  if not s.startswith("this course"))


def ranking_validation() -> pd.DataFrame:
    """Chapter 4's validation sweep: the score of each setting tried."""
    frame = read("ranking_validation")
    table = pd.DataFrame({
        "model": frame["model"],
        "setting": frame["params"].str.replace(r"[{}']", "", regex=True),
        "val nDCG@10": frame["validation ndcg@10"].round(3),
        "val RMSE": frame["validation rmse"].round(3),
    })
    chosen = read("ranking_top10")[["model", "params"]]
    chosen = set(zip(chosen["model"], chosen["params"]))
    table["chosen"] = ["yes" if pair in chosen else ""
                       for pair in zip(frame["model"], frame["params"])]
    return table


def ranking_cold_start() -> pd.DataFrame:
    """Chapter 4's cold-start test: users whose history the models never saw."""
    frame = read("ranking_cold_start")
    table = frame[["lists", "hidden_users", *_RANKING_COLUMNS]].rename(
        columns={"hidden_users": "users", **_RANKING_COLUMNS})
    return table.set_index("lists").round(3)


def data_timings() -> pd.DataFrame:
    """Milliseconds to load each cached real dataset and to simulate each twin."""
    frame = read("data")
    real = frame[frame["task"] == "load real"].set_index("name")
    twin = frame[frame["task"] == "simulate"].set_index("name")
    names = frame["name"].drop_duplicates()
    table = pd.DataFrame({
        "real rows": real["rows"].reindex(names),
        "load ms": (1000 * real["seconds"].reindex(names)).round(0),
        "twin rows": twin["rows"].reindex(names),
        "simulate ms": (1000 * twin["seconds"].reindex(names)).round(0),
    }).rename_axis("dataset")
    return table.astype({"real rows": "Int64", "twin rows": "Int64"})


def show(table: pd.DataFrame, decimals: int = 3) -> pd.DataFrame:
    """The table as text for a page: fixed decimals, a dash for no value."""
    shown = table.copy()
    for column in shown.columns:
        values = shown[column]
        if pd.api.types.is_float_dtype(values):
            places = 0 if column.endswith(("MB", "ms")) else (
                1 if column.endswith(" s") else decimals)
            shown[column] = [("–" if pd.isna(v) else f"{v:,.{places}f}")
                             for v in values]
        elif pd.api.types.is_integer_dtype(values):
            shown[column] = [("–" if pd.isna(v) else f"{v:,}")
                             for v in values]
    return shown.fillna("–")


# The workshop's minutes: one file, read by the workshop guide for its plans
# and run-sheets, and written into each chapter's header ("**Time:**") by
# tools that tests/test_workshop_minutes.py keeps honest.

MINUTES = Path(__file__).resolve().parent / "workshop_minutes.csv"
ACTIVITIES = ("talk", "demo", "exercises", "debrief")
_KINDS = {"section", "subsection", "exercise"}


def workshop_minutes(path: Path = MINUTES) -> pd.DataFrame:
    """The minutes of each chapter's core and of its optional sections.

    One row per part: ``chapter``, ``part`` (``core`` or ``optional``),
    ``kind`` (``section``, ``subsection`` or ``exercise``; empty for the
    core), ``number`` and ``title`` (as the chapter's heading gives them; a
    subsection's number is its section's), ``minutes`` and their split into
    ``talk``, ``demo``, ``exercises`` and ``debrief``. Raises ``ValueError``
    when a row's split does not add up or a chapter has no single core row.
    """
    frame = pd.read_csv(path, dtype={"number": str, "title": str, "kind": str},
                        keep_default_na=False)
    split = frame[list(ACTIVITIES)].sum(axis=1)
    wrong = frame.loc[split != frame["minutes"], ["chapter", "part", "number"]]
    if len(wrong):
        raise ValueError(f"{path.name}: talk + demo + exercises + debrief "
                         f"differ from minutes in rows\n{wrong}")
    if not set(frame["part"]) <= {"core", "optional"}:
        raise ValueError(f"{path.name}: part must be 'core' or 'optional'")
    optional = frame[frame["part"] == "optional"]
    if not set(optional["kind"]) <= _KINDS or (optional["number"] == "").any():
        raise ValueError(f"{path.name}: an optional row needs a kind "
                         f"({', '.join(sorted(_KINDS))}) and a number")
    cores = frame[frame["part"] == "core"]["chapter"].value_counts()
    if (cores != 1).any() or set(frame["chapter"]) != set(cores.index):
        raise ValueError(f"{path.name}: every chapter needs one core row")
    return frame


def session_minutes(chapters, optional: bool = False,
                    path: Path = MINUTES) -> pd.Series:
    """Minutes of a session on ``chapters``: total, then talk, demo, ...

    The core of each chapter, plus its optional parts: all of them when
    ``optional`` is true, or those it names, such as ``["5.5", "exercise
    5.3"]`` (a part's number, after its kind unless it is a section).
    """
    frame = workshop_minutes(path)
    rows = frame[frame["chapter"].isin(list(chapters))]
    if isinstance(optional, (list, tuple, set)):
        labels = [str(n) if k in ("section", "subsection") else f"{k} {n}"
                  for k, n in zip(rows["kind"], rows["number"])]
        unknown = set(optional) - set(labels)
        if unknown:
            raise KeyError(f"no optional part {sorted(unknown)} of chapter(s) "
                           f"{list(chapters)} in {path.name}")
        chosen = pd.Series([label in optional for label in labels], index=rows.index)
        rows = rows[(rows["part"] == "core") | chosen]
    elif not optional:
        rows = rows[rows["part"] == "core"]
    missing = set(chapters) - set(rows["chapter"])
    if missing:
        raise KeyError(f"no minutes for chapter(s) {sorted(missing)} in {path.name}")
    return rows[["minutes", *ACTIVITIES]].sum().astype(int)


def _optional_part(row) -> str:
    if row.kind == "exercise":
        return f"exercise {row.number} *{row.title}*"
    if row.kind == "subsection":
        return f"*{row.title}* in section {row.number}"
    return f"section {row.number} *{row.title}*"


def time_paragraph(chapter: int, path: Path = MINUTES, width: int = 76) -> str:
    """The ``**Time:**`` paragraph of a chapter's header, from the minutes file."""
    import textwrap

    frame = workshop_minutes(path)
    rows = frame[frame["chapter"] == chapter]
    if rows.empty:
        raise KeyError(f"no minutes for chapter {chapter} in {path.name}")
    core = int(rows.loc[rows["part"] == "core", "minutes"].iloc[0])
    extra = rows[rows["part"] == "optional"]
    text = (f"**Time:** {core} minutes in a workshop for the core of the "
            "chapter: talk, live demo, exercises and debrief.")
    if extra.empty:
        text += " No section is optional."
    else:
        parts = [f"{_optional_part(row)} ({row.minutes} minutes)"
                 for row in extra.itertuples()]
        total = core + int(extra["minutes"].sum())
        text += (" Optional deep-dives, for a longer session or for later: "
                 + "; ".join(parts) + f"; {total} minutes with all of them.")
    text += (" The notebook's own run time on two cores is measured on the "
             "{doc}`../book/benchmarks` page; the {doc}`../book/workshop` "
             "plans its sessions with these minutes.")
    return textwrap.fill(text, width=width, break_long_words=False,
                         break_on_hyphens=False)


def timetable(days, start: str = "09:00", path: Path = MINUTES) -> pd.DataFrame:
    """A workshop plan with clock times and each session's run-sheet.

    ``days`` maps a day's name to its sessions in order (a plain list is one
    day). A session is a dict: ``chapters`` (numbers), ``optional`` (add the
    chapters' optional sections: all, or a list of them, see
    :func:`session_minutes`), ``either`` (each group takes one of the
    chapters, which must have equal minutes), ``outcome`` and ``exercises``.
    A session without a chapter (group work, a wrap-up) gives its minutes
    as ``split``, a dict with keys among ``talk``, ``demo``, ``exercises``
    and ``debrief``; a break gives only ``minutes``. Each day starts at ``start``; each session lasts its minutes.
    """
    if not isinstance(days, dict):
        days = {"": days}
    rows = []
    for day, sessions in days.items():
        clock = pd.Timestamp(f"2000-01-01 {start}")
        for session in sessions:
            chapters = list(session.get("chapters", []))
            if session.get("either"):
                each = [session_minutes([c], session.get("optional", False), path)
                        for c in chapters]
                if any(not each[0].equals(other) for other in each[1:]):
                    raise ValueError(f"chapters {chapters} are alternatives but "
                                     "their minutes differ")
                split = each[0]
            elif chapters:
                split = session_minutes(chapters, session.get("optional", False), path)
            else:
                given = session.get("split", {})
                split = pd.Series({a: int(given.get(a, 0)) for a in ACTIVITIES})
                split["minutes"] = int(session.get("minutes", split.sum()))
            end = clock + pd.Timedelta(minutes=int(split["minutes"]))
            rows.append({
                "day": day,
                "time": f"{clock:%H:%M}–{end:%H:%M}",
                "chapters": (" or " if session.get("either") else ", ").join(
                    str(c) for c in chapters) or "–",
                "outcome": session.get("outcome", ""),
                "exercises": session.get("exercises", ""),
                "min": int(split["minutes"]),
                "talk": int(split["talk"]),
                "demo": int(split["demo"]),
                "hands-on": int(split["exercises"]),
                "debrief": int(split["debrief"]),
                "break": not split[list(ACTIVITIES)].any(),
                "chapter list": chapters,
                "either": bool(session.get("either")),
            })
            clock = end
    return pd.DataFrame(rows)
