"""Simulated twins of the course's datasets, made by one model of a shop.

Each real dataset of the course has a *simulated twin*: tables with the same
columns and dtypes (:data:`~smartmkt_helpers.data.SCHEMAS`), made by a known
generative model from a ``random_state``, with that model's ground truth, so
a chapter can run offline and measure regret, true uplift, recovered
segments and so on. ``"ad-impressions"`` and ``"card-transactions"`` have no
real counterpart.

:class:`Shop` is the common generator: the customers of the Hillstrom,
CDNOW, card-transaction and MovieLens twins are the shop's customers, so
one ``random_state`` tells one story. :func:`simulate` returns a twin as a
:class:`sklearn.utils.Bunch` with ``frame``, the side tables,
``ground_truth`` (never mixed into the tables), ``DESCR`` (its data card,
the Markdown file ``cards/<name>.md``), ``source``, ``citation``,
``random_state``, ``name`` and ``options``.

Examples
--------
>>> twin = simulate("hillstrom", random_state=0, n_customers=3_000)
>>> twin.frame.shape, twin.source
((3000, 12), 'simulated')
>>> sorted(twin.ground_truth.rows.columns)[:2]
['arm', 'churned']
>>> simulate("hillstrom", random_state=-1)
Traceback (most recent call last):
...
ValueError: random_state must be a non-negative integer or None, got -1
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

from sklearn.utils import Bunch

from smartmkt_helpers.data.schema import SCHEMAS as REAL_SCHEMAS
from smartmkt_helpers.simulate import ad_impressions, card_transactions
from smartmkt_helpers.simulate._common import check_random_state, data_card
from smartmkt_helpers.simulate.assistments import simulate_assistments
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
    "ad-impressions": ad_impressions.simulate_ad_impressions,
    "card-transactions": card_transactions.simulate_card_transactions,
}
#: Columns and dtypes of every twin's tables: the real datasets' schemas, and
#: those of the twins without a real counterpart.
SCHEMAS = {**REAL_SCHEMAS, "ad-impressions": ad_impressions.SCHEMA, "card-transactions": card_transactions.SCHEMA}


def twin_options(name: str) -> dict[str, object]:
    """The options of twin ``name`` (besides ``random_state``) and their defaults.

    Examples
    --------
    >>> twin_options("open-bandit")
    {'policy': 'random', 'n_rows': 10000}
    """
    if name not in TWINS:
        raise ValueError(f"unknown twin {name!r}; the twins are: {', '.join(TWINS)}")
    parameters = inspect.signature(TWINS[name]).parameters
    return {key: p.default for key, p in parameters.items() if key != "random_state"}


def simulate(name: str, random_state: int | None = 0, **options: object) -> Bunch:
    """Simulate the twin ``name``.

    Parameters
    ----------
    name : str
        A key of :data:`TWINS`.
    random_state : int or None, default 0
        Seed of the simulation; the same value and options give the same twin.
    **options
        The twin's options (sizes and model switches, see
        :func:`twin_options`); the defaults reproduce the real dataset's size.

    Returns
    -------
    sklearn.utils.Bunch
        ``frame`` and the side tables, conformed to the dataset's schema;
        ``ground_truth`` (a Bunch); ``DESCR`` (the data card, Markdown);
        ``source`` (``"simulated"``); ``citation``; ``random_state``;
        ``name``; ``options`` (all options, defaults included).

    Raises
    ------
    ValueError
        For an unknown name, an unknown option or a bad option value; the
        message lists what is valid.
    TypeError
        For a size that is not an integer.

    Examples
    --------
    >>> simulate("german-credit", random_state=3).frame["risk"].value_counts().index.tolist()
    ['good', 'bad']
    >>> simulate("cdnow", size=10)
    Traceback (most recent call last):
    ...
    ValueError: cdnow: unknown option(s) ['size']; valid options: ['n_customers']
    """
    valid = twin_options(name)
    unknown = sorted(set(options) - set(valid))
    if unknown:
        raise ValueError(f"{name}: unknown option(s) {unknown}; valid options: {list(valid)}")
    return TWINS[name](random_state=check_random_state(random_state), **options)


__all__ = ["SCHEMAS", "TWINS", "Shop", "data_card", "simulate", "twin_options"]
