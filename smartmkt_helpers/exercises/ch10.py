"""Self-checks for chapter 10: education (knowledge tracing, adaptive tests)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from smartmkt_helpers.education import fisher_information, prior_counts
from smartmkt_helpers.exercises import register, require_columns
from smartmkt_helpers.exercises.checking import CheckResult, check_answer


@register("10.1")
def _skill_success(answer: Any, *, answers: pd.DataFrame) -> CheckResult:
    require_columns(answers, ["split", "skill_id", "correct"], "answers")
    train = answers[answers["split"] == "train"]
    expected = train.groupby("skill_id")["correct"].mean().rename("correct")
    everything = answers.groupby("skill_id")["correct"].mean()
    return check_answer(
        answer, expected, name="skill_success", mistakes={
            "You used every answer, the test students' included. A baseline may only learn from the training "
            "students: filter split == 'train' first.": everything.reindex(expected.index)})


@register("10.2")
def _prior_failures(answer: Any, *, history: pd.DataFrame) -> CheckResult:
    require_columns(history, ["student_id", "step", "skill_id", "correct"], "history")
    expected = prior_counts(history)["failures"].astype(float)
    counts = prior_counts(history)
    including_current = (counts["failures"] + (history["correct"] == 0)).astype(float)
    all_skills = (
        history.sort_values("step").groupby("student_id")["correct"] .transform(
            lambda c: (1 - c).cumsum() - (1 - c)) .reindex(history.index).astype(float))
    return check_answer(
        answer, expected, name="prior_failures", mistakes={
            "Your count includes the answer itself. PFA may only use answers before the current one: "
            "subtract the current failure (or shift by one).": including_current,
            "You counted failures on every skill. PFA counts them per skill: group by student and skill.":
                all_skills})


@register("10.3")
def _fixed_form_se(answer: Any, *, discrimination: np.ndarray, difficulty: np.ndarray,
                   items: Any) -> CheckResult:
    items = np.asarray(items)
    info = fisher_information([0.0], np.asarray(discrimination)[items], np.asarray(difficulty)[items])[0]
    expected = float(1 / np.sqrt(info.sum()))
    a = np.asarray(discrimination)[items]
    p_q = info / a**2
    return check_answer(
        answer, expected, name="fixed_se", mistakes={
            "That is 1 / information, the variance. The standard error is its square root: 1 / "
            "sqrt(information).": float(1 / info.sum()),
            "You left out the discrimination: an item's information is a**2 * P * (1 - P).":
                float(1 / np.sqrt(p_q.sum()))})
