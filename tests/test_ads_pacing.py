"""Budget pacing: spend plans, the day simulation and the hindsight multiplier."""

from __future__ import annotations

import numpy as np
import pytest

from smartmkt_helpers.ads import auction, pacing
from smartmkt_helpers.simulate.pacing import simulate_day


@pytest.fixture(scope="module")
def day():
    rng = np.random.default_rng(0)
    n = 40_000
    hours = rng.uniform(0, 24, n)
    values = rng.lognormal(0.5, 0.6, n)          # CPM value of each impression
    market = rng.lognormal(0.3, 0.6, n)          # highest competing bid
    unlimited = auction.run_auction(values, market)["price"].sum() / auction.IMPRESSIONS_PER_CPM
    return values, market, hours, 0.3 * unlimited


def test_spend_plan_follows_traffic():
    plan = pacing.spend_plan([1, 1, 1, 13], n_steps=48)
    assert plan.shape == (48,)
    assert plan.sum() == pytest.approx(1.0)
    assert plan[2] == pytest.approx(0.375) and plan[26] == pytest.approx(0.125)
    with pytest.raises(ValueError, match="multiple of 24"):
        pacing.spend_plan([1], n_steps=50)
    with pytest.raises(ValueError, match=r"\[0, 24\)"):
        pacing.spend_plan([24.0])


def test_no_strategy_overspends_and_unpaced_runs_out_early(day):
    values, market, hours, budget = day
    results = {s: simulate_day(values, market, hours, budget=budget, strategy=s)
               for s in pacing.STRATEGIES}
    for result in results.values():
        assert result.spend <= budget + 1e-9
        assert result.price[~result.won].sum() == 0
        assert result.steps["cumulative_spend"].iloc[-1] == pytest.approx(result.spend)
    gone = results["none"].steps.loc[results["none"].steps["cumulative_spend"] >= 0.99 * budget, "hour"]
    assert gone.min() < 12                        # the unpaced bidder is broke by midday
    for name in ("throttle", "bid_scaling"):
        steps = results[name].steps
        assert results[name].spend > 0.95 * budget
        half_day = steps.loc[steps["hour"] < 12, "spend"].sum()
        assert 0.35 * budget < half_day < 0.65 * budget   # spread over the day


def test_bid_scaling_buys_more_value_than_throttling(day):
    values, market, hours, budget = day
    bought = {}
    for strategy in ("throttle", "bid_scaling"):
        result = simulate_day(values, market, hours, budget=budget, strategy=strategy)
        bought[strategy] = values[result.won].sum()
    assert bought["bid_scaling"] > 1.2 * bought["throttle"]


def test_controller_stays_within_bounds(day):
    values, market, hours, budget = day
    result = simulate_day(values, market, hours, budget=budget, strategy="throttle",
                                 bounds=(0.2, 0.6), gain=2.0)
    assert result.steps["control"].between(0.2, 0.6).all()
    unpaced = simulate_day(values, market, hours, budget=budget, strategy="none")
    assert (unpaced.steps["control"] == 1.0).all()


def test_throttle_is_reproducible_with_a_seed(day):
    values, market, hours, budget = day
    first = simulate_day(values, market, hours, budget=budget, strategy="throttle", random_state=3)
    again = simulate_day(values, market, hours, budget=budget, strategy="throttle", random_state=3)
    np.testing.assert_array_equal(first.won, again.won)


def test_hindsight_multiplier_spends_the_budget(day):
    values, market, hours, budget = day
    multiplier = pacing.hindsight_bid_multiplier(values, market, budget)
    assert 0 < multiplier < 1
    spend = auction.run_auction(multiplier * values, market)["price"].sum() / 1000
    assert spend <= budget
    assert spend > 0.99 * budget
    assert pacing.hindsight_bid_multiplier(values, market, budget=1e9) == 1.0


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (dict(budget=0), ValueError, "budget must be a positive"),
        (dict(budget=1.0, strategy="fast"), ValueError, "strategy must be one of"),
        (dict(budget=1.0, n_steps=10), ValueError, "n_steps must be at least 24"),
        (dict(budget=1.0, n_steps=50), ValueError, "multiple of 24"),
        (dict(budget=1.0, plan=np.ones(5)), ValueError, "plan has 5 steps"),
        (dict(budget=1.0, gain=-1), ValueError, "gain"),
        (dict(budget=1.0, strategy="throttle", bounds=(0.5, 0.1)), ValueError, "bounds"),
    ],
)
def test_simulate_day_rejects_bad_settings(kwargs, error, message):
    with pytest.raises(error, match=message):
        simulate_day([1.0, 2.0], [0.5, 0.5], [1.0, 2.0], **kwargs)


def test_simulate_day_rejects_bad_arrays():
    with pytest.raises(ValueError, match="same length"):
        simulate_day([1.0, 2.0], [0.5], [1.0, 2.0], budget=1.0)
    with pytest.raises(ValueError, match=r"\[0, 24\)"):
        simulate_day([1.0], [0.5], [25.0], budget=1.0)
    with pytest.raises(ValueError, match="values contains NaN"):
        simulate_day([np.nan], [0.5], [1.0], budget=1.0)
    with pytest.raises(ValueError, match="same length"):
        pacing.hindsight_bid_multiplier([1.0], [1.0, 2.0], budget=1.0)
    with pytest.raises(ValueError, match="budget"):
        pacing.hindsight_bid_multiplier([1.0], [1.0], budget=-1.0)
