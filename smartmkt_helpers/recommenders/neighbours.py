"""User- and item-based collaborative filtering (k nearest neighbours), vectorised with sparse matrices.

Chapter 3 writes user-based CF out step by step; :class:`UserKNN` and :class:`ItemKNN` are the tested copies.
They follow Surprise's ``KNNBasic`` (``mean_centered=False``) and ``KNNWithMeans`` (``True``), with its
similarities over co-rated entries: ``"cosine"``, ``"msd"`` (``1 / (mean squared difference + 1)``),
``"pearson"``, ``"pearson_baseline"`` (shrunk by ``(n - 1) / (n - 1 + shrinkage)``), plus ``"binary_cosine"``.
Pairs with fewer than ``min_support`` co-ratings get 0; of the ``k`` most similar neighbours those with positive
similarity vote; fall-backs and clipping are Surprise's (ties at the ``k``-th place may differ).

>>> import pandas as pd
>>> ratings = pd.DataFrame({"user_id": [1, 1, 1, 2, 2, 2, 3, 3], "item_id": [1, 2, 3, 1, 2, 3, 1, 2],
...                         "rating": [5, 3, 4, 4, 2, 3, 5, 3]})
>>> UserKNN(k=2, similarity="msd").fit(ratings).predict(pd.DataFrame({"user_id": [3], "item_id": [3]})).round(3)
array([3.667])
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.utils.validation import check_is_fitted

from smartmkt_helpers._checks import columns, positive_int
from smartmkt_helpers.recommenders.topk import TopKRecommender, interaction_matrix, top_k_from_scores

__all__ = ["ItemKNN", "UserKNN", "baseline_estimates", "similarity_matrix"]

SIMILARITIES = ("cosine", "msd", "pearson", "pearson_baseline", "binary_cosine")


def _gram(left: sp.csr_matrix, right: sp.csr_matrix) -> np.ndarray:
    return np.asarray((left @ right.T).toarray(), dtype=float)


def baseline_estimates(matrix: sp.csr_matrix, n_epochs: int = 10, reg_rows: float = 15.0,
                       reg_cols: float = 10.0) -> tuple[float, np.ndarray, np.ndarray]:
    """Global mean and row and column biases by Surprise's alternating least squares (``method="als"``).

    Each epoch sets every column bias to ``sum(r - mu - b_row) / (reg_cols + n)``, then every row bias to
    ``sum(r - mu - b_col) / (reg_rows + n)``.
    """
    coo = matrix.tocoo()
    rows, cols, values = coo.row, coo.col, coo.data
    mu = float(values.mean())
    n_rows = np.bincount(rows, minlength=matrix.shape[0])
    n_cols = np.bincount(cols, minlength=matrix.shape[1])
    b_rows = np.zeros(matrix.shape[0])
    b_cols = np.zeros(matrix.shape[1])
    for _ in range(n_epochs):
        residual = np.bincount(cols, values - mu - b_rows[rows], minlength=matrix.shape[1])
        b_cols = np.divide(residual, reg_cols + n_cols,
                           out=np.zeros_like(residual), where=(reg_cols + n_cols) > 0)
        residual = np.bincount(rows, values - mu - b_cols[cols], minlength=matrix.shape[0])
        b_rows = np.divide(residual, reg_rows + n_rows,
                           out=np.zeros_like(residual), where=(reg_rows + n_rows) > 0)
    return mu, b_rows, b_cols


def similarity_matrix(matrix: sp.csr_matrix, similarity: str = "msd", min_support: int = 1,
                      shrinkage: float = 100.0,
                      baselines: tuple[float, np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Similarity between the rows of a sparse ratings matrix (dense result, diagonal 1).

    Sums run over the columns both rows rated; pairs with fewer than ``min_support`` co-ratings (2 at least for
    ``"pearson_baseline"``) get 0. ``"binary_cosine"`` (not in Surprise) is ``n_common / sqrt(n_a n_b)`` over
    rated-or-not vectors, the usual choice for top-N item-kNN. ``shrinkage`` and ``baselines`` (default
    :func:`baseline_estimates`) are used only by ``"pearson_baseline"``; explicit zeros are not allowed.
    """
    if similarity not in SIMILARITIES:
        raise ValueError(f"similarity must be one of {', '.join(SIMILARITIES)}, got {similarity!r}")
    matrix = sp.csr_matrix(matrix, dtype=float)
    binary = matrix.copy()
    binary.data = np.ones_like(binary.data)
    squared = matrix.multiply(matrix).tocsr()
    freq = _gram(binary, binary)
    with np.errstate(divide="ignore", invalid="ignore"):
        if similarity == "binary_cosine":
            counts = np.diff(matrix.indptr).astype(float)
            sim = freq / np.sqrt(np.outer(counts, counts))
        elif similarity == "cosine":
            prods = _gram(matrix, matrix)
            sq_left = _gram(squared, binary)
            sim = prods / np.sqrt(sq_left * sq_left.T)
        elif similarity == "msd":
            prods = _gram(matrix, matrix)
            sq_left = _gram(squared, binary)
            sq_diff = sq_left + sq_left.T - 2.0 * prods
            sim = 1.0 / (sq_diff / freq + 1.0)
        elif similarity == "pearson":
            prods = _gram(matrix, matrix)
            sq_left = _gram(squared, binary)
            sum_left = _gram(matrix, binary)
            num = freq * prods - sum_left * sum_left.T
            var_left = freq * sq_left - sum_left**2
            den = np.sqrt(np.clip(var_left, 0, None) * np.clip(var_left.T, 0, None))
            sim = np.where(den > 0, num / den, 0.0)
        else:
            mu, b_rows, b_cols = (baselines if baselines is not None else baseline_estimates(matrix))
            coo = matrix.tocoo()
            residual = coo.data - mu - b_rows[coo.row] - b_cols[coo.col]
            diffs = sp.csr_matrix((residual, (coo.row, coo.col)), shape=matrix.shape)
            prods = _gram(diffs, diffs)
            sq_left = _gram(diffs.multiply(diffs).tocsr(), binary)
            den = np.sqrt(sq_left * sq_left.T)
            sim = np.where(den > 0, prods / den, 0.0)
            sim = sim * (freq - 1) / (freq - 1 + shrinkage)
            min_support = max(2, min_support)
    sim = np.where(freq >= min_support, sim, 0.0)
    sim = np.nan_to_num(sim, nan=0.0, posinf=0.0, neginf=0.0)
    np.fill_diagonal(sim, 1.0)
    return sim


class _NeighbourCF(TopKRecommender):
    """Shared machinery of :class:`UserKNN` and :class:`ItemKNN`."""

    _user_based: bool = True

    def __init__(self, k: int = 40, min_k: int = 1, similarity: str = "msd", min_support: int = 1,
                 shrinkage: float = 100.0, mean_centered: bool = False, col_user: str = "user_id",
                 col_item: str = "item_id", col_rating: str = "rating") -> None:
        self.k = k
        self.min_k = min_k
        self.similarity = similarity
        self.min_support = min_support
        self.shrinkage = shrinkage
        self.mean_centered = mean_centered
        self.col_user = col_user
        self.col_item = col_item
        self.col_rating = col_rating

    def _validate(self) -> None:
        positive_int(self.k, "k")
        positive_int(self.min_k, "min_k", minimum=0)
        positive_int(self.min_support, "min_support", minimum=0)
        if self.similarity not in SIMILARITIES:
            raise ValueError(f"similarity must be one of {', '.join(SIMILARITIES)}, got {self.similarity!r}")
        if not isinstance(self.shrinkage, numbers.Real) or self.shrinkage < 0:
            raise ValueError(f"shrinkage must be a number >= 0, got {self.shrinkage!r}")

    def fit(self, ratings: pd.DataFrame) -> _NeighbourCF:
        """Learn the similarities from a tidy frame of positive ratings."""
        self._validate()
        matrix, users, items = interaction_matrix(ratings, self.col_user, self.col_item, self.col_rating)
        values = ratings[self.col_rating].to_numpy(dtype=float)
        if (values <= 0).any():
            raise ValueError(
                f"column {self.col_rating!r} must hold positive ratings (0 is read as 'not rated' in the "
                "sparse matrix)")
        self.user_index_ = users
        self.item_index_ = items
        self.interactions_ = matrix
        self.global_mean_ = float(values.mean())
        self.rating_range_ = (float(values.min()), float(values.max()))
        # rows of X are the entities compared: users (user-based) or items
        entity = matrix if self._user_based else matrix.T.tocsr()
        # Each context's raters (an item's users, in user-based CF) and their ratings, in the order of the
        # frame: neighbours with equal similarity are taken in that order, as Surprise takes them.
        user_pos = users.get_indexer(ratings[self.col_user].to_numpy())
        item_pos = items.get_indexer(ratings[self.col_item].to_numpy())
        raters, contexts = (user_pos, item_pos) if self._user_based else (item_pos, user_pos)
        by_context = np.argsort(contexts, kind="stable")
        self._raters = raters[by_context]
        self._votes = values[by_context]
        self._context_starts = np.r_[0, np.cumsum(np.bincount(contexts, minlength=entity.shape[1]))]
        counts = np.diff(entity.indptr)
        self.means_ = np.asarray(entity.sum(axis=1)).ravel() / counts
        baselines = None
        if self.similarity == "pearson_baseline":
            mu, b_users, b_items = baseline_estimates(matrix)
            baselines = ((mu, b_users, b_items) if self._user_based else (mu, b_items, b_users))
        self.similarity_ = similarity_matrix(
            entity, self.similarity, self.min_support, self.shrinkage, baselines)
        return self

    def _estimate(self, entities: np.ndarray, context: int) -> tuple[np.ndarray, np.ndarray]:
        """Estimates (NaN where the plain model cannot predict) and summed positive similarity of the votes
        for entity rows ``entities`` (users in user-based CF) and one context column (the item)."""
        start, stop = self._context_starts[context], self._context_starts[context + 1]
        raters = self._raters[start:stop]
        values = self._votes[start:stop]
        n = len(entities)
        if len(raters) == 0:
            fallback = self.means_[entities] if self.mean_centered else np.full(n, np.nan)
            return fallback, np.zeros(n)
        if n == self.similarity_.shape[0] and (entities == np.arange(n)).all():
            sims = self.similarity_[:, raters]
        else:
            sims = self.similarity_[np.ix_(entities, raters)]
        if self.mean_centered:
            values = values - self.means_[raters]
        if len(raters) > self.k:
            # the k most similar; a stable sort keeps ties in the order of the data on every machine
            # (argpartition's order of ties depends on the CPU's vector instructions)
            top = np.argsort(-sims, axis=1, kind="stable")[:, :self.k]
            sims = np.take_along_axis(sims, top, axis=1)
            votes = values[top]
        else:
            votes = np.broadcast_to(values, sims.shape)
        weights = np.where(sims > 0, sims, 0.0)
        sum_weights = weights.sum(axis=1)
        actual_k = (weights > 0).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            aggregate = (weights * votes).sum(axis=1) / sum_weights
        enough = (actual_k >= self.min_k) & (sum_weights > 0)
        if self.mean_centered:
            estimate = self.means_[entities] + np.where(enough, aggregate, 0.0)
        else:
            estimate = np.where(enough, aggregate, np.nan)
        return estimate, sum_weights

    def _pair_positions(self, pairs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        columns(pairs, [self.col_user, self.col_item], "pairs")
        users = self.user_index_.get_indexer(pairs[self.col_user].to_numpy())
        items = self.item_index_.get_indexer(pairs[self.col_item].to_numpy())
        return users, items

    def predict(self, pairs: pd.DataFrame) -> np.ndarray:
        """Predicted ratings of the (user, item) pairs, in row order, clipped to the training range.

        Unknown users or items, and pairs without a positive-similarity neighbour in the plain model, get the
        global training mean.
        """
        check_is_fitted(self)
        users, items = self._pair_positions(pairs)
        entity, context = (users, items) if self._user_based else (items, users)
        known = (users >= 0) & (items >= 0)
        result = np.full(len(pairs), np.nan)
        idx = np.flatnonzero(known)
        order = idx[np.argsort(context[idx], kind="stable")]
        sorted_context = context[order]
        bounds = np.flatnonzero(np.r_[True, sorted_context[1:] != sorted_context[:-1], True])
        for start, stop in zip(bounds[:-1], bounds[1:]):
            rows = order[start:stop]
            result[rows] = self._estimate(entity[rows], int(sorted_context[start]))[0]
        result = np.where(np.isnan(result), self.global_mean_, result)
        return np.clip(result, *self.rating_range_)

    def score_matrix(self, users: Iterable | None = None, by: str = "rating") -> np.ndarray:
        """Scores of every item for ``users``: predicted ratings (``by="rating"``, as :meth:`predict`) or
        the summed positive similarity of the voting neighbours (``by="support"``)."""
        if by not in ("rating", "support"):
            raise ValueError(f"by must be 'rating' or 'support', got {by!r}")
        ratings, support = self.score_matrices(users)
        return ratings if by == "rating" else support

    def score_matrices(self, users: Iterable | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``score_matrix`` by rating and by support, from one pass over the items."""
        user_pos, _ = self._user_rows(users)
        n_items = len(self.item_index_)
        ratings = np.empty((len(user_pos), n_items))
        support = np.empty((len(user_pos), n_items))
        if self._user_based:
            for item in range(n_items):
                ratings[:, item], support[:, item] = self._estimate(user_pos, item)
        else:
            all_items = np.arange(n_items)
            for row, user in enumerate(user_pos):
                ratings[row], support[row] = self._estimate(all_items, int(user))
        ratings = np.where(np.isnan(ratings), self.global_mean_, ratings)
        ratings = np.clip(ratings, *self.rating_range_)
        return ratings, support

    def recommend_k_items(self, users: Iterable | None = None, k: int = 10, remove_seen: bool = True,
                          by: str = "support") -> pd.DataFrame:
        """Top-k items per user as a tidy frame (user, item, prediction).

        ``by="support"`` (the default) ranks by neighbour evidence; ``by="rating"`` ranks poorly, as obscure
        items rated 5 by one neighbour come first.
        """
        rows, user_ids = self._user_rows(users)
        exclude = self.interactions_[rows] if remove_seen else None
        return top_k_from_scores(
            self.score_matrix(user_ids, by=by), user_ids, self.item_index_, k=k, exclude=exclude,
            col_user=self.col_user, col_item=self.col_item)


class UserKNN(_NeighbourCF):
    """User-based k-nearest-neighbour CF (Surprise's KNNBasic / KNNWithMeans).

    ``mean_centered=True`` predicts ``mean_u + weighted mean of (r_vi - mean_v)``. Fitted: ``similarity_``
    (users x users), ``means_`` (per user), ``global_mean_``, ``interactions_`` and the id indexes.
    """

    _user_based = True


class ItemKNN(_NeighbourCF):
    """Item-based k-nearest-neighbour CF: :class:`UserKNN` with the roles of users and items swapped."""

    _user_based = False
