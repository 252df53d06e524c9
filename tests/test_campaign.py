"""The e-mail campaign simulator and its ground truth."""

from __future__ import annotations

import numpy as np
import pytest

from smartmkt_helpers.simulate import Shop, campaign
from smartmkt_helpers.simulate.campaign import simulate_campaign
from smartmkt_helpers.simulate.shop import CATEGORIES


@pytest.fixture(scope="module")
def shop() -> Shop:
    return Shop(random_state=0, n_customers=4_000)


def test_outcomes_follow_the_true_probabilities(shop):
    everyone = np.ones(4_000, dtype=bool)
    rates = [simulate_campaign(shop, everyone, "beauty", random_state=s).frame["purchased"].mean() for s in range(5)]
    truth = simulate_campaign(shop, everyone, "beauty").truth
    expected = truth["p_purchase_contacted"].mean()
    standard_error = np.sqrt(expected * (1 - expected) / 4_000 / 5)
    assert abs(np.mean(rates) - expected) < 4 * standard_error


def test_only_contacted_customers_get_the_email_effect(shop):
    contacted = np.arange(4_000) % 2 == 0
    result = simulate_campaign(shop, contacted, "home", random_state=3)
    frame, truth = result.frame, result.truth
    assert frame["contacted"].tolist() == contacted.tolist()
    # the truth is the same whoever is contacted; outcomes are not
    other = simulate_campaign(shop, ~contacted, "home", random_state=3)
    assert other.truth.equals(truth)
    assert not other.frame["purchased"].equals(frame["purchased"])
    assert (frame.loc[frame["purchased"] == 0, "revenue"] == 0).all()
    assert (frame.loc[frame["purchased"] == 1, "revenue"] > 0).all()


def test_revenue_uplift_is_the_difference_of_expected_revenues(shop):
    truth = simulate_campaign(shop, np.zeros(4_000, bool), "shoes").truth
    difference = truth["expected_revenue_contacted"] - truth["expected_revenue_not_contacted"]
    assert np.allclose(truth["revenue_uplift"], difference)
    # e-mail helps on average, yet some customers are sleeping dogs
    assert truth["revenue_uplift"].mean() > 0
    assert (truth["revenue_uplift"] < 0).any()


def test_a_relevant_category_works_better(shop):
    favourite = np.array(CATEGORIES)[shop.preferences[:4_000].argmax(axis=1)]
    least = np.array(CATEGORIES)[shop.preferences[:4_000].argmin(axis=1)]
    nobody = np.zeros(4_000, bool)
    favourite_uplift = simulate_campaign(shop, nobody, favourite).truth["revenue_uplift"]
    least_uplift = simulate_campaign(shop, nobody, least).truth["revenue_uplift"]
    assert (favourite_uplift >= least_uplift - 1e-12).all()
    assert favourite_uplift.mean() > 1.5 * least_uplift.mean()


def test_mean_basket_matches_the_constant(shop):
    everyone = np.ones(4_000, dtype=bool)
    frame = simulate_campaign(shop, everyone, "beauty", random_state=0).frame
    bought = frame["purchased"] == 1
    spend_level = shop.customers["spend_level"].to_numpy()[bought.to_numpy()]
    ratio = frame.loc[bought, "revenue"].to_numpy() / (campaign.BASKET_VALUE * spend_level)
    assert ratio.mean() == pytest.approx(1.0, abs=0.08)


def test_same_seed_same_outcomes(shop):
    contacted = np.arange(4_000) % 3 == 0
    first = simulate_campaign(shop, contacted, "toys & games", random_state=11).frame
    assert first.equals(simulate_campaign(shop, contacted, "toys & games", random_state=11).frame)


@pytest.mark.parametrize(
    ("contacted", "category", "message"),
    [
        (np.ones(10, bool), "beauty", "one entry per customer"),
        (np.full(4_000, 2), "beauty", "booleans"),
        (np.ones(4_000, bool), "garden", "unknown featured_category"),
        (np.ones(4_000, bool), ["beauty"] * 3, "one per customer"),
    ],
)
def test_bad_inputs_are_named(shop, contacted, category, message):
    with pytest.raises(ValueError, match=message):
        simulate_campaign(shop, contacted, category)


def test_bad_shop_and_window(shop):
    with pytest.raises(TypeError, match="shop must be"):
        simulate_campaign("shop", np.ones(3, bool), "beauty")
    with pytest.raises(ValueError, match="window_days"):
        simulate_campaign(shop, np.ones(4_000, bool), "beauty", window_days=0)
