"""Twin of the Open Bandit Dataset: logged recommendations with a known click model.

Each row is one of three slots shown to a user with four hashed features and 80
affinities; the logging policy is uniform random or Bernoulli Thompson sampling
updated daily. Every item's click probability in every logged context is known.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from smartmkt_helpers._checks import positive_int
from smartmkt_helpers.data.schema import OPEN_BANDIT_ITEMS, OPEN_BANDIT_POLICIES, OPEN_BANDIT_POSITIONS
from smartmkt_helpers.simulate._common import (
    check_random_state,
    choose_per_row,
    hashed_tokens,
    make_bunch,
    sigmoid,
    stream,
    zipf_weights,
)

NAME = "open-bandit"
DEFAULT_NUM_ROWS = 10_000
FIRST_DAY = pd.Timestamp("2019-11-24", tz="UTC")
NUM_DAYS = 7
#: Share of each value of the four user features (cardinalities 3, 5, 8, 8).
USER_FEATURE_SHARES = ((0.82, 0.172, 0.008), (0.83, 0.086, 0.069, 0.014, 0.001),
                       (0.244, 0.232, 0.159, 0.155, 0.142, 0.054, 0.013, 0.001),
                       (0.368, 0.346, 0.112, 0.094, 0.06, 0.018, 0.0018, 0.0002))
#: Cardinalities of the three hashed item features.
ITEM_FEATURE_CARDINALITIES = (12, 21, 7)
#: Mean number of non-zero user-item affinities per row, and their largest value.
AFFINITY_RATE = 0.05
MAX_AFFINITY = 3
HOUR_WEIGHTS = np.array([0.5, 0.3, 0.2, 0.15, 0.15, 0.2, 0.4, 0.7, 0.9, 1.0, 1.0, 1.1,
                         1.3, 1.2, 1.0, 1.0, 1.0, 1.1, 1.3, 1.5, 1.7, 1.8, 1.5, 0.9])
#: Click model: logit = CLICK_INTERCEPT + item effect + position effect
#: + user-feature effects + FACTOR_SCALE x (user factors . item factors) + AFFINITY_EFFECT x affinity.
CLICK_INTERCEPT = -5.7
ITEM_EFFECT_SD = 0.4
POSITION_EFFECTS = np.array([0.0, -0.05, -0.2])
USER_FEATURE_EFFECT_SD = 0.25
NUM_FACTORS = 3
FACTOR_SD = 0.6
FACTOR_SCALE = 1.0
AFFINITY_EFFECT = 0.8
#: Thompson sampling: the Beta posteriors start from PRIOR_IMPRESSIONS
#: impressions per item of an earlier period, are updated daily, and the
#: ranking probabilities are estimated from MONTE_CARLO_DRAWS draws.
PRIOR_IMPRESSIONS = 1_000
MONTE_CARLO_DRAWS = 5_000


def simulate_open_bandit(
    random_state: int | None = 0, policy: str = "random", n_rows: int = DEFAULT_NUM_ROWS
) -> Bunch:
    """Simulated twin of an Open Bandit Dataset sample, logged by ``policy`` ("random" or "bts").

    ``ground_truth`` holds ``p_click_all`` and ``action_probabilities`` (rows x items),
    ``rows`` (``p_click``, ``best_item``, ``p_click_best``), the model's effects and
    factors and, for ``bts``, the daily Beta ``posteriors``.
    """
    random_state = check_random_state(random_state)
    if policy not in OPEN_BANDIT_POLICIES:
        raise ValueError(f"policy must be one of {list(OPEN_BANDIT_POLICIES)}, got {policy!r}")
    n = positive_int(n_rows, "n_rows")
    model = _click_model(random_state)

    # Contexts: time, position, user features, affinities.
    rng = stream(random_state, NAME, policy, "contexts")
    day = np.sort(rng.integers(0, NUM_DAYS, n))
    hour = rng.choice(24, n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    microseconds = ((day * 24 + hour) * 3600 + rng.random(n) * 3600) * 1e6
    order = np.argsort(microseconds, kind="stable")
    day, microseconds = day[order], np.sort(microseconds)
    position = rng.integers(0, OPEN_BANDIT_POSITIONS, n)
    feature_values = np.stack([
        rng.choice(len(shares), n, p=np.array(shares) / sum(shares)) for shares in USER_FEATURE_SHARES
    ], axis=1)
    affinity = np.minimum(
        rng.poisson(AFFINITY_RATE / OPEN_BANDIT_ITEMS * model["item_appeal"], (n, OPEN_BANDIT_ITEMS)),
        MAX_AFFINITY,
    ).astype(float)

    # The true click probability of every item in every logged context.
    user_factors = sum(model["user_feature_factors"][f][feature_values[:, f]] for f in range(4))
    user_effect = sum(model["user_feature_effects"][f][feature_values[:, f]] for f in range(4))
    logit_all = (CLICK_INTERCEPT + model["item_effects"][None, :] + POSITION_EFFECTS[position][:, None]
                 + user_effect[:, None] + FACTOR_SCALE * user_factors @ model["item_factors"].T
                 + AFFINITY_EFFECT * affinity)
    p_click_all = sigmoid(logit_all)

    # The logging policy.
    rng = stream(random_state, NAME, policy, "logging")
    posteriors = None
    if policy == "random":
        action_probabilities = np.full((n, OPEN_BANDIT_ITEMS), 1 / OPEN_BANDIT_ITEMS)
        item = rng.integers(0, OPEN_BANDIT_ITEMS, n)
        click = rng.random(n) < p_click_all[np.arange(n), item]
    else:
        action_probabilities, item, click, posteriors = _thompson_sampling(rng, day, position, p_click_all, model)

    rows = np.arange(n)
    frame = pd.DataFrame({"timestamp": FIRST_DAY + pd.to_timedelta(microseconds, unit="us"), "item_id": item,
                          "position": position + 1, "click": click.astype(int),
                          "propensity_score": action_probabilities[rows, item]})
    for f in range(4):
        frame[f"user_feature_{f}"] = np.array(model["user_feature_tokens"][f])[feature_values[:, f]]
    affinity_columns = pd.DataFrame(affinity, columns=[f"user-item_affinity_{i}" for i in range(OPEN_BANDIT_ITEMS)])
    frame = pd.concat([frame, affinity_columns], axis=1)

    best_item = p_click_all.argmax(axis=1)
    ground_truth = Bunch(
        rows=pd.DataFrame({
            "p_click": p_click_all[rows, item], "best_item": best_item,
            "p_click_best": p_click_all[rows, best_item],
        }),
        p_click_all=p_click_all, action_probabilities=action_probabilities,
        item_effects=pd.Series(model["item_effects"], name="item_effect").rename_axis("item_id"),
        position_effects=pd.Series(POSITION_EFFECTS, index=pd.RangeIndex(1, 4, name="position")),
        user_feature_effects={
            f"user_feature_{f}": pd.Series(model["user_feature_effects"][f], index=model["user_feature_tokens"][f])
            for f in range(4)
        },
        item_factors=model["item_factors"],
        user_feature_factors={
            f"user_feature_{f}": pd.DataFrame(model["user_feature_factors"][f], index=model["user_feature_tokens"][f])
            for f in range(4)
        },
        affinity_effect=AFFINITY_EFFECT, intercept=CLICK_INTERCEPT,
    )
    if posteriors is not None:
        ground_truth["posteriors"] = posteriors
    tables = {"frame": frame, "item_context": model["item_context"]}
    twin = make_bunch(NAME, random_state, {"policy": policy, "n_rows": n}, tables, ground_truth)
    twin["policy"] = policy  # as in the real dataset's Bunch
    return twin


def _click_model(random_state: int) -> dict:
    """Items, user-feature vocabularies and the click model's parameters (shared by both policies)."""
    rng = stream(random_state, NAME, "model")
    price = rng.lognormal(0, 0.5, OPEN_BANDIT_ITEMS)
    item_context = pd.DataFrame({
        "item_id": np.arange(OPEN_BANDIT_ITEMS), "item_feature_0": (price - price.mean()) / price.std(),
    })
    for index, cardinality in enumerate(ITEM_FEATURE_CARDINALITIES, start=1):
        tokens = np.array(hashed_tokens(random_state, f"item_feature_{index}", cardinality))
        item_context[f"item_feature_{index}"] = tokens[
            rng.choice(cardinality, OPEN_BANDIT_ITEMS, p=zipf_weights(cardinality, 0.8))
        ]
    item_effects = rng.normal(0, ITEM_EFFECT_SD, OPEN_BANDIT_ITEMS)
    # User-feature effects and factors are centred on the average user, so that the
    # click rate's level and the items' ranking do not hinge on the dominant values.
    shares = [np.array(s) / sum(s) for s in USER_FEATURE_SHARES]
    feature_effects = [rng.normal(0, USER_FEATURE_EFFECT_SD, len(s)) for s in shares]
    feature_factors = [rng.normal(0, FACTOR_SD / 2, (len(s), NUM_FACTORS)) for s in shares]
    return {
        "item_context": item_context, "item_effects": item_effects,
        "item_factors": rng.normal(0, FACTOR_SD, (OPEN_BANDIT_ITEMS, NUM_FACTORS)),
        "item_appeal": np.exp(item_effects) / np.exp(item_effects).mean(),
        "user_feature_tokens": [
            hashed_tokens(random_state, f"user_feature_{f}", len(shares))
            for f, shares in enumerate(USER_FEATURE_SHARES)
        ],
        "user_feature_effects": [effects - share @ effects for effects, share in zip(feature_effects, shares)],
        "user_feature_factors": [factors - share @ factors for factors, share in zip(feature_factors, shares)],
    }


def _ranking_probabilities(rng: np.random.Generator, alpha: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """P(item is ranked k-th) under Thompson sampling, (items, positions), by Monte Carlo."""
    draws = rng.beta(alpha, beta, (MONTE_CARLO_DRAWS, len(alpha)))
    top = np.argpartition(-draws, OPEN_BANDIT_POSITIONS, axis=1)[:, :OPEN_BANDIT_POSITIONS]
    top = np.take_along_axis(top, np.argsort(-np.take_along_axis(draws, top, axis=1), axis=1), axis=1)
    counts = np.stack([np.bincount(top[:, k], minlength=len(alpha)) for k in range(OPEN_BANDIT_POSITIONS)], axis=1)
    return counts / MONTE_CARLO_DRAWS


def _thompson_sampling(
    rng: np.random.Generator, day: np.ndarray, position: np.ndarray, p_click_all: np.ndarray, model: dict
) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.DataFrame]:
    n = len(day)
    average_ctr = sigmoid(CLICK_INTERCEPT + model["item_effects"] + 0.1)
    prior_clicks = rng.binomial(PRIOR_IMPRESSIONS, average_ctr)
    alpha = 1.0 + prior_clicks
    beta = 1.0 + PRIOR_IMPRESSIONS - prior_clicks
    action_probabilities = np.empty((n, OPEN_BANDIT_ITEMS))
    item = np.empty(n, dtype=int)
    click = np.empty(n, dtype=bool)
    history = []
    for today in range(NUM_DAYS):
        history.append(
            pd.DataFrame({"day": today, "item_id": np.arange(OPEN_BANDIT_ITEMS), "alpha": alpha, "beta": beta})
        )
        rows = np.flatnonzero(day == today)
        ranking = _ranking_probabilities(rng, alpha, beta)
        action_probabilities[rows] = ranking[:, position[rows]].T
        item[rows] = choose_per_row(rng, action_probabilities[rows])
        click[rows] = rng.random(len(rows)) < p_click_all[rows, item[rows]]
        alpha = alpha + np.bincount(item[rows], weights=click[rows], minlength=OPEN_BANDIT_ITEMS)
        beta = beta + np.bincount(item[rows], weights=~click[rows], minlength=OPEN_BANDIT_ITEMS)
    return action_probabilities, item, click, pd.concat(history, ignore_index=True)
