"""Off-policy evaluation: the value of a policy, estimated from another's log.

A logging policy chose action ``a_i`` with probability ``p_i`` (the
propensity) and saw reward ``r_i``; a target policy would choose it with
probability ``pi_i``, ``w_i = pi_i / p_i``. Estimators of the target's value:

- inverse probability weighting, ``mean(w_i r_i)`` (unbiased when every
  propensity is right and positive wherever the target acts);
- self-normalised IPW, ``sum(w_i r_i) / sum(w_i)`` (slightly biased, less variable);
- doubly robust (Dudik, Langford and Li, 2011), ``mean(q_target_i + w_i (r_i - q_logged_i))``
  with a reward model's predictions for the target policy and the logged action.

Each is a mean of per-row terms (SNIPW after linearisation), so its standard
error is their standard deviation over ``sqrt(n)``.

>>> ipw([1, 0, 0, 1], [0.5] * 4, [1.0, 0.0, 1.0, 1.0]), snipw([1, 0, 0, 1], [0.5] * 4, [1.0, 0.0, 1.0, 1.0])
(1.0, 0.6666666666666666)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from smartmkt_helpers._checks import columns, positive_int, vector

__all__ = ["ipw", "snipw", "off_policy_summary", "empirical_policy"]


def _as_vector(values: Any, name: str, n: int | None = None) -> np.ndarray:
    return vector(values, name, n, what="one per logged row")


def _weights(rewards: Any, logging_probs: Any, target_probs: Any) -> tuple[np.ndarray, np.ndarray]:
    r = _as_vector(rewards, "rewards")
    p = _as_vector(logging_probs, "logging_probs", r.size)
    pi = _as_vector(target_probs, "target_probs", r.size)
    if (p <= 0).any() or (p > 1).any():
        raise ValueError("logging_probs must lie in (0, 1]: a zero propensity cannot be re-weighted")
    if (pi < 0).any() or (pi > 1).any():
        raise ValueError("target_probs must lie in [0, 1]")
    return r, pi / p


def _snipw_terms(r: np.ndarray, w: np.ndarray) -> tuple[float, np.ndarray]:
    if w.sum() <= 0:
        raise ValueError("the target policy puts no probability on any logged action")
    value = float((w * r).sum() / w.sum())
    return value, w * (r - value) / w.mean() + value


def ipw(rewards: Any, logging_probs: Any, target_probs: Any) -> float:
    """Inverse probability weighting: ``mean(pi_i / p_i * r_i)``, the target policy's reward per round."""
    r, w = _weights(rewards, logging_probs, target_probs)
    return float((w * r).mean())


def snipw(rewards: Any, logging_probs: Any, target_probs: Any) -> float:
    """Self-normalised IPW: ``sum(w_i r_i) / sum(w_i)``, ``w_i = pi_i / p_i``."""
    return _snipw_terms(*_weights(rewards, logging_probs, target_probs))[0]


def _bootstrap(terms, n_resamples, confidence, rng, ratio_weights=None, ratio_rewards=None) -> tuple[float, float]:
    n = terms.size
    estimates = np.empty(n_resamples)
    chunk = max(1, 2_000_000 // n)
    for start in range(0, n_resamples, chunk):
        stop = min(start + chunk, n_resamples)
        index = rng.integers(0, n, size=(stop - start, n))
        if ratio_weights is None:
            estimates[start:stop] = terms[index].mean(axis=1)
        else:
            w = ratio_weights[index]
            estimates[start:stop] = (w * ratio_rewards[index]).sum(axis=1) / np.maximum(w.sum(axis=1), 1e-300)
    tail = (1 - confidence) / 2
    return float(np.quantile(estimates, tail)), float(np.quantile(estimates, 1 - tail))


def off_policy_summary(rewards: Any, logging_probs: Any, target_probs: Any, q_logged: Any = None, q_target: Any = None,
                       *, confidence: float = 0.95, n_resamples: int = 0, random_state: int | None = 0) -> pd.DataFrame:
    """IPW, SNIPW and, given both reward-model predictions, DR estimates in one table.

    Intervals are normal (``estimate +- z std_error``) when ``n_resamples`` is 0,
    else bootstrap percentiles. Columns: ``estimate``, ``std_error``,
    ``ci_lower``, ``ci_upper``, ``effective_sample_size`` (``sum(w)^2 / sum(w^2)``).
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence}")
    n_resamples = positive_int(n_resamples, "n_resamples", minimum=0)
    if (q_logged is None) != (q_target is None):
        raise ValueError("give both q_logged and q_target for the doubly robust estimate, or neither")
    r, w = _weights(rewards, logging_probs, target_probs)
    n = r.size
    effective = float(w.sum() ** 2 / (w ** 2).sum()) if (w > 0).any() else 0.0
    snipw_value, snipw_terms = _snipw_terms(r, w)
    rows = {"IPW": w * r, "SNIPW": snipw_terms}
    if q_logged is not None:
        q_a = _as_vector(q_logged, "q_logged", n)
        rows["DR"] = _as_vector(q_target, "q_target", n) + w * (r - q_a)
    rng = np.random.default_rng(random_state)
    z = stats.norm.ppf(0.5 + confidence / 2)
    records = []
    for name, terms in rows.items():
        estimate = snipw_value if name == "SNIPW" else float(terms.mean())
        std_error = float(terms.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
        if n_resamples:
            ratio = (w, r) if name == "SNIPW" else (None, None)
            lower, upper = _bootstrap(terms, n_resamples, confidence, rng, *ratio)
        else:
            lower, upper = estimate - z * std_error, estimate + z * std_error
        records.append({"estimator": name, "estimate": estimate, "std_error": std_error,
                        "ci_lower": lower, "ci_upper": upper, "effective_sample_size": effective})
    return pd.DataFrame(records).set_index("estimator")


def empirical_policy(
    log: pd.DataFrame, n_actions: int, *, col_action: str = "item_id", col_position: str = "position"
) -> pd.DataFrame:
    """A context-free policy's choice probabilities, estimated from its own log.

    Returns one row per position and one column per action (0 .. n_actions - 1,
    never-logged actions get 0); each row sums to 1.
    """
    columns(log, [col_action, col_position], "log")
    if len(log) == 0:
        raise ValueError("log is empty")
    n_actions = positive_int(n_actions, "n_actions")
    actions = log[col_action]
    if actions.isna().any() or (actions < 0).any() or (actions >= n_actions).any():
        raise ValueError(f"{col_action} must hold action ids in 0..{n_actions - 1}")
    counts = pd.crosstab(log[col_position], actions).reindex(columns=range(n_actions), fill_value=0)
    counts.columns.name = col_action
    return counts.div(counts.sum(axis=1), axis=0).astype(float)
