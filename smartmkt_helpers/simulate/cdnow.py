"""Twin of the CDNOW purchase log: a Pareto/NBD-like buy-till-you-die process.

The shop's customers, acquired in the first quarter of 1997, buy at their own
rate while alive and may churn for good each week, unobserved.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from smartmkt_helpers._checks import positive_int
from smartmkt_helpers.simulate._common import check_random_state, make_bunch, stream
from smartmkt_helpers.simulate.shop import SEGMENT_NAMES, Shop

NAME = "cdnow"
DEFAULT_NUM_CUSTOMERS = 23_570
START = pd.Timestamp("1997-01-01")
END = pd.Timestamp("1998-06-30")
NUM_DAYS = (END - START).days + 1
#: Customers are acquired (make their first purchase) in January, February
#: and March 1997, in these shares.
ACQUISITION_MONTHS = (("1997-01-01", 31), ("1997-02-01", 28), ("1997-03-01", 31))
ACQUISITION_MONTH_SHARES = np.array([0.333, 0.360, 0.307])
#: The shop's purchase rates and churn hazards, scaled to a music store.
RATE_SCALE = 1.4
CHURN_SCALE = 1.5
#: CDs per purchase: geometric with a success probability drawn per customer from Beta(a, b).
QUANTITY_BETA = (4.0, 4.0)
MAX_QUANTITY = 99
#: Price of one CD: median UNIT_PRICE x sqrt(spend level), log-normal per customer and per purchase.
UNIT_PRICE = 15.0
UNIT_PRICE_CUSTOMER_LOG_SD = 0.15
UNIT_PRICE_PURCHASE_LOG_SD = 0.25


def simulate_cdnow(random_state: int | None = 0, n_customers: int = DEFAULT_NUM_CUSTOMERS) -> Bunch:
    """Simulated twin of the CDNOW master purchase log.

    ``ground_truth.customers`` holds each customer's ``purchase_rate`` (per week),
    ``weekly_churn``, ``dropout_date``, ``alive_at_end``, ``mean_quantity`` and ``mean_amount``.
    """
    random_state = check_random_state(random_state)
    n = positive_int(n_customers, "n_customers")
    shop = Shop(random_state, n_customers=n)
    customers = shop.customers
    rng = stream(random_state, NAME, "life")
    day_weights = np.concatenate([
        np.full(days, share / days) for (_, days), share in zip(ACQUISITION_MONTHS, ACQUISITION_MONTH_SHARES)
    ])
    acquisition_day = np.sort(rng.choice(len(day_weights), size=n, p=day_weights / day_weights.sum()))
    rate = RATE_SCALE * customers["purchase_rate"].to_numpy()  # per week
    weekly_churn = np.minimum(CHURN_SCALE * customers["weekly_churn"].to_numpy(), 0.9)
    lifetime_days = rng.exponential(7 / -np.log1p(-weekly_churn))
    dropout_day = acquisition_day + lifetime_days
    alive_days = np.minimum(dropout_day, NUM_DAYS) - acquisition_day

    # Repeat purchases: a Poisson process while alive.
    repeats = rng.poisson(rate / 7 * alive_days)
    owner = np.concatenate([np.arange(n), np.repeat(np.arange(n), repeats)])
    offset = np.concatenate([np.zeros(n), rng.random(repeats.sum()) * np.repeat(alive_days, repeats)])
    day = acquisition_day[owner] + np.floor(offset).astype(np.int64)

    # Quantity and amount.
    rng = stream(random_state, NAME, "baskets")
    success = rng.beta(*QUANTITY_BETA, n)
    quantity = np.minimum(rng.geometric(success[owner]), MAX_QUANTITY)
    unit_median = (UNIT_PRICE * np.sqrt(customers["spend_level"].to_numpy())
                   * rng.lognormal(0, UNIT_PRICE_CUSTOMER_LOG_SD, n))
    amount = np.round(quantity * unit_median[owner] * rng.lognormal(0, UNIT_PRICE_PURCHASE_LOG_SD, len(owner)), 2)

    order = np.lexsort((day, owner))
    frame = pd.DataFrame({
        "customer_id": owner[order] + 1, "date": (START + pd.to_timedelta(day[order], unit="D")).to_numpy(),
        "quantity": quantity[order], "amount": amount[order],
    })
    mean_quantity = np.minimum(1 / success, MAX_QUANTITY)
    truth = pd.DataFrame({
        "customer_id": np.arange(1, n + 1, dtype=np.int32),
        "shop_customer_id": customers["customer_id"].to_numpy(),
        "segment": pd.Categorical(customers["segment"].astype(str), categories=list(SEGMENT_NAMES)),
        "acquisition_date": (START + pd.to_timedelta(acquisition_day, unit="D")).to_numpy(),
        "purchase_rate": rate, "weekly_churn": weekly_churn,
        "dropout_date": (START + pd.to_timedelta(np.minimum(dropout_day, 10 * NUM_DAYS), unit="D")).to_numpy(),
        "alive_at_end": dropout_day >= NUM_DAYS, "mean_quantity": mean_quantity,
        "mean_amount": mean_quantity * unit_median * np.exp(UNIT_PRICE_PURCHASE_LOG_SD**2 / 2),
    })
    parameters = pd.Series({
        "rate_scale": RATE_SCALE, "churn_scale": CHURN_SCALE,
        **{f"acquisition_share[{month[:7]}]": share
           for (month, _), share in zip(ACQUISITION_MONTHS, ACQUISITION_MONTH_SHARES)},
        "quantity_beta_a": QUANTITY_BETA[0], "quantity_beta_b": QUANTITY_BETA[1],
        "unit_price": UNIT_PRICE, "unit_price_customer_log_sd": UNIT_PRICE_CUSTOMER_LOG_SD,
        "unit_price_purchase_log_sd": UNIT_PRICE_PURCHASE_LOG_SD,
    })
    ground_truth = Bunch(customers=truth, parameters=parameters)
    return make_bunch(NAME, random_state, {"n_customers": n}, {"frame": frame}, ground_truth)
