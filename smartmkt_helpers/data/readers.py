"""``load``: a real dataset from the verified cache, as tables with fixed dtypes.

Each ``read_*`` function parses one dataset's folder (Latin-1 pipes, fixed-width
text, three lines per student...) into ``"frame"`` and the side tables,
conformed to :data:`~smartmkt_helpers.data.schema.SCHEMAS`.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from smartmkt_helpers.data.download import fetch
from smartmkt_helpers.data.registry import DATASETS, get_dataset
from smartmkt_helpers.data.schema import (
    GERMAN_CREDIT_ATTRIBUTES,
    MOVIELENS_GENRES,
    OPEN_BANDIT_POLICIES,
    SCHEMAS,
    conform,
    german_credit_cost_matrix,
    german_credit_labels,
)


def read_movielens_100k(folder: Path) -> dict[str, pd.DataFrame]:
    """Ratings, users and movies of MovieLens 100K (``u.data``, ``u.user``, ``u.item``)."""
    ratings = pd.read_csv(folder / "u.data", sep="\t", header=None, names=["user_id", "item_id", "rating", "timestamp"])
    ratings["timestamp"] = pd.to_datetime(ratings["timestamp"], unit="s")
    users = pd.read_csv(folder / "u.user", sep="|", header=None,
                        names=["user_id", "age", "gender", "occupation", "zip_code"], dtype={"zip_code": str})
    item_columns = ["item_id", "title", "release_date", "video_release_date", "imdb_url"]
    items = pd.read_csv(folder / "u.item", sep="|", header=None, encoding="latin-1",
                        names=item_columns + list(MOVIELENS_GENRES), dtype={"title": str, "imdb_url": str})
    # The video release date is empty for every movie; the course drops it.
    items = items.drop(columns="video_release_date")
    items["release_date"] = pd.to_datetime(items["release_date"], format="%d-%b-%Y")
    items["imdb_url"] = items["imdb_url"].fillna("")
    return {
        "frame": conform(ratings, "movielens-100k"), "users": conform(users, "movielens-100k", "users"),
        "movies": conform(items, "movielens-100k", "movies"),
    }


def read_hillstrom(folder: Path) -> dict[str, pd.DataFrame]:
    """The 64,000 customers of the MineThatData e-mail test."""
    (csv_file,) = DATASETS["hillstrom"].files
    customers = pd.read_csv(folder / csv_file.path)
    return {"frame": conform(customers, "hillstrom")}


def read_open_bandit(folder: Path, policy: str = "random") -> dict[str, pd.DataFrame]:
    """The impressions logged by ``policy`` (``"random"`` or ``"bts"``, Bernoulli Thompson sampling), and the items."""
    log = pd.read_csv(folder / policy / "all" / "all.csv", index_col=0)
    log["timestamp"] = pd.to_datetime(log["timestamp"], format="ISO8601", utc=True)
    items = pd.read_csv(folder / policy / "all" / "item_context.csv", index_col=0)
    return {"frame": conform(log, "open-bandit"), "item_context": conform(items, "open-bandit", "item_context")}


def read_german_credit(folder: Path) -> dict[str, pd.DataFrame]:
    """The 1,000 applicants, the labels of the attribute codes (``german.doc``) and the cost matrix."""
    names = [name for name, _ in GERMAN_CREDIT_ATTRIBUTES] + ["risk"]
    applicants = pd.read_csv(folder / "german.data", sep=" ", header=None, names=names)
    applicants["risk"] = applicants["risk"].map({1: "good", 2: "bad"})
    return {
        "frame": conform(applicants, "german-credit"), "attribute_labels": german_credit_labels(),
        "cost_matrix": german_credit_cost_matrix(),
    }


def read_cdnow(folder: Path) -> dict[str, pd.DataFrame]:
    """The 69,659 purchases of CDNOW's 1997 cohort (fixed-width text)."""
    purchases = pd.read_csv(folder / "CDNOW_master.txt", sep=r"\s+", header=None,
                            names=["customer_id", "date", "quantity", "amount"], dtype={"date": str})
    purchases["date"] = pd.to_datetime(purchases["date"], format="%Y%m%d")
    return {"frame": conform(purchases, "cdnow")}


def _read_answer_sequences(path: Path) -> pd.DataFrame:
    """One row per answer from a file of (length, skills, answers) line triples."""
    lines = [line.strip().rstrip(",") for line in path.read_text().splitlines()]
    if len(lines) % 3:
        raise ValueError(f"{path.name}: {len(lines)} lines is not a multiple of 3")
    lengths = np.array(lines[0::3], dtype=np.int64)
    skills = np.array(",".join(lines[1::3]).split(","), dtype=np.int64)
    answers = np.array(",".join(lines[2::3]).split(","), dtype=np.int64)
    if not (lengths.sum() == len(skills) == len(answers)):
        raise ValueError(f"{path.name}: sequence lengths do not match the answers")
    student = np.repeat(np.arange(len(lengths)), lengths)
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    step = np.arange(len(skills)) - starts
    return pd.DataFrame({"student_id": student, "step": step, "skill_id": skills, "correct": answers})


def read_assistments_2009(folder: Path) -> dict[str, pd.DataFrame]:
    """Every answer of the train and test files, in order; students numbered from 0, train first."""
    parts = []
    offset = 0
    for split in ("train", "test"):
        answers = _read_answer_sequences(folder / f"assist2009_updated_{split}.csv")
        answers["student_id"] += offset
        answers["split"] = split
        offset = int(answers["student_id"].max()) + 1
        parts.append(answers)
    return {"frame": conform(pd.concat(parts, ignore_index=True), "assistments-2009")}


READERS = {
    "movielens-100k": read_movielens_100k, "hillstrom": read_hillstrom, "open-bandit": read_open_bandit,
    "german-credit": read_german_credit, "cdnow": read_cdnow, "assistments-2009": read_assistments_2009,
}

#: The options each dataset accepts, with their defaults.
OPTIONS: dict[str, dict[str, object]] = {name: {} for name in READERS} | {"open-bandit": {"policy": "random"}}


def _wrap(text: str, indent: str = "") -> str:
    return textwrap.fill(text, 78, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False)


def real_data_card(name: str) -> str:
    """The Markdown data card (``DESCR``) of a real dataset, from the registry and the schema."""
    dataset = get_dataset(name)
    items = [f"- Size: {dataset.rows}.", f"- Official source: {dataset.source}",
             f"- Terms: {dataset.terms}", f"- Cite: {dataset.citation}"]
    tables = []
    for part, columns in SCHEMAS[name].items():
        shown = list(columns.items())[:9] if len(columns) > 12 else columns.items()
        listed = ", ".join(f"`{column}` ({dtype})" for column, dtype in shown)
        more = f", ... ({len(columns)} columns)" if len(columns) > 12 else ""
        tables.append(f"- `{part}`: {listed}{more}")
    lines = [f"# {dataset.title} (real data)", "", _wrap(dataset.about), "",
             *(_wrap(item, "  ") for item in items), "", "Tables:", "", *(_wrap(line, "  ") for line in tables)]
    return "\n".join(lines) + "\n"


def load(name: str, *, home: str | os.PathLike | None = None, offline: bool | None = None,
         **options: object) -> Bunch:
    """Load a real dataset from the verified cache, fetching it first if needed.

    Returns a Bunch: ``frame``, the side tables, ``DESCR`` (the data card),
    ``source`` (``"real"``), ``citation``, ``name`` and the options (``policy``
    for ``"open-bandit"``). Raises ValueError for an unknown name or option,
    DataUnavailableError when the dataset cannot be had. Chapters call
    :func:`smartmkt_helpers.datasets.load`, which falls back on the twin.
    """
    dataset = get_dataset(name)
    unknown = sorted(set(options) - set(OPTIONS[name]))
    if unknown:
        accepted = ", ".join(OPTIONS[name]) or "no options"
        raise ValueError(f"load({name!r}) got unknown option(s) {unknown}; it accepts {accepted}")
    options = {**OPTIONS[name], **options}
    if name == "open-bandit" and options["policy"] not in OPEN_BANDIT_POLICIES:
        raise ValueError(f"policy must be 'random' or 'bts', got {options['policy']!r}")
    folder = fetch(dataset, home, offline=offline)
    tables = READERS[name](folder, **options)
    return Bunch(**tables, DESCR=real_data_card(name), source="real", citation=dataset.citation, name=name,
                 **options)
