"""Train/test splits: sizes, disjointness, the reference row selection, bad input."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from smartmkt_helpers.splits import (
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


def _algorithm_in_pandas(data, ratio, column, seed):
    """The algorithm as the docstring states it, in plain pandas.

    One uniform draw per row (in row order) from RandomState(seed), sort by
    group then draw, rank within the group, train where rank <=
    round(ratio * group size) with NumPy's half-to-even rounding.
    """
    frame = data.assign(_draw=np.random.RandomState(seed).rand(len(data)))
    frame = frame.sort_values([column, "_draw"])
    rank = frame.groupby(column).cumcount() + 1
    size = frame.groupby(column)[column].transform("size")
    is_train = rank <= (ratio * size).round()
    return frame[is_train].drop(columns="_draw"), frame[~is_train].drop(columns="_draw")


@pytest.mark.parametrize("filter_by", ["user", "item"])
@pytest.mark.parametrize("ratio", [0.75, 0.5, 0.8])
def test_stratified_split_follows_the_stated_algorithm(ratings, filter_by, ratio):
    column = "user_id" if filter_by == "user" else "item_id"
    train, test = stratified_split(ratings, ratio=ratio, filter_by=filter_by, random_state=42)
    expected_train, expected_test = _algorithm_in_pandas(ratings, ratio, column, 42)
    assert train.index.equals(expected_train.index)
    assert test.index.equals(expected_test.index)
    assert train.equals(expected_train)


def test_stratified_split_by_hand():
    """A split worked out by hand from the algorithm.

    RandomState(0).rand(12) draws, in row order (a to l):
    .549 .715 .603 .545 .424 .646 .438 .892 .964 .383 .792 .529.
    User 1 (rows b .715, f .646): sorted f, b; round(0.75 * 2) = round(1.5) = 2
    trains both (a "rank / size <= ratio" rule would keep one).
    User 2 (a .549, d .545, e .424, h .892, i .964, k .792): sorted e, d, a,
    k, h, i; round(0.75 * 6) = round(4.5) = 4 (halves to even, not 5), so
    e, d, a, k train and h, i test.
    User 3 (c .603, g .438, j .383, l .529): sorted j, g, l, c;
    round(0.75 * 4) = 3, so j, g, l train and c tests.
    """
    np.testing.assert_allclose(
        np.random.RandomState(0).rand(12),
        [.549, .715, .603, .545, .424, .646, .438, .892, .964, .383, .792, .529],
        atol=5e-4)
    frame = pd.DataFrame(
        {"user_id": [2, 1, 3, 2, 2, 1, 3, 2, 2, 3, 2, 3], "item_id": range(12)},
        index=list("abcdefghijkl"))
    train, test = stratified_split(frame, ratio=0.75, random_state=0)
    assert train.index.tolist() == list("fbedakjgl")
    assert test.index.tolist() == list("hic")
    assert train.columns.tolist() == ["user_id", "item_id"]


def test_stratified_split_keeps_the_share_per_user(ratings):
    train, test = stratified_split(ratings, ratio=0.75)
    assert len(train) + len(test) == len(ratings)
    assert not set(train.index) & set(test.index)
    sizes = ratings.groupby("user_id").size()
    n_train = train.groupby("user_id").size().reindex(sizes.index, fill_value=0)
    expected = np.array([round(0.75 * n) for n in sizes])
    assert (n_train.to_numpy() == expected).all()


def test_stratified_split_is_deterministic_and_seeded(ratings):
    first = stratified_split(ratings, random_state=1)[1].index
    assert first.equals(stratified_split(ratings, random_state=1)[1].index)
    assert not first.equals(stratified_split(ratings, random_state=2)[1].index)


def test_stratified_split_movielens_benchmark_sizes(real_data_home):
    from smartmkt_helpers.data import load

    frame = load("movielens-100k").frame
    train, test = stratified_split(frame, ratio=0.75, filter_by="item", random_state=42)
    assert (len(train), len(test)) == (75_066, 24_934)
    # the training rows of Microsoft Recommenders' python_stratified_split
    # (recommenders 1.2.1) with these arguments, as a digest of the sorted
    # row labels of the frame in u.data order
    digest = hashlib.sha256(np.sort(train.index.to_numpy()).astype("int64").tobytes())
    assert digest.hexdigest() == (
        "ee63a61835a76a3920d72bac8b55c5936120a76c0cb9e73d8a81e9d6eafd24f0")


def test_random_split_sizes_and_random_state(ratings):
    train, test = random_split(ratings, ratio=0.75, random_state=3)
    assert len(train) == round(0.75 * len(ratings))
    assert len(train) + len(test) == len(ratings)
    assert not set(train.index) & set(test.index)
    assert random_split(ratings, random_state=3)[0].index.equals(train.index)


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
    with pytest.raises(ValueError, match="'customer'"):
        stratified_split(ratings, col_user="customer")
    with pytest.raises(ValueError, match="empty"):
        stratified_split(ratings.iloc[:0])
    with pytest.raises(TypeError, match="DataFrame"):
        random_split(ratings.to_numpy())
    with pytest.raises(ValueError, match="'when'"):
        temporal_split(ratings, col_timestamp="when")
    with pytest.raises(ValueError, match="NaN"):
        temporal_split(ratings.assign(timestamp=pd.NaT))
