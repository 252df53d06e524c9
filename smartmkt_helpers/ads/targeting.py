"""Whom to reach: lookalike audiences and targeting under a budget.

:class:`LookalikeExpander` ranks customers by resemblance to a seed audience;
:func:`choose_targets` spends a budget on the best score per unit cost;
:func:`compare_policies` estimates, from a randomised test, the extra outcomes
of each targeting policy over contacting nobody, with bootstrap intervals.

>>> choose_targets([0.05, -0.02, 0.10, 0.01], budget=2).tolist()
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


class LookalikeExpander(BaseEstimator):
    """Rank customers by how much they resemble a seed audience.

    A classifier (default ``LogisticRegression(max_iter=1000)``) learns seed
    against the rest, so its probability is a resemblance score, not a
    membership probability. ``scores_`` are out of fold (``n_folds``): no
    customer is scored by a model that saw them labelled "not seed";
    ``estimator_``, fitted on everyone, scores new customers.
    """

    def __init__(self, estimator: Any = None, n_folds: int = 5, random_state: int = 0):
        self.estimator = estimator
        self.n_folds = n_folds
        self.random_state = random_state

    def fit(self, X: Any, is_seed: Any) -> LookalikeExpander:
        n = n_customers(X)
        seed = vector(is_seed, "is_seed", n, what="one per customer")
        if not np.isin(seed, (0.0, 1.0)).all():
            raise ValueError("is_seed must be True/False (or 1/0) for every customer")
        seed = seed.astype(bool)
        if isinstance(self.n_folds, bool) or not isinstance(self.n_folds, int) or self.n_folds < 2:
            raise ValueError(f"n_folds must be an integer of at least 2, got {self.n_folds!r}")
        if min(seed.sum(), (~seed).sum()) < self.n_folds:
            raise ValueError(f"the seed has {seed.sum()} customers and the rest {(~seed).sum()}; "
                             f"each needs at least n_folds={self.n_folds}")
        base = LogisticRegression(max_iter=1000) if self.estimator is None else self.estimator
        if not is_classifier(base):
            raise TypeError("estimator must be a classifier")
        folds = StratifiedKFold(self.n_folds, shuffle=True, random_state=self.random_state)
        self.scores_ = cross_val_predict(clone(base), X, seed, cv=folds, method="predict_proba")[:, 1]
        self.estimator_ = clone(base).fit(X, seed)
        self.is_seed_ = seed
        return self

    def expand(self, size: int) -> np.ndarray:
        """Boolean mask of the ``size`` non-seed training customers who most resemble the seed."""
        check_is_fitted(self, "scores_")
        candidates = int((~self.is_seed_).sum())
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or not 1 <= size <= candidates:
            raise ValueError(f"size must be an integer from 1 to {candidates} (outside the seed), got {size!r}")
        score = np.where(self.is_seed_, -np.inf, self.scores_)
        chosen = np.zeros(score.size, dtype=bool)
        chosen[np.argsort(-score, kind="stable")[:size]] = True
        return chosen

    def predict_proba(self, X: Any) -> np.ndarray:
        """Resemblance score of new customers (model fitted on everyone)."""
        check_is_fitted(self, "estimator_")
        n_customers(X)
        return self.estimator_.predict_proba(X)[:, 1]


def choose_targets(score: Any, budget: float, *, cost: Any = 1.0, only_positive: bool = True) -> np.ndarray:
    """Boolean mask of customers to contact: the best ``score / cost`` first, within the budget.

    ``score`` is the predicted value of a contact (an uplift); ``cost`` is
    positive, one number or one per customer. With ``only_positive``,
    customers whose score is not positive are skipped even if budget is left.
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


def compare_policies(outcome: Any, treatment: Any, policies: Mapping[str, Any], *, n_resamples: int = 1000,
                     confidence: float = 0.9, random_state: int = 0) -> pd.DataFrame:
    """Incremental outcomes of targeting policies (masks of whom each contacts), from a test.

    A policy's estimate is the number it targets times the difference of mean
    outcome between treated and control customers inside its mask. Intervals
    come from a Poisson bootstrap of the customers, shared by all policies, so
    ``p_best`` (share of replicates where a policy is best) compares them fairly;
    the masks are held fixed. Columns: ``targeted``, ``estimate``,
    ``std_error``, ``lower``, ``upper``, ``p_best``.
    """
    y = vector(outcome, "outcome", what="one per customer")
    t = treatment_vector(treatment, y.size)
    names, masks = _policy_masks(policies, y.size)
    n_resamples = positive_int(n_resamples, "n_resamples", minimum=2)
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie between 0 and 1, got {confidence!r}")
    columns = np.hstack([part[:, None] * masks for part in (y * t, t, y * (1 - t), 1 - t)])
    point = _values(columns.sum(axis=0))
    unestimable = [name for name, mask, value in zip(names, masks.T, point) if mask.any() and not np.isfinite(value)]
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
    return pd.DataFrame({"targeted": masks.sum(axis=0).astype(int), "estimate": point,
                         "std_error": np.nanstd(draws, axis=0, ddof=1), "lower": np.nanquantile(draws, alpha, axis=0),
                         "upper": np.nanquantile(draws, 1 - alpha, axis=0),
                         "p_best": np.bincount(best, minlength=len(names)) / len(draws)},
                        index=pd.Index(names, name="policy"))
