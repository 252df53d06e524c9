"""Bandit policies for choosing creatives, and a simulator of their regret.

Policies follow scikit-learn: parameters in ``__init__``, learning in
``update(arm, reward)`` or ``partial_fit(arms, rewards)``, learned state in
attributes ending in ``_``; ``select_arm()`` gives the next arm.
:func:`simulate_regret` plays many independent runs at once with the same
policies. UCB1 is Auer, Cesa-Bianchi and Fischer (2002), Thompson sampling
Thompson (1933) and Chapelle and Li (2011), disjoint LinUCB Li, Chu,
Langford and Schapire (2010).

>>> result = simulate_regret(ThompsonSampling(n_arms=3), [0.02, 0.05, 0.03], horizon=2_000, n_runs=20)
>>> result.cumulative_regret.shape, bool(result.best_arm_share[-1] > 0.5)
((20, 2000), True)
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.utils import Bunch

from smartmkt_helpers._checks import positive_int

__all__ = ["ABTestThenCommit", "EpsilonGreedy", "UCB1", "ThompsonSampling", "LinUCB", "simulate_regret", "regret_bands"]


def _argmax_random_ties(scores: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    is_max = scores >= scores.max(axis=-1, keepdims=True)
    return np.argmax(is_max * (1.0 + rng.random(scores.shape)), axis=-1)


class _Bandit(BaseEstimator):
    """Shared machinery: state arrays with one row per simulated run (online: no ``fit``)."""

    _needs_context = False
    _binary_rewards = False

    def __init__(self, n_arms: int, random_state: int | None = None):
        self.n_arms = n_arms
        self.random_state = random_state

    def _check_params(self) -> None:
        positive_int(self.n_arms, "n_arms")

    def _new_state(self, n_runs: int, n_features: int | None = None) -> dict:
        shape = (n_runs, self.n_arms)
        return {"counts": np.zeros(shape), "sums": np.zeros(shape)}

    def _choose(self, state: dict, t: int, rng: np.random.Generator, contexts: np.ndarray | None) -> np.ndarray:
        raise NotImplementedError

    def _learn(self, state: dict, arms: np.ndarray, rewards: np.ndarray, contexts: np.ndarray | None) -> None:
        rows = np.arange(len(arms))
        state["counts"][rows, arms] += 1
        state["sums"][rows, arms] += rewards

    def _start(self, n_features: int | None = None) -> None:
        if hasattr(self, "state_"):
            return
        self._check_params()
        self.rng_ = np.random.default_rng(self.random_state)
        self.state_ = self._new_state(1, n_features)
        self.t_ = 0
        self._expose()

    def _expose(self) -> None:
        self.counts_ = self.state_["counts"][0]
        self.sums_ = self.state_["sums"][0]

    @property
    def values_(self) -> np.ndarray:
        """Mean observed reward of each arm (0 for arms never shown)."""
        self._check_started()
        return np.divide(self.sums_, self.counts_, out=np.zeros(self.n_arms), where=self.counts_ > 0)

    def _check_started(self) -> None:
        # check_is_fitted needs a fit method, which an online policy has not
        if not hasattr(self, "state_"):
            raise NotFittedError(f"this {type(self).__name__} has not seen any data yet: "
                                 "call update() or partial_fit() first")

    def _check_context(self, context: Any, n_rows: int | None = None) -> np.ndarray | None:
        if not self._needs_context:
            return None
        if context is None:
            raise ValueError(f"{type(self).__name__} needs a context vector")
        context = np.asarray(context, dtype=float)
        expected_ndim = 1 if n_rows is None else 2
        if context.ndim != expected_ndim:
            raise ValueError(f"context must be {expected_ndim}-dimensional, got shape {context.shape}")
        if n_rows is not None and context.shape[0] != n_rows:
            raise ValueError(f"contexts has {context.shape[0]} rows but arms has {n_rows}")
        if not np.isfinite(context).all():
            raise ValueError("context contains NaN or infinite values")
        return context

    def select_arm(self, context: Any = None) -> int:
        """The arm to show next (an integer in ``0 .. n_arms - 1``)."""
        context = self._check_context(context)
        self._start(None if context is None else context.shape[-1])
        batch = None if context is None else context[np.newaxis, :]
        return int(self._choose(self.state_, self.t_ + 1, self.rng_, batch)[0])

    def update(self, arm: int, reward: float, context: Any = None) -> _Bandit:
        """Learn from one shown arm and the reward it earned."""
        return self.partial_fit([arm], [reward], None if context is None else [context])

    def partial_fit(self, arms: Any, rewards: Any, contexts: Any = None) -> _Bandit:
        """Learn from a batch of shown arms and their rewards, in order."""
        arms = np.asarray(arms)
        rewards = np.asarray(rewards, dtype=float)
        if arms.ndim != 1 or rewards.shape != arms.shape:
            raise ValueError(f"arms and rewards must be 1-D of the same length, got {arms.shape} and {rewards.shape}")
        if arms.size == 0:
            raise ValueError("arms is empty: nothing to learn from")
        if not np.issubdtype(arms.dtype, np.integer):
            raise TypeError(f"arms must be integers, got dtype {arms.dtype}")
        if not np.isfinite(rewards).all():
            raise ValueError("rewards contain NaN or infinite values")
        self._check_params()
        if arms.min() < 0 or arms.max() >= self.n_arms:
            raise ValueError(f"arm out of range: arms must lie in 0..{self.n_arms - 1}, got {arms.min()}..{arms.max()}")
        if self._binary_rewards and not np.isin(rewards, (0.0, 1.0)).all():
            raise ValueError(f"{type(self).__name__} (Beta-Bernoulli) needs rewards of 0 or 1")
        contexts = self._check_context(contexts, n_rows=len(arms))
        self._start(None if contexts is None else contexts.shape[1])
        for index in range(len(arms)):  # sequential by nature: state changes
            batch = None if contexts is None else contexts[index:index + 1]
            self._learn(self.state_, arms[index:index + 1], rewards[index:index + 1], batch)
        self.t_ += len(arms)
        return self


class ABTestThenCommit(_Bandit):
    """An A/B/n test: show the arms in turn for ``test_length`` rounds, then the best-looking one for ever."""

    def __init__(self, n_arms: int, test_length: int = 1000, random_state: int | None = None):
        super().__init__(n_arms, random_state)
        self.test_length = test_length

    def _check_params(self) -> None:
        super()._check_params()
        positive_int(self.test_length, "test_length")

    def _choose(self, state, t, rng, contexts):
        counts, sums = state["counts"], state["sums"]
        if t <= self.test_length:
            return np.full(len(counts), (t - 1) % self.n_arms)
        means = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
        return _argmax_random_ties(means, rng)


class EpsilonGreedy(_Bandit):
    """The best-looking arm, or a random arm with probability ``epsilon``.

    Arms never shown count as best-looking, so each is tried once first.
    """

    def __init__(self, n_arms: int, epsilon: float = 0.1, random_state: int | None = None):
        super().__init__(n_arms, random_state)
        self.epsilon = epsilon

    def _check_params(self) -> None:
        super()._check_params()
        if not isinstance(self.epsilon, numbers.Real) or not 0 <= self.epsilon <= 1:
            raise ValueError(f"epsilon must be a number in [0, 1], got {self.epsilon!r}")

    def _choose(self, state, t, rng, contexts):
        counts, sums = state["counts"], state["sums"]
        means = np.divide(sums, counts, out=np.full_like(sums, np.inf), where=counts > 0)
        greedy = _argmax_random_ties(means, rng)
        explore = rng.random(len(counts)) < self.epsilon
        random_arms = rng.integers(0, self.n_arms, len(counts))
        return np.where(explore, random_arms, greedy)


class UCB1(_Bandit):
    """The arm with the highest upper confidence bound ``mean + sqrt(exploration ln t / n)``.

    Every arm is shown once first; rewards are assumed in [0, 1];
    ``exploration=2`` is UCB1 as published (Auer et al., 2002).
    """

    def __init__(self, n_arms: int, exploration: float = 2.0, random_state: int | None = None):
        super().__init__(n_arms, random_state)
        self.exploration = exploration

    def _check_params(self) -> None:
        super()._check_params()
        if not isinstance(self.exploration, numbers.Real) or self.exploration < 0:
            raise ValueError(f"exploration must be a non-negative number, got {self.exploration!r}")

    def _bounds(self, counts, sums, t):
        safe = np.maximum(counts, 1)
        bound = sums / safe + np.sqrt(self.exploration * np.log(max(t, 1)) / safe)
        return np.where(counts > 0, bound, np.inf)

    def _choose(self, state, t, rng, contexts):
        return _argmax_random_ties(self._bounds(state["counts"], state["sums"], t), rng)


class ThompsonSampling(_Bandit):
    """Beta-Bernoulli Thompson sampling (Thompson, 1933; Chapelle and Li, 2011).

    Each arm's click rate has a ``Beta(prior_alpha + clicks, prior_beta +
    non-clicks)`` posterior; the policy draws one rate per arm and shows the
    highest. Rewards must be 0 or 1.
    """

    _binary_rewards = True

    def __init__(self, n_arms: int, prior_alpha: float = 1.0, prior_beta: float = 1.0, random_state: int | None = None):
        super().__init__(n_arms, random_state)
        self.prior_alpha = prior_alpha
        self.prior_beta = prior_beta

    def _check_params(self) -> None:
        super()._check_params()
        for name in ("prior_alpha", "prior_beta"):
            value = getattr(self, name)
            if not isinstance(value, numbers.Real) or not value > 0:
                raise ValueError(f"{name} must be a positive number, got {value!r}")

    @property
    def alpha_(self) -> np.ndarray:
        """Posterior alpha of each arm: prior plus clicks."""
        self._check_started()
        return self.prior_alpha + self.sums_

    @property
    def beta_(self) -> np.ndarray:
        """Posterior beta of each arm: prior plus non-clicks."""
        self._check_started()
        return self.prior_beta + self.counts_ - self.sums_

    def _choose(self, state, t, rng, contexts):
        counts, sums = state["counts"], state["sums"]
        draws = rng.beta(self.prior_alpha + sums, self.prior_beta + counts - sums)
        return np.argmax(draws, axis=-1)


class LinUCB(_Bandit):
    """Disjoint LinUCB (Li et al., 2010, algorithm 1): a contextual bandit.

    Arm ``a`` keeps a ridge regression of reward on the context ``x``:
    ``A_a = ridge I + sum x x'``, ``b_a = sum r x``, ``theta_a = A_a^-1 b_a``;
    the policy shows the arm with the highest ``x' theta_a + alpha sqrt(x' A_a^-1 x)``.
    ``A_a^-1`` is updated with the Sherman-Morrison formula.
    """

    _needs_context = True

    def __init__(self, n_arms: int, alpha: float = 1.0, ridge: float = 1.0, random_state: int | None = None):
        super().__init__(n_arms, random_state)
        self.alpha = alpha
        self.ridge = ridge

    def _check_params(self) -> None:
        super()._check_params()
        if not isinstance(self.alpha, numbers.Real) or self.alpha < 0:
            raise ValueError(f"alpha must be a non-negative number, got {self.alpha!r}")
        if not isinstance(self.ridge, numbers.Real) or not self.ridge > 0:
            raise ValueError(f"ridge must be a positive number, got {self.ridge!r}")

    def _new_state(self, n_runs: int, n_features: int | None = None) -> dict:
        state = super()._new_state(n_runs)
        eye = np.eye(n_features) / self.ridge
        state["A_inv"] = np.broadcast_to(eye, (n_runs, self.n_arms, n_features, n_features)).copy()
        state["b"] = np.zeros((n_runs, self.n_arms, n_features))
        return state

    def _expose(self) -> None:
        super()._expose()
        self.A_inv_ = self.state_["A_inv"][0]
        self.b_ = self.state_["b"][0]

    @property
    def theta_(self) -> np.ndarray:
        """Ridge coefficients of every arm, shape (n_arms, n_features)."""
        self._check_started()
        return np.einsum("aij,aj->ai", self.A_inv_, self.b_)

    @staticmethod
    def _check_features(state, contexts):
        started = state["b"].shape[-1]
        if contexts.shape[-1] != started:
            raise ValueError(f"context has {contexts.shape[-1]} features, the policy was started with {started}")

    def _choose(self, state, t, rng, contexts):
        self._check_features(state, contexts)
        theta = np.einsum("raij,raj->rai", state["A_inv"], state["b"])
        mean = np.einsum("rai,ri->ra", theta, contexts)
        spread = np.einsum("ri,raij,rj->ra", contexts, state["A_inv"], contexts)
        return _argmax_random_ties(mean + self.alpha * np.sqrt(np.maximum(spread, 0)), rng)

    def _learn(self, state, arms, rewards, contexts):
        super()._learn(state, arms, rewards, contexts)
        self._check_features(state, contexts)
        rows = np.arange(len(arms))
        A_inv = state["A_inv"][rows, arms]  # (runs, d, d)
        Ax = np.einsum("rij,rj->ri", A_inv, contexts)
        denominator = 1.0 + np.einsum("ri,ri->r", contexts, Ax)
        state["A_inv"][rows, arms] = A_inv - np.einsum("ri,rj->rij", Ax, Ax) / denominator[:, None, None]
        state["b"][rows, arms] += rewards[:, None] * contexts


def simulate_regret(policy: _Bandit, true_means: Any, horizon: int, n_runs: int = 100, random_state: int | None = 0,
                    contexts: Any = None, context_probabilities: Any = None) -> Bunch:
    """Play ``policy`` on a Bernoulli bandit for ``n_runs`` independent runs at once.

    ``true_means`` holds each arm's click rate, shape (n_arms,), or per
    customer type (n_types, n_arms) with ``contexts`` (n_types, n_features);
    each round draws a type per run with ``context_probabilities`` (uniform
    by default). Only the policy's parameters are used. Regret is the best
    arm's rate minus the shown arm's. Returns a Bunch with ``cumulative_regret``,
    ``arms``, ``rewards`` (n_runs, horizon) and ``best_arm_share`` (horizon,).
    """
    if not isinstance(policy, _Bandit):
        raise TypeError(f"policy must be a bandit policy of this module, got {type(policy).__name__}")
    horizon = positive_int(horizon, "horizon")
    n_runs = positive_int(n_runs, "n_runs")
    means = np.asarray(true_means, dtype=float)
    if means.ndim == 1:
        means = means[np.newaxis, :]
        if contexts is not None:
            raise ValueError("contexts given but true_means is 1-D: give one row of means per context")
    elif means.ndim != 2:
        raise ValueError(f"true_means must be 1-D or 2-D, got shape {means.shape}")
    if not np.isfinite(means).all() or (means < 0).any() or (means > 1).any():
        raise ValueError("true_means must be click-through rates in [0, 1]")
    n_types, n_arms = means.shape
    if n_arms != policy.n_arms:
        raise ValueError(f"true_means has {n_arms} arms but the policy has n_arms={policy.n_arms}")
    policy._check_params()
    if contexts is None:
        if n_types > 1:
            raise ValueError("true_means is 2-D: give contexts, one feature row per customer type")
        if policy._needs_context:
            raise ValueError(f"{type(policy).__name__} needs contexts")
        features = None
    else:
        features = np.asarray(contexts, dtype=float)
        if features.ndim != 2 or features.shape[0] != n_types:
            raise ValueError(f"contexts must have shape (n_types, n_features) = ({n_types}, ...), got {features.shape}")
    if context_probabilities is None:
        type_probs = np.full(n_types, 1.0 / n_types)
    else:
        type_probs = np.asarray(context_probabilities, dtype=float)
        if type_probs.shape != (n_types,) or (type_probs < 0).any() or not np.isclose(type_probs.sum(), 1):
            raise ValueError("context_probabilities must be n_types non-negative numbers summing to 1")

    rng = np.random.default_rng(random_state)
    state = policy._new_state(n_runs, None if features is None else features.shape[1])
    best_value = means.max(axis=1)
    best_arms = means.argmax(axis=1)
    arms_played = np.empty((n_runs, horizon), dtype=np.int16)
    rewards_seen = np.empty((n_runs, horizon), dtype=np.int8)
    regret = np.empty((n_runs, horizon))
    is_best = np.empty((n_runs, horizon), dtype=bool)
    for t in range(1, horizon + 1):
        types = rng.choice(n_types, size=n_runs, p=type_probs) if n_types > 1 else np.zeros(n_runs, int)
        x = None if features is None else features[types]
        arms = policy._choose(state, t, rng, x if policy._needs_context else None)
        p_click = means[types, arms]
        rewards = (rng.random(n_runs) < p_click).astype(float)
        policy._learn(state, arms, rewards, x if policy._needs_context else None)
        arms_played[:, t - 1] = arms
        rewards_seen[:, t - 1] = rewards
        regret[:, t - 1] = best_value[types] - p_click
        is_best[:, t - 1] = arms == best_arms[types]
    return Bunch(cumulative_regret=np.cumsum(regret, axis=1), arms=arms_played, rewards=rewards_seen,
                 best_arm_share=is_best.mean(axis=0), policy=type(policy).__name__)


def regret_bands(cumulative_regret: Any, lower: float = 0.1, upper: float = 0.9, every: int = 1) -> pd.DataFrame:
    """Mean and quantile band of cumulative regret (runs x rounds) over runs, per round.

    Keeps every ``every``-th round; indexed by 1-based ``round``.
    """
    values = np.asarray(cumulative_regret, dtype=float)
    if values.ndim != 2 or values.size == 0:
        raise ValueError(f"cumulative_regret must be a non-empty 2-D array (runs x rounds), got shape {values.shape}")
    if not 0 <= lower < upper <= 1:
        raise ValueError(f"need 0 <= lower < upper <= 1, got lower={lower}, upper={upper}")
    every = positive_int(every, "every")
    keep = np.arange(0, values.shape[1], every)
    kept = values[:, keep]
    return pd.DataFrame({"mean": kept.mean(axis=0), "lower": np.quantile(kept, lower, axis=0),
                         "upper": np.quantile(kept, upper, axis=0)}, index=pd.Index(keep + 1, name="round"))
