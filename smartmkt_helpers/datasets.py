"""``load``: the call every chapter makes for its data.

It returns the real dataset from :mod:`smartmkt_helpers.data` (the verified
cache, fetched when missing) and, when asked, falls back on the simulated
twin from :mod:`smartmkt_helpers.simulate`, which has the same columns and
dtypes. This module is the only one that knows both.

Examples
--------
>>> twin = load("cdnow", fallback="simulate", home="/nonexistent", offline=True)
... # doctest: +ELLIPSIS
Using the simulated twin of CDNOW master transactions: cdnow is not in the cache ...
>>> twin.source, list(twin.frame.columns)
('simulated', ['customer_id', 'date', 'quantity', 'amount'])
"""

from __future__ import annotations

import os

from sklearn.utils import Bunch

from smartmkt_helpers import data, simulate


def load(name: str, fallback: str | None = None, *, home: str | os.PathLike | None = None,
         offline: bool | None = None, **options: object) -> Bunch:
    """Load a real dataset, or its simulated twin when the real one cannot be had.

    Parameters
    ----------
    name : str
        ``"movielens-100k"``, ``"hillstrom"``, ``"open-bandit"``,
        ``"german-credit"``, ``"cdnow"`` or ``"assistments-2009"``.
    fallback : {None, "simulate"}
        With ``None`` a dataset that cannot be had raises a
        :class:`~smartmkt_helpers.data.DataUnavailableError` saying what to
        do. With ``"simulate"`` it returns the simulated twin instead
        (``random_state=0``) and prints one line saying so and why.
    home, offline, **options
        As for :func:`smartmkt_helpers.data.load`: the cache folder, no
        network access, and ``policy`` for ``"open-bandit"``.

    Returns
    -------
    sklearn.utils.Bunch
        ``frame``, the side tables, ``DESCR`` (the data card), ``source``
        (``"real"`` or ``"simulated"``), ``citation`` and ``name``; a twin
        also has ``ground_truth`` and ``random_state``.
    """
    if fallback not in (None, "simulate"):
        raise ValueError(f"fallback must be None or 'simulate', got {fallback!r}")
    try:
        return data.load(name, home=home, offline=offline, **options)
    except data.DataUnavailableError as error:
        if fallback is None:
            raise
        print(f"Using the simulated twin of {data.DATASETS[name].title}: {error.reason}.")
        return simulate.simulate(name, **options)
