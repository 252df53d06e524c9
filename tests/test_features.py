"""Customer features: RFM, histograms, transforms, and their bad inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartmkt_helpers.features import (
    histogram_features,
    log1p_columns,
    rfm_features,
    standardize,
)


@pytest.fixture
def transactions():
    return pd.DataFrame({
        "customer_id": [1, 1, 1, 2, 3],
        "date": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-01-31",
                                "2024-01-15", "2024-01-30"]),
        "amount": [10.0, 20.0, 30.0, 100.0, 0.0],
        "quantity": [1, 2, 3, 4, 1],
    })


def test_rfm_values(transactions):
    rfm = rfm_features(transactions, col_quantity="quantity")
    assert list(rfm.index) == [1, 2, 3]
    assert rfm.index.name == "customer_id"
    # as_of defaults to the day after the last purchase: 2024-02-01
    assert rfm["recency_days"].tolist() == [1.0, 17.0, 2.0]
    assert rfm["frequency"].tolist() == [3, 1, 1]
    assert rfm["monetary"].tolist() == [20.0, 100.0, 0.0]
    assert rfm["total_amount"].tolist() == [60.0, 100.0, 0.0]
    assert rfm["tenure_days"].tolist() == [31.0, 17.0, 2.0]
    assert rfm["mean_quantity"].tolist() == [2.0, 4.0, 1.0]
    assert rfm.loc[1, "purchases_per_month"] == pytest.approx(3 / 31 * 30)


def test_rfm_totals_in_cents_do_not_depend_on_row_order():
    # a float sum of these gives 79.86999999999999 in some orders, 79.87 in others
    log = pd.DataFrame({"customer_id": [16] * 4,
                        "date": pd.to_datetime(["2024-01-01"] * 4),
                        "amount": [9.77, 31.6, 28.51, 9.99]})
    totals = {rfm_features(log.iloc[list(order)]).loc[16, "total_amount"]
              for order in ([0, 1, 2, 3], [0, 2, 1, 3], [3, 2, 1, 0])}
    assert totals == {79.87}
    fractions = log.assign(amount=[0.001, 0.002, 0.0035, 1.0])  # not cents: a float sum
    assert rfm_features(fractions).loc[16, "total_amount"] == pytest.approx(1.0065)


def test_rfm_as_of_drops_later_purchases(transactions):
    rfm = rfm_features(transactions, as_of="2024-01-20")
    assert list(rfm.index) == [1, 2]
    assert rfm.loc[1, "frequency"] == 2
    assert rfm.loc[1, "recency_days"] == 9.0
    assert "mean_quantity" not in rfm.columns


def test_rfm_custom_column_names(transactions):
    renamed = transactions.rename(columns={"customer_id": "user", "date": "day",
                                           "amount": "spend"})
    rfm = rfm_features(renamed, col_customer="user", col_date="day", col_amount="spend")
    assert rfm.index.name == "user"
    assert rfm["total_amount"].sum() == 160.0


def test_rfm_bad_inputs(transactions):
    with pytest.raises(ValueError, match="has no column"):
        rfm_features(transactions.drop(columns="amount"))
    with pytest.raises(ValueError, match="empty"):
        rfm_features(transactions.iloc[:0])
    with pytest.raises(TypeError, match="DataFrame"):
        rfm_features(transactions.to_numpy())
    with_nan = transactions.assign(amount=[1.0, np.nan, 2.0, 3.0, 4.0])
    with pytest.raises(ValueError, match="NaN"):
        rfm_features(with_nan)
    with pytest.raises(TypeError, match="numeric"):
        rfm_features(transactions.assign(amount=list("abcde")))
    with pytest.raises(ValueError, match="no purchase before"):
        rfm_features(transactions, as_of="2023-01-01")


def test_histogram_counts_and_order():
    events = pd.DataFrame({
        "customer_id": [5, 5, 5, 9],
        "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-15",
                                     "2024-01-08"]),
        "category": ["b", "a", "a", "b"],
    })
    table = histogram_features(events, customers=[9, 5, 7])
    assert table.shape == (3, 2 * 3)  # categories a, b x three weeks
    assert table.loc[5].sum() == 3
    assert table.loc[7].sum() == 0
    assert table.loc[5, ("a", table.columns.levels[1][0])] == 1
    assert table.loc[5, ("a", table.columns.levels[1][2])] == 1
    assert table.loc[9, ("b", table.columns.levels[1][1])] == 1
    normalized = histogram_features(events, customers=[9, 5, 7], normalize=True)
    np.testing.assert_allclose(normalized.sum(axis=1), [1.0, 1.0, 0.0])


def test_histogram_keeps_categorical_order_and_monthly_bins():
    events = pd.DataFrame({
        "customer_id": [1, 2],
        "timestamp": pd.to_datetime(["2024-01-05", "2024-03-05"]),
        "category": pd.Categorical(["y", "y"], categories=["z", "y"]),
    })
    table = histogram_features(events, freq="M")
    assert list(table.columns.get_level_values(0).unique()) == ["z", "y"]
    assert table.shape == (2, 2 * 3)
    assert table.to_numpy().sum() == 2


def test_histogram_bad_inputs():
    events = pd.DataFrame({"customer_id": [1], "timestamp": [pd.NaT], "category": ["a"]})
    with pytest.raises(ValueError, match="NaN"):
        histogram_features(events)
    with pytest.raises(ValueError, match="has no column"):
        histogram_features(events.drop(columns="category"))
    with pytest.raises(ValueError, match="empty"):
        histogram_features(events.iloc[:0])
    missing_category = pd.DataFrame({"customer_id": [1], "category": [None],
                                     "timestamp": pd.to_datetime(["2024-01-01"])})
    with pytest.raises(ValueError, match="missing values"):
        histogram_features(missing_category)


def test_log1p_and_standardize():
    frame = pd.DataFrame({"spend": [0.0, 1.0, 3.0, 1000.0], "name": list("abcd")})
    logged = log1p_columns(frame, ["spend"])
    np.testing.assert_allclose(logged["spend"], np.log1p(frame["spend"]))
    assert logged["name"].tolist() == list("abcd")  # untouched
    scaled = standardize(frame, ["spend"])
    assert scaled["spend"].mean() == pytest.approx(0.0)
    assert scaled["spend"].std(ddof=0) == pytest.approx(1.0)
    constant = standardize(pd.DataFrame({"x": [2.0, 2.0]}))
    assert constant["x"].tolist() == [0.0, 0.0]


def test_transform_bad_inputs():
    frame = pd.DataFrame({"spend": [1.0, -2.0], "name": ["a", "b"]})
    with pytest.raises(TypeError, match="non-numeric column"):
        log1p_columns(frame)
    with pytest.raises(ValueError, match="negative"):
        log1p_columns(frame, ["spend"])
    with pytest.raises(ValueError, match="has no column"):
        standardize(frame, ["age"])
    with pytest.raises(ValueError, match="NaN"):
        standardize(pd.DataFrame({"x": [1.0, np.nan]}))
    with pytest.raises(ValueError, match="empty"):
        standardize(pd.DataFrame({"x": []}, dtype=float))
    with pytest.raises(TypeError, match="DataFrame"):
        standardize(np.zeros((2, 2)))
