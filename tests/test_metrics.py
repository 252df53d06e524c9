"""Ranking and rating metrics on small examples worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from smartmkt_helpers.metrics import (
    catalog_coverage,
    hit_rate_at_k,
    mae,
    map_at_k,
    merge_ranking_true_pred,
    mrr_at_k,
    ndcg_at_k,
    novelty,
    precision_at_k,
    recall_at_k,
    rmse,
    top_k_items,
)

# User 1 has relevant items {1, 2, 3}; user 2 has {4}; user 3 has {9} but no
# recommendations (so it is left out); user 4 is recommended but has no test
# items (left out too).
TRUTH = pd.DataFrame({
    "user_id": [1, 1, 1, 2, 3],
    "item_id": [1, 2, 3, 4, 9],
})
# User 1's ranking: 1 (hit), 5, 2 (hit), 6 ; user 2's: 7, 8, 4 (hit at rank 3).
PRED = pd.DataFrame({
    "user_id": [1, 1, 1, 1, 2, 2, 2, 4],
    "item_id": [5, 1, 6, 2, 4, 7, 8, 1],
    "prediction": [0.8, 0.9, 0.1, 0.5, 0.2, 0.9, 0.4, 1.0],
})


def test_top_k_items_ranks_by_prediction():
    top = top_k_items(PRED, k=2)
    assert top[top.user_id == 1]["item_id"].tolist() == [1, 5]
    assert top[top.user_id == 2]["item_id"].tolist() == [7, 8]
    assert top["rank"].tolist() == [1, 2, 1, 2, 1]


def test_merge_keeps_common_users_only():
    joined = merge_ranking_true_pred(TRUTH, PRED, k=3)
    assert joined.n_users == 2
    assert joined.hits[["user_id", "item_id", "rank"]].values.tolist() == [
        [1, 1, 1], [1, 2, 3], [2, 4, 3]]
    assert joined.per_user.loc[1, "n_relevant"] == 3


def test_precision_at_k():
    # user 1: 2 hits in 3, user 2: 1 hit in 3
    assert precision_at_k(TRUTH, PRED, k=3) == pytest.approx((2 / 3 + 1 / 3) / 2)
    # at k=1 only user 1's first item hits
    assert precision_at_k(TRUTH, PRED, k=1) == pytest.approx(0.5)


def test_recall_at_k():
    assert recall_at_k(TRUTH, PRED, k=3) == pytest.approx((2 / 3 + 1 / 1) / 2)


def test_ndcg_at_k_natural_log_binary():
    dcg_1 = 1 / math.log(2) + 1 / math.log(4)
    idcg_1 = 1 / math.log(2) + 1 / math.log(3) + 1 / math.log(4)
    dcg_2 = 1 / math.log(4)
    idcg_2 = 1 / math.log(2)
    expected = (dcg_1 / idcg_1 + dcg_2 / idcg_2) / 2
    assert ndcg_at_k(TRUTH, PRED, k=3) == pytest.approx(expected)


def test_ndcg_is_one_for_a_perfect_ranking():
    perfect = TRUTH.assign(prediction=1.0)
    assert ndcg_at_k(TRUTH, perfect, k=5) == pytest.approx(1.0)


def test_map_at_k_both_normalisations():
    # user 1: precisions at hits 1/1 and 2/3; user 2: 1/3
    ap_sum_1, ap_sum_2 = 1 + 2 / 3, 1 / 3
    expected_all = (ap_sum_1 / 3 + ap_sum_2 / 1) / 2
    assert map_at_k(TRUTH, PRED, k=3, normalize="all") == pytest.approx(expected_all)
    # at k=2: user 1 has one hit (rank 1) of 3 relevant; min(3, 2) = 2
    assert map_at_k(TRUTH, PRED, k=2, normalize="all") == pytest.approx((1 / 3 + 0) / 2)
    assert map_at_k(TRUTH, PRED, k=2, normalize="min") == pytest.approx((1 / 2 + 0) / 2)


def _recommenders_map(truth, pred, k, cap_at_k):
    """Microsoft Recommenders' ``map`` (cap_at_k=False) and ``map_at_k`` (True).

    Re-derived from the formulas of recommenders/evaluation/python_evaluation.py
    (version 1.2, after their November 2023 change): the top k per user by
    prediction, the sum over hits of (hits so far / rank), divided by the
    user's number of relevant items (``map``) or by min(that number, k)
    (``map_at_k``), averaged over the users present in both frames.
    """
    relevant = truth.groupby("user_id")["item_id"].apply(set)
    users = sorted(set(relevant.index) & set(pred["user_id"]))
    total = 0.0
    for user in users:
        ranked = (pred[pred["user_id"] == user]
                  .sort_values("prediction", ascending=False, kind="stable")
                  ["item_id"].head(k).tolist())
        hits, summed = 0, 0.0
        for rank, item in enumerate(ranked, start=1):
            if item in relevant[user]:
                hits += 1
                summed += hits / rank
        n_relevant = len(relevant[user])
        total += summed / (min(n_relevant, k) if cap_at_k else n_relevant)
    return total / len(users)


def test_map_at_k_follows_recommenders_map_and_map_at_k():
    rng = np.random.default_rng(0)
    truth = pd.DataFrame({"user_id": rng.integers(0, 30, 400),
                          "item_id": rng.integers(0, 60, 400)}).drop_duplicates()
    pred = pd.DataFrame({"user_id": np.repeat(np.arange(35), 60),
                         "item_id": np.tile(np.arange(60), 35),
                         "prediction": rng.random(35 * 60)})
    # most users have more than k = 10 relevant items, so the two differ
    assert (truth.groupby("user_id").size() > 10).mean() > 0.5
    recommenders_map = _recommenders_map(truth, pred, 10, cap_at_k=False)
    recommenders_map_at_k = _recommenders_map(truth, pred, 10, cap_at_k=True)
    assert map_at_k(truth, pred, k=10, normalize="all") == pytest.approx(recommenders_map)
    assert map_at_k(truth, pred, k=10, normalize="min") == pytest.approx(recommenders_map_at_k)
    assert recommenders_map < recommenders_map_at_k


def test_mrr_and_hit_rate():
    assert mrr_at_k(TRUTH, PRED, k=3) == pytest.approx((1 + 1 / 3) / 2)
    assert mrr_at_k(TRUTH, PRED, k=2) == pytest.approx(0.5)
    assert hit_rate_at_k(TRUTH, PRED, k=3) == pytest.approx(1.0)
    assert hit_rate_at_k(TRUTH, PRED, k=2) == pytest.approx(0.5)


def test_catalog_coverage_and_novelty():
    top = top_k_items(PRED, k=1)  # items 1, 7, 1
    assert catalog_coverage(top, catalog_items=range(1, 11)) == pytest.approx(0.2)
    train = pd.DataFrame({"user_id": [1, 2, 3, 4], "item_id": [1, 1, 7, 5]})
    # item 1: 2 of 4 users -> 1 bit (twice); item 7: 1 of 4 -> 2 bits
    assert novelty(top, train) == pytest.approx((1 + 2 + 1) / 3)


def test_rmse_and_mae_align_on_keys():
    truth = pd.DataFrame({"user_id": [1, 1, 2], "item_id": [1, 2, 1], "rating": [5, 3, 4]})
    pred = pd.DataFrame({"user_id": [2, 1, 1], "item_id": [1, 2, 1],
                         "prediction": [4.0, 4.0, 3.0]})
    assert rmse(truth, pred) == pytest.approx(np.sqrt((4 + 1 + 0) / 3))
    assert mae(truth, pred) == pytest.approx((2 + 1 + 0) / 3)


def test_bad_input_raises():
    with pytest.raises(ValueError, match="k must be at least 1"):
        precision_at_k(TRUTH, PRED, k=0)
    with pytest.raises(TypeError, match="k must be an integer"):
        ndcg_at_k(TRUTH, PRED, k=2.5)
    with pytest.raises(ValueError, match="'prediction'"):
        recall_at_k(TRUTH, PRED.drop(columns="prediction"))
    with pytest.raises(ValueError, match="share no user"):
        precision_at_k(TRUTH.assign(user_id=99), PRED)
    with pytest.raises(ValueError, match="normalize"):
        map_at_k(TRUTH, PRED, normalize="max")
    with pytest.raises(ValueError, match="empty"):
        ndcg_at_k(TRUTH.iloc[:0], PRED)
    with pytest.raises(ValueError, match="NaN"):
        hit_rate_at_k(TRUTH, PRED.assign(prediction=np.nan))
    with pytest.raises(TypeError, match="DataFrame"):
        mrr_at_k(TRUTH.to_numpy(), PRED)
    with pytest.raises(ValueError, match="not in catalog_items"):
        catalog_coverage(PRED, catalog_items=[1, 2])
    truth = pd.DataFrame({"user_id": [1], "item_id": [1], "rating": [5]})
    with pytest.raises(ValueError, match="no prediction"):
        rmse(truth, pd.DataFrame({"user_id": [1], "item_id": [2], "prediction": [4.0]}))
    with pytest.raises(ValueError, match="duplicate"):
        mae(truth, pd.DataFrame({"user_id": [1, 1], "item_id": [1, 1],
                                 "prediction": [4.0, 3.0]}))
