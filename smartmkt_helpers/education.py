"""Knowledge tracing, next-exercise choice and adaptive tests (chapter 10).

Bayesian knowledge tracing (Corbett and Anderson, 1994), Rasch and 2PL
item-response models fitted by EM (Bock and Aitkin, 1981), EAP abilities,
item information and the "almost learned" next-skill rule.

>>> fisher_information([0.0], discrimination=[1.0, 2.0], difficulty=[0.0, 0.0])
array([[0.25, 1.  ]])
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from smartmkt_helpers._checks import filled_frame, positive_int

__all__ = ["BayesianKnowledgeTracing", "DKTArrays", "ItemResponseModel", "dkt_arrays", "estimate_ability",
           "fisher_information", "prior_counts", "recommend_next_skill"]

#: Ability grid of the EM fit and of EAP estimates: standard-normal scale.
DEFAULT_GRID = np.linspace(-4.0, 4.0, 41)


def _check_correct(values: np.ndarray, name: str) -> None:
    if not np.isin(values, (0, 1)).all():
        raise ValueError(f"{name} must hold only 0 and 1")


def _item_parameters(discrimination: Any, difficulty: Any) -> tuple[np.ndarray, np.ndarray]:
    a = np.atleast_1d(np.asarray(discrimination, dtype=float))
    b = np.atleast_1d(np.asarray(difficulty, dtype=float))
    if a.ndim != 1 or b.ndim != 1 or a.shape != b.shape:
        raise ValueError(
            "discrimination and difficulty must be 1-D and of the same length, "
            f"got shapes {a.shape} and {b.shape}"
        )
    if a.size == 0:
        raise ValueError("the item bank is empty: give at least one item")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("discrimination and difficulty must be finite (no NaN)")
    if (a <= 0).any():
        raise ValueError("discrimination must be positive for every item")
    return a, b


class DKTArrays(NamedTuple):
    """Padded arrays for a knowledge-tracing network, each (windows, max_length).

    ``inputs`` holds the previous answer as ``skill + correct * n_skills``, or the
    start token ``2 * n_skills + 1`` at a window's start; ``skills`` the skill asked;
    ``targets`` whether it was right; ``mask`` 1 on real answers, 0 on padding;
    ``rows`` the answer's position in the input frame (-1 on padding).
    """

    inputs: np.ndarray
    skills: np.ndarray
    targets: np.ndarray
    mask: np.ndarray
    rows: np.ndarray


def dkt_arrays(answers: pd.DataFrame, n_skills: int, max_length: int = 100, *, batch_multiple: int = 1,
               col_student: str = "student_id", col_step: str = "step", col_skill: str = "skill_id",
               col_correct: str = "correct") -> DKTArrays:
    """Cut each student's answers (in step order) into windows of ``max_length``, one padded row each.

    Skill ids run from 1 to ``n_skills`` (0 is padding). Each window starts from
    the start token, so it sees no earlier history. ``batch_multiple`` pads the
    number of rows with empty windows so a fixed batch size compiles only once.
    """
    wanted = [col_student, col_step, col_skill, col_correct]
    filled_frame(answers, wanted, "answers")
    n_skills = positive_int(n_skills, "n_skills")
    max_length = positive_int(max_length, "max_length")
    batch_multiple = positive_int(batch_multiple, "batch_multiple")
    skill = answers[col_skill].to_numpy()
    correct = answers[col_correct].to_numpy()
    if skill.min() < 1 or skill.max() > n_skills:
        raise ValueError(
            f"{col_skill} must lie in 1..n_skills={n_skills}, "
            f"got values from {skill.min()} to {skill.max()}"
        )
    _check_correct(correct, col_correct)

    order = np.lexsort((answers[col_step].to_numpy(), answers[col_student].to_numpy()))
    student = answers[col_student].to_numpy()[order]
    skill = skill[order].astype(np.int32)
    correct = correct[order].astype(np.int32)
    new_student = np.r_[True, student[1:] != student[:-1]]
    start = np.maximum.accumulate(np.where(new_student, np.arange(len(student)), 0))
    position = np.arange(len(student)) - start
    time = position % max_length
    window = np.cumsum(new_student | (time == 0)) - 1

    num_rows = int(window[-1]) + 1
    num_rows += (-num_rows) % batch_multiple
    interaction = skill + correct * n_skills
    previous = np.r_[0, interaction[:-1]]
    previous = np.where(time == 0, 2 * n_skills + 1, previous)

    shape = (num_rows, max_length)
    inputs = np.zeros(shape, np.int32)
    skills = np.zeros(shape, np.int32)
    targets = np.zeros(shape, np.float32)
    mask = np.zeros(shape, np.float32)
    rows = np.full(shape, -1, np.int64)
    inputs[window, time] = previous
    skills[window, time] = skill
    targets[window, time] = correct
    mask[window, time] = 1.0
    rows[window, time] = order
    return DKTArrays(inputs, skills, targets, mask, rows)


def prior_counts(answers: pd.DataFrame, *, col_student: str = "student_id", col_step: str = "step",
                 col_skill: str = "skill_id", col_correct: str = "correct") -> pd.DataFrame:
    """Earlier successes and failures of the student on the skill of each answer (PFA features).

    Returns columns ``successes`` and ``failures`` on the index of ``answers``.
    """
    wanted = [col_student, col_step, col_skill, col_correct]
    filled_frame(answers, wanted, "answers")
    _check_correct(answers[col_correct].to_numpy(), col_correct)
    ordered = answers[wanted].sort_values([col_student, col_step], kind="stable")
    correct = ordered[col_correct].astype(np.int64)
    group = ordered.groupby([col_student, col_skill], sort=False)
    successes = correct.groupby([ordered[col_student], ordered[col_skill]]).cumsum() - correct
    seen = group.cumcount()
    counts = pd.DataFrame({"successes": successes, "failures": seen - successes})
    return counts.reindex(answers.index).astype(np.int64)


class _PairSequences(NamedTuple):
    """Answers regrouped into one sequence per (student, skill), longest first."""

    order: np.ndarray  # answer rows, sorted by sequence (longest first) then step
    start: np.ndarray  # first position in ``order`` of each sequence
    length: np.ndarray  # answers in each sequence (non-increasing)
    skill: np.ndarray  # skill index (0-based, into ``skills``) of each sequence
    skills: np.ndarray  # skill ids


def _pair_sequences(answers: pd.DataFrame, skills: np.ndarray | None = None) -> _PairSequences:
    skill_ids = answers["skill_id"].to_numpy()
    if skills is None:
        skills = np.unique(skill_ids)
    pair = pd.MultiIndex.from_arrays([answers["student_id"].to_numpy(), skill_ids])
    pair_code = pd.factorize(pair)[0]
    length = np.bincount(pair_code)
    rank = np.empty_like(length)
    rank[np.argsort(-length, kind="stable")] = np.arange(len(length))
    order = np.lexsort((answers["step"].to_numpy(), rank[pair_code]))
    sorted_length = length[np.argsort(-length, kind="stable")]
    start = np.concatenate([[0], np.cumsum(sorted_length)[:-1]])
    first = order[start]
    skill = np.searchsorted(skills, skill_ids[first])
    return _PairSequences(order, start, sorted_length, skill, skills)


def _longer_than(length: np.ndarray, t: int) -> int:
    return int(np.searchsorted(-length, -t, side="left"))


class BayesianKnowledgeTracing(BaseEstimator):
    """Bayesian knowledge tracing: four parameters per skill, fitted by EM (Baum-Welch).

    A skill is known before the first answer with probability ``prior``, becomes
    known after each answer with probability ``learn`` and is never forgotten; it
    is answered right with probability ``1 - slip`` if known, ``guess`` if not
    (Corbett and Anderson, 1994). ``max_guess`` and ``max_slip`` cap guess and slip
    against degenerate fits. Fitted: ``params_`` (one row per skill),
    ``log_likelihood_``, ``n_iter_``.
    """

    _COLUMNS = ("student_id", "step", "skill_id", "correct")

    def __init__(self, max_iter: int = 30, tol: float = 1e-4, max_guess: float = 0.5,
                 max_slip: float = 0.5) -> None:
        self.max_iter = max_iter
        self.tol = tol
        self.max_guess = max_guess
        self.max_slip = max_slip

    def _check(self, answers: Any) -> tuple[pd.DataFrame, np.ndarray]:
        filled_frame(answers, self._COLUMNS, "answers")
        correct = answers["correct"].to_numpy()
        _check_correct(correct, "answers['correct']")
        return answers, correct.astype(float)

    @staticmethod
    def _forward(seq: _PairSequences, correct: np.ndarray, prior, learn, guess, slip):
        """P(known) before and after each answer (indexed like ``correct``)."""
        n = len(correct)
        before, after = np.empty(n), np.empty(n)
        known = prior[seq.skill].copy()
        learn_s, guess_s, slip_s = learn[seq.skill], guess[seq.skill], slip[seq.skill]
        for t in range(int(seq.length[0])):
            active = _longer_than(seq.length, t)
            rows = seq.order[seq.start[:active] + t]
            k = known[:active]
            right = correct[rows]
            p_right = k * (1 - slip_s[:active]) + (1 - k) * guess_s[:active]
            posterior = np.where(right == 1, k * (1 - slip_s[:active]) / p_right,
                                 k * slip_s[:active] / (1 - p_right))
            before[rows], after[rows] = k, posterior
            known[:active] = posterior + (1 - posterior) * learn_s[:active]
        return before, after

    def fit(self, answers: Any) -> BayesianKnowledgeTracing:
        """Fit the four parameters of every skill on a log of answers."""
        max_iter = positive_int(self.max_iter, "max_iter")
        if not self.tol > 0:
            raise ValueError(f"tol must be positive, got {self.tol}")
        for name in ("max_guess", "max_slip"):
            if not 0 < getattr(self, name) <= 1:
                raise ValueError(f"{name} must be in (0, 1], got {getattr(self, name)}")
        answers, correct_rows = self._check(answers)
        seq = _pair_sequences(answers)
        correct = correct_rows[seq.order]  # in sequence order from here on
        n_skills, eps = len(seq.skills), 1e-6
        prior, learn = np.full(n_skills, 0.5), np.full(n_skills, 0.1)
        guess, slip = np.full(n_skills, 0.2), np.full(n_skills, 0.1)
        identity = _PairSequences(np.arange(len(correct)), seq.start, seq.length, seq.skill, seq.skills)
        answer_skill = np.repeat(seq.skill, seq.length)
        is_last = np.zeros(len(correct), bool)
        is_last[seq.start + seq.length - 1] = True
        for iteration in range(1, max_iter + 1):  # noqa: B007 - read after the loop
            before, after = self._forward(identity, correct, prior, learn, guess, slip)
            p_right = before * (1 - slip[answer_skill]) + (1 - before) * guess[answer_skill]
            self.log_likelihood_ = float(np.sum(np.log(np.where(correct == 1, p_right, 1 - p_right))))
            # backward pass: P(known at each answer | the whole sequence)
            smoothed = after.copy()
            learn_a = learn[answer_skill]
            from_unknown = np.zeros(len(correct))  # expected unknown -> known transitions
            for t in range(int(seq.length[0]) - 2, -1, -1):
                active = _longer_than(seq.length, t + 1)
                rows = seq.start[:active] + t
                nxt = rows + 1
                predicted_next = np.clip(before[nxt], eps, 1 - eps)
                smoothed[rows] = after[rows] * smoothed[nxt] / predicted_next
                from_unknown[rows] = (1 - after[rows]) * learn_a[rows] * smoothed[nxt] / predicted_next
            smoothed = np.clip(smoothed, 0.0, 1.0)
            unknown = 1 - smoothed
            count = lambda w: np.bincount(answer_skill, weights=w, minlength=n_skills)  # noqa: E731
            old = np.concatenate([prior, learn, guess, slip])
            prior = np.bincount(seq.skill, weights=smoothed[seq.start], minlength=n_skills) / \
                np.maximum(np.bincount(seq.skill, minlength=n_skills), 1)
            learn = count(np.where(is_last, 0.0, from_unknown)) / np.maximum(
                count(np.where(is_last, 0.0, unknown)), eps)
            guess = count(unknown * correct) / np.maximum(count(unknown), eps)
            slip = count(smoothed * (1 - correct)) / np.maximum(count(smoothed), eps)
            prior, learn = np.clip(prior, eps, 1 - eps), np.clip(learn, eps, 1 - eps)
            guess = np.clip(guess, eps, self.max_guess)
            slip = np.clip(slip, eps, self.max_slip)
            change = np.abs(np.concatenate([prior, learn, guess, slip]) - old).max()
            if change < self.tol:
                break
        self.params_ = pd.DataFrame({"prior": prior, "learn": learn, "guess": guess, "slip": slip},
                                    index=pd.Index(seq.skills, name="skill_id"))
        self.n_iter_ = iteration
        return self

    def predict_proba(self, answers: Any) -> np.ndarray:
        """P(right) of every answer from the same student's earlier answers on its skill.

        In the row order of ``answers``; unseen skills get the fitted skills' median parameters.
        """
        check_is_fitted(self, "params_")
        answers, correct = self._check(answers)
        params = self.params_.reindex(np.union1d(self.params_.index, answers["skill_id"].unique()))
        params = params.fillna(self.params_.median())
        seq = _pair_sequences(answers, params.index.to_numpy())
        prior, learn, guess, slip = (params[c].to_numpy() for c in ("prior", "learn", "guess", "slip"))
        before, _ = self._forward(seq, correct, prior, learn, guess, slip)
        skill = np.searchsorted(params.index.to_numpy(), answers["skill_id"].to_numpy())
        return before * (1 - slip[skill]) + (1 - before) * guess[skill]


def fisher_information(theta: Any, discrimination: Any, difficulty: Any) -> np.ndarray:
    """Fisher information ``a**2 * P * (1 - P)`` of each 2PL item at each ability, shape (abilities, items).

    With ``P = 1 / (1 + exp(-a (theta - b)))``; largest where ``theta == b``.
    """
    a, b = _item_parameters(discrimination, difficulty)
    theta = np.atleast_1d(np.asarray(theta, dtype=float))
    if theta.ndim != 1 or not np.isfinite(theta).all():
        raise ValueError("theta must be a 1-D array of finite abilities")
    p = expit(a * (theta[:, None] - b))
    return a**2 * p * (1 - p)


def _answer_counts(responses: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    observed = ~np.isnan(responses)
    right = np.where(observed, responses, 0.0)
    return right, observed - right


def _log_likelihood_on_grid(right: np.ndarray, wrong: np.ndarray, a: np.ndarray, b: np.ndarray,
                            grid: np.ndarray) -> np.ndarray:
    logit = a * (grid[:, None] - b)  # (grid, items)
    log_p = -np.logaddexp(0.0, -logit)
    log_q = -np.logaddexp(0.0, logit)
    return right @ log_p.T + wrong @ log_q.T


def _check_responses(responses: Any, n_items: int | None = None) -> np.ndarray:
    r = np.asarray(responses, dtype=float)
    if r.ndim != 2:
        raise ValueError(f"responses must be 2-D (persons x items), got {r.ndim}-D")
    if r.shape[0] == 0 or r.shape[1] == 0:
        raise ValueError("responses is empty: give at least one person and one item")
    if n_items is not None and r.shape[1] != n_items:
        raise ValueError(f"responses has {r.shape[1]} item columns, the item bank has {n_items}")
    seen = r[~np.isnan(r)]
    if not np.isin(seen, (0.0, 1.0)).all():
        raise ValueError("responses must hold 0, 1 or NaN (item not asked)")
    return r


def estimate_ability(responses: Any, discrimination: Any, difficulty: Any, *,
                     grid: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """Expected-a-posteriori (EAP) ability and its posterior standard deviation.

    Standard-normal prior on ``grid``; NaN marks items not asked. With no answers
    the estimate is 0; unlike maximum likelihood it stays finite when all answers agree.
    """
    a, b = _item_parameters(discrimination, difficulty)
    r = _check_responses(responses, len(a))
    grid = DEFAULT_GRID if grid is None else np.asarray(grid, dtype=float)
    log_post = _log_likelihood_on_grid(*_answer_counts(r), a, b, grid) - grid**2 / 2
    log_post -= log_post.max(axis=1, keepdims=True)
    weight = np.exp(log_post)
    weight /= weight.sum(axis=1, keepdims=True)
    mean = weight @ grid
    sd = np.sqrt(np.maximum(weight @ grid**2 - mean**2, 0.0))
    return mean, sd


class ItemResponseModel(BaseEstimator):
    """Rasch or 2PL item-response model fitted by marginal maximum likelihood.

    ``P(right | theta) = 1 / (1 + exp(-a_j (theta - b_j)))``, ``theta ~ N(0, 1)``;
    Rasch fixes every ``a_j`` at 1. EM on a grid of abilities (Bock and Aitkin,
    1981); the default grid is 41 points from -4 to 4. Fitted:
    ``discrimination_``, ``difficulty_``, ``n_iter_``.
    """

    def __init__(self, model: str = "2pl", max_iter: int = 100, tol: float = 1e-3, grid: Any = None) -> None:
        self.model = model
        self.max_iter = max_iter
        self.tol = tol
        self.grid = grid

    def fit(self, responses: Any) -> ItemResponseModel:
        """Fit the item parameters to a persons x items array of 0, 1 and NaN."""
        if self.model not in ("2pl", "rasch"):
            raise ValueError(f"model must be '2pl' or 'rasch', got {self.model!r}")
        max_iter = positive_int(self.max_iter, "max_iter")
        if not self.tol > 0:
            raise ValueError(f"tol must be positive, got {self.tol}")
        r = _check_responses(responses)
        grid = DEFAULT_GRID if self.grid is None else np.asarray(self.grid, dtype=float)
        right, wrong = _answer_counts(r)
        observed = right + wrong
        if (observed.sum(axis=0) == 0).any():
            raise ValueError("every item needs at least one answer; drop items nobody answered")
        n_items = r.shape[1]
        a = np.ones(n_items)
        c = np.zeros(n_items)  # intercept: logit = a * theta + c, b = -c / a
        log_prior = -(grid**2) / 2
        for iteration in range(1, max_iter + 1):  # noqa: B007 - read after the loop
            log_post = _log_likelihood_on_grid(right, wrong, a, -c / a, grid) + log_prior
            log_post -= log_post.max(axis=1, keepdims=True)
            weight = np.exp(log_post)
            weight /= weight.sum(axis=1, keepdims=True)  # (persons, grid)
            n = weight.T @ observed  # expected answers at each grid point (grid, items)
            k = weight.T @ right  # expected right answers
            a_old, c_old = a.copy(), c.copy()
            for _ in range(2):  # Newton steps of the M-step, all items at once
                p = expit(grid[:, None] * a + c)
                residual = k - n * p
                w = n * p * (1 - p)
                g_c = residual.sum(axis=0)
                h_cc = w.sum(axis=0) + 1e-6
                if self.model == "rasch":
                    c = c + g_c / h_cc
                    continue
                # a weak N(1, 1) prior on a keeps items nobody discriminates finite
                g_a = (residual * grid[:, None]).sum(axis=0) - (a - 1.0)
                h_aa = (w * grid[:, None] ** 2).sum(axis=0) + 1.0
                h_ac = (w * grid[:, None]).sum(axis=0)
                det = h_aa * h_cc - h_ac**2
                a = np.clip(a + (h_cc * g_a - h_ac * g_c) / det, 0.05, 10.0)
                c = c + (h_aa * g_c - h_ac * g_a) / det
            change = max(np.abs(a - a_old).max(), np.abs(c - c_old).max())
            if change < self.tol:
                break
        self.discrimination_ = a
        self.difficulty_ = -c / a
        self.n_iter_ = iteration
        return self

    def predict_proba(self, theta: Any) -> np.ndarray:
        """Probability of a right answer for each ability (rows) and item (columns)."""
        check_is_fitted(self, "difficulty_")
        theta = np.atleast_1d(np.asarray(theta, dtype=float))
        return expit(self.discrimination_ * (theta[:, None] - self.difficulty_))

    def estimate_ability(self, responses: Any) -> tuple[np.ndarray, np.ndarray]:
        """EAP ability and posterior standard deviation with the fitted items."""
        check_is_fitted(self, "difficulty_")
        return estimate_ability(responses, self.discrimination_, self.difficulty_, grid=self.grid)


def recommend_next_skill(predicted_success: Any, *, target: tuple[float, float] = (0.5, 0.8),
                         candidates: Any = None) -> np.ndarray:
    """Column of the skill each student should practise next: the one almost learned.

    Among allowed skills (``candidates``, boolean, same shape) with predicted
    success in ``target`` (low, high), the most likely to succeed; if none is in
    the band, the one closest to it; -1 for a student with no candidate.
    """
    p = np.asarray(predicted_success, dtype=float)
    if p.ndim != 2 or p.size == 0:
        raise ValueError(f"predicted_success must be a non-empty 2-D array, got shape {p.shape}")
    if not np.isfinite(p).all() or (p < 0).any() or (p > 1).any():
        raise ValueError("predicted_success must hold probabilities in [0, 1] (no NaN)")
    low, high = (float(x) for x in target)
    if not 0 <= low < high <= 1:
        raise ValueError(f"target must be (low, high) with 0 <= low < high <= 1, got {target}")
    allowed = np.ones_like(p, dtype=bool) if candidates is None else np.asarray(candidates)
    if allowed.shape != p.shape:
        raise ValueError(f"candidates has shape {allowed.shape}, predicted_success has shape {p.shape}")
    allowed = allowed.astype(bool)
    in_band = allowed & (p >= low) & (p <= high)
    distance = np.where(p < low, low - p, np.where(p > high, p - high, 0.0))
    # in the band: highest success first; outside: closest to the band
    score = np.where(in_band, 2.0 + p, 1.0 - distance)
    score = np.where(allowed, score, -np.inf)
    choice = score.argmax(axis=1)
    choice[~allowed.any(axis=1)] = -1
    return choice
