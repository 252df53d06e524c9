"""Beyond accuracy: per-user metrics, diversity, popularity bias, uncertainty.

:mod:`smartmkt_helpers.metrics` averages each ranking metric over users.
This module keeps what the averages hide, for chapter 11:

- :func:`per_user_metrics`: one row per user with precision, recall, nDCG,
  average precision, reciprocal rank and hit at ``k`` (their column means
  are the values of :mod:`~smartmkt_helpers.metrics`), the raw material of
  confidence intervals and paired tests;
- :func:`intra_list_diversity`: how different the items within each list
  are (1 - mean pairwise cosine similarity of item features);
- :func:`popularity_bias` and :func:`gini_coefficient`: how much the lists
  lean on already popular items, and how unequally they share exposure;
- :func:`bootstrap_ci` and :func:`paired_test`: intervals over users and a
  paired comparison of two recommenders on the same users.

Examples
--------
>>> import pandas as pd
>>> truth = pd.DataFrame({"user_id": [1, 1, 2], "item_id": [10, 11, 10]})
>>> recs = pd.DataFrame({"user_id": [1, 1, 2, 2], "item_id": [10, 12, 11, 10],
...                      "prediction": [0.9, 0.8, 0.7, 0.6]})
>>> per_user_metrics(truth, recs, k=2)["recall"].tolist()
[0.5, 1.0]
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from smartmkt_helpers._checks import columns, positive_int, vector
from smartmkt_helpers.experiments import TestResult
from smartmkt_helpers.metrics import merge_ranking_true_pred

__all__ = [
    "bootstrap_ci",
    "gini_coefficient",
    "intra_list_diversity",
    "paired_test",
    "per_user_metrics",
    "popularity_bias",
]


def per_user_metrics(
    rating_true: pd.DataFrame,
    rating_pred: pd.DataFrame,
    k: int = 10,
    col_user: str = "user_id",
    col_item: str = "item_id",
    col_prediction: str = "prediction",
) -> pd.DataFrame:
    """Ranking metrics at ``k`` for each user in both frames.

    Columns ``precision``, ``recall``, ``ndcg`` (binary, natural-log
    discount), ``average_precision`` (divided by all relevant items, as
    ``metrics.map_at_k(normalize="all")``), ``reciprocal_rank`` and ``hit``
    (1.0 if the list holds a relevant item). Indexed by user, sorted.

    The values come from :class:`~smartmkt_helpers.metrics.RankingJoin`,
    the same code the ``metrics`` functions average, so each column's
    mean is the corresponding ``metrics`` value.

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.DataFrame({"user_id": [1], "item_id": [4]})
    >>> recs = pd.DataFrame({"user_id": [1, 1], "item_id": [3, 4],
    ...                      "prediction": [2.0, 1.0]})
    >>> per_user_metrics(truth, recs, k=2).loc[1, ["precision", "reciprocal_rank"]].tolist()
    [0.5, 0.5]
    """
    joined = merge_ranking_true_pred(rating_true, rating_pred, k, col_user,
                                     col_item, col_prediction)
    frame = pd.DataFrame({
        "precision": joined.precision(),
        "recall": joined.recall(),
        "ndcg": joined.ndcg(),
        "average_precision": joined.average_precision("all"),
        "reciprocal_rank": joined.reciprocal_rank(),
        "hit": joined.hit(),
    }, index=joined.per_user.index)
    frame.index.name = col_user
    return frame


def _unit_features(item_features: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(item_features, pd.DataFrame):
        raise TypeError(
            f"item_features must be a DataFrame indexed by item id, got "
            f"{type(item_features).__name__}")
    values = item_features.to_numpy()
    if values.dtype.kind not in "iufb":
        raise TypeError("item_features must hold numeric columns only")
    values = values.astype(float)
    if np.isnan(values).any():
        raise ValueError("item_features contains missing values (NaN)")
    norms = np.linalg.norm(values, axis=1)
    if (norms == 0).any():
        zero = item_features.index[norms == 0][0]
        raise ValueError(
            f"item {zero!r} has an all-zero feature vector; its similarity "
            f"to other items is undefined")
    return pd.DataFrame(values / norms[:, None], index=item_features.index)


def intra_list_diversity(
    rating_pred: pd.DataFrame,
    item_features: pd.DataFrame,
    col_user: str = "user_id",
    col_item: str = "item_id",
) -> float:
    """Mean over users of 1 - mean pairwise cosine similarity within the list.

    With unit feature vectors ``f_i``, the pairwise similarities of a list
    sum to ``(|sum f_i|^2 - n) / 2``, so no pair is formed explicitly.
    Users with a single-item list are left out. 0 means every list holds
    items with identical features; 1 means orthogonal ones (for 0/1 genre
    flags, no shared genre).

    Parameters
    ----------
    rating_pred : DataFrame
        The top-k lists (``col_user``, ``col_item``).
    item_features : DataFrame
        Indexed by item id, numeric columns (for example genre flags);
        every recommended item must be present.

    Examples
    --------
    >>> import pandas as pd
    >>> genres = pd.DataFrame({"drama": [1, 1, 0], "comedy": [0, 0, 1]},
    ...                       index=[1, 2, 3])
    >>> recs = pd.DataFrame({"user_id": [7, 7, 8, 8], "item_id": [1, 2, 1, 3]})
    >>> intra_list_diversity(recs, genres)  # (0 + 1) / 2
    0.5
    """
    columns(rating_pred, [col_user, col_item], "rating_pred")
    unit = _unit_features(item_features)
    positions = unit.index.get_indexer(rating_pred[col_item])
    if (positions < 0).any():
        missing = rating_pred[col_item].to_numpy()[positions < 0][0]
        raise ValueError(f"recommended item {missing!r} is not in item_features")
    vectors = pd.DataFrame(unit.to_numpy()[positions],
                           index=rating_pred[col_user].to_numpy())
    grouped = vectors.groupby(level=0)
    summed = grouped.sum().to_numpy()
    n = grouped.size().to_numpy(dtype=float)
    keep = n > 1
    if not keep.any():
        raise ValueError("every list has a single item; diversity needs pairs")
    pair_sum = ((summed ** 2).sum(axis=1) - n) / 2
    mean_similarity = pair_sum[keep] / (n[keep] * (n[keep] - 1) / 2)
    return float(np.mean(1.0 - mean_similarity))


def gini_coefficient(values: Iterable[float]) -> float:
    """Gini coefficient of non-negative amounts: 0 equal shares, near 1 one takes all.

    Examples
    --------
    >>> gini_coefficient([1, 1, 1, 1])
    0.0
    >>> gini_coefficient([0, 0, 0, 4])
    0.75
    """
    array = np.sort(np.asarray(list(values), dtype=float))
    if array.size == 0:
        raise ValueError("values is empty")
    if np.isnan(array).any() or (array < 0).any():
        raise ValueError("values must be non-negative numbers without NaN")
    total = array.sum()
    if total == 0:
        raise ValueError("values sum to zero; the Gini coefficient is undefined")
    n = array.size
    ranks = np.arange(1, n + 1)
    return float((2 * (ranks * array).sum()) / (n * total) - (n + 1) / n)


def popularity_bias(
    rating_pred: pd.DataFrame,
    train: pd.DataFrame,
    catalog_items: Iterable,
    head_fraction: float = 0.2,
    col_user: str = "user_id",
    col_item: str = "item_id",
) -> pd.Series:
    """How much the lists favour popular items.

    Returns a Series with

    - ``average_popularity``: mean number of training interactions of the
      recommended items (each recommendation counts once);
    - ``long_tail_share``: share of recommendations outside the head, the
      ``head_fraction`` most-interacted catalogue items;
    - ``exposure_gini``: Gini coefficient of how often each catalogue item
      is recommended (items never recommended count as 0).

    Examples
    --------
    >>> import pandas as pd
    >>> train = pd.DataFrame({"user_id": [1, 2, 3, 1], "item_id": [5, 5, 5, 6]})
    >>> recs = pd.DataFrame({"user_id": [1, 2], "item_id": [5, 5]})
    >>> popularity_bias(recs, train, catalog_items=[5, 6, 7, 8, 9]).round(2).tolist()
    [3.0, 0.0, 0.8]
    """
    columns(rating_pred, [col_item], "rating_pred")
    columns(train, [col_user, col_item], "train")
    if not 0 < head_fraction < 1:
        raise ValueError(f"head_fraction must be between 0 and 1, got {head_fraction}")
    catalog = pd.Index(pd.unique(np.asarray(list(catalog_items))))
    if len(catalog) == 0:
        raise ValueError("catalog_items is empty")
    outside = pd.Index(rating_pred[col_item].unique()).difference(catalog)
    if len(outside):
        raise ValueError(f"recommended item {outside[0]!r} is not in catalog_items")
    interactions = train.drop_duplicates([col_user, col_item]).groupby(col_item).size()
    popularity = interactions.reindex(catalog, fill_value=0)
    order = np.lexsort((np.arange(len(catalog)), -popularity.to_numpy()))
    head = catalog[order[:max(1, int(round(head_fraction * len(catalog))))]]
    recommended = rating_pred[col_item]
    exposure = recommended.value_counts().reindex(catalog, fill_value=0)
    return pd.Series({
        "average_popularity": float(recommended.map(popularity).mean()),
        "long_tail_share": float((~recommended.isin(head)).mean()),
        "exposure_gini": gini_coefficient(exposure.to_numpy()),
    })


def _per_user_values(values, name: str) -> np.ndarray:
    array = vector(values, name, what="one per user")
    if array.size < 2:
        raise ValueError(f"{name} needs at least 2 users, got {array.size}")
    return array


def _resampled_means(values: np.ndarray, n_resamples: int,
                     random_state: int | None) -> np.ndarray:
    n_resamples = positive_int(n_resamples, "n_resamples", minimum=100)
    rng = np.random.default_rng(random_state)
    n = values.size
    counts = rng.multinomial(n, np.full(n, 1 / n), size=n_resamples)
    return counts @ values / n


def bootstrap_ci(
    values,
    *,
    confidence: float = 0.95,
    n_resamples: int = 2000,
    random_state: int | None = 0,
) -> pd.Series:
    """Mean of per-user values with a percentile bootstrap interval over users.

    Each resample draws as many users as there are, with replacement, and
    averages their values; the interval holds the central ``confidence``
    share of those averages.

    Examples
    --------
    >>> import numpy as np
    >>> values = np.random.default_rng(0).random(500)
    >>> ci = bootstrap_ci(values)
    >>> bool(ci["ci_low"] < values.mean() < ci["ci_high"])
    True
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    array = _per_user_values(values, "values")
    means = _resampled_means(array, n_resamples, random_state)
    tail = (1 - confidence) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return pd.Series({"mean": float(array.mean()), "ci_low": float(low),
                      "ci_high": float(high)})


def paired_test(
    values_a,
    values_b,
    *,
    confidence: float = 0.95,
    n_resamples: int = 2000,
    random_state: int | None = 0,
) -> TestResult:
    """Compare two recommenders on the same users via per-user differences.

    The effect is mean(a - b); its interval is a percentile bootstrap of
    the mean difference over users, and the p-value comes from a sign-flip
    permutation test (under "no difference", each user's difference is as
    likely to have either sign). Pairing removes the large user-to-user
    spread that both recommenders share.

    Parameters
    ----------
    values_a, values_b : array-like or Series
        One metric value per user, in the same user order (Series are
        aligned on their index first).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> base = rng.random(300)
    >>> result = paired_test(base + 0.02, base)
    >>> round(result.effect, 3), bool(result.ci_low > 0), result.p_value < 0.01
    (0.02, True, True)
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    if isinstance(values_a, pd.Series) and isinstance(values_b, pd.Series):
        if not values_a.index.sort_values().equals(values_b.index.sort_values()):
            raise ValueError("values_a and values_b must hold the same users")
        values_b = values_b.reindex(values_a.index)
    a = _per_user_values(values_a, "values_a")
    b = _per_user_values(values_b, "values_b")
    if a.size != b.size:
        raise ValueError(f"values_a has {a.size} users but values_b has {b.size}")
    differences = a - b
    means = _resampled_means(differences, n_resamples, random_state)
    tail = (1 - confidence) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    sign_seed = None if random_state is None else random_state + 1
    signs = np.random.default_rng(sign_seed).choice([-1.0, 1.0], size=(n_resamples, a.size))
    null_means = signs @ differences / a.size
    observed = abs(differences.mean())
    p_value = float((1 + (np.abs(null_means) >= observed - 1e-12).sum()) / (n_resamples + 1))
    return TestResult(
        effect=float(differences.mean()),
        standard_error=float(means.std(ddof=1)),
        ci_low=float(low),
        ci_high=float(high),
        p_value=p_value,
        confidence=confidence,
        treated_mean=float(a.mean()),
        control_mean=float(b.mean()),
        n_treated=a.size,
        n_control=b.size,
        method=f"paired bootstrap and sign-flip test, {n_resamples} resamples",
    )
