"""Train/test splits: sizes, disjointness, the reference row selection, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartmkt_helpers.splits import (
    leave_last_out,
    random_split,
    stratified_split,
    temporal_split,
)


@pytest.fixture
def ratings() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 400
    return pd.DataFrame({
        "user_id": rng.integers(0, 30, n),
        "item_id": rng.integers(0, 50, n),
        "rating": rng.integers(1, 6, n),
        "timestamp": pd.to_datetime(rng.integers(0, 10**6, n), unit="s"),
    }).drop_duplicates(["user_id", "item_id"]).reset_index(drop=True)


def _reference_stratified(data, ratio, column, seed):
    """Group by group: shuffle with DataFrame.sample, cut at round(ratio * n)."""
    train, test = [], []
    for _, group in data.groupby(column):
        shuffled = group.sample(frac=1, random_state=seed)
        n_train = round(ratio * len(group))
        train.append(shuffled.iloc[:n_train])
        test.append(shuffled.iloc[n_train:])
    return pd.concat(train), pd.concat(test)


@pytest.mark.parametrize("filter_by", ["user", "item"])
@pytest.mark.parametrize("ratio", [0.75, 0.5, 0.8])
def test_stratified_split_selects_the_reference_rows(ratings, filter_by, ratio):
    column = "user_id" if filter_by == "user" else "item_id"
    train, test = stratified_split(ratings, ratio=ratio, filter_by=filter_by, seed=42)
    ref_train, ref_test = _reference_stratified(ratings, ratio, column, 42)
    assert train.index.equals(ref_train.index)
    assert test.index.equals(ref_test.index)


def test_stratified_split_keeps_the_share_per_user(ratings):
    train, test = stratified_split(ratings, ratio=0.75)
    assert len(train) + len(test) == len(ratings)
    assert not set(train.index) & set(test.index)
    sizes = ratings.groupby("user_id").size()
    n_train = train.groupby("user_id").size().reindex(sizes.index, fill_value=0)
    expected = np.array([round(0.75 * n) for n in sizes])
    assert (n_train.to_numpy() == expected).all()


def test_stratified_split_min_rating_drops_small_groups(ratings):
    sizes = ratings.groupby("user_id").size()
    threshold = int(sizes.median())
    train, test = stratified_split(ratings, min_rating=threshold)
    kept = set(sizes[sizes >= threshold].index)
    assert set(train["user_id"]) | set(test["user_id"]) == kept


def test_stratified_split_is_deterministic_and_seeded(ratings):
    first = stratified_split(ratings, seed=1)[1].index
    assert first.equals(stratified_split(ratings, seed=1)[1].index)
    assert not first.equals(stratified_split(ratings, seed=2)[1].index)


def test_stratified_split_movielens_benchmark_sizes(real_data_home):
    from smartmkt_helpers.data import load

    frame = load("movielens-100k").frame
    train, test = stratified_split(frame, ratio=0.75, min_rating=1, filter_by="item", seed=42)
    assert (len(train), len(test)) == (75_066, 24_934)


def test_random_split_sizes_and_seed(ratings):
    train, test = random_split(ratings, ratio=0.75, seed=3)
    assert len(train) == round(0.75 * len(ratings))
    assert len(train) + len(test) == len(ratings)
    assert not set(train.index) & set(test.index)
    assert random_split(ratings, seed=3)[0].index.equals(train.index)


def test_leave_last_out_takes_each_users_latest(ratings):
    train, test = leave_last_out(ratings)
    counts = ratings.groupby("user_id").size()
    assert set(test["user_id"]) == set(counts[counts > 1].index)
    assert test["user_id"].is_unique
    latest = ratings.groupby("user_id")["timestamp"].max()
    assert (test.set_index("user_id")["timestamp"] == latest[test["user_id"]].to_numpy()).all()
    assert len(train) + len(test) == len(ratings)


def test_leave_last_out_keeps_single_rating_users_in_train():
    frame = pd.DataFrame({"user_id": [1, 1, 2], "item_id": [1, 2, 3], "timestamp": [1, 2, 3]})
    train, test = leave_last_out(frame)
    assert test["item_id"].tolist() == [2]
    assert sorted(train["item_id"]) == [1, 3]


def test_temporal_split_orders_in_time(ratings):
    train, test = temporal_split(ratings, ratio=0.75)
    assert train["timestamp"].max() < test["timestamp"].min()
    assert abs(len(train) - 0.75 * len(ratings)) <= 2


@pytest.mark.parametrize("ratio", [0.0, 1.0, 1.5, -0.1])
def test_bad_ratio_raises(ratings, ratio):
    with pytest.raises(ValueError, match="ratio"):
        stratified_split(ratings, ratio=ratio)
    with pytest.raises(ValueError, match="ratio"):
        random_split(ratings, ratio=ratio)
    with pytest.raises(ValueError, match="ratio"):
        temporal_split(ratings, ratio=ratio)


def test_bad_input_raises(ratings):
    with pytest.raises(TypeError, match="ratio"):
        stratified_split(ratings, ratio="0.75")
    with pytest.raises(ValueError, match="filter_by"):
        stratified_split(ratings, filter_by="users")
    with pytest.raises(ValueError, match="min_rating"):
        stratified_split(ratings, min_rating=0)
    with pytest.raises(ValueError, match="'customer'"):
        stratified_split(ratings, col_user="customer")
    with pytest.raises(ValueError, match="empty"):
        stratified_split(ratings.iloc[:0])
    with pytest.raises(TypeError, match="DataFrame"):
        random_split(ratings.to_numpy())
    with pytest.raises(ValueError, match="'when'"):
        leave_last_out(ratings, col_timestamp="when")
    with pytest.raises(ValueError, match="NaN"):
        temporal_split(ratings.assign(timestamp=pd.NaT))
    with pytest.raises(ValueError, match="single rating"):
        leave_last_out(pd.DataFrame({"user_id": [1, 2], "timestamp": [1, 2]}))
