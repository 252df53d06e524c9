"""``load``: the call every chapter makes for its data, the only module that knows both ``data`` and ``simulate``.

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

    Without ``fallback`` a missing dataset raises ``data.DataUnavailableError``
    saying what to do; with ``fallback="simulate"`` the twin (``random_state=0``,
    same columns) comes back with a printed line saying why. ``home``,
    ``offline`` and ``**options`` go to ``data.load``. The Bunch has ``frame``,
    ``DESCR``, ``source`` ("real" or "simulated"), ``citation`` and ``name``.
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
