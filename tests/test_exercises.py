"""The exercise self-checks registered for the chapters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartmkt_helpers import exercises
from smartmkt_helpers.exercises import check_exercise


@pytest.fixture
def ad_log() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "creative": ["A", "B", "A", "B"],
            "impressions": [1000, 100, 100, 1000],
            "clicks": [10, 5, 9, 20],
        }
    )


def test_unknown_exercise_lists_the_known_ones():
    with pytest.raises(ValueError, match="no exercise '9.9'.*0.1"):
        check_exercise("9.9", 1.0)


def test_an_exercise_cannot_be_registered_twice():
    assert "0.1" in exercises.known_exercises()  # the chapters' checkers are registered by now
    with pytest.raises(ValueError, match="already has a checker"):
        exercises.register("0.1")(lambda answer: None)


def test_ctr_by_creative(ad_log):
    right = pd.Series({"A": 19 / 1100, "B": 25 / 1100})
    assert check_exercise("0.1", right, ad_log=ad_log)
    mean_of_daily = pd.Series({"A": (0.01 + 0.09) / 2, "B": (0.05 + 0.02) / 2})
    result = check_exercise("0.1", mean_of_daily, ad_log=ad_log)
    assert not result and "averaged the daily rates" in result.message
    assert "percentage" in check_exercise("0.1", right * 100, ad_log=ad_log).message


def test_ctr_by_creative_rejects_a_log_without_clicks(ad_log):
    with pytest.raises(ValueError, match="ad_log has no column\\(s\\) \\['clicks'\\]"):
        check_exercise("0.1", None, ad_log=ad_log.drop(columns="clicks"))


def test_baseline_log_loss():
    clicks = np.array([1, 0, 0, 0])
    expected = -(0.25 * np.log(0.25) + 0.75 * np.log(0.75))
    assert check_exercise("0.2", expected, clicks=clicks)
    assert "bits" in check_exercise("0.2", expected / np.log(2), clicks=clicks).message
    assert "base 10" in check_exercise("0.2", expected / np.log(10), clicks=clicks).message
    assert "rate itself" in check_exercise("0.2", 0.25, clicks=clicks).message
    assert "sign is flipped" in check_exercise("0.2", -expected, clicks=clicks).message


def test_baseline_log_loss_on_held_out_clicks_uses_the_training_rate():
    train_clicks = np.array([1, 0, 0, 0])
    held_out = np.array([1, 1, 0, 0, 0])
    expected = -(0.4 * np.log(0.25) + 0.6 * np.log(0.75))
    assert check_exercise("0.2", expected, clicks=held_out, train_clicks=train_clicks)
    with_held_out_rate = -(0.4 * np.log(0.4) + 0.6 * np.log(0.6))
    assert not check_exercise("0.2", with_held_out_rate, clicks=held_out, train_clicks=train_clicks)
    on_training = -(0.25 * np.log(0.25) + 0.75 * np.log(0.75))
    result = check_exercise("0.2", on_training, clicks=held_out, train_clicks=train_clicks)
    assert "training impressions" in result.message
    with pytest.raises(ValueError, match="train_clicks must be a non-empty 1-D array"):
        check_exercise("0.2", 0.3, clicks=held_out, train_clicks=np.array([]))


@pytest.mark.parametrize("clicks", [np.array([]), np.zeros((2, 2))])
def test_baseline_log_loss_rejects_bad_click_arrays(clicks):
    with pytest.raises(ValueError, match="non-empty 1-D array"):
        check_exercise("0.2", 0.3, clicks=clicks)


def test_strongest_feature():
    weights = pd.Series({"returning": 0.6, "mobile": -1.4, "discount": 1.0})
    assert check_exercise("0.3", "discount", weights=weights)
    assert "negative" in check_exercise("0.3", "mobile", weights=weights).message
    assert "not one of the features" in check_exercise("0.3", "price", weights=weights).message


def test_strongest_feature_rejects_empty_weights():
    with pytest.raises(ValueError, match="non-empty pandas Series"):
        check_exercise("0.3", "x", weights=pd.Series(dtype=float))


@pytest.fixture
def events() -> pd.DataFrame:
    """A tiny event log: two buyers (one buys twice), one browser, over one week."""
    rows = [
        # customer, event, timestamp
        (1, "impression", "2024-01-01 10:00"), (1, "click", "2024-01-01 10:01"),
        (1, "view", "2024-01-01 10:02"), (1, "cart", "2024-01-01 10:03"),
        (1, "purchase", "2024-01-01 10:04"),
        (2, "impression", "2024-01-06 12:00"), (2, "click", "2024-01-06 12:01"),
        (2, "view", "2024-01-06 12:02"), (2, "cart", "2024-01-06 12:03"),
        (2, "purchase", "2024-01-06 12:04"), (2, "purchase", "2024-01-07 09:00"),
        (3, "impression", "2024-01-03 08:00"), (3, "impression", "2024-01-03 08:05"),
    ]
    frame = pd.DataFrame(rows, columns=["customer_id", "event", "timestamp"])
    frame["timestamp"] = pd.to_datetime(frame["timestamp"])
    return frame


def test_funnel_step_rates(events):
    expected = pd.Series({"click": 2 / 4, "view": 1.0, "cart": 1.0, "purchase": 3 / 2})
    assert check_exercise("1.1", expected, events=events)
    wrong = check_exercise("1.1", pd.Series({"click": 0.5, "view": 0.5, "cart": 0.5,
                                             "purchase": 0.75}), events=events)
    assert not wrong and "step just before" in wrong.message


def test_one_time_buyer_share(events):
    assert check_exercise("1.2", 0.5, events=events)
    wrong = check_exercise("1.2", 1 / 3, events=events)
    assert not wrong and "never bought" in wrong.message


def test_weekend_lift(events):
    # Purchases on Mon 1 Jan (1), Sat 6 Jan (1) and Sun 7 Jan (1): 7 calendar days.
    assert check_exercise("1.3", (2 / 2) / (1 / 5), events=events)
    wrong = check_exercise("1.3", 2 / 1, events=events)
    assert not wrong and "totals" in wrong.message


def test_event_checks_name_a_missing_column(events):
    with pytest.raises(ValueError, match="events has no column"):
        check_exercise("1.3", 1.0, events=events.drop(columns="timestamp"))
