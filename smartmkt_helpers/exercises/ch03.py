"""Self-checks for chapter 3: collaborative filtering."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from smartmkt_helpers.exercises import register, require_columns
from smartmkt_helpers.exercises.checking import CheckResult, check_answer


def _common_ratings(train: pd.DataFrame, user_a: Any, user_b: Any) -> pd.DataFrame:
    require_columns(train, ["user_id", "item_id", "rating"], "train")
    a = train.loc[train["user_id"] == user_a, ["item_id", "rating"]]
    b = train.loc[train["user_id"] == user_b, ["item_id", "rating"]]
    return a.merge(b, on="item_id", suffixes=("_a", "_b"))


@register("3.1")
def _msd_similarity(answer: Any, *, train: pd.DataFrame, user_a: Any, user_b: Any) -> CheckResult:
    common = _common_ratings(train, user_a, user_b)
    if len(common) == 0:
        raise ValueError(f"users {user_a!r} and {user_b!r} rated no item in common")
    squared = (common["rating_a"] - common["rating_b"]) ** 2
    msd = float(squared.mean())
    return check_answer(
        answer, 1.0 / (msd + 1.0), name="msd_similarity", mistakes={
            "That is the mean squared difference itself, a distance: turn it into a similarity with 1 / (msd "
            "+ 1).": msd,
            "You summed the squared differences instead of averaging them over the items both users rated.":
                1.0 / (float(squared.sum()) + 1.0)})


@register("3.2")
def _user_based_prediction(answer: Any, *, train: pd.DataFrame, user_id: Any, item_id: Any,
                           num_neighbours: int) -> CheckResult:
    require_columns(train, ["user_id", "item_id", "rating"], "train")
    mine = train.loc[train["user_id"] == user_id, ["item_id", "rating"]]
    others = train[train["user_id"] != user_id]
    both = others.merge(mine, on="item_id", suffixes=("", "_mine"))
    squared = (both["rating"] - both["rating_mine"]) ** 2
    msd = squared.groupby(both["user_id"]).mean()
    raters = train[(train["item_id"] == item_id) & (train["user_id"] != user_id)]
    raters = raters.sort_values("user_id")
    if len(raters) == 0:
        raise ValueError(f"nobody but user {user_id!r} rated item {item_id!r} in train")
    sims = (1.0 / (raters["user_id"].map(msd) + 1.0)).fillna(0.0).to_numpy()
    values = raters["rating"].to_numpy(dtype=float)
    nearest = np.argsort(-sims, kind="stable")[:num_neighbours]
    weights = np.clip(sims[nearest], 0, None)
    expected = float((weights * values[nearest]).sum() / weights.sum())
    return check_answer(
        answer, expected, name="predicted_rating", mistakes={
            "You averaged the neighbours' ratings without weighting them by similarity.":
                float(values[nearest].mean()),
            f"You averaged every user who rated the item; keep only the {num_neighbours} most similar.":
                float(values.mean())})


@register("3.3")
def _popularity_precision(answer: Any, *, bench_train: pd.DataFrame, bench_test: pd.DataFrame,
                          k: int = 10) -> CheckResult:
    from smartmkt_helpers.metrics import precision_at_k
    from smartmkt_helpers.recommenders.topk import interaction_matrix, top_k_from_scores

    seen, users, items = interaction_matrix(bench_train)
    counts = np.asarray(seen.sum(axis=0)).ravel()
    scores = np.tile(counts, (len(users), 1))
    with_seen = top_k_from_scores(scores, users, items, k=k)
    without_seen = top_k_from_scores(scores, users, items, k=k, exclude=seen)
    return check_answer(
        answer, precision_at_k(bench_test, without_seen, k=k), name="popularity_precision", mistakes={
            "Your lists still contain movies the user rated in training; those can never be test items. "
            f"Remove them before taking the top {k}.": precision_at_k(bench_test, with_seen, k=k)})
