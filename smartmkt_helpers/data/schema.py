"""Column names and dtypes of every table of the real datasets (:data:`SCHEMAS`).

A real dataset and its simulated twin share one schema: the loader and the
simulator both pass their tables through :func:`conform`, so a chapter runs
unchanged on either. Fixed vocabularies (Hillstrom's segments, German
Credit's attribute codes) come from ``datasets.toml``.

>>> table = pd.DataFrame({"customer_id": [1], "date": ["1997-01-01"], "quantity": [2], "amount": [23.5]})
>>> conform(table, "cdnow").dtypes.astype(str).tolist()
['int32', 'datetime64[s]', 'int16', 'float64']
"""

from __future__ import annotations

import pandas as pd
from pandas.api.types import CategoricalDtype

from smartmkt_helpers.data.registry import TABLES

#: pandas 3 casts text to its ``"str"`` dtype; pandas 2 keeps text in ``object`` columns.
PANDAS_HAS_STR_DTYPE = int(pd.__version__.split(".")[0]) >= 3

_VOCABULARIES = TABLES["vocabularies"]
MOVIELENS_GENRES = tuple(_VOCABULARIES["movielens_genres"])
MOVIELENS_OCCUPATIONS = tuple(_VOCABULARIES["movielens_occupations"])
HILLSTROM_HISTORY_SEGMENTS = tuple(_VOCABULARIES["hillstrom_history_segments"])
HILLSTROM_ARMS = tuple(_VOCABULARIES["hillstrom_arms"])
OPEN_BANDIT_POLICIES = tuple(_VOCABULARIES["open_bandit_policies"])
OPEN_BANDIT_ITEMS = 80
OPEN_BANDIT_POSITIONS = 3
#: German Credit's label of each code of each qualitative attribute, as ``german.doc`` words it.
GERMAN_CREDIT_LABELS: dict[str, dict[str, str]] = {
    name: labels for name, labels in TABLES["german-credit-attributes"].items() if labels}
#: German Credit's columns in the order of ``german.data``, with their codes (None for a numerical one).
GERMAN_CREDIT_ATTRIBUTES = tuple((name, tuple(labels) or None)
                                 for name, labels in TABLES["german-credit-attributes"].items())
#: German Credit's cost of each error: ``GERMAN_CREDIT_COSTS[true][predicted]``.
GERMAN_CREDIT_COSTS: dict[str, dict[str, int]] = TABLES["german-credit-costs"]


def german_credit_cost_matrix() -> pd.DataFrame:
    """German Credit's cost matrix: rows the true class, columns the predicted."""
    table = pd.DataFrame(GERMAN_CREDIT_COSTS).T.loc[["good", "bad"], ["good", "bad"]]
    table.index.name, table.columns.name = "true", "predicted"
    return table.astype("int64")


def german_credit_labels() -> pd.DataFrame:
    """German Credit's code-to-label table (``attribute``, ``code``, ``label``)."""
    rows = [(name, code, label) for name, labels in GERMAN_CREDIT_LABELS.items() for code, label in labels.items()]
    return pd.DataFrame(rows, columns=["attribute", "code", "label"]).astype("str")


def _category(values, ordered: bool = False) -> CategoricalDtype:
    return CategoricalDtype(list(values), ordered=ordered)


#: ``SCHEMAS[dataset][table]`` maps each column to its dtype; ``"frame"`` is the main table.
SCHEMAS: dict[str, dict[str, dict[str, object]]] = {
    "movielens-100k": {
        "frame": {"user_id": "int32", "item_id": "int32", "rating": "int8", "timestamp": "datetime64[s]"},
        "users": {"user_id": "int32", "age": "int8", "gender": _category(["F", "M"]),
                  "occupation": _category(MOVIELENS_OCCUPATIONS), "zip_code": "str"},
        "movies": {"item_id": "int32", "title": "str", "release_date": "datetime64[s]", "imdb_url": "str",
                   **{genre: "bool" for genre in MOVIELENS_GENRES}},
    },
    "hillstrom": {"frame": {
        "recency": "int8", "history_segment": _category(HILLSTROM_HISTORY_SEGMENTS, ordered=True),
        "history": "float64", "mens": "int8", "womens": "int8",
        "zip_code": _category(["Surburban", "Rural", "Urban"]), "newbie": "int8",
        "channel": _category(["Phone", "Web", "Multichannel"]), "segment": _category(HILLSTROM_ARMS),
        "visit": "int8", "conversion": "int8", "spend": "float64",
    }},
    "open-bandit": {
        "frame": {
            "timestamp": "datetime64[us, UTC]", "item_id": "int16", "position": "int8", "click": "int8",
            "propensity_score": "float64", **{f"user_feature_{i}": "str" for i in range(4)},
            **{f"user-item_affinity_{i}": "float64" for i in range(OPEN_BANDIT_ITEMS)},
        },
        "item_context": {"item_id": "int16", "item_feature_0": "float64",
                         **{f"item_feature_{i}": "str" for i in range(1, 4)}},
    },
    "german-credit": {"frame": {**{name: "int16" if codes is None else _category(codes)
                                   for name, codes in GERMAN_CREDIT_ATTRIBUTES},
                                "risk": _category(["good", "bad"])}},
    "cdnow": {"frame": {"customer_id": "int32", "date": "datetime64[s]", "quantity": "int16", "amount": "float64"}},
    "assistments-2009": {"frame": {"student_id": "int32", "split": _category(["train", "test"]), "step": "int16",
                                   "skill_id": "int16", "correct": "int8"}},
}


def _as_text(column: pd.Series) -> pd.Series:
    """Text with missing values kept missing (pandas 2's ``astype(str)`` would write ``"nan"``)."""
    if PANDAS_HAS_STR_DTYPE:
        return column.astype("str")
    return column.astype(object).where(column.isna(), column.astype(str))


def conform(table: pd.DataFrame, dataset: str, part: str = "frame", *, schemas: dict | None = None) -> pd.DataFrame:
    """Return ``table`` with exactly the columns (in order) and dtypes of ``schemas[dataset][part]``.

    ``schemas`` defaults to :data:`SCHEMAS`. Raises ValueError for a missing or
    extra column, or a value that does not fit its dtype (a category outside
    the vocabulary, say). The index is reset.
    """
    try:
        columns = (SCHEMAS if schemas is None else schemas)[dataset][part]
    except KeyError:
        raise ValueError(f"no schema for table {part!r} of dataset {dataset!r}") from None
    missing = [name for name in columns if name not in table.columns]
    extra = [name for name in table.columns if name not in columns]
    if missing or extra:
        raise ValueError(f"{dataset} {part}: missing columns {missing}, unexpected columns {extra}")
    out = table.loc[:, list(columns)].reset_index(drop=True)
    for name, dtype in columns.items():
        before = out[name]
        try:
            after = _as_text(before) if dtype == "str" else before.astype(dtype)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{dataset} {part}: column {name!r} cannot be {dtype}: {error}") from None
        if isinstance(dtype, CategoricalDtype) and after.isna().sum() > before.isna().sum():
            unknown = sorted(set(before.dropna().astype(str)) - set(map(str, dtype.categories)))
            raise ValueError(
                f"{dataset} {part}: column {name!r} has values outside {list(dtype.categories)}: {unknown[:5]}"
            )
        out[name] = after
    return out
