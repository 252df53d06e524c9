"""Helpers for the course *Deep Learning for Intelligent Marketing*: the plumbing several chapters share.

Importing the package makes Keras use the JAX backend unless ``KERAS_BACKEND``
is set, so import it before Keras. ``datasets.load`` gives a real dataset
(``data``) or its simulated twin (``simulate``); the other modules follow the
chapters: ``features``, ``clustering``, ``splits``, ``metrics``,
``recommenders``, ``ads``, ``experiments``, ``sessions``, ``finance``,
``education``, ``evaluation``, ``privacy``, ``fairness``, ``spark``.
"""

import os as _os

from smartmkt_helpers.config import DEFAULT_KERAS_BACKEND as _DEFAULT_KERAS_BACKEND

_os.environ.setdefault("KERAS_BACKEND", _DEFAULT_KERAS_BACKEND)

from smartmkt_helpers.exercises.checking import check_answer  # noqa: E402

__version__ = "0.1.0"
__all__ = ["check_answer", "__version__"]
