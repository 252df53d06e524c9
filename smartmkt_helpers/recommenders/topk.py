"""From tidy ratings to a sparse users x items matrix (:func:`interaction_matrix`), and from any score matrix
to tidy top-k lists with seen items removed (:func:`top_k_from_scores`, one ``partition`` for all users).

>>> import numpy as np
>>> import pandas as pd
>>> matrix, users, items = interaction_matrix(pd.DataFrame({"user_id": [1, 1, 2], "item_id": [10, 20, 20]}))
>>> top_k_from_scores(np.array([[0.9, 0.5], [0.8, 0.1]]), users, items, k=1, exclude=matrix)
   user_id  item_id  prediction
0        2       10         0.8
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from smartmkt_helpers._checks import filled_frame, positive_int

__all__ = ["TopKRecommender", "interaction_matrix", "ndcg_at_k_from_scores", "top_k_from_scores"]


def _positions(values: np.ndarray, index: pd.Index, what: str) -> np.ndarray:
    positions = index.get_indexer(values)
    if (positions < 0).any():
        unknown = values[positions < 0][0]
        raise ValueError(f"unknown {what} id {unknown!r}: it is not in the {what} index")
    return positions


def interaction_matrix(ratings: pd.DataFrame, col_user: str = "user_id", col_item: str = "item_id",
                       col_rating: str | None = None, user_index: pd.Index | None = None,
                       item_index: pd.Index | None = None) -> tuple[sp.csr_matrix, pd.Index, pd.Index]:
    """Users x items csr matrix of a tidy ratings frame, with the ids of its rows and columns.

    ``col_rating=None`` stores 1 per pair (implicit feedback). ``user_index``/``item_index`` fix the order
    (default: sorted unique ids); duplicate pairs and ids outside the indexes raise ValueError.
    """
    columns = [col_user, col_item] + ([col_rating] if col_rating is not None else [])
    filled_frame(ratings, columns, "ratings")
    if ratings.duplicated([col_user, col_item]).any():
        raise ValueError(
            "ratings has duplicate (user, item) pairs; aggregate them first (for example with "
            "groupby(...).last())")
    users = ratings[col_user].to_numpy()
    items = ratings[col_item].to_numpy()
    user_index = pd.Index(np.unique(users)) if user_index is None else pd.Index(user_index)
    item_index = pd.Index(np.unique(items)) if item_index is None else pd.Index(item_index)
    for name, index in (("user_index", user_index), ("item_index", item_index)):
        if not index.is_unique:
            raise ValueError(f"{name} has duplicate ids")
    rows = _positions(users, user_index, "user")
    cols = _positions(items, item_index, "item")
    if col_rating is None:
        values = np.ones(len(ratings))
    else:
        values = ratings[col_rating].to_numpy(dtype=float)
    matrix = sp.csr_matrix((values, (rows, cols)), shape=(len(user_index), len(item_index)))
    matrix.sort_indices()
    return matrix, user_index, item_index


def _exclusion_mask(exclude: sp.spmatrix | pd.DataFrame, user_index: pd.Index, item_index: pd.Index,
                    shape: tuple[int, int], col_user: str, col_item: str) -> sp.csr_matrix:
    if isinstance(exclude, pd.DataFrame):
        filled_frame(exclude, [col_user, col_item], "exclude")
        rows = user_index.get_indexer(exclude[col_user].to_numpy())
        cols = item_index.get_indexer(exclude[col_item].to_numpy())
        keep = (rows >= 0) & (cols >= 0)
        mask = sp.csr_matrix((np.ones(keep.sum()), (rows[keep], cols[keep])), shape=shape)
    elif sp.issparse(exclude) or isinstance(exclude, np.ndarray):
        mask = sp.csr_matrix(exclude)
        if mask.shape != shape:
            raise ValueError(f"exclude has shape {mask.shape} but scores have shape {shape}")
    else:
        raise TypeError(
            "exclude must be a sparse matrix shaped like scores or a DataFrame of (user, item) pairs, got "
            f"{type(exclude).__name__}")
    mask.eliminate_zeros()
    return mask


def _best_columns(dense: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best columns of each row and their scores, best first; ties go to the lower column, also at
    the cut-off (a choice made from the values, so the same on every machine)."""
    if k < dense.shape[1]:
        kth = -np.partition(-dense, k - 1, axis=1)[:, k - 1:k]
        above = dense > kth
        at_kth = dense == kth
        room = k - above.sum(axis=1, keepdims=True)
        chosen = above | (at_kth & (np.cumsum(at_kth, axis=1) <= room))
        candidates = np.nonzero(chosen)[1].reshape(len(dense), k)
    else:
        candidates = np.tile(np.arange(dense.shape[1]), (len(dense), 1))
    scores = np.take_along_axis(dense, candidates, axis=1)
    order = np.lexsort((candidates, -scores), axis=1)
    return np.take_along_axis(candidates, order, axis=1), np.take_along_axis(scores, order, axis=1)


def top_k_from_scores(scores: np.ndarray | sp.spmatrix, user_index: Iterable, item_index: Iterable,
                      k: int = 10, exclude: sp.spmatrix | pd.DataFrame | None = None,
                      users: Iterable | None = None, col_user: str = "user_id", col_item: str = "item_id",
                      col_prediction: str = "prediction") -> pd.DataFrame:
    """Each user's ``k`` best-scored items as a tidy frame, seen items removed.

    ``scores`` is users x items, higher is better; NaN and ``-inf`` are never recommended. ``exclude`` is a
    matrix shaped like ``scores`` (non-zero: exclude) or a frame of (user, item) pairs (unknown ids ignored).
    Rows are sorted by user, then by decreasing score; ties go to the lower column, also at the cut-off. A user
    with fewer than ``k`` eligible items gets a shorter list.
    """
    k = positive_int(k, "k")
    user_index = pd.Index(user_index)
    item_index = pd.Index(item_index)
    dense = scores.toarray() if sp.issparse(scores) else np.asarray(scores)
    if dense.ndim != 2:
        raise ValueError(f"scores must be 2-D (users x items), got {dense.ndim}-D")
    if dense.dtype.kind not in "iufb":
        raise TypeError(f"scores must be numeric, got dtype {dense.dtype}")
    shape = (len(user_index), len(item_index))
    if dense.shape != shape:
        raise ValueError(f"scores has shape {dense.shape} but user_index and item_index give {shape}")
    if not 1 <= k <= shape[1]:
        raise ValueError(f"k must lie between 1 and the number of items ({shape[1]}), got {k}")
    dense = dense.astype(float, copy=True)
    dense[np.isnan(dense)] = -np.inf
    if exclude is not None:
        mask = _exclusion_mask(exclude, user_index, item_index, shape, col_user, col_item)
        rows, cols = mask.nonzero()
        dense[rows, cols] = -np.inf
    rows = np.arange(shape[0])
    if users is not None:
        rows = _positions(np.asarray(list(users)), user_index, "user")
        dense = dense[rows]
    candidates, candidate_scores = _best_columns(dense, k)
    keep = np.isfinite(candidate_scores) | (candidate_scores == np.inf)
    row_of = np.repeat(rows, k).reshape(len(rows), k)
    return pd.DataFrame({
        col_user: user_index[row_of[keep]],
        col_item: item_index[candidates[keep]],
        col_prediction: candidate_scores[keep],
    })


def ndcg_at_k_from_scores(scores: np.ndarray, user_index: Iterable, item_index: Iterable, truth: pd.DataFrame,
                          k: int = 10, exclude: sp.spmatrix | pd.DataFrame | None = None,
                          col_user: str = "user_id", col_item: str = "item_id") -> float:
    """nDCG@k of a score matrix without building the lists: fast enough to follow every training epoch.

    Equals ``metrics.ndcg_at_k(truth, top_k_from_scores(...))``, ties included.
    Truth users outside ``user_index`` are ignored; truth items outside ``item_index`` count but are never hit.
    """
    user_index, item_index = pd.Index(user_index), pd.Index(item_index)
    dense = np.array(scores, dtype=np.result_type(np.asarray(scores).dtype, np.float32))
    if dense.shape != (len(user_index), len(item_index)):
        raise ValueError(f"scores has shape {dense.shape} but user_index and item_index "
                         f"give {(len(user_index), len(item_index))}")
    if not 1 <= k <= dense.shape[1]:
        raise ValueError(f"k must lie between 1 and the number of items, got {k}")
    dense[np.isnan(dense)] = -np.inf
    if exclude is not None:
        mask = _exclusion_mask(exclude, user_index, item_index, dense.shape, col_user, col_item)
        dense[mask.nonzero()] = -np.inf
    pairs = truth[[col_user, col_item]].drop_duplicates()
    pairs = pairs[pairs[col_user].isin(user_index)]
    rows = user_index.get_indexer(pairs[col_user].to_numpy())
    cols = item_index.get_indexer(pairs[col_item].to_numpy())
    n_relevant = np.bincount(rows, minlength=len(user_index))
    known = cols >= 0
    relevant = np.zeros(dense.shape, dtype=bool)
    relevant[rows[known], cols[known]] = True
    order, top_scores = _best_columns(dense, k)
    hit = np.take_along_axis(relevant, order, axis=1) & np.isfinite(top_scores)
    discounts = 1.0 / np.log1p(np.arange(1, k + 1))
    users = n_relevant > 0
    dcg = (hit * discounts).sum(axis=1)[users]
    idcg = np.cumsum(discounts)[np.minimum(n_relevant[users], k) - 1]
    return float(np.mean(dcg / idcg))


class TopKRecommender(BaseEstimator):
    """Scoring and top-k lists shared by the course's recommenders.

    A subclass stores its hyperparameters in ``__init__``, sets ``user_index_``, ``item_index_`` and
    ``interactions_`` in ``fit``, and implements ``_scores(rows)`` (rows x items).
    """

    def _user_rows(self, users: Iterable | None) -> tuple[np.ndarray, pd.Index]:
        check_is_fitted(self)
        if users is None:
            ids = self.user_index_
        else:
            ids = pd.Index([users] if np.isscalar(users) else list(users))
        rows = self.user_index_.get_indexer(ids)
        if (rows < 0).any():
            raise ValueError(f"unknown user id {ids[rows < 0].tolist()[0]!r}: not in the training data")
        return rows, ids

    def score_matrix(self, users: Iterable | None = None) -> np.ndarray:
        """Scores of every training item (columns ``item_index_``) for ``users`` (default: all, in order)."""
        rows, _ = self._user_rows(users)
        return self._scores(rows)

    def recommend_k_items(self, users: Iterable | None = None, k: int = 10,
                          remove_seen: bool = True) -> pd.DataFrame:
        """Top-k items per user (default: all training users) as a tidy frame (user, item, prediction)."""
        rows, ids = self._user_rows(users)
        exclude = self.interactions_[rows] if remove_seen else None
        return top_k_from_scores(
            self._scores(rows), ids, self.item_index_, k=k, exclude=exclude,
            col_user=self.col_user, col_item=self.col_item)
