"""Auctions for ad impressions: bids from predicted value, first and second price.

Every impression is sold in its own auction. A bidder who values a click at
``value_per_click`` and predicts a click probability ``p_click`` values the
impression at ``value_per_click x p_click``; in a second-price (Vickrey,
1961) auction, bidding exactly that value is a dominant strategy. In a
first-price auction the winner pays its own bid, and the bid that maximises
the expected surplus ``(value - bid) x W(bid)`` lies below the value
(:func:`shade_bids`), where ``W`` is the win-rate curve. Prices
are quoted as CPM (currency per 1,000 impressions), as ad exchanges do;
:data:`IMPRESSIONS_PER_CPM` converts them to spend.

All functions work on whole arrays of impressions at once.

Examples
--------
>>> import numpy as np
>>> bids = bid_from_value([0.02, 0.05], value_per_click=0.1)   # CPM
>>> bids.round(6).tolist()
[2.0, 5.0]
>>> result = run_auction(bids, competing_bids=[3.0, 4.0], reserve_price=1.0)
>>> result[["won", "price"]].to_dict("list")
{'won': [False, True], 'price': [0.0, 4.0]}
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd

from smartmkt_helpers._checks import non_negative_number, vector

__all__ = [
    "IMPRESSIONS_PER_CPM",
    "bid_from_value",
    "rival_bids",
    "run_auction",
    "auction_summary",
    "shade_bids",
]

#: Prices are per 1,000 impressions (CPM): the spend of one impression bought
#: at price ``p`` is ``p / IMPRESSIONS_PER_CPM``.
IMPRESSIONS_PER_CPM = 1_000


def _non_negative(values: Any, name: str) -> np.ndarray:
    array = vector(values, name, what="one per impression")
    if (array < 0).any():
        raise ValueError(f"{name} must be non-negative")
    return array


def bid_from_value(p_click: Any, value_per_click: float, *, multiplier: float = 1.0) -> np.ndarray:
    """CPM bids worth ``multiplier x value_per_click x p_click`` per impression.

    With ``multiplier=1`` the bid is the impression's expected value, the
    truthful bid of a second-price auction; a multiplier below 1 shades the
    bid (used for budget pacing), above 1 inflates it.

    Examples
    --------
    >>> bid_from_value([0.01, 0.03], value_per_click=0.5, multiplier=0.5).tolist()
    [2.5, 7.5]
    """
    p = _non_negative(p_click, "p_click")
    if (p > 1).any():
        raise ValueError("p_click must hold probabilities between 0 and 1")
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
    """Simulate the CPM bids of ``n_bidders`` competing value bidders.

    Each rival bids its own value of a click times its own, noisy estimate
    of the click probability: ``value_j x p_click x LogNormal(0, noise_sd^2)``,
    where ``value_j = value_per_click x LogNormal(0, value_sd^2)`` differs
    from rival to rival.

    Returns
    -------
    numpy.ndarray
        Shape (impressions, n_bidders).

    Examples
    --------
    >>> rival_bids([0.01, 0.02, 0.03], n_bidders=4, value_per_click=1.0).shape
    (3, 4)
    """
    p = _non_negative(p_click, "p_click")
    if (p > 1).any():
        raise ValueError("p_click must hold probabilities between 0 and 1")
    if isinstance(n_bidders, bool) or not isinstance(n_bidders, numbers.Integral) or n_bidders < 1:
        raise ValueError(f"n_bidders must be a positive integer, got {n_bidders!r}")
    value = non_negative_number(value_per_click, "value_per_click")
    noise_sd = non_negative_number(noise_sd, "noise_sd")
    value_sd = non_negative_number(value_sd, "value_sd")
    rng = np.random.default_rng(random_state)
    values = value * rng.lognormal(0.0, value_sd, n_bidders)
    estimates = p[:, None] * rng.lognormal(0.0, noise_sd, (len(p), n_bidders))
    return values[None, :] * estimates * IMPRESSIONS_PER_CPM


def run_auction(
    bids: Any,
    competing_bids: Any,
    *,
    reserve_price: Any = 0.0,
    pricing: str = "second",
) -> pd.DataFrame:
    """Run one sealed-bid auction per impression against competing bids.

    Our bid wins an impression when it is at least the reserve price and
    strictly higher than every competing bid (ties go to the rival). The
    winner pays, under ``pricing="second"``, the larger of the highest
    competing bid and the reserve price; under ``pricing="first"``, its own
    bid.

    Parameters
    ----------
    bids : array-like, shape (n,)
        Our CPM bid for each impression (0 means do not bid).
    competing_bids : array-like, shape (n,) or (n, k)
        The highest competing bid per impression, or the bids of ``k``
        rivals (the highest is used).
    reserve_price : float or array-like of shape (n,), default 0
        The seller's minimum price.
    pricing : {"second", "first"}
        The payment rule.

    Returns
    -------
    pandas.DataFrame
        One row per impression: ``won`` (bool), ``price`` (CPM paid, 0 when
        lost) and ``highest_competing_bid``.

    Examples
    --------
    >>> import numpy as np
    >>> rivals = np.array([[1.0, 2.5], [4.0, 0.5]])
    >>> run_auction([3.0, 3.0], rivals, pricing="first")["price"].tolist()
    [3.0, 0.0]
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
    return pd.DataFrame({
        "won": won,
        "price": np.where(won, paid, 0.0),
        "highest_competing_bid": highest,
    })


def auction_summary(won: Any, price: Any, p_click: Any, *, clicks: Any = None) -> pd.Series:
    """Impressions, spend, expected clicks and cost per click of won auctions.

    ``p_click`` is the click probability used to *score* the result (on the
    simulated log, the true one), not necessarily the one the bids came from.
    ``spend`` is in currency (CPM prices divided by 1,000); ``clicks`` (0/1
    per impression), when given, adds the clicks actually observed.

    Examples
    --------
    >>> summary = auction_summary([True, True, False], [2.0, 4.0, 0.0], [0.01, 0.02, 0.5])
    >>> summary[["impressions", "spend", "expected_clicks"]].round(3).tolist()
    [2.0, 0.006, 0.03]
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
    """First-price bids that maximise the expected surplus ``(v - b) W(b)``.

    For every impression of value ``v`` (CPM), the candidate bids are
    ``m x v`` for each multiplier ``m``; the chosen bid has the largest
    expected surplus ``(v - b) x W(b)``, where ``W(b)`` is the probability
    of winning with bid ``b`` (the first candidate wins ties). A winner pays
    its bid only when it wins, so a lost auction costs nothing.

    Parameters
    ----------
    values : array-like, shape (n,)
        Each impression's value to us, in CPM.
    win_rate : callable
        ``win_rate(bids, values)`` returns the probability of winning each
        auction with the given bids (1-D arrays of the same length).
    multipliers : array-like
        The shading factors to try, between 0 and 1.

    Examples
    --------
    >>> import numpy as np
    >>> def uniform_rivals(bids, values):   # highest rival bid uniform on [0, 10]
    ...     return np.clip(bids / 10, 0, 1)
    >>> shade_bids([4.0, 8.0], uniform_rivals, [0.25, 0.5, 0.75, 1.0]).tolist()
    [2.0, 4.0]
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
        raise ValueError(
            f"win_rate returned shape {chance.shape}; expected one probability per bid ({candidates.size})"
        )
    surplus = (value[:, None] - candidates) * chance.reshape(candidates.shape)
    return candidates[np.arange(len(value)), surplus.argmax(axis=1)]
