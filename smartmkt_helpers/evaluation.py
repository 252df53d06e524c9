"""Beyond accuracy (chapter 11): per-user metrics, diversity, popularity bias and uncertainty over users.

>>> gini_coefficient([0, 0, 0, 4])
0.75
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from smartmkt_helpers._checks import columns, positive_int, vector
from smartmkt_helpers.experiments import TestResult
from smartmkt_helpers.metrics import merge_ranking_true_pred

__all__ = ["bootstrap_ci", "gini_coefficient", "intra_list_diversity", "paired_test", "per_user_metrics",
           "popularity_bias"]


def per_user_metrics(rating_true: pd.DataFrame, rating_pred: pd.DataFrame, k: int = 10,
                     col_user: str = "user_id", col_item: str = "item_id",
                     col_prediction: str = "prediction") -> pd.DataFrame:
    """Ranking metrics at ``k`` for each user in both frames, indexed by user (sorted).

    Columns ``precision``, ``recall``, ``ndcg``, ``average_precision``
    (``normalize="all"``), ``reciprocal_rank`` and ``hit``; each column's mean is
    the matching :mod:`~smartmkt_helpers.metrics` value.
    """
    joined = merge_ranking_true_pred(rating_true, rating_pred, k, col_user, col_item, col_prediction)
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


def intra_list_diversity(rating_pred: pd.DataFrame, item_features: pd.DataFrame, col_user: str = "user_id",
                         col_item: str = "item_id") -> float:
    """Mean over users of 1 - mean pairwise cosine similarity of item features within each list.

    ``item_features`` is indexed by item id with numeric columns (genre flags,
    say) and must hold every recommended item. Single-item lists are left out;
    0 means identical features, 1 orthogonal ones.
    """
    columns(rating_pred, [col_user, col_item], "rating_pred")
    unit = _unit_features(item_features)
    positions = unit.index.get_indexer(rating_pred[col_item])
    if (positions < 0).any():
        missing = rating_pred[col_item].to_numpy()[positions < 0][0]
        raise ValueError(f"recommended item {missing!r} is not in item_features")
    vectors = pd.DataFrame(unit.to_numpy()[positions], index=rating_pred[col_user].to_numpy())
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
    """Gini coefficient of non-negative amounts: 0 for equal shares, near 1 when one takes all."""
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


def popularity_bias(rating_pred: pd.DataFrame, train: pd.DataFrame, catalog_items: Iterable,
                    head_fraction: float = 0.2, col_user: str = "user_id",
                    col_item: str = "item_id") -> pd.Series:
    """How much the lists favour popular items: a Series of three numbers.

    ``average_popularity`` (mean training interactions per recommendation),
    ``long_tail_share`` (recommendations outside the ``head_fraction`` most
    interacted items) and ``exposure_gini`` (over the catalogue, 0 for never shown).
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
    return pd.Series({"average_popularity": float(recommended.map(popularity).mean()),
                      "long_tail_share": float((~recommended.isin(head)).mean()),
                      "exposure_gini": gini_coefficient(exposure.to_numpy())})


def _per_user_values(values, name: str) -> np.ndarray:
    array = vector(values, name, what="one per user")
    if array.size < 2:
        raise ValueError(f"{name} needs at least 2 users, got {array.size}")
    return array


def _resampled_means(values: np.ndarray, n_resamples: int, random_state: int | None) -> np.ndarray:
    n_resamples = positive_int(n_resamples, "n_resamples", minimum=100)
    rng = np.random.default_rng(random_state)
    n = values.size
    counts = rng.multinomial(n, np.full(n, 1 / n), size=n_resamples)
    return counts @ values / n


def bootstrap_ci(values, *, confidence: float = 0.95, n_resamples: int = 2000,
                 random_state: int | None = 0) -> pd.Series:
    """Mean of per-user values with a percentile bootstrap interval over users (``mean``, ``ci_low``, ``ci_high``)."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    array = _per_user_values(values, "values")
    means = _resampled_means(array, n_resamples, random_state)
    tail = (1 - confidence) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return pd.Series({"mean": float(array.mean()), "ci_low": float(low), "ci_high": float(high)})


def paired_test(values_a, values_b, *, confidence: float = 0.95, n_resamples: int = 2000,
                random_state: int | None = 0) -> TestResult:
    """Compare two recommenders on the same users through per-user differences a - b.

    Bootstrap interval of the mean difference; p-value from a sign-flip
    permutation test. Series are aligned on their index first.
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
    return TestResult(effect=float(differences.mean()), standard_error=float(means.std(ddof=1)),
                      ci_low=float(low), ci_high=float(high), p_value=p_value, confidence=confidence,
                      treated_mean=float(a.mean()), control_mean=float(b.mean()), n_treated=a.size,
                      n_control=b.size,
                      method=f"paired bootstrap and sign-flip test, {n_resamples} resamples")
