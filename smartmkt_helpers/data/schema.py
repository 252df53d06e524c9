"""Column names and dtypes of every table of the real datasets.

A real dataset and its simulated twin share one schema: the loader and the
simulator both pass their tables through :func:`conform`, so a chapter
written against the real data runs unchanged on the twin. Categories with a
fixed vocabulary (Hillstrom's segments, German Credit's attribute codes)
are spelled out here, so that the two sources agree on them as well.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"customer_id": [1], "date": ["1997-01-01"],
...                       "quantity": [2], "amount": [23.5]})
>>> conform(table, "cdnow").dtypes.astype(str).tolist()
['int32', 'datetime64[s]', 'int16', 'float64']
"""

from __future__ import annotations

import pandas as pd
from pandas.api.types import CategoricalDtype

#: pandas 3 infers and casts text to its own ``"str"`` dtype; pandas 2 keeps
#: text in ``object`` columns. Schema columns typed ``"str"`` follow suit.
PANDAS_HAS_STR_DTYPE = int(pd.__version__.split(".")[0]) >= 3

#: MovieLens genres in the order of ``u.genre`` and of the flags in ``u.item``.
MOVIELENS_GENRES = (
    "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
    "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery",
    "Romance", "Sci-Fi", "Thriller", "War", "Western",
)
#: MovieLens occupations, as listed in ``u.occupation``.
MOVIELENS_OCCUPATIONS = (
    "administrator", "artist", "doctor", "educator", "engineer", "entertainment",
    "executive", "healthcare", "homemaker", "lawyer", "librarian", "marketing", "none",
    "other", "programmer", "retired", "salesman", "scientist", "student", "technician",
    "writer",
)
#: Hillstrom's spend-history bands, in their own (numbered) order.
HILLSTROM_HISTORY_SEGMENTS = (
    "1) $0 - $100", "2) $100 - $200", "3) $200 - $350", "4) $350 - $500",
    "5) $500 - $750", "6) $750 - $1,000", "7) $1,000 +",
)
#: The three arms of Hillstrom's randomised e-mail test.
HILLSTROM_ARMS = ("Mens E-Mail", "Womens E-Mail", "No E-Mail")
#: Number of items and of recommendation slots in the Open Bandit samples.
OPEN_BANDIT_ITEMS = 80
OPEN_BANDIT_POSITIONS = 3
#: The two policies that logged the Open Bandit samples: uniform random and
#: Bernoulli Thompson sampling.
OPEN_BANDIT_POLICIES = ("random", "bts")

#: German Credit: column name, and the attribute codes of a qualitative
#: attribute (``None`` for a numerical one), in the order of ``german.data``.
GERMAN_CREDIT_ATTRIBUTES: tuple[tuple[str, tuple[str, ...] | None], ...] = (
    ("checking_status", ("A11", "A12", "A13", "A14")),
    ("duration_months", None),
    ("credit_history", ("A30", "A31", "A32", "A33", "A34")),
    ("purpose", ("A40", "A41", "A42", "A43", "A44", "A45", "A46", "A47", "A48", "A49", "A410")),
    ("credit_amount", None),
    ("savings", ("A61", "A62", "A63", "A64", "A65")),
    ("employment_since", ("A71", "A72", "A73", "A74", "A75")),
    ("installment_rate", None),
    ("personal_status_sex", ("A91", "A92", "A93", "A94", "A95")),
    ("other_debtors", ("A101", "A102", "A103")),
    ("residence_since", None),
    ("property", ("A121", "A122", "A123", "A124")),
    ("age", None),
    ("other_installment_plans", ("A141", "A142", "A143")),
    ("housing", ("A151", "A152", "A153")),
    ("existing_credits", None),
    ("job", ("A171", "A172", "A173", "A174")),
    ("num_dependents", None),
    ("telephone", ("A191", "A192")),
    ("foreign_worker", ("A201", "A202")),
)
#: German Credit's documented cost of each error: rows are the true class,
#: columns the predicted one (``german.doc``, section 8).
GERMAN_CREDIT_COSTS = {"good": {"good": 0, "bad": 1}, "bad": {"good": 5, "bad": 0}}

#: German Credit: the label of each attribute code, as ``german.doc`` (section 7)
#: words it, one space between words. A label that continues on the next
#: line of the document is joined with a space.
GERMAN_CREDIT_LABELS: dict[str, dict[str, str]] = {
    "checking_status": {
        "A11": "... < 0 DM",
        "A12": "0 <= ... < 200 DM",
        "A13": "... >= 200 DM / salary assignments for at least 1 year",
        "A14": "no checking account",
    },
    "credit_history": {
        "A30": "no credits taken/ all credits paid back duly",
        "A31": "all credits at this bank paid back duly",
        "A32": "existing credits paid back duly till now",
        "A33": "delay in paying off in the past",
        "A34": "critical account/ other credits existing (not at this bank)",
    },
    "purpose": {
        "A40": "car (new)",
        "A41": "car (used)",
        "A42": "furniture/equipment",
        "A43": "radio/television",
        "A44": "domestic appliances",
        "A45": "repairs",
        "A46": "education",
        "A47": "(vacation - does not exist?)",
        "A48": "retraining",
        "A49": "business",
        "A410": "others",
    },
    "savings": {
        "A61": "... < 100 DM",
        "A62": "100 <= ... < 500 DM",
        "A63": "500 <= ... < 1000 DM",
        "A64": ".. >= 1000 DM",
        "A65": "unknown/ no savings account",
    },
    "employment_since": {
        "A71": "unemployed",
        "A72": "... < 1 year",
        "A73": "1 <= ... < 4 years",
        "A74": "4 <= ... < 7 years",
        "A75": ".. >= 7 years",
    },
    "personal_status_sex": {
        "A91": "male : divorced/separated",
        "A92": "female : divorced/separated/married",
        "A93": "male : single",
        "A94": "male : married/widowed",
        "A95": "female : single",
    },
    "other_debtors": {
        "A101": "none",
        "A102": "co-applicant",
        "A103": "guarantor",
    },
    "property": {
        "A121": "real estate",
        "A122": "if not A121 : building society savings agreement/ life insurance",
        "A123": "if not A121/A122 : car or other, not in attribute 6",
        "A124": "unknown / no property",
    },
    "other_installment_plans": {
        "A141": "bank",
        "A142": "stores",
        "A143": "none",
    },
    "housing": {
        "A151": "rent",
        "A152": "own",
        "A153": "for free",
    },
    "job": {
        "A171": "unemployed/ unskilled - non-resident",
        "A172": "unskilled - resident",
        "A173": "skilled employee / official",
        "A174": "management/ self-employed/ highly qualified employee/ officer",
    },
    "telephone": {
        "A191": "none",
        "A192": "yes, registered under the customers name",
    },
    "foreign_worker": {
        "A201": "yes",
        "A202": "no",
    },
}


def german_credit_cost_matrix() -> pd.DataFrame:
    """German Credit's cost matrix: rows the true class, columns the predicted.

    Examples
    --------
    >>> int(german_credit_cost_matrix().loc["bad", "good"])
    5
    """
    table = pd.DataFrame(GERMAN_CREDIT_COSTS).T.loc[["good", "bad"], ["good", "bad"]]
    table.index.name, table.columns.name = "true", "predicted"
    return table.astype("int64")


def german_credit_labels() -> pd.DataFrame:
    """German Credit's code-to-label table (``attribute``, ``code``, ``label``), as ``german.doc`` words it.

    Examples
    --------
    >>> german_credit_labels().set_index("code").loc["A14", "label"]
    'no checking account'
    """
    rows = [(name, code, label) for name, labels in GERMAN_CREDIT_LABELS.items() for code, label in labels.items()]
    return pd.DataFrame(rows, columns=["attribute", "code", "label"]).astype("str")


def _category(values) -> CategoricalDtype:
    return CategoricalDtype(list(values), ordered=False)


def _german_credit_columns() -> dict[str, object]:
    columns: dict[str, object] = {}
    for name, codes in GERMAN_CREDIT_ATTRIBUTES:
        columns[name] = "int16" if codes is None else _category(codes)
    columns["risk"] = _category(["good", "bad"])
    return columns


#: ``SCHEMAS[dataset][table]`` maps each column to its dtype. The table
#: ``"frame"`` is the main one; the others are side tables of the Bunch.
SCHEMAS: dict[str, dict[str, dict[str, object]]] = {
    "movielens-100k": {
        "frame": {
            "user_id": "int32",
            "item_id": "int32",
            "rating": "int8",
            "timestamp": "datetime64[s]",
        },
        "users": {
            "user_id": "int32",
            "age": "int8",
            "gender": _category(["F", "M"]),
            "occupation": _category(MOVIELENS_OCCUPATIONS),
            "zip_code": "str",
        },
        "movies": {
            "item_id": "int32",
            "title": "str",
            "release_date": "datetime64[s]",
            "imdb_url": "str",
            **{genre: "bool" for genre in MOVIELENS_GENRES},
        },
    },
    "hillstrom": {
        "frame": {
            "recency": "int8",
            "history_segment": CategoricalDtype(list(HILLSTROM_HISTORY_SEGMENTS), ordered=True),
            "history": "float64",
            "mens": "int8",
            "womens": "int8",
            "zip_code": _category(["Surburban", "Rural", "Urban"]),
            "newbie": "int8",
            "channel": _category(["Phone", "Web", "Multichannel"]),
            "segment": _category(HILLSTROM_ARMS),
            "visit": "int8",
            "conversion": "int8",
            "spend": "float64",
        },
    },
    "open-bandit": {
        "frame": {
            "timestamp": "datetime64[us, UTC]",
            "item_id": "int16",
            "position": "int8",
            "click": "int8",
            "propensity_score": "float64",
            **{f"user_feature_{i}": "str" for i in range(4)},
            **{f"user-item_affinity_{i}": "float64" for i in range(OPEN_BANDIT_ITEMS)},
        },
        "item_context": {
            "item_id": "int16",
            "item_feature_0": "float64",
            **{f"item_feature_{i}": "str" for i in range(1, 4)},
        },
    },
    "german-credit": {"frame": _german_credit_columns()},
    "cdnow": {
        "frame": {
            "customer_id": "int32",
            "date": "datetime64[s]",
            "quantity": "int16",
            "amount": "float64",
        },
    },
    "assistments-2009": {
        "frame": {
            "student_id": "int32",
            "split": _category(["train", "test"]),
            "step": "int16",
            "skill_id": "int16",
            "correct": "int8",
        },
    },
}


def _as_text(column: pd.Series) -> pd.Series:
    """Text with missing values kept missing, under pandas 2 and 3 alike.

    pandas 3 has a string dtype (``"str"``) that keeps NaN; pandas 2's
    ``astype(str)`` would turn a missing value into the text ``"nan"``, so
    there text stays an ``object`` column with NaN where nothing was given.
    """
    if PANDAS_HAS_STR_DTYPE:
        return column.astype("str")
    return column.astype(object).where(column.isna(), column.astype(str))


def conform(table: pd.DataFrame, dataset: str, part: str = "frame", *, schemas: dict | None = None) -> pd.DataFrame:
    """Return ``table`` with exactly the columns and dtypes of the schema.

    Columns come out in the schema's order with a fresh ``RangeIndex``.

    Parameters
    ----------
    table : pandas.DataFrame
        The table to check and cast.
    dataset : str
        A key of ``schemas``.
    part : str
        ``"frame"`` or the name of a side table.
    schemas : dict, optional
        The schemas to look ``dataset`` up in; :data:`SCHEMAS` (the real
        datasets') by default.

    Raises
    ------
    ValueError
        If a column is missing or extra, or a value does not fit its dtype
        (for example a category outside the fixed vocabulary).
    """
    try:
        columns = (SCHEMAS if schemas is None else schemas)[dataset][part]
    except KeyError:
        raise ValueError(f"no schema for table {part!r} of dataset {dataset!r}") from None
    missing = [name for name in columns if name not in table.columns]
    extra = [name for name in table.columns if name not in columns]
    if missing or extra:
        raise ValueError(
            f"{dataset} {part}: missing columns {missing}, unexpected columns {extra}"
        )
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
