"""Off-policy estimators are unbiased on synthetic logs with known propensities."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartmkt_helpers.ads.off_policy import (
    empirical_policy,
    ipw,
    off_policy_summary,
    snipw,
)

N_ACTIONS = 5


def _doubly_robust(rewards, logging_probs, target_probs, q_logged, q_target):
    table = off_policy_summary(rewards, logging_probs, target_probs, q_logged, q_target)
    return table.loc["DR", "estimate"]


def _synthetic_logs(n_logs: int, n_rows: int, seed: int = 0):
    """Many logs of a skewed logging policy; the target's true value is known."""
    rng = np.random.default_rng(seed)
    contexts = rng.integers(0, 2, size=(n_logs, n_rows))
    ctr = np.array([[0.1, 0.3, 0.2, 0.05, 0.4], [0.4, 0.1, 0.2, 0.3, 0.05]])
    logging = np.array([[0.4, 0.3, 0.1, 0.1, 0.1], [0.1, 0.1, 0.2, 0.3, 0.3]])
    target = np.array([[0.0, 0.2, 0.0, 0.0, 0.8], [0.9, 0.0, 0.1, 0.0, 0.0]])
    cumulative = logging[contexts].cumsum(axis=-1)
    actions = (rng.random((n_logs, n_rows, 1)) > cumulative).sum(axis=-1)
    rewards = (rng.random((n_logs, n_rows)) < ctr[contexts, actions]).astype(float)
    true_value = 0.5 * (target * ctr).sum(axis=1).sum()
    return contexts, actions, rewards, logging, target, ctr, true_value


def test_ipw_and_dr_are_unbiased_and_snipw_close():
    contexts, actions, rewards, logging, target, ctr, truth = _synthetic_logs(2_000, 200)
    p = logging[contexts, actions]
    pi = target[contexts, actions]
    bad_model = np.full_like(ctr, 0.25)  # a wrong reward model: DR stays unbiased
    q_logged = bad_model[contexts, actions]
    q_target = (target * bad_model).sum(axis=1)[contexts]
    ipw_values = np.array([ipw(r, a, b) for r, a, b in zip(rewards, p, pi)])
    snipw_values = np.array([snipw(r, a, b) for r, a, b in zip(rewards, p, pi)])
    dr_values = np.array([_doubly_robust(*row) for row in zip(rewards, p, pi, q_logged, q_target)])
    for values in (ipw_values, dr_values):
        standard_error = values.std(ddof=1) / np.sqrt(len(values))
        assert abs(values.mean() - truth) < 4 * standard_error
    assert abs(snipw_values.mean() - truth) < 0.01
    # with the true reward model DR varies less than IPW
    dr_true = np.array([
        _doubly_robust(r, a, b, ctr[c, x], (target * ctr).sum(axis=1)[c])
        for r, a, b, c, x in zip(rewards, p, pi, contexts, actions)
    ])
    assert dr_true.std() < 0.9 * ipw_values.std()


def test_summary_standard_error_matches_spread_over_logs():
    contexts, actions, rewards, logging, target, _, truth = _synthetic_logs(400, 2_000, seed=1)
    p = logging[contexts, actions]
    pi = target[contexts, actions]
    estimates = np.array([ipw(r, a, b) for r, a, b in zip(rewards, p, pi)])
    table = off_policy_summary(rewards[0], p[0], pi[0])
    assert table.loc["IPW", "std_error"] == pytest.approx(estimates.std(), rel=0.2)
    covered = []
    for r, a, b in zip(rewards[:100], p[:100], pi[:100]):
        row = off_policy_summary(r, a, b).loc["IPW"]
        covered.append(row["ci_lower"] <= truth <= row["ci_upper"])
    assert 0.85 <= np.mean(covered) <= 1.0


def test_summary_table_and_bootstrap():
    contexts, actions, rewards, logging, target, ctr, _ = _synthetic_logs(1, 3_000, seed=2)
    p = logging[contexts, actions][0]
    pi = target[contexts, actions][0]
    q_logged = ctr[contexts, actions][0]
    q_target = (target * ctr).sum(axis=1)[contexts][0]
    normal = off_policy_summary(rewards[0], p, pi, q_logged, q_target)
    boot = off_policy_summary(rewards[0], p, pi, q_logged, q_target, n_resamples=300, random_state=0)
    assert list(normal.index) == ["IPW", "SNIPW", "DR"]
    assert (normal["ci_lower"] < normal["estimate"]).all()
    assert (normal["estimate"] < normal["ci_upper"]).all()
    np.testing.assert_allclose(boot["ci_lower"], normal["ci_lower"], rtol=0.25)
    np.testing.assert_allclose(boot["ci_upper"], normal["ci_upper"], rtol=0.25)
    assert 0 < normal["effective_sample_size"].iloc[0] <= 3_000


def test_uniform_logging_and_target_reduce_to_the_mean():
    rewards = np.array([1, 0, 0, 1, 1, 0, 0, 0])
    p = np.full(8, 0.25)
    assert ipw(rewards, p, p) == pytest.approx(rewards.mean())
    assert snipw(rewards, p, p) == pytest.approx(rewards.mean())


def test_empirical_policy_rows_sum_to_one():
    log = pd.DataFrame({"item_id": [0, 1, 1, 3, 3, 3], "position": [1, 1, 1, 2, 2, 3]})
    table = empirical_policy(log, n_actions=4)
    np.testing.assert_allclose(table.sum(axis=1), 1.0)
    assert table.loc[2, 3] == 1.0 and table.loc[1, 2] == 0.0
    assert list(table.columns) == [0, 1, 2, 3]


@pytest.mark.parametrize(
    "args, match",
    [
        (([1, 0], [0.5, 0.0], [1, 0]), "logging_probs"),
        (([1, 0], [0.5, 0.5], [1.5, 0]), "target_probs"),
        (([1, 0], [0.5], [1, 0]), "expected 2"),
        (([], [], []), "empty"),
        (([1, np.nan], [0.5, 0.5], [1, 0]), "NaN"),
        (([[1, 0]], [[0.5, 0.5]], [[1, 0]]), "1-D"),
    ],
)
def test_bad_estimator_input_is_rejected(args, match):
    with pytest.raises(ValueError, match=match):
        ipw(*args)


def test_bad_summary_and_policy_input_is_rejected():
    with pytest.raises(ValueError, match="target policy puts no probability"):
        snipw([1, 0], [0.5, 0.5], [0, 0])
    with pytest.raises(ValueError, match="both q_logged and q_target"):
        off_policy_summary([1, 0], [0.5, 0.5], [1, 0], q_logged=[0.1, 0.1])
    with pytest.raises(ValueError, match="confidence"):
        off_policy_summary([1, 0], [0.5, 0.5], [1, 0], confidence=1.5)
    with pytest.raises(ValueError, match="n_resamples"):
        off_policy_summary([1, 0], [0.5, 0.5], [1, 0], n_resamples=-1)
    with pytest.raises(ValueError, match="q_logged"):
        off_policy_summary([1, 0], [0.5, 0.5], [1, 0], q_logged=[0.1], q_target=[0.1, 0.1])
    log = pd.DataFrame({"item_id": [0, 5], "position": [1, 1]})
    with pytest.raises(ValueError, match="item_id"):
        empirical_policy(log, n_actions=3)
    with pytest.raises(ValueError, match="has no column"):
        empirical_policy(log.drop(columns="position"), n_actions=6)
    with pytest.raises(ValueError, match="empty"):
        empirical_policy(log.iloc[:0], n_actions=6)
    with pytest.raises(TypeError, match="DataFrame"):
        empirical_policy([[0, 1]], n_actions=6)


def test_chapter_6_off_policy_checkers():
    from smartmkt_helpers.exercises import check_exercise

    log = pd.DataFrame({"item_id": [0, 1, 2, 1], "position": [1, 1, 2, 2],
                        "click": [1, 0, 1, 1], "propensity_score": [1 / 3] * 4})
    target = pd.DataFrame([[1.0, 0.0, 0.0], [0.0, 0.5, 0.5]], index=[1, 2])
    pi = np.array([1.0, 0.0, 0.5, 0.5])
    right_ipw = ipw(log["click"], log["propensity_score"], pi)
    right_snipw = snipw(log["click"], log["propensity_score"], pi)
    assert check_exercise("6.2", right_ipw, random_log=log, target_policy=target)
    assert check_exercise("6.3", right_snipw, random_log=log, target_policy=target)
    result = check_exercise("6.2", right_snipw, random_log=log, target_policy=target)
    assert not result and "self-normalised" in result.message
    with pytest.raises(ValueError, match="one row per position"):
        check_exercise("6.2", 0.1, random_log=log, target_policy=target.iloc[:1])
