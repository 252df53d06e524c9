"""Session-based recommendation (chapter 8): item sequences, padded prefixes, transition counts.

Item ids start at 1; 0 is padding.

>>> pad_sessions([[4, 5, 6], [7]], max_length=2)
array([[5, 6],
       [0, 7]], dtype=int32)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from smartmkt_helpers._checks import columns

__all__ = ["build_sessions", "pad_sessions", "session_prefixes", "TransitionRecommender"]


def _check_lists(item_lists: Sequence[Sequence[int]], name: str) -> list[np.ndarray]:
    if isinstance(item_lists, (str, bytes, np.ndarray)) and np.ndim(item_lists) != 1:
        raise TypeError(f"{name} must be a sequence of item-id sequences")
    if not isinstance(item_lists, (Sequence, pd.Series, np.ndarray)):
        raise TypeError(f"{name} must be a sequence of item-id sequences, got {type(item_lists).__name__}")
    arrays = [np.asarray(items) for items in item_lists]
    if len(arrays) == 0:
        raise ValueError(f"{name} is empty")
    for items in arrays:
        if items.ndim != 1:
            raise ValueError(f"each session in {name} must be a flat sequence of item ids")
        if items.size and not np.issubdtype(items.dtype, np.integer):
            raise TypeError(f"{name} must hold integer item ids, got dtype {items.dtype}")
        if items.size and items.min() < 1:
            raise ValueError(f"{name} holds item id {items.min()}; ids must be >= 1 (0 is padding)")
    return arrays


def build_sessions(events: pd.DataFrame, *, col_session: str = "session_id",
                   col_customer: str = "customer_id", col_item: str = "product_id",
                   col_timestamp: str = "timestamp") -> pd.DataFrame:
    """One row per session: the distinct items in the order first seen.

    Columns ``session_id``, ``customer_id``, ``start``, ``length`` and ``items`` (a
    list), sorted by start. Filter the events first; a repeated product counts once.
    """
    wanted = [col_session, col_customer, col_item, col_timestamp]
    columns(events, wanted, "events")
    if len(events) == 0:
        raise ValueError("events is empty")
    if events[wanted].isna().any().any():
        raise ValueError("events has missing values in " + ", ".join(wanted))
    ordered = events[wanted].sort_values([col_session, col_timestamp], kind="stable")
    ordered = ordered.drop_duplicates([col_session, col_item])
    grouped = ordered.groupby(col_session, sort=False)
    sessions = pd.DataFrame({col_session: grouped[col_session].first().to_numpy(),
                             col_customer: grouped[col_customer].first().to_numpy(),
                             "start": grouped[col_timestamp].first().to_numpy(),
                             "length": grouped.size().to_numpy(),
                             "items": grouped[col_item].agg(list).to_numpy()})
    return sessions.sort_values(["start", col_session], kind="stable").reset_index(drop=True)


def pad_sessions(item_lists: Sequence[Sequence[int]], max_length: int) -> np.ndarray:
    """Left-pad item sequences with 0 to ``max_length`` (int32), keeping each one's last items."""
    if isinstance(max_length, bool) or not isinstance(max_length, (int, np.integer)) or max_length < 1:
        raise ValueError(f"max_length must be a positive integer, got {max_length!r}")
    arrays = _check_lists(item_lists, "item_lists")
    lengths = np.array([min(len(items), max_length) for items in arrays])
    tails = [items[len(items) - length:] for items, length in zip(arrays, lengths)]
    padded = np.zeros((len(arrays), max_length), dtype=np.int32)
    rows = np.repeat(np.arange(len(arrays)), lengths)
    columns = np.concatenate([np.arange(max_length - length, max_length) for length in lengths])
    if rows.size:
        padded[rows, columns] = np.concatenate(tails)
    return padded


def session_prefixes(item_lists: Sequence[Sequence[int]], max_length: int) -> tuple[np.ndarray, np.ndarray]:
    """Every (prefix, next item) pair of the sessions: padded prefixes and int32 targets.

    ``[a, b, c]`` gives ``[a] -> b`` and ``[a, b] -> c``, as in GRU4Rec.
    """
    arrays = _check_lists(item_lists, "item_lists")
    prefixes = [items[:end] for items in arrays for end in range(1, len(items))]
    targets = [items[end] for items in arrays for end in range(1, len(items))]
    if not prefixes:
        raise ValueError("item_lists has no session with two items or more")
    return pad_sessions(prefixes, max_length), np.asarray(targets, dtype=np.int32)


class TransitionRecommender(BaseEstimator):
    """Score the next item by counts of consecutive-item transitions from the session's last item.

    ``transitions_[a, b]`` counts ``b`` directly after ``a`` (both ways when
    ``symmetric``); ``popularity_weight`` times each item's share of training
    items breaks ties and backs off for unseen items. ``n_items`` includes the
    padding id 0.
    """

    def __init__(self, n_items: int, symmetric: bool = True, popularity_weight: float = 0.01):
        self.n_items = n_items
        self.symmetric = symmetric
        self.popularity_weight = popularity_weight

    def fit(self, item_lists: Sequence[Sequence[int]]) -> TransitionRecommender:
        """Count transitions in the training sessions."""
        n_items = self.n_items
        if isinstance(n_items, bool) or not isinstance(n_items, (int, np.integer)) or n_items < 2:
            raise ValueError(f"n_items must be an integer >= 2, got {self.n_items!r}")
        if not np.isfinite(self.popularity_weight) or self.popularity_weight < 0:
            raise ValueError(f"popularity_weight must be >= 0, got {self.popularity_weight!r}")
        arrays = _check_lists(item_lists, "item_lists")
        every = np.concatenate(arrays)
        if every.size == 0:
            raise ValueError("item_lists holds no item")
        if every.max() >= self.n_items:
            raise ValueError(f"item id {every.max()} is out of range for n_items={self.n_items}")
        sources = np.concatenate([items[:-1] for items in arrays])
        targets = np.concatenate([items[1:] for items in arrays])
        if self.symmetric:
            sources, targets = np.concatenate([sources, targets]), np.concatenate([targets, sources])
        shape = (self.n_items, self.n_items)
        self.transitions_ = sp.csr_matrix((np.ones(sources.size), (sources, targets)), shape=shape)
        counts = np.bincount(every, minlength=self.n_items).astype(float)
        self.popularity_ = counts / counts.sum()
        return self

    def predict_scores(self, last_items: Sequence[int]) -> np.ndarray:
        """Scores of every item (columns) as the next after each last item (rows); column 0 is ``-inf``."""
        check_is_fitted(self, "transitions_")
        last = np.asarray(last_items)
        if last.ndim != 1 or last.size == 0:
            raise ValueError("last_items must be a non-empty 1-d sequence of item ids")
        if not np.issubdtype(last.dtype, np.integer):
            raise TypeError(f"last_items must hold integer item ids, got dtype {last.dtype}")
        if last.min() < 1 or last.max() >= self.n_items:
            raise ValueError(f"last_items holds an unknown item id (valid: 1 .. {self.n_items - 1})")
        scores = self.transitions_[last].toarray() + self.popularity_weight * self.popularity_
        scores[:, 0] = -np.inf
        return scores
