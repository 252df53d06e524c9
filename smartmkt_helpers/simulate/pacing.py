"""One day of second-price auctions under a budget, paced by throttling or bid scaling.

After every step a multiplicative controller moves the lever ``u`` towards the
plan: ``u x exp(gain x (planned - actual) / planned)``, within bounds; each
step's plan is the remaining budget times the step's share of the remaining plan.
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
    values: Any, competing_bids: Any, time_of_day: Any, *, budget: float, strategy: str = "bid_scaling",
    plan: Any = None, n_steps: int = 96, gain: float = 0.5, initial_control: float = 1.0,
    bounds: tuple[float, float] | None = None, reserve_price: float = 0.0, random_state: int | None = 0,
) -> Bunch:
    """Play one day of second-price auctions under ``budget``.

    ``values`` and ``competing_bids`` are CPM per impression, ``time_of_day`` in
    hours; ``plan`` is the share of the budget per step (even by default);
    ``"none"`` bids the full value until the budget runs out. Returns ``won`` and
    ``price`` per impression, ``spend`` and ``steps`` (one row per control step).
    """
    value = _non_negative(values, "values")
    market = _non_negative(competing_bids, "competing_bids")
    hours = _non_negative(time_of_day, "time_of_day")
    if (hours >= HOURS_PER_DAY).any():
        raise ValueError("time_of_day must be hours of the day in [0, 24)")
    if not (len(value) == len(market) == len(hours)):
        raise ValueError("values, competing_bids and time_of_day must have the same length, "
                         f"got {len(value)}, {len(market)}, {len(hours)}")
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
