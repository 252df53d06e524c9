"""K-means (chapter 2's four steps as a scikit-learn-style estimator) and a scan over the number of clusters.

From the same initial centres :class:`KMeans` follows the same Lloyd
iterations as ``sklearn.cluster.KMeans(algorithm="lloyd")``. k-means++ is
Arthur and Vassilvitskii (2007), in scikit-learn's greedy variant.

>>> points = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]])
>>> sorted(KMeans(n_clusters=2, random_state=0).fit(points).cluster_centers_.tolist())
[[0.0, 0.5], [10.0, 0.5]]
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.utils.validation import check_is_fitted

from smartmkt_helpers._checks import positive_int

__all__ = ["KMeans", "kmeans_plus_plus", "scan_k", "squared_distances"]


def _as_matrix(X: Any, name: str = "X") -> np.ndarray:
    """Return ``X`` as a finite 2-D float array, or raise a clear error."""
    if isinstance(X, pd.DataFrame):
        bad = [str(c) for c, dtype in X.dtypes.items()
               if not (pd.api.types.is_numeric_dtype(dtype)
                       and not pd.api.types.is_bool_dtype(dtype))]
        if bad:
            raise TypeError(
                f"{name} has non-numeric column(s) {', '.join(bad)}; "
                "encode or drop them before clustering"
            )
        values = X.to_numpy(dtype=float, na_value=np.nan)
    else:
        array = np.asarray(X)
        if array.dtype.kind not in "iuf":
            raise TypeError(f"{name} must hold numbers, got an array of dtype {array.dtype}")
        values = array.astype(float)
    if values.ndim != 2:
        raise ValueError(f"{name} must be 2-D (samples x features), got {values.ndim}-D")
    if values.shape[0] == 0:
        raise ValueError(f"{name} is empty: it has no rows to cluster")
    if values.shape[1] == 0:
        raise ValueError(f"{name} has no feature columns")
    if not np.isfinite(values).all():
        rows = int((~np.isfinite(values)).any(axis=1).sum())
        raise ValueError(
            f"{name} contains NaN or infinite values in {rows} row(s); "
            "impute or drop them first"
        )
    return values


def squared_distances(X: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Squared Euclidean distance from every row of ``X`` to every centre, shape (samples, centres)."""
    X = np.asarray(X, dtype=float)
    centers = np.asarray(centers, dtype=float)
    distances = (
        np.einsum("ij,ij->i", X, X)[:, None]
        - 2.0 * X @ centers.T
        + np.einsum("ij,ij->i", centers, centers)[None, :]
    )
    return np.maximum(distances, 0.0)


def kmeans_plus_plus(X: Any, n_clusters: int, *, random_state: Any = None) -> np.ndarray:
    """Choose ``n_clusters`` initial centres by greedy k-means++.

    Each next centre is drawn with probability proportional to the squared
    distance to the nearest chosen centre; of ``2 + int(log(n_clusters))``
    candidates the one that lowers the total squared distance most is kept.
    """
    X = _as_matrix(X)
    n_clusters = positive_int(n_clusters, "n_clusters")
    n_samples = X.shape[0]
    if n_clusters > n_samples:
        raise ValueError(f"n_clusters={n_clusters} is larger than the number of points ({n_samples})")
    rng = np.random.default_rng(random_state)
    n_local_trials = 2 + int(np.log(n_clusters))
    centers = np.empty((n_clusters, X.shape[1]))
    first = rng.integers(n_samples)
    centers[0] = X[first]
    closest = squared_distances(X, centers[:1]).ravel()
    for c in range(1, n_clusters):
        total = closest.sum()
        if total <= 0:  # every point already sits on a centre
            candidates = rng.integers(n_samples, size=n_local_trials)
        else:
            cumulative = np.cumsum(closest)
            draws = rng.random(n_local_trials) * total
            candidates = np.minimum(np.searchsorted(cumulative, draws), n_samples - 1)
        candidate_closest = np.minimum(closest[None, :], squared_distances(X, X[candidates]).T)
        best = int(np.argmin(candidate_closest.sum(axis=1)))
        centers[c] = X[candidates[best]]
        closest = candidate_closest[best]
    return centers


def _update_centers(X: np.ndarray, labels: np.ndarray, centers: np.ndarray,
                    distances: np.ndarray) -> np.ndarray:
    """Mean of each cluster's points; an empty cluster takes the worst-fit point."""
    n_clusters = centers.shape[0]
    counts = np.bincount(labels, minlength=n_clusters).astype(float)
    sums = np.column_stack([np.bincount(labels, weights=column, minlength=n_clusters)
                            for column in X.T])  # a loop over features, not rows
    new_centers = centers.copy()
    filled = counts > 0
    new_centers[filled] = sums[filled] / counts[filled, None]
    empty = np.flatnonzero(~filled)
    if empty.size:
        own = distances[np.arange(len(labels)), labels]
        far_points = np.argsort(own)[::-1][: empty.size]
        new_centers[empty] = X[far_points]
    return new_centers


def _lloyd(X: np.ndarray, centers: np.ndarray, max_iter: int,
           tol: float) -> tuple[np.ndarray, np.ndarray, float, int]:
    """Run the assign / update loop from ``centers``; scikit-learn's stopping rule."""
    labels_old = np.full(X.shape[0], -1)
    strict = False
    for iteration in range(1, max_iter + 1):  # noqa: B007 - read after the loop
        distances = squared_distances(X, centers)          # step 2: assign
        labels = distances.argmin(axis=1)
        new_centers = _update_centers(X, labels, centers, distances)  # step 3
        shift = float(((new_centers - centers) ** 2).sum())
        centers = new_centers
        if np.array_equal(labels, labels_old):              # step 4: stop?
            strict = True
            break
        if shift <= tol:
            break
        labels_old = labels
    if not strict:  # make the labels agree with the final centres
        labels = squared_distances(X, centers).argmin(axis=1)
    inertia = float(((X - centers[labels]) ** 2).sum())
    return centers, labels, inertia, iteration


class KMeans(ClusterMixin, BaseEstimator):
    """K-means clustering (Lloyd's algorithm) in scikit-learn's style.

    (1) initialise the centres, (2) assign each point to its nearest centre,
    (3) move each centre to its points' mean, (4) repeat until no label changes
    or the centres move at most ``tol`` times the mean feature variance.
    ``init`` is "k-means++", "random" (distinct points) or an array of centres
    (then one run); of ``n_init`` runs the lowest inertia is kept. Fitted:
    ``cluster_centers_``, ``labels_``, ``inertia_``, ``n_iter_``, ``n_features_in_``.
    """

    def __init__(self, n_clusters: int = 8, *, init: str | np.ndarray = "k-means++", n_init: int = 1,
                 max_iter: int = 300, tol: float = 1e-4, random_state: Any = None) -> None:
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    def _initial_centers(self, X: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        if isinstance(self.init, str):
            if self.init == "k-means++":
                return kmeans_plus_plus(X, self.n_clusters, random_state=rng)
            if self.init == "random":
                return X[rng.choice(X.shape[0], size=self.n_clusters, replace=False)]
            raise ValueError(f"init must be 'k-means++', 'random' or an array of centres, got {self.init!r}")
        centers = _as_matrix(self.init, name="init")
        expected = (self.n_clusters, X.shape[1])
        if centers.shape != expected:
            raise ValueError(
                f"init has shape {centers.shape}; expected (n_clusters, n_features) = {expected}"
            )
        return centers.copy()

    def fit(self, X: Any, y: Any = None) -> KMeans:
        """Cluster the rows of ``X``; ``y`` is ignored."""
        X = _as_matrix(X)
        n_clusters = positive_int(self.n_clusters, "n_clusters")
        n_init = positive_int(self.n_init, "n_init")
        max_iter = positive_int(self.max_iter, "max_iter")
        if not isinstance(self.tol, numbers.Real) or self.tol < 0:
            raise ValueError(f"tol must be a number >= 0, got {self.tol!r}")
        if n_clusters > X.shape[0]:
            raise ValueError(
                f"n_clusters={n_clusters} is larger than the number of points "
                f"({X.shape[0]}); choose n_clusters <= {X.shape[0]}"
            )
        if not isinstance(self.init, str):
            n_init = 1  # the same centres would give the same run every time
        tol = float(self.tol) * float(np.mean(np.var(X, axis=0)))
        rng = np.random.default_rng(self.random_state)
        best = None
        for _ in range(n_init):
            run = _lloyd(X, self._initial_centers(X, rng), max_iter, tol)
            if best is None or run[2] < best[2]:
                best = run
        self.cluster_centers_, self.labels_, self.inertia_, self.n_iter_ = best
        self.n_features_in_ = X.shape[1]
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Index of the nearest fitted centre for every row of ``X``."""
        check_is_fitted(self)
        X = _as_matrix(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features, but KMeans was fitted with {self.n_features_in_}")
        return squared_distances(X, self.cluster_centers_).argmin(axis=1)


def scan_k(X: Any, k_values: Iterable[int], *, seeds: Iterable[int] = range(5), n_init: int = 1,
           silhouette_sample_size: int | None = 2000, random_state: int = 0) -> pd.DataFrame:
    """Inertia, silhouette and seed stability (mean pairwise adjusted Rand index) of K-means for each ``k``.

    The first seed's run gives inertia and silhouette; the silhouette uses a
    random sample of ``silhouette_sample_size`` points (None: all), as it costs
    n_samples squared.
    """
    from sklearn.metrics import adjusted_rand_score, silhouette_score

    X = _as_matrix(X)
    seeds = list(seeds)
    if len(seeds) < 2:
        raise ValueError("seeds must hold at least two seeds to compare runs")
    k_values = [positive_int(k, "k_values") for k in k_values]
    if not k_values:
        raise ValueError("k_values is empty")
    too_big = [k for k in k_values if k < 2 or k >= X.shape[0]]
    if too_big:
        raise ValueError(
            f"k_values {too_big} out of range: silhouette needs 2 <= k <= "
            f"n_samples - 1 = {X.shape[0] - 1}"
        )
    sample = None
    if silhouette_sample_size is not None and silhouette_sample_size < X.shape[0]:
        sample = np.random.default_rng(random_state).choice(
            X.shape[0], size=silhouette_sample_size, replace=False)
    rows = []
    for k in k_values:
        fits = [KMeans(k, n_init=n_init, random_state=s).fit(X) for s in seeds]
        labels = fits[0].labels_
        if sample is None:
            silhouette = silhouette_score(X, labels)
        else:
            silhouette = (silhouette_score(X[sample], labels[sample])
                          if np.unique(labels[sample]).size > 1 else np.nan)
        pairs = [adjusted_rand_score(fits[i].labels_, fits[j].labels_)
                 for i in range(len(fits)) for j in range(i + 1, len(fits))]
        rows.append({"k": k, "inertia": fits[0].inertia_,
                     "silhouette": float(silhouette), "stability_ari": float(np.mean(pairs))})
    return pd.DataFrame(rows)
