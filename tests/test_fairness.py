"""Tests for smartmkt_helpers.fairness."""

import numpy as np
import pandas as pd
import pytest

from smartmkt_helpers import fairness


@pytest.fixture
def decisions():
    # group a: 4 good (3 approved), 2 bad (1 approved); group b: 2 good (1 approved), 2 bad (0)
    return pd.DataFrame({
        "group": list("aaaaaabbbb"),
        "approved": [1, 1, 1, 0, 1, 0, 1, 0, 0, 0],
        "good": [1, 1, 1, 1, 0, 0, 1, 1, 0, 0],
    })


def test_group_rates_by_hand(decisions):
    rates = fairness.group_rates(decisions)
    assert rates.index.tolist() == ["a", "b"]
    assert rates["cases"].tolist() == [6, 4]
    assert np.allclose(rates["base_rate"], [4 / 6, 2 / 4])
    assert np.allclose(rates["approval_rate"], [4 / 6, 1 / 4])
    assert np.allclose(rates["true_positive_rate"], [3 / 4, 1 / 2])
    assert np.allclose(rates["false_positive_rate"], [1 / 2, 0])


def test_group_rates_custom_columns_and_booleans():
    table = pd.DataFrame({"sex": ["f", "m"], "yes": [True, False], "repaid": [True, True]})
    rates = fairness.group_rates(table, col_group="sex", col_decision="yes", col_label="repaid")
    assert rates["true_positive_rate"].tolist() == [1.0, 0.0]
    assert rates["false_positive_rate"].isna().all()  # no bad cases: undefined
    assert rates.index.name == "sex"


def test_group_rates_rejects_bad_input(decisions):
    with pytest.raises(ValueError, match="has no column"):
        fairness.group_rates(decisions.drop(columns="good"))
    with pytest.raises(ValueError, match="only 0 and 1"):
        fairness.group_rates(decisions.assign(approved=2))
    with pytest.raises(ValueError, match="NaN"):
        fairness.group_rates(decisions.assign(good=np.nan))
    with pytest.raises(ValueError, match="missing groups"):
        fairness.group_rates(decisions.assign(group=None))
    with pytest.raises(TypeError, match="DataFrame"):
        fairness.group_rates(decisions.to_numpy())
    with pytest.raises(ValueError, match="empty"):
        fairness.group_rates(decisions.iloc[:0])


SCORES = [0.9, 0.8, 0.6, 0.4, 0.7, 0.5, 0.3, 0.2]
LABELS = [1, 1, 0, 1, 1, 0, 1, 0]
GROUPS = list("aaaabbbb")


def test_group_thresholds_for_tpr_by_hand():
    # good scores: a -> 0.9, 0.8, 0.4; b -> 0.7, 0.3.
    # 60% of 3 needs 2 approvals (a: 0.8); 60% of 2 needs 2 (b: 0.3)
    thresholds = fairness.group_thresholds(SCORES, LABELS, GROUPS, target=0.6)
    assert thresholds.to_dict() == {"a": 0.8, "b": 0.3}
    half = fairness.group_thresholds(SCORES, LABELS, GROUPS, target=0.5)
    assert half.to_dict() == {"a": 0.8, "b": 0.7}  # 2 of 3, 1 of 2
    approved = fairness.apply_group_thresholds(SCORES, GROUPS, thresholds)
    rates = fairness.group_rates(pd.DataFrame({"group": GROUPS, "approved": approved,
                                               "good": LABELS}))
    assert (rates["true_positive_rate"] >= 0.6).all()


def test_group_thresholds_for_approval_rate_and_extremes():
    thresholds = fairness.group_thresholds(SCORES, LABELS, GROUPS, target=0.5,
                                           rate="approval_rate")
    assert thresholds.to_dict() == {"a": 0.8, "b": 0.5}
    nobody = fairness.group_thresholds(SCORES, LABELS, GROUPS, target=0.0)
    assert np.isinf(nobody).all()
    everybody = fairness.group_thresholds(SCORES, LABELS, GROUPS, target=1.0,
                                          rate="approval_rate")
    assert everybody.to_dict() == {"a": 0.4, "b": 0.2}


def test_ties_are_approved_together():
    thresholds = fairness.group_thresholds([0.5, 0.5, 0.1], [1, 1, 1], ["a"] * 3, target=0.5)
    assert thresholds["a"] == 0.5
    assert fairness.apply_group_thresholds([0.5, 0.5, 0.1], ["a"] * 3, thresholds).sum() == 2


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(target=1.5), ValueError, "target"),
    (dict(target=0.5, rate="accuracy"), ValueError, "rate"),
    (dict(target=0.5, labels=[1, 0]), ValueError, "same length"),
    (dict(target=0.5, scores=[np.nan] * 8), ValueError, "NaN"),
    (dict(target=0.5, labels=[0, 0, 0, 0, 1, 1, 1, 1]), ValueError, "no favourable"),
])
def test_group_thresholds_reject_bad_input(kwargs, error, match):
    arguments = dict(scores=SCORES, labels=LABELS, groups=GROUPS)
    arguments.update(kwargs)
    with pytest.raises(error, match=match):
        fairness.group_thresholds(**arguments)


def test_apply_group_thresholds_rejects_unknown_groups():
    with pytest.raises(ValueError, match="no threshold for group"):
        fairness.apply_group_thresholds([0.5], ["c"], pd.Series({"a": 0.1}))
    with pytest.raises(TypeError, match="Series"):
        fairness.apply_group_thresholds([0.5], ["a"], {"a": 0.1})
    with pytest.raises(ValueError, match="same length"):
        fairness.apply_group_thresholds([0.5, 0.2], ["a"], pd.Series({"a": 0.1}))
