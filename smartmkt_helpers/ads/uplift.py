"""Uplift models and the curves that evaluate them.

An uplift model predicts whose behaviour a treatment changes,
``uplift(x) = P(Y = 1 | x, treated) - P(Y = 1 | x, control)``, from a
randomised test: :class:`TwoModelUplift` subtracts two outcome models;
:class:`ClassTransformationUplift` (Jaskowski and Jaroszewicz, 2012) fits one
classifier to ``z = y t + (1 - y)(1 - t)`` and uses ``uplift = 2 P(z = 1 | x) - 1``.
:func:`qini_curve` (Radcliffe, 2007) and :func:`uplift_curve` estimate the
incremental outcomes of targeting the top ``k``; the areas compare them with random targeting.

>>> y, score, treatment = [1, 0, 0, 0], [0.9, 0.8, 0.2, 0.1], [1, 0, 1, 0]
>>> qini_curve(y, score, treatment)["incremental"].tolist(), qini_area(y, score, treatment)
([0.0, 1.0, 1.0, 1.0, 1.0], 0.09375)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone, is_classifier
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from smartmkt_helpers._checks import vector

__all__ = ["ClassTransformationUplift", "TwoModelUplift", "qini_area", "qini_curve", "uplift_area", "uplift_curve"]


def _as_vector(values: Any, name: str, length: int | None = None) -> np.ndarray:
    return vector(values, name, length, what="one per customer")


def treatment_vector(treatment: Any, length: int) -> np.ndarray:
    """``treatment`` as a 0/1 float array with both groups present, or a clear error."""
    array = _as_vector(treatment, "treatment", length)
    if not np.isin(array, (0.0, 1.0)).all():
        raise ValueError("treatment must be 0 (control) or 1 (treated) for every customer")
    if array.min() == array.max():
        group = "treated" if array[0] == 1 else "control"
        raise ValueError(f"treatment has only {group} customers; both groups are needed")
    return array


def n_customers(X: Any) -> int:
    shape = getattr(X, "shape", None) or np.shape(X)
    if len(shape) != 2:
        raise ValueError(f"X must be 2-D (customers x features), got shape {shape}")
    if shape[0] == 0:
        raise ValueError("X is empty: it has no customers")
    return int(shape[0])


def _rows(X: Any, mask: np.ndarray) -> Any:
    return X[mask] if not isinstance(X, pd.DataFrame) else X.loc[mask]


def _positive_score(model: Any, X: Any) -> np.ndarray:
    if is_classifier(model):
        return model.predict_proba(X)[:, list(model.classes_).index(1)]
    return np.asarray(model.predict(X), dtype=float)


class TwoModelUplift(BaseEstimator):
    """Uplift as the difference of two outcome models (the "T-learner").

    ``estimator`` (default ``LogisticRegression(max_iter=1000)``) is cloned
    for treated and control customers; a classifier's probability of class 1
    is used, a regressor's prediction for amounts such as spend.
    """

    def __init__(self, estimator: Any = None):
        self.estimator = estimator

    def fit(self, X: Any, y: Any, treatment: Any) -> TwoModelUplift:
        n = n_customers(X)
        y = _as_vector(y, "y", n)
        treated = treatment_vector(treatment, n) == 1
        base = LogisticRegression(max_iter=1000) if self.estimator is None else self.estimator
        if is_classifier(base) and not np.isin(y, (0.0, 1.0)).all():
            raise ValueError("y must be 0 or 1 when estimator is a classifier; use a regressor for amounts")
        for group, mask in (("treated", treated), ("control", ~treated)):
            if is_classifier(base) and np.unique(y[mask]).size < 2:
                raise ValueError(f"y has a single class among {group} customers; a classifier needs both")
        self.model_treated_ = clone(base).fit(_rows(X, treated), y[treated])
        self.model_control_ = clone(base).fit(_rows(X, ~treated), y[~treated])
        self.treated_share_ = float(treated.mean())
        return self

    def predict_outcomes(self, X: Any) -> tuple[np.ndarray, np.ndarray]:
        """Predicted outcome if treated and if not: ``(treated, control)``."""
        check_is_fitted(self, "model_treated_")
        n_customers(X)
        return _positive_score(self.model_treated_, X), _positive_score(self.model_control_, X)

    def predict(self, X: Any) -> np.ndarray:
        """Predicted uplift: treated outcome minus control outcome."""
        treated, control = self.predict_outcomes(X)
        return treated - control


class ClassTransformationUplift(BaseEstimator):
    """Uplift from one classifier of a transformed label, for binary outcomes.

    With ``z = 1`` for treated responders and control non-responders and
    groups of equal size, ``uplift(x) = 2 P(z = 1 | x) - 1``; unequal groups
    are weighted to half the total weight each, so ``estimator`` must accept
    ``sample_weight``.
    """

    def __init__(self, estimator: Any = None):
        self.estimator = estimator

    def fit(self, X: Any, y: Any, treatment: Any) -> ClassTransformationUplift:
        n = n_customers(X)
        y = _as_vector(y, "y", n)
        if not np.isin(y, (0.0, 1.0)).all():
            raise ValueError("y must be 0 or 1: class transformation needs a binary outcome")
        t = treatment_vector(treatment, n)
        base = LogisticRegression(max_iter=1000) if self.estimator is None else self.estimator
        if not is_classifier(base):
            raise TypeError("estimator must be a classifier (it learns the label z)")
        z = (y * t + (1 - y) * (1 - t)).astype(int)
        if np.unique(z).size < 2:
            raise ValueError("the transformed label z has a single class; nothing to learn")
        share = float(t.mean())
        weight = np.where(t == 1, 0.5 / share, 0.5 / (1 - share))
        self.estimator_ = clone(base).fit(X, z, sample_weight=weight)
        self.treated_share_ = share
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Predicted uplift ``2 P(z = 1 | x) - 1``."""
        check_is_fitted(self, "estimator_")
        n_customers(X)
        return 2.0 * _positive_score(self.estimator_, X) - 1.0


def _cumulative(y_true: Any, uplift: Any, treatment: Any) -> pd.DataFrame:
    y = _as_vector(y_true, "y_true")
    score = _as_vector(uplift, "uplift", y.size)
    t = treatment_vector(treatment, y.size)
    order = np.argsort(-score, kind="stable")
    y, t, score = y[order], t[order], score[order]
    # a tie group is targeted all or nothing: keep the last row of each group
    last = np.r_[np.flatnonzero(np.diff(score) != 0), score.size - 1]
    table = pd.DataFrame({"customers": last + 1, "treated": np.cumsum(t)[last], "control": np.cumsum(1 - t)[last],
                          "treated_outcome": np.cumsum(y * t)[last], "control_outcome": np.cumsum(y * (1 - t))[last]})
    start = pd.DataFrame(0.0, index=[0], columns=table.columns)
    return pd.concat([start, table], ignore_index=True).astype(float)


def _with_random(table: pd.DataFrame, incremental: np.ndarray) -> pd.DataFrame:
    total = table["customers"].iloc[-1]
    fraction = table["customers"].to_numpy() / total
    return pd.DataFrame({"customers": table["customers"].astype(int), "fraction": fraction,
                         "incremental": incremental, "random": fraction * incremental[-1]})


def qini_curve(y_true: Any, uplift: Any, treatment: Any) -> pd.DataFrame:
    """Radcliffe's Qini curve: incremental outcomes of targeting the top ``k``.

    Customers are sorted by ``uplift`` (tied scores enter together). Among
    the top ``k``, with treated outcomes and count ``Y_T, N_T`` and control
    ones ``Y_C, N_C``, the curve is ``Y_T - Y_C N_T / N_C``. One row per
    cut-off from 0: ``customers``, ``fraction``, ``incremental``, ``random``.
    """
    table = _cumulative(y_true, uplift, treatment)
    control = table["control"].to_numpy()
    ratio = np.divide(table["treated"].to_numpy(), control, out=np.zeros(len(table)), where=control > 0)
    incremental = (table["treated_outcome"] - table["control_outcome"] * ratio).to_numpy()
    return _with_random(table, incremental)


def uplift_curve(y_true: Any, uplift: Any, treatment: Any) -> pd.DataFrame:
    """Uplift curve: ``(Y_T / N_T - Y_C / N_C) k`` within the top ``k`` (0 while a group is empty).

    As :func:`qini_curve`, but scaled to all ``k`` customers, so with equal
    groups it is about twice as high.
    """
    table = _cumulative(y_true, uplift, treatment)
    both = (table["treated"] > 0) & (table["control"] > 0)
    treated_mean = table["treated_outcome"] / table["treated"].where(both)
    control_mean = table["control_outcome"] / table["control"].where(both)
    incremental = ((treated_mean - control_mean) * table["customers"]).fillna(0.0)
    return _with_random(table, incremental.to_numpy())


def _area(curve: pd.DataFrame) -> float:
    gap = (curve["incremental"] - curve["random"]).to_numpy() / curve["customers"].iloc[-1]
    return float(np.trapezoid(gap, curve["fraction"].to_numpy()))


def qini_area(y_true: Any, uplift: Any, treatment: Any) -> float:
    """Area between the Qini curve and random targeting, both axes per customer.

    Positive when the ranking beats random targeting, negative when it ranks backwards.
    """
    return _area(qini_curve(y_true, uplift, treatment))


def uplift_area(y_true: Any, uplift: Any, treatment: Any) -> float:
    """Area between the uplift curve and random targeting, scaled as :func:`qini_area`."""
    return _area(uplift_curve(y_true, uplift, treatment))
