"""Helpers for the course *Deep Learning for Intelligent Marketing*: the plumbing several chapters share.

Importing the package makes Keras use the JAX backend unless ``KERAS_BACKEND``
is set, and lets JAX keep its compiled programs on disk (``config.JAX_CACHE_DIR``),
so that a network of the same shapes, in this run or the next, is not compiled
again; import it before Keras. ``datasets.load`` gives a real dataset
(``data``) or its simulated twin (``simulate``); the other modules follow the
chapters: ``features``, ``clustering``, ``splits``, ``metrics``,
``recommenders``, ``ads``, ``experiments``, ``sessions``, ``finance``,
``education``, ``evaluation``, ``privacy``, ``fairness``, ``spark``.
"""

import os as _os

from smartmkt_helpers import config as _config

_os.environ.setdefault("KERAS_BACKEND", _config.DEFAULT_KERAS_BACKEND)
# JAX reads these when it is imported. Every program is cached, however fast
# it compiled (Keras compiles many small ones); the size limit makes JAX lock
# the cache, so two kernels never read an entry the other is still writing.
_os.environ.setdefault("JAX_COMPILATION_CACHE_DIR", _os.path.expanduser(_config.JAX_CACHE_DIR))
_os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")
_os.environ.setdefault("JAX_COMPILATION_CACHE_MAX_SIZE", str(_config.JAX_CACHE_MAX_BYTES))

from smartmkt_helpers.exercises.checking import check_answer  # noqa: E402

__version__ = "0.1.0"
__all__ = ["check_answer", "__version__"]
