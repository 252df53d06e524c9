"""One day of second-price auctions under a budget, paced or not.

:func:`simulate_day` plays the day's impressions in time order, in steps
(every 15 minutes by default), with one of the pacing levers of
:mod:`smartmkt_helpers.ads.pacing`: throttling (take part in a random share
of the auctions) or bid scaling (multiply every bid by a factor below 1).
After every step a multiplicative controller moves the lever ``u`` towards
the plan: ``u x exp(gain x (planned - actual) / planned)``, within bounds.
Each step's plan is the remaining budget times the step's share of the
remaining plan, so that early errors are spread over the rest of the day.

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

from smartmkt_helpers._checks import positive_int, vector
from smartmkt_helpers.ads.auction import IMPRESSIONS_PER_CPM, run_auction
from smartmkt_helpers.ads.pacing import DEFAULT_BOUNDS, HOURS_PER_DAY, STRATEGIES

__all__ = ["simulate_day"]


def _non_negative(values: Any, name: str) -> np.ndarray:
    array = vector(values, name, what="one per impression")
    if (array < 0).any():
        raise ValueError(f"{name} must be non-negative")
    return array


def simulate_day(
    values: Any,
    competing_bids: Any,
    time_of_day: Any,
    *,
    budget: float,
    strategy: str = "bid_scaling",
    plan: Any = None,
    n_steps: int = 96,
    gain: float = 0.5,
    initial_control: float = 1.0,
    bounds: tuple[float, float] | None = None,
    reserve_price: float = 0.0,
    random_state: int | None = 0,
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
    plan : array-like of shape (n_steps,), optional
        Share of the budget to spend in each step (see :func:`spend_plan`);
        spread evenly over the day when omitted.
    n_steps : int, default 96
        Control steps per day (96: every 15 minutes).
    gain : float, default 0.5
        How strongly the controller reacts to a gap between plan and spend.
    initial_control : float, default 1.0
        The lever's value at midnight.
    bounds : (float, float), optional
        Lower and upper bound of the lever (defaults in ``DEFAULT_BOUNDS``).
    reserve_price : float, default 0
        The seller's minimum price (CPM).
    random_state : int, optional
        Seed of the throttle's coin flips.

    Returns
    -------
    sklearn.utils.Bunch
        ``won`` and ``price`` (per impression, in the input order),
        ``spend``, and ``steps``: a DataFrame per step with ``hour``,
        ``control``, ``planned_spend``, ``spend``, ``cumulative_spend``
        and ``impressions``.
    """
    value = _non_negative(values, "values")
    market = _non_negative(competing_bids, "competing_bids")
    hours = _non_negative(time_of_day, "time_of_day")
    if (hours >= HOURS_PER_DAY).any():
        raise ValueError("time_of_day must be hours of the day in [0, 24)")
    if not (len(value) == len(market) == len(hours)):
        raise ValueError(
            "values, competing_bids and time_of_day must have the same length, "
            f"got {len(value)}, {len(market)}, {len(hours)}"
        )
    if isinstance(budget, bool) or not isinstance(budget, numbers.Real) or not np.isfinite(budget) or budget <= 0:
        raise ValueError(f"budget must be a positive number, got {budget!r}")
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {', '.join(STRATEGIES)}; got {strategy!r}")
    n_steps = positive_int(n_steps, "n_steps", minimum=HOURS_PER_DAY)
    if n_steps % HOURS_PER_DAY:
        raise ValueError(f"n_steps must be a positive multiple of 24 (steps per day), got {n_steps}")
    if plan is None:
        shares = np.full(n_steps, 1.0 / n_steps)
    else:
        shares = _non_negative(plan, "plan")
        if len(shares) != n_steps:
            raise ValueError(f"plan has {len(shares)} steps but n_steps is {n_steps}")
        if shares.sum() <= 0:
            raise ValueError("plan must have a positive total")
        shares = shares / shares.sum()
    if not gain >= 0:
        raise ValueError(f"gain must be non-negative, got {gain}")
    low, high = bounds if bounds is not None else DEFAULT_BOUNDS.get(strategy, (1.0, 1.0))
    if not 0 < low <= high:
        raise ValueError(f"bounds must satisfy 0 < low <= high, got ({low}, {high})")
    control = float(np.clip(initial_control, low, high)) if strategy != "none" else 1.0

    rng = np.random.default_rng(random_state)
    order = np.argsort(hours, kind="stable")
    step_of = np.minimum((hours[order] / HOURS_PER_DAY * n_steps).astype(int), n_steps - 1)
    boundaries = np.searchsorted(step_of, np.arange(n_steps + 1))
    won = np.zeros(len(value), dtype=bool)
    price = np.zeros(len(value))
    remaining = float(budget)
    rows = []
    for step in range(n_steps):
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
        rows.append((step * HOURS_PER_DAY / n_steps, control, planned, spent, int(won[rows_in_step].sum())))
        if strategy != "none" and planned > 0:
            control = float(np.clip(control * np.exp(gain * (planned - spent) / planned), low, high))
    steps = pd.DataFrame(rows, columns=["hour", "control", "planned_spend", "spend", "impressions"])
    steps["cumulative_spend"] = steps["spend"].cumsum()
    return Bunch(won=won, price=price, spend=float(budget - remaining), budget=float(budget),
                 strategy=strategy, steps=steps)
