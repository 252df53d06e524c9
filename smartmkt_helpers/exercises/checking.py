"""The answer checker: tell a learner at once whether an answer is right and, if not, what is wrong.

A chapter's checker calls :func:`check_answer` with the answer, the expected value and, optionally, the values
known mistakes produce, each with a hint. The result prints as one line, or as a coloured box in JupyterLab and
the book; it is truthy only when the answer is right, so hidden test cells can ``assert`` it.

>>> check_answer(25.0, 0.25)  # doctest: +NORMALIZE_WHITESPACE
Not yet: your answer is 25, which is too high. It looks like a percentage:
give it as a fraction (for example 0.05, not 5).
>>> check_answer(0.15, 0.1, mistakes={"You averaged the rates.": 0.15})
Not yet: You averaged the rates.
"""

from __future__ import annotations

import html
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

CORRECT = "correct"
INCORRECT = "incorrect"
UNANSWERED = "unanswered"

_LABELS = {CORRECT: "Correct", INCORRECT: "Not yet", UNANSWERED: "Not answered yet"}
_COLOURS = {CORRECT: "#1a7f37", INCORRECT: "#cf222e", UNANSWERED: "#9a6700"}
_MAX_LISTED = 3


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one answer: ``status`` and a sentence that explains it."""

    status: str
    message: str

    @property
    def passed(self) -> bool:
        return self.status == CORRECT

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return f"{_LABELS[self.status]}: {self.message}"

    def _repr_html_(self) -> str:
        colour = _COLOURS[self.status]
        return (
            f'<div class="smartmkt-check smartmkt-check-{self.status}" style="border-left: 4px solid '
            f'{colour}; padding: 0.3em 0.8em;"><strong style="color: '
            f'{colour}">{_LABELS[self.status]}:</strong> ' f"{html.escape(self.message)}</div>")


def check_answer(answer: Any, expected: Any, *, name: str = "your answer", rtol: float = 1e-3,
                 atol: float = 1e-9, mistakes: Mapping[str, Any] | None = None) -> CheckResult:
    """Compare a learner's answer (``None`` or ``...``: not answered) with the expected one and explain the gap.

    ``expected``'s type decides the comparison: numbers within ``rtol``/``atol``, Series and DataFrames label
    by label. ``mistakes`` maps a hint to a known wrong value; an answer matching it gets that hint.
    """
    if rtol < 0 or atol < 0:
        raise ValueError(f"rtol and atol must be non-negative, got rtol={rtol}, atol={atol}")
    if answer is None or answer is Ellipsis:
        return CheckResult(
            UNANSWERED, f"{name} is still None. Replace None with your answer and run the cell again.")
    problem = _mismatch(answer, expected, name, rtol, atol)
    if problem is None:
        return CheckResult(CORRECT, f"{name} matches.")
    for hint, wrong_value in (mistakes or {}).items():
        if _mismatch(answer, wrong_value, name, rtol, atol) is None:
            return CheckResult(INCORRECT, hint)
    hint = _rounding_hint(answer, expected, rtol, atol) or _scale_hint(answer, expected, rtol, atol)
    return CheckResult(INCORRECT, f"{problem} {hint}".strip())


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _mismatch(answer: Any, expected: Any, name: str, rtol: float, atol: float) -> str | None:
    """A sentence describing the first difference, or None if equal."""
    if isinstance(expected, pd.DataFrame):
        return _frame_mismatch(answer, expected, name, rtol, atol)
    if isinstance(expected, pd.Series):
        return _series_mismatch(answer, expected, name, rtol, atol)
    if isinstance(expected, (np.ndarray, list, tuple)):
        return _array_mismatch(answer, np.asarray(expected), name, rtol, atol)
    if _is_number(expected):
        return _number_mismatch(answer, float(expected), name, rtol, atol)
    if not isinstance(answer, type(expected)):
        return f"{name} should be a {type(expected).__name__}, but it is a {type(answer).__name__}."
    if answer != expected:
        return f"{name} is {answer!r}, which is not the expected answer."
    return None


def _number_mismatch(answer: Any, expected: float, name: str, rtol: float, atol: float) -> str | None:
    if isinstance(answer, np.ndarray) and answer.size == 1:
        answer = answer.item()
    if not _is_number(answer):
        kind = type(answer).__name__
        size = f" of length {len(answer)}" if hasattr(answer, "__len__") else ""
        return f"{name} should be a single number, but it is a {kind}{size}."
    value = float(answer)
    if np.isnan(value):
        return f"{name} is NaN: look for a division by zero or a missing value."
    if np.isclose(value, expected, rtol=rtol, atol=atol):
        return None
    # Say which way the answer is off, never by how much: a learner could
    # work the expected value out from "12.5% above".
    direction = "too high" if value > expected else "too low"
    message = f"{name} is {value:.4g}, which is {direction}."
    if expected != 0 and abs(value - expected) < 0.05 * abs(expected):
        message += " It is close: look for a small slip rather than a wrong method."
    return message


def _array_mismatch(answer: Any, expected: np.ndarray, name: str, rtol: float, atol: float) -> str | None:
    if not isinstance(answer, (np.ndarray, list, tuple, pd.Series, pd.Index)):
        return f"{name} should be an array of shape {expected.shape}, but it is a {type(answer).__name__}."
    values = np.asarray(answer)
    if values.shape != expected.shape:
        return f"{name} has shape {values.shape}; the expected shape is {expected.shape}."
    close = _close(values, expected, rtol, atol)
    if isinstance(close, str):
        return f"{name} {close}"
    wrong = np.flatnonzero(~close.ravel())
    if wrong.size == 0:
        return None
    return f"{name} differs at {wrong.size} of {expected.size} positions (flat index {_listing(wrong)})."


def _series_mismatch(answer: Any, expected: pd.Series, name: str, rtol: float, atol: float) -> str | None:
    if not isinstance(answer, pd.Series):
        index = expected.index.name or "label"
        return f"{name} should be a pandas Series indexed by {index}, but it is a {type(answer).__name__}."
    label_problem = _label_mismatch(answer.index, expected.index, name, "label")
    if label_problem:
        return label_problem
    close = _close(answer.reindex(expected.index).to_numpy(), expected.to_numpy(), rtol, atol)
    if isinstance(close, str):
        return f"{name} {close}"
    wrong = list(expected.index[~close])
    if not wrong:
        return None
    return f"{name} is wrong for {len(wrong)} of {len(expected)} labels: {_listing(wrong)}."


def _close(values: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> np.ndarray | str:
    if expected.dtype.kind in "iuf":
        if values.dtype.kind not in "iufb":
            return f"should hold numbers, but its values have dtype {values.dtype}."
        return np.isclose(values.astype(float), expected.astype(float), rtol=rtol, atol=atol)
    return np.asarray(values == expected, dtype=bool)


def _listing(items) -> str:
    items = list(items)
    more = " ..." if len(items) > _MAX_LISTED else ""
    return ", ".join(str(item) for item in items[:_MAX_LISTED]) + more


def _frame_mismatch(answer: Any, expected: pd.DataFrame, name: str, rtol: float, atol: float) -> str | None:
    if not isinstance(answer, pd.DataFrame):
        return f"{name} should be a pandas DataFrame, but it is a {type(answer).__name__}."
    column_problem = _label_mismatch(answer.columns, expected.columns, name, "column")
    if column_problem:
        return column_problem
    for column in expected.columns:
        problem = _series_mismatch(answer[column], expected[column], f"column {column!r}", rtol, atol)
        if problem:
            return f"In {name}, {problem}"
    return None


def _label_mismatch(got: pd.Index, want: pd.Index, name: str, what: str) -> str | None:
    missing = want.difference(got)
    if len(missing):
        return f"{name} is missing the {what}(s) {_listing(missing)}."
    extra = got.difference(want)
    if len(extra):
        return f"{name} has unexpected {what}(s) {_listing(extra)}."
    return None


def _as_float_arrays(answer: Any, expected: Any) -> tuple[np.ndarray, np.ndarray] | None:
    if isinstance(answer, pd.Series) and isinstance(expected, pd.Series):
        if not answer.index.sort_values().equals(expected.index.sort_values()):
            return None
        answer = answer.reindex(expected.index)
    try:
        got = np.asarray(answer, dtype=float)
        want = np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return None
    if got.shape != want.shape or got.size == 0 or not np.all(np.isfinite(got)):
        return None
    return got, want


def _rounding_hint(answer: Any, expected: Any, rtol: float, atol: float) -> str:
    arrays = _as_float_arrays(answer, expected)
    if arrays is None:
        return ""
    got, want = arrays
    for decimals in range(1, 7):
        rounded = np.round(want, decimals)
        if np.allclose(rounded, want, rtol=rtol, atol=atol):
            return ""  # rounding to this many places no longer changes the value
        if np.allclose(got, rounded, rtol=0, atol=1e-12):
            return (f"It looks rounded to {decimals} decimal place{'s' if decimals != 1 else ''}: "
                    "check the unrounded value, and round only when you print it.")
    return ""


def _scale_hint(answer: Any, expected: Any, rtol: float, atol: float) -> str:
    arrays = _as_float_arrays(answer, expected)
    if arrays is None:
        return ""
    got, want = arrays
    with np.errstate(divide="ignore", invalid="ignore"):
        candidates = [
            (want * 100, "It looks like a percentage: give it as a fraction (for example 0.05, not 5)."),
            (want / 100, "It is 100 times too small: is it already a fraction that you divided by 100?"),
            (-want, "The sign is flipped."),
            (1 / want, "It looks like the ratio is upside down: swap numerator and denominator.")]
    for scaled, hint in candidates:
        if np.all(np.isfinite(scaled)) and np.allclose(got, scaled, rtol=rtol, atol=atol):
            return hint
    return ""
