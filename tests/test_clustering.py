"""K-means from scratch: agreement with scikit-learn, its attributes, bad inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans as SklearnKMeans

from smartmkt_helpers.clustering import (
    KMeans,
    kmeans_plus_plus,
    scan_k,
    squared_distances,
)


@pytest.fixture
def blobs():
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 0.0], [5.0, 0.0], [0.0, 5.0]])
    return np.vstack([rng.normal(c, 0.5, size=(40, 2)) for c in centres])


@pytest.mark.parametrize("n_samples, n_features, n_clusters", [(300, 2, 3), (2000, 6, 7)])
def test_same_inertia_as_sklearn_from_same_initial_centres(n_samples, n_features, n_clusters):
    rng = np.random.default_rng(n_clusters)
    X = rng.normal(size=(n_samples, n_features)) * rng.uniform(0.5, 3, n_features)
    initial = X[rng.choice(n_samples, n_clusters, replace=False)]
    ours = KMeans(n_clusters, init=initial).fit(X)
    theirs = SklearnKMeans(n_clusters, init=initial, n_init=1, algorithm="lloyd").fit(X)
    assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=1e-9)
    assert ours.n_iter_ == theirs.n_iter_
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    np.testing.assert_allclose(ours.cluster_centers_, theirs.cluster_centers_, atol=1e-9)


def test_recovers_well_separated_blobs(blobs):
    model = KMeans(3, n_init=3, random_state=0).fit(blobs)
    assert sorted(np.bincount(model.labels_).tolist()) == [40, 40, 40]
    # each true blob is one cluster
    assert all(np.unique(model.labels_[i * 40:(i + 1) * 40]).size == 1 for i in range(3))
    assert model.n_features_in_ == 2
    assert model.cluster_centers_.shape == (3, 2)


def test_inertia_equals_sum_of_squared_distances(blobs):
    model = KMeans(3, random_state=1).fit(blobs)
    residual = blobs - model.cluster_centers_[model.labels_]
    assert model.inertia_ == pytest.approx((residual ** 2).sum())


def test_predict_matches_labels(blobs):
    model = KMeans(3, random_state=0).fit(blobs)
    np.testing.assert_array_equal(model.predict(blobs), model.labels_)


def test_fit_predict_returns_labels_and_fit_returns_self(blobs):
    model = KMeans(3, random_state=0)
    assert model.fit(blobs) is model
    np.testing.assert_array_equal(KMeans(3, random_state=0).fit_predict(blobs), model.labels_)


def test_same_seed_same_result_and_n_init_never_worse(blobs):
    first = KMeans(3, init="random", random_state=5).fit(blobs)
    again = KMeans(3, init="random", random_state=5).fit(blobs)
    np.testing.assert_array_equal(first.labels_, again.labels_)
    several = KMeans(3, init="random", n_init=5, random_state=5).fit(blobs)
    assert several.inertia_ <= first.inertia_ + 1e-9


def test_accepts_numeric_dataframe(blobs):
    frame = pd.DataFrame(blobs, columns=["recency", "frequency"])
    model = KMeans(3, random_state=0).fit(frame)
    np.testing.assert_array_equal(model.predict(frame), model.labels_)


def test_k_equal_to_number_of_points_gives_zero_inertia():
    points = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]])
    model = KMeans(3, random_state=0).fit(points)
    assert model.inertia_ == pytest.approx(0.0)


def test_empty_cluster_is_refilled():
    points = np.array([[0.0], [0.1], [0.2], [10.0]])
    # the third centre is far from every point and starts empty
    model = KMeans(3, init=np.array([[0.0], [10.0], [100.0]])).fit(points)
    assert np.bincount(model.labels_, minlength=3).min() >= 1


def test_kmeans_plus_plus_spreads_centres():
    points = np.array([[0.0], [0.01], [0.02], [100.0], [100.01], [200.0]])
    centres = kmeans_plus_plus(points, 3, random_state=0)
    assert sorted(np.round(centres.ravel(), -1).tolist()) == [0.0, 100.0, 200.0]


def test_squared_distances_matches_direct_formula():
    rng = np.random.default_rng(0)
    X, C = rng.normal(size=(10, 3)), rng.normal(size=(4, 3))
    direct = ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)
    np.testing.assert_allclose(squared_distances(X, C), direct, atol=1e-12)


def test_stability_and_scan_k(blobs):
    table = scan_k(blobs, [2, 3, 4, 5], seeds=[0, 1, 2])
    assert list(table.columns) == ["k", "inertia", "silhouette", "stability_ari"]
    assert table["inertia"].is_monotonic_decreasing
    assert int(table.loc[table["silhouette"].idxmax(), "k"]) == 3
    assert table.set_index("k").loc[3, "stability_ari"] == pytest.approx(1.0)


# ----------------------------------------------------------------- bad input


def test_empty_data_is_rejected():
    with pytest.raises(ValueError, match="empty"):
        KMeans(2).fit(np.empty((0, 3)))


def test_k_larger_than_number_of_points_is_rejected():
    with pytest.raises(ValueError, match="larger than the number of points"):
        KMeans(5).fit(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="larger than the number of points"):
        kmeans_plus_plus(np.zeros((3, 2)), 5)


@pytest.mark.parametrize("bad, error", [(0, ValueError), (-1, ValueError),
                                        (2.5, TypeError), (True, TypeError)])
def test_bad_n_clusters_is_rejected(bad, error):
    with pytest.raises(error, match="n_clusters"):
        KMeans(bad).fit(np.zeros((5, 2)))


def test_nan_and_inf_are_rejected():
    X = np.ones((4, 2))
    X[1, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        KMeans(2).fit(X)
    X[1, 0] = np.inf
    with pytest.raises(ValueError, match="NaN or infinite"):
        KMeans(2).fit(X)
    missing = pd.DataFrame({"visits": pd.array([1, None, 3], dtype="Int64")})
    with pytest.raises(ValueError, match="NaN"):
        KMeans(2).fit(missing)


def test_non_numeric_columns_are_named():
    frame = pd.DataFrame({"amount": [1.0, 2.0, 3.0], "city": ["a", "b", "c"]})
    with pytest.raises(TypeError, match="city"):
        KMeans(2).fit(frame)
    with pytest.raises(TypeError, match="numbers"):
        KMeans(2).fit(np.array([["a", "b"], ["c", "d"]]))


def test_wrong_shapes_are_rejected(blobs):
    with pytest.raises(ValueError, match="2-D"):
        KMeans(2).fit(np.arange(5.0))
    with pytest.raises(ValueError, match="init has shape"):
        KMeans(3, init=np.zeros((2, 2))).fit(blobs)
    model = KMeans(3, random_state=0).fit(blobs)
    with pytest.raises(ValueError, match="3 features"):
        model.predict(np.zeros((2, 3)))


def test_other_bad_parameters(blobs):
    with pytest.raises(ValueError, match="init must be"):
        KMeans(2, init="kmeans").fit(blobs)
    with pytest.raises(ValueError, match="n_init"):
        KMeans(2, n_init=0).fit(blobs)
    with pytest.raises(ValueError, match="max_iter"):
        KMeans(2, max_iter=0).fit(blobs)
    with pytest.raises(ValueError, match="tol"):
        KMeans(2, tol=-1).fit(blobs)


def test_predict_before_fit_is_rejected():
    with pytest.raises(ValueError, match="not fitted"):
        KMeans(2).predict(np.zeros((2, 2)))


def test_scan_k_rejects_bad_k_and_single_seed(blobs):
    with pytest.raises(ValueError, match="out of range"):
        scan_k(blobs, [1, 3])
    with pytest.raises(ValueError, match="out of range"):
        scan_k(blobs, [len(blobs)])
    with pytest.raises(ValueError, match="empty"):
        scan_k(blobs, [])
    with pytest.raises(ValueError, match="two seeds"):
        scan_k(blobs, [3], seeds=[0])
