"""Twin of ASSISTments 2009 (skill builder): answers from Bayesian knowledge tracing.

Each skill has the four BKT parameters (prior, learn, guess, slip);
student ability shifts prior and learn on the logit scale. With no forgetting,
knowledge is one switch (known at start, or learnt after a geometric number of
opportunities), drawn directly: the exact BKT process without a loop.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from smartmkt_helpers._checks import positive_int
from smartmkt_helpers.simulate._common import check_number, check_random_state, make_bunch, sigmoid, stream

NAME = "assistments-2009"
DEFAULT_NUM_STUDENTS = 4_151
DEFAULT_NUM_SKILLS = 110
#: Skill ids are stored as int16.
MAX_SKILLS = 32_000
DEFAULT_TRAIN_SHARE = 2_921 / 4_151
#: Answers per student: log-normal (median 23) clipped to [1, MAX_LENGTH].
LENGTH_LOG_MEDIAN, LENGTH_LOG_SD, MAX_LENGTH = np.log(23.0), 1.6, 1_261
#: At each answer a student moves on to another skill with this probability;
#: skills are picked by popularity, log-normal across skills.
NEW_RUN_PROBABILITY = 0.15
SKILL_POPULARITY_LOG_SD = 1.5
#: Beta distributions of the per-skill BKT parameters.
PRIOR_BETA = (1.5, 2.5)
LEARN_BETA = (1.2, 15.0)
GUESS_BETA = (5.0, 10.0)
SLIP_BETA = (2.0, 10.0)
MAX_GUESS = 0.45
#: Student ability: normal on the logit scale of prior and learn.
ABILITY_SD = 0.8


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p) - np.log1p(-p)


def simulate_assistments(
    random_state: int | None = 0, n_students: int = DEFAULT_NUM_STUDENTS, n_skills: int = DEFAULT_NUM_SKILLS,
    train_share: float = DEFAULT_TRAIN_SHARE,
) -> Bunch:
    """Simulated twin of the ASSISTments 2009 knowledge-tracing data.

    Students are numbered from 0 (training split first), skills from 1.
    ``ground_truth.rows`` holds, per answer, ``mastered`` (the true state before
    it), ``p_mastered``, ``p_correct`` and ``opportunity``; ``skills`` the BKT parameters.
    """
    random_state = check_random_state(random_state)
    n = positive_int(n_students, "n_students")
    n_skills = positive_int(n_skills, "n_skills")
    if n_skills > MAX_SKILLS:
        raise ValueError(f"n_skills must be at most {MAX_SKILLS:,}, got {n_skills}")
    train_share = check_number("train_share", train_share, 0.0, 1.0)

    rng = stream(random_state, NAME, "skills")
    skills = pd.DataFrame({"skill_id": np.arange(1, n_skills + 1), "prior": rng.beta(*PRIOR_BETA, n_skills),
                           "learn": rng.beta(*LEARN_BETA, n_skills),
                           "guess": np.minimum(rng.beta(*GUESS_BETA, n_skills), MAX_GUESS),
                           "slip": rng.beta(*SLIP_BETA, n_skills)})
    popularity = rng.lognormal(0, SKILL_POPULARITY_LOG_SD, n_skills)
    popularity /= popularity.sum()

    # Sequences: lengths, then runs of one skill.
    rng = stream(random_state, NAME, "sequences")
    ability = rng.normal(0, ABILITY_SD, n)
    length = np.clip(np.round(rng.lognormal(LENGTH_LOG_MEDIAN, LENGTH_LOG_SD, n)), 1, MAX_LENGTH).astype(int)
    student = np.repeat(np.arange(n), length)
    step = np.arange(len(student)) - np.repeat(np.cumsum(length) - length, length)
    new_run = (step == 0) | (rng.random(len(student)) < NEW_RUN_PROBABILITY)
    run = np.cumsum(new_run) - 1
    skill = rng.choice(n_skills, size=run[-1] + 1, p=popularity)[run]

    # Opportunities: how often the student met the skill before this answer.
    pair = student.astype(np.int64) * n_skills + skill
    opportunity = pd.Series(pair).groupby(pair).cumcount().to_numpy()
    pair_codes, pair_index = np.unique(pair, return_inverse=True)

    # BKT, exactly: known from the start, or learnt after a geometric number of opportunities.
    pair_student = pair_codes // n_skills
    pair_skill = pair_codes % n_skills
    prior = sigmoid(_logit(skills["prior"].to_numpy()[pair_skill]) + ability[pair_student])
    learn = sigmoid(_logit(skills["learn"].to_numpy()[pair_skill]) + ability[pair_student])
    rng = stream(random_state, NAME, "knowledge")
    known_at_start = rng.random(len(pair_codes)) < prior
    learnt_after = rng.geometric(learn)  # known from this opportunity on
    mastered = known_at_start[pair_index] | (opportunity >= learnt_after[pair_index])
    guess = skills["guess"].to_numpy()[skill]
    slip = skills["slip"].to_numpy()[skill]
    p_correct = np.where(mastered, 1 - slip, guess)
    correct = stream(random_state, NAME, "answers").random(len(student)) < p_correct
    p_mastered = 1 - (1 - prior[pair_index]) * (1 - learn[pair_index]) ** opportunity

    num_train = int(round(train_share * n))
    split = np.where(np.arange(n) < num_train, "train", "test")
    frame = pd.DataFrame({"student_id": student, "split": split[student], "step": step, "skill_id": skill + 1,
                          "correct": correct.astype(int)})
    ground_truth = Bunch(
        rows=pd.DataFrame({
            "mastered": mastered, "p_mastered": p_mastered, "p_correct": p_correct,
            "opportunity": opportunity,
        }),
        skills=skills,
        students=pd.DataFrame({"student_id": np.arange(n), "split": split, "ability": ability}),
    )
    options = {"n_students": n, "n_skills": n_skills, "train_share": train_share}
    return make_bunch(NAME, random_state, options, {"frame": frame}, ground_truth)
