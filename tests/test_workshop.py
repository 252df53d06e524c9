"""check_answer: verdicts and the explanations a learner sees."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartmkt_helpers.exercises.checking import CORRECT, INCORRECT, UNANSWERED, CheckResult, check_answer


@pytest.mark.parametrize("answer", [None, ...])
def test_unanswered(answer):
    result = check_answer(answer, 1.0, name="ctr")
    assert result.status == UNANSWERED and not result
    assert "ctr is still None" in result.message


def test_numbers_within_tolerance_pass():
    assert check_answer(0.1000001, 0.1)
    assert check_answer(np.float32(0.1), 0.1)
    assert check_answer(np.array(0.1), 0.1)
    assert check_answer(3, 3.0)


def test_number_off_says_which_way_but_not_by_how_much():
    result = check_answer(0.1529, 0.1, name="ctr")
    assert result.status == INCORRECT
    assert result.message == "ctr is 0.1529, which is too high."
    assert "too low" in check_answer(0.09, 0.1).message
    # within 5%: a nudge, still without the size of the gap
    assert "close" in check_answer(0.103, 0.1).message
    assert "%" not in check_answer(0.103, 0.1).message


def test_number_against_zero():
    assert check_answer(0.5, 0.0).message == "your answer is 0.5, which is too high."
    assert check_answer(0.0, 0.0)


@pytest.mark.parametrize("decimals", [1, 2, 3])
def test_a_rounded_answer_is_named_as_rounded(decimals):
    expected = pd.Series({"A": 0.024876, "B": 0.0339123, "C": 0.0340468})
    message = check_answer(expected.round(decimals), expected).message
    assert f"rounded to {decimals} decimal place" in message
    assert "rounded" in check_answer(round(0.2804217, decimals), 0.2804217).message


def test_rounding_is_not_blamed_when_it_does_not_explain_the_gap():
    assert "rounded" not in check_answer(0.31, 0.2804217).message
    assert "rounded" not in check_answer(3, 3.4).message  # whole numbers are left alone


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (5.0, "percentage"),
        (0.0005, "100 times too small"),
        (-0.05, "sign is flipped"),
        (20.0, "upside down"),
    ],
)
def test_scale_mistakes_are_named(answer, hint):
    assert hint in check_answer(answer, 0.05).message


def test_wrong_types_are_named():
    assert "single number" in check_answer("0.1", 0.1).message
    assert "single number" in check_answer(True, 1.0).message
    assert "of length 2" in check_answer([0.1, 0.2], 0.1).message
    assert "NaN" in check_answer(float("nan"), 0.1).message


def test_known_mistakes_win_over_generic_messages():
    result = check_answer(0.2, 0.1, mistakes={"You averaged the daily rates.": 0.2})
    assert result.message == "You averaged the daily rates."


def test_series_labels_and_values():
    expected = pd.Series({"A": 0.1, "B": 0.2, "C": 0.3})
    assert check_answer(expected.iloc[::-1], expected)  # order does not matter
    assert "missing the label(s) C" in check_answer(expected.iloc[:2], expected).message
    extra = pd.concat([expected, pd.Series({"D": 0.4})])
    assert "unexpected label(s) D" in check_answer(extra, expected).message
    wrong = expected.copy()
    wrong["B"] = 0.25
    assert "wrong for 1 of 3 labels: B" in check_answer(wrong, expected).message
    assert "pandas Series" in check_answer({"A": 0.1}, expected).message


def test_series_on_a_percentage_scale():
    expected = pd.Series({"A": 0.1, "B": 0.2})
    assert "percentage" in check_answer(expected * 100, expected).message


def test_arrays_check_shape_then_values():
    expected = np.array([1.0, 2.0, 3.0])
    assert check_answer([1, 2, 3], expected)
    assert "shape (2,)" in check_answer([1, 2], expected).message
    assert "differs at 1 of 3 positions (flat index 2)" in check_answer([1, 2, 4], expected).message
    assert "hold numbers" in check_answer(["a", "b", "c"], expected).message
    assert "array of shape" in check_answer(1.0, expected).message


def test_data_frames_check_columns_then_each_column():
    expected = pd.DataFrame({"ctr": [0.1, 0.2], "clicks": [1, 2]}, index=["A", "B"])
    assert check_answer(expected.copy(), expected)
    assert "missing the column(s) clicks" in check_answer(expected[["ctr"]], expected).message
    wrong = expected.copy()
    wrong.loc["A", "clicks"] = 5
    assert "column 'clicks' is wrong for 1 of 2 labels: A" in check_answer(wrong, expected).message
    assert "pandas DataFrame" in check_answer(expected.to_dict(), expected).message


def test_strings_and_booleans_compare_exactly():
    assert check_answer("discount", "discount")
    assert "not the expected answer" in check_answer("mobile", "discount").message
    assert check_answer(True, True)
    assert "should be a str, but it is a ndarray" in check_answer(np.array([1, 2]), "a").message


def test_negative_tolerance_is_rejected():
    with pytest.raises(ValueError, match="rtol and atol must be non-negative"):
        check_answer(1.0, 1.0, rtol=-1)


def test_result_renders_as_text_and_html():
    result = CheckResult(INCORRECT, "a <b> c")
    assert repr(result) == "Not yet: a <b> c"
    assert "a &lt;b&gt; c" in result._repr_html_()
    assert CheckResult(CORRECT, "ok").passed
