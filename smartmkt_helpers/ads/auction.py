"""Auctions for ad impressions: bids from predicted value, first and second price.

An impression is worth ``value_per_click x p_click``; in a second-price
(Vickrey, 1961) auction bidding that value is dominant, in a first-price one
the best bid maximises ``(value - bid) x W(bid)``, ``W`` the win-rate curve
(:func:`shade_bids`). Prices are CPM (per 1,000 impressions); all functions
take whole arrays of impressions.

>>> result = run_auction(bid_from_value([0.02, 0.05], value_per_click=0.1), [3.0, 4.0], reserve_price=1.0)
>>> result[["won", "price"]].to_dict("list")
{'won': [False, True], 'price': [0.0, 4.0]}
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd

from smartmkt_helpers._checks import non_negative_number, vector

__all__ = ["IMPRESSIONS_PER_CPM", "bid_from_value", "rival_bids", "run_auction", "auction_summary", "shade_bids"]

#: Prices are CPM: one impression bought at price ``p`` costs ``p / IMPRESSIONS_PER_CPM``.
IMPRESSIONS_PER_CPM = 1_000


def _non_negative(values: Any, name: str) -> np.ndarray:
    array = vector(values, name, what="one per impression")
    if (array < 0).any():
        raise ValueError(f"{name} must be non-negative")
    return array


def _probabilities(p_click: Any) -> np.ndarray:
    p = _non_negative(p_click, "p_click")
    if (p > 1).any():
        raise ValueError("p_click must hold probabilities between 0 and 1")
    return p


def bid_from_value(p_click: Any, value_per_click: float, *, multiplier: float = 1.0) -> np.ndarray:
    """CPM bids of ``multiplier x value_per_click x p_click`` per impression.

    ``multiplier=1`` is the truthful second-price bid; below 1 shades it.
    """
    p = _probabilities(p_click)
    value = non_negative_number(value_per_click, "value_per_click")
    multiplier = non_negative_number(multiplier, "multiplier")
    return multiplier * value * p * IMPRESSIONS_PER_CPM


def rival_bids(
    p_click: Any,
    *,
    n_bidders: int,
    value_per_click: float,
    noise_sd: float = 0.5,
    value_sd: float = 0.3,
    random_state: int | None = 0,
) -> np.ndarray:
    """Simulated CPM bids of competing value bidders, shape (impressions, n_bidders).

    Rival ``j`` bids ``value_j x p_click x LogNormal(0, noise_sd^2)`` with
    ``value_j = value_per_click x LogNormal(0, value_sd^2)``.
    """
    p = _probabilities(p_click)
    if isinstance(n_bidders, bool) or not isinstance(n_bidders, numbers.Integral) or n_bidders < 1:
        raise ValueError(f"n_bidders must be a positive integer, got {n_bidders!r}")
    value = non_negative_number(value_per_click, "value_per_click")
    noise_sd = non_negative_number(noise_sd, "noise_sd")
    value_sd = non_negative_number(value_sd, "value_sd")
    rng = np.random.default_rng(random_state)
    values = value * rng.lognormal(0.0, value_sd, n_bidders)
    estimates = p[:, None] * rng.lognormal(0.0, noise_sd, (len(p), n_bidders))
    return values[None, :] * estimates * IMPRESSIONS_PER_CPM


def run_auction(bids: Any, competing_bids: Any, *, reserve_price: Any = 0.0, pricing: str = "second") -> pd.DataFrame:
    """One sealed-bid auction per impression against competing bids.

    ``competing_bids`` is the highest rival bid per impression (n,) or all
    rivals' bids (n, k). A bid wins when it is at least the reserve and above
    every rival (ties go to the rival). The winner pays the larger of the
    highest rival bid and the reserve (``"second"``) or its bid (``"first"``).
    Returns columns ``won``, ``price`` (CPM, 0 when lost), ``highest_competing_bid``.
    """
    ours = _non_negative(bids, "bids")
    rivals = np.asarray(competing_bids, dtype=float)
    if rivals.ndim == 2:
        if rivals.shape[1] == 0:
            raise ValueError("competing_bids has no bidders (0 columns)")
        highest = rivals.max(axis=1)
        if rivals.shape[0] != len(ours):
            raise ValueError(f"competing_bids has {rivals.shape[0]} rows but bids has {len(ours)}")
    elif rivals.ndim == 1:
        highest = rivals
        if len(highest) != len(ours):
            raise ValueError(f"competing_bids has {len(highest)} values but bids has {len(ours)}")
    else:
        raise ValueError(f"competing_bids must be 1-D or 2-D, got shape {rivals.shape}")
    highest = _non_negative(highest, "competing_bids")
    if np.ndim(reserve_price) == 0:
        reserve = np.full(len(ours), non_negative_number(reserve_price, "reserve_price"))
    else:
        reserve = _non_negative(reserve_price, "reserve_price")
        if len(reserve) != len(ours):
            raise ValueError(f"reserve_price has {len(reserve)} values but bids has {len(ours)}")
    if pricing not in ("second", "first"):
        raise ValueError(f"pricing must be 'second' or 'first', got {pricing!r}")
    won = (ours > highest) & (ours >= reserve) & (ours > 0)
    paid = np.maximum(highest, reserve) if pricing == "second" else ours
    return pd.DataFrame({"won": won, "price": np.where(won, paid, 0.0), "highest_competing_bid": highest})


def auction_summary(won: Any, price: Any, p_click: Any, *, clicks: Any = None) -> pd.Series:
    """Impressions, win rate, spend, expected clicks and cost per click of won auctions.

    ``p_click`` scores the result (on a simulated log, the true one); ``spend``
    is in currency. ``clicks`` (0/1), when given, adds the observed clicks.
    """
    won = np.asarray(won)
    if won.dtype != bool:
        raise TypeError(f"won must be a boolean array, got dtype {won.dtype}")
    prices = _non_negative(price, "price")
    p = _non_negative(p_click, "p_click")
    if not (len(won) == len(prices) == len(p)):
        raise ValueError(f"won, price and p_click must have the same length, got {len(won)}, {len(prices)}, {len(p)}")
    spend = prices[won].sum() / IMPRESSIONS_PER_CPM
    expected_clicks = p[won].sum()
    summary = {
        "impressions": float(won.sum()),
        "win_rate": float(won.mean()),
        "spend": float(spend),
        "expected_clicks": float(expected_clicks),
        "cost_per_click": float(spend / expected_clicks) if expected_clicks > 0 else np.nan,
    }
    if clicks is not None:
        observed = _non_negative(clicks, "clicks")
        if len(observed) != len(won):
            raise ValueError(f"clicks has {len(observed)} values but won has {len(won)}")
        summary["clicks"] = float(observed[won].sum())
    return pd.Series(summary)


def shade_bids(values: Any, win_rate: Any, multipliers: Any) -> np.ndarray:
    """First-price bids ``m x v`` that maximise the expected surplus ``(v - b) W(b)``.

    ``values`` are CPM; ``win_rate(bids, values)`` returns the probability of
    winning with each bid; ``multipliers`` are the shading factors tried
    (the first wins ties).
    """
    value = _non_negative(values, "values")
    grid = np.asarray(multipliers, dtype=float)
    if grid.ndim != 1 or len(grid) == 0 or np.isnan(grid).any() or (grid < 0).any():
        raise ValueError("multipliers must be a non-empty 1-D array of non-negative numbers")
    if not callable(win_rate):
        raise TypeError("win_rate must be a function win_rate(bids, values) returning probabilities")
    candidates = value[:, None] * grid[None, :]
    chance = np.asarray(win_rate(candidates.ravel(), np.repeat(value, len(grid))), dtype=float)
    if chance.shape != (candidates.size,):
        raise ValueError(f"win_rate gave shape {chance.shape}, not one probability per bid ({candidates.size})")
    surplus = (value[:, None] - candidates) * chance.reshape(candidates.shape)
    return candidates[np.arange(len(value)), surplus.argmax(axis=1)]
