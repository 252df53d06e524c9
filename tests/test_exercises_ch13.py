"""Tests for the chapter 13 self-checks (smartmkt_helpers/exercises/ch13.py)."""

import pytest

from smartmkt_helpers.exercises import check_exercise


def test_ease_gigabytes_right_and_named_mistakes():
    assert check_exercise("13.1", 320.0, num_items=200_000, bytes_per_value=8)
    linear = check_exercise("13.1", 200_000 * 8 / 1e9, num_items=200_000, bytes_per_value=8)
    assert not linear and "square" in linear.message
    values = check_exercise("13.1", 200_000 ** 2 / 1e9, num_items=200_000, bytes_per_value=8)
    assert not values and "bytes" in values.message
    assert "320" not in check_exercise("13.1", 1.0, num_items=200_000).message


def test_als_factor_megabytes_right_and_named_mistakes():
    context = {"num_users": 10_000_000, "num_items": 200_000, "rank": 64, "bytes_per_value": 4}
    assert check_exercise("13.2", 2611.2, **context)
    items_only = check_exercise("13.2", 200_000 * 64 * 4 / 1e6, **context)
    assert not items_only and "user" in items_only.message
    doubles = check_exercise("13.2", 10_200_000 * 64 * 8 / 1e6, **context)
    assert not doubles and "32-bit" in doubles.message


@pytest.mark.parametrize(("bad", "error"), [(0, ValueError), (-3, ValueError), (2.5, TypeError), (True, TypeError)])
def test_the_checks_refuse_bad_sizes(bad, error):
    with pytest.raises(error, match="num_items"):
        check_exercise("13.1", 1.0, num_items=bad)
    with pytest.raises(error, match="rank"):
        check_exercise("13.2", 1.0, num_users=10, num_items=10, rank=bad)
