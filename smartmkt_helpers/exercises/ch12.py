"""Self-checks for chapter 12: responsible marketing."""

from __future__ import annotations

import numbers
from typing import Any

import pandas as pd

from smartmkt_helpers.exercises import register, require_columns
from smartmkt_helpers.exercises.checking import CheckResult, check_answer
from smartmkt_helpers.fairness import group_rates
from smartmkt_helpers.privacy import generalise_numeric, k_anonymity

_RELEASE_COLUMNS = ["age", "personal_status_sex", "housing"]


@register("12.1")
def _release_k(answer: Any, *, applicants: pd.DataFrame) -> CheckResult:
    require_columns(applicants, _RELEASE_COLUMNS, "applicants")
    banded = applicants.assign(age=generalise_numeric(applicants["age"], width=10))
    expected = k_anonymity(banded, _RELEASE_COLUMNS)
    classes = banded.groupby(_RELEASE_COLUMNS, observed=True).ngroups
    unbanded = k_anonymity(applicants, _RELEASE_COLUMNS)
    mistakes = {
        "You counted the equivalence classes. k is the size of the smallest class: the number of rows in it.":
            classes}
    if unbanded != expected:
        mistakes["You used the exact ages. Generalise age into 10-year bands first "
                 "(privacy.generalise_numeric(applicants['age'], width=10))."] = unbanded
    return check_answer(answer, expected, name="release_k", mistakes=mistakes)


@register("12.2")
def _overlap_noise_scale(answer: Any, *, epsilon: float, max_segments_per_person: int) -> CheckResult:
    if isinstance(epsilon, bool) or not isinstance(epsilon, numbers.Real) or epsilon <= 0:
        raise ValueError(f"epsilon must be a number > 0, got {epsilon!r}")
    if (isinstance(max_segments_per_person, bool)
            or not isinstance(max_segments_per_person, numbers.Integral)
            or max_segments_per_person < 1):
        raise ValueError(
            f"max_segments_per_person must be a positive integer, got {max_segments_per_person!r}")
    expected = max_segments_per_person / epsilon
    mistakes = {}
    if max_segments_per_person > 1:
        mistakes["That is the scale for sensitivity 1. One person can change "
                 f"{max_segments_per_person} counts by 1 each: the sensitivity is "
                 f"{max_segments_per_person}."] = 1 / epsilon
    mistakes["You multiplied epsilon by the sensitivity. The scale is sensitivity "
             "divided by epsilon: less budget, more noise."] = max_segments_per_person * epsilon
    return check_answer(answer, expected, name="noise_scale", mistakes=mistakes)


@register("12.3")
def _tpr_gap_by_sex(answer: Any, *, decisions: pd.DataFrame) -> CheckResult:
    require_columns(decisions, ["sex", "approved", "good"], "decisions")
    rates = group_rates(decisions, col_group="sex")
    missing = {"female", "male"} - set(rates.index)
    if missing:
        raise ValueError(f"decisions has no {', '.join(sorted(missing))} applicants in 'sex'")
    expected = float(rates.loc["female", "true_positive_rate"] - rates.loc["male", "true_positive_rate"])
    approval_gap = float(rates.loc["female", "approval_rate"] - rates.loc["male", "approval_rate"])
    return check_answer(
        answer, expected, name="tpr_gap", mistakes={
            "You compared approval rates over all applicants. The true-positive rate counts approvals among "
            "the good risks only (good == 1).": approval_gap,
            "Right size, wrong sign: compute female minus male.": -expected})


@register("12.4")
def _top_contribution(answer: Any, *, contributions: pd.Series) -> CheckResult:
    if not isinstance(contributions, pd.Series) or contributions.empty:
        raise TypeError("contributions must be a non-empty pandas Series (attribute -> log-odds)")
    if contributions.isna().any():
        raise ValueError("contributions contains NaN")
    expected = str(contributions.idxmax())
    mistakes = {}
    largest_size = str(contributions.abs().idxmax())
    if largest_size != expected:
        mistakes["That attribute has the largest contribution in size, but it pushes "
                 "towards approval (negative log-odds of default). Look for the largest "
                 "positive contribution."] = largest_size
    lowest = str(contributions.idxmin())
    if lowest != expected:
        mistakes.setdefault("That attribute pushes hardest towards approval. Which one adds "
                            "the most log-odds of default?", lowest)
    return check_answer(answer, expected, name="top_attribute", mistakes=mistakes)
