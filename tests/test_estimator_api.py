"""Every estimator follows scikit-learn's API: clone, refit, NotFittedError."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from smartmkt_helpers import education
from smartmkt_helpers.ads import bandits, ctr, targeting, uplift
from smartmkt_helpers.sessions import TransitionRecommender

_RNG = np.random.default_rng(0)
_X = _RNG.normal(size=(200, 2))
_TREATMENT = np.arange(200) % 2
_Y = (_RNG.random(200) < 0.3 + 0.3 * _TREATMENT * (_X[:, 0] > 0)).astype(int)
_LOG = pd.DataFrame({"site": list("abcd") * 50, "visits": np.arange(200.0)})
_HASHED = _RNG.integers(0, 16, size=(200, 3))
_ANSWERS = pd.DataFrame({"student_id": np.repeat(np.arange(20), 5), "step": np.tile(np.arange(5), 20),
                         "skill_id": 1, "correct": (_RNG.random(100) < 0.6).astype(int)})
_RESPONSES = (_RNG.random((100, 4)) < 0.5).astype(float)
_SESSIONS = [[1, 2, 3], [2, 3], [1, 3, 4]]

# (estimator, how to fit it, how to use it once fitted)
ADS_AND_CASES = [
    (bandits.ABTestThenCommit(2, test_length=4), lambda m: m.partial_fit([0, 1], [1, 0]), lambda m: m.values_),
    (bandits.EpsilonGreedy(2, epsilon=0.2, random_state=0), lambda m: m.partial_fit([0, 1], [1, 0]),
     lambda m: m.values_),
    (bandits.UCB1(2), lambda m: m.partial_fit([0, 1], [1, 0]), lambda m: m.values_),
    (bandits.ThompsonSampling(2, random_state=0), lambda m: m.partial_fit([0, 1], [1, 0]), lambda m: m.alpha_),
    (bandits.LinUCB(2, alpha=0.5), lambda m: m.partial_fit([0, 1], [1, 0], [[1, 0], [0, 1]]),
     lambda m: m.theta_),
    (ctr.FieldHasher(["site"], numeric_columns=["visits"], n_buckets=64), lambda m: m.fit(_LOG),
     lambda m: m.transform(_LOG)),
    (ctr.WideAndDeepClassifier(16, hidden_units=(4,), epochs=1, batch_size=100), lambda m: m.fit(_HASHED, _Y),
     lambda m: m.predict_proba(_HASHED)),
    (ctr.DeepFMClassifier(16, hidden_units=(4,), epochs=1, batch_size=100), lambda m: m.fit(_HASHED, _Y),
     lambda m: m.predict_proba(_HASHED)),
    (uplift.TwoModelUplift(), lambda m: m.fit(_X, _Y, _TREATMENT), lambda m: m.predict(_X)),
    (uplift.ClassTransformationUplift(), lambda m: m.fit(_X, _Y, _TREATMENT), lambda m: m.predict(_X)),
    (targeting.LookalikeExpander(n_folds=3, random_state=0), lambda m: m.fit(_X, _X[:, 0] > 1),
     lambda m: m.predict_proba(_X)),
    (education.BayesianKnowledgeTracing(max_iter=3), lambda m: m.fit(_ANSWERS), lambda m: m.predict_proba(_ANSWERS)),
    (education.ItemResponseModel(model="rasch", max_iter=5), lambda m: m.fit(_RESPONSES),
     lambda m: m.predict_proba([0.0])),
    (TransitionRecommender(n_items=5), lambda m: m.fit(_SESSIONS), lambda m: m.predict_scores([1])),
]


@pytest.mark.parametrize(("estimator", "fit", "use"), ADS_AND_CASES,
                         ids=[type(case[0]).__name__ for case in ADS_AND_CASES])
def test_ads_and_cases_follow_the_estimator_api(estimator, fit, use):
    copy = clone(estimator)
    assert copy is not estimator
    assert copy.get_params() == estimator.get_params()
    with pytest.raises(NotFittedError):
        use(copy)
    fitted = fit(copy)
    assert fitted is copy
    assert np.size(use(fitted)) > 0
    # a clone of a fitted estimator is unfitted again and refits the same way
    again = clone(fitted)
    with pytest.raises(NotFittedError):
        use(again)
    np.testing.assert_allclose(np.asarray(use(fit(again)), dtype=float), np.asarray(use(fitted), dtype=float))
