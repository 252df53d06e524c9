"""Exercise self-checks, by exercise number.

Each ``chNN`` module registers the checkers of chapter NN (imported at the first check). A checker gets the
learner's answer and the chapter objects it was computed from, works out the expected value itself (so the
notebook does not print it) and returns a :class:`~smartmkt_helpers.exercises.checking.CheckResult` that names
the mistake when it recognises one.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

from smartmkt_helpers._checks import columns as require_columns
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
    """Check the answer to exercise ``exercise_id`` (e.g. ``"0.1"``), given the objects it works on."""
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


def _register_chapters() -> None:
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("ch") and module.name != "checking":
            importlib.import_module(f"{__name__}.{module.name}")


register_in_ipython()
