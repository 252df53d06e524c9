"""Self-checks for chapter 4: deep recommenders."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from smartmkt_helpers.exercises import register, require_columns
from smartmkt_helpers.exercises.checking import CORRECT, INCORRECT, CheckResult, check_answer

_INVERSES: dict[tuple[int, float], tuple[Any, np.ndarray]] = {}


def _ease_inverse(interactions: Any, penalty: float) -> np.ndarray:
    """(X^T X + penalty I)^-1, kept for the last matrix asked about."""
    key = (id(interactions), float(penalty))
    if key in _INVERSES and _INVERSES[key][0] is interactions:
        return _INVERSES[key][1]
    _INVERSES.clear()
    _INVERSES[key] = (interactions, _compute_ease_inverse(interactions, penalty))
    return _INVERSES[key][1]


def _compute_ease_inverse(interactions: Any, penalty: float) -> np.ndarray:
    matrix = sp.csr_matrix(interactions)
    gram = (matrix.T @ matrix).toarray().astype(float)
    gram[np.diag_indices_from(gram)] += float(penalty)
    return np.linalg.inv(gram)


@register("4.1")
def _ease_weights(answer: Any, *, interactions: Any, penalty: float) -> CheckResult:
    inverse = _ease_inverse(interactions, penalty)
    expected = inverse / -np.diag(inverse)
    no_zero_diagonal = expected.copy()
    np.fill_diagonal(expected, 0.0)
    wrong_sign = -expected
    row_scaled = inverse / -np.diag(inverse)[:, None]
    np.fill_diagonal(row_scaled, 0.0)
    return check_answer(
        answer, expected, name="ease_weights", rtol=1e-4, atol=1e-8, mistakes={
            "Set the diagonal to 0 after dividing: the constraint diag(B) = 0 keeps a movie from predicting "
            "itself.": no_zero_diagonal,
            "Check the sign: B_ij = -P_ij / P_jj.": wrong_sign,
            "Divide each column j by P_jj (the diagonal entry of the column), not each row.": row_scaled})


def _average_precision_sums(truth: pd.DataFrame, recommendations: pd.DataFrame,
                            k: int) -> tuple[pd.Series, pd.Series]:
    ranked = recommendations.copy()
    ranked["rank"] = ranked.groupby("user_id").cumcount() + 1
    ranked = ranked[ranked["rank"] <= k]
    truth = truth[truth["user_id"].isin(ranked["user_id"].unique())]
    hits = ranked.merge(truth[["user_id", "item_id"]].drop_duplicates(), on=["user_id", "item_id"])
    hits = hits.sort_values(["user_id", "rank"])
    hits["precision"] = (hits.groupby("user_id").cumcount() + 1) / hits["rank"]
    relevant = truth.groupby("user_id").size()
    summed = hits.groupby("user_id")["precision"].sum().reindex(relevant.index, fill_value=0.0)
    return summed, relevant


@register("4.2")
def _map_at_10(answer: Any, *, truth: pd.DataFrame,
               recommendations: pd.DataFrame, k: int = 10) -> CheckResult:
    require_columns(truth, ["user_id", "item_id"], "truth")
    require_columns(recommendations, ["user_id", "item_id"], "recommendations")
    summed, relevant = _average_precision_sums(truth, recommendations, k)
    return check_answer(
        answer, float((summed / relevant.clip(upper=k)).mean()), name="map_at_10", mistakes={
            "You divided by all relevant test movies: that is the benchmark's 'MAP'. MAP@10 divides by "
            "min(relevant, 10).": float((summed / relevant).mean()),
            "You divided by 10 for every user; a user with fewer than 10 relevant movies cannot reach 10 "
            "hits. Divide by min(relevant, 10).": float((summed / k).mean())})


@register("4.3")
def _top10_share(answer: Any, *, recommendations: pd.DataFrame) -> CheckResult:
    require_columns(recommendations, ["item_id"], "recommendations")
    counts = recommendations["item_id"].value_counts()
    return check_answer(
        answer, float(counts.iloc[:10].sum() / len(recommendations)), name="top10_share", mistakes={
            "You divided by the number of distinct movies. Divide by the number of recommendation slots "
            "(rows of the lists).": float(counts.iloc[:10].sum() / len(counts)),
            "That is the share of distinct movies; count how many slots the 10 most frequent movies fill.":
                float(min(10, len(counts)) / len(recommendations))})


def _reference_loss(targets: np.ndarray, logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_softmax = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return -(targets * log_softmax).sum(axis=-1)


def _loss_mistakes(targets: np.ndarray, logits: np.ndarray) -> dict[str, np.ndarray]:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    probabilities = np.exp(shifted) / np.exp(shifted).sum(axis=-1, keepdims=True)
    log_softmax = np.log(probabilities)
    over_users = logits - logits.max(axis=0, keepdims=True)
    log_softmax_users = over_users - np.log(np.exp(over_users).sum(axis=0, keepdims=True))
    return {
        "Check the sign: Keras minimises the loss, so return the *negative* log-likelihood, -sum x log "
        "softmax(logits).": (targets * log_softmax).sum(axis=-1),
        "Sum over the movies, do not average: the mean divides every user's loss by the number of movies and "
        "shrinks the gradients.": -(targets * log_softmax).mean(axis=-1),
        "Take the log of the softmax (ops.log_softmax): the likelihood multiplies probabilities, so its log "
        "sums log-probabilities.": -(targets * probabilities).sum(axis=-1),
        "Use the softmax over the movies of each user (axis=-1), not over the users of the batch.":
            -(targets * log_softmax_users).sum(axis=-1),
        "Use the logits as the model gives them: log_softmax(logits), not log(logits) or the raw logits.":
            -(targets * logits).sum(axis=-1)}


_TRAINED: dict[int, tuple[Any, bool]] = {}


def _rated_beat_unrated(loss: Any, interactions: Any, steps: int = 40) -> bool:
    """Train a small linear autoencoder with ``loss``: are rated movies more probable?

    The autoencoder maps each user's row (scaled to unit length) to one logit
    per movie through a single weight matrix, trained by ``steps`` steps of
    gradient descent on the mean of ``loss`` over the users.
    """
    import jax
    import jax.numpy as jnp

    import smartmkt_helpers  # noqa: F401  (selects the JAX backend of Keras)

    rows = sp.csr_matrix(interactions)[:128].toarray().astype("float32")
    rows = rows[:, rows.sum(axis=0) > 0]
    inputs = rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)

    def objective(weights):
        return jnp.mean(loss(jnp.asarray(rows), jnp.asarray(inputs) @ weights))

    step = jax.jit(jax.value_and_grad(objective))
    weights = jnp.zeros((rows.shape[1], rows.shape[1]), dtype="float32")
    for _ in range(steps):
        _, gradient = step(weights)
        weights = weights - 5.0 * gradient
    logits = np.asarray(inputs @ weights)
    return bool(logits[rows > 0].mean() > logits[rows == 0].mean() + 0.5)


@register("4.4")
def _multinomial_loss(answer: Any, *, interactions: Any) -> CheckResult:
    if answer is None or answer is Ellipsis:
        return check_answer(None, 0.0, name="multinomial_loss")
    if not callable(answer):
        return CheckResult(INCORRECT, "multinomial_loss should be a function of "
                           "(targets, logits), defined with def.")
    rng = np.random.default_rng(4)
    targets = (rng.random((6, 12)) < 0.3).astype("float32")
    targets[:, 0] = 1.0
    logits = rng.normal(0.0, 2.0, (6, 12)).astype("float32")
    try:
        values = np.asarray(answer(targets, logits), dtype=float)
    except Exception as error:  # the learner's code failed: say how
        return CheckResult(INCORRECT, f"Calling multinomial_loss(targets, logits) raised {type(error).__name__}: "
                           f"{error}")
    if values.shape != (len(targets),):
        return CheckResult(INCORRECT, f"Return one loss per user (shape ({len(targets)},) for {len(targets)} "
                           f"users), not shape {values.shape}: sum over the movies (axis=-1) only; Keras averages over "
                           "the users itself.")
    formula = check_answer(values, _reference_loss(targets, logits), name="multinomial_loss", rtol=1e-4,
                           atol=1e-5, mistakes=_loss_mistakes(targets, logits))
    if not formula:
        return formula
    key = id(answer)
    if key not in _TRAINED or _TRAINED[key][0] is not answer:
        try:
            _TRAINED[key] = (answer, _rated_beat_unrated(answer, interactions))
        except Exception as error:  # NumPy inside the loss fails on tensors
            return CheckResult(INCORRECT, f"The values match the formula, but training with it failed "
                               f"({type(error).__name__}): write it with keras.ops, not NumPy, so Keras can "
                               "differentiate it.")
    if not _TRAINED[key][1]:
        return CheckResult(INCORRECT, "The values match the formula, but a small linear autoencoder trained with "
                           "it did not learn to give the rated movies more probability; use keras.ops, not "
                           "NumPy, so gradients can flow.")
    return CheckResult(CORRECT, "multinomial_loss matches the formula, and a small linear autoencoder trained "
                       "with it for 40 gradient steps gives the movies the users rated higher scores than the "
                       "others.")
