"""Second- and first-price auctions, value bids and rival bidders."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartmkt_helpers.ads import auction


def test_bid_is_value_times_click_probability_in_cpm():
    bids = auction.bid_from_value([0.0, 0.01, 0.5], value_per_click=2.0)
    np.testing.assert_allclose(bids, [0.0, 20.0, 1000.0])
    np.testing.assert_allclose(auction.bid_from_value([0.01], 2.0, multiplier=0.5), [10.0])


def test_second_price_winner_pays_the_highest_rival_or_the_reserve():
    result = auction.run_auction([5.0, 5.0, 5.0, 1.0], [3.0, 6.0, 1.0, 0.5], reserve_price=2.0)
    assert result["won"].tolist() == [True, False, True, False]   # last: below reserve
    assert result["price"].tolist() == [3.0, 0.0, 2.0, 0.0]
    assert result["highest_competing_bid"].tolist() == [3.0, 6.0, 1.0, 0.5]


def test_ties_and_zero_bids_lose():
    result = auction.run_auction([3.0, 0.0], [3.0, 0.0])
    assert not result["won"].any()


def test_first_price_winner_pays_its_bid_and_rivals_matrix_is_reduced():
    rivals = np.array([[1.0, 2.0, 0.5], [4.0, 1.0, 1.0]])
    result = auction.run_auction([3.0, 3.0], rivals, pricing="first")
    assert result["won"].tolist() == [True, False]
    assert result["price"].tolist() == [3.0, 0.0]


def test_truthful_bidding_maximises_surplus_in_second_price():
    rng = np.random.default_rng(0)
    values = rng.uniform(0, 10, 5_000)
    rivals = rng.uniform(0, 10, (5_000, 3))

    def surplus(multiplier, pricing):
        result = auction.run_auction(values * multiplier, rivals, pricing=pricing)
        return float((values - result["price"])[result["won"]].sum())

    second = {m: surplus(m, "second") for m in (0.6, 0.8, 1.0, 1.2, 1.5)}
    assert max(second, key=second.get) == 1.0
    first = {m: surplus(m, "first") for m in (0.6, 0.8, 1.0)}
    assert first[1.0] == pytest.approx(0.0)
    assert first[0.8] > first[1.0]


def test_reserve_may_vary_by_impression():
    result = auction.run_auction([5.0, 5.0], [1.0, 1.0], reserve_price=[2.0, 6.0])
    assert result["won"].tolist() == [True, False]
    assert result["price"].tolist() == [2.0, 0.0]


def test_rival_bids_shape_scale_and_seed():
    p = np.full(20_000, 0.02)
    bids = auction.rival_bids(p, n_bidders=3, value_per_click=1.0, noise_sd=0.0, value_sd=0.0)
    np.testing.assert_allclose(bids, 20.0)
    noisy = auction.rival_bids(p, n_bidders=3, value_per_click=1.0, random_state=1)
    assert noisy.shape == (20_000, 3)
    np.testing.assert_array_equal(noisy, auction.rival_bids(p, n_bidders=3, value_per_click=1.0, random_state=1))
    assert np.median(noisy) == pytest.approx(20.0, rel=0.3)


def test_auction_summary():
    summary = auction.auction_summary(
        np.array([True, False, True]), [4.0, 0.0, 6.0], [0.1, 0.9, 0.4], clicks=[1, 1, 0])
    assert summary["impressions"] == 2
    assert summary["spend"] == pytest.approx(0.01)
    assert summary["expected_clicks"] == pytest.approx(0.5)
    assert summary["cost_per_click"] == pytest.approx(0.02)
    assert summary["clicks"] == 1
    assert np.isnan(auction.auction_summary(np.array([False]), [0.0], [0.5])["cost_per_click"])


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: auction.run_auction([1.0, 2.0], [1.0]), ValueError, "has 1 values but bids has 2"),
        (lambda: auction.run_auction([1.0], [[1.0, 2.0], [3.0, 4.0]]), ValueError, "2 rows but bids has 1"),
        (lambda: auction.run_auction([-1.0], [1.0]), ValueError, "bids must be non-negative"),
        (lambda: auction.run_auction([np.nan], [1.0]), ValueError, "bids contains NaN"),
        (lambda: auction.run_auction([1.0], [np.inf]), ValueError, "infinite"),
        (lambda: auction.run_auction([], []), ValueError, "empty"),
        (lambda: auction.run_auction([1.0], [1.0], pricing="third"), ValueError, "pricing"),
        (lambda: auction.run_auction([1.0], [1.0], reserve_price=-1), ValueError, "reserve_price"),
        (lambda: auction.run_auction([1.0], [1.0], reserve_price="1"), TypeError, "reserve_price"),
        (lambda: auction.run_auction([[1.0]], [1.0]), ValueError, "1-D"),
        (lambda: auction.bid_from_value([1.5], 1.0), ValueError, "probabilities"),
        (lambda: auction.bid_from_value([0.1], -1.0), ValueError, "value_per_click"),
        (lambda: auction.rival_bids([0.1], n_bidders=0, value_per_click=1.0), ValueError, "n_bidders"),
        (lambda: auction.auction_summary([1, 0], [1.0, 0.0], [0.1, 0.1]), TypeError, "boolean"),
        (lambda: auction.auction_summary(np.array([True]), [1.0, 0.0], [0.1]), ValueError, "same length"),
    ],
)
def test_bad_input_is_rejected(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_accepts_pandas_series():
    result = auction.run_auction(pd.Series([2.0]), pd.Series([1.0]))
    assert result["won"].item()


def test_shade_bids_maximises_the_expected_surplus():
    # highest rival bid uniform on [0, 10]: W(b) = b / 10, so (v - b) b / 10 peaks at b = v / 2
    def uniform_rivals(bids, values):
        return np.clip(np.asarray(bids) / 10, 0, 1)

    grid = np.round(np.arange(0.05, 1.001, 0.05), 2)
    values = np.array([2.0, 6.0, 9.0])
    np.testing.assert_allclose(auction.shade_bids(values, uniform_rivals, grid), values / 2)
    # a bidder who always wins should bid the least it can
    np.testing.assert_allclose(auction.shade_bids(values, lambda b, v: np.ones(len(b)), grid), 0.05 * values)
    with pytest.raises(TypeError, match="win_rate must be a function"):
        auction.shade_bids(values, 0.5, grid)
    with pytest.raises(ValueError, match="one probability per bid"):
        auction.shade_bids(values, lambda b, v: np.ones(3), grid)
    with pytest.raises(ValueError, match="multipliers"):
        auction.shade_bids(values, uniform_rivals, [])
