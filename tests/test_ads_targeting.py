"""Lookalike expansion, budget targeting and the value of a policy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression

from smartmkt_helpers.ads.targeting import (
    LookalikeExpander,
    choose_targets,
    compare_policies,
)


@pytest.fixture
def population():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1_000, 3))
    in_audience = X[:, 0] + 0.5 * X[:, 1] > 1.0
    is_seed = in_audience & (rng.random(1_000) < 0.4)
    return X, in_audience, is_seed


# --------------------------------------------------------------------------
# lookalikes


def test_lookalike_finds_the_audience(population):
    X, in_audience, is_seed = population
    expander = LookalikeExpander().fit(X, is_seed)
    chosen = expander.expand(size=60)
    assert chosen.sum() == 60
    assert not (chosen & is_seed).any()
    assert in_audience[chosen].mean() > 3 * in_audience[~is_seed].mean()
    assert expander.predict_proba(X[:5]).shape == (5,)


def test_lookalike_scores_are_out_of_fold(population):
    X, _, is_seed = population
    expander = LookalikeExpander(random_state=1).fit(pd.DataFrame(X), is_seed)
    in_sample = expander.estimator_.predict_proba(X)[:, 1]
    assert expander.scores_.shape == (len(X),)
    assert not np.allclose(expander.scores_, in_sample)
    again = LookalikeExpander(random_state=1).fit(pd.DataFrame(X), is_seed)
    np.testing.assert_array_equal(again.scores_, expander.scores_)


def test_lookalike_rejects_bad_inputs(population):
    X, _, is_seed = population
    expander = LookalikeExpander().fit(X, is_seed)
    with pytest.raises(ValueError, match="size must be an integer from 1"):
        expander.expand(0)
    with pytest.raises(ValueError, match="size must be an integer from 1"):
        expander.expand(int((~is_seed).sum()) + 1)
    with pytest.raises(ValueError, match="True/False"):
        LookalikeExpander().fit(X, is_seed * 2.0)
    with pytest.raises(ValueError, match="at least n_folds"):
        LookalikeExpander().fit(X, np.arange(len(X)) < 3)
    with pytest.raises(ValueError, match="n_folds"):
        LookalikeExpander(n_folds=1).fit(X, is_seed)
    with pytest.raises(ValueError, match="expected 1000"):
        LookalikeExpander().fit(X, is_seed[:-1])
    with pytest.raises(TypeError, match="classifier"):
        LookalikeExpander(LinearRegression()).fit(X, is_seed)
    with pytest.raises(ValueError, match="not fitted"):
        LookalikeExpander().expand(10)


# --------------------------------------------------------------------------
# budget


def test_choose_targets_takes_the_best_within_the_budget():
    score = np.array([0.05, -0.02, 0.10, 0.01, 0.03])
    assert choose_targets(score, budget=2).tolist() == [True, False, True, False, False]
    assert choose_targets(score, budget=0).sum() == 0
    # only_positive stops at the sleeping dogs even with budget left
    assert choose_targets(score, budget=10).sum() == 4
    assert choose_targets(score, budget=10, only_positive=False).sum() == 5


def test_choose_targets_with_costs_ranks_by_value_per_cost():
    chosen = choose_targets([0.3, 0.2, 0.15], budget=2.0, cost=[3.0, 1.0, 1.0])
    assert chosen.tolist() == [False, True, True]


def test_choose_targets_rejects_bad_inputs():
    with pytest.raises(ValueError, match="budget"):
        choose_targets([0.1, 0.2], budget=-1)
    with pytest.raises(ValueError, match="cost must be positive"):
        choose_targets([0.1, 0.2], budget=1, cost=[1.0, 0.0])
    with pytest.raises(ValueError, match="cost has 1 values"):
        choose_targets([0.1, 0.2], budget=1, cost=[1.0])
    with pytest.raises(ValueError, match="NaN"):
        choose_targets([0.1, np.nan], budget=1)
    with pytest.raises(ValueError, match="empty"):
        choose_targets([], budget=1)


# --------------------------------------------------------------------------
# value of a policy


def _test_log(n=20_000, seed=0):
    rng = np.random.default_rng(seed)
    treatment = rng.integers(0, 2, n)
    responsive = rng.random(n) < 0.3
    outcome = (rng.random(n) < 0.1 + 0.2 * treatment * responsive).astype(int)
    return outcome, treatment, responsive


def test_estimate_is_the_difference_in_means_times_the_number_targeted():
    outcome, treatment, responsive = _test_log()
    table = compare_policies(outcome, treatment, {"responsive": responsive}, n_resamples=50)
    in_mask = responsive
    expected = in_mask.sum() * (outcome[in_mask & (treatment == 1)].mean()
                                - outcome[in_mask & (treatment == 0)].mean())
    assert table.loc["responsive", "estimate"] == pytest.approx(expected)
    assert table.loc["responsive", "targeted"] == in_mask.sum()


def test_estimate_is_close_to_the_truth_and_the_interval_covers_it():
    outcome, treatment, responsive = _test_log(n=60_000)
    value = compare_policies(outcome, treatment, {"policy": responsive}, n_resamples=300).loc["policy"]
    truth = 0.2 * responsive.sum()
    assert value["lower"] < truth < value["upper"]
    assert value["std_error"] == pytest.approx(np.sqrt(responsive.sum() * 0.5), rel=0.5)


def test_compare_policies_ranks_and_is_reproducible():
    outcome, treatment, responsive = _test_log()
    policies = {"responsive": responsive, "others": ~responsive,
                "nobody": np.zeros(len(outcome), dtype=bool)}
    table = compare_policies(outcome, treatment, policies, n_resamples=200, random_state=5)
    assert table.index.tolist() == ["responsive", "others", "nobody"]
    assert table["p_best"].sum() == pytest.approx(1.0)
    assert table.loc["responsive", "p_best"] > 0.95
    assert table.loc["nobody", "estimate"] == 0.0
    assert (table["lower"] <= table["estimate"] + 1e-9).all()
    assert (table["estimate"] <= table["upper"] + 1e-9).all()
    again = compare_policies(outcome, treatment, policies, n_resamples=200, random_state=5)
    pd.testing.assert_frame_equal(table, again)


def test_compare_policies_rejects_bad_inputs():
    outcome, treatment, responsive = _test_log(n=1_000)
    with pytest.raises(ValueError, match="non-empty mapping"):
        compare_policies(outcome, treatment, {})
    with pytest.raises(ValueError, match="policy 'short'"):
        compare_policies(outcome, treatment, {"short": responsive[:-1]})
    with pytest.raises(ValueError, match="True/False mask"):
        compare_policies(outcome, treatment, {"scores": responsive * 0.5})
    with pytest.raises(ValueError, match="only one group"):
        compare_policies(outcome, treatment, {"treated only": treatment == 1})
    with pytest.raises(ValueError, match="n_resamples"):
        compare_policies(outcome, treatment, {"p": responsive}, n_resamples=1)
    with pytest.raises(ValueError, match="confidence"):
        compare_policies(outcome, treatment, {"p": responsive}, confidence=1.5)
    with pytest.raises(ValueError, match="treatment must be 0"):
        compare_policies(outcome, treatment + 1, {"p": responsive})


# --------------------------------------------------------------------------
# the chapter's self-checks built on these helpers


def test_chapter_5_checks_recognise_right_and_typical_wrong_answers():
    from smartmkt_helpers.exercises import check_exercise

    outcome, treatment, responsive = _test_log(n=2_000)
    score = responsive + np.random.default_rng(1).random(2_000)
    top = np.argsort(-score, kind="stable")[:600]
    emailed, control = treatment[top] == 1, treatment[top] == 0
    visits_t, visits_c = outcome[top][emailed].sum(), outcome[top][control].sum()
    right = visits_t - visits_c * emailed.sum() / control.sum()
    context = dict(y_true=outcome, treatment=treatment, score=score)
    assert check_exercise("5.2", right, **context)
    assert "N_T / N_C" in check_exercise("5.2", visits_t - visits_c, **context).message
    assert not check_exercise("5.2", None, **context)

    uplift = np.where(responsive, 0.1, -0.1)
    value = compare_policies(outcome, treatment, {"p": responsive}, n_resamples=10)
    everyone = compare_policies(outcome, treatment, {"all": np.ones(2_000, bool)},
                                n_resamples=10)
    context = dict(y_true=outcome, treatment=treatment, uplift=uplift)
    assert check_exercise("5.3", value.loc["p", "estimate"], **context)
    result = check_exercise("5.3", everyone.loc["all", "estimate"], **context)
    assert not result and "everyone" in result.message
