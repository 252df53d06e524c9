"""Self-checks for chapter 9 (finance): costs, thresholds, alerts, portfolios."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from smartmkt_helpers import finance
from smartmkt_helpers.exercises import register, require_columns
from smartmkt_helpers.exercises.checking import CheckResult, check_answer


@register("9.1")
def _cost_at_one_sixth(answer: Any, *, is_bad_test: Any, scorecard_test_scores: Any) -> CheckResult:
    truth = np.asarray(is_bad_test)
    scores = np.asarray(scorecard_test_scores, dtype=float)
    if truth.shape != scores.shape:
        raise ValueError(f"is_bad_test has shape {truth.shape} but scorecard_test_scores has {scores.shape}")
    expected = finance.expected_cost(truth, scores >= 1 / 6)
    return check_answer(
        answer, expected, name="cost_at_one_sixth", mistakes={
            "That is the cost with the threshold at 0.5. Refuse from a probability of 1/6 instead.":
                finance.expected_cost(truth, scores >= 0.5),
            "The costs are swapped: accepting a bad applicant (truth 1, decision 0) costs 5, refusing a "
            "good one costs 1.":
                finance.expected_cost(truth, scores >= 1 / 6, cost_false_positive=5, cost_false_negative=1),
            "That is the total cost; divide by the number of test applicants for the mean cost per "
            "applicant.": finance.expected_cost(truth, scores >= 1 / 6) * truth.size})


@register("9.2")
def _threshold_for_costs(answer: Any, *, cost_false_positive: float,
                         cost_false_negative: float) -> CheckResult:
    expected = finance.bayes_threshold(cost_false_positive, cost_false_negative)
    ratio = cost_false_positive / cost_false_negative if cost_false_negative else np.inf
    return check_answer(
        answer, expected, name="new_threshold", mistakes={
            "That is the ratio of the two costs. Refuse when p x (cost of a bad loan) exceeds (1 - p) x "
            "(cost of refusing a good one): solve for p.": ratio,
            "That is the threshold on the probability of being good. Give the probability of being bad above "
            "which to refuse.": 1 - expected})


@register("9.3")
def _frauds_caught(answer: Any, *, test_log: pd.DataFrame, scores: Any) -> CheckResult:
    require_columns(test_log, ["timestamp", "is_fraud"], "test_log")
    log = test_log.assign(score=np.asarray(scores, dtype=float))
    table = finance.alert_budget_table(log, [5])
    expected = int(table["caught"].iloc[0])
    num_days = log["timestamp"].dt.normalize().nunique()
    overall = int(log.nlargest(5 * num_days, "score")["is_fraud"].sum())
    mistakes = {
        "That is the share of frauds caught (the recall); give the number of frauds caught.":
            float(table["recall"].iloc[0])}
    if overall != expected:
        mistakes[
            "You took the 5 x (number of days) highest scores of the whole period. The budget is per day: "
            "rank the transactions within each day."] = overall
    return check_answer(answer, expected, name="frauds_caught", mistakes=mistakes)


@register("9.4")
def _volatility_60_40(answer: Any, *, returns: pd.DataFrame) -> CheckResult:
    require_columns(returns, ["equities", "bonds"], "returns")
    monthly = 0.6 * returns["equities"] + 0.4 * returns["bonds"]
    expected = float(monthly.std() * np.sqrt(12))
    mixed_volatility = float(
        0.6 * returns["equities"].std() * np.sqrt(12) + 0.4 * returns["bonds"].std() * np.sqrt(12))
    return check_answer(
        answer, expected, name="volatility_60_40", mistakes={
            "That is the monthly volatility: multiply by the square root of 12 to annualise it.":
                float(monthly.std()),
            "You multiplied the monthly volatility by 12; volatility grows with the square root of time, so "
            "multiply by sqrt(12).": float(monthly.std() * 12),
            "You averaged the two assets' volatilities. Volatilities do not add up: compute the portfolio's "
            "monthly returns first, then their standard deviation.": mixed_volatility})
