"""Self-checks for chapter 5: audience targeting."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from smartmkt_helpers.ads.targeting import LookalikeExpander, choose_targets
from smartmkt_helpers.exercises import register
from smartmkt_helpers.exercises.checking import CheckResult, check_answer

_TARGET_SEGMENT = "loyal regulars"
_AUDIENCE_SIZE = 500
_SEED_SIZE = 300
#: The last expected answer of exercise 5.1, so that checking twice does not refit.
_EXPANSIONS: dict[tuple, float] = {}


@register("5.1")
def _top_spender_precision(answer: Any, *, features: pd.DataFrame, revenue: pd.Series,
                           true_segment: pd.Series) -> CheckResult:
    if answer is None:  # the expansion takes a moment: skip it until answered
        return check_answer(None, 0.0, name="top_spender_precision")
    seed = (revenue.rank(ascending=False, method="first") <= _SEED_SIZE).to_numpy()
    is_target = (true_segment == _TARGET_SEGMENT).to_numpy()
    key = (id(features), features.shape, float(revenue.sum()), int(is_target.sum()))
    if key not in _EXPANSIONS:
        classifier = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
        audience = LookalikeExpander(classifier, random_state=0).fit(features, seed) \
            .expand(_AUDIENCE_SIZE)
        _EXPANSIONS.clear()
        _EXPANSIONS[key] = float(is_target[audience].mean())
    return check_answer(
        answer, _EXPANSIONS[key], name="top_spender_precision", mistakes={
            "That is the share of loyal regulars in the seed itself. Measure the expanded audience: the "
            "customers expand() returns, who are all outside the seed.": float(is_target[seed].mean())})


def _cumulative_top(y_true: Any, treatment: Any, score: Any, share: float):
    y, t = np.asarray(y_true, dtype=float), np.asarray(treatment, dtype=float)
    top = np.argsort(-np.asarray(score, dtype=float), kind="stable")[: int(share * len(y))]
    treated, control = t[top] == 1, t[top] == 0
    return y[top][treated].sum(), treated.sum(), y[top][control].sum(), control.sum()


@register("5.2")
def _qini_at_30(answer: Any, *, y_true: Any, treatment: Any, score: Any) -> CheckResult:
    visits_t, n_t, visits_c, n_c = _cumulative_top(y_true, treatment, score, 0.3)
    return check_answer(
        answer, float(visits_t - visits_c * n_t / n_c), name="qini_at_30", mistakes={
            "You subtracted the control visits as they are. Scale them by N_T / N_C, as if the control group "
            "were as large as the e-mailed group.": float(visits_t - visits_c),
            "That is the uplift curve's value (difference in visit rates times k). The Qini value scales the "
            "control visits by N_T / N_C instead.": float((visits_t / n_t - visits_c / n_c) * (n_t + n_c))})


def _incremental(y: np.ndarray, t: np.ndarray, mask: np.ndarray) -> float:
    treated, control = mask & (t == 1), mask & (t == 0)
    return float(mask.sum() * (y[treated].mean() - y[control].mean()))


@register("5.3")
def _positive_uplift_visits(answer: Any, *, y_true: Any, treatment: Any, uplift: Any) -> CheckResult:
    y, t = np.asarray(y_true, dtype=float), np.asarray(treatment, dtype=float)
    positive = choose_targets(uplift, budget=len(y))
    return check_answer(
        answer, _incremental(y, t, positive), name="positive_uplift_visits", mistakes={
            "That is the value of e-mailing everyone. Keep only the customers whose predicted uplift is "
            "above zero.": _incremental(y, t, np.ones(len(y), dtype=bool))})
