"""Tests for smartmkt_helpers.recommenders.baselines (popularity, EASE^R)."""

import numpy as np
import pandas as pd
import pytest

from smartmkt_helpers.recommenders.baselines import EASE, Popularity


@pytest.fixture
def ratings():
    return pd.DataFrame({
        "user_id": [1, 1, 1, 2, 2, 3, 3, 4],
        "item_id": [10, 20, 30, 10, 20, 10, 40, 20],
        "rating": [5, 4, 3, 4, 2, 5, 1, 3],
    })


def test_popularity_counts_and_lists(ratings):
    model = Popularity().fit(ratings)
    assert model.counts_.tolist() == [3.0, 3.0, 1.0, 1.0]
    recs = model.recommend_k_items([4], k=2)
    # user 4 saw item 20; the most popular unseen item is 10, then 30 (tie
    # with 40 broken by column order)
    assert recs["item_id"].tolist() == [10, 30]
    assert recs["user_id"].tolist() == [4, 4]


def test_popularity_keep_seen(ratings):
    recs = Popularity().fit(ratings).recommend_k_items([4], k=1, remove_seen=False)
    assert recs["item_id"].tolist() == [10]


def test_ease_closed_form_by_hand():
    # two items always seen together by users 1 and 2, item 1 alone by 3
    ratings = pd.DataFrame({"user_id": [1, 1, 2, 2, 3], "item_id": [1, 2, 1, 2, 1]})
    model = EASE(lambda_=1.0).fit(ratings)
    # G = X^T X + I = [[4, 2], [2, 3]]; P = G^-1 = [[3, -2], [-2, 4]] / 8
    # B_12 = -P_12 / P_22 = 2/4 = 0.5; B_21 = -P_21 / P_11 = 2/3
    np.testing.assert_allclose(model.weights_, [[0.0, 0.5], [2 / 3, 0.0]])
    scores = model.score_matrix([3])
    np.testing.assert_allclose(scores, [[0.0, 0.5]])


def test_ease_diagonal_zero_and_shapes(ratings):
    model = EASE(lambda_=10.0).fit(ratings)
    assert model.weights_.shape == (4, 4)
    assert np.all(np.diag(model.weights_) == 0)
    recs = model.recommend_k_items(k=2)
    seen = set(zip(ratings.user_id, ratings.item_id))
    assert not any((u, i) in seen for u, i in zip(recs.user_id, recs.item_id))
    assert recs.groupby("user_id").size().max() <= 2


def test_ease_large_penalty_tends_to_popularity_order(ratings):
    model = EASE(lambda_=1e6).fit(ratings)
    # with huge lambda, B ~ X^T X / lambda: item scores grow with co-counts
    assert np.abs(model.weights_).max() < 1e-5


def test_duplicates_are_counted_once(ratings):
    doubled = pd.concat([ratings, ratings])
    assert Popularity().fit(doubled).counts_.tolist() == [3.0, 3.0, 1.0, 1.0]


@pytest.mark.parametrize("bad", [0, -1.0, np.nan, "500", True])
def test_ease_bad_lambda(ratings, bad):
    with pytest.raises(ValueError, match="lambda_"):
        EASE(lambda_=bad).fit(ratings)


def test_missing_column_and_empty(ratings):
    with pytest.raises(ValueError, match="item_id"):
        EASE().fit(ratings.drop(columns="item_id"))
    with pytest.raises(ValueError, match="empty"):
        Popularity().fit(ratings.iloc[:0])
    with pytest.raises(TypeError, match="DataFrame"):
        Popularity().fit(ratings.to_numpy())


def test_unknown_user_and_k(ratings):
    model = EASE().fit(ratings)
    with pytest.raises(ValueError, match="unknown user id 99"):
        model.recommend_k_items([99])
    with pytest.raises(ValueError, match="k must"):
        model.recommend_k_items([1], k=0)


def test_not_fitted():
    with pytest.raises(ValueError, match="not fitted"):
        EASE().recommend_k_items([1])


def test_repr_and_params():
    assert repr(EASE(lambda_=250)) == "EASE(lambda_=250)"
    assert EASE().get_params()["lambda_"] == 500.0


def test_chapter4_exercise_checks(ratings):
    """The self-checks of chapter 4 accept the right answers and name mistakes."""
    from smartmkt_helpers.exercises import check_exercise
    from smartmkt_helpers.recommenders.topk import interaction_matrix

    matrix, _, _ = interaction_matrix(ratings)
    right = EASE(lambda_=2.0).fit(ratings).weights_
    assert check_exercise("4.1", right, interactions=matrix, penalty=2.0)
    wrong = check_exercise("4.1", -right, interactions=matrix, penalty=2.0)
    assert not wrong and "sign" in wrong.message

    truth = pd.DataFrame({"user_id": [1, 1, 1, 2], "item_id": [1, 2, 3, 9]})
    recs = pd.DataFrame({"user_id": [1, 1, 2, 2], "item_id": [1, 5, 7, 9]})
    # user 1: hit at rank 1 -> 1 / min(3, 2) = 0.5; user 2: rank 2 -> 0.5 / 1
    assert check_exercise("4.2", 0.5, truth=truth, recommendations=recs, k=2)
    by_all = check_exercise("4.2", (1 / 3 + 0.5) / 2, truth=truth,
                            recommendations=recs, k=2)
    assert not by_all and "min(relevant, 10)" in by_all.message

    lists = pd.DataFrame({"user_id": [1, 1, 2, 2], "item_id": [1, 2, 1, 3]})
    assert check_exercise("4.3", 1.0, recommendations=lists)
