"""Self-checks for chapter 6: creative optimisation."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from smartmkt_helpers.ads.off_policy import ipw, snipw
from smartmkt_helpers.exercises import register, require_columns
from smartmkt_helpers.exercises.checking import CheckResult, check_answer


def _target_probabilities(random_log: pd.DataFrame, target_policy: pd.DataFrame) -> np.ndarray:
    require_columns(random_log, ["item_id", "position", "click", "propensity_score"], "random_log")
    table = target_policy.reindex(index=sorted(random_log["position"].unique()))
    if table.isna().to_numpy().any():
        raise ValueError("target_policy needs one row per position of random_log")
    rows = table.index.get_indexer(random_log["position"])
    return table.to_numpy()[rows, random_log["item_id"].to_numpy()]


@register("6.1")
def _ucb1_bounds(answer: Any, *, counts: Any, clicks: Any, t: int) -> CheckResult:
    counts = np.asarray(counts, dtype=float)
    clicks = np.asarray(clicks, dtype=float)
    means = clicks / counts
    expected = means + np.sqrt(2 * np.log(t) / counts)
    return check_answer(
        answer, expected, name="ucb_bounds", mistakes={
            "The bonus is sqrt(2 ln t / n): you left out the factor 2 under the square root.":
                means + np.sqrt(np.log(t) / counts),
            "You used the total count of every arm instead of each arm's own count n in the bonus.":
                means + np.sqrt(2 * np.log(t) / counts.sum())})


@register("6.2")
def _ipw_estimate(answer: Any, *, random_log: pd.DataFrame, target_policy: pd.DataFrame) -> CheckResult:
    target = _target_probabilities(random_log, target_policy)
    clicks = random_log["click"].to_numpy()
    propensity = random_log["propensity_score"].to_numpy()
    return check_answer(
        answer, ipw(clicks, propensity, target), name="ipw_value", mistakes={
            "You weighted the clicks by the target policy's probability but did not divide by the logging "
            "propensity.": float((target * clicks).mean()),
            "That is the self-normalised estimate (divided by the sum of the weights); plain IPW divides by "
            "the number of rows.": snipw(clicks, propensity, target)})


@register("6.3")
def _snipw_estimate(answer: Any, *, random_log: pd.DataFrame, target_policy: pd.DataFrame) -> CheckResult:
    target = _target_probabilities(random_log, target_policy)
    clicks = random_log["click"].to_numpy()
    propensity = random_log["propensity_score"].to_numpy()
    matched = target > 0
    return check_answer(
        answer, snipw(clicks, propensity, target), name="snipw_value", mistakes={
            "That is plain IPW (divided by the number of rows); self-normalised IPW divides by the sum of "
            "the weights.": ipw(clicks, propensity, target),
            "You took the plain click rate of the rows the target policy could have shown; weight each row "
            "by pi / p.": float(clicks[matched].mean()) if matched.any() else -1.0})


@register("6.4")
def _cumulative_regret(answer: Any, *, true_means: Any, arms: Any, rewards: Any) -> CheckResult:
    means = np.asarray(true_means, dtype=float)
    arms = np.asarray(arms)
    rewards = np.asarray(rewards, dtype=float)
    expected = float((means.max() - means[arms]).sum())
    return check_answer(
        answer, expected, name="total_regret", rtol=1e-6, mistakes={
            "You used the clicks that happened (rewards) instead of the true click-through rate of each arm "
            "shown: regret compares expected values.": float((means.max() - rewards).sum()),
            "Regret is the best arm's rate minus the shown arm's rate, summed over rounds; you averaged it.":
                float((means.max() - means[arms]).mean())})
