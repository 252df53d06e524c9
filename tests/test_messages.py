"""Tests for smartmkt_helpers.simulate.messages."""

import numpy as np
import pandas as pd
import pytest

from smartmkt_helpers.simulate.messages import INTENT_SHARES, INTENTS, simulate_messages


@pytest.fixture(scope="module")
def messages():
    return simulate_messages(3_000, random_state=0)


def test_columns_and_types(messages):
    assert list(messages.columns) == ["message_id", "text", "intent", "second_intent", "num_typos"]
    assert messages["message_id"].tolist() == list(range(1, 3_001))
    assert messages["intent"].cat.categories.tolist() == list(INTENTS)
    assert messages["text"].str.len().gt(5).all()
    assert (messages["num_typos"] >= 0).all()


def test_same_seed_same_messages():
    pd.testing.assert_frame_equal(simulate_messages(200, random_state=3), simulate_messages(200, random_state=3))
    assert not simulate_messages(200, random_state=3)["text"].equals(simulate_messages(200, random_state=4)["text"])


def test_intent_shares_match(messages):
    shares = messages["intent"].value_counts(normalize=True).reindex(list(INTENTS))
    np.testing.assert_allclose(shares.to_numpy(), INTENT_SHARES, atol=0.03)


def test_second_intent_differs_and_has_the_asked_share(messages):
    second = messages["second_intent"]
    assert abs(second.notna().mean() - 0.1) < 0.03
    both = second.notna()
    assert (second[both].astype(str) != messages.loc[both, "intent"].astype(str)).all()


def test_typo_rate_controls_typos():
    clean = simulate_messages(500, random_state=1, typo_rate=0.0)
    noisy = simulate_messages(500, random_state=1, typo_rate=0.3)
    assert clean["num_typos"].sum() == 0
    assert noisy["num_typos"].mean() > 1


def test_no_ambiguity_when_share_is_zero():
    assert simulate_messages(300, random_state=2, ambiguous_share=0.0)["second_intent"].isna().all()


def test_texts_are_varied(messages):
    assert messages["text"].nunique() > 0.9 * len(messages)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_messages": 0}, "n_messages"),
        ({"n_messages": -5}, "n_messages"),
        ({"typo_rate": 1.5}, "typo_rate"),
        ({"ambiguous_share": -0.1}, "ambiguous_share"),
        ({"random_state": -1}, "random_state"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        simulate_messages(**kwargs)
