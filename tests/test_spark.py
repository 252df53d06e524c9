"""Tests for smartmkt_helpers.spark (Spark in local mode; skipped without Java)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartmkt_helpers import spark as spark_helpers
from smartmkt_helpers.features import rfm_features


def test_the_install_hint_names_both_systems():
    hint = spark_helpers.java_install_hint()
    assert "sudo apt-get install openjdk-17-jre-headless" in hint
    assert "brew install openjdk@17" in hint
    assert "\n" not in hint


def test_java_version_is_none_without_java(monkeypatch, tmp_path):
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))  # no bin/java there
    assert spark_helpers.java_version() is None


@pytest.mark.parametrize("cores, error", [(0, ValueError), (-1, ValueError),
                                          (1.5, TypeError), (True, TypeError)])
def test_local_session_refuses_bad_cores(cores, error):
    with pytest.raises(error, match="cores"):
        spark_helpers.local_session(cores=cores)


def test_local_session_says_how_to_install_java(monkeypatch, tmp_path):
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    with pytest.raises(RuntimeError, match="openjdk-17-jre-headless"):
        spark_helpers.local_session()


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark")
    if spark_helpers.java_version() is None:
        pytest.skip("no Java: " + spark_helpers.java_install_hint())
    # Adaptive re-planning costs more than it saves on tables this small.
    session = spark_helpers.local_session(cores=1, app_name="tests", shuffle_partitions=2,
                                          **{"spark.sql.adaptive.enabled": "false"})
    yield session
    session.stop()


def _purchases() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 400
    return pd.DataFrame({
        "customer_id": rng.integers(1, 40, n),
        "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, n), unit="D"),
        "quantity": rng.integers(1, 5, n),
        "amount": np.round(rng.lognormal(3, 1, n), 2),
    })


def test_rfm_features_spark_equals_pandas_exactly(spark):
    purchases = _purchases()
    expected = rfm_features(purchases, col_quantity="quantity")
    frame = spark.createDataFrame(purchases.assign(date=purchases["date"].dt.date))
    result = spark_helpers.rfm_features_spark(frame, col_quantity="quantity").toPandas()
    result = result.set_index("customer_id")
    assert list(result.columns) == list(expected.columns)
    assert (result.index == expected.index).all()
    assert (result.to_numpy() == expected.to_numpy()).all()


def test_rfm_features_spark_with_as_of_ignores_later_purchases(spark):
    purchases = _purchases()
    expected = rfm_features(purchases, as_of="2024-06-01")
    frame = spark.createDataFrame(purchases.assign(date=purchases["date"].dt.date))
    result = spark_helpers.rfm_features_spark(frame, as_of="2024-06-01").toPandas()
    assert (result.set_index("customer_id").to_numpy() == expected.to_numpy()).all()


def test_rfm_features_spark_names_a_missing_column(spark):
    frame = spark.createDataFrame(_purchases().drop(columns="amount").assign(date="2024-01-01"))
    with pytest.raises(ValueError, match="amount"):
        spark_helpers.rfm_features_spark(frame)


def test_als_top_k_removes_training_items(spark):
    from pyspark.ml.recommendation import ALS

    rng = np.random.default_rng(1)
    pairs = pd.DataFrame({"user_id": rng.integers(1, 30, 600), "item_id": rng.integers(1, 50, 600)})
    pairs = pairs.drop_duplicates().astype("int32").assign(interaction=1.0)
    train = spark.createDataFrame(pairs)
    model = ALS(userCol="user_id", itemCol="item_id", ratingCol="interaction", implicitPrefs=True,
                rank=4, maxIter=3, seed=0, numUserBlocks=1, numItemBlocks=1).fit(train)
    lists = spark_helpers.als_top_k(model, train, k=5).toPandas()
    assert (lists.groupby("user_id").size() == 5).all()
    assert lists.merge(pairs, on=["user_id", "item_id"]).empty
    ordered = lists.groupby("user_id")["prediction"].apply(lambda s: s.is_monotonic_decreasing)
    assert ordered.all()
    with pytest.raises(ValueError, match="k must be"):
        spark_helpers.als_top_k(model, train, k=0)
