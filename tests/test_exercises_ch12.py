"""Tests for the chapter 12 self-checks (smartmkt_helpers/exercises/ch12.py)."""

import pandas as pd
import pytest

from smartmkt_helpers.exercises import check_exercise


@pytest.fixture
def applicants():
    # 10-year bands: (20-29, A93, own) x3, (30-39, A93, own) x2, (30-39, A92, rent) x1
    # exact ages: every row except the two 25s is unique -> k = 1 either way here,
    # so the exact-age hint is not offered; the class-count hint is (3 classes)
    return pd.DataFrame({
        "age": [25, 25, 27, 31, 35, 33],
        "personal_status_sex": ["A93"] * 5 + ["A92"],
        "housing": ["own"] * 5 + ["rent"],
    })


def test_release_k_right_and_wrong(applicants):
    assert check_exercise("12.1", 1, applicants=applicants)
    result = check_exercise("12.1", 3, applicants=applicants)
    assert not result and "classes" in result.message


def test_release_k_names_the_exact_age_mistake():
    # bands: (30-39, A93, own) x4 -> k = 4; exact ages 31, 31, 35, 35 -> k = 2
    table = pd.DataFrame({"age": [31, 31, 35, 35], "personal_status_sex": ["A93"] * 4,
                          "housing": ["own"] * 4})
    assert check_exercise("12.1", 4, applicants=table)
    result = check_exercise("12.1", 2, applicants=table)
    assert not result and "10-year bands" in result.message


def test_release_k_rejects_missing_columns(applicants):
    with pytest.raises(ValueError, match="housing"):
        check_exercise("12.1", 1, applicants=applicants.drop(columns="housing"))


def test_noise_scale_by_hand():
    # three overlapping segments: sensitivity 3, scale 3 / 0.5 = 6
    assert check_exercise("12.2", 6.0, epsilon=0.5, max_segments_per_person=3)
    result = check_exercise("12.2", 2.0, epsilon=0.5, max_segments_per_person=3)
    assert not result and "sensitivity" in result.message
    result = check_exercise("12.2", 1.5, epsilon=0.5, max_segments_per_person=3)
    assert not result and "divided by epsilon" in result.message


def test_noise_scale_rejects_bad_context():
    with pytest.raises(ValueError, match="epsilon"):
        check_exercise("12.2", 1.0, epsilon=0, max_segments_per_person=3)
    with pytest.raises(ValueError, match="max_segments_per_person"):
        check_exercise("12.2", 1.0, epsilon=1.0, max_segments_per_person=0)


@pytest.fixture
def decisions():
    # female: good 2 (1 approved), bad 1 (1 approved) -> TPR 1/2, approval 2/3
    # male: good 2 (2 approved), bad 2 (0 approved) -> TPR 1, approval 1/2
    return pd.DataFrame({
        "sex": ["female"] * 3 + ["male"] * 4,
        "approved": [1, 0, 1, 1, 1, 0, 0],
        "good": [1, 1, 0, 1, 1, 0, 0],
    })


def test_tpr_gap_by_hand(decisions):
    assert check_exercise("12.3", -0.5, decisions=decisions)
    result = check_exercise("12.3", 2 / 3 - 1 / 2, decisions=decisions)
    assert not result and "approval rates" in result.message
    result = check_exercise("12.3", 0.5, decisions=decisions)
    assert not result and "sign" in result.message


def test_tpr_gap_rejects_bad_context(decisions):
    with pytest.raises(ValueError, match="sex"):
        check_exercise("12.3", 0.1, decisions=decisions.drop(columns="sex"))
    with pytest.raises(ValueError, match="male"):
        check_exercise("12.3", 0.1, decisions=decisions.assign(sex="female"))


def test_top_contribution_by_hand():
    contributions = pd.Series({"age": 0.2, "checking_status": 0.9, "savings": -1.4})
    assert check_exercise("12.4", "checking_status", contributions=contributions)
    result = check_exercise("12.4", "savings", contributions=contributions)
    assert not result and "towards approval" in result.message
    assert not check_exercise("12.4", "age", contributions=contributions)


def test_top_contribution_rejects_bad_context():
    with pytest.raises(TypeError, match="Series"):
        check_exercise("12.4", "age", contributions={"age": 1.0})
    with pytest.raises(ValueError, match="NaN"):
        check_exercise("12.4", "age", contributions=pd.Series({"age": float("nan")}))
