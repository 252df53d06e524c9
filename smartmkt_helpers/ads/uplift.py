"""Uplift models and the curves that evaluate them.

A response model predicts who will act; an uplift model predicts whose
behaviour a treatment (an e-mail, a coupon, an advert) *changes*:

    uplift(x) = P(Y = 1 | x, treated) - P(Y = 1 | x, control).

Both models here wrap any scikit-learn estimator and need data from a
randomised test (treatment assigned at random, as in Hillstrom's e-mail
campaign):

- :class:`TwoModelUplift` fits one model on the treated customers and one
  on the control customers and subtracts their predictions; it works for
  classifiers (probabilities) and regressors (amounts such as spend).
- :class:`ClassTransformationUplift` (Jaskowski and Jaroszewicz, 2012)
  fits a single classifier to ``z = y t + (1 - y)(1 - t)``; with equal
  group sizes ``uplift = 2 P(z = 1 | x) - 1``. Unequal groups are
  reweighted to equal total weight, which keeps that identity.

An uplift model is judged by ranking: targeting the customers it ranks
first should bring more incremental outcomes than targeting at random.
:func:`qini_curve` (Radcliffe, 2007) and :func:`uplift_curve` estimate,
from a test's treated and control groups, the incremental outcomes of the
top ``k`` customers (the Qini curve among the treated ones, the uplift
curve scaled to all ``k``); :func:`qini_area` and :func:`uplift_area` give
the area between each curve and random targeting.

Examples
--------
>>> import numpy as np
>>> from sklearn.linear_model import LogisticRegression
>>> rng = np.random.default_rng(0)
>>> X = rng.normal(size=(4000, 2))
>>> treatment = rng.integers(0, 2, 4000)
>>> p = 0.2 + 0.15 * treatment * (X[:, 0] > 0)      # only x0 > 0 responds
>>> y = (rng.random(4000) < p).astype(int)
>>> model = TwoModelUplift(LogisticRegression()).fit(X, y, treatment)
>>> scores = model.predict(X)
>>> bool(scores[X[:, 0] > 0].mean() > scores[X[:, 0] <= 0].mean())
True
>>> bool(qini_area(y, scores, treatment) > 0)
True
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone, is_classifier
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from smartmkt_helpers._checks import vector

__all__ = [
    "ClassTransformationUplift",
    "TwoModelUplift",
    "qini_area",
    "qini_curve",
    "uplift_area",
    "uplift_curve",
]


# --------------------------------------------------------------------------
# input checks


# ``treatment_vector`` and ``n_customers`` are shared with ``targeting``;
# they are candidates for ``smartmkt_helpers._checks``.


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
    """Number of rows of ``X`` (2-D), or a clear error."""
    shape = getattr(X, "shape", None)
    if shape is None:
        X = np.asarray(X)
        shape = X.shape
    if len(shape) != 2:
        raise ValueError(f"X must be 2-D (customers x features), got shape {shape}")
    if shape[0] == 0:
        raise ValueError("X is empty: it has no customers")
    return int(shape[0])


def _rows(X: Any, mask: np.ndarray) -> Any:
    return X[mask] if not isinstance(X, pd.DataFrame) else X.loc[mask]


def _positive_score(model: Any, X: Any) -> np.ndarray:
    """P(y = 1) for a classifier, the prediction for a regressor."""
    if is_classifier(model):
        return model.predict_proba(X)[:, list(model.classes_).index(1)]
    return np.asarray(model.predict(X), dtype=float)


# --------------------------------------------------------------------------
# models


class TwoModelUplift(BaseEstimator):
    """Uplift as the difference of two outcome models (the "T-learner").

    Parameters
    ----------
    estimator : scikit-learn classifier or regressor, optional
        Cloned twice: one copy learns the outcome of treated customers, the
        other that of control customers. A classifier's probability of
        class 1 is used; a regressor's prediction (for amounts such as
        spend). Default: ``LogisticRegression(max_iter=1000)``.

    Attributes
    ----------
    model_treated_, model_control_ : fitted estimators
    treated_share_ : float
        Share of treated customers in the training data.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.repeat([[0.0], [1.0], [0.0], [1.0]], 100, axis=0)
    >>> treatment = np.repeat([1, 1, 0, 0], 100)
    >>> # treated with x = 0 visit 80% of the time, everyone else 20%
    >>> y = np.r_[np.arange(100) < 80, np.arange(300) % 100 < 20]
    >>> model = TwoModelUplift().fit(X, y, treatment)
    >>> np.round(model.predict(np.array([[0.0], [1.0]])), 1).tolist()
    [0.6, 0.0]
    """

    def __init__(self, estimator: Any = None):
        self.estimator = estimator

    def fit(self, X: Any, y: Any, treatment: Any) -> TwoModelUplift:
        """Fit the treated and control models on a randomised test's data."""
        n = n_customers(X)
        y = _as_vector(y, "y", n)
        treated = treatment_vector(treatment, n) == 1
        base = LogisticRegression(max_iter=1000) if self.estimator is None else self.estimator
        if is_classifier(base) and not np.isin(y, (0.0, 1.0)).all():
            raise ValueError("y must be 0 or 1 when estimator is a classifier; "
                             "use a regressor for amounts")
        for group, mask in (("treated", treated), ("control", ~treated)):
            if is_classifier(base) and np.unique(y[mask]).size < 2:
                raise ValueError(f"y has a single class among {group} customers; "
                                 "a classifier needs both")
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
    """Uplift from one classifier on a transformed label (binary outcomes).

    With ``z = 1`` for treated responders and for control non-responders,
    and treatment assigned at random with probability 1/2,
    ``P(z = 1 | x) = (1 + uplift(x)) / 2``, so
    ``uplift(x) = 2 P(z = 1 | x) - 1`` (Jaskowski and Jaroszewicz, 2012).
    When the groups differ in size, each is weighted to half the total
    weight (passed as ``sample_weight``), which restores the identity.

    Parameters
    ----------
    estimator : scikit-learn classifier, optional
        Learns ``z``; must accept ``sample_weight`` in ``fit``.
        Default: ``LogisticRegression(max_iter=1000)``.

    Attributes
    ----------
    estimator_ : fitted classifier of ``z``
    treated_share_ : float

    Examples
    --------
    >>> import numpy as np
    >>> X = np.repeat([[0.0], [1.0], [0.0], [1.0]], 100, axis=0)
    >>> treatment = np.repeat([1, 1, 0, 0], 100)
    >>> y = np.r_[np.arange(100) < 80, np.arange(300) % 100 < 20]
    >>> model = ClassTransformationUplift().fit(X, y, treatment)
    >>> np.round(model.predict(np.array([[0.0], [1.0]])), 1).tolist()
    [0.6, 0.0]
    """

    def __init__(self, estimator: Any = None):
        self.estimator = estimator

    def fit(self, X: Any, y: Any, treatment: Any) -> ClassTransformationUplift:
        """Fit the classifier of the transformed label ``z``."""
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


# --------------------------------------------------------------------------
# curves


def _cumulative(y_true: Any, uplift: Any, treatment: Any) -> pd.DataFrame:
    """Cumulative counts after sorting by predicted uplift, ties kept together."""
    y = _as_vector(y_true, "y_true")
    score = _as_vector(uplift, "uplift", y.size)
    t = treatment_vector(treatment, y.size)
    order = np.argsort(-score, kind="stable")
    y, t, score = y[order], t[order], score[order]
    # a tie group is targeted all or nothing: keep the last row of each group
    last = np.r_[np.flatnonzero(np.diff(score) != 0), score.size - 1]
    table = pd.DataFrame({
        "customers": last + 1,
        "treated": np.cumsum(t)[last],
        "control": np.cumsum(1 - t)[last],
        "treated_outcome": np.cumsum(y * t)[last],
        "control_outcome": np.cumsum(y * (1 - t))[last],
    })
    start = pd.DataFrame(0.0, index=[0], columns=table.columns)
    return pd.concat([start, table], ignore_index=True).astype(float)


def _with_random(table: pd.DataFrame, incremental: np.ndarray) -> pd.DataFrame:
    total = table["customers"].iloc[-1]
    fraction = table["customers"].to_numpy() / total
    return pd.DataFrame({
        "customers": table["customers"].astype(int),
        "fraction": fraction,
        "incremental": incremental,
        "random": fraction * incremental[-1],
    })


def qini_curve(y_true: Any, uplift: Any, treatment: Any) -> pd.DataFrame:
    """Radcliffe's Qini curve: incremental outcomes of targeting the top k.

    Customers are sorted by predicted uplift (highest first; tied scores
    enter together). After the top ``k``, with ``Y_T, N_T`` the outcomes
    and count of treated customers among them and ``Y_C, N_C`` those of
    control customers, the curve is ``Y_T - Y_C N_T / N_C``: the treated
    outcomes minus what the same number of control customers produced,
    that is the extra outcomes of the treated customers among the top ``k``.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        Observed outcome (0/1 or an amount such as spend).
    uplift : array-like of shape (n,)
        Predicted uplift, or any score to rank by.
    treatment : array-like of shape (n,)
        1 for treated, 0 for control customers (random assignment).

    Returns
    -------
    pandas.DataFrame
        One row per cut-off, starting at 0 customers: ``customers``,
        ``fraction`` (of all customers), ``incremental`` (the Qini value)
        and ``random`` (the straight line of random targeting).

    Examples
    --------
    >>> y, score, treatment = [1, 0, 0, 0], [0.9, 0.8, 0.2, 0.1], [1, 0, 1, 0]
    >>> qini_curve(y, score, treatment)["incremental"].tolist()
    [0.0, 1.0, 1.0, 1.0, 1.0]
    """
    table = _cumulative(y_true, uplift, treatment)
    ratio = np.divide(table["treated"], table["control"],
                      out=np.zeros(len(table)), where=table["control"].to_numpy() > 0)
    incremental = (table["treated_outcome"] - table["control_outcome"] * ratio).to_numpy()
    return _with_random(table, incremental)


def uplift_curve(y_true: Any, uplift: Any, treatment: Any) -> pd.DataFrame:
    """Uplift curve: difference in mean outcome within the top k, times k.

    After the top ``k`` customers, ``(Y_T / N_T - Y_C / N_C) k``: the
    estimated incremental outcomes if all ``k`` were treated (0 while one
    group is still empty). Same arguments and columns as
    :func:`qini_curve`. The Qini curve counts the extra outcomes of the
    treated customers among the top ``k`` only, so with treated and
    control groups of equal size the uplift curve is about twice as high.

    Examples
    --------
    >>> y, score, treatment = [1, 0, 0, 0], [0.9, 0.8, 0.2, 0.1], [1, 0, 1, 0]
    >>> uplift_curve(y, score, treatment)["incremental"].tolist()
    [0.0, 0.0, 2.0, 1.5, 2.0]
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
    """Area between the Qini curve and random targeting.

    Both axes are scaled to the number of customers: the horizontal axis
    is the fraction targeted, the vertical the incremental outcomes per
    customer. Positive when the ranking beats random targeting, about 0
    for a useless one, negative for one that ranks backwards. Same
    arguments as :func:`qini_curve`.

    Examples
    --------
    >>> qini_area([1, 0, 0, 0], [0.9, 0.8, 0.2, 0.1], [1, 0, 1, 0])
    0.09375
    """
    return _area(qini_curve(y_true, uplift, treatment))


def uplift_area(y_true: Any, uplift: Any, treatment: Any) -> float:
    """Area between the uplift curve and random targeting, scaled as in
    :func:`qini_area`.

    Examples
    --------
    >>> uplift_area([1, 0, 0, 0], [0.9, 0.8, 0.2, 0.1], [1, 0, 1, 0])
    0.03125
    """
    return _area(uplift_curve(y_true, uplift, treatment))
