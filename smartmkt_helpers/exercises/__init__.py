"""Exercise self-checks, by exercise number.

Each chapter's exercises register a checker in this package's module of
the same number (``ch02.py`` for chapter 2); the first check imports every
``chNN`` module, so all checkers are registered. A checker receives the
learner's answer and the chapter objects the answer was computed from, works
out the expected value itself (so the notebook does not print it), and
returns a :class:`~smartmkt_helpers.exercises.checking.CheckResult` (made by
:func:`~smartmkt_helpers.exercises.checking.check_answer`) that names the
mistake when it recognises one.

Examples
--------
>>> import pandas as pd
>>> ad_log = pd.DataFrame({"creative": ["A", "A"], "impressions": [100, 300],
...                        "clicks": [10, 15]})
>>> check_exercise("0.1", pd.Series({"A": 0.0625}), ad_log=ad_log)
Correct: ctr_by_creative matches.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

import pandas as pd

from smartmkt_helpers import _checks
from smartmkt_helpers.exercises.checking import CheckResult, check_answer
from smartmkt_helpers.exercises.solutions import register_in_ipython, run_apart, solution_names

__all__ = ["check_answer", "check_exercise", "known_exercises", "register", "require_columns", "run_apart",
           "solution_names"]

Checker = Callable[..., CheckResult]
_CHECKERS: dict[str, Checker] = {}


def register(exercise_id: str) -> Callable[[Checker], Checker]:
    """Decorator: register ``checker`` as the self-check of ``exercise_id``."""

    def decorate(checker: Checker) -> Checker:
        if exercise_id in _CHECKERS:
            raise ValueError(f"exercise {exercise_id!r} already has a checker")
        _CHECKERS[exercise_id] = checker
        return checker

    return decorate


def check_exercise(exercise_id: str, answer: Any, **context: Any) -> CheckResult:
    """Check the answer to exercise ``exercise_id`` (for example ``"0.1"``).

    ``context`` passes the objects the exercise works on, by the names the
    exercise uses.
    """
    _register_chapters()
    try:
        checker = _CHECKERS[exercise_id]
    except KeyError:
        known = ", ".join(known_exercises())
        raise ValueError(f"no exercise {exercise_id!r}; exercises with checks: {known}") from None
    return checker(answer, **context)


def known_exercises() -> list[str]:
    """The numbers of the exercises that have a self-check, in order."""
    _register_chapters()
    return sorted(_CHECKERS, key=lambda n: tuple(int(part) for part in n.split(".")))


def require_columns(frame: pd.DataFrame, columns: list[str], name: str) -> None:
    """Raise a ValueError naming the columns ``frame`` (called ``name``) lacks."""
    _checks.columns(frame, columns, name)


def _register_chapters() -> None:
    """Import every ``chNN`` module (once), which registers its checkers."""
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("ch") and module.name != "checking":
            importlib.import_module(f"{__name__}.{module.name}")


register_in_ipython()
