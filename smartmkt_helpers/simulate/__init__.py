"""Simulated twins of the course's datasets, made by one model of a shop.

Every chapter must run offline, and every chapter gains from knowing the
truth that real logs hide. Each real dataset of the course therefore has a
*simulated twin*: a table with the same columns and dtypes
(:data:`~smartmkt_helpers.data.schema.SCHEMAS`), made from a seed by a
known generative model, that also returns that model's ground truth, so a
chapter can measure regret, true uplift, recovered segments and so on.
Two extra twins, ``"ad-impressions"`` and ``"card-transactions"``, have no
real counterpart in the course.

:class:`Shop` is the common generator: the customers of the Hillstrom,
CDNOW, card-transaction and MovieLens twins are the shop's customers, so
one seed tells one story. :func:`simulate` returns a twin as a
:class:`sklearn.utils.Bunch` with ``frame``, the side tables, ``ground_truth``
(never mixed into the tables), ``DESCR`` (its data card, see
:func:`data_card`), ``source``, ``citation``, ``seed``, ``name`` and
``options``.

Examples
--------
>>> twin = simulate("hillstrom", seed=0, num_customers=3_000)
>>> twin.frame.shape, twin.source
((3000, 12), 'simulated')
>>> sorted(twin.ground_truth.rows.columns)[:2]
['arm', 'churned']
>>> simulate("hillstrom", seed=-1)
Traceback (most recent call last):
...
ValueError: seed must be a non-negative integer, got -1
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

from sklearn.utils import Bunch

from smartmkt_helpers.simulate._common import check_seed
from smartmkt_helpers.simulate.ad_impressions import simulate_ad_impressions
from smartmkt_helpers.simulate.assistments import simulate_assistments
from smartmkt_helpers.simulate.card_transactions import simulate_card_transactions
from smartmkt_helpers.simulate.cards import data_card, write_cards
from smartmkt_helpers.simulate.cdnow import simulate_cdnow
from smartmkt_helpers.simulate.german_credit import simulate_german_credit
from smartmkt_helpers.simulate.hillstrom import simulate_hillstrom
from smartmkt_helpers.simulate.movielens import simulate_movielens
from smartmkt_helpers.simulate.open_bandit import simulate_open_bandit
from smartmkt_helpers.simulate.shop import Shop

#: The function that simulates each twin, by dataset name.
TWINS: dict[str, Callable[..., Bunch]] = {
    "movielens-100k": simulate_movielens,
    "hillstrom": simulate_hillstrom,
    "open-bandit": simulate_open_bandit,
    "german-credit": simulate_german_credit,
    "cdnow": simulate_cdnow,
    "assistments-2009": simulate_assistments,
    "ad-impressions": simulate_ad_impressions,
    "card-transactions": simulate_card_transactions,
}


def twin_options(name: str) -> dict[str, object]:
    """The options of twin ``name`` (besides ``seed``) and their defaults.

    Examples
    --------
    >>> twin_options("open-bandit")
    {'policy': 'random', 'num_rows': 10000}
    """
    _check_name(name)
    parameters = inspect.signature(TWINS[name]).parameters
    return {key: p.default for key, p in parameters.items() if key != "seed"}


def _check_name(name: object) -> None:
    if name not in TWINS:
        raise ValueError(f"unknown twin {name!r}; the twins are: {', '.join(TWINS)}")


def simulate(name: str, seed: int = 0, **options: object) -> Bunch:
    """Simulate the twin ``name`` from ``seed``.

    Parameters
    ----------
    name : str
        A key of :data:`TWINS`.
    seed : int
        Non-negative seed; the same seed and options give the same twin.
    **options
        The twin's options (sizes and model switches, see
        :func:`twin_options`); the defaults reproduce the real dataset's size.

    Returns
    -------
    sklearn.utils.Bunch
        ``frame`` and the side tables, conformed to the dataset's schema;
        ``ground_truth`` (a Bunch); ``DESCR`` (the data card, markdown);
        ``source`` (``"simulated"``); ``citation``; ``seed``; ``name``;
        ``options`` (all options, defaults included).

    Raises
    ------
    ValueError
        For an unknown name, an unknown option or a bad option value; the
        message lists what is valid.

    Examples
    --------
    >>> simulate("german-credit", seed=3).frame["risk"].value_counts().index.tolist()
    ['good', 'bad']
    >>> simulate("cdnow", size=10)
    Traceback (most recent call last):
    ...
    ValueError: cdnow: unknown option(s) ['size']; valid options: ['num_customers']
    """
    _check_name(name)
    valid = twin_options(name)
    unknown = sorted(set(options) - set(valid))
    if unknown:
        raise ValueError(f"{name}: unknown option(s) {unknown}; valid options: {list(valid)}")
    return TWINS[name](seed=check_seed(seed), **options)


__all__ = ["TWINS", "Shop", "data_card", "simulate", "twin_options", "write_cards"]
