"""Budget pacing: spreading a daily budget over the day's auctions.

A bidder with a daily budget that bids its full value on every impression
spends the budget by mid-morning and misses the rest of the day. Pacing
spends it along a plan (usually in proportion to the expected traffic) with
one of two levers, adjusted by a feedback controller after every time step:

- **throttling**: take part in only a share of the auctions, chosen at
  random, and bid the full value in those;
- **bid scaling**: take part in every auction but multiply every bid by a
  factor below 1, which keeps the impressions that are cheap for their value.

The controller is multiplicative: after a step in which the bidder spent
``actual`` against a plan of ``planned``, the lever ``u`` (participation
rate or bid multiplier) becomes ``u x exp(gain x (planned - actual) /
planned)``, kept within bounds. Each step's plan is the remaining budget
times the step's share of the remaining plan, so that early errors are
spread over the rest of the day.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> values = rng.uniform(1, 3, 2_000)           # CPM value of each impression
>>> market = rng.uniform(0, 3, 2_000)           # highest competing bid
>>> hours = np.sort(rng.uniform(0, 24, 2_000))
>>> day = simulate_day(values, market, hours, budget=0.5, strategy="bid_scaling")
>>> bool(day.spend <= 0.5)
True
>>> day.steps.shape[0]
96
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from smartmkt_helpers.ads.auction import IMPRESSIONS_PER_CPM, _as_vector, run_auction

__all__ = [
    "STRATEGIES",
    "spend_plan",
    "simulate_day",
    "hindsight_bid_multiplier",
]

STRATEGIES = ("none", "throttle", "bid_scaling")
#: Bounds of the lever: participation rate for throttling, bid multiplier for bid scaling.
DEFAULT_BOUNDS = {"throttle": (0.001, 1.0), "bid_scaling": (0.01, 1.0)}
HOURS_PER_DAY = 24


def _check_num_steps(num_steps: Any) -> int:
    if isinstance(num_steps, bool) or not isinstance(num_steps, numbers.Integral):
        raise TypeError(f"num_steps must be an integer, got {type(num_steps).__name__}")
    if num_steps < HOURS_PER_DAY or num_steps % HOURS_PER_DAY:
        raise ValueError(f"num_steps must be a positive multiple of 24 (steps per day), got {num_steps}")
    return int(num_steps)


def _check_hours(time_of_day: Any, name: str = "time_of_day") -> np.ndarray:
    hours = _as_vector(time_of_day, name)
    if (hours >= HOURS_PER_DAY).any():
        raise ValueError(f"{name} must be hours of the day in [0, 24)")
    return hours


def spend_plan(hours: Any, *, num_steps: int = 96) -> np.ndarray:
    """Share of the daily budget to spend in each step, from past traffic.

    Counts past impressions per hour of the day, spreads each hour evenly
    over its steps and normalises, so that the plan follows the traffic.

    Examples
    --------
    >>> spend_plan([0, 0, 12, 23], num_steps=24)[[0, 12, 23]].tolist()
    [0.5, 0.25, 0.25]
    """
    num_steps = _check_num_steps(num_steps)
    hours = np.floor(_check_hours(hours, "hours")).astype(int)
    per_hour = np.bincount(hours, minlength=HOURS_PER_DAY).astype(float)
    plan = np.repeat(per_hour, num_steps // HOURS_PER_DAY)
    return plan / plan.sum()


def simulate_day(
    values: Any,
    competing_bids: Any,
    time_of_day: Any,
    *,
    budget: float,
    strategy: str = "bid_scaling",
    plan: Any = None,
    num_steps: int = 96,
    gain: float = 0.5,
    initial_control: float = 1.0,
    bounds: tuple[float, float] | None = None,
    reserve_price: float = 0.0,
    seed: int = 0,
) -> Bunch:
    """Play one day of second-price auctions under a budget.

    Parameters
    ----------
    values : array-like, shape (n,)
        The bidder's value of each impression in CPM (for a click bidder,
        ``bid_from_value(p_click, value_per_click)``): its unpaced bid.
    competing_bids : array-like, shape (n,)
        The highest competing bid (CPM) of each impression.
    time_of_day : array-like, shape (n,)
        When each impression arrives, in hours in [0, 24).
    budget : float
        The day's budget, in currency.
    strategy : {"none", "throttle", "bid_scaling"}
        ``"none"`` bids the full value until the budget runs out.
    plan : array-like of shape (num_steps,), optional
        Share of the budget to spend in each step (see :func:`spend_plan`);
        spread evenly over the day when omitted.
    num_steps : int, default 96
        Control steps per day (96: every 15 minutes).
    gain : float, default 0.5
        How strongly the controller reacts to a gap between plan and spend.
    initial_control : float, default 1.0
        The lever's value at midnight.
    bounds : (float, float), optional
        Lower and upper bound of the lever (defaults in ``DEFAULT_BOUNDS``).
    reserve_price : float, default 0
        The seller's minimum price (CPM).
    seed : int
        Seed of the throttle's coin flips.

    Returns
    -------
    sklearn.utils.Bunch
        ``won`` and ``price`` (per impression, in the input order),
        ``spend``, and ``steps``: a DataFrame per step with ``hour``,
        ``control``, ``planned_spend``, ``spend``, ``cumulative_spend``
        and ``impressions``.
    """
    value = _as_vector(values, "values")
    market = _as_vector(competing_bids, "competing_bids")
    hours = _check_hours(time_of_day)
    if not (len(value) == len(market) == len(hours)):
        raise ValueError(
            "values, competing_bids and time_of_day must have the same length, "
            f"got {len(value)}, {len(market)}, {len(hours)}"
        )
    if isinstance(budget, bool) or not isinstance(budget, numbers.Real) or not np.isfinite(budget) or budget <= 0:
        raise ValueError(f"budget must be a positive number, got {budget!r}")
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {', '.join(STRATEGIES)}; got {strategy!r}")
    num_steps = _check_num_steps(num_steps)
    if plan is None:
        shares = np.full(num_steps, 1.0 / num_steps)
    else:
        shares = _as_vector(plan, "plan")
        if len(shares) != num_steps:
            raise ValueError(f"plan has {len(shares)} steps but num_steps is {num_steps}")
        if shares.sum() <= 0:
            raise ValueError("plan must have a positive total")
        shares = shares / shares.sum()
    if not gain >= 0:
        raise ValueError(f"gain must be non-negative, got {gain}")
    low, high = bounds if bounds is not None else DEFAULT_BOUNDS.get(strategy, (1.0, 1.0))
    if not 0 < low <= high:
        raise ValueError(f"bounds must satisfy 0 < low <= high, got ({low}, {high})")
    control = float(np.clip(initial_control, low, high)) if strategy != "none" else 1.0

    rng = np.random.default_rng(seed)
    order = np.argsort(hours, kind="stable")
    step_of = np.minimum((hours[order] / HOURS_PER_DAY * num_steps).astype(int), num_steps - 1)
    boundaries = np.searchsorted(step_of, np.arange(num_steps + 1))
    won = np.zeros(len(value), dtype=bool)
    price = np.zeros(len(value))
    remaining = float(budget)
    rows = []
    for step in range(num_steps):
        rows_in_step = order[boundaries[step]:boundaries[step + 1]]
        planned = remaining * shares[step] / shares[step:].sum() if shares[step:].sum() > 0 else 0.0
        spent = 0.0
        if len(rows_in_step) and remaining > 0:
            bids = value[rows_in_step].copy()
            if strategy == "bid_scaling":
                bids *= control
            elif strategy == "throttle":
                bids[rng.random(len(bids)) >= control] = 0.0
            result = run_auction(bids, market[rows_in_step], reserve_price=reserve_price)
            cost = result["price"].to_numpy() / IMPRESSIONS_PER_CPM
            affordable = np.cumsum(cost) <= remaining + 1e-12
            step_won = result["won"].to_numpy() & affordable
            won[rows_in_step] = step_won
            price[rows_in_step] = np.where(step_won, result["price"].to_numpy(), 0.0)
            spent = float(cost[step_won].sum())
            remaining -= spent
        rows.append((step * HOURS_PER_DAY / num_steps, control, planned, spent, int(won[rows_in_step].sum())))
        if strategy != "none" and planned > 0:
            control = float(np.clip(control * np.exp(gain * (planned - spent) / planned), low, high))
    steps = pd.DataFrame(rows, columns=["hour", "control", "planned_spend", "spend", "impressions"])
    steps["cumulative_spend"] = steps["spend"].cumsum()
    return Bunch(won=won, price=price, spend=float(budget - remaining), budget=float(budget),
                 strategy=strategy, steps=steps)


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
    value = _as_vector(values, "values")
    market = _as_vector(competing_bids, "competing_bids")
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
