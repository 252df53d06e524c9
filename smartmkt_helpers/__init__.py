"""Helpers for the course *Deep Learning for Intelligent Marketing*.

Importing the package makes Keras use the JAX backend unless the learner has
chosen another one with the ``KERAS_BACKEND`` environment variable, so import
it before Keras::

    import smartmkt_helpers
    import keras

What a chapter teaches is written in the chapter; this package holds the
plumbing several chapters share, one module per concern:

- ``datasets.load`` (a real dataset, else its twin), built on ``data`` (the
  real datasets through a verified cache, ``python -m smartmkt_helpers.data``)
  and ``simulate`` (the shop, the twins with their ground truth, messages);
- ``features`` and ``clustering`` (customer profiles, chapter 2);
- ``splits``, ``metrics`` and ``recommenders`` (chapters 3 and 4);
- ``ads``: ``uplift``, ``targeting``, ``bandits``, ``off_policy``,
  ``ctr``, ``auction`` and ``pacing`` (chapters 5 to 7);
- ``experiments`` and ``sessions`` (chapter 8), ``finance`` (chapter 9),
  ``education`` (chapter 10);
- ``evaluation`` (per-user metrics, diversity, popularity bias, intervals
  and paired tests, chapter 11; ``experiments`` adds power and
  interleaving), ``privacy`` and ``fairness`` (chapter 12);
- ``environment`` (what the machine has) and ``exercises`` (exercise
  self-checks and the answer checker).
"""

import os as _os

from smartmkt_helpers.config import DEFAULT_KERAS_BACKEND as _DEFAULT_KERAS_BACKEND

_os.environ.setdefault("KERAS_BACKEND", _DEFAULT_KERAS_BACKEND)

from smartmkt_helpers.exercises.checking import check_answer  # noqa: E402

__version__ = "0.1.0"
__all__ = ["check_answer", "__version__"]
