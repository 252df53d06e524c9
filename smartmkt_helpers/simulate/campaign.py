"""An e-mail campaign played out on the simulated shop, with its true effect (chapter 8).

- A customer active at the end of the shop's period buys on their own with
  probability ``p0 = 1 - exp(-purchase_rate x weeks)``; a churned one at
  ``DORMANT_FACTOR`` of that rate.
- An e-mail makes a non-buyer buy with probability
  ``EMAIL_EFFECT x email_responsiveness x relevance`` (halved if churned), with
  ``relevance = min((8 x preference for the featured category) ** 0.5, RELEVANCE_CAP)``.
- It cancels a would-be purchase with probability
  ``ANNOYANCE x (1 - email_responsiveness) ** 4`` (a "sleeping dog").
- A purchase is worth ``BASKET_VALUE x spend_level`` times a log-normal factor with mean 1.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from smartmkt_helpers.simulate._common import stream
from smartmkt_helpers.simulate.shop import CATEGORIES, Shop

__all__ = ["simulate_campaign"]

#: Length of the period after the send over which purchases count, in days.
WINDOW_DAYS = 14
#: Purchase rate of a churned customer, relative to their former rate.
DORMANT_FACTOR = 0.1
#: Probability that a fully responsive customer with average taste buys because of the e-mail.
EMAIL_EFFECT = 0.12
#: The e-mail effect on a churned customer, relative to an active one.
WIN_BACK_FACTOR = 0.5
#: Largest relevance of a featured category (a strong fan).
RELEVANCE_CAP = 2.0
#: Probability that an e-mail cancels a purchase of a customer with responsiveness 0.
ANNOYANCE = 0.3
#: Mean value of a purchase at spend level 1, in currency units.
BASKET_VALUE = 60.0
#: Spread (standard deviation of the log) of the purchase value.
BASKET_LOG_SD = 0.5


def _featured(featured_category: Any, n: int) -> np.ndarray:
    names = np.broadcast_to(np.asarray(featured_category, dtype=object), (n,)) \
        if np.ndim(featured_category) == 0 else np.asarray(featured_category, dtype=object)
    if names.shape != (n,):
        raise ValueError(f"featured_category must be one name or one per customer ({n}), got shape {names.shape}")
    unknown = sorted({str(name) for name in names} - set(CATEGORIES))
    if unknown:
        raise ValueError(f"unknown featured_category {unknown}; categories are {list(CATEGORIES)}")
    lookup = {name: index for index, name in enumerate(CATEGORIES)}
    return np.array([lookup[name] for name in names], dtype=int) if n else np.zeros(0, int)


def simulate_campaign(shop: Shop, contacted: Any, featured_category: Any, *, random_state: int = 0,
                      window_days: int = WINDOW_DAYS) -> Bunch:
    """Outcomes of an e-mail sent the day after the shop's period to the ``contacted`` customers.

    ``featured_category`` is one category or one per customer. ``frame`` holds
    ``purchased`` and ``revenue`` per customer; ``truth`` the purchase probability
    and expected revenue with and without the e-mail, and ``revenue_uplift``.
    """
    if not isinstance(shop, Shop):
        raise TypeError(f"shop must be a smartmkt_helpers.simulate.Shop, got {type(shop).__name__}")
    customers = shop.customers
    n = len(customers)
    contacted = np.asarray(contacted)
    if contacted.shape != (n,):
        raise ValueError(f"contacted must have one entry per customer ({n}), got shape {contacted.shape}")
    if contacted.dtype != bool:
        if not np.isin(contacted, (0, 1)).all():
            raise ValueError("contacted must be booleans (or 0/1), one per customer")
        contacted = contacted.astype(bool)
    if int(window_days) != window_days or window_days < 1:
        raise ValueError(f"window_days must be a positive integer, got {window_days!r}")
    category = _featured(featured_category, n)

    weeks = window_days / 7
    churned = customers["churn_day"].to_numpy() < shop.n_days
    rate = customers["purchase_rate"].to_numpy() * np.where(churned, DORMANT_FACTOR, 1.0)
    p_organic = 1 - np.exp(-rate * weeks)
    responsiveness = customers["email_responsiveness"].to_numpy()
    preference = shop.preferences[np.arange(n), category]
    relevance = np.minimum(np.sqrt(len(CATEGORIES) * preference), RELEVANCE_CAP)
    p_persuaded = EMAIL_EFFECT * responsiveness * relevance * np.where(churned, WIN_BACK_FACTOR, 1.0)
    p_annoyed = ANNOYANCE * (1 - responsiveness) ** 4
    p_contacted = p_organic * (1 - p_annoyed) + (1 - p_organic) * p_persuaded
    basket = BASKET_VALUE * customers["spend_level"].to_numpy()

    rng = stream(random_state, "campaign", "outcomes")
    p_observed = np.where(contacted, p_contacted, p_organic)
    purchased = rng.random(n) < p_observed
    noise = rng.lognormal(-BASKET_LOG_SD**2 / 2, BASKET_LOG_SD, n)
    revenue = np.where(purchased, np.round(basket * noise, 2), 0.0)

    frame = pd.DataFrame({
        "customer_id": customers["customer_id"].to_numpy(), "contacted": contacted,
        "featured_category": pd.Categorical.from_codes(category, categories=list(CATEGORIES)),
        "purchased": purchased.astype(np.int8), "revenue": revenue,
    })
    truth = pd.DataFrame({
        "customer_id": frame["customer_id"], "p_purchase_contacted": p_contacted,
        "p_purchase_not_contacted": p_organic, "expected_revenue_contacted": p_contacted * basket,
        "expected_revenue_not_contacted": p_organic * basket,
        "revenue_uplift": (p_contacted - p_organic) * basket,
    })
    return Bunch(frame=frame, truth=truth, window_days=int(window_days), random_state=random_state)
