"""Simulated twins of the course's datasets, made by one model of a shop.

Each twin has the real dataset's columns and dtypes, is made from a
``random_state`` by a known model and carries that model's ``ground_truth``,
so a chapter can run offline and measure regret, true uplift and the like.
The customers of several twins are those of one :class:`Shop`.

>>> twin = simulate("hillstrom", random_state=0, n_customers=3_000)
>>> twin.frame.shape, twin.source
((3000, 12), 'simulated')
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
    "movielens-100k": simulate_movielens, "hillstrom": simulate_hillstrom,
    "open-bandit": simulate_open_bandit, "german-credit": simulate_german_credit, "cdnow": simulate_cdnow,
    "assistments-2009": simulate_assistments, "ad-impressions": ad_impressions.simulate_ad_impressions,
    "card-transactions": card_transactions.simulate_card_transactions,
}
#: Columns and dtypes of every twin's tables: the real datasets' schemas, and
#: those of the twins without a real counterpart.
SCHEMAS = {**REAL_SCHEMAS, "ad-impressions": ad_impressions.SCHEMA, "card-transactions": card_transactions.SCHEMA}


def twin_options(name: str) -> dict[str, object]:
    """The options of twin ``name`` (besides ``random_state``) and their defaults."""
    if name not in TWINS:
        raise ValueError(f"unknown twin {name!r}; the twins are: {', '.join(TWINS)}")
    parameters = inspect.signature(TWINS[name]).parameters
    return {key: p.default for key, p in parameters.items() if key != "random_state"}


def simulate(name: str, random_state: int | None = 0, **options: object) -> Bunch:
    """Simulate the twin ``name``; the same ``random_state`` and options give the same twin.

    The default options reproduce the real dataset's size. Returns a Bunch:
    ``frame`` and the side tables (conformed to the schema), ``ground_truth``,
    ``DESCR`` (the data card), ``source`` (``"simulated"``), ``citation``,
    ``random_state``, ``name`` and ``options``. Raises ValueError for an unknown
    name or option, or a bad value, listing what is valid.
    """
    valid = twin_options(name)
    unknown = sorted(set(options) - set(valid))
    if unknown:
        raise ValueError(f"{name}: unknown option(s) {unknown}; valid options: {list(valid)}")
    return TWINS[name](random_state=check_random_state(random_state), **options)


__all__ = ["SCHEMAS", "TWINS", "Shop", "data_card", "simulate", "twin_options"]
