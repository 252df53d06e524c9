"""Exercise 4.4: the multinomial loss checker trains briefly and names mistakes."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from keras import ops

import smartmkt_helpers  # noqa: F401  (selects the Keras backend)
from smartmkt_helpers.exercises import check_exercise


@pytest.fixture(scope="module")
def interactions():
    rng = np.random.default_rng(0)
    # 120 users who like one of three blocks of 10 movies, plus noise
    block = rng.integers(0, 3, 120)
    likes = (np.arange(30)[None, :] // 10) == block[:, None]
    rated = (likes & (rng.random((120, 30)) < 0.7)) | (rng.random((120, 30)) < 0.05)
    return sp.csr_matrix(rated.astype(float))


def right(targets, logits):
    return -ops.sum(targets * ops.log_softmax(logits, axis=-1), axis=-1)


def test_the_right_loss_passes_after_training(interactions):
    result = check_exercise("4.4", right, interactions=interactions)
    assert result, result.message
    assert "trained" in result.message


def test_not_answered(interactions):
    result = check_exercise("4.4", None, interactions=interactions)
    assert not result and result.status == "unanswered"


@pytest.mark.parametrize(("wrong", "word"), [
    (lambda t, x: ops.sum(t * ops.log_softmax(x, axis=-1), axis=-1), "sign"),
    (lambda t, x: -ops.mean(t * ops.log_softmax(x, axis=-1), axis=-1), "average"),
    (lambda t, x: -ops.sum(t * ops.softmax(x, axis=-1), axis=-1), "log"),
    (lambda t, x: -ops.sum(t * ops.log_softmax(x, axis=0), axis=-1), "axis=-1"),
    (lambda t, x: -ops.sum(t * x, axis=-1), "log_softmax"),
    (lambda t, x: -ops.sum(t * ops.log_softmax(x, axis=-1)), "one loss per user"),
    (3.0, "function"),
])
def test_typical_mistakes_are_named(interactions, wrong, word):
    result = check_exercise("4.4", wrong, interactions=interactions)
    assert not result
    assert word in result.message


def test_a_loss_that_raises_is_reported(interactions):
    def broken(targets, logits):
        raise RuntimeError("boom")

    result = check_exercise("4.4", broken, interactions=interactions)
    assert not result and "boom" in result.message


def test_a_numpy_loss_fails_in_training(interactions):
    def with_numpy(targets, logits):
        targets, logits = np.asarray(targets), np.asarray(logits)
        shifted = logits - logits.max(axis=-1, keepdims=True)
        log_softmax = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
        return -(targets * log_softmax).sum(axis=-1)

    result = check_exercise("4.4", with_numpy, interactions=interactions)
    assert not result and "keras.ops" in result.message


def test_the_training_property_rejects_a_loss_that_learns_the_wrong_way(interactions):
    from smartmkt_helpers.exercises.ch04 import _rated_beat_unrated

    assert _rated_beat_unrated(right, interactions)
    assert not _rated_beat_unrated(lambda t, x: -right(t, x), interactions)
