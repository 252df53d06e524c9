"""Helpers for the course *Deep Learning for Intelligent Marketing*.

Importing the package makes Keras use the JAX backend unless the learner has
chosen another one with the ``KERAS_BACKEND`` environment variable, so import
it before Keras::

    import smartmkt_helpers
    import keras

What a chapter teaches is written in the chapter; this package holds the
plumbing several chapters share: ``data`` (the real datasets through a
verified cache, and ``load``), ``simulate`` (the simulated shop and its
twins with their ground truth), ``environment`` (what the machine has) and
``workshop`` / ``exercises`` (exercise self-checks).
"""

import os as _os

from smartmkt_helpers.config import DEFAULT_KERAS_BACKEND as _DEFAULT_KERAS_BACKEND

_os.environ.setdefault("KERAS_BACKEND", _DEFAULT_KERAS_BACKEND)

from smartmkt_helpers.workshop import check_answer  # noqa: E402

__version__ = "0.1.0"
__all__ = ["check_answer", "__version__"]
