"""Self-checks of chapters 2, 3, 7 and 8 on small examples worked by hand.

(The other chapters' checkers are tested next to their helpers; every
checker is also run by its notebook's hidden cell, on right and wrong
answers.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartmkt_helpers.exercises import check_exercise


@pytest.fixture
def transactions() -> pd.DataFrame:
    # ten customers; customer 1 spends 100 in one purchase, customer 2 has the most purchases
    return pd.DataFrame({
        "customer_id": [1, 2, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        "amount": [100.0, 5.0, 5.0, 5.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 15.0],
    })


def test_2_1_top_decile_revenue_share(transactions):
    # the top 10% of ten customers is customer 1: 100 of 200
    assert check_exercise("2.1", 100 / 200, transactions=transactions)
    by_count = check_exercise("2.1", 15 / 200, transactions=transactions)
    assert not by_count and "number of purchases" in by_count.message


def test_2_2_one_kmeans_step():
    points = np.array([[0.0, 0.0], [0.0, 2.0], [10.0, 0.0], [12.0, 0.0], [20.0, 0.0]])
    centres = np.array([[0.0, 1.0], [11.0, 0.0]])
    # points 0, 1 go to centre 0; points 2, 3, 4 to centre 1 (mean x = 14)
    expected = np.array([[0.0, 1.0], [14.0, 0.0]])
    assert check_exercise("2.2", expected, points=points, centres=centres)
    medians = check_exercise("2.2", np.array([[0.0, 1.0], [12.0, 0.0]]), points=points, centres=centres)
    assert not medians and "median" in medians.message
    with pytest.raises(ValueError, match="centres must be a 2-D array"):
        check_exercise("2.2", expected, points=points, centres=np.zeros(2))


def test_2_3_inertia():
    points = np.array([[0.0], [4.0], [10.0]])
    labels = np.array([0, 0, 1])
    # the centre of cluster 0 is 2: squared distances 4 + 4 + 0
    assert check_exercise("2.3", 8.0, points=points, labels=labels)
    distances = check_exercise("2.3", 4.0, points=points, labels=labels)
    assert not distances and "not squared" in distances.message
    averaged = check_exercise("2.3", 8.0 / 3, points=points, labels=labels)
    assert not averaged and "averaged" in averaged.message
    with pytest.raises(ValueError, match="one cluster number per row"):
        check_exercise("2.3", 8.0, points=points, labels=[0, 1])


def test_2_4_best_segment_revenue_share():
    rfm = pd.DataFrame({"frequency": [5.0, 4.0, 1.0, 1.0], "total_amount": [50.0, 30.0, 10.0, 10.0]})
    labels = np.array([0, 0, 1, 1])
    assert check_exercise("2.4", 0.8, rfm=rfm, labels=labels)
    customers = check_exercise("2.4", 0.5, rfm=rfm, labels=labels)
    assert not customers and "share of customers" in customers.message


@pytest.fixture
def train() -> pd.DataFrame:
    return pd.DataFrame({
        "user_id": [1, 1, 1, 2, 2, 2, 3, 3],
        "item_id": [10, 11, 12, 10, 11, 13, 10, 13],
        "rating": [4, 5, 3, 4, 3, 2, 1, 5],
    })


def test_3_1_msd_similarity(train):
    # users 1 and 2 share items 10 (4, 4) and 11 (5, 3): msd = (0 + 4) / 2 = 2
    assert check_exercise("3.1", 1 / 3, train=train, user_a=1, user_b=2)
    distance = check_exercise("3.1", 2.0, train=train, user_a=1, user_b=2)
    assert not distance and "distance" in distance.message
    with pytest.raises(ValueError, match="no item in common"):
        check_exercise("3.1", 0.5, train=train.iloc[[2, 5]], user_a=1, user_b=2)


def test_3_2_user_based_prediction(train):
    # item 13 for user 1: raters 2 (msd 2 -> sim 1/3, rating 2) and 3 (msd 9 -> sim 1/10, rating 5)
    expected = (2 / 3 + 5 / 10) / (1 / 3 + 1 / 10)
    assert check_exercise("3.2", expected, train=train, user_id=1, item_id=13, num_neighbours=2)
    unweighted = check_exercise("3.2", 3.5, train=train, user_id=1, item_id=13, num_neighbours=2)
    assert not unweighted and "weighting" in unweighted.message
    # with one neighbour only the most similar user (2) votes
    assert check_exercise("3.2", 2.0, train=train, user_id=1, item_id=13, num_neighbours=1)


def test_3_3_popularity_precision():
    bench_train = pd.DataFrame({"user_id": [1, 2, 2, 3], "item_id": [10, 10, 11, 12]})
    bench_test = pd.DataFrame({"user_id": [1, 3], "item_id": [11, 10]})
    # popularity: 10 (2), 11 (1), 12 (1). Top-1 without seen: user 1 -> 11 (hit), user 3 -> 10 (hit)
    assert check_exercise("3.3", 1.0, bench_train=bench_train, bench_test=bench_test, k=1)
    with_seen = check_exercise("3.3", 0.5, bench_train=bench_train, bench_test=bench_test, k=1)
    assert not with_seen and "rated in training" in with_seen.message


def test_7_1_normalised_entropy():
    clicks = np.array([1, 0, 0, 0])
    p_click = np.array([0.5, 0.2, 0.2, 0.2])
    train_clicks = np.array([1, 0, 0, 0, 0])
    loss = -np.mean(np.log([0.5, 0.8, 0.8, 0.8]))
    base = -(0.2 * np.log(0.2) + 0.8 * np.log(0.8))
    assert check_exercise("7.1", loss / base, clicks=clicks, p_click=p_click, train_clicks=train_clicks)
    flipped = check_exercise("7.1", base / loss, clicks=clicks, p_click=p_click, train_clicks=train_clicks)
    assert not flipped and "upside down" in flipped.message
    with pytest.raises(ValueError, match="differ in length"):
        check_exercise("7.1", 1.0, clicks=clicks, p_click=p_click[:3], train_clicks=train_clicks)


def test_7_2_reserve_spend():
    bids = np.array([3000.0, 1500.0, 800.0])
    competing = np.array([1000.0, 2000.0, 500.0])
    # reserve 1000: win 1 (pay 1000) and not 3 (bid below reserve); 1.0 in currency units
    assert check_exercise("7.2", 1.0, bids=bids, competing_bids=competing, reserve_price=1000.0)
    first_price = check_exercise("7.2", 3.0, bids=bids, competing_bids=competing, reserve_price=1000.0)
    assert not first_price and "first-price" in first_price.message


def test_7_3_shaded_bids():
    # highest rival bid uniform on [0, 10]: W(b) = b / 10, the best first-price bid is half the value
    def win_rate(bids, values):
        return np.clip(np.asarray(bids) / 10, 0, 1)

    values = np.array([2.0, 6.0, 8.0])
    grid = np.array([0.25, 0.5, 0.75, 1.0])
    context = dict(values=values, win_rate=win_rate, multipliers=grid)
    assert check_exercise("7.3", values / 2, **context)
    multipliers = check_exercise("7.3", np.full(3, 0.5), **context)
    assert not multipliers and "multipliers, not the bids" in multipliers.message
    truthful = check_exercise("7.3", values, **context)
    assert not truthful and "chance of winning" in truthful.message
    # v W(b) - b = b (v/10 - 1) < 0 for every b: the smallest bid
    always_paying = check_exercise("7.3", values * 0.25, **context)
    assert not always_paying and "won or lost" in always_paying.message
    with pytest.raises(TypeError, match="win_rate"):
        check_exercise("7.3", values, values=values, win_rate=None, multipliers=grid)


def test_8_1_incremental_revenue():
    revenue = np.array([10.0, 0.0, 20.0, 0.0, 5.0, 0.0])
    holdout = np.array([False, True, False, True, False, True])
    audience = np.array([0, 1, 2, 3])
    # e-mailed 0 and 2: mean 15; held out 1 and 3: mean 0; four customers: 60
    assert check_exercise("8.1", 60.0, revenue=revenue, holdout=holdout, audience=audience)
    per_customer = check_exercise("8.1", 15.0, revenue=revenue, holdout=holdout, audience=audience)
    assert not per_customer and "per customer" in per_customer.message
    half = check_exercise("8.1", 30.0, revenue=revenue, holdout=holdout, audience=audience)
    assert not half and "e-mailed half" in half.message
    with pytest.raises(ValueError, match="at least one customer"):
        check_exercise("8.1", 0.0, revenue=revenue, holdout=holdout, audience=np.array([], int))
