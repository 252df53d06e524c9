"""Bandit policies find the best arm; the simulator and bands behave; bad input is rejected."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from smartmkt_helpers.ads.bandits import (
    UCB1,
    ABTestThenCommit,
    EpsilonGreedy,
    LinUCB,
    ThompsonSampling,
    regret_bands,
    simulate_regret,
)

EASY_MEANS = [0.1, 0.5, 0.2]


@pytest.mark.parametrize(
    "policy",
    [EpsilonGreedy(3, epsilon=0.1), UCB1(3), ThompsonSampling(3), ABTestThenCommit(3, test_length=150)],
    ids=lambda p: type(p).__name__,
)
def test_policy_finds_the_best_arm_on_an_easy_problem(policy):
    result = simulate_regret(policy, EASY_MEANS, horizon=1_000, n_runs=30, random_state=1)
    assert result.best_arm_share[-100:].mean() > 0.85
    # sub-linear regret: the second half adds less than the first
    half = result.cumulative_regret[:, 499].mean()
    assert result.cumulative_regret[:, -1].mean() - half < half


def test_one_policy_object_learns_online():
    rng = np.random.default_rng(0)
    policy = ThompsonSampling(3, random_state=0)
    for _ in range(600):
        arm = policy.select_arm()
        policy.update(arm, float(rng.random() < EASY_MEANS[arm]))
    assert policy.counts_.argmax() == 1
    assert policy.counts_.sum() == 600
    assert policy.alpha_.sum() + policy.beta_.sum() == pytest.approx(600 + 6)


def test_simulation_is_reproducible_and_leaves_policy_untouched():
    policy = UCB1(3)
    first = simulate_regret(policy, EASY_MEANS, horizon=50, n_runs=4, random_state=3)
    second = simulate_regret(policy, EASY_MEANS, horizon=50, n_runs=4, random_state=3)
    np.testing.assert_array_equal(first.arms, second.arms)
    assert not hasattr(policy, "state_")


def test_ab_test_alternates_then_commits():
    test = ABTestThenCommit(2, test_length=4)
    assert [test.select_arm() for _ in range(1)] == [0]
    test.partial_fit([0, 1, 0, 1], [0, 1, 0, 1])
    assert test.select_arm() == 1


def test_ucb1_bound_matches_formula():
    policy = UCB1(2).partial_fit([0, 1, 1], [1, 0, 1])
    expected = np.array([1.0, 0.5]) + np.sqrt(2 * np.log(3) / np.array([1, 2]))
    np.testing.assert_allclose(policy._bounds(policy.counts_, policy.sums_, policy.t_), expected)


def test_linucb_learns_context_dependent_best_arm():
    means = [[0.6, 0.1], [0.1, 0.6]]
    result = simulate_regret(LinUCB(2, alpha=0.5), means, horizon=600, n_runs=20,
                             contexts=np.eye(2), random_state=0)
    assert result.best_arm_share[-100:].mean() > 0.85
    blind = simulate_regret(ThompsonSampling(2), means, horizon=600, n_runs=20,
                            contexts=np.eye(2), random_state=0)
    assert result.cumulative_regret[:, -1].mean() < blind.cumulative_regret[:, -1].mean()


def test_linucb_sherman_morrison_matches_direct_inverse():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 3))
    arms = np.zeros(20, dtype=int)
    rewards = rng.random(20)
    policy = LinUCB(1, ridge=2.0).partial_fit(arms, rewards, X)
    A = 2.0 * np.eye(3) + X.T @ X
    np.testing.assert_allclose(policy.A_inv_[0], np.linalg.inv(A), atol=1e-10)
    np.testing.assert_allclose(policy.theta_[0], np.linalg.solve(A, X.T @ rewards), atol=1e-10)


def test_regret_bands_shape_and_order():
    values = np.cumsum(np.random.default_rng(0).random((10, 30)), axis=1)
    bands = regret_bands(values, every=10)
    assert list(bands.index) == [1, 11, 21]
    assert (bands["lower"] <= bands["mean"]).all() and (bands["mean"] <= bands["upper"]).all()


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: EpsilonGreedy(3, epsilon=1.5).select_arm(), ValueError, "epsilon"),
        (lambda: EpsilonGreedy(0).select_arm(), ValueError, "n_arms"),
        (lambda: EpsilonGreedy(2.5).select_arm(), TypeError, "n_arms"),
        (lambda: UCB1(3).update(3, 1.0), ValueError, "arm out of range"),
        (lambda: UCB1(3).update(-1, 1.0), ValueError, "arm out of range"),
        (lambda: UCB1(3).partial_fit([0, 1], [1.0]), ValueError, "same length"),
        (lambda: UCB1(3).partial_fit([], []), ValueError, "empty"),
        (lambda: UCB1(3).partial_fit([0.5], [1.0]), TypeError, "integers"),
        (lambda: UCB1(3).update(0, float("nan")), ValueError, "NaN"),
        (lambda: ThompsonSampling(3).update(0, 0.5), ValueError, "0 or 1"),
        (lambda: ThompsonSampling(3, prior_alpha=0).select_arm(), ValueError, "prior_alpha"),
        (lambda: ABTestThenCommit(3, test_length=0).select_arm(), ValueError, "test_length"),
        (lambda: LinUCB(2).select_arm(), ValueError, "context"),
        (lambda: LinUCB(2, ridge=0).select_arm([1.0]), ValueError, "ridge"),
        (lambda: LinUCB(2).select_arm([[1.0]]), ValueError, "1-dimensional"),
        (lambda: LinUCB(2).update(0, 1.0, [np.nan]), ValueError, "NaN"),
        (lambda: UCB1(3).values_, NotFittedError, "not seen any data"),
    ],
)
def test_bad_policy_input_is_rejected(make, error, match):
    with pytest.raises(error, match=match):
        make()


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"true_means": [0.1, 0.2]}, ValueError, "arms"),
        ({"true_means": [0.1, 1.2, 0.3]}, ValueError, r"\[0, 1\]"),
        ({"true_means": [0.1, 0.2, 0.3], "horizon": 0}, ValueError, "horizon"),
        ({"true_means": [0.1, 0.2, 0.3], "n_runs": 0}, ValueError, "n_runs"),
        ({"true_means": [[0.1, 0.2, 0.3]] * 2}, ValueError, "contexts"),
        ({"true_means": [0.1, 0.2, 0.3], "contexts": np.eye(1)}, ValueError, "1-D"),
        ({"true_means": [[0.1, 0.2, 0.3]] * 2, "contexts": np.eye(2),
          "context_probabilities": [0.7, 0.7]}, ValueError, "summing to 1"),
    ],
)
def test_bad_simulation_input_is_rejected(kwargs, error, match):
    arguments = {"horizon": 10, "n_runs": 2, **kwargs}
    with pytest.raises(error, match=match):
        simulate_regret(UCB1(3), **arguments)


def test_simulation_rejects_non_policy_and_contextual_without_contexts():
    with pytest.raises(TypeError, match="policy"):
        simulate_regret("ucb", [0.1, 0.2], horizon=5)
    with pytest.raises(ValueError, match="needs contexts"):
        simulate_regret(LinUCB(2), [0.1, 0.2], horizon=5)


def test_regret_bands_rejects_bad_input():
    with pytest.raises(ValueError, match="2-D"):
        regret_bands([1, 2, 3])
    with pytest.raises(ValueError, match="lower"):
        regret_bands([[1, 2]], lower=0.9, upper=0.1)


def test_chapter_6_regret_checkers():
    from smartmkt_helpers.exercises import check_exercise

    counts, clicks = np.array([200, 180, 120]), np.array([9, 7, 7])
    right = clicks / counts + np.sqrt(2 * np.log(500) / counts)
    assert check_exercise("6.1", right, counts=counts, clicks=clicks, t=500)
    no_two = clicks / counts + np.sqrt(np.log(500) / counts)
    result = check_exercise("6.1", no_two, counts=counts, clicks=clicks, t=500)
    assert not result and "factor 2" in result.message
    means = np.array([0.1, 0.3])
    arms, rewards = np.array([0, 1, 0]), np.array([1, 0, 0])
    assert check_exercise("6.4", 0.4, true_means=means, arms=arms, rewards=rewards)
    result = check_exercise("6.4", 0.9 - 1, true_means=means, arms=arms, rewards=rewards)
    assert not result and "rewards" in result.message
