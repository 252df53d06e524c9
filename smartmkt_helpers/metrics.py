"""Ranking and rating metrics over tidy DataFrames.

The conventions follow Microsoft Recommenders' Python evaluation, so the
numbers can be set beside its published benchmark:

- ``rating_true`` holds the test ratings (``user_id, item_id, ...``); every
  row counts as relevant (no rating threshold).
- ``rating_pred`` holds scored recommendations
  (``user_id, item_id, prediction``); each user's ``k`` highest predictions
  form the list (ties keep the row order).
- Averages run over the users present in both frames; a user in both with
  no hit contributes 0.
- nDCG uses binary relevance and the natural-log discount ``1 / ln(1 + rank)``.
- ``map_at_k(normalize="all")`` divides each user's sum of precisions at the
  hits by the number of relevant test items, as Microsoft Recommenders'
  ``map`` does; this is the "MAP" column of their MovieLens benchmark
  (``examples/06_benchmarks``, which calls ``map``). ``normalize="min"``
  divides by ``min(n_relevant, k)``, the textbook MAP@k, as their
  ``map_at_k`` does since version 1.2 (November 2023; before that their
  ``map_at_k`` divided by all relevant items too). The course labels the
  first "MAP" and the second "MAP@10".

One function, :func:`merge_ranking_true_pred`, does the join that all
ranking metrics share.

Examples
--------
>>> import pandas as pd
>>> truth = pd.DataFrame({"user_id": [1, 1, 2], "item_id": [10, 11, 10]})
>>> recs = pd.DataFrame({"user_id": [1, 1, 2, 2], "item_id": [10, 12, 11, 10],
...                      "prediction": [0.9, 0.8, 0.7, 0.6]})
>>> precision_at_k(truth, recs, k=2)
0.5
>>> recall_at_k(truth, recs, k=2)
0.75
>>> round(ndcg_at_k(truth, recs, k=2), 4)  # (0.6131 + 0.6309) / 2
0.622
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from smartmkt_helpers._checks import columns, positive_int

__all__ = [
    "catalog_coverage",
    "hit_rate_at_k",
    "mae",
    "map_at_k",
    "merge_ranking_true_pred",
    "mrr_at_k",
    "ndcg_at_k",
    "novelty",
    "precision_at_k",
    "recall_at_k",
    "rmse",
    "top_k_items",
]


def _check_frame(frame: pd.DataFrame, name: str, wanted: Iterable[str]) -> None:
    """Columns present (:func:`_checks.columns`), rows present, no NaN in them."""
    columns(frame, wanted, name)
    if len(frame) == 0:
        raise ValueError(f"{name} is empty")
    for column in wanted:
        if frame[column].isna().any():
            raise ValueError(f"{name} column {column!r} contains missing values (NaN)")


def top_k_items(
    rating_pred: pd.DataFrame,
    k: int = 10,
    col_user: str = "user_id",
    col_item: str = "item_id",
    col_prediction: str = "prediction",
) -> pd.DataFrame:
    """Each user's ``k`` highest-scored rows, with a 1-based ``rank`` column.

    Examples
    --------
    >>> import pandas as pd
    >>> recs = pd.DataFrame({"user_id": [1, 1, 1], "item_id": [5, 6, 7],
    ...                      "prediction": [0.1, 0.9, 0.5]})
    >>> top_k_items(recs, k=2)["item_id"].tolist()
    [6, 7]
    """
    k = positive_int(k, "k")
    _check_frame(rating_pred, "rating_pred", [col_user, col_item, col_prediction])
    order = np.lexsort((
        np.arange(len(rating_pred)),
        -rating_pred[col_prediction].to_numpy(dtype=float),
        rating_pred[col_user].to_numpy(),
    ))
    ranked = rating_pred.iloc[order][[col_user, col_item, col_prediction]]
    rank = ranked.groupby(col_user, sort=False).cumcount().to_numpy() + 1
    ranked = ranked.assign(rank=rank)
    return ranked[rank <= k].reset_index(drop=True)


@dataclass(frozen=True)
class RankingJoin:
    """What every ranking metric needs, from :func:`merge_ranking_true_pred`.

    ``hits`` has one row per recommended relevant item (``col_user``,
    ``rank``); ``per_user`` is indexed by the common users (sorted) with
    ``n_relevant`` (test items) and ``n_hits``; ``n_users`` is the number of
    common users. The methods give each metric per user, in the order of
    ``per_user``: the ``*_at_k`` functions average them, and
    :func:`smartmkt_helpers.evaluation.per_user_metrics` keeps them.
    """

    hits: pd.DataFrame
    per_user: pd.DataFrame
    n_users: int
    k: int
    col_user: str = "user_id"

    def _sum_by_user(self, values: np.ndarray, how: str = "sum") -> np.ndarray:
        grouped = pd.Series(values, index=self.hits[self.col_user].to_numpy()).groupby(level=0)
        total = grouped.sum() if how == "sum" else grouped.max()
        return total.reindex(self.per_user.index, fill_value=0.0).to_numpy()

    def _ranks(self) -> np.ndarray:
        return self.hits["rank"].to_numpy(dtype=float)

    def precision(self) -> np.ndarray:
        """Hits in the top k over k."""
        return self.per_user["n_hits"].to_numpy(dtype=float) / self.k

    def recall(self) -> np.ndarray:
        """Hits in the top k over the relevant test items."""
        return (self.per_user["n_hits"].to_numpy(dtype=float)
                / self.per_user["n_relevant"].to_numpy(dtype=float))

    def ndcg(self) -> np.ndarray:
        """Binary DCG with discount ``1 / ln(1 + rank)`` over the ideal DCG."""
        dcg = self._sum_by_user(1.0 / np.log1p(self._ranks()))
        discounts = np.cumsum(1.0 / np.log1p(np.arange(1, self.k + 1)))
        n_ideal = np.minimum(self.per_user["n_relevant"].to_numpy(), self.k).astype(int)
        return dcg / discounts[n_ideal - 1]

    def average_precision(self, normalize: str = "all") -> np.ndarray:
        """Sum of the precisions at the hits, over all relevant items or min(relevant, k)."""
        if normalize not in ("all", "min"):
            raise ValueError(f"normalize must be 'all' or 'min', got {normalize!r}")
        order_in_hits = self.hits.groupby(self.col_user, sort=False).cumcount().to_numpy() + 1
        summed = self._sum_by_user(order_in_hits / self._ranks())
        n_relevant = self.per_user["n_relevant"].to_numpy(dtype=float)
        return summed / (n_relevant if normalize == "all" else np.minimum(n_relevant, self.k))

    def reciprocal_rank(self) -> np.ndarray:
        """1 / rank of the first hit, 0 without a hit."""
        return self._sum_by_user(1.0 / self._ranks(), how="max")

    def hit(self) -> np.ndarray:
        """1.0 if the list holds a relevant item, else 0.0."""
        return (self.per_user["n_hits"].to_numpy() > 0).astype(float)


def merge_ranking_true_pred(
    rating_true: pd.DataFrame,
    rating_pred: pd.DataFrame,
    k: int = 10,
    col_user: str = "user_id",
    col_item: str = "item_id",
    col_prediction: str = "prediction",
) -> RankingJoin:
    """Join the top-k lists with the test items of the users in both frames.

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.DataFrame({"user_id": [1, 1], "item_id": [3, 4]})
    >>> recs = pd.DataFrame({"user_id": [1, 1], "item_id": [4, 5],
    ...                      "prediction": [2.0, 1.0]})
    >>> joined = merge_ranking_true_pred(truth, recs, k=2)
    >>> joined.hits["rank"].tolist(), joined.n_users
    ([1], 1)
    """
    k = positive_int(k, "k")
    _check_frame(rating_true, "rating_true", [col_user, col_item])
    top = top_k_items(rating_pred, k, col_user, col_item, col_prediction)
    truth = rating_true[[col_user, col_item]].drop_duplicates()
    common = np.intersect1d(truth[col_user].unique(), top[col_user].unique())
    if len(common) == 0:
        raise ValueError(
            "rating_true and rating_pred share no user; check the user ids and "
            "column names"
        )
    truth = truth[truth[col_user].isin(common)]
    top = top[top[col_user].isin(common)]
    hits = top.merge(truth, on=[col_user, col_item], how="inner")
    hits = hits.sort_values([col_user, "rank"]).reset_index(drop=True)
    per_user = pd.DataFrame({
        "n_relevant": truth.groupby(col_user).size(),
        "n_hits": hits.groupby(col_user).size(),
    }).reindex(common).fillna(0)
    return RankingJoin(hits=hits, per_user=per_user, n_users=len(common), k=k,
                       col_user=col_user)


def precision_at_k(
    rating_true: pd.DataFrame,
    rating_pred: pd.DataFrame,
    k: int = 10,
    col_user: str = "user_id",
    col_item: str = "item_id",
    col_prediction: str = "prediction",
) -> float:
    """Mean over users of (hits in the top k) / k.

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.DataFrame({"user_id": [1], "item_id": [3]})
    >>> recs = pd.DataFrame({"user_id": [1, 1], "item_id": [3, 4],
    ...                      "prediction": [2.0, 1.0]})
    >>> precision_at_k(truth, recs, k=2)
    0.5
    """
    joined = merge_ranking_true_pred(rating_true, rating_pred, k, col_user,
                                     col_item, col_prediction)
    return float(joined.precision().sum() / joined.n_users)


def recall_at_k(
    rating_true: pd.DataFrame,
    rating_pred: pd.DataFrame,
    k: int = 10,
    col_user: str = "user_id",
    col_item: str = "item_id",
    col_prediction: str = "prediction",
) -> float:
    """Mean over users of (hits in the top k) / (relevant test items).

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.DataFrame({"user_id": [1, 1], "item_id": [3, 5]})
    >>> recs = pd.DataFrame({"user_id": [1], "item_id": [3], "prediction": [1.0]})
    >>> recall_at_k(truth, recs, k=10)
    0.5
    """
    joined = merge_ranking_true_pred(rating_true, rating_pred, k, col_user,
                                     col_item, col_prediction)
    return float(joined.recall().sum() / joined.n_users)


def ndcg_at_k(
    rating_true: pd.DataFrame,
    rating_pred: pd.DataFrame,
    k: int = 10,
    col_user: str = "user_id",
    col_item: str = "item_id",
    col_prediction: str = "prediction",
) -> float:
    """Binary nDCG@k with the discount ``1 / ln(1 + rank)``, averaged over users.

    The ideal DCG places ``min(n_relevant, k)`` hits at the top ranks.

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.DataFrame({"user_id": [1], "item_id": [4]})
    >>> recs = pd.DataFrame({"user_id": [1, 1], "item_id": [3, 4],
    ...                      "prediction": [2.0, 1.0]})
    >>> round(ndcg_at_k(truth, recs, k=2), 4)  # ln(2) / ln(3)
    0.6309
    """
    joined = merge_ranking_true_pred(rating_true, rating_pred, k, col_user,
                                     col_item, col_prediction)
    return float(joined.ndcg().sum() / joined.n_users)


def map_at_k(
    rating_true: pd.DataFrame,
    rating_pred: pd.DataFrame,
    k: int = 10,
    normalize: str = "all",
    col_user: str = "user_id",
    col_item: str = "item_id",
    col_prediction: str = "prediction",
) -> float:
    """Mean average precision of the top-k lists.

    Each user's average precision sums the precision at each hit's rank
    (hits so far / rank) and divides by all relevant test items
    (``normalize="all"``, Microsoft Recommenders' ``map``, the "MAP" of
    their benchmark notebook and of this course) or by
    ``min(n_relevant, k)`` (``normalize="min"``, the usual MAP@k, their
    ``map_at_k`` since version 1.2, and this course's "MAP@10").

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.DataFrame({"user_id": [1] * 3, "item_id": [3, 5, 6]})
    >>> recs = pd.DataFrame({"user_id": [1, 1], "item_id": [3, 4],
    ...                      "prediction": [2.0, 1.0]})
    >>> round(map_at_k(truth, recs, k=2, normalize="all"), 4)  # 1 / 3
    0.3333
    >>> map_at_k(truth, recs, k=2, normalize="min")  # 1 / 2
    0.5
    """
    if normalize not in ("all", "min"):
        raise ValueError(f"normalize must be 'all' or 'min', got {normalize!r}")
    joined = merge_ranking_true_pred(rating_true, rating_pred, k, col_user,
                                     col_item, col_prediction)
    return float(joined.average_precision(normalize).sum() / joined.n_users)


def mrr_at_k(
    rating_true: pd.DataFrame,
    rating_pred: pd.DataFrame,
    k: int = 10,
    col_user: str = "user_id",
    col_item: str = "item_id",
    col_prediction: str = "prediction",
) -> float:
    """Mean reciprocal rank of the first hit in the top k (0 without a hit).

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.DataFrame({"user_id": [1, 2], "item_id": [4, 9]})
    >>> recs = pd.DataFrame({"user_id": [1, 1, 2], "item_id": [3, 4, 8],
    ...                      "prediction": [2.0, 1.0, 1.0]})
    >>> mrr_at_k(truth, recs, k=2)  # (1/2 + 0) / 2
    0.25
    """
    joined = merge_ranking_true_pred(rating_true, rating_pred, k, col_user,
                                     col_item, col_prediction)
    return float(joined.reciprocal_rank().sum() / joined.n_users)


def hit_rate_at_k(
    rating_true: pd.DataFrame,
    rating_pred: pd.DataFrame,
    k: int = 10,
    col_user: str = "user_id",
    col_item: str = "item_id",
    col_prediction: str = "prediction",
) -> float:
    """Share of users with at least one relevant item in their top k.

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.DataFrame({"user_id": [1, 2], "item_id": [4, 9]})
    >>> recs = pd.DataFrame({"user_id": [1, 1, 2], "item_id": [3, 4, 8],
    ...                      "prediction": [2.0, 1.0, 1.0]})
    >>> hit_rate_at_k(truth, recs, k=2)
    0.5
    """
    joined = merge_ranking_true_pred(rating_true, rating_pred, k, col_user,
                                     col_item, col_prediction)
    return float(joined.hit().sum() / joined.n_users)


def catalog_coverage(
    rating_pred: pd.DataFrame,
    catalog_items: Iterable,
    col_item: str = "item_id",
) -> float:
    """Share of the catalogue that appears in at least one recommendation list.

    Pass the top-k lists (for example from
    :func:`smartmkt_helpers.recommenders.topk.top_k_from_scores`), not all
    scored pairs.

    Examples
    --------
    >>> import pandas as pd
    >>> recs = pd.DataFrame({"user_id": [1, 2], "item_id": [3, 3]})
    >>> catalog_coverage(recs, catalog_items=[1, 2, 3, 4])
    0.25
    """
    _check_frame(rating_pred, "rating_pred", [col_item])
    catalog = pd.Index(pd.unique(np.asarray(list(catalog_items))))
    if len(catalog) == 0:
        raise ValueError("catalog_items is empty")
    recommended = pd.Index(rating_pred[col_item].unique())
    outside = recommended.difference(catalog)
    if len(outside):
        raise ValueError(
            f"{len(outside)} recommended item(s) are not in catalog_items, "
            f"for example {outside[0]!r}"
        )
    return float(len(recommended) / len(catalog))


def novelty(
    rating_pred: pd.DataFrame,
    train: pd.DataFrame,
    col_user: str = "user_id",
    col_item: str = "item_id",
) -> float:
    """Mean self-information ``-log2(p_i)`` of the recommended items, in bits.

    ``p_i`` is the share of training users who rated item ``i``; every
    recommendation counts once (popular items recommended often weigh
    more). Recommended items never seen in training are left out, as in
    Microsoft Recommenders' ``novelty``.

    Examples
    --------
    >>> import pandas as pd
    >>> train = pd.DataFrame({"user_id": [1, 2, 3, 4], "item_id": [7, 7, 7, 8]})
    >>> recs = pd.DataFrame({"user_id": [1, 2], "item_id": [8, 8]})
    >>> novelty(recs, train)  # -log2(1/4)
    2.0
    """
    _check_frame(rating_pred, "rating_pred", [col_item])
    _check_frame(train, "train", [col_user, col_item])
    n_users = train[col_user].nunique()
    item_users = train.drop_duplicates([col_user, col_item]).groupby(col_item).size()
    share = rating_pred[col_item].map(item_users / n_users).dropna()
    if len(share) == 0:
        raise ValueError("no recommended item appears in train; novelty is undefined")
    return float(-np.log2(share.to_numpy(dtype=float)).mean())


def _aligned(
    rating_true: pd.DataFrame,
    rating_pred: pd.DataFrame,
    col_user: str,
    col_item: str,
    col_rating: str,
    col_prediction: str,
) -> tuple[np.ndarray, np.ndarray]:
    _check_frame(rating_true, "rating_true", [col_user, col_item, col_rating])
    _check_frame(rating_pred, "rating_pred", [col_user, col_item, col_prediction])
    if rating_pred.duplicated([col_user, col_item]).any():
        raise ValueError("rating_pred has duplicate (user, item) pairs")
    merged = rating_true[[col_user, col_item, col_rating]].merge(
        rating_pred[[col_user, col_item, col_prediction]].rename(
            columns={col_prediction: "_prediction"}),
        on=[col_user, col_item], how="left",
    )
    missing = merged["_prediction"].isna()
    if missing.any():
        raise ValueError(
            f"rating_pred has no prediction for {int(missing.sum())} of "
            f"{len(merged)} (user, item) pairs of rating_true"
        )
    return (merged[col_rating].to_numpy(dtype=float),
            merged["_prediction"].to_numpy(dtype=float))


def rmse(
    rating_true: pd.DataFrame,
    rating_pred: pd.DataFrame,
    col_user: str = "user_id",
    col_item: str = "item_id",
    col_rating: str = "rating",
    col_prediction: str = "prediction",
) -> float:
    """Root mean squared error of predicted ratings, joined on (user, item).

    Every row of ``rating_true`` needs a prediction.

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.DataFrame({"user_id": [1, 2], "item_id": [3, 3], "rating": [4, 2]})
    >>> pred = pd.DataFrame({"user_id": [2, 1], "item_id": [3, 3],
    ...                      "prediction": [3.0, 4.0]})
    >>> round(rmse(truth, pred), 4)  # sqrt((0 + 1) / 2)
    0.7071
    """
    truth, pred = _aligned(rating_true, rating_pred, col_user, col_item,
                           col_rating, col_prediction)
    return float(np.sqrt(np.mean((truth - pred) ** 2)))


def mae(
    rating_true: pd.DataFrame,
    rating_pred: pd.DataFrame,
    col_user: str = "user_id",
    col_item: str = "item_id",
    col_rating: str = "rating",
    col_prediction: str = "prediction",
) -> float:
    """Mean absolute error of predicted ratings, joined on (user, item).

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.DataFrame({"user_id": [1, 2], "item_id": [3, 3], "rating": [4, 2]})
    >>> pred = pd.DataFrame({"user_id": [1, 2], "item_id": [3, 3],
    ...                      "prediction": [3.0, 2.5]})
    >>> mae(truth, pred)
    0.75
    """
    truth, pred = _aligned(rating_true, rating_pred, col_user, col_item,
                           col_rating, col_prediction)
    return float(np.mean(np.abs(truth - pred)))
