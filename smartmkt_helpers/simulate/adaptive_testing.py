"""A computerised adaptive test played by simulated examinees (chapter 10).

>>> log = simulate_adaptive_test([0.0, 1.5], np.ones(30), np.linspace(-2, 2, 30), n_questions=5)
>>> log.shape
(10, 7)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit

from smartmkt_helpers._checks import positive_int, vector
from smartmkt_helpers.education import estimate_ability, fisher_information

__all__ = ["simulate_adaptive_test"]


def _item_bank(discrimination: Any, difficulty: Any, n_items: int | None = None,
               prefix: str = "") -> tuple[np.ndarray, np.ndarray]:
    """Discrimination and difficulty of every item, checked."""
    a = vector(np.atleast_1d(discrimination), f"{prefix}discrimination", n_items, "one per item")
    b = vector(np.atleast_1d(difficulty), f"{prefix}difficulty", a.size, "one per item")
    if (a <= 0).any():
        raise ValueError(f"{prefix}discrimination must be positive for every item")
    return a, b


def simulate_adaptive_test(
    true_ability: Any, discrimination: Any, difficulty: Any, n_questions: int, *,
    rule: str = "max-information", true_discrimination: Any = None, true_difficulty: Any = None,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Give each examinee a test and record the EAP ability estimate and ``se`` after each answer.

    ``"max-information"`` asks the unused item most informative at the current
    estimate; ``"fixed"`` asks everyone the items most informative at ability 0;
    ``"random"`` draws unused items. Answers come from ``true_discrimination`` and
    ``true_difficulty`` (by default the bank's). One row per examinee and question.
    """
    a, b = _item_bank(discrimination, difficulty)
    theta = np.atleast_1d(np.asarray(true_ability, dtype=float))
    if theta.ndim != 1 or theta.size == 0 or not np.isfinite(theta).all():
        raise ValueError("true_ability must be a non-empty 1-D array of finite numbers")
    n_questions = positive_int(n_questions, "n_questions")
    if n_questions > len(a):
        raise ValueError(f"n_questions={n_questions} is larger than the item bank ({len(a)} items)")
    if rule not in ("max-information", "fixed", "random"):
        raise ValueError(f"rule must be 'max-information', 'fixed' or 'random', got {rule!r}")
    true_a, true_b = _item_bank(a if true_discrimination is None else true_discrimination,
                                b if true_difficulty is None else true_difficulty, len(a), "true_")

    rng = np.random.default_rng(random_state)
    n = len(theta)
    responses = np.full((n, len(a)), np.nan)
    estimate = np.zeros(n)
    fixed_order = np.argsort(-fisher_information([0.0], a, b)[0], kind="stable")
    rows = []
    for question in range(n_questions):
        if rule == "max-information":
            info = fisher_information(estimate, a, b)
            info[~np.isnan(responses)] = -np.inf
            item = info.argmax(axis=1)
        elif rule == "fixed":
            item = np.full(n, fixed_order[question])
        else:
            noise = rng.random((n, len(a)))
            noise[~np.isnan(responses)] = -np.inf
            item = noise.argmax(axis=1)
        p_right = expit(true_a[item] * (theta - true_b[item]))
        correct = (rng.random(n) < p_right).astype(float)
        responses[np.arange(n), item] = correct
        estimate, se = estimate_ability(responses, a, b)
        rows.append(pd.DataFrame({
            "examinee": np.arange(n), "question": question + 1, "item": item,
            "correct": correct.astype(int), "estimate": estimate, "se": se, "true_ability": theta,
        }))
    return pd.concat(rows, ignore_index=True)
