"""Card transactions of the shop's customers, with rare frauds of known patterns.

Legitimate payments follow each customer's profile (frequency, basket, merchant
categories, online share, hour, distance, travel). Compromised cards show card
testing (a burst of small online payments, far away) or account takeover (a few
large payments, mostly abroad, at night).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.types import CategoricalDtype
from sklearn.utils import Bunch

from smartmkt_helpers._checks import positive_int
from smartmkt_helpers.simulate._common import (
    SECONDS_PER_DAY,
    check_random_state,
    choose_per_row,
    make_bunch,
    stream,
)
from smartmkt_helpers.simulate.shop import CATEGORIES, SEGMENT_NAMES, Shop

NAME = "card-transactions"
DEFAULT_NUM_CUSTOMERS = 10_000
MERCHANT_CATEGORIES = ("grocery", "restaurants", "fuel", "apparel", "electronics", "home & garden",
                       "health & beauty", "entertainment", "travel", "digital goods")
#: Columns and dtypes of the table (there is no real dataset to share a schema with).
SCHEMA = {
    "frame": {
        "transaction_id": "int32", "customer_id": "int32", "timestamp": "datetime64[s]", "amount": "float64",
        "merchant_category": CategoricalDtype(list(MERCHANT_CATEGORIES)),
        "channel": CategoricalDtype(["online", "in-store"]), "hour": "int8",
        "distance_from_home_km": "float64", "is_foreign": "int8", "is_fraud": "int8",
    },
}
FRAUD_PATTERNS = ("none", "card testing", "account takeover")
#: Base share of each merchant category, and which shop categories raise it.
MERCHANT_SHARES = np.array([0.25, 0.15, 0.10, 0.08, 0.05, 0.07, 0.08, 0.07, 0.03, 0.12])
SHOP_TO_MERCHANT = {"womens apparel": "apparel", "mens apparel": "apparel", "shoes": "apparel",
                    "beauty": "health & beauty", "home": "home & garden", "electronics": "electronics",
                    "books & music": "digital goods", "toys & games": "entertainment"}
PREFERENCE_BOOST = 3.0
#: Median amount of each merchant category relative to the customer's usual basket.
CATEGORY_AMOUNT_FACTORS = np.array([0.8, 0.7, 1.0, 1.5, 3.0, 1.5, 0.8, 0.8, 5.0, 0.3])
BASKET_MEDIAN = 35.0
AMOUNT_LOG_SD = 0.7
#: Card use: transactions per active week = TRANSACTIONS_PER_WEEK x (session rate / its mean) ** 0.5 x gamma.
TRANSACTIONS_PER_WEEK = 0.59
ACTIVITY_SHAPE = 1.5
#: Share of online payments by customer channel; digital goods are always online.
ONLINE_SHARE = {"web": 0.45, "phone": 0.15, "multichannel": 0.30}
#: Usual shopping hour ~ N(13, 3) per customer; a payment's hour ~ N(usual, 3), wrapped.
USUAL_HOUR_MEAN, USUAL_HOUR_SD, HOUR_SD = 13.0, 3.0, 3.0
#: Distance from home (km): in-store log-normal around a radius that grows in rural areas;
#: online payments are located at home (a few km); travel is far and often abroad.
HOME_RADIUS_KM = {"urban": 3.0, "suburban": 6.0, "rural": 15.0}
DISTANCE_LOG_SD = 0.9
ONLINE_DISTANCE_KM = 2.0
TRAVEL_SHARE_MEAN = 0.015
TRAVEL_DISTANCE_LOG_MEDIAN, TRAVEL_DISTANCE_LOG_SD = np.log(800.0), 0.8
TRAVEL_FOREIGN_PROBABILITY = 0.7
#: Frauds: share of customers whose card is compromised, and each pattern's shape.
CARD_TESTING_SHARE = 0.0035
CARD_TESTING_BURST = (3, 12)  # payments per burst, inclusive
CARD_TESTING_AMOUNT = (0.5, 5.0)
CARD_TESTING_GAP_SECONDS = 90.0
ACCOUNT_TAKEOVER_SHARE = 0.0025
ACCOUNT_TAKEOVER_PAYMENTS = (1, 4)
ACCOUNT_TAKEOVER_AMOUNT_FACTOR = (5.0, 20.0)
ACCOUNT_TAKEOVER_CATEGORIES = ("electronics", "travel", "apparel")
ACCOUNT_TAKEOVER_HOURS = (0, 5)
FRAUD_DISTANCE_LOG_MEDIAN, FRAUD_DISTANCE_LOG_SD = np.log(3_000.0), 0.8
FRAUD_FOREIGN_PROBABILITY = {"card testing": 0.6, "account takeover": 0.85}
MAX_AMOUNT = 20_000.0


def _profiles(random_state: int, shop: Shop) -> pd.DataFrame:
    """Each customer's normal spending profile."""
    customers = shop.customers
    n = len(customers)
    rng = stream(random_state, NAME, "profiles")
    session_rate = customers["session_rate"].to_numpy()
    rate = (TRANSACTIONS_PER_WEEK * np.sqrt(session_rate / session_rate.mean())
            * rng.gamma(ACTIVITY_SHAPE, 1 / ACTIVITY_SHAPE, n))
    boost = np.zeros((n, len(MERCHANT_CATEGORIES)))
    for shop_index, shop_category in enumerate(CATEGORIES):
        boost[:, MERCHANT_CATEGORIES.index(SHOP_TO_MERCHANT[shop_category])] += shop.preferences[:, shop_index]
    mix = MERCHANT_SHARES * (1 + PREFERENCE_BOOST * boost) * rng.gamma(2.0, 0.5, (n, len(MERCHANT_CATEGORIES)))
    mix /= mix.sum(axis=1, keepdims=True)
    profile = pd.DataFrame({
        "customer_id": customers["customer_id"].to_numpy(),
        "segment": pd.Categorical(customers["segment"].astype(str), categories=list(SEGMENT_NAMES)),
        "transactions_per_week": rate,
        "median_basket": BASKET_MEDIAN * customers["spend_level"].to_numpy() * rng.lognormal(0, 0.3, n),
        "online_share": customers["channel"].astype(str).map(ONLINE_SHARE).to_numpy() * rng.beta(4, 4, n) * 2,
        "usual_hour": np.clip(rng.normal(USUAL_HOUR_MEAN, USUAL_HOUR_SD, n), 7, 21),
        "home_radius_km": customers["region"].astype(str).map(HOME_RADIUS_KM).to_numpy() * rng.lognormal(0, 0.3, n),
        "travel_share": rng.beta(1.0, 1.0 / TRAVEL_SHARE_MEAN - 1.0, n),
    })
    for index, category in enumerate(MERCHANT_CATEGORIES):
        profile[f"share_{category}"] = mix[:, index]
    return profile


def simulate_card_transactions(random_state: int | None = 0, n_customers: int = DEFAULT_NUM_CUSTOMERS) -> Bunch:
    """Card transactions of ``Shop(random_state)``'s customers over its period (about 10 each).

    ``ground_truth.rows`` holds ``fraud_pattern`` and ``incident_id`` (-1 if legitimate);
    ``ground_truth.customers`` each profile and ``compromised_by``.
    """
    random_state = check_random_state(random_state)
    n = positive_int(n_customers, "n_customers")
    shop = Shop(random_state, n_customers=n)
    customers = shop.customers
    profile = _profiles(random_state, shop)
    start_day = np.maximum(customers["signup_day"].to_numpy(), 0).astype(float)
    end_day = np.minimum(customers["churn_day"].to_numpy(), shop.n_days)
    active_days = np.clip(end_day - start_day, 0, None)

    # Legitimate payments.
    rng = stream(random_state, NAME, "legitimate")
    owner = np.repeat(np.arange(n), rng.poisson(profile["transactions_per_week"].to_numpy() / 7 * active_days))
    m = len(owner)
    day = np.floor(start_day[owner] + rng.random(m) * active_days[owner])
    hour = np.floor(profile["usual_hour"].to_numpy()[owner] + rng.normal(0, HOUR_SD, m)) % 24
    seconds = day * SECONDS_PER_DAY + hour * 3600 + rng.integers(0, 3600, m)
    category = choose_per_row(rng, profile.filter(like="share_").to_numpy()[owner])
    digital = category == MERCHANT_CATEGORIES.index("digital goods")
    online = digital | (rng.random(m) < profile["online_share"].to_numpy()[owner])
    amount = (profile["median_basket"].to_numpy()[owner] * CATEGORY_AMOUNT_FACTORS[category]
              * rng.lognormal(0, AMOUNT_LOG_SD, m))
    travelling = ~online & (rng.random(m) < profile["travel_share"].to_numpy()[owner])
    local_distance = np.where(
        online, rng.lognormal(np.log(ONLINE_DISTANCE_KM), 0.5, m),
        profile["home_radius_km"].to_numpy()[owner] * rng.lognormal(0, DISTANCE_LOG_SD, m),
    )
    travel_distance = rng.lognormal(TRAVEL_DISTANCE_LOG_MEDIAN, TRAVEL_DISTANCE_LOG_SD, m)
    distance = np.where(travelling, travel_distance, local_distance)
    foreign = travelling & (rng.random(m) < TRAVEL_FOREIGN_PROBABILITY)
    legitimate = pd.DataFrame({
        "customer_id": profile["customer_id"].to_numpy()[owner], "seconds": seconds, "amount": amount,
        "merchant_category": category, "online": online, "distance": distance, "foreign": foreign,
        "pattern": 0, "incident": -1,
    })

    # Frauds.
    rng = stream(random_state, NAME, "fraud")
    draw = rng.random(n)
    eligible = active_days > 1
    testing = eligible & (draw < CARD_TESTING_SHARE)
    takeover = eligible & (draw >= CARD_TESTING_SHARE) & (draw < CARD_TESTING_SHARE + ACCOUNT_TAKEOVER_SHARE)
    frauds = [_card_testing(rng, np.flatnonzero(testing), profile, start_day, active_days),
              _account_takeover(rng, np.flatnonzero(takeover), profile, start_day, active_days)]
    frauds[1]["incident"] += int(testing.sum())
    log = pd.concat([legitimate, *frauds], ignore_index=True)
    log = log.sort_values(["seconds", "customer_id"], kind="stable").reset_index(drop=True)

    seconds = np.floor(log["seconds"].to_numpy()).astype(np.int64)
    frame = pd.DataFrame({
        "transaction_id": np.arange(1, len(log) + 1), "customer_id": log["customer_id"].to_numpy(),
        "timestamp": shop.start.to_datetime64().astype("datetime64[s]") + seconds.astype("timedelta64[s]"),
        "amount": np.round(np.clip(log["amount"].to_numpy(), 0.01, MAX_AMOUNT), 2),
        "merchant_category": np.array(MERCHANT_CATEGORIES)[log["merchant_category"].to_numpy()],
        "channel": np.where(log["online"].to_numpy(), "online", "in-store"), "hour": (seconds // 3600) % 24,
        "distance_from_home_km": np.round(log["distance"].to_numpy(), 1),
        "is_foreign": log["foreign"].to_numpy().astype(int),
        "is_fraud": (log["pattern"].to_numpy() > 0).astype(int),
    })
    profile["compromised_by"] = pd.Categorical.from_codes(
        np.where(testing, 1, np.where(takeover, 2, 0)), categories=list(FRAUD_PATTERNS)
    )
    ground_truth = Bunch(
        rows=pd.DataFrame({
            "fraud_pattern": pd.Categorical.from_codes(log["pattern"].to_numpy(), categories=list(FRAUD_PATTERNS)),
            "incident_id": log["incident"].to_numpy(),
        }),
        customers=profile,
    )
    return make_bunch(NAME, random_state, {"n_customers": n}, {"frame": frame}, ground_truth, schema=SCHEMA)


def _card_testing(
    rng: np.random.Generator, victims: np.ndarray, profile: pd.DataFrame, start_day: np.ndarray, active_days: np.ndarray
) -> pd.DataFrame:
    """Bursts of small online payments, a minute or two apart, from far away."""
    low, high = CARD_TESTING_BURST
    size = rng.integers(low, high + 1, len(victims))
    incident = np.repeat(np.arange(len(victims)), size)
    victim = victims[incident]
    burst_start = (start_day[victims] + rng.random(len(victims)) * (active_days[victims] - 1)) * SECONDS_PER_DAY
    step = np.arange(len(incident)) - np.repeat(np.cumsum(size) - size, size)
    gaps = rng.exponential(CARD_TESTING_GAP_SECONDS, len(incident))
    seconds = burst_start[incident] + step * CARD_TESTING_GAP_SECONDS + gaps
    foreign = rng.random(len(victims)) < FRAUD_FOREIGN_PROBABILITY["card testing"]
    distance = rng.lognormal(FRAUD_DISTANCE_LOG_MEDIAN, FRAUD_DISTANCE_LOG_SD, len(victims))
    return pd.DataFrame({
        "customer_id": profile["customer_id"].to_numpy()[victim], "seconds": seconds,
        "amount": rng.uniform(*CARD_TESTING_AMOUNT, len(incident)),
        "merchant_category": MERCHANT_CATEGORIES.index("digital goods"), "online": True,
        "distance": distance[incident], "foreign": foreign[incident], "pattern": 1, "incident": incident,
    })


def _account_takeover(
    rng: np.random.Generator, victims: np.ndarray, profile: pd.DataFrame, start_day: np.ndarray, active_days: np.ndarray
) -> pd.DataFrame:
    """A few large payments at night, mostly abroad, within a day."""
    low, high = ACCOUNT_TAKEOVER_PAYMENTS
    size = rng.integers(low, high + 1, len(victims))
    incident = np.repeat(np.arange(len(victims)), size)
    victim = victims[incident]
    day = np.floor(start_day[victims] + rng.random(len(victims)) * (active_days[victims] - 1))
    hour = rng.uniform(*ACCOUNT_TAKEOVER_HOURS, len(incident))
    seconds = day[incident] * SECONDS_PER_DAY + hour * 3600
    categories = np.array([MERCHANT_CATEGORIES.index(name) for name in ACCOUNT_TAKEOVER_CATEGORIES])
    amount = profile["median_basket"].to_numpy()[victim] * rng.uniform(*ACCOUNT_TAKEOVER_AMOUNT_FACTOR, len(incident))
    foreign = rng.random(len(victims)) < FRAUD_FOREIGN_PROBABILITY["account takeover"]
    distance = rng.lognormal(FRAUD_DISTANCE_LOG_MEDIAN, FRAUD_DISTANCE_LOG_SD, len(victims))
    return pd.DataFrame({
        "customer_id": profile["customer_id"].to_numpy()[victim], "seconds": seconds, "amount": amount,
        "merchant_category": categories[rng.integers(0, len(categories), len(incident))],
        "online": rng.random(len(incident)) < 0.7, "distance": distance[incident],
        "foreign": foreign[incident], "pattern": 2, "incident": incident,
    })
