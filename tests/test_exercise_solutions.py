"""Solutions run apart from the learner's answers (``%%solution``), hidden
checks see them (``%%with_solutions``), and a NameError gets a hint."""

from __future__ import annotations

import pandas as pd
import pytest

from smartmkt_helpers.exercises import solutions
from smartmkt_helpers.exercises.solutions import record_solution, run_apart, solution_names

interactiveshell = pytest.importorskip("IPython.core.interactiveshell")

AD_LOG = pd.DataFrame({"creative": ["A", "A", "B"], "impressions": [100, 300, 200],
                       "clicks": [10, 15, 4]})
SOLUTION_01 = """\
totals = ad_log.groupby("creative")[["clicks", "impressions"]].sum()
ctr_by_creative = totals["clicks"] / totals["impressions"]
print(ctr_by_creative.round(4))
check_exercise("0.1", ctr_by_creative, ad_log=ad_log)
"""


def test_run_apart_keeps_the_namespace_and_returns_what_it_made():
    namespace = {"answer": None, "data": [1, 2, 3]}
    made = run_apart("answer = sum(data)\nhelper = 2", namespace)
    assert made == {"answer": 6, "helper": 2}
    assert namespace == {"answer": None, "data": [1, 2, 3]}


def test_run_apart_reports_errors_with_the_solution_as_file():
    with pytest.raises(NameError) as error:
        run_apart("x = undefined_name", {}, filename="<solution 9.9>")
    assert error.traceback[-1].frame.code.raw.co_filename == "<solution 9.9>"


def test_an_unknown_exercise_is_refused():
    with pytest.raises(ValueError, match="no exercise '0.9'"):
        record_solution("0.9", "x = 1", {})
    with pytest.raises(LookupError, match="solution of exercise 0.8 has not run"):
        solution_names("0.8")


@pytest.fixture
def shell(monkeypatch):
    monkeypatch.delenv(solutions.OPEN_SOLUTIONS_VARIABLE, raising=False)
    shell = interactiveshell.InteractiveShell.instance()
    solutions.load_ipython_extension(shell)
    shell.user_ns.update(ad_log=AD_LOG, ctr_by_creative=None)
    shell.run_cell("from smartmkt_helpers.exercises import check_exercise")
    yield shell
    shell.set_custom_exc((), None)
    interactiveshell.InteractiveShell.clear_instance()


def _outputs(shell, code, capsys):
    """Run ``code`` as a cell; return what it printed and what it displayed."""
    shown = []
    original = shell.display_pub.publish
    shell.display_pub.publish = lambda data, *args, **kwargs: shown.append(data)
    try:
        result = shell.run_cell(code)
    finally:
        shell.display_pub.publish = original
    return result, capsys.readouterr().out, shown


def test_a_solution_leaves_the_learners_answer_and_folds_its_output(shell, capsys):
    result, printed, shown = _outputs(shell, "%%solution 0.1\n" + SOLUTION_01, capsys)
    assert result.success
    assert shell.user_ns["ctr_by_creative"] is None  # the learner's answer is kept
    assert "totals" not in shell.user_ns
    assert printed == ""  # nothing printed in the open: all of it is folded
    (folded,) = shown
    assert folded["text/html"].startswith('<details class="smartmkt-solution"')
    assert "0.0625" in folded["text/html"] and "Correct" in folded["text/html"]
    pd.testing.assert_series_equal(solution_names("0.1")["ctr_by_creative"],
                                   pd.Series({"A": 0.0625, "B": 0.02}), check_names=False)


def test_the_book_shows_a_solutions_output_as_it_comes(shell, capsys, monkeypatch):
    monkeypatch.setenv(solutions.OPEN_SOLUTIONS_VARIABLE, "1")
    result, printed, shown = _outputs(shell, "%%solution 0.1\n" + SOLUTION_01, capsys)
    assert result.success and "0.0625" in printed
    assert not any("<details" in data.get("text/html", "") for data in shown)
    assert shell.user_ns["ctr_by_creative"] is None


def test_hidden_checks_see_the_solution_apart(shell, capsys):
    shell.run_cell("%%solution 0.1\n" + SOLUTION_01)
    check = ('%%with_solutions 0.1\nassert check_exercise("0.1", ctr_by_creative, ad_log=ad_log)\n'
             "seen = ctr_by_creative")
    result, _, _ = _outputs(shell, check, capsys)
    assert result.success
    assert shell.user_ns["ctr_by_creative"] is None and "seen" not in shell.user_ns
    # a hidden check that fails, fails the cell
    result, _, _ = _outputs(shell, "%%with_solutions 0.1\nassert ctr_by_creative is None", capsys)
    assert isinstance(result.error_in_exec, AssertionError)


def test_a_name_error_says_to_run_the_cells_above(shell, capsys):
    result, printed, _ = _outputs(shell, "check_exercise('0.2', None, clicks=clicks)", capsys)
    assert isinstance(result.error_in_exec, NameError)
    assert "`clicks` comes from an earlier cell" in printed
    assert "Run > Run All Above Selected Cell" in printed


def test_a_failing_solution_still_shows_what_it_printed(shell, capsys):
    result, _, shown = _outputs(shell, '%%solution 0.1\nprint("step one")\nundefined_name', capsys)
    assert isinstance(result.error_in_exec, NameError)
    assert any("step one" in data.get("text/html", "") for data in shown)
