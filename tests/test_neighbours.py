"""User- and item-based CF against Surprise's KNNBasic / KNNWithMeans."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from smartmkt_helpers.recommenders.neighbours import (
    ItemKNN,
    UserKNN,
    baseline_estimates,
    similarity_matrix,
)

surprise = pytest.importorskip("surprise")


def _ratings(seed: int = 0, n_users: int = 40, n_items: int = 30, n: int = 500) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "user_id": rng.integers(0, n_users, n) + 100,
        "item_id": rng.integers(0, n_items, n) + 500,
        "rating": rng.integers(1, 6, n),
    })
    return frame.drop_duplicates(["user_id", "item_id"]).reset_index(drop=True)


def _surprise_predictions(train, pairs, algo):
    reader = surprise.Reader(rating_scale=(1, 5))
    trainset = surprise.Dataset.load_from_df(
        train[["user_id", "item_id", "rating"]], reader).build_full_trainset()
    algo.fit(trainset)
    return np.array([algo.predict(u, i).est for u, i in zip(pairs.user_id, pairs.item_id)])


def _surprise_similarity(algo, ids, user_based):
    """Surprise's similarity matrix reordered to our (sorted) ids."""
    trainset = algo.trainset
    to_inner = trainset.to_inner_uid if user_based else trainset.to_inner_iid
    inner = np.array([to_inner(raw) for raw in ids])
    return algo.sim[np.ix_(inner, inner)]


@pytest.fixture(scope="module")
def data():
    ratings = _ratings()
    test = ratings.sample(frac=0.2, random_state=0)
    train = ratings.drop(test.index)
    # a few pairs with an unknown user or item
    extra = pd.DataFrame({"user_id": [999, 100], "item_id": [500, 999], "rating": [3, 3]})
    return train, pd.concat([test, extra], ignore_index=True)


@pytest.mark.parametrize("similarity", ["msd", "cosine", "pearson", "pearson_baseline"])
@pytest.mark.parametrize("user_based", [True, False])
@pytest.mark.parametrize("mean_centered", [False, True])
def test_matches_surprise_with_all_neighbours(data, similarity, user_based, mean_centered):
    train, test = data
    algo_class = surprise.KNNWithMeans if mean_centered else surprise.KNNBasic
    algo = algo_class(k=1000, sim_options={"name": similarity, "user_based": user_based},
                      verbose=False)
    expected = _surprise_predictions(train, test, algo)
    model_class = UserKNN if user_based else ItemKNN
    model = model_class(k=1000, similarity=similarity, mean_centered=mean_centered)
    ours = model.fit(train).predict(test)
    np.testing.assert_allclose(ours, expected, atol=1e-9)
    ids = model.user_index_ if user_based else model.item_index_
    np.testing.assert_allclose(model.similarity_, _surprise_similarity(algo, ids, user_based),
                               atol=1e-9)


@pytest.mark.parametrize("user_based", [True, False])
def test_matches_surprise_with_few_neighbours_and_min_support(data, user_based):
    train, test = data
    options = {"name": "pearson_baseline", "user_based": user_based,
               "min_support": 3, "shrinkage": 50}
    algo = surprise.KNNBasic(k=5, min_k=2, sim_options=options, verbose=False)
    expected = _surprise_predictions(train, test, algo)
    model_class = UserKNN if user_based else ItemKNN
    model = model_class(k=5, min_k=2, similarity="pearson_baseline", min_support=3,
                        shrinkage=50)
    np.testing.assert_allclose(model.fit(train).predict(test), expected, atol=1e-9)


@pytest.mark.parametrize("user_based", [True, False])
@pytest.mark.parametrize("mean_centered", [False, True])
def test_equally_similar_neighbours_are_taken_in_the_order_of_the_data(data, user_based, mean_centered):
    # Few co-ratings on a 1-5 scale give many equal MSD similarities, so which of them make the k = 3 cut
    # decides the estimate; Surprise takes them in the order the ratings come in the frame, and so do we
    # (on every machine: the choice does not depend on how the CPU partitions ties).
    train, test = data
    train = train.sample(frac=1.0, random_state=1)
    algo_class = surprise.KNNWithMeans if mean_centered else surprise.KNNBasic
    algo = algo_class(k=3, sim_options={"name": "msd", "user_based": user_based}, verbose=False)
    expected = _surprise_predictions(train, test, algo)
    model_class = UserKNN if user_based else ItemKNN
    model = model_class(k=3, similarity="msd", mean_centered=mean_centered).fit(train)
    sims = model.similarity_[~np.eye(len(model.similarity_), dtype=bool)]
    assert len(np.unique(sims)) < len(sims) / 10  # ties are the rule here
    np.testing.assert_allclose(model.predict(test), expected, atol=1e-9)


def test_similarity_by_hand():
    matrix = sp.csr_matrix(np.array([[5.0, 3.0, 0.0], [4.0, 1.0, 2.0], [0.0, 0.0, 1.0]]))
    cosine = similarity_matrix(matrix, "cosine")
    assert cosine[0, 1] == pytest.approx((20 + 3) / (np.sqrt(34) * np.sqrt(17)))
    assert cosine[0, 2] == 0.0  # nothing rated in common
    msd = similarity_matrix(matrix, "msd")
    assert msd[0, 1] == pytest.approx(1 / ((1 + 4) / 2 + 1))
    pearson = similarity_matrix(matrix, "pearson")
    assert pearson[0, 1] == pytest.approx(1.0)  # two points are always collinear
    assert similarity_matrix(matrix, "msd", min_support=3)[0, 1] == 0.0
    assert np.allclose(np.diag(msd), 1.0)


def test_baselines_shrink_towards_zero():
    matrix = sp.csr_matrix(np.array([[5.0, 4.0], [1.0, 0.0]]))
    mu, rows, cols = baseline_estimates(matrix)
    assert mu == pytest.approx(10 / 3)
    assert rows[0] > 0 > rows[1]
    assert np.all(np.abs(rows) < 2) and np.all(np.abs(cols) < 2)


def test_recommendations_exclude_seen_and_rank(data):
    train, _ = data
    model = ItemKNN(k=10, similarity="cosine").fit(train)
    recs = model.recommend_k_items(k=5)
    seen = set(zip(train.user_id, train.item_id))
    assert not seen & set(zip(recs.user_id, recs.item_id))
    assert recs.groupby("user_id").size().max() == 5
    assert (recs.groupby("user_id")["prediction"].diff().dropna() <= 0).all()
    by_rating = model.recommend_k_items([100, 101], k=3, by="rating")
    users = [100, 101]
    scores = model.score_matrix(users, by="rating")
    pairs = pd.DataFrame({"user_id": np.repeat(users, scores.shape[1]),
                          "item_id": np.tile(model.item_index_, len(users))})
    np.testing.assert_allclose(model.predict(pairs), scores.ravel())
    assert set(by_rating.user_id) == {100, 101}
    kept = UserKNN().fit(train).recommend_k_items([100], k=3, remove_seen=False)
    assert len(kept) == 3


def test_bad_input_raises(data):
    train, test = data
    with pytest.raises(ValueError, match="not fitted"):
        UserKNN().predict(test)
    with pytest.raises(ValueError, match="similarity must be one of"):
        UserKNN(similarity="jaccard").fit(train)
    with pytest.raises(ValueError, match="k must be at least 1"):
        ItemKNN(k=0).fit(train)
    with pytest.raises(TypeError, match="min_k must be an integer"):
        ItemKNN(min_k=1.5).fit(train)
    with pytest.raises(ValueError, match="'rating'"):
        UserKNN().fit(train.drop(columns="rating"))
    with pytest.raises(ValueError, match="positive ratings"):
        UserKNN().fit(train.assign(rating=0))
    with pytest.raises(ValueError, match="duplicate"):
        UserKNN().fit(pd.concat([train, train]))
    model = UserKNN().fit(train)
    with pytest.raises(ValueError, match="'item_id'"):
        model.predict(test.drop(columns="item_id"))
    with pytest.raises(ValueError, match="unknown user id"):
        model.recommend_k_items([12345])
    with pytest.raises(ValueError, match="by must be"):
        model.recommend_k_items(by="score")


@pytest.mark.parametrize("model_class", [UserKNN, ItemKNN])
def test_score_matrices_give_both_scores_in_one_pass(data, model_class):
    train, _ = data
    model = model_class(k=10).fit(train)
    by_rating, by_support = model.score_matrices([100, 101])
    for by, expected in [("rating", by_rating), ("support", by_support)]:
        scores = model.score_matrix([100, 101], by=by)
        np.testing.assert_array_equal(scores, expected)
    with pytest.raises(ValueError, match="unknown user"):
        model.score_matrices([12345])
