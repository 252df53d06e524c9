"""Self-checks for chapter 0: getting started."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from smartmkt_helpers.exercises import register, require_columns
from smartmkt_helpers.exercises.checking import INCORRECT, CheckResult, check_answer


@register("0.1")
def _ctr_by_creative(answer: Any, *, ad_log: pd.DataFrame) -> CheckResult:
    require_columns(ad_log, ["creative", "impressions", "clicks"], "ad_log")
    totals = ad_log.groupby("creative")[["clicks", "impressions"]].sum()
    expected = totals["clicks"] / totals["impressions"]
    mean_of_daily_rates = (ad_log["clicks"] / ad_log["impressions"]).groupby(ad_log["creative"]).mean()
    return check_answer(
        answer, expected, name="ctr_by_creative", mistakes={
            "You averaged the daily rates, so a quiet day counts as much as a busy one. Add up clicks and "
            "impressions per creative first, then divide.": mean_of_daily_rates})


@register("0.2")
def _baseline_log_loss(answer: Any, *, clicks: np.ndarray,
                       train_clicks: np.ndarray | None = None) -> CheckResult:
    """Log loss on ``clicks`` of predicting the click-through rate of ``train_clicks``.

    Without ``train_clicks`` the rate comes from ``clicks`` themselves.
    """
    clicks = _click_array(clicks, "clicks")
    rate = clicks.mean() if train_clicks is None else _click_array(train_clicks, "train_clicks").mean()
    expected = _constant_log_loss(clicks, rate)
    mistakes = {
        "That is the log loss in bits (log base 2). Keras and scikit-learn use the natural logarithm: use "
        "np.log.": expected / np.log(2),
        "That is the log loss with log base 10. Keras and scikit-learn use the natural logarithm: use "
        "np.log.": expected / np.log(10),
        "That is the click-through rate itself. The log loss averages -[y log p + (1 - y) log(1 - p)] over "
        "impressions, with p the rate.": rate}
    if train_clicks is not None:
        train = _click_array(train_clicks, "train_clicks")
        mistakes[
            "That is the baseline's loss on the training impressions. Score it on the held-out impressions, "
            "with the rate of the training ones."] = _constant_log_loss(train, rate)
    return check_answer(answer, expected, name="baseline_log_loss", mistakes=mistakes)


def _click_array(clicks: np.ndarray, name: str) -> np.ndarray:
    clicks = np.asarray(clicks, dtype=float)
    if clicks.ndim != 1 or clicks.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {clicks.shape}")
    return clicks


def _constant_log_loss(clicks: np.ndarray, rate: float) -> float:
    return float(-(clicks * np.log(rate) + (1 - clicks) * np.log(1 - rate)).mean())


@register("0.3")
def _strongest_positive_feature(answer: Any, *, weights: pd.Series) -> CheckResult:
    if not isinstance(weights, pd.Series) or weights.empty:
        raise ValueError("weights must be a non-empty pandas Series indexed by feature name")
    expected = str(weights.idxmax())
    largest_magnitude = str(weights.abs().idxmax())
    mistakes = {}
    if largest_magnitude != expected:
        mistakes[
            f"{largest_magnitude!r} has the largest weight in size, but its weight is negative: it lowers "
            "the click probability. Look for the largest positive weight."] = largest_magnitude
    if isinstance(answer, str) and answer not in weights.index:
        return CheckResult(
            INCORRECT, f"{answer!r} is not one of the features: {', '.join(map(str, weights.index))}.")
    return check_answer(answer, expected, name="strongest_feature", mistakes=mistakes)
