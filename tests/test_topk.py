"""Interaction matrices and top-k lists from score matrices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from smartmkt_helpers.recommenders.topk import interaction_matrix, top_k_from_scores


@pytest.fixture
def train() -> pd.DataFrame:
    return pd.DataFrame({"user_id": [3, 3, 1, 2], "item_id": ["b", "c", "a", "c"],
                         "rating": [4, 5, 3, 1]})


def test_interaction_matrix_indexes_and_values(train):
    matrix, users, items = interaction_matrix(train, col_rating="rating")
    assert sp.isspmatrix_csr(matrix)
    assert users.tolist() == [1, 2, 3]
    assert items.tolist() == ["a", "b", "c"]
    assert matrix.toarray().tolist() == [[3, 0, 0], [0, 0, 1], [0, 4, 5]]
    binary, _, _ = interaction_matrix(train)
    assert binary.sum() == 4


def test_interaction_matrix_with_given_indexes(train):
    matrix, users, items = interaction_matrix(
        train, user_index=[3, 2, 1, 0], item_index=["c", "b", "a"])
    assert matrix.shape == (4, 3)
    assert matrix[0].toarray().tolist() == [[1, 1, 0]]


def test_top_k_matches_a_full_sort():
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(20, 30))
    top = top_k_from_scores(scores, range(20), range(100, 130), k=5)
    for user, group in top.groupby("user_id"):
        expected = np.argsort(-scores[user])[:5] + 100
        assert group["item_id"].tolist() == expected.tolist()
        assert np.all(np.diff(group["prediction"]) <= 0)


def test_top_k_removes_seen_items_matrix_and_frame(train):
    matrix, users, items = interaction_matrix(train)
    scores = np.array([[9.0, 1.0, 2.0], [9.0, 8.0, 7.0], [1.0, 2.0, 3.0]])
    by_matrix = top_k_from_scores(scores, users, items, k=2, exclude=matrix)
    by_frame = top_k_from_scores(scores, users, items, k=2, exclude=train)
    pd.testing.assert_frame_equal(by_matrix, by_frame)
    seen = set(zip(train.user_id, train.item_id))
    assert not seen & set(zip(by_matrix.user_id, by_matrix.item_id))
    # user 3 saw two of three items: a shorter list
    assert by_matrix[by_matrix.user_id == 3]["item_id"].tolist() == ["a"]
    assert by_matrix[by_matrix.user_id == 1]["item_id"].tolist() == ["c", "b"]


def test_top_k_user_subset_nan_and_sparse_scores():
    scores = sp.csr_matrix(np.array([[0.0, 2.0], [3.0, 1.0]]))
    top = top_k_from_scores(scores, ["u", "v"], ["x", "y"], k=1, users=["v"])
    assert top.values.tolist() == [["v", "x", 3.0]]
    dense = np.array([[np.nan, 1.0]])
    top = top_k_from_scores(dense, ["u"], ["x", "y"], k=2)
    assert top["item_id"].tolist() == ["y"]


def test_bad_input_raises(train):
    with pytest.raises(ValueError, match="'rating_value'"):
        interaction_matrix(train, col_rating="rating_value")
    with pytest.raises(ValueError, match="duplicate"):
        interaction_matrix(pd.concat([train, train]))
    with pytest.raises(ValueError, match="unknown item id"):
        interaction_matrix(train, item_index=["a", "b"])
    with pytest.raises(ValueError, match="empty"):
        interaction_matrix(train.iloc[:0])
    with pytest.raises(ValueError, match="NaN"):
        interaction_matrix(train.assign(rating=np.nan), col_rating="rating")
    scores = np.zeros((3, 3))
    with pytest.raises(ValueError, match="k must lie between"):
        top_k_from_scores(scores, [1, 2, 3], [1, 2, 3], k=4)
    with pytest.raises(TypeError, match="k must be"):
        top_k_from_scores(scores, [1, 2, 3], [1, 2, 3], k="3")
    with pytest.raises(ValueError, match="shape"):
        top_k_from_scores(scores, [1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="2-D"):
        top_k_from_scores(np.zeros(3), [1], [1, 2, 3])
    with pytest.raises(ValueError, match="exclude has shape"):
        top_k_from_scores(scores, [1, 2, 3], [1, 2, 3], k=2, exclude=sp.csr_matrix((2, 2)))
    with pytest.raises(TypeError, match="exclude"):
        top_k_from_scores(scores, [1, 2, 3], [1, 2, 3], k=2, exclude=[(1, 1)])
    with pytest.raises(ValueError, match="unknown user id"):
        top_k_from_scores(scores, [1, 2, 3], [1, 2, 3], k=2, users=[7])


def test_ties_at_the_cut_off_go_to_lower_columns():
    scores = np.array([[1.0, 2.0, 2.0, 2.0, 0.5], [3.0, 3.0, 3.0, 3.0, 3.0]])
    top = top_k_from_scores(scores, [0, 1], range(5), k=2)
    assert top[top.user_id == 0]["item_id"].tolist() == [1, 2]
    assert top[top.user_id == 1]["item_id"].tolist() == [0, 1]
    seen = np.array([[0, 1, 0, 0, 0], [1, 0, 0, 0, 0]])
    top = top_k_from_scores(scores, [0, 1], range(5), k=2, exclude=seen)
    assert top[top.user_id == 0]["item_id"].tolist() == [2, 3]
    assert top[top.user_id == 1]["item_id"].tolist() == [1, 2]


def test_ndcg_from_scores_equals_ndcg_of_the_lists():
    from smartmkt_helpers import metrics
    from smartmkt_helpers.recommenders.topk import ndcg_at_k_from_scores

    rng = np.random.default_rng(3)
    users, items = np.arange(30) + 100, np.arange(40) + 7
    scores = rng.random((30, 40))
    seen = sp.csr_matrix(rng.random((30, 40)) < 0.2)
    truth_mask = (rng.random((30, 40)) < 0.15) & ~seen.toarray()
    rows, cols = np.nonzero(truth_mask)
    truth = pd.DataFrame({"user_id": users[rows], "item_id": items[cols]})
    # an unknown user is ignored; an unknown item is relevant but never hit
    truth = pd.concat([truth, pd.DataFrame({"user_id": [999, 100], "item_id": [7, 999]})])
    coarse = np.round(scores, 1)  # many exact ties, also at the cut-off
    for k, matrix in [(1, scores), (5, scores), (10, scores), (5, coarse), (10, coarse)]:
        lists = top_k_from_scores(matrix, users, items, k=k, exclude=seen)
        expected = metrics.ndcg_at_k(truth, lists, k=k)
        got = ndcg_at_k_from_scores(matrix, users, items, truth, k=k, exclude=seen)
        assert got == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ValueError, match="shape"):
        ndcg_at_k_from_scores(scores[:, :5], users, items, truth)
    with pytest.raises(ValueError, match="k must"):
        ndcg_at_k_from_scores(scores, users, items, truth, k=0)
