"""Budget pacing: spreading a daily budget over the day's auctions.

A bidder who bids full value everywhere spends its budget by mid-morning.
Pacing follows a plan (:func:`spend_plan`, in proportion to past traffic)
by throttling (bidding in only a share of the auctions) or bid scaling
(multiplying every bid by a factor below 1). The controller and the day it
plays are in :func:`smartmkt_helpers.simulate.pacing.simulate_day`;
:func:`hindsight_bid_multiplier` is the benchmark a paced bidder is measured against.

>>> spend_plan([0, 0, 12, 23], n_steps=24)[[0, 12, 23]].tolist()
[0.5, 0.25, 0.25]
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from smartmkt_helpers._checks import positive_int
from smartmkt_helpers.ads.auction import IMPRESSIONS_PER_CPM, _non_negative

__all__ = ["STRATEGIES", "spend_plan", "hindsight_bid_multiplier"]

STRATEGIES = ("none", "throttle", "bid_scaling")
#: Bounds of the lever: participation rate for throttling, bid multiplier for bid scaling.
DEFAULT_BOUNDS = {"throttle": (0.001, 1.0), "bid_scaling": (0.01, 1.0)}
HOURS_PER_DAY = 24


def spend_plan(hours: Any, *, n_steps: int = 96) -> np.ndarray:
    """Share of the daily budget to spend in each of ``n_steps`` steps, following past traffic.

    ``hours`` are the hours of day of past impressions; ``n_steps`` must be a multiple of 24.
    """
    n_steps = positive_int(n_steps, "n_steps", minimum=HOURS_PER_DAY)
    if n_steps % HOURS_PER_DAY:
        raise ValueError(f"n_steps must be a positive multiple of 24 (steps per day), got {n_steps}")
    hours = _non_negative(hours, "hours")
    if (hours >= HOURS_PER_DAY).any():
        raise ValueError("hours must be hours of the day in [0, 24)")
    per_hour = np.bincount(np.floor(hours).astype(int), minlength=HOURS_PER_DAY).astype(float)
    plan = np.repeat(per_hour, n_steps // HOURS_PER_DAY)
    return plan / plan.sum()


def hindsight_bid_multiplier(values: Any, competing_bids: Any, budget: float) -> float:
    """The bid multiplier that would have spent the budget exactly, known after the day.

    With a budget and second-price auctions, the best rule bids ``multiplier x
    value`` everywhere; sorting impressions by price per unit of value finds
    it. It is 1 when full-value bids stay within the budget.
    """
    value = _non_negative(values, "values")
    market = _non_negative(competing_bids, "competing_bids")
    if len(value) != len(market):
        raise ValueError(f"values and competing_bids must have the same length, got {len(value)} and {len(market)}")
    if isinstance(budget, bool) or not isinstance(budget, numbers.Real) or not np.isfinite(budget) or budget <= 0:
        raise ValueError(f"budget must be a positive number, got {budget!r}")
    positive = value > 0
    ratio = market[positive] / value[positive]        # multiplier needed to win each impression
    cost = market[positive] / IMPRESSIONS_PER_CPM
    order = np.argsort(ratio, kind="stable")
    ratio, cumulative = ratio[order], np.cumsum(cost[order])
    affordable = ratio < 1.0
    if cumulative[affordable].size == 0 or cumulative[affordable][-1] <= budget:
        return 1.0
    return float(ratio[int(np.searchsorted(cumulative, budget, side="right"))])
