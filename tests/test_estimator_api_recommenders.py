"""Every recommender and clusterer follows scikit-learn's API: clone, refit, NotFittedError."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

import smartmkt_helpers  # noqa: F401  (selects the Keras backend first)
from smartmkt_helpers.clustering import KMeans
from smartmkt_helpers.recommenders.baselines import EASE, Popularity
from smartmkt_helpers.recommenders.content import ContentBased
from smartmkt_helpers.recommenders.deep import MatrixFactorization, MultDAE, NeuMF, TwoTower
from smartmkt_helpers.recommenders.neighbours import ItemKNN, UserKNN

RATINGS = pd.DataFrame({"user_id": [1, 1, 1, 2, 2, 3, 3, 4],
                        "item_id": [1, 2, 3, 1, 4, 2, 3, 4],
                        "rating": [5, 3, 4, 4, 2, 5, 1, 3]})
USERS = pd.DataFrame({"user_id": [1, 2, 3, 4], "age": [20, 30, 40, 50],
                      "gender": ["F", "M", "F", "M"], "occupation": ["a", "b", "a", "c"]})
ITEMS = pd.DataFrame({"item_id": [1, 2, 3, 4], "title": ["Heat (1995)", "Alien (1979)",
                                                          "Aliens (1986)", "Toy Story (1995)"],
                      "Action": [True, True, True, False]})
SMALL = {"embedding_dim": 2, "epochs": 1, "batch_size": 4}

# (estimator, arguments of fit, a method that needs a fitted estimator)
RECOMMENDERS = [
    (Popularity(), (RATINGS,), "score_matrix"),
    (EASE(lambda_=1.0), (RATINGS,), "score_matrix"),
    (ContentBased(), (RATINGS, ITEMS), "score_matrix"),
    (UserKNN(k=2), (RATINGS,), "score_matrix"),
    (ItemKNN(k=2, similarity="cosine"), (RATINGS,), "score_matrix"),
    (MatrixFactorization(**SMALL, random_state=1), (RATINGS,), "score_matrix"),
    (NeuMF(**SMALL, hidden_units=(4,), random_state=1), (RATINGS,), "score_matrix"),
    (TwoTower(**SMALL, hidden_units=(4,), random_state=1), (RATINGS, USERS, ITEMS),
     "score_matrix"),
    (MultDAE(latent_dim=2, epochs=1, batch_size=2, random_state=1), (RATINGS,),
     "score_matrix"),
    (KMeans(n_clusters=2, random_state=0), (np.array([[0.0, 0.0], [0.0, 1.0], [5.0, 5.0]]),),
     "predict"),
]


@pytest.mark.parametrize("estimator, fit_args, method", RECOMMENDERS,
                         ids=lambda value: type(value).__name__)
def test_recommenders_follow_the_estimator_api(estimator, fit_args, method):
    twin = clone(estimator)
    assert twin.get_params() == estimator.get_params()
    assert twin is not estimator
    with pytest.raises(NotFittedError):
        getattr(twin, method)(*fit_args[:1] if method == "predict" else ())
    assert twin.fit(*fit_args) is twin
    result = getattr(twin, method)(*fit_args[:1] if method == "predict" else ())
    assert isinstance(result, np.ndarray)
    if method == "score_matrix":
        assert result.shape == (len(twin.user_index_), len(twin.item_index_))
        assert twin.interactions_.shape == result.shape
    # set_params sets a parameter; a clone of the fitted model is unfitted
    name = next(iter(twin.get_params()))
    twin.set_params(**{name: twin.get_params()[name]})
    with pytest.raises(NotFittedError):
        getattr(clone(twin), method)(*fit_args[:1] if method == "predict" else ())


def test_refits_with_the_same_random_state_agree():
    first = MatrixFactorization(**SMALL, random_state=3).fit(RATINGS).score_matrix()
    second = MatrixFactorization(**SMALL, random_state=3).fit(RATINGS).score_matrix()
    np.testing.assert_array_equal(first, second)
