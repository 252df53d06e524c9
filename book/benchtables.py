"""Read the benchmark results (`benchmarks/results/*.csv`) into page tables.

The benchmarks page and the workshop guide both build their tables from
these functions, so the two pages always show the same measured numbers.
The pages run with the `book/` folder as working directory; the paths below
are taken from this file, so the module also works from anywhere else.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
NOTEBOOKS = ROOT / "notebooks"
BUDGET_SECONDS = 60


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
    "map@10 (min(rel, k))": "MAP@10",
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
