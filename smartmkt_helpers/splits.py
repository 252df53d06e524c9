"""Train/test splits for recommender data held as a tidy ratings frame.

Three ways to hold out ratings, each returning ``(train, test)``:

- :func:`random_split`: a random share of all rows;
- :func:`stratified_split`: a share of each user's (or each item's) rows,
  selecting exactly the rows of Microsoft Recommenders' current
  ``python_stratified_split`` (rewritten in 2022), the split behind the
  stored outputs of its MovieLens benchmark (on MovieLens 100K with
  ``ratio=0.75, filter_by="item", random_state=42``: 75,066 training and 24,934
  test rows);
- :func:`temporal_split`: everything before a global cut-off time trains,
  everything after tests.

Examples
--------
>>> import pandas as pd
>>> ratings = pd.DataFrame({
...     "user_id": [1, 1, 1, 1, 2, 2, 2, 2],
...     "item_id": [10, 11, 12, 13, 10, 11, 12, 13],
...     "rating": [5, 4, 3, 2, 1, 2, 3, 4],
...     "timestamp": pd.to_datetime(list(range(8)), unit="D")})
>>> train, test = stratified_split(ratings, ratio=0.75, filter_by="user")
>>> len(train), len(test)
(6, 2)
>>> sorted(test["user_id"])
[1, 2]
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
import pandas as pd

from smartmkt_helpers._checks import columns, positive_int

__all__ = ["random_split", "stratified_split", "temporal_split"]


def _check_frame(data: pd.DataFrame, wanted: Sequence[str]) -> None:
    columns(data, wanted, "data")
    if len(data) == 0:
        raise ValueError("data is empty: there are no rows to split")
    for column in wanted:
        if data[column].isna().any():
            raise ValueError(f"column {column!r} contains missing values (NaN)")


def _check_ratio(ratio: float) -> float:
    if isinstance(ratio, bool) or not isinstance(ratio, numbers.Real):
        raise TypeError(f"ratio must be a number between 0 and 1, got {ratio!r}")
    if not 0.0 < float(ratio) < 1.0:
        raise ValueError(f"ratio must lie strictly between 0 and 1, got {ratio}")
    return float(ratio)


def random_split(
    data: pd.DataFrame, ratio: float = 0.75, random_state: int | None = 42
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split the rows at random: ``round(ratio * len(data))`` rows train.

    Parameters
    ----------
    data : DataFrame
        One row per rating (any columns).
    ratio : float
        Share of rows in the training set, strictly between 0 and 1.
    random_state : int or None
        Seed of the shuffle.

    Returns
    -------
    train, test : DataFrame
        Disjoint row subsets of ``data`` (original index kept).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"user_id": range(8), "item_id": range(8)})
    >>> train, test = random_split(frame, ratio=0.75, random_state=0)
    >>> len(train), len(test), len(set(train.index) & set(test.index))
    (6, 2, 0)
    """
    _check_frame(data, [])
    ratio = _check_ratio(ratio)
    order = np.random.default_rng(random_state).permutation(len(data))
    n_train = int(round(ratio * len(data)))
    if n_train in (0, len(data)):
        raise ValueError(
            f"ratio={ratio} of {len(data)} rows leaves an empty train or test set"
        )
    return data.iloc[np.sort(order[:n_train])], data.iloc[np.sort(order[n_train:])]


def stratified_split(
    data: pd.DataFrame,
    ratio: float = 0.75,
    min_rating: int = 1,
    filter_by: str = "user",
    random_state: int | None = 42,
    col_user: str = "user_id",
    col_item: str = "item_id",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hold out a share of each user's (or each item's) ratings at random.

    The algorithm, in four steps:

    1. drop the groups (users when ``filter_by="user"``, items when
       ``filter_by="item"``) with fewer than ``min_rating`` rows;
    2. draw one uniform number per remaining row, in the row order of
       ``data``, from ``numpy.random.RandomState(random_state).rand``;
    3. sort the rows by group, then by that number, and number them
       1, 2, ..., n inside each group of n rows (the rank);
    4. rows with rank <= ``round(ratio * n)`` train, the others test
       (NumPy's rounding: halves go to the even number, so a group of 6
       at ratio 0.75 keeps 4 rows, not 5).

    This is Microsoft Recommenders' ``python_stratified_split`` as rewritten
    in July 2022 (the version behind the stored outputs of its MovieLens
    benchmark notebook); it selects the same rows, in the same order
    (grouped, then by the random number), with the original index. On
    MovieLens 100K with ``ratio=0.75, filter_by="item", random_state=42`` that is
    75,066 training and 24,934 test rows. Versions before 2022 shuffled each
    group separately and select other rows of the same sizes.

    Parameters
    ----------
    data : DataFrame
        Tidy ratings with at least ``col_user`` and ``col_item``.
    ratio : float
        Share of each group's rows that trains, strictly between 0 and 1.
    min_rating : int
        Minimum number of rows a group needs to be kept (at least 1).
    filter_by : {"user", "item"}
        Stratify (and filter) by user or by item.
    random_state : int or None
        Seed of the uniform numbers (Microsoft Recommenders' ``seed``).
    col_user, col_item : str
        Column names.

    Returns
    -------
    train, test : DataFrame
        Disjoint row subsets of ``data``, same columns and index labels.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"user_id": [1] * 4 + [2] * 2,
    ...                       "item_id": [1, 2, 3, 4, 1, 2]})
    >>> train, test = stratified_split(frame, ratio=0.75)
    >>> train.groupby("user_id").size().tolist()
    [3, 2]
    """
    _check_frame(data, [col_user, col_item])
    ratio = _check_ratio(ratio)
    if filter_by not in ("user", "item"):
        raise ValueError(f"filter_by must be 'user' or 'item', got {filter_by!r}")
    min_rating = positive_int(min_rating, "min_rating")
    column = col_user if filter_by == "user" else col_item
    if min_rating > 1:
        counts = data.groupby(column)[column].transform("size")
        data = data[counts.to_numpy() >= min_rating]
        if len(data) == 0:
            raise ValueError(
                f"no {filter_by} has min_rating={min_rating} ratings; nothing is left"
            )
    draws = np.random.RandomState(random_state).rand(len(data))
    groups, _ = pd.factorize(data[column], sort=True)
    order = np.lexsort((draws, groups))  # by group, then by the draw
    sorted_groups = groups[order]
    sizes = np.bincount(sorted_groups)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    rank = np.arange(len(order)) - starts[sorted_groups] + 1
    n_train = np.rint(ratio * sizes)  # rint: halves to even, as NumPy's round
    is_train = rank <= n_train[sorted_groups]
    ordered = data.iloc[order]
    return ordered[is_train], ordered[~is_train]


def temporal_split(
    data: pd.DataFrame,
    ratio: float = 0.75,
    col_timestamp: str = "timestamp",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split at one global time: the earliest ``ratio`` of rows train.

    All rows stamped at the cut-off time itself go to training, so no test
    rating is older than any training rating.

    Parameters
    ----------
    data : DataFrame
        Ratings with a ``col_timestamp`` column (datetimes or numbers).
    ratio : float
        Share of rows (approximately, because of ties) before the cut-off.
    col_timestamp : str
        Column name.

    Returns
    -------
    train, test : DataFrame

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"item_id": [1, 2, 3, 4], "timestamp": [4, 1, 3, 2]})
    >>> train, test = temporal_split(frame, ratio=0.5)
    >>> train["timestamp"].tolist(), test["timestamp"].tolist()
    ([1, 2], [4, 3])
    """
    _check_frame(data, [col_timestamp])
    ratio = _check_ratio(ratio)
    times = data[col_timestamp].to_numpy()
    n_train = int(round(ratio * len(data)))
    if n_train == 0:
        raise ValueError(f"ratio={ratio} of {len(data)} rows leaves no training rows")
    cut = np.sort(times, kind="stable")[n_train - 1]
    is_train = times <= cut
    if is_train.all():
        raise ValueError(
            f"no rating is later than the cut-off {cut}; lower ratio to keep a test set"
        )
    return data[is_train], data[~is_train]
