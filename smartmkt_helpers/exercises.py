"""Exercise self-checks, by exercise number.

Each chapter's exercises register a checker here. A checker receives the
learner's answer and the chapter objects the answer was computed from, works
out the expected value itself (so the notebook does not print it), and
returns a :class:`~smartmkt_helpers.workshop.CheckResult` that names the
mistake when it recognises one.

Examples
--------
>>> import pandas as pd
>>> ad_log = pd.DataFrame({"creative": ["A", "A"], "impressions": [100, 300],
...                        "clicks": [10, 15]})
>>> check_exercise("0.1", pd.Series({"A": 0.0625}), ad_log=ad_log)
Correct: ctr_by_creative matches.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from smartmkt_helpers.workshop import INCORRECT, CheckResult, check_answer

Checker = Callable[..., CheckResult]
_CHECKERS: dict[str, Checker] = {}


def register(exercise_id: str) -> Callable[[Checker], Checker]:
    """Decorator: register ``checker`` as the self-check of ``exercise_id``."""

    def decorate(checker: Checker) -> Checker:
        if exercise_id in _CHECKERS:
            raise ValueError(f"exercise {exercise_id!r} already has a checker")
        _CHECKERS[exercise_id] = checker
        return checker

    return decorate


def check_exercise(exercise_id: str, answer: Any, **context: Any) -> CheckResult:
    """Check the answer to exercise ``exercise_id`` (for example ``"0.1"``).

    ``context`` passes the objects the exercise works on, by the names the
    exercise uses.
    """
    try:
        checker = _CHECKERS[exercise_id]
    except KeyError:
        known = ", ".join(sorted(_CHECKERS))
        raise ValueError(f"no exercise {exercise_id!r}; exercises with checks: {known}") from None
    return checker(answer, **context)


def _require_columns(frame: pd.DataFrame, columns: list[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} is missing the column(s) {', '.join(missing)}")


# Chapter 0: getting started ------------------------------------------------


@register("0.1")
def _ctr_by_creative(answer: Any, *, ad_log: pd.DataFrame) -> CheckResult:
    _require_columns(ad_log, ["creative", "impressions", "clicks"], "ad_log")
    totals = ad_log.groupby("creative")[["clicks", "impressions"]].sum()
    expected = totals["clicks"] / totals["impressions"]
    mean_of_daily_rates = (ad_log["clicks"] / ad_log["impressions"]).groupby(ad_log["creative"]).mean()
    return check_answer(
        answer,
        expected,
        name="ctr_by_creative",
        mistakes={
            "You averaged the daily rates, so a quiet day counts as much as a busy one. "
            "Add up clicks and impressions per creative first, then divide.": mean_of_daily_rates,
        },
    )


@register("0.2")
def _baseline_log_loss(answer: Any, *, clicks: np.ndarray) -> CheckResult:
    clicks = np.asarray(clicks, dtype=float)
    if clicks.ndim != 1 or clicks.size == 0:
        raise ValueError(f"clicks must be a non-empty 1-D array, got shape {clicks.shape}")
    rate = clicks.mean()
    per_impression = clicks * np.log(rate) + (1 - clicks) * np.log(1 - rate)
    expected = -per_impression.mean()
    return check_answer(
        answer,
        expected,
        name="baseline_log_loss",
        mistakes={
            "That is the log loss in bits (log base 2). Keras and scikit-learn use the "
            "natural logarithm: use np.log.": expected / np.log(2),
            "That is the log loss with log base 10. Keras and scikit-learn use the "
            "natural logarithm: use np.log.": expected / np.log(10),
            "That is the click-through rate itself. The log loss averages "
            "-[y log p + (1 - y) log(1 - p)] over impressions, with p the rate.": rate,
        },
    )


@register("0.3")
def _strongest_positive_feature(answer: Any, *, weights: pd.Series) -> CheckResult:
    if not isinstance(weights, pd.Series) or weights.empty:
        raise ValueError("weights must be a non-empty pandas Series indexed by feature name")
    expected = str(weights.idxmax())
    largest_magnitude = str(weights.abs().idxmax())
    mistakes = {}
    if largest_magnitude != expected:
        mistakes[
            f"{largest_magnitude!r} has the largest weight in size, but its weight is negative: "
            "it lowers the click probability. Look for the largest positive weight."
        ] = largest_magnitude
    if isinstance(answer, str) and answer not in weights.index:
        return CheckResult(
            INCORRECT,
            f"{answer!r} is not one of the features: {', '.join(map(str, weights.index))}.",
        )
    return check_answer(answer, expected, name="strongest_feature", mistakes=mistakes)


# Chapter 1: background ---------------------------------------------------------

_FUNNEL = ("impression", "click", "view", "cart", "purchase")


@register("1.1")
def _funnel_step_rates(answer: Any, *, events: pd.DataFrame) -> CheckResult:
    _require_columns(events, ["event"], "events")
    counts = events["event"].astype(str).value_counts().reindex(list(_FUNNEL), fill_value=0)
    expected = (counts / counts.shift(1)).iloc[1:]
    of_impressions = (counts / counts.iloc[0]).iloc[1:]
    return check_answer(
        answer,
        expected,
        name="step_rates",
        mistakes={
            "You divided every step by the impressions, which gives the share of impressions "
            "that reach each step. Divide each step by the step just before it.": of_impressions,
        },
    )


@register("1.2")
def _one_time_buyer_share(answer: Any, *, events: pd.DataFrame) -> CheckResult:
    _require_columns(events, ["event", "customer_id"], "events")
    purchases_per_buyer = events.loc[events["event"] == "purchase", "customer_id"].value_counts()
    expected = float((purchases_per_buyer == 1).mean())
    all_customers = events["customer_id"].nunique()
    return check_answer(
        answer,
        expected,
        name="one_time_share",
        mistakes={
            "You divided by every customer in the log, including those who never bought. "
            "The share is among buyers: customers with at least one purchase.":
                float((purchases_per_buyer == 1).sum() / all_customers),
        },
    )


@register("1.3")
def _weekend_lift(answer: Any, *, events: pd.DataFrame) -> CheckResult:
    _require_columns(events, ["event", "timestamp"], "events")
    days = events["timestamp"].dt.normalize()
    all_days = pd.date_range(days.min(), days.max(), freq="D")
    daily = (
        days[events["event"] == "purchase"].value_counts().reindex(all_days, fill_value=0)
    )
    weekend = daily.index.day_of_week >= 5
    expected = float(daily[weekend].mean() / daily[~weekend].mean())
    totals = float(daily[weekend].sum() / daily[~weekend].sum())
    return check_answer(
        answer,
        expected,
        name="weekend_lift",
        mistakes={
            "You compared totals: there are five weekdays for every two weekend days. "
            "Compare the average number of purchases per day instead.": totals,
        },
    )
