"""The creative twin: known click model, encodings and bad inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartmkt_helpers.simulate import creatives as twin_module
from smartmkt_helpers.simulate.creatives import (
    all_creatives,
    encode_creatives,
    encode_customers,
    simulate_creatives,
    true_ctr,
)


@pytest.fixture(scope="module")
def twin():
    return simulate_creatives(n_impressions=50_000, n_creatives=20, random_state=3)


def test_twin_is_reproducible(twin):
    again = simulate_creatives(n_impressions=50_000, n_creatives=20, random_state=3)
    pd.testing.assert_frame_equal(twin.impressions, again.impressions)
    other = simulate_creatives(n_impressions=50_000, n_creatives=20, random_state=4)
    assert not twin.creatives.equals(other.creatives)


def test_observed_ctr_matches_true_ctr(twin):
    table = true_ctr(twin.creatives, twin.customers, twin.ground_truth)
    # creatives are shown uniformly, customers by their share
    expected = (twin.customers["share"].to_numpy()[:, None] * table).sum(axis=0).mean()
    observed = twin.impressions["click"].mean()
    assert observed == pytest.approx(expected, abs=4 * np.sqrt(expected / len(twin.impressions)))
    assert np.isclose(twin.customers["share"].sum(), 1.0)


def test_best_creative_depends_on_segment(twin):
    candidates = all_creatives()
    table = true_ctr(candidates, twin.customers, twin.ground_truth)
    share = twin.customers["share"].to_numpy()
    best = set()
    for segment in twin_module.SEGMENTS:
        members = (twin.customers["segment"] == segment).to_numpy()
        best.add(int(np.argmax(share[members] @ table[members])))
    assert len(best) > 1


def test_encodings_have_one_hot_structure(twin):
    creative_x = encode_creatives(twin.creatives)
    assert creative_x.shape == (20, 20)
    assert (creative_x[:, :12].sum(axis=1) == 3).all()
    assert (creative_x[:, 12:].sum(axis=1) == 2).all()
    customer_x = encode_customers(twin.customers)
    assert (customer_x.sum(axis=1) == 3).all()


def test_bad_input_is_rejected(twin):
    with pytest.raises(ValueError, match="n_impressions"):
        simulate_creatives(n_impressions=0)
    with pytest.raises(TypeError, match="n_creatives"):
        simulate_creatives(n_creatives=2.5)
    with pytest.raises(ValueError, match="at most"):
        simulate_creatives(n_creatives=10_000)
    with pytest.raises(ValueError, match="random_state"):
        simulate_creatives(random_state=-1)
    bad = twin.creatives.copy()
    bad.loc[0, "image_style"] = "hologram"
    with pytest.raises(ValueError, match="hologram"):
        true_ctr(bad, twin.customers, twin.ground_truth)
    repeated = twin.creatives.copy()
    repeated["word_2"] = repeated["word_1"]
    with pytest.raises(ValueError, match="repeats a word"):
        encode_creatives(repeated)
    with pytest.raises(ValueError, match="missing the column segment"):
        encode_customers(twin.customers.drop(columns="segment"))
    with pytest.raises(ValueError, match="empty"):
        true_ctr(twin.creatives.iloc[:0], twin.customers, twin.ground_truth)
