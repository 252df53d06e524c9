"""Per-user metrics, diversity, popularity bias and paired comparisons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartmkt_helpers import metrics
from smartmkt_helpers.evaluation import (
    bootstrap_ci,
    gini_coefficient,
    intra_list_diversity,
    paired_test,
    per_user_metrics,
    popularity_bias,
)


@pytest.fixture
def lists():
    rng = np.random.default_rng(3)
    truth = pd.DataFrame({"user_id": rng.integers(0, 40, 300),
                          "item_id": rng.integers(0, 60, 300)}).drop_duplicates()
    recs = pd.DataFrame({"user_id": np.repeat(np.arange(40), 10),
                         "item_id": rng.integers(0, 60, 400),
                         "prediction": rng.random(400)})
    return truth, recs.drop_duplicates(["user_id", "item_id"])


def test_per_user_means_match_metrics(lists):
    truth, recs = lists
    table = per_user_metrics(truth, recs, k=5)
    expected = {
        "precision": metrics.precision_at_k(truth, recs, k=5),
        "recall": metrics.recall_at_k(truth, recs, k=5),
        "ndcg": metrics.ndcg_at_k(truth, recs, k=5),
        "average_precision": metrics.map_at_k(truth, recs, k=5),
        "reciprocal_rank": metrics.mrr_at_k(truth, recs, k=5),
        "hit": metrics.hit_rate_at_k(truth, recs, k=5),
    }
    for column, value in expected.items():  # the same code: the very same numbers
        assert table[column].mean() == value, column


def test_per_user_by_hand():
    # one user, list A B C D E, relevant B D F
    truth = pd.DataFrame({"user_id": 1, "item_id": list("BDF")})
    recs = pd.DataFrame({"user_id": 1, "item_id": list("ABCDE"),
                         "prediction": [5, 4, 3, 2, 1]})
    row = per_user_metrics(truth, recs, k=5).loc[1]
    assert row["precision"] == pytest.approx(2 / 5)
    assert row["recall"] == pytest.approx(2 / 3)
    assert row["reciprocal_rank"] == pytest.approx(1 / 2)
    assert row["average_precision"] == pytest.approx((1 / 2 + 2 / 4) / 3)
    dcg = 1 / np.log(3) + 1 / np.log(5)
    ideal = 1 / np.log(2) + 1 / np.log(3) + 1 / np.log(4)
    assert row["ndcg"] == pytest.approx(dcg / ideal)


def test_intra_list_diversity_by_hand_and_brute_force():
    features = pd.DataFrame(np.random.default_rng(0).integers(0, 2, (20, 5)) + 0.0,
                            index=range(20))
    features.iloc[:, 0] = 1.0  # no zero rows
    recs = pd.DataFrame({"user_id": np.repeat([0, 1, 2], 4),
                         "item_id": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]})
    unit = features.to_numpy() / np.linalg.norm(features.to_numpy(), axis=1)[:, None]
    brute = []
    for user in range(3):
        block = unit[recs.loc[recs.user_id == user, "item_id"]]
        sims = block @ block.T
        brute.append(1 - sims[np.triu_indices(4, 1)].mean())
    assert intra_list_diversity(recs, features) == pytest.approx(np.mean(brute))


def test_intra_list_diversity_bad_inputs():
    genres = pd.DataFrame({"a": [1, 0], "b": [0, 0]}, index=[1, 2])
    recs = pd.DataFrame({"user_id": [1, 1], "item_id": [1, 2]})
    with pytest.raises(ValueError, match="all-zero"):
        intra_list_diversity(recs, genres)
    with pytest.raises(ValueError, match="not in item_features"):
        intra_list_diversity(pd.DataFrame({"user_id": [1, 1], "item_id": [1, 9]}),
                             pd.DataFrame({"a": [1, 1]}, index=[1, 2]))
    with pytest.raises(TypeError, match="DataFrame"):
        intra_list_diversity(recs, np.ones((2, 2)))
    with pytest.raises(ValueError, match="no column"):
        intra_list_diversity(recs.rename(columns={"item_id": "movie"}), genres)
    with pytest.raises(ValueError, match="single item"):
        intra_list_diversity(pd.DataFrame({"user_id": [1], "item_id": [1]}),
                             pd.DataFrame({"a": [1]}, index=[1]))


def test_gini():
    assert gini_coefficient([5, 5, 5]) == pytest.approx(0.0)
    assert gini_coefficient([0] * 9 + [1]) == pytest.approx(0.9)
    with pytest.raises(ValueError, match="non-negative"):
        gini_coefficient([1, -1])
    with pytest.raises(ValueError, match="empty"):
        gini_coefficient([])
    with pytest.raises(ValueError, match="sum to zero"):
        gini_coefficient([0, 0])


def test_popularity_bias_popular_lists_score_higher():
    train = pd.DataFrame({"user_id": np.arange(100) % 10,
                          "item_id": np.r_[np.zeros(50), np.arange(50) % 25]})
    catalog = np.arange(25)
    popular = pd.DataFrame({"user_id": range(10), "item_id": 0})
    niche = pd.DataFrame({"user_id": range(10), "item_id": np.arange(10) + 10})
    high, low = popularity_bias(popular, train, catalog), popularity_bias(niche, train, catalog)
    assert high["average_popularity"] > low["average_popularity"]
    assert high["long_tail_share"] == 0 and low["long_tail_share"] == 1
    assert high["exposure_gini"] > low["exposure_gini"]
    with pytest.raises(ValueError, match="not in catalog_items"):
        popularity_bias(popular.assign(item_id=99), train, catalog)
    with pytest.raises(ValueError, match="head_fraction"):
        popularity_bias(popular, train, catalog, head_fraction=1.5)
    with pytest.raises(ValueError, match="catalog_items is empty"):
        popularity_bias(popular, train, [])


def test_bootstrap_ci_covers_and_narrows():
    rng = np.random.default_rng(0)
    small = bootstrap_ci(rng.random(100))
    large = bootstrap_ci(rng.random(10_000))
    assert small["ci_low"] < small["mean"] < small["ci_high"]
    assert large["ci_high"] - large["ci_low"] < small["ci_high"] - small["ci_low"]
    values = rng.random(50)
    assert bootstrap_ci(values, random_state=1).equals(bootstrap_ci(values, random_state=1))


def test_paired_beats_unpaired_when_users_differ():
    from smartmkt_helpers.experiments import bootstrap_difference

    rng = np.random.default_rng(2)
    user_level = rng.random(400)
    a = user_level + 0.01 + rng.normal(0, 0.01, 400)
    b = user_level
    paired = paired_test(a, b)
    unpaired = bootstrap_difference(a, b)
    assert paired.ci_low > 0 and paired.p_value < 0.01
    assert unpaired.ci_low < 0  # the same data, analysed unpaired, sees nothing
    assert paired.ci_high - paired.ci_low < (unpaired.ci_high - unpaired.ci_low) / 5


def test_paired_null_and_bad_inputs():
    rng = np.random.default_rng(5)
    values = rng.random(200)
    # under no difference the sign-flip p-value is roughly uniform
    p_values = [paired_test(rng.random(200), rng.random(200), n_resamples=200,
                            random_state=s).p_value for s in range(40)]
    assert 0.02 < np.mean(np.array(p_values) < 0.05) + 0.03 < 0.3
    same = paired_test(values, values)
    assert same.effect == 0 and same.p_value == 1.0
    with pytest.raises(ValueError, match="users"):
        paired_test(values, values[:10])
    with pytest.raises(ValueError, match="NaN"):
        paired_test(np.r_[values[:-1], np.nan], values)
    with pytest.raises(ValueError, match="same users"):
        paired_test(pd.Series([1.0, 2.0], index=[1, 2]), pd.Series([1.0, 2.0], index=[1, 3]))
    with pytest.raises(ValueError, match="n_resamples"):
        bootstrap_ci(values, n_resamples=5)
    with pytest.raises(ValueError, match="1-D"):
        bootstrap_ci(values.reshape(20, 10))


def test_paired_aligns_series_on_users():
    a = pd.Series([0.5, 0.1, 0.9], index=[3, 1, 2])
    b = pd.Series([0.1, 0.9, 0.5], index=[1, 2, 3])
    assert paired_test(a, b, n_resamples=100).effect == pytest.approx(0.0)
