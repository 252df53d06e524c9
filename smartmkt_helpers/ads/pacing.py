"""Budget pacing: spreading a daily budget over the day's auctions.

A bidder with a daily budget that bids its full value on every impression
spends the budget by mid-morning and misses the rest of the day. Pacing
spends it along a plan (usually in proportion to the expected traffic) with
one of two levers, adjusted by a feedback controller after every time step:

- **throttling**: take part in only a share of the auctions, chosen at
  random, and bid the full value in those;
- **bid scaling**: take part in every auction but multiply every bid by a
  factor below 1, which keeps the impressions that are cheap for their value.

The controller that moves the lever after every step, and the day it
plays, are in :func:`smartmkt_helpers.simulate.pacing.simulate_day`. This
module keeps the plan (:func:`spend_plan`) and the benchmark a paced bidder
is measured against (:func:`hindsight_bid_multiplier`).

Examples
--------
>>> spend_plan([0, 0, 12, 23], n_steps=24)[[0, 12, 23]].tolist()
[0.5, 0.25, 0.25]
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from smartmkt_helpers._checks import positive_int, vector
from smartmkt_helpers.ads.auction import IMPRESSIONS_PER_CPM

__all__ = [
    "STRATEGIES",
    "spend_plan",
    "hindsight_bid_multiplier",
]

STRATEGIES = ("none", "throttle", "bid_scaling")
#: Bounds of the lever: participation rate for throttling, bid multiplier for bid scaling.
DEFAULT_BOUNDS = {"throttle": (0.001, 1.0), "bid_scaling": (0.01, 1.0)}
HOURS_PER_DAY = 24


def _non_negative(values: Any, name: str) -> np.ndarray:
    array = vector(values, name, what="one per impression")
    if (array < 0).any():
        raise ValueError(f"{name} must be non-negative")
    return array


def spend_plan(hours: Any, *, n_steps: int = 96) -> np.ndarray:
    """Share of the daily budget to spend in each step, from past traffic.

    Counts past impressions per hour of the day, spreads each hour evenly
    over its steps and normalises, so that the plan follows the traffic.

    Examples
    --------
    >>> spend_plan([0, 0, 12, 23], n_steps=24)[[0, 12, 23]].tolist()
    [0.5, 0.25, 0.25]
    """
    n_steps = positive_int(n_steps, "n_steps", minimum=HOURS_PER_DAY)
    if n_steps % HOURS_PER_DAY:
        raise ValueError(f"n_steps must be a positive multiple of 24 (steps per day), got {n_steps}")
    hours = _non_negative(hours, "hours")
    if (hours >= HOURS_PER_DAY).any():
        raise ValueError("hours must be hours of the day in [0, 24)")
    hours = np.floor(hours).astype(int)
    per_hour = np.bincount(hours, minlength=HOURS_PER_DAY).astype(float)
    plan = np.repeat(per_hour, n_steps // HOURS_PER_DAY)
    return plan / plan.sum()


def hindsight_bid_multiplier(values: Any, competing_bids: Any, budget: float) -> float:
    """The bid multiplier that would have spent the budget exactly, known after the day.

    Under a budget and second-price auctions, the clicks-maximising bidder
    bids ``multiplier x value`` on every impression (a linear bidding rule);
    with hindsight, the multiplier is found by sorting impressions by the
    price they cost per unit of value. It is 1 when bidding full value stays
    within the budget. A paced bidder can only approach it, since it does
    not know the day's auctions in advance.

    Examples
    --------
    >>> hindsight_bid_multiplier([4.0, 4.0, 4.0], [1.0, 2.0, 3.0], budget=0.0035)
    0.75
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
    first_unaffordable = int(np.searchsorted(cumulative, budget, side="right"))
    return float(ratio[first_unaffordable])
