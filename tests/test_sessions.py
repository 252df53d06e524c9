"""Tests for smartmkt_helpers.sessions."""

import numpy as np
import pandas as pd
import pytest

from smartmkt_helpers.sessions import (
    TransitionRecommender,
    build_sessions,
    pad_sessions,
    session_prefixes,
)


@pytest.fixture
def log():
    return pd.DataFrame({
        "session_id": [2, 1, 1, 1, 2, 3],
        "customer_id": [8, 7, 7, 7, 8, 9],
        "product_id": [5, 3, 3, 5, 2, 4],
        "timestamp": pd.to_datetime([10, 0, 1, 2, 11, 5], unit="s"),
    })


def test_build_sessions_orders_by_time_and_drops_repeats(log):
    sessions = build_sessions(log)
    assert sessions["session_id"].tolist() == [1, 3, 2]
    assert sessions["items"].tolist() == [[3, 5], [4], [5, 2]]
    assert sessions["length"].tolist() == [2, 1, 2]
    assert sessions["customer_id"].tolist() == [7, 9, 8]


def test_build_sessions_bad_input(log):
    with pytest.raises(TypeError, match="DataFrame"):
        build_sessions([1, 2])
    with pytest.raises(ValueError, match="product_id"):
        build_sessions(log.drop(columns="product_id"))
    with pytest.raises(ValueError, match="empty"):
        build_sessions(log.iloc[:0])
    with pytest.raises(ValueError, match="missing"):
        build_sessions(log.assign(product_id=[1.0, np.nan, 2, 3, 4, 5]))


def test_pad_sessions_left_pads_and_truncates():
    padded = pad_sessions([[1, 2, 3], [4], []], max_length=2)
    np.testing.assert_array_equal(padded, [[2, 3], [0, 4], [0, 0]])
    assert padded.dtype == np.int32


@pytest.mark.parametrize("max_length", [0, -1, 2.5, True])
def test_pad_sessions_rejects_bad_length(max_length):
    with pytest.raises(ValueError, match="max_length"):
        pad_sessions([[1]], max_length=max_length)


def test_pad_sessions_rejects_bad_items():
    with pytest.raises(ValueError, match="empty"):
        pad_sessions([], 3)
    with pytest.raises(ValueError, match=">= 1"):
        pad_sessions([[0, 1]], 3)
    with pytest.raises(TypeError, match="integer"):
        pad_sessions([[1.5]], 3)
    with pytest.raises(TypeError, match="sequence"):
        pad_sessions(5, 3)


def test_session_prefixes_every_position_is_a_target():
    prefixes, targets = session_prefixes([[1, 2, 3], [4, 5], [6]], max_length=3)
    np.testing.assert_array_equal(prefixes, [[0, 0, 1], [0, 1, 2], [0, 0, 4]])
    np.testing.assert_array_equal(targets, [2, 3, 5])


def test_session_prefixes_needs_a_pair():
    with pytest.raises(ValueError, match="two items"):
        session_prefixes([[1], [2]], max_length=2)


def test_transition_recommender_counts_and_backs_off():
    model = TransitionRecommender(n_items=5, popularity_weight=0.01)
    model.fit([[1, 2], [1, 2], [1, 3], [4]])
    assert model.transitions_[1, 2] == 2 and model.transitions_[2, 1] == 2
    scores = model.predict_scores([1, 4])
    assert scores[0].argmax() == 2
    assert np.isneginf(scores[:, 0]).all()
    # item 4 was never followed: popularity decides (1 is the most frequent)
    assert scores[1].argmax() == 1


def test_transition_recommender_directed():
    model = TransitionRecommender(n_items=4, symmetric=False).fit([[1, 2]])
    assert model.transitions_[1, 2] == 1 and model.transitions_[2, 1] == 0


def test_transition_recommender_bad_input():
    with pytest.raises(ValueError, match="n_items"):
        TransitionRecommender(n_items=1).fit([[1]])
    with pytest.raises(ValueError, match="popularity_weight"):
        TransitionRecommender(n_items=3, popularity_weight=-1).fit([[1]])
    with pytest.raises(ValueError, match="out of range"):
        TransitionRecommender(n_items=3).fit([[1, 3]])
    with pytest.raises(ValueError, match="not fitted"):
        TransitionRecommender(n_items=3).predict_scores([1])
    model = TransitionRecommender(n_items=3).fit([[1, 2]])
    with pytest.raises(ValueError, match="unknown item"):
        model.predict_scores([3])
    with pytest.raises(ValueError, match="non-empty"):
        model.predict_scores([])
    with pytest.raises(TypeError, match="integer"):
        model.predict_scores([1.5])
