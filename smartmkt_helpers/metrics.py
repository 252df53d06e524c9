"""Ranking and rating metrics over tidy DataFrames, with Microsoft Recommenders' conventions.

Every row of ``rating_true`` is relevant; each user's ``k`` highest
``prediction`` rows form the list (ties keep row order); averages run over
users in both frames. nDCG is binary with discount ``1 / ln(1 + rank)``.
``map_at_k(normalize="all")`` divides by all relevant items (their ``map``,
the course's "MAP"); ``normalize="min"`` by ``min(n_relevant, k)`` (their
``map_at_k`` since 1.2, the course's "MAP@10").

>>> truth = pd.DataFrame({"user_id": [1, 1, 2], "item_id": [10, 11, 10]})
>>> recs = pd.DataFrame({"user_id": [1, 1, 2, 2], "item_id": [10, 12, 11, 10],
...                      "prediction": [0.9, 0.8, 0.7, 0.6]})
>>> precision_at_k(truth, recs, k=2), recall_at_k(truth, recs, k=2)
(0.5, 0.75)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from smartmkt_helpers._checks import filled_frame, positive_int

__all__ = ["catalog_coverage", "hit_rate_at_k", "mae", "map_at_k", "merge_ranking_true_pred", "mrr_at_k",
           "ndcg_at_k", "novelty", "precision_at_k", "recall_at_k", "rmse", "top_k_items"]


def top_k_items(rating_pred: pd.DataFrame, k: int = 10, col_user: str = "user_id", col_item: str = "item_id",
                col_prediction: str = "prediction") -> pd.DataFrame:
    """Each user's ``k`` highest-scored rows, with a 1-based ``rank`` column."""
    k = positive_int(k, "k")
    filled_frame(rating_pred, [col_user, col_item, col_prediction], "rating_pred")
    order = np.lexsort((np.arange(len(rating_pred)), -rating_pred[col_prediction].to_numpy(dtype=float),
                        rating_pred[col_user].to_numpy()))
    ranked = rating_pred.iloc[order][[col_user, col_item, col_prediction]]
    rank = ranked.groupby(col_user, sort=False).cumcount().to_numpy() + 1
    ranked = ranked.assign(rank=rank)
    return ranked[rank <= k].reset_index(drop=True)


@dataclass(frozen=True)
class RankingJoin:
    """What every ranking metric needs, from :func:`merge_ranking_true_pred`.

    ``hits``: one row per recommended relevant item (user, ``rank``);
    ``per_user``: ``n_relevant`` and ``n_hits`` indexed by the common users
    (sorted). Each method gives a metric per user in that order.
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
        return self.per_user["n_hits"].to_numpy(dtype=float) / self.k

    def recall(self) -> np.ndarray:
        return (self.per_user["n_hits"].to_numpy(dtype=float)
                / self.per_user["n_relevant"].to_numpy(dtype=float))

    def ndcg(self) -> np.ndarray:
        dcg = self._sum_by_user(1.0 / np.log1p(self._ranks()))
        discounts = np.cumsum(1.0 / np.log1p(np.arange(1, self.k + 1)))
        n_ideal = np.minimum(self.per_user["n_relevant"].to_numpy(), self.k).astype(int)
        return dcg / discounts[n_ideal - 1]

    def average_precision(self, normalize: str = "all") -> np.ndarray:
        if normalize not in ("all", "min"):
            raise ValueError(f"normalize must be 'all' or 'min', got {normalize!r}")
        order_in_hits = self.hits.groupby(self.col_user, sort=False).cumcount().to_numpy() + 1
        summed = self._sum_by_user(order_in_hits / self._ranks())
        n_relevant = self.per_user["n_relevant"].to_numpy(dtype=float)
        return summed / (n_relevant if normalize == "all" else np.minimum(n_relevant, self.k))

    def reciprocal_rank(self) -> np.ndarray:
        return self._sum_by_user(1.0 / self._ranks(), how="max")

    def hit(self) -> np.ndarray:
        return (self.per_user["n_hits"].to_numpy() > 0).astype(float)


def merge_ranking_true_pred(rating_true: pd.DataFrame, rating_pred: pd.DataFrame, k: int = 10,
                            col_user: str = "user_id", col_item: str = "item_id",
                            col_prediction: str = "prediction") -> RankingJoin:
    """Join the top-k lists with the test items of the users in both frames."""
    k = positive_int(k, "k")
    filled_frame(rating_true, [col_user, col_item], "rating_true")
    top = top_k_items(rating_pred, k, col_user, col_item, col_prediction)
    truth = rating_true[[col_user, col_item]].drop_duplicates()
    common = np.intersect1d(truth[col_user].unique(), top[col_user].unique())
    if len(common) == 0:
        raise ValueError("rating_true and rating_pred share no user; check the user ids and column names")
    truth = truth[truth[col_user].isin(common)]
    top = top[top[col_user].isin(common)]
    hits = top.merge(truth, on=[col_user, col_item], how="inner")
    hits = hits.sort_values([col_user, "rank"]).reset_index(drop=True)
    per_user = pd.DataFrame({"n_relevant": truth.groupby(col_user).size(),
                             "n_hits": hits.groupby(col_user).size()}).reindex(common).fillna(0)
    return RankingJoin(hits=hits, per_user=per_user, n_users=len(common), k=k, col_user=col_user)


def precision_at_k(rating_true: pd.DataFrame, rating_pred: pd.DataFrame, k: int = 10,
                   col_user: str = "user_id", col_item: str = "item_id",
                   col_prediction: str = "prediction") -> float:
    """Mean over users of (hits in the top k) / k."""
    joined = merge_ranking_true_pred(rating_true, rating_pred, k, col_user, col_item, col_prediction)
    return float(joined.precision().sum() / joined.n_users)


def recall_at_k(rating_true: pd.DataFrame, rating_pred: pd.DataFrame, k: int = 10, col_user: str = "user_id",
                col_item: str = "item_id", col_prediction: str = "prediction") -> float:
    """Mean over users of (hits in the top k) / (relevant test items)."""
    joined = merge_ranking_true_pred(rating_true, rating_pred, k, col_user, col_item, col_prediction)
    return float(joined.recall().sum() / joined.n_users)


def ndcg_at_k(rating_true: pd.DataFrame, rating_pred: pd.DataFrame, k: int = 10, col_user: str = "user_id",
              col_item: str = "item_id", col_prediction: str = "prediction") -> float:
    """Binary nDCG@k with discount ``1 / ln(1 + rank)``; the ideal puts ``min(n_relevant, k)`` hits on top."""
    joined = merge_ranking_true_pred(rating_true, rating_pred, k, col_user, col_item, col_prediction)
    return float(joined.ndcg().sum() / joined.n_users)


def map_at_k(rating_true: pd.DataFrame, rating_pred: pd.DataFrame, k: int = 10, normalize: str = "all",
             col_user: str = "user_id", col_item: str = "item_id",
             col_prediction: str = "prediction") -> float:
    """Mean average precision: per user, the sum of precisions at the hits' ranks over
    all relevant items (``normalize="all"``) or ``min(n_relevant, k)`` (``"min"``).
    """
    if normalize not in ("all", "min"):
        raise ValueError(f"normalize must be 'all' or 'min', got {normalize!r}")
    joined = merge_ranking_true_pred(rating_true, rating_pred, k, col_user, col_item, col_prediction)
    return float(joined.average_precision(normalize).sum() / joined.n_users)


def mrr_at_k(rating_true: pd.DataFrame, rating_pred: pd.DataFrame, k: int = 10, col_user: str = "user_id",
             col_item: str = "item_id", col_prediction: str = "prediction") -> float:
    """Mean reciprocal rank of the first hit in the top k (0 without a hit)."""
    joined = merge_ranking_true_pred(rating_true, rating_pred, k, col_user, col_item, col_prediction)
    return float(joined.reciprocal_rank().sum() / joined.n_users)


def hit_rate_at_k(rating_true: pd.DataFrame, rating_pred: pd.DataFrame, k: int = 10,
                  col_user: str = "user_id", col_item: str = "item_id",
                  col_prediction: str = "prediction") -> float:
    """Share of users with at least one relevant item in their top k."""
    joined = merge_ranking_true_pred(rating_true, rating_pred, k, col_user, col_item, col_prediction)
    return float(joined.hit().sum() / joined.n_users)


def catalog_coverage(rating_pred: pd.DataFrame, catalog_items: Iterable, col_item: str = "item_id") -> float:
    """Share of the catalogue in at least one recommendation list (pass the top-k lists)."""
    filled_frame(rating_pred, [col_item], "rating_pred")
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


def novelty(rating_pred: pd.DataFrame, train: pd.DataFrame, col_user: str = "user_id",
            col_item: str = "item_id") -> float:
    """Mean self-information ``-log2(p_i)`` of the recommended items, in bits.

    ``p_i`` is the share of training users who rated item ``i``; items unseen in
    training are left out, as in Microsoft Recommenders' ``novelty``.
    """
    filled_frame(rating_pred, [col_item], "rating_pred")
    filled_frame(train, [col_user, col_item], "train")
    n_users = train[col_user].nunique()
    item_users = train.drop_duplicates([col_user, col_item]).groupby(col_item).size()
    share = rating_pred[col_item].map(item_users / n_users).dropna()
    if len(share) == 0:
        raise ValueError("no recommended item appears in train; novelty is undefined")
    return float(-np.log2(share.to_numpy(dtype=float)).mean())


def _aligned(rating_true: pd.DataFrame, rating_pred: pd.DataFrame, col_user: str, col_item: str,
             col_rating: str, col_prediction: str) -> tuple[np.ndarray, np.ndarray]:
    filled_frame(rating_true, [col_user, col_item, col_rating], "rating_true")
    filled_frame(rating_pred, [col_user, col_item, col_prediction], "rating_pred")
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
    return (merged[col_rating].to_numpy(dtype=float), merged["_prediction"].to_numpy(dtype=float))


def rmse(rating_true: pd.DataFrame, rating_pred: pd.DataFrame, col_user: str = "user_id",
         col_item: str = "item_id", col_rating: str = "rating", col_prediction: str = "prediction") -> float:
    """Root mean squared error of predicted ratings, joined on (user, item); every true row needs one."""
    truth, pred = _aligned(rating_true, rating_pred, col_user, col_item, col_rating, col_prediction)
    return float(np.sqrt(np.mean((truth - pred) ** 2)))


def mae(rating_true: pd.DataFrame, rating_pred: pd.DataFrame, col_user: str = "user_id",
        col_item: str = "item_id", col_rating: str = "rating", col_prediction: str = "prediction") -> float:
    """Mean absolute error of predicted ratings, joined on (user, item)."""
    truth, pred = _aligned(rating_true, rating_pred, col_user, col_item, col_rating, col_prediction)
    return float(np.mean(np.abs(truth - pred)))
