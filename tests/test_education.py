"""Tests of the education helpers and the chapter 10 exercise checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartmkt_helpers import education
from smartmkt_helpers.exercises import check_exercise
from smartmkt_helpers.simulate.adaptive_testing import simulate_adaptive_test


@pytest.fixture
def log() -> pd.DataFrame:
    # rows deliberately out of order: the helpers must sort by student and step
    return pd.DataFrame({
        "student_id": [2, 1, 1, 1, 2, 1],
        "step": [0, 2, 0, 1, 1, 3],
        "skill_id": [3, 1, 1, 2, 3, 1],
        "correct": [1, 1, 0, 1, 0, 1],
    })


# --------------------------------------------------------------------------
# dkt_arrays


def test_dkt_arrays_encode_previous_answer_and_targets(log):
    arrays = education.dkt_arrays(log, n_skills=3, max_length=4)
    start = 2 * 3 + 1
    # student 1: (1, wrong), (2, right), (1, right), (1, right)
    assert arrays.inputs[0].tolist() == [start, 1, 2 + 3, 1 + 3]
    assert arrays.skills[0].tolist() == [1, 2, 1, 1]
    assert arrays.targets[0].tolist() == [0, 1, 1, 1]
    # student 2: (3, right), (3, wrong), then padding
    assert arrays.inputs[1].tolist() == [start, 3 + 3, 0, 0]
    assert arrays.mask[1].tolist() == [1, 1, 0, 0]
    assert arrays.rows[1].tolist() == [0, 4, -1, -1]


def test_dkt_arrays_rows_point_back_to_every_answer_once(log):
    arrays = education.dkt_arrays(log, n_skills=3, max_length=3)
    real = arrays.rows[arrays.mask > 0]
    assert sorted(real.tolist()) == list(range(len(log)))
    np.testing.assert_array_equal(
        arrays.targets[arrays.mask > 0], log["correct"].to_numpy()[real])


def test_dkt_arrays_windows_restart_from_the_start_token(log):
    arrays = education.dkt_arrays(log, n_skills=3, max_length=2)
    assert arrays.inputs.shape == (3, 2)
    assert (arrays.inputs[:, 0] == 7).all()


def test_dkt_arrays_pads_rows_to_a_batch_multiple(log):
    arrays = education.dkt_arrays(log, n_skills=3, max_length=4, batch_multiple=8)
    assert arrays.inputs.shape == (8, 4)
    assert arrays.mask[2:].sum() == 0


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        (lambda f: f.drop(columns="step"), ValueError, "has no column"),
        (lambda f: f.iloc[:0], ValueError, "empty"),
        (lambda f: f.assign(skill_id=f["skill_id"] + 5), ValueError, "1..n_skills"),
        (lambda f: f.assign(skill_id=0), ValueError, "1..n_skills"),
        (lambda f: f.assign(correct=2), ValueError, "only 0 and 1"),
        (lambda f: f.assign(correct=np.nan), ValueError, "NaN"),
        (lambda f: f.to_numpy(), TypeError, "DataFrame"),
    ],
)
def test_dkt_arrays_rejects_bad_answers(log, change, error, match):
    with pytest.raises(error, match=match):
        education.dkt_arrays(change(log), n_skills=3)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_skills": 0}, ValueError, "n_skills"),
        ({"n_skills": 3, "max_length": 0}, ValueError, "max_length"),
        ({"n_skills": 3.5}, TypeError, "n_skills"),
        ({"n_skills": 3, "batch_multiple": 0}, ValueError, "batch_multiple"),
    ],
)
def test_dkt_arrays_rejects_bad_sizes(log, kwargs, error, match):
    with pytest.raises(error, match=match):
        education.dkt_arrays(log, **kwargs)


# --------------------------------------------------------------------------
# prior_counts


def test_prior_counts_count_earlier_answers_on_the_same_skill_only(log):
    counts = education.prior_counts(log)
    assert counts.index.equals(log.index)
    # student 1 in step order: (1, 0), (2, 1), (1, 1), (1, 1)
    by_step = counts.loc[log["student_id"] == 1].assign(step=log["step"]).sort_values("step")
    assert by_step["successes"].tolist() == [0, 0, 0, 1]
    assert by_step["failures"].tolist() == [0, 0, 1, 1]
    # student 2: (3, 1), (3, 0)
    assert counts.loc[[0, 4]].to_numpy().tolist() == [[0, 0], [1, 0]]


def test_prior_counts_rejects_missing_columns_and_bad_labels(log):
    with pytest.raises(ValueError, match="skill_id"):
        education.prior_counts(log.drop(columns="skill_id"))
    with pytest.raises(ValueError, match="only 0 and 1"):
        education.prior_counts(log.assign(correct=5))


# --------------------------------------------------------------------------
# item response theory


def _simulated_answers(seed=0, persons=1500, items=20):
    rng = np.random.default_rng(seed)
    a = rng.lognormal(0.0, 0.3, items)
    b = rng.normal(0.0, 1.0, items)
    theta = rng.normal(size=persons)
    p = 1 / (1 + np.exp(-a * (theta[:, None] - b)))
    return (rng.random(p.shape) < p).astype(float), a, b, theta


def test_fisher_information_peaks_at_the_difficulty():
    theta = np.linspace(-3, 3, 61)
    info = education.fisher_information(theta, [1.5], [0.7])[:, 0]
    assert theta[info.argmax()] == pytest.approx(0.7)
    assert info.max() == pytest.approx(1.5**2 / 4)


@pytest.mark.parametrize(
    ("a", "b", "match"),
    [
        ([1.0, 1.0], [0.0], "same length"),
        ([], [], "empty"),
        ([-1.0], [0.0], "positive"),
        ([np.nan], [0.0], "finite"),
    ],
)
def test_fisher_information_rejects_bad_items(a, b, match):
    with pytest.raises(ValueError, match=match):
        education.fisher_information([0.0], a, b)


def test_item_response_model_recovers_2pl_parameters():
    answers, a, b, _ = _simulated_answers()
    model = education.ItemResponseModel().fit(answers)
    assert np.corrcoef(model.discrimination_, a)[0, 1] > 0.85
    assert np.abs(model.difficulty_ - b).mean() < 0.15
    assert model.predict_proba([0.0, 1.0]).shape == (2, 20)


def test_item_response_model_handles_items_not_asked():
    answers, _, b, _ = _simulated_answers(persons=2000, items=10)
    answers[np.random.default_rng(1).random(answers.shape) < 0.3] = np.nan
    model = education.ItemResponseModel(model="rasch").fit(answers)
    assert np.allclose(model.discrimination_, 1.0)
    assert np.corrcoef(model.difficulty_, b)[0, 1] > 0.95


def test_item_response_model_rejects_bad_input():
    answers, *_ = _simulated_answers(persons=50, items=4)
    with pytest.raises(ValueError, match="model must be"):
        education.ItemResponseModel(model="3pl").fit(answers)
    with pytest.raises(ValueError, match="2-D"):
        education.ItemResponseModel().fit(answers[:, 0])
    with pytest.raises(ValueError, match="0, 1 or NaN"):
        education.ItemResponseModel().fit(answers * 2)
    unanswered = answers.copy()
    unanswered[:, 1] = np.nan
    with pytest.raises(ValueError, match="at least one answer"):
        education.ItemResponseModel().fit(unanswered)
    with pytest.raises(ValueError, match="not fitted"):
        education.ItemResponseModel().estimate_ability(answers)
    with pytest.raises(ValueError, match="tol"):
        education.ItemResponseModel(tol=0).fit(answers)


def test_estimate_ability_orders_examinees_and_shrinks_with_more_answers():
    a, b = np.ones(6), np.linspace(-1.5, 1.5, 6)
    responses = np.array([
        [1, 1, 1, 1, 1, 1],
        [1, 1, 1, 0, 0, 0],
        [0, 0, 0, 0, 0, 0],
        [np.nan] * 6,
    ])
    theta, se = education.estimate_ability(responses, a, b)
    assert theta[0] > theta[1] > theta[2]
    assert np.isfinite(theta).all()
    assert theta[3] == pytest.approx(0.0, abs=1e-9)
    assert se[3] > se[1]
    with pytest.raises(ValueError, match="item bank has 6"):
        education.estimate_ability(responses[:, :3], a, b)


# --------------------------------------------------------------------------
# adaptive test


def test_adaptive_test_beats_a_fixed_test():
    rng = np.random.default_rng(0)
    a = rng.lognormal(0, 0.3, 150)
    b = rng.normal(0, 1.2, 150)
    ability = rng.normal(size=800)

    def rmse(rule):
        log = simulate_adaptive_test(ability, a, b, 15, rule=rule, random_state=1)
        last = log[log["question"] == 15]
        return np.sqrt(((last["estimate"] - last["true_ability"]) ** 2).mean())

    assert rmse("max-information") < rmse("fixed")
    assert rmse("max-information") < rmse("random")


def test_adaptive_test_never_repeats_an_item_and_fixed_test_is_the_same_for_all():
    a, b = np.ones(12), np.linspace(-2, 2, 12)
    log = simulate_adaptive_test([-1.0, 0.0, 2.0], a, b, 12)
    assert (log.groupby("examinee")["item"].nunique() == 12).all()
    fixed = simulate_adaptive_test([-1.0, 2.0], a, b, 4, rule="fixed")
    items = fixed.pivot(index="question", columns="examinee", values="item")
    assert (items[0] == items[1]).all()


def test_adaptive_test_is_reproducible():
    a, b = np.ones(20), np.linspace(-2, 2, 20)
    first = simulate_adaptive_test([0.3, -0.4], a, b, 5, random_state=3)
    second = simulate_adaptive_test([0.3, -0.4], a, b, 5, random_state=3)
    pd.testing.assert_frame_equal(first, second)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_questions": 11}, ValueError, "larger than the item bank"),
        ({"n_questions": 0}, ValueError, "n_questions"),
        ({"n_questions": 2, "rule": "greedy"}, ValueError, "rule must be"),
        ({"n_questions": 2, "true_difficulty": np.zeros(3)}, ValueError, "true_difficulty has 3 values"),
    ],
)
def test_adaptive_test_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        simulate_adaptive_test([0.0], np.ones(10), np.zeros(10), **kwargs)


def test_adaptive_test_rejects_bad_abilities():
    with pytest.raises(ValueError, match="true_ability"):
        simulate_adaptive_test([], np.ones(3), np.zeros(3), 1)
    with pytest.raises(ValueError, match="true_ability"):
        simulate_adaptive_test([np.nan], np.ones(3), np.zeros(3), 1)


# --------------------------------------------------------------------------
# next exercise


def test_recommend_next_skill_prefers_the_highest_skill_in_the_band():
    success = np.array([
        [0.95, 0.55, 0.75, 0.2],   # two in the band: take 0.75
        [0.95, 0.9, 0.85, 0.1],    # none in the band: closest is 0.85
        [0.6, 0.7, 0.3, 0.3],
    ])
    candidates = np.array([
        [True, True, True, True],
        [True, True, True, True],
        [True, False, True, True],  # 0.7 is not allowed
    ])
    choice = education.recommend_next_skill(success, target=(0.5, 0.8), candidates=candidates)
    assert choice.tolist() == [2, 2, 0]


def test_recommend_next_skill_returns_minus_one_without_candidates():
    choice = education.recommend_next_skill(
        np.array([[0.5, 0.6]]), candidates=np.array([[False, False]]))
    assert choice.tolist() == [-1]


@pytest.mark.parametrize(
    ("success", "kwargs", "match"),
    [
        (np.array([0.5, 0.6]), {}, "2-D"),
        (np.array([[0.5, 1.2]]), {}, "probabilities"),
        (np.array([[0.5, np.nan]]), {}, "probabilities"),
        (np.array([[0.5, 0.6]]), {"target": (0.8, 0.5)}, "low < high"),
        (np.array([[0.5, 0.6]]), {"candidates": np.array([True, False])}, "shape"),
    ],
)
def test_recommend_next_skill_rejects_bad_input(success, kwargs, match):
    with pytest.raises(ValueError, match=match):
        education.recommend_next_skill(success, **kwargs)


# --------------------------------------------------------------------------
# exercise checks of chapter 10


@pytest.fixture
def answers(log) -> pd.DataFrame:
    return log.assign(split=["train", "train", "train", "train", "test", "train"])


def test_exercise_10_1_skill_success(answers):
    train = answers[answers["split"] == "train"]
    right = train.groupby("skill_id")["correct"].mean()
    assert check_exercise("10.1", right, answers=answers)
    everything = answers.groupby("skill_id")["correct"].mean()
    result = check_exercise("10.1", everything, answers=answers)
    assert not result and "training students" in result.message
    with pytest.raises(ValueError, match="split"):
        check_exercise("10.1", right, answers=answers.drop(columns="split"))


def test_exercise_10_2_prior_failures(log):
    expected = education.prior_counts(log)["failures"]
    assert check_exercise("10.2", expected, history=log)
    including = expected + (log["correct"] == 0)
    result = check_exercise("10.2", including, history=log)
    assert not result and "answer itself" in result.message


def test_exercise_10_3_fixed_se():
    a, b, items = np.array([1.0, 2.0, 0.5]), np.array([0.0, 0.5, -1.0]), np.array([0, 1])
    info = education.fisher_information([0.0], a[items], b[items])[0].sum()
    bank = dict(discrimination=a, difficulty=b, items=items)
    assert check_exercise("10.3", 1 / np.sqrt(info), **bank)
    result = check_exercise("10.3", 1 / info, **bank)
    assert not result and "square root" in result.message


# --------------------------------------------------------------------------
# Bayesian knowledge tracing


def _bkt_one_sequence(correct, prior, learn, guess, slip):
    known, predictions = prior, []
    for answer in correct:
        p_right = known * (1 - slip) + (1 - known) * guess
        predictions.append(p_right)
        known = known * (1 - slip) / p_right if answer else known * slip / (1 - p_right)
        known = known + (1 - known) * learn
    return np.array(predictions)


def test_bkt_recovers_the_parameters_of_a_bkt_twin():
    from smartmkt_helpers.simulate import simulate

    twin = simulate("assistments-2009", random_state=1, n_students=600)
    model = education.BayesianKnowledgeTracing(max_iter=20).fit(twin.frame)
    truth = twin.ground_truth.skills.set_index("skill_id")
    busy = twin.frame["skill_id"].value_counts().loc[lambda n: n >= 500].index
    for name in ["prior", "guess", "slip"]:
        fitted, true = model.params_.loc[busy, name], truth.loc[busy, name]
        assert np.corrcoef(fitted, true)[0, 1] > 0.8, name
    assert model.n_iter_ <= 20 and np.isfinite(model.log_likelihood_)


def test_bkt_predictions_follow_the_update_rule_per_student_and_skill():
    log = pd.DataFrame({"student_id": [0, 0, 0, 0, 1, 1],
                        "step": [3, 0, 1, 2, 0, 1],
                        "skill_id": [2, 1, 2, 1, 1, 1],
                        "correct": [1, 0, 1, 1, 1, 0]})
    model = education.BayesianKnowledgeTracing(max_iter=5).fit(log)
    p = model.predict_proba(log)
    params = model.params_
    for (_student, skill), rows in log.groupby(["student_id", "skill_id"]):
        rows = rows.sort_values("step")
        expected = _bkt_one_sequence(rows["correct"], *params.loc[skill])
        np.testing.assert_allclose(p[log.index.get_indexer(rows.index)], expected)


def test_bkt_unknown_skill_gets_the_median_parameters():
    log = pd.DataFrame({"student_id": [0, 0, 1], "step": [0, 1, 0],
                        "skill_id": [1, 1, 1], "correct": [0, 1, 1]})
    model = education.BayesianKnowledgeTracing(max_iter=3).fit(log)
    new = log.assign(skill_id=9)
    np.testing.assert_allclose(model.predict_proba(new), model.predict_proba(log))


def test_bkt_rejects_bad_input(log):
    with pytest.raises(ValueError, match="not fitted"):
        education.BayesianKnowledgeTracing().predict_proba(log)
    with pytest.raises(ValueError, match="has no column"):
        education.BayesianKnowledgeTracing().fit(log.drop(columns="step"))
    with pytest.raises(ValueError, match="only 0 and 1"):
        education.BayesianKnowledgeTracing().fit(log.assign(correct=2))
    with pytest.raises(ValueError, match="max_guess"):
        education.BayesianKnowledgeTracing(max_guess=0).fit(log)
    with pytest.raises(TypeError, match="max_iter"):
        education.BayesianKnowledgeTracing(max_iter=2.5).fit(log)
