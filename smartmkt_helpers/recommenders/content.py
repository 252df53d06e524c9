"""Content-based recommendation from item attributes (genres and title words).

An item's vector is its genre flags and the TF-IDF of its title words (year dropped), each part of unit length,
the title part weighted by ``title_weight``. A user's profile sums the vectors of the items they rated, weighted
by the rating minus the user's mean; an item's score is the cosine of profile and vector. It serves a new item
on its first day, but only recommends more of what a user already rated.

>>> import pandas as pd
>>> movies = pd.DataFrame({"item_id": [1, 2, 3, 4], "title": ["Toy Story (1995)", "Toy Story 2 (1999)",
...                        "Heat (1995)", "Alien (1979)"], "Animation": [True, True, False, False],
...                        "Action": [False, False, True, True]})
>>> ratings = pd.DataFrame({"user_id": [7, 7], "item_id": [1, 3], "rating": [5, 1]})
>>> ContentBased().fit(ratings, movies).recommend_k_items([7], k=1)["item_id"].tolist()
[2]
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted

from smartmkt_helpers._checks import columns
from smartmkt_helpers.recommenders.topk import TopKRecommender, interaction_matrix, top_k_from_scores

__all__ = ["ContentBased", "item_features"]

YEAR_PATTERN = r"\(\d{4}\)"


def item_features(items: pd.DataFrame, genre_columns: Sequence[str] | None = None,
                  title_column: str | None = "title",
                  title_weight: float = 0.5) -> tuple[sp.csr_matrix, list[str]]:
    """Unit-length item vectors (csr, one row per item) and their names: genres, then ``"title:<word>"``.

    ``genre_columns`` defaults to every boolean column; ``title_column=None`` uses the genres alone.
    """
    named = [*(genre_columns or []), *([title_column] if title_column is not None else [])]
    columns(items, named, "items")
    if len(items) == 0:
        raise ValueError("items is empty")
    if not isinstance(title_weight, numbers.Real) or title_weight < 0:
        raise ValueError(f"title_weight must be a number >= 0, got {title_weight!r}")
    if genre_columns is None:
        genre_columns = [c for c in items.columns if pd.api.types.is_bool_dtype(items[c])]
    if not genre_columns and title_column is None:
        raise ValueError("no features: give genre_columns or a title_column")
    parts, names = [], []
    if genre_columns:
        genres = items[list(genre_columns)]
        if genres.isna().any().any():
            raise ValueError("genre columns contain missing values (NaN)")
        parts.append(normalize(sp.csr_matrix(genres.to_numpy(dtype=float))))
        names += [str(c) for c in genre_columns]
    if title_column is not None and title_weight > 0:
        titles = items[title_column].fillna("").astype(str)
        titles = titles.str.replace(YEAR_PATTERN, " ", regex=True)
        vectorizer = TfidfVectorizer(token_pattern=r"(?u)\b[^\W\d_]{2,}\b")
        try:
            words = vectorizer.fit_transform(titles)
        except ValueError:  # no word at all in the titles
            words = sp.csr_matrix((len(items), 0))
        parts.append(title_weight * words)
        names += [f"title:{w}" for w in vectorizer.get_feature_names_out()] \
            if words.shape[1] else []
    features = normalize(sp.hstack(parts).tocsr())
    return features, names


class ContentBased(TopKRecommender):
    """Recommend items whose genres and title words match a user's ratings.

    Fitted: ``features_`` (items x features), ``feature_names_``, ``profiles_`` (users x features),
    ``interactions_`` and the id indexes.
    """

    def __init__(self, genre_columns: Sequence[str] | None = None, title_column: str | None = "title",
                 title_weight: float = 0.5, col_user: str = "user_id", col_item: str = "item_id",
                 col_rating: str = "rating") -> None:
        self.genre_columns = genre_columns
        self.title_column = title_column
        self.title_weight = title_weight
        self.col_user = col_user
        self.col_item = col_item
        self.col_rating = col_rating

    def fit(self, ratings: pd.DataFrame, items: pd.DataFrame) -> ContentBased:
        """Build item vectors from ``items`` and user profiles from ``ratings``.

        Rated items missing from ``items`` are an error; unrated items can still be recommended.
        """
        columns(items, [self.col_item], "items")
        if items[self.col_item].duplicated().any():
            raise ValueError(f"items has duplicate {self.col_item!r} values")
        self.features_, self.feature_names_ = item_features(
            items, self.genre_columns, self.title_column, self.title_weight)
        self.item_index_ = pd.Index(items[self.col_item].to_numpy())
        matrix, users, _ = interaction_matrix(
            ratings, self.col_user, self.col_item, self.col_rating, item_index=self.item_index_)
        self.user_index_ = users
        self.interactions_ = matrix
        counts = np.diff(matrix.indptr)
        means = np.asarray(matrix.sum(axis=1)).ravel() / counts
        centred = matrix.copy()
        centred.data = centred.data - np.repeat(means, counts)
        profiles = np.asarray((centred @ self.features_).todense())
        self.profiles_ = normalize(profiles)
        return self

    def _scores(self, rows: np.ndarray) -> np.ndarray:
        return np.asarray(self.features_ @ self.profiles_[rows].T).T

    def similar_items(self, item_id: Any, k: int = 10) -> pd.DataFrame:
        """The ``k`` items closest to ``item_id`` by cosine of their vectors."""
        check_is_fitted(self)
        position = self.item_index_.get_indexer([item_id])[0]
        if position < 0:
            raise ValueError(f"unknown item id {item_id!r}")
        scores = np.asarray((self.features_ @ self.features_[position].T).todense()).T
        scores[0, position] = -np.inf
        top = top_k_from_scores(scores, [item_id], self.item_index_, k=k,
                                col_user="query_item", col_item=self.col_item,
                                col_prediction="similarity")
        return top.drop(columns="query_item")
