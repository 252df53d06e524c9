"""Self-checks for chapter 7: bidding and budget."""

from __future__ import annotations

from typing import Any

import numpy as np

from smartmkt_helpers.exercises import register
from smartmkt_helpers.exercises.checking import CheckResult, check_answer

_CPM = 1_000


def _vector(values: Any, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != 1 or len(array) == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {array.shape}")
    if np.isnan(array).any():
        raise ValueError(f"{name} contains NaN")
    return array


@register("7.1")
def _normalised_entropy(answer: Any, *, clicks: Any, p_click: Any, train_clicks: Any) -> CheckResult:
    y = _vector(clicks, "clicks")
    p = np.clip(_vector(p_click, "p_click"), 1e-15, 1 - 1e-15)
    if len(p) != len(y):
        raise ValueError(f"clicks and p_click differ in length ({len(y)} and {len(p)})")
    rate = float(_vector(train_clicks, "train_clicks").mean())
    loss = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    base_entropy = -(rate * np.log(rate) + (1 - rate) * np.log(1 - rate))
    expected = loss / base_entropy
    test_rate = y.mean()
    test_entropy = -(test_rate * np.log(test_rate) + (1 - test_rate) * np.log(1 - test_rate))
    return check_answer(
        answer, expected, name="normalised_entropy", mistakes={
            "You divided the base rate's entropy by the model's log loss: the ratio is upside down (a good "
            "model gives a value below 1).": 1 / expected,
            "You subtracted instead of dividing: normalised cross-entropy is a ratio.": loss - base_entropy,
            "You used the click rate of the test day; He et al. normalise by the click rate of the training "
            "data, which is what a model could know in advance.": loss / test_entropy})


@register("7.2")
def _reserve_spend(answer: Any, *, bids: Any, competing_bids: Any, reserve_price: float) -> CheckResult:
    ours = _vector(bids, "bids")
    rivals = _vector(competing_bids, "competing_bids")
    if len(ours) != len(rivals):
        raise ValueError(f"bids and competing_bids differ in length ({len(ours)} and {len(rivals)})")
    wins = (ours > rivals) & (ours >= reserve_price)
    expected = float(np.maximum(rivals, reserve_price)[wins].sum() / _CPM)
    no_reserve_wins = ours > rivals
    return check_answer(
        answer, expected, name="reserve_spend", mistakes={
            "That is the spend in CPM units. Prices are per 1,000 impressions: divide by 1,000.":
                expected * _CPM,
            "You paid your own bid: that is the first-price rule. In a second-price auction the winner pays "
            "the larger of the highest competing bid and the reserve.": float(ours[wins].sum() / _CPM),
            "You ignored the reserve price: an impression is lost when the bid is below it, and the price is "
            "never below it.": float(rivals[no_reserve_wins].sum() / _CPM)})


@register("7.3")
def _shaded_bids(answer: Any, *, values: Any, win_rate: Any, multipliers: Any) -> CheckResult:
    value = _vector(values, "values")
    grid = _vector(multipliers, "multipliers")
    if not callable(win_rate):
        raise TypeError("win_rate must be the function win_rate(bids, values)")
    candidates = value[:, None] * grid[None, :]
    chance = np.asarray(win_rate(candidates.ravel(), np.repeat(value, len(grid))), dtype=float)
    chance = chance.reshape(candidates.shape)
    rows = np.arange(len(value))

    def best(score: np.ndarray) -> np.ndarray:
        return candidates[rows, score.argmax(axis=1)]

    expected = best((value[:, None] - candidates) * chance)
    chosen_multipliers = grid[((value[:, None] - candidates) * chance).argmax(axis=1)]
    return check_answer(
        answer, expected, name="shaded_bids", rtol=1e-6, atol=1e-9, mistakes={
            "These are the multipliers, not the bids: multiply each impression's best multiplier by its "
            "value.": chosen_multipliers,
            "You subtracted the bid from every auction, won or lost (v W(b) - b). In a first-price auction "
            "you pay your bid only when you win: maximise (v - b) W(b).":
                best(value[:, None] * chance - candidates),
            "You maximised the chance of winning, which always picks the largest multiplier: the surplus "
            "(v - b) W(b) trades the margin against the chance.": best(chance),
            "You maximised the margin v - b alone, which always picks the smallest multiplier and rarely "
            "wins: weight the margin by the win rate W(b).": value * grid.min()})
