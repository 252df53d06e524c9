"""Content-based recommendation from genres and titles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartmkt_helpers.recommenders.content import ContentBased, item_features


@pytest.fixture
def movies() -> pd.DataFrame:
    return pd.DataFrame({
        "item_id": [1, 2, 3, 4, 5],
        "title": ["Toy Story (1995)", "Toy Story 2 (1999)", "Heat (1995)",
                  "Alien (1979)", "Aliens (1986)"],
        "Animation": [True, True, False, False, False],
        "Action": [False, False, True, True, True],
        "Sci-Fi": [False, False, False, True, True],
    })


@pytest.fixture
def ratings() -> pd.DataFrame:
    return pd.DataFrame({"user_id": [1, 1, 2, 2], "item_id": [1, 3, 4, 3],
                         "rating": [5, 1, 5, 2]})


def test_item_features_unit_rows_and_names(movies):
    features, names = item_features(movies)
    assert names[:3] == ["Animation", "Action", "Sci-Fi"]
    assert "title:toy" in names and "title:story" in names
    assert not any(name.startswith("title:19") for name in names)  # years dropped
    np.testing.assert_allclose(np.sqrt(features.multiply(features).sum(axis=1)).A1, 1.0)


def test_title_weight_zero_uses_genres_only(movies):
    features, names = item_features(movies, title_weight=0)
    assert names == ["Animation", "Action", "Sci-Fi"]
    # Alien and Aliens share both genres: identical genre vectors
    np.testing.assert_allclose(features[3].toarray(), features[4].toarray())


def test_profile_follows_liked_items(movies, ratings):
    model = ContentBased().fit(ratings, movies)
    recs = model.recommend_k_items(k=1)
    # user 1 liked Toy Story and disliked Heat -> Toy Story 2
    assert recs.set_index("user_id").loc[1, "item_id"] == 2
    # user 2 liked Alien over Heat -> Aliens
    assert recs.set_index("user_id").loc[2, "item_id"] == 5
    seen = set(zip(ratings.user_id, ratings.item_id))
    assert not seen & set(zip(recs.user_id, recs.item_id))


def test_scores_are_cosines(movies, ratings):
    model = ContentBased().fit(ratings, movies)
    scores = model.score_matrix()
    assert model.user_index_.tolist() == [1, 2]
    assert scores.shape == (2, 5)
    assert np.all(np.abs(scores) <= 1 + 1e-12)


def test_similar_items_excludes_the_query(movies, ratings):
    model = ContentBased().fit(ratings, movies)
    similar = model.similar_items(4, k=2)
    assert similar["item_id"].tolist()[0] == 5
    assert 4 not in similar["item_id"].tolist()
    assert list(similar.columns) == ["item_id", "similarity"]


def test_bad_input_raises(movies, ratings):
    with pytest.raises(ValueError, match="not fitted"):
        ContentBased().recommend_k_items()
    with pytest.raises(ValueError, match="'Drama'"):
        ContentBased(genre_columns=["Drama"]).fit(ratings, movies)
    with pytest.raises(ValueError, match="'name'"):
        ContentBased(title_column="name").fit(ratings, movies)
    with pytest.raises(ValueError, match="title_weight"):
        ContentBased(title_weight=-1).fit(ratings, movies)
    with pytest.raises(ValueError, match="duplicate"):
        ContentBased().fit(ratings, pd.concat([movies, movies]))
    with pytest.raises(ValueError, match="unknown item id"):
        ContentBased().fit(ratings.assign(item_id=[99, 3, 4, 98]), movies)
    with pytest.raises(TypeError, match="DataFrame"):
        ContentBased().fit(ratings, movies.to_numpy())
    with pytest.raises(ValueError, match="empty"):
        item_features(movies.iloc[:0])
    model = ContentBased().fit(ratings, movies)
    with pytest.raises(ValueError, match="unknown user id"):
        model.recommend_k_items([42])
    with pytest.raises(ValueError, match="unknown item id"):
        model.similar_items(42)
