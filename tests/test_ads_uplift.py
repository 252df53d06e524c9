"""Uplift models and the Qini / uplift curves: known answers and bad inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression

from smartmkt_helpers.ads.uplift import (
    ClassTransformationUplift,
    TwoModelUplift,
    qini_area,
    qini_curve,
    uplift_area,
    uplift_curve,
)


def _campaign(n=20_000, treated_share=0.5, seed=0):
    """Two kinds of customer: x = 1 gains 0.2 in visit probability, x = 0 nothing."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, n)
    treatment = (rng.random(n) < treated_share).astype(int)
    p = 0.1 + 0.2 * treatment * x
    y = (rng.random(n) < p).astype(int)
    return x.reshape(-1, 1).astype(float), y, treatment


@pytest.mark.parametrize("model_class", [TwoModelUplift, ClassTransformationUplift])
def test_models_recover_a_known_uplift(model_class):
    X, y, treatment = _campaign()
    model = model_class().fit(X, y, treatment)
    uplift = model.predict(np.array([[0.0], [1.0]]))
    assert uplift == pytest.approx([0.0, 0.2], abs=0.02)


def test_class_transformation_reweights_unequal_groups():
    X, y, treatment = _campaign(n=40_000, treated_share=0.2)
    uplift = ClassTransformationUplift().fit(X, y, treatment).predict(np.array([[0.0], [1.0]]))
    assert uplift == pytest.approx([0.0, 0.2], abs=0.03)
    # without the weights the identity 2P(z=1) - 1 is off by a wide margin
    z = y * treatment + (1 - y) * (1 - treatment)
    plain = 2 * LogisticRegression().fit(X, z).predict_proba(np.array([[0.0]]))[:, 1] - 1
    assert abs(plain[0]) > 0.3
    assert ClassTransformationUplift().fit(X, y, treatment).treated_share_ == pytest.approx(0.2, abs=0.01)


def test_two_model_with_a_regressor_estimates_an_amount():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(5_000, 2))
    treatment = rng.integers(0, 2, 5_000)
    spend = 10 + 3 * X[:, 0] + 5 * treatment + rng.normal(size=5_000)
    model = TwoModelUplift(LinearRegression()).fit(X, spend, treatment)
    assert model.predict(X).mean() == pytest.approx(5, abs=0.2)
    treated, control = model.predict_outcomes(X[:3])
    np.testing.assert_allclose(treated - control, model.predict(X[:3]))


def test_models_accept_dataframes_and_keep_learned_attributes():
    X, y, treatment = _campaign(n=2_000)
    frame = pd.DataFrame(X, columns=["x"])
    model = TwoModelUplift().fit(frame, y, treatment)
    assert model.predict(frame).shape == (2_000,)
    assert 0.4 < model.treated_share_ < 0.6
    assert model.model_treated_ is not model.model_control_
    assert ClassTransformationUplift().fit(frame, y, treatment).predict(frame).shape == (2_000,)


@pytest.mark.parametrize("model_class", [TwoModelUplift, ClassTransformationUplift])
def test_models_reject_bad_inputs(model_class):
    X, y, treatment = _campaign(n=400)
    with pytest.raises(ValueError, match="treatment must be 0"):
        model_class().fit(X, y, treatment * 2)
    with pytest.raises(ValueError, match="only treated"):
        model_class().fit(X, y, np.ones_like(treatment))
    with pytest.raises(ValueError, match="expected 400"):
        model_class().fit(X, y[:-1], treatment)
    with pytest.raises(ValueError, match="NaN"):
        model_class().fit(X, np.where(np.arange(400) == 3, np.nan, y), treatment)
    with pytest.raises(ValueError, match="2-D"):
        model_class().fit(X.ravel(), y, treatment)
    with pytest.raises(ValueError, match="not fitted"):
        model_class().predict(X)
    with pytest.raises(ValueError, match="0 or 1"):
        model_class().fit(X, y * 3.5, treatment)


def test_class_transformation_needs_a_classifier():
    X, y, treatment = _campaign(n=400)
    with pytest.raises(TypeError, match="classifier"):
        ClassTransformationUplift(LinearRegression()).fit(X, y, treatment)


def test_two_model_classifier_needs_both_classes_in_each_group():
    X = np.zeros((6, 1))
    with pytest.raises(ValueError, match="single class among control"):
        TwoModelUplift().fit(X, [1, 0, 1, 0, 0, 0], [1, 1, 1, 0, 0, 0])


# --------------------------------------------------------------------------
# curves

Y, SCORE, TREATMENT = [1, 0, 0, 0], [0.9, 0.8, 0.2, 0.1], [1, 0, 1, 0]


def test_qini_curve_by_hand():
    curve = qini_curve(Y, SCORE, TREATMENT)
    assert list(curve.columns) == ["customers", "fraction", "incremental", "random"]
    assert curve["customers"].tolist() == [0, 1, 2, 3, 4]
    assert curve["incremental"].tolist() == [0.0, 1.0, 1.0, 1.0, 1.0]
    assert curve["random"].tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert qini_area(Y, SCORE, TREATMENT) == pytest.approx(0.09375)


def test_uplift_curve_by_hand():
    curve = uplift_curve(Y, SCORE, TREATMENT)
    # k=1: no control yet -> 0; k=2: (1 - 0) * 2; k=3: (1/2 - 0) * 3; k=4: (1/2 - 0) * 4
    assert curve["incremental"].tolist() == [0.0, 0.0, 2.0, 1.5, 2.0]
    assert uplift_area(Y, SCORE, TREATMENT) == pytest.approx(0.03125)


def test_tied_scores_enter_together():
    curve = qini_curve([1, 0, 1, 0], [0.5, 0.5, 0.1, 0.1], [1, 0, 1, 0])
    assert curve["customers"].tolist() == [0, 2, 4]
    constant = qini_curve([1, 0, 1, 0], [0.3] * 4, [1, 0, 1, 0])
    assert constant["customers"].tolist() == [0, 4]
    assert qini_area([1, 0, 1, 0], [0.3] * 4, [1, 0, 1, 0]) == 0.0


def test_areas_reward_good_rankings_and_punish_reversed_ones():
    X, y, treatment = _campaign()
    true_uplift = 0.2 * X[:, 0]
    noise = np.random.default_rng(2).random(len(y)) * 1e-3  # break ties
    # perfect ranking: the Qini gap peaks at 0.025 per customer halfway (a triangle)
    assert qini_area(y, true_uplift + noise, treatment) == pytest.approx(0.0125, abs=0.003)
    assert qini_area(y, -true_uplift + noise, treatment) < -0.009
    assert uplift_area(y, true_uplift + noise, treatment) == pytest.approx(0.025, abs=0.006)
    assert abs(qini_area(y, noise, treatment)) < 0.01


def test_uplift_curve_ends_at_twice_the_qini_with_equal_groups():
    rng = np.random.default_rng(3)
    treatment = np.repeat([0, 1], 500)
    y = rng.integers(0, 2, 1_000)
    score = rng.random(1_000)
    # Qini counts the extra outcomes of the treated half, the uplift curve of everyone
    assert 2 * qini_curve(y, score, treatment)["incremental"].iloc[-1] == pytest.approx(
        uplift_curve(y, score, treatment)["incremental"].iloc[-1])


@pytest.mark.parametrize("curve", [qini_curve, uplift_curve, qini_area, uplift_area])
def test_curves_reject_bad_inputs(curve):
    with pytest.raises(ValueError, match="uplift has 3 values"):
        curve([1, 0, 1, 0], [0.1, 0.2, 0.3], [1, 0, 1, 0])
    with pytest.raises(ValueError, match="only treated"):
        curve([1, 0, 1, 0], [0.1, 0.2, 0.3, 0.4], [1, 1, 1, 1])
    with pytest.raises(ValueError, match="NaN"):
        curve([1, 0, 1, 0], [0.1, np.nan, 0.3, 0.4], [1, 0, 1, 0])
    with pytest.raises(ValueError, match="empty"):
        curve([], [], [])
    with pytest.raises(TypeError, match="numbers"):
        curve(["a", "b"], [0.1, 0.2], [1, 0])
