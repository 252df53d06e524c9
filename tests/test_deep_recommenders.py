"""Tests for smartmkt_helpers.recommenders.deep (small data, few epochs)."""

import numpy as np
import pandas as pd
import pytest

from smartmkt_helpers.recommenders.deep import MatrixFactorization, MultDAE, NeuMF, TwoTower


@pytest.fixture(scope="module")
def ratings():
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(1, 31), 6)
    items = np.concatenate([rng.choice(np.arange(1, 21), 6, replace=False) for _ in range(30)])
    return pd.DataFrame({"user_id": users, "item_id": items,
                         "rating": rng.integers(1, 6, len(users))})


@pytest.fixture(scope="module")
def side(ratings):
    users = pd.DataFrame({"user_id": np.arange(1, 31), "age": np.arange(18, 48),
                          "gender": ["F", "M"] * 15,
                          "occupation": ["student", "engineer", "artist"] * 10})
    items = pd.DataFrame({"item_id": np.arange(1, 21), "Drama": np.arange(20) % 2 == 0,
                          "Comedy": np.arange(20) % 3 == 0, "title": "x"})
    return users, items


def _check_lists(recs, ratings, k):
    assert list(recs.columns) == ["user_id", "item_id", "prediction"]
    assert recs.groupby("user_id").size().max() == k
    seen = set(zip(ratings.user_id, ratings.item_id))
    assert not any((u, i) in seen for u, i in zip(recs.user_id, recs.item_id))


def test_matrix_factorization_learns_ratings(ratings):
    model = MatrixFactorization(embedding_dim=4, epochs=30, batch_size=32,
                                learning_rate=1e-2, l2=0.0).fit(ratings)
    prediction = model.predict(ratings)
    baseline = np.sqrt(np.mean((ratings.rating - ratings.rating.mean()) ** 2))
    assert np.sqrt(np.mean((prediction - ratings.rating) ** 2)) < baseline
    # the closed-form score matrix agrees with predict
    scores = model.score_matrix([1])
    pairs = pd.DataFrame({"user_id": 1, "item_id": model.item_index_})
    np.testing.assert_allclose(scores[0], model.predict(pairs), rtol=1e-4)
    _check_lists(model.recommend_k_items(k=3), ratings, 3)
    assert len(model.history_["loss"]) == 30


def test_matrix_factorization_is_deterministic(ratings):
    first = MatrixFactorization(embedding_dim=2, epochs=2, random_state=3).fit(ratings)
    second = MatrixFactorization(embedding_dim=2, epochs=2, random_state=3).fit(ratings)
    np.testing.assert_allclose(first.predict(ratings), second.predict(ratings))


def test_matrix_factorization_unknown_ids_get_mean(ratings):
    model = MatrixFactorization(embedding_dim=2, epochs=1).fit(ratings)
    pred = model.predict(pd.DataFrame({"user_id": [999], "item_id": [999]}))
    assert pred[0] == pytest.approx(model.global_mean_)


def test_neumf_and_dae_lists(ratings):
    for model in (NeuMF(embedding_dim=4, hidden_units=(8,), epochs=2),
                  MultDAE(latent_dim=8, epochs=2, batch_size=8)):
        model.fit(ratings)
        assert model.score_matrix().shape == (30, 20)
        _check_lists(model.recommend_k_items(k=4), ratings, 4)


def test_two_tower_and_cold_start(ratings, side):
    users, items = side
    model = TwoTower(embedding_dim=4, hidden_units=(8,), epochs=3, batch_size=8)
    model.fit(ratings, users=users, items=items)
    assert model.item_feature_names_ == ["Drama", "Comedy"]
    _check_lists(model.recommend_k_items(k=2), ratings, 2)
    profiles = pd.DataFrame({"user_id": ["a", "b"], "age": [20, 60],
                             "gender": ["F", "X"], "occupation": ["student", "new"]})
    cold = model.recommend_for_profiles(profiles, k=3)
    assert cold["user_id"].tolist() == ["a"] * 3 + ["b"] * 3
    assert np.allclose(cold.groupby("user_id")["prediction"].sum() <= 1, True)


def test_two_tower_bad_side_features(ratings, side):
    users, items = side
    with pytest.raises(ValueError, match="age"):
        TwoTower(epochs=1).fit(ratings, users=users.drop(columns="age"))
    with pytest.raises(ValueError, match="no .*row for id 30"):
        TwoTower(epochs=1).fit(ratings, users=users[users.user_id < 30])
    with pytest.raises(TypeError, match="users must be"):
        TwoTower(epochs=1).fit(ratings, users=None)
    model = TwoTower(epochs=1, embedding_dim=2).fit(ratings, users=users)
    with pytest.raises(ValueError, match="occupation"):
        model.recommend_for_profiles(pd.DataFrame({"age": [1], "gender": ["F"]}))


@pytest.mark.parametrize("model, match", [
    (MatrixFactorization(embedding_dim=0), "embedding_dim"),
    (MatrixFactorization(epochs=1.5), "epochs"),
    (NeuMF(learning_rate=0), "learning_rate"),
    (NeuMF(n_negatives=0), "n_negatives"),
    (NeuMF(random_state=-1), "random_state"),
    (NeuMF(hidden_units=()), "hidden_units"),
    (MultDAE(dropout=1.0), "dropout"),
    (MultDAE(l2=-1.0), "l2"),
])
def test_bad_parameters(ratings, model, match):
    with pytest.raises((ValueError, TypeError), match=match):
        model.fit(ratings)


def test_bad_ratings_and_usage(ratings):
    with pytest.raises(ValueError, match="rating"):
        MatrixFactorization(epochs=1).fit(ratings.drop(columns="rating"))
    with pytest.raises(ValueError, match="empty"):
        MultDAE(epochs=1).fit(ratings.iloc[:0])
    with pytest.raises(ValueError, match="not fitted"):
        NeuMF().recommend_k_items([1])
    model = MultDAE(latent_dim=4, epochs=1).fit(ratings)
    with pytest.raises(ValueError, match="unknown user id 77"):
        model.recommend_k_items([77])
    with pytest.raises(ValueError, match="k must"):
        model.recommend_k_items([1], k=21)


def test_training_examples_draw_negatives_among_unrated_items():
    from smartmkt_helpers.recommenders.deep import training_examples

    rng = np.random.default_rng(0)
    rated = rng.random((40, 15)) < 0.6
    rated[:, 0] = False  # every user leaves an item unrated
    users, items, labels = training_examples(rated, 3, np.random.default_rng(1))
    assert len(labels) == 4 * rated.sum()
    assert labels.tolist()[:4] == [1.0, 0.0, 0.0, 0.0]
    assert rated[users[labels == 1], items[labels == 1]].all()
    assert not rated[users[labels == 0], items[labels == 0]].any()
    again = training_examples(rated, 3, random_state=1)
    assert all(np.array_equal(a, b) for a, b in zip((users, items, labels), again))
    with pytest.raises(ValueError, match="every item"):
        training_examples(np.ones((2, 3), dtype=bool), 1, rng)


def test_neumf_never_trains_on_a_rated_item_as_negative(ratings, monkeypatch):
    import smartmkt_helpers.recommenders.deep as deep

    seen = []
    original = deep.training_examples

    def spy(rated, n_negatives, random_state):
        examples = original(rated, n_negatives, random_state)
        seen.append((rated, examples))
        return examples

    monkeypatch.setattr(deep, "training_examples", spy)
    NeuMF(embedding_dim=2, hidden_units=(4,), epochs=2, batch_size=32).fit(ratings)
    assert len(seen) == 2
    for rated, (users, items, labels) in seen:
        assert not rated[users[labels == 0], items[labels == 0]].any()
