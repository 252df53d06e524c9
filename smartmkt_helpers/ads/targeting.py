"""Whom to reach: lookalike audiences and targeting under a budget.

- :class:`LookalikeExpander` learns what a seed audience (for example a
  shop's best customers) looks like against everyone else and ranks the
  other customers by resemblance; :meth:`LookalikeExpander.expand` picks
  the closest ones. Customers in the training population are scored out
  of fold, so a customer's score never comes from a model that saw them
  labelled "not seed".
- :func:`choose_targets` spends a budget on the customers with the highest
  score per unit cost, skipping those whose score is not positive (with an
  uplift score, the customers an e-mail would put off).
- :func:`compare_policies` estimates, from a randomised test, how many
  extra outcomes (visits, dollars) each targeting policy brings compared
  with contacting nobody, with bootstrap intervals.

Examples
--------
>>> import numpy as np
>>> score = np.array([0.05, -0.02, 0.10, 0.01])
>>> choose_targets(score, budget=2).tolist()
[True, False, True, False]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone, is_classifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.utils.validation import check_is_fitted

from smartmkt_helpers._checks import positive_int, vector
from smartmkt_helpers.ads.uplift import n_customers, treatment_vector

__all__ = ["LookalikeExpander", "choose_targets", "compare_policies"]

_BOOTSTRAP_CHUNK = 100


# --------------------------------------------------------------------------
# lookalike audiences


class LookalikeExpander(BaseEstimator):
    """Rank customers by how much they resemble a seed audience.

    A classifier learns seed (1) against the rest of the population (0).
    The rest contains customers who would belong in the audience but are
    not in the seed, so the classifier's probability is a resemblance
    score, not a calibrated probability of membership.

    Parameters
    ----------
    estimator : scikit-learn classifier, optional
        Default: ``LogisticRegression(max_iter=1000)``.
    n_folds : int, default 5
        Folds for the out-of-fold scores of the training population.
    random_state : int, default 0
        Shuffling of the folds.

    Attributes
    ----------
    scores_ : ndarray of shape (n_customers,)
        Out-of-fold resemblance score of every training customer.
    is_seed_ : ndarray of bool
    estimator_ : classifier fitted on the whole population, for new
        customers (:meth:`predict_proba`).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(400, 2))
    >>> in_audience = X[:, 0] > 1                    # the true audience
    >>> is_seed = in_audience & (rng.random(400) < 0.5)
    >>> expander = LookalikeExpander().fit(X, is_seed)
    >>> chosen = expander.expand(size=20)
    >>> int(chosen.sum()), bool(in_audience[chosen].mean() > 0.5)
    (20, True)
    """

    def __init__(self, estimator: Any = None, n_folds: int = 5, random_state: int = 0):
        self.estimator = estimator
        self.n_folds = n_folds
        self.random_state = random_state

    def fit(self, X: Any, is_seed: Any) -> LookalikeExpander:
        """Learn the seed against the rest and score every customer."""
        n = n_customers(X)
        seed = vector(is_seed, "is_seed", n, what="one per customer")
        if not np.isin(seed, (0.0, 1.0)).all():
            raise ValueError("is_seed must be True/False (or 1/0) for every customer")
        seed = seed.astype(bool)
        if isinstance(self.n_folds, bool) or not isinstance(self.n_folds, int) or self.n_folds < 2:
            raise ValueError(f"n_folds must be an integer of at least 2, got {self.n_folds!r}")
        if min(seed.sum(), (~seed).sum()) < self.n_folds:
            raise ValueError(
                f"the seed has {seed.sum()} customers and the rest {(~seed).sum()}; "
                f"each needs at least n_folds={self.n_folds}"
            )
        base = LogisticRegression(max_iter=1000) if self.estimator is None else self.estimator
        if not is_classifier(base):
            raise TypeError("estimator must be a classifier")
        folds = StratifiedKFold(self.n_folds, shuffle=True, random_state=self.random_state)
        self.scores_ = cross_val_predict(clone(base), X, seed, cv=folds,
                                         method="predict_proba")[:, 1]
        self.estimator_ = clone(base).fit(X, seed)
        self.is_seed_ = seed
        return self

    def expand(self, size: int) -> np.ndarray:
        """The ``size`` non-seed customers who most resemble the seed.

        Returns a boolean mask over the training customers (seed excluded).
        """
        check_is_fitted(self, "scores_")
        candidates = int((~self.is_seed_).sum())
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or not (
            1 <= size <= candidates
        ):
            raise ValueError(f"size must be an integer from 1 to {candidates} "
                             f"(the customers outside the seed), got {size!r}")
        score = np.where(self.is_seed_, -np.inf, self.scores_)
        chosen = np.zeros(score.size, dtype=bool)
        chosen[np.argsort(-score, kind="stable")[:size]] = True
        return chosen

    def predict_proba(self, X: Any) -> np.ndarray:
        """Resemblance score of new customers (model fitted on everyone)."""
        check_is_fitted(self, "estimator_")
        n_customers(X)
        return self.estimator_.predict_proba(X)[:, 1]


# --------------------------------------------------------------------------
# budget


def choose_targets(
    score: Any, budget: float, *, cost: Any = 1.0, only_positive: bool = True
) -> np.ndarray:
    """Customers to contact: the best score per unit cost, within a budget.

    Customers are taken in decreasing order of ``score / cost`` while the
    running cost stays within ``budget`` (the greedy rule; with equal costs
    it is simply the top ``budget / cost`` scores).

    Parameters
    ----------
    score : array-like of shape (n,)
        Predicted value of contacting each customer (an uplift, or uplift
        times the value of an outcome).
    budget : float
        Total that may be spent; with ``cost=1`` the number of contacts.
    cost : float or array-like of shape (n,), default 1.0
        Cost of contacting each customer; must be positive.
    only_positive : bool, default True
        Skip customers whose score is not positive, even if budget is left.

    Returns
    -------
    ndarray of bool, shape (n,)

    Examples
    --------
    >>> choose_targets([0.3, 0.2, 0.15], budget=2.0, cost=[3.0, 1.0, 1.0]).tolist()
    [False, True, True]
    """
    score = vector(score, "score", what="one per customer")
    cost = np.broadcast_to(np.asarray(cost, dtype=float), score.shape) if np.ndim(cost) == 0 \
        else vector(cost, "cost", score.size, what="one per customer")
    if not (np.isfinite(cost).all() and (cost > 0).all()):
        raise ValueError("cost must be positive and finite for every customer")
    if not np.isfinite(budget) or budget < 0:
        raise ValueError(f"budget must be a non-negative number, got {budget!r}")
    order = np.argsort(-score / cost, kind="stable")
    affordable = np.cumsum(cost[order]) <= budget * (1 + 1e-12)
    if only_positive:
        affordable &= score[order] > 0
    chosen = np.zeros(score.size, dtype=bool)
    chosen[order[affordable]] = True
    return chosen


# --------------------------------------------------------------------------
# value of a policy, with uncertainty


def _policy_masks(policies: Mapping[str, Any], n: int) -> tuple[list[str], np.ndarray]:
    if not isinstance(policies, Mapping) or not policies:
        raise ValueError("policies must be a non-empty mapping {name: targeted mask}")
    names, masks = [], []
    for name, targeted in policies.items():
        mask = vector(targeted, f"policy {name!r}", n, what="one per customer")
        if not np.isin(mask, (0.0, 1.0)).all():
            raise ValueError(f"policy {name!r} must be a True/False mask over the customers")
        names.append(str(name))
        masks.append(mask)
    return names, np.column_stack(masks)


def _values(sums: np.ndarray) -> np.ndarray:
    """Incremental value from the four sums per policy (last axis)."""
    treated_y, treated, control_y, control = np.split(sums, 4, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        lift = treated_y / treated - control_y / control
        value = (treated + control) * lift
    return np.where(treated + control == 0, 0.0, value)


def compare_policies(
    outcome: Any,
    treatment: Any,
    policies: Mapping[str, Any],
    *,
    n_resamples: int = 1000,
    confidence: float = 0.9,
    random_state: int = 0,
) -> pd.DataFrame:
    """Incremental outcomes of targeting policies, estimated from a test.

    For a policy that contacts the customers in its mask, the estimate is
    the number targeted times the difference between the mean outcome of
    treated and of control customers inside the mask: the extra outcomes
    over contacting nobody, for the customers of the test. Uncertainty
    comes from a Poisson bootstrap of the customers (each customer gets a
    Poisson(1) weight in each replicate); the same replicates serve every
    policy, so ``p_best``, the share of replicates in which a policy has
    the highest value, compares them fairly. The models that made the
    masks are held fixed: the intervals cover the evaluation, not the
    training.

    Parameters
    ----------
    outcome : array-like of shape (n,)
        Observed outcome: 0/1 (visit) or an amount (spend).
    treatment : array-like of shape (n,)
        1 treated, 0 control, assigned at random.
    policies : mapping of str to boolean array of shape (n,)
        Which customers each policy would contact.
    n_resamples : int, default 1000
        Bootstrap replicates.
    confidence : float, default 0.9
        Coverage of the percentile interval ``lower``-``upper``.
    random_state : int, default 0

    Returns
    -------
    pandas.DataFrame
        Indexed by policy: ``targeted``, ``estimate``, ``std_error``,
        ``lower``, ``upper``, ``p_best``.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> treatment = rng.integers(0, 2, 2000)
    >>> responsive = np.arange(2000) < 1000
    >>> outcome = rng.random(2000) < 0.1 + 0.2 * treatment * responsive
    >>> table = compare_policies(outcome, treatment,
    ...                          {"responsive": responsive, "others": ~responsive},
    ...                          n_resamples=200)
    >>> table["p_best"].tolist()
    [1.0, 0.0]
    """
    y = vector(outcome, "outcome", what="one per customer")
    t = treatment_vector(treatment, y.size)
    names, masks = _policy_masks(policies, y.size)
    n_resamples = positive_int(n_resamples, "n_resamples", minimum=2)
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie between 0 and 1, got {confidence!r}")
    columns = np.hstack([(y * t)[:, None] * masks, t[:, None] * masks,
                         (y * (1 - t))[:, None] * masks, (1 - t)[:, None] * masks])
    point = _values(columns.sum(axis=0))
    unestimable = [name for name, mask, value in zip(names, masks.T, point)
                   if mask.any() and not np.isfinite(value)]
    if unestimable:
        raise ValueError(f"policy {unestimable[0]!r} targets customers of only one group "
                         "(treated or control); its effect cannot be estimated")
    rng = np.random.default_rng(random_state)
    draws = []
    for start in range(0, n_resamples, _BOOTSTRAP_CHUNK):
        size = min(_BOOTSTRAP_CHUNK, n_resamples - start)
        weights = rng.poisson(1.0, size=(size, y.size)).astype(float)
        draws.append(_values(weights @ columns))
    draws = np.vstack(draws)
    alpha = (1 - confidence) / 2
    best = np.nanargmax(np.where(np.isfinite(draws), draws, -np.inf), axis=1)
    return pd.DataFrame({
        "targeted": masks.sum(axis=0).astype(int),
        "estimate": point,
        "std_error": np.nanstd(draws, axis=0, ddof=1),
        "lower": np.nanquantile(draws, alpha, axis=0),
        "upper": np.nanquantile(draws, 1 - alpha, axis=0),
        "p_best": np.bincount(best, minlength=len(names)) / len(draws),
    }, index=pd.Index(names, name="policy"))
