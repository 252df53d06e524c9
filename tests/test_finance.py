"""Costs of decisions, alert budgets and the toy robo-adviser of chapter 9."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartmkt_helpers import finance
from smartmkt_helpers.exercises import check_exercise
from smartmkt_helpers.simulate import robo_adviser

# --------------------------------------------------------------------------
# expected cost and thresholds


def test_expected_cost_counts_each_error_with_its_cost():
    truth = np.array([1, 1, 0, 0, 0])
    decision = np.array([0, 1, 1, 1, 0])  # one false negative, two false positives
    assert finance.expected_cost(truth, decision) == pytest.approx((5 + 2) / 5)
    assert finance.expected_cost(
        truth, decision, cost_false_positive=2, cost_false_negative=1
    ) == pytest.approx((1 + 4) / 5)
    assert finance.expected_cost(truth, truth) == 0.0


def test_expected_cost_accepts_booleans():
    assert finance.expected_cost([True, False], [False, False]) == pytest.approx(2.5)


@pytest.mark.parametrize(
    "y_true, y_pred, error, match",
    [
        ([0, 1], [0, 1, 1], ValueError, "3 decisions but y_true has 2"),
        ([0, 2], [0, 1], ValueError, "only 0 and 1"),
        ([], [], ValueError, "y_true is empty"),
        ([[0, 1]], [[0, 1]], ValueError, "one-dimensional"),
        (["good", "bad"], [0, 1], TypeError, "0/1 labels"),
        ([0.0, np.nan], [0, 1], ValueError, "NaN"),
    ],
)
def test_expected_cost_rejects_bad_labels(y_true, y_pred, error, match):
    with pytest.raises(error, match=match):
        finance.expected_cost(y_true, y_pred)


def test_expected_cost_rejects_negative_or_non_numeric_costs():
    with pytest.raises(ValueError, match="cost_false_negative must be a finite number >= 0"):
        finance.expected_cost([0, 1], [0, 1], cost_false_negative=-1)
    with pytest.raises(TypeError, match="cost_false_positive must be a number"):
        finance.expected_cost([0, 1], [0, 1], cost_false_positive="1")


def test_bayes_threshold_is_german_credit_one_sixth():
    assert finance.bayes_threshold(1, 5) == pytest.approx(1 / 6)
    assert finance.bayes_threshold(3, 3) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="cannot both be 0"):
        finance.bayes_threshold(0, 0)


def test_bayes_threshold_minimises_expected_cost_for_calibrated_probabilities():
    rng = np.random.default_rng(0)
    probability = rng.uniform(size=50_000)
    truth = (rng.uniform(size=probability.size) < probability).astype(int)
    costs = {t: finance.expected_cost(truth, probability >= t) for t in (0.1, 1 / 6, 0.3, 0.5)}
    assert min(costs, key=costs.get) == pytest.approx(1 / 6)


def test_cost_curve_matches_brute_force_including_ties():
    rng = np.random.default_rng(1)
    truth = rng.integers(0, 2, 200)
    scores = rng.integers(0, 20, 200) / 20  # many ties
    curve = finance.cost_curve(truth, scores, cost_false_positive=1, cost_false_negative=3)
    assert curve["threshold"].iloc[0] == np.inf
    assert curve["flagged"].iloc[-1] == 200
    for threshold, cost in zip(curve["threshold"], curve["cost"]):
        brute = finance.expected_cost(
            truth, scores >= threshold, cost_false_positive=1, cost_false_negative=3
        )
        assert cost == pytest.approx(brute)
    assert curve["threshold"].is_monotonic_decreasing


def test_cost_optimal_threshold_reaches_the_minimum_of_the_curve():
    rng = np.random.default_rng(2)
    truth = rng.integers(0, 2, 500)
    scores = np.clip(truth * 0.3 + rng.normal(0.4, 0.2, 500), 0, 1)
    threshold = finance.cost_optimal_threshold(truth, scores)
    curve = finance.cost_curve(truth, scores)
    assert finance.expected_cost(truth, scores >= threshold) == pytest.approx(curve["cost"].min())
    assert not np.isin(threshold, scores)  # halfway between two scores


def test_cost_optimal_threshold_edge_cases():
    # flagging nothing is best when false positives are expensive
    assert finance.cost_optimal_threshold(
        [0, 0, 1], [0.9, 0.8, 0.1], cost_false_positive=10, cost_false_negative=1
    ) == np.inf
    # flagging everything is best when false negatives are expensive
    assert finance.cost_optimal_threshold(
        [1, 1, 0], [0.9, 0.2, 0.5], cost_false_positive=1, cost_false_negative=10
    ) == pytest.approx(0.2)


def test_cost_curve_rejects_scores_of_wrong_shape_or_nan():
    with pytest.raises(ValueError, match="scores has shape"):
        finance.cost_curve([0, 1, 1], [0.5, 0.2])
    with pytest.raises(ValueError, match="NaN or infinite"):
        finance.cost_curve([0, 1], [0.5, np.nan])


# --------------------------------------------------------------------------
# alert budgets


@pytest.fixture
def alert_log() -> pd.DataFrame:
    return pd.DataFrame({
        "timestamp": pd.to_datetime([
            "2024-01-01 08:00", "2024-01-01 09:00", "2024-01-01 10:00",
            "2024-01-02 08:00", "2024-01-02 09:00",
        ]),
        "score": [0.9, 0.8, 0.1, 0.3, 0.2],
        "is_fraud": [0, 1, 1, 0, 1],
    })


def test_alert_budget_ranks_within_each_day(alert_log):
    table = finance.alert_budget_table(alert_log, [1, 2, 3])
    assert table["alerts"].tolist() == [2, 4, 5]
    assert table["caught"].tolist() == [0, 2, 3]
    assert table["recall"].tolist() == pytest.approx([0, 2 / 3, 1])
    assert table["precision"].tolist() == pytest.approx([0, 0.5, 0.6])


def test_alert_budget_weighs_frauds_by_amount(alert_log):
    log = alert_log.assign(amount=[5.0, 10.0, 30.0, 1.0, 60.0])
    table = finance.alert_budget_table(log, [1, 2, 3], col_amount="amount")
    assert table["amount_caught"].tolist() == pytest.approx([0, 70, 100])
    assert table["amount_recall"].tolist() == pytest.approx([0, 0.7, 1])
    assert "amount_recall" not in finance.alert_budget_table(log, [1]).columns


@pytest.mark.parametrize(
    "amounts, error, match",
    [([1.0, 2.0, -3.0, 1.0, 1.0], ValueError, "amount must be >= 0"),
     ([1.0, np.nan, 3.0, 1.0, 1.0], ValueError, "NaN")],
)
def test_alert_budget_rejects_bad_amounts(alert_log, amounts, error, match):
    with pytest.raises(error, match=match):
        finance.alert_budget_table(alert_log.assign(amount=amounts), [1], col_amount="amount")
    with pytest.raises(ValueError, match="has no column"):
        finance.alert_budget_table(alert_log, [1], col_amount="amount")


def test_alert_budget_custom_column_names(alert_log):
    renamed = alert_log.rename(columns={"score": "risk", "is_fraud": "bad", "timestamp": "when"})
    table = finance.alert_budget_table(
        renamed, [2], col_score="risk", col_label="bad", col_timestamp="when"
    )
    assert table["caught"].tolist() == [2]


@pytest.mark.parametrize(
    "change, error, match",
    [
        (lambda f: f.drop(columns="score"), ValueError, "has no column"),
        (lambda f: f.iloc[:0], ValueError, "frame is empty"),
        (lambda f: f.assign(timestamp="2024-01-01"), TypeError, "must hold datetimes"),
        (lambda f: f.assign(is_fraud=[0, 1, 2, 0, 1]), ValueError, "only 0 and 1"),
        (lambda f: f.assign(score=[0.1, np.nan, 0.2, 0.3, 0.4]), ValueError, "NaN"),
    ],
)
def test_alert_budget_rejects_bad_frames(alert_log, change, error, match):
    with pytest.raises(error, match=match):
        finance.alert_budget_table(change(alert_log), [1])


@pytest.mark.parametrize("budgets", [[0], [], [1.5], [[1]]])
def test_alert_budget_rejects_bad_budgets(alert_log, budgets):
    with pytest.raises(ValueError, match="alerts_per_day"):
        finance.alert_budget_table(alert_log, budgets)


def test_alert_budget_rejects_non_frames():
    with pytest.raises(TypeError, match="pandas DataFrame"):
        finance.alert_budget_table({"score": [1]}, [1])


# --------------------------------------------------------------------------
# questionnaire, returns, portfolios


def test_questionnaire_shapes_scale_and_determinism():
    answers, truth = robo_adviser.simulate_risk_questionnaire(300, n_occasions=2, random_state=3)
    assert answers.shape == (600, 2 + len(robo_adviser.QUESTIONNAIRE))
    values = answers[robo_adviser.QUESTIONNAIRE["question"]].to_numpy()
    assert values.min() >= 1 and values.max() <= 5
    assert set(truth["true_profile"].unique()) == {"cautious", "balanced", "adventurous"}
    again, _ = robo_adviser.simulate_risk_questionnaire(300, n_occasions=2, random_state=3)
    pd.testing.assert_frame_equal(answers, again)
    other, _ = robo_adviser.simulate_risk_questionnaire(300, n_occasions=2, random_state=4)
    assert not answers.equals(other)


def test_questionnaire_answers_follow_the_latent_traits():
    answers, truth = robo_adviser.simulate_risk_questionnaire(3000, random_state=0)
    willing = answers[["q1_fall_reaction", "q2_tradeoff", "q3_experience"]].mean(axis=1)
    able = answers[["q4_horizon", "q5_income", "q6_reserve"]].mean(axis=1)
    assert np.corrcoef(willing, truth["willingness"])[0, 1] > 0.8
    assert np.corrcoef(able, truth["capacity"])[0, 1] > 0.8
    weaker = truth[["willingness", "capacity"]].min(axis=1)
    assert (weaker[truth["true_profile"] == "cautious"] < -0.5).all()


def test_questionnaire_without_noise_is_repeatable_across_occasions():
    answers, _ = robo_adviser.simulate_risk_questionnaire(50, n_occasions=2, answer_noise=0, random_state=0)
    first = answers[answers["occasion"] == 1].drop(columns="occasion").reset_index(drop=True)
    second = answers[answers["occasion"] == 2].drop(columns="occasion").reset_index(drop=True)
    pd.testing.assert_frame_equal(first, second)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"n_customers": 0}, ValueError, "n_customers must be at least 1"),
        ({"n_customers": 2.5}, TypeError, "n_customers must be an integer"),
        ({"n_occasions": 0}, ValueError, "n_occasions"),
        ({"answer_noise": -1}, ValueError, "answer_noise"),
        ({"random_state": -1}, ValueError, "random_state"),
    ],
)
def test_questionnaire_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        robo_adviser.simulate_risk_questionnaire(**{"n_customers": 10, **kwargs})


def test_asset_returns_are_reproducible_and_roughly_as_assumed():
    returns = robo_adviser.simulate_asset_returns(12 * 400, random_state=0)
    pd.testing.assert_frame_equal(returns, robo_adviser.simulate_asset_returns(12 * 400, random_state=0))
    annual_vol = returns.std() * np.sqrt(12)
    expected = robo_adviser.ASSET_ASSUMPTIONS["annual_volatility"]
    assert np.allclose(annual_vol, expected, rtol=0.1)
    assert returns["equities"].mean() > returns["bonds"].mean() > returns["cash"].mean()
    with pytest.raises(ValueError, match="degrees_of_freedom must be > 2"):
        robo_adviser.simulate_asset_returns(12, degrees_of_freedom=2)
    with pytest.raises(ValueError, match="n_months"):
        robo_adviser.simulate_asset_returns(0)


def test_portfolio_summary_by_hand():
    returns = pd.DataFrame({"a": [0.01] * 24, "b": [0.1, -0.1] * 12})
    table = finance.portfolio_summary(returns, {"safe": {"a": 1.0}, "mixed": {"a": 0.5, "b": 0.5}})
    safe = table.loc["safe"]
    assert safe["annual_return"] == pytest.approx(1.01 ** 12 - 1)
    assert safe["annual_volatility"] == pytest.approx(0)
    assert safe["max_drawdown"] == 0
    assert safe["worst_12_months"] == pytest.approx(1.01 ** 12 - 1)
    mixed_monthly = 0.5 * returns["a"] + 0.5 * returns["b"]
    expected_volatility = mixed_monthly.std() * np.sqrt(12)
    assert table.loc["mixed", "annual_volatility"] == pytest.approx(expected_volatility)
    assert table.loc["mixed", "max_drawdown"] < 0


@pytest.mark.parametrize(
    "weights, match",
    [
        ({"p": {"a": 0.5, "b": 0.4}}, "do not sum to 1"),
        ({"p": {"a": 1.5, "b": -0.5}}, "no short positions"),
        ({"p": {"a": 0.5, "gold": 0.5}}, "not in returns: gold"),
        ({}, "weights is empty"),
    ],
)
def test_portfolio_summary_rejects_bad_weights(weights, match):
    returns = pd.DataFrame({"a": [0.01] * 12, "b": [0.02] * 12})
    with pytest.raises(ValueError, match=match):
        finance.portfolio_summary(returns, weights)


def test_portfolio_summary_rejects_short_or_nan_returns():
    with pytest.raises(ValueError, match="at least 12 months"):
        finance.portfolio_summary(pd.DataFrame({"a": [0.01] * 6}), {"p": {"a": 1.0}})
    with pytest.raises(ValueError, match="NaN"):
        finance.portfolio_summary(pd.DataFrame({"a": [np.nan] * 12}), {"p": {"a": 1.0}})
    with pytest.raises(TypeError, match="pandas DataFrame"):
        finance.portfolio_summary([[0.01]] * 12, {"p": {"a": 1.0}})


# --------------------------------------------------------------------------
# exercise checks of chapter 9


def test_exercise_9_1_recognises_threshold_and_cost_mistakes():
    truth = np.array([1, 0, 0, 1, 0, 0])
    scores = np.array([0.9, 0.3, 0.1, 0.2, 0.6, 0.05])
    context = dict(is_bad_test=truth, scorecard_test_scores=scores)
    right = finance.expected_cost(truth, scores >= 1 / 6)
    assert check_exercise("9.1", right, **context)
    at_half = finance.expected_cost(truth, scores >= 0.5)
    assert "0.5" in check_exercise("9.1", at_half, **context).message
    assert "total" in check_exercise("9.1", right * len(truth), **context).message


def test_exercise_9_2_threshold():
    context = dict(cost_false_positive=1, cost_false_negative=10)
    assert check_exercise("9.2", 1 / 11, **context)
    assert "ratio" in check_exercise("9.2", 0.1, **context).message
    assert "good" in check_exercise("9.2", 10 / 11, **context).message


def test_exercise_9_3_per_day_budget(alert_log):
    log = alert_log.drop(columns="score")
    scores = alert_log["score"].to_numpy()
    table = finance.alert_budget_table(alert_log, [5])
    assert check_exercise("9.3", int(table["caught"].iloc[0]), test_log=log, scores=scores)
    assert not check_exercise("9.3", 99, test_log=log, scores=scores)
    with pytest.raises(ValueError, match="has no column"):
        check_exercise("9.3", 1, test_log=log.drop(columns="is_fraud"), scores=scores)


def test_exercise_9_4_annualised_volatility():
    returns = robo_adviser.simulate_asset_returns(60, random_state=1)
    monthly = 0.6 * returns["equities"] + 0.4 * returns["bonds"]
    assert check_exercise("9.4", monthly.std() * np.sqrt(12), returns=returns)
    assert "square root of 12" in check_exercise("9.4", monthly.std(), returns=returns).message
    assert "sqrt(12)" in check_exercise("9.4", monthly.std() * 12, returns=returns).message
