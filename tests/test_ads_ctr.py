"""Hashed features, the Keras click models and the calibration table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from smartmkt_helpers.ads import ctr


@pytest.fixture
def log() -> pd.DataFrame:
    return pd.DataFrame({
        "site": ["a", "b", "a", None],
        "ad": [1, 2, 3, 1],
        "visits": [0.0, 5.0, np.nan, 100.0],
    })


@pytest.fixture(scope="module")
def learnable():
    """Clicks that depend on field 0 only: bucket < 8 clicks 40%, else 2%."""
    rng = np.random.default_rng(0)
    X = rng.integers(0, 64, size=(3_000, 3))
    p = np.where(X[:, 0] < 8, 0.4, 0.02)
    y = (rng.random(len(p)) < p).astype(int)
    return X, y, p


def test_hasher_is_deterministic_and_field_aware(log):
    hasher = ctr.FieldHasher(["site", "ad"], numeric_columns=["visits"], n_buckets=2**12)
    first = hasher.fit_transform(log)
    assert first.shape == (4, 3)
    assert first.dtype == np.int64
    assert (first >= 0).all() and (first < 2**12).all()
    np.testing.assert_array_equal(first, hasher.transform(log))
    assert first[0, 0] == first[2, 0]              # same site, same bucket
    assert first[0, 1] == first[3, 1]              # same ad, same bucket
    # the same value in two different fields is hashed as two different tokens
    both = pd.DataFrame({"x": ["v"], "y": ["v"]})
    pair = ctr.FieldHasher(["x", "y"], n_buckets=2**20).fit_transform(both)
    assert pair[0, 0] != pair[0, 1]


def test_missing_values_get_their_own_token(log):
    hashed = ctr.FieldHasher(["site"], numeric_columns=["visits"], n_buckets=2**16).fit_transform(log)
    assert hashed[3, 0] not in hashed[:3, 0]        # missing site
    assert hashed[2, 1] not in np.delete(hashed[:, 1], 2)  # missing count


def test_bucketize_counts_is_logarithmic():
    tokens = ctr.bucketize_counts([0, 1, 2, 3, 10, 1000, 1001, np.nan])
    assert tokens.tolist() == ["0", "0", "1", "1", "5", "47", "47", "missing"]
    with pytest.raises(ValueError, match="non-negative"):
        ctr.bucketize_counts([1, -2])


def test_hasher_rejects_bad_input(log):
    with pytest.raises(ValueError, match="has no column"):
        ctr.FieldHasher(["nope"]).fit(log)
    with pytest.raises(ValueError, match="no rows"):
        ctr.FieldHasher(["site"]).fit(log.iloc[:0])
    with pytest.raises(ValueError, match="at least 2"):
        ctr.FieldHasher(["site"], n_buckets=1).fit(log)
    with pytest.raises(TypeError, match="lists of column names"):
        ctr.FieldHasher("site").fit(log)
    with pytest.raises(ValueError, match="listed twice"):
        ctr.FieldHasher(["site"], numeric_columns=["site"]).fit(log)
    with pytest.raises(ValueError, match="at least one column"):
        ctr.FieldHasher([]).fit(log)
    with pytest.raises(TypeError, match="DataFrame"):
        ctr.FieldHasher(["site"]).fit(log.to_numpy())
    with pytest.raises(NotFittedError):
        ctr.FieldHasher(["site"]).transform(log)


def test_one_hot_counts_collisions():
    matrix = ctr.one_hot(np.array([[1, 1], [0, 2]]), 3)
    assert matrix.toarray().tolist() == [[0.0, 2.0, 0.0], [1.0, 0.0, 1.0]]
    with pytest.raises(ValueError, match="outside"):
        ctr.one_hot(np.array([[0, 5]]), 3)
    with pytest.raises(ValueError, match="2-D"):
        ctr.one_hot(np.array([0, 1]), 3)
    with pytest.raises(TypeError, match="integer"):
        ctr.one_hot(np.array([[0.5, 1.0]]), 3)


def test_fm_interaction_equals_sum_over_pairs():
    import keras

    embeddings = np.random.default_rng(1).normal(size=(5, 4, 3)).astype("float32")
    layer = ctr._fm_layer_class()()
    got = keras.ops.convert_to_numpy(layer(embeddings)).ravel()
    expected = [
        sum(embeddings[row, i] @ embeddings[row, j] for i in range(4) for j in range(i + 1, 4))
        for row in range(5)
    ]
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("estimator", [ctr.WideAndDeepClassifier, ctr.DeepFMClassifier])
def test_networks_learn_an_easy_signal_and_are_calibrated(estimator, learnable):
    X, y, p = learnable
    model = estimator(64, hidden_units=(8,), epochs=4, batch_size=128, l2=1e-5, random_state=0).fit(X, y)
    probabilities = model.predict_proba(X)
    assert probabilities.shape == (len(y), 2)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-6)
    p_click = probabilities[:, 1]
    assert p_click[X[:, 0] < 8].mean() > 3 * p_click[X[:, 0] >= 8].mean()
    assert abs(p_click.mean() - y.mean()) < 1e-4     # the refitted intercept
    again = estimator(64, hidden_units=(8,), epochs=4, batch_size=128, l2=1e-5, random_state=0).fit(X, y)
    np.testing.assert_allclose(again.predict_proba(X[:50]), probabilities[:50], rtol=1e-5)


def test_networks_reject_bad_input(learnable):
    X, y, _ = learnable
    model = ctr.DeepFMClassifier(64, epochs=1)
    with pytest.raises(ValueError, match="outside"):
        model.fit(X + 64, y)
    with pytest.raises(ValueError, match="one label per row"):
        model.fit(X, y[:-1])
    with pytest.raises(ValueError, match="0 and 1"):
        model.fit(X, y * 2)
    with pytest.raises(ValueError, match="single class"):
        model.fit(X, np.zeros(len(X), dtype=int))
    with pytest.raises(ValueError, match="epochs must be at least 1"):
        ctr.DeepFMClassifier(64, epochs=0).fit(X, y)
    with pytest.raises(TypeError, match="hidden_units"):
        ctr.build_deepfm(3, 64, hidden_units=8)
    with pytest.raises(NotFittedError):
        ctr.WideAndDeepClassifier(64).predict_proba(X)
    fitted = ctr.WideAndDeepClassifier(64, hidden_units=(4,), epochs=1).fit(X, y)
    with pytest.raises(ValueError, match="fields"):
        fitted.predict_proba(X[:, :2])


def test_calibration_table():
    y = np.array([0, 0, 0, 1, 0, 1])
    p = np.array([0.1, 0.1, 0.2, 0.6, 0.5, 0.9])
    table = ctr.calibration_table(y, p, n_bins=3)
    assert table["impressions"].tolist() == [2, 2, 2]
    np.testing.assert_allclose(table["predicted"], [0.1, 0.35, 0.75])
    np.testing.assert_allclose(table["observed"], [0.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="same length"):
        ctr.calibration_table(y, p[:-1])
    with pytest.raises(ValueError, match="between 0 and 1"):
        ctr.calibration_table(y, p + 1)
    with pytest.raises(ValueError, match="larger than the number of rows"):
        ctr.calibration_table(y, p, n_bins=10)
    with pytest.raises(ValueError, match="NaN"):
        ctr.calibration_table(y, np.where(p > 0.8, np.nan, p))
    with pytest.raises(ValueError, match="empty"):
        ctr.calibration_table([], [])


def test_pairwise_interactions_equal_the_sum_over_pairs():
    embeddings = np.random.default_rng(2).normal(size=(4, 5, 3))
    got = np.asarray(ctr.pairwise_interactions(embeddings)).ravel()
    expected = [
        sum(embeddings[row, f] @ embeddings[row, g] for f in range(5) for g in range(f + 1, 5))
        for row in range(4)
    ]
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_early_stopping_keeps_the_best_validation_epoch(learnable):
    X, y, _ = learnable
    model = ctr.DeepFMClassifier(64, hidden_units=(8,), epochs=5, batch_size=128, l2=0.0, random_state=0)
    model.fit(X[:2_000], y[:2_000], validation_data=(X[2_000:], y[2_000:]))
    losses = model.history_["val_loss"]
    assert 1 <= model.best_epoch_ <= len(losses) <= 5
    assert model.best_epoch_ == int(np.argmin(losses)) + 1
    with pytest.raises(ValueError, match="pair"):
        model.fit(X, y, validation_data=(X,))
    with pytest.raises(ValueError, match="fields"):
        model.fit(X, y, validation_data=(X[:, :2], y))


def test_recalibrate_downsampled_undoes_negative_sampling():
    rng = np.random.default_rng(3)
    p_true = np.full(200_000, 0.02)
    clicks = rng.random(len(p_true)) < p_true
    keep = clicks | (rng.random(len(p_true)) < 0.1)
    sampled_rate = clicks[keep].mean()           # what a model trained on the sample predicts
    assert sampled_rate > 0.15
    q = ctr.recalibrate_downsampled([sampled_rate], 0.1)[0]
    assert abs(q - 0.02) < 0.002
    np.testing.assert_allclose(ctr.recalibrate_downsampled([0.3, 0.7], 1.0), [0.3, 0.7])
    with pytest.raises(ValueError, match="share of non-clicks"):
        ctr.recalibrate_downsampled([0.3], 0.0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        ctr.recalibrate_downsampled([1.3], 0.5)
