"""Twin of Hillstrom's e-mail test: a randomised campaign with known uplift.

The customers are the shop's buyers of the past year, split into three equal
random arms; visit, conversion and spend follow a logistic model in which each
e-mail's effect differs from customer to customer (see the data card).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm
from sklearn.utils import Bunch

from smartmkt_helpers._checks import positive_int
from smartmkt_helpers.data.schema import HILLSTROM_ARMS, HILLSTROM_HISTORY_SEGMENTS
from smartmkt_helpers.simulate._common import check_random_state, make_bunch, sigmoid, stream
from smartmkt_helpers.simulate.shop import DEFAULT_NUM_DAYS, SEGMENT_NAMES, Shop

NAME = "hillstrom"
DEFAULT_NUM_CUSTOMERS = 64_000
WEEKS_PER_YEAR = 52.0
WEEKS_PER_MONTH = 52.0 / 12
#: Lower edges of Hillstrom's spend-history bands, in dollars.
HISTORY_BAND_EDGES = np.array([0, 100, 200, 350, 500, 750, 1000])
#: Smallest and largest spend in the real data, kept as the twin's bounds.
MINIMUM_HISTORY = 29.99
SPEND_BOUNDS = (29.99, 499.0)
#: Mean basket value (dollars) of a customer with spend level 1.
BASKET_VALUE = 85.0
#: Gamma shape of one basket's value (smaller: more variable).
BASKET_SHAPE = 2.5
ZIP_CODES = {"urban": "Urban", "suburban": "Surburban", "rural": "Rural"}
CHANNELS = {"web": "Web", "phone": "Phone", "multichannel": "Multichannel"}

#: Visit model: logit(P(visit | no e-mail)) = VISIT_INTERCEPT + sum of terms;
#: each e-mail adds its own effect (see the data card).
VISIT_INTERCEPT = -2.36
VISIT_HISTORY = 0.25  # per log(history / 150)
VISIT_RECENCY = -0.06  # per month since the last purchase, centred at 6
VISIT_RESPONSIVENESS = 1.5  # per unit of e-mail responsiveness, centred at 0.25
VISIT_CHURNED = -0.8
VISIT_MULTICHANNEL = 0.2
VISIT_SEGMENT = {"loyal regulars": 0.3, "bargain hunters": 0.1, "occasional gift buyers": -0.2,
                 "window shoppers": 0.2, "new or at-risk": -0.1}
#: Effect of each e-mail on the visit logit: a base, a bonus when the customer
#: bought that line of merchandise, a slope in responsiveness, a segment term;
#: the whole effect is scaled down for customers who have churned.
EMAIL_BASE = {"mens": 0.17, "womens": -0.15}
EMAIL_MATCH_BONUS = 0.45
EMAIL_RESPONSIVENESS = 2.0
EMAIL_SEGMENT = {"loyal regulars": 0.1, "bargain hunters": 0.3, "occasional gift buyers": 0.0,
                 "window shoppers": 0.15, "new or at-risk": -0.2}
EMAIL_CHURNED_FACTOR = 0.3
#: Conversion model: logit(P(buy | visit)) = CONVERSION_INTERCEPT + terms.
CONVERSION_INTERCEPT = -2.72
CONVERSION_HISTORY = 0.3
CONVERSION_PRICE_SENSITIVITY = -0.3
CONVERSION_EMAIL = {"none": 0.0, "mens": 0.22, "womens": 0.05}
#: Spend given a purchase: log-normal around SPEND_MEDIAN x spend level.
SPEND_MEDIAN = 80.0
SPEND_LOG_SD = 0.6
ARM_KEYS = ("mens", "womens", "none")  # in the order of HILLSTROM_ARMS


def _shop_buyers(random_state: int, n_customers: int) -> pd.DataFrame:
    """The first ``n_customers`` shop customers who bought in the past year (probability ``1 - exp(-52 r)``)."""
    size = int(n_customers * 2.2) + 1_000
    while True:
        shop = Shop(random_state, n_customers=size)
        rate = shop.customers["purchase_rate"].to_numpy()
        bought = stream(random_state, NAME, "selection").random(size) < -np.expm1(-WEEKS_PER_YEAR * rate)
        if bought.sum() >= n_customers:
            keep = np.flatnonzero(bought)[:n_customers]
            return shop.customers.iloc[keep].reset_index(drop=True)
        size *= 2  # pragma: no cover - the first shop is large enough in practice


def simulate_hillstrom(random_state: int | None = 0, n_customers: int = DEFAULT_NUM_CUSTOMERS) -> Bunch:
    """Simulated twin of the Hillstrom e-mail test.

    ``ground_truth.rows`` holds, per customer, ``p_visit_<arm>``, ``p_conversion_<arm>``,
    the uplifts of each e-mail and ``expected_spend``; ``ground_truth.coefficients``
    the model's constants.
    """
    random_state = check_random_state(random_state)
    n_customers = positive_int(n_customers, "n_customers", minimum=3)
    customers = _shop_buyers(random_state, n_customers)
    n = n_customers
    rng = stream(random_state, NAME, "features")
    rate = np.maximum(customers["purchase_rate"].to_numpy(), 1e-4)
    segment_names = customers["segment"].astype(str).to_numpy()
    campaign_day = DEFAULT_NUM_DAYS  # the campaign runs at the end of the shop's period
    churn_day = customers["churn_day"].to_numpy()
    churned = churn_day < campaign_day

    # Recency: weeks since the last purchase, a truncated exponential starting at churn.
    weeks_since_churn = np.clip((campaign_day - churn_day) / 7, 0, WEEKS_PER_YEAR - 1)
    window = WEEKS_PER_YEAR - weeks_since_churn
    gap = -np.log1p(rng.random(n) * np.expm1(-rate * window)) / rate
    recency_weeks = weeks_since_churn + gap
    recency = np.clip(np.ceil(recency_weeks / WEEKS_PER_MONTH), 1, 12).astype(int)

    # History: the value of the purchases of the past year (at least the last one).
    purchases = 1 + rng.poisson(rate * np.maximum(WEEKS_PER_YEAR - recency_weeks, 0))
    basket_scale = BASKET_VALUE * customers["spend_level"].to_numpy() / BASKET_SHAPE
    history = np.maximum(np.round(rng.gamma(BASKET_SHAPE * purchases, basket_scale), 2), MINIMUM_HISTORY)
    band = np.searchsorted(HISTORY_BAND_EDGES, history, side="right") - 1

    # Lines of merchandise bought: mens or womens by preference, both for some repeat buyers.
    womens_preference = customers["preference_womens apparel"].to_numpy()
    mens_preference = customers["preference_mens apparel"].to_numpy()
    bought_mens = rng.random(n) < mens_preference / (mens_preference + womens_preference)
    both = rng.random(n) < np.minimum(0.03 + 0.04 * (purchases - 1), 0.5)
    mens = bought_mens | both
    womens = ~bought_mens | both
    newbie = customers["signup_day"].to_numpy() >= campaign_day - 365

    # The true model.
    responsiveness = customers["email_responsiveness"].to_numpy()
    log_history = np.log(history / 150)
    baseline_logit = (VISIT_INTERCEPT + VISIT_HISTORY * log_history + VISIT_RECENCY * (recency - 6)
                      + VISIT_RESPONSIVENESS * (responsiveness - 0.25) + VISIT_CHURNED * churned
                      + VISIT_MULTICHANNEL * (customers["channel"].to_numpy() == "multichannel")
                      + pd.Series(segment_names).map(VISIT_SEGMENT).to_numpy())
    email_common = (EMAIL_RESPONSIVENESS * (responsiveness - 0.25)
                    + pd.Series(segment_names).map(EMAIL_SEGMENT).to_numpy())
    churn_factor = np.where(churned, EMAIL_CHURNED_FACTOR, 1.0)
    visit_logit = {
        "none": baseline_logit,
        "mens": baseline_logit + churn_factor * (EMAIL_BASE["mens"] + EMAIL_MATCH_BONUS * mens + email_common),
        "womens": baseline_logit
        + churn_factor * (EMAIL_BASE["womens"] + EMAIL_MATCH_BONUS * womens + email_common),
    }
    conversion_base = (CONVERSION_INTERCEPT + CONVERSION_HISTORY * log_history
                       + CONVERSION_PRICE_SENSITIVITY * customers["price_sensitivity"].to_numpy())
    p_visit = {arm: sigmoid(visit_logit[arm]) for arm in ARM_KEYS}
    p_buy_given_visit = {arm: sigmoid(conversion_base + CONVERSION_EMAIL[arm]) for arm in ARM_KEYS}
    p_conversion = {arm: p_visit[arm] * p_buy_given_visit[arm] for arm in ARM_KEYS}
    spend_median = SPEND_MEDIAN * customers["spend_level"].to_numpy()
    lower, upper = SPEND_BOUNDS
    expected_spend = _clipped_lognormal_mean(spend_median, SPEND_LOG_SD, lower, upper)

    # Randomised thirds, then outcomes.
    rng = stream(random_state, NAME, "assignment")
    arm = rng.permutation(np.arange(n) % 3)
    arm_key = np.array(ARM_KEYS)[arm]
    p_visit_assigned = np.choose(arm, [p_visit[key] for key in ARM_KEYS])
    p_buy_assigned = np.choose(arm, [p_buy_given_visit[key] for key in ARM_KEYS])
    rng = stream(random_state, NAME, "outcomes")
    visit = rng.random(n) < p_visit_assigned
    conversion = visit & (rng.random(n) < p_buy_assigned)
    spend = np.where(
        conversion, np.round(np.clip(spend_median * rng.lognormal(0, SPEND_LOG_SD, n), lower, upper), 2), 0.0
    )

    frame = pd.DataFrame({
        "recency": recency, "history_segment": np.array(HILLSTROM_HISTORY_SEGMENTS)[band], "history": history,
        "mens": mens.astype(int), "womens": womens.astype(int),
        "zip_code": customers["region"].astype(str).map(ZIP_CODES).to_numpy(), "newbie": newbie.astype(int),
        "channel": customers["channel"].astype(str).map(CHANNELS).to_numpy(),
        "segment": np.array(HILLSTROM_ARMS)[arm], "visit": visit.astype(int),
        "conversion": conversion.astype(int), "spend": spend,
    })
    rows = pd.DataFrame({
        "customer_id": customers["customer_id"].to_numpy(),
        "customer_segment": pd.Categorical(segment_names, categories=list(SEGMENT_NAMES)), "arm": arm_key,
        **{f"p_visit_{key}": p_visit[key] for key in ARM_KEYS},
        **{f"p_conversion_{key}": p_conversion[key] for key in ARM_KEYS},
        "uplift_visit_mens": p_visit["mens"] - p_visit["none"],
        "uplift_visit_womens": p_visit["womens"] - p_visit["none"],
        "uplift_conversion_mens": p_conversion["mens"] - p_conversion["none"],
        "uplift_conversion_womens": p_conversion["womens"] - p_conversion["none"],
        "expected_spend": expected_spend, "churned": churned, "email_responsiveness": responsiveness,
    })
    coefficients = pd.Series({
        "visit_intercept": VISIT_INTERCEPT, "visit_log_history": VISIT_HISTORY,
        "visit_recency": VISIT_RECENCY, "visit_responsiveness": VISIT_RESPONSIVENESS,
        "visit_churned": VISIT_CHURNED, "visit_multichannel": VISIT_MULTICHANNEL,
        **{f"visit_segment[{name}]": value for name, value in VISIT_SEGMENT.items()},
        **{f"email_base[{arm}]": value for arm, value in EMAIL_BASE.items()},
        "email_match_bonus": EMAIL_MATCH_BONUS, "email_responsiveness": EMAIL_RESPONSIVENESS,
        **{f"email_segment[{name}]": value for name, value in EMAIL_SEGMENT.items()},
        "email_churned_factor": EMAIL_CHURNED_FACTOR,
        "conversion_intercept": CONVERSION_INTERCEPT, "conversion_log_history": CONVERSION_HISTORY,
        "conversion_price_sensitivity": CONVERSION_PRICE_SENSITIVITY,
        **{f"conversion_email[{arm}]": value for arm, value in CONVERSION_EMAIL.items()},
    })
    ground_truth = Bunch(rows=rows, coefficients=coefficients)
    return make_bunch(NAME, random_state, {"n_customers": n}, {"frame": frame}, ground_truth)


def _clipped_lognormal_mean(median: np.ndarray, log_sd: float, lower: float, upper: float) -> np.ndarray:
    """E[clip(X, lower, upper)] for X log-normal with the given median and log-sd."""
    mu = np.log(median)
    a = (np.log(lower) - mu) / log_sd
    b = (np.log(upper) - mu) / log_sd
    inside = np.exp(mu + log_sd**2 / 2) * (norm.cdf(b - log_sd) - norm.cdf(a - log_sd))
    return lower * norm.cdf(a) + inside + upper * norm.sf(b)
