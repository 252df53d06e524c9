"""Solutions that run apart from the learner's answers.

A solution cell starts with ``%%solution 0.1``: it runs in a *copy* of the notebook's variables, so running it
(or Run All) never replaces the learner's answer; the names it made are kept under its exercise number for the
hidden checks, which run under ``%%with_solutions 0.1 0.2``, again in a copy. Importing
:mod:`smartmkt_helpers.exercises` in IPython registers both magics and a ``NameError`` hint on how to run the
earlier cells after a kernel restart.

>>> namespace = {"answer": None, "data": [1, 2, 3]}
>>> made = run_apart("answer = sum(data)", namespace)
>>> made["answer"], namespace["answer"]
(6, None)
"""

from __future__ import annotations

import ast
import base64
import html
import os
import sys
from collections.abc import Mapping
from typing import Any

OPEN_SOLUTIONS_VARIABLE = "SMARTMKT_OPEN_SOLUTIONS"
SUMMARY = "Solution output: click to open (your own answer is unchanged)"

_SOLUTIONS: dict[str, dict[str, Any]] = {}
_LOADED_IN: set[int] = set()

NAME_ERROR_HINT = (
    "Hint: if {name} comes from an earlier cell of this chapter, the kernel does not have it (it restarted, "
    "or that cell has not run yet). Click this cell, choose Run > Run All Above Selected Cell, then run this "
    "cell again. If {name} is a name of your own, check its spelling.")


def run_apart(code: str, namespace: Mapping[str, Any], *, filename: str = "<solution>") -> dict[str, Any]:
    """Run ``code`` in a shallow copy of ``namespace``; return the names it bound to a new object.

    Assigning a name changes only the copy (changing an object in place would show outside: solutions don't).
    As in a notebook cell, the value of a last bare expression is displayed.
    """
    scope = dict(namespace)
    tree = ast.parse(code, filename=filename)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, filename, "exec"), scope)  # noqa: S102 - the notebook's own code
    if last is not None:
        value = eval(compile(ast.Expression(last.value), filename, "eval"), scope)  # noqa: S307
        if value is not None:
            _display(value)
    return {name: value for name, value in scope.items()
            if name != "__builtins__" and (name not in namespace or namespace[name] is not value)}


def solution_names(exercise_id: str) -> dict[str, Any]:
    """The names the solution of ``exercise_id`` made, after it has run."""
    try:
        return dict(_SOLUTIONS[exercise_id])
    except KeyError:
        ran = ", ".join(sorted(_SOLUTIONS)) or "none"
        raise LookupError(
            f"the solution of exercise {exercise_id} has not run in this kernel (solutions that have: "
            f"{ran}); run its solution cell first") from None


def record_solution(exercise_id: str, code: str, namespace: Mapping[str, Any]) -> dict[str, Any]:
    """Run the solution of ``exercise_id`` apart (:func:`run_apart`) and keep its names."""
    from smartmkt_helpers.exercises import known_exercises

    if exercise_id not in known_exercises():
        raise ValueError(
            f"no exercise {exercise_id!r}; exercises with checks: {', '.join(known_exercises())}")
    made = run_apart(code, namespace, filename=f"<solution {exercise_id}>")
    _SOLUTIONS[exercise_id] = made
    return made


def _display(value: Any) -> None:
    try:
        from IPython.display import display
    except ImportError:  # plain Python: print as the REPL would
        print(repr(value))
    else:
        display(value)


def _show_open_figures() -> None:
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None and pyplot.get_fignums():
        pyplot.show()


def _display_folded(captured) -> None:
    """Show captured output inside a closed <details> box (plain text too)."""
    parts, plain = [], []
    for text in (captured.stdout, captured.stderr):
        if text:
            parts.append(f"<pre>{html.escape(text)}</pre>")
            plain.append(text.rstrip("\n"))
    for output in captured.outputs:
        data = output.data
        if "text/html" in data:
            parts.append(data["text/html"])
        elif "image/png" in data:
            png = data["image/png"]
            if isinstance(png, bytes):
                png = base64.b64encode(png).decode("ascii")
            parts.append(f'<img src="data:image/png;base64,{png}" alt="figure">')
        elif "text/plain" in data:
            parts.append(f"<pre>{html.escape(data['text/plain'])}</pre>")
        if "text/plain" in data:
            plain.append(data["text/plain"])
    if not parts:
        return
    from IPython.display import display

    folded = ('<details class="smartmkt-solution" style="border: 1px dashed #999; '
              'padding: 0.2em 0.6em;"><summary style="display: list-item; cursor: pointer; '
              f'color: #555;">{html.escape(SUMMARY)}</summary>{"".join(parts)}</details>')
    display({"text/html": folded, "text/plain": "\n".join(plain)}, raw=True)


def _exercise_ids(line: str, magic: str) -> list[str]:
    ids = line.split()
    if not ids:
        raise ValueError(f"%%{magic} needs an exercise number, for example %%{magic} 0.1")
    return ids


def load_ipython_extension(shell) -> None:
    """Register ``%%solution``, ``%%with_solutions`` and the NameError hint."""

    def solution(line: str, cell: str) -> None:
        """%%solution ID: run this cell apart from your variables (see smartmkt_helpers.exercises)."""
        ids = _exercise_ids(line, "solution")
        if len(ids) > 1:
            raise ValueError(f"%%solution takes one exercise number, got {line.strip()!r}")
        if os.environ.get(OPEN_SOLUTIONS_VARIABLE) == "1":  # the book: output as it comes
            record_solution(ids[0], cell, shell.user_ns)
            return
        from IPython.utils.capture import capture_output

        error = None
        with capture_output() as captured:
            try:
                record_solution(ids[0], cell, shell.user_ns)
                _show_open_figures()
            except Exception as caught:  # noqa: BLE001 - raised again below
                error = caught
        _display_folded(captured)  # what it printed before an error shows too
        if error is not None:
            raise error

    def with_solutions(line: str, cell: str) -> None:
        """%%with_solutions ID [ID ...]: run this cell with those solutions' names, apart."""
        namespace = dict(shell.user_ns)
        for exercise_id in _exercise_ids(line, "with_solutions"):
            namespace.update(solution_names(exercise_id))
        run_apart(cell, namespace, filename="<checks>")

    shell.register_magic_function(solution, magic_kind="cell", magic_name="solution")
    shell.register_magic_function(with_solutions, magic_kind="cell", magic_name="with_solutions")
    shell.set_custom_exc((NameError,), _name_error_with_hint)


def _name_error_with_hint(shell, etype, value, traceback, tb_offset=None):
    shell.showtraceback((etype, value, traceback), tb_offset=tb_offset)
    name = getattr(value, "name", None)
    print(NAME_ERROR_HINT.format(name=f"`{name}`" if name else "that name"))


def register_in_ipython() -> None:
    """Load the extension into the running IPython, if there is one."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and id(shell) not in _LOADED_IN:
        load_ipython_extension(shell)
        _LOADED_IN.add(id(shell))
