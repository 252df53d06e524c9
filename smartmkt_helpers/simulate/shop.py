"""The simulated shop: its customers, its products and its event log.

Each customer belongs to a named segment that sets the means of a gamma-
distributed purchase rate, price sensitivity, e-mail responsiveness, churn and
category preferences; :meth:`Shop.events` plays out sessions through the funnel.
Customers are drawn attribute by attribute from separate streams, so customer
17 of ``Shop(random_state=0)`` is the same person whatever ``n_customers``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.api.types import CategoricalDtype

from smartmkt_helpers._checks import positive_int
from smartmkt_helpers.simulate._common import (
    SECONDS_PER_DAY,
    check_random_state,
    choose_per_row,
    sigmoid,
    stream,
    zipf_weights,
)

#: Product categories, with their share of the catalogue and median list price.
CATEGORIES = ("womens apparel", "mens apparel", "shoes", "beauty",
              "home", "electronics", "books & music", "toys & games")
CATEGORY_SHARES = np.array([0.20, 0.15, 0.12, 0.10, 0.13, 0.10, 0.10, 0.10])
CATEGORY_MEDIAN_PRICES = np.array([45.0, 50.0, 70.0, 25.0, 35.0, 120.0, 15.0, 30.0])
#: Spread (standard deviation of the log) of list prices within a category.
PRICE_LOG_SD = 0.45
#: Exponent of the Zipf law of product popularity.
POPULARITY_EXPONENT = 1.0

#: Customer vocabularies. ``region`` and ``channel`` use the categories of
#: Hillstrom's ``zip_code`` and ``channel`` (in lower case).
GENDERS = ("F", "M")
REGIONS = ("urban", "suburban", "rural")
REGION_SHARES = np.array([0.40, 0.45, 0.15])
CUSTOMER_CHANNELS = ("web", "phone", "multichannel")

#: The marketing funnel, in order, and the channels an event can come through.
EVENT_TYPES = ("impression", "click", "view", "cart", "purchase")
EVENT_DTYPE = CategoricalDtype(list(EVENT_TYPES), ordered=True)
EVENT_CHANNELS = ("web", "app", "email", "phone")
EVENT_CHANNEL_DTYPE = CategoricalDtype(list(EVENT_CHANNELS))
#: Session channel mix (web, app, phone) for each customer channel; e-mail
#: sessions are drawn first, with probability EMAIL_SESSION_SHARE x responsiveness.
SESSION_CHANNEL_MIX = {
    "web": (0.60, 0.40, 0.00), "phone": (0.30, 0.10, 0.60), "multichannel": (0.40, 0.30, 0.30),
}
EMAIL_SESSION_SHARE = 0.5

#: Relative traffic by day of the week, Monday first: weekends are busier.
WEEKDAY_WEIGHTS = np.array([0.90, 0.85, 0.90, 0.95, 1.05, 1.30, 1.25])
#: Relative traffic by hour of the day: quiet at night, peaks at lunch and evening.
HOUR_WEIGHTS = np.array([0.3, 0.2, 0.15, 0.1, 0.1, 0.15, 0.3, 0.6, 0.9, 1.0, 1.0, 1.1,
                         1.3, 1.2, 1.0, 1.0, 1.0, 1.1, 1.3, 1.6, 1.8, 1.7, 1.2, 0.6])
#: Customers who signed up before the start did so within this many days.
SIGNUP_HISTORY_DAYS = 730

#: Funnel model (logits). See :meth:`Shop.events` for the formulas.
IMPRESSIONS_PER_SESSION = 2.5
CLICK_INTERCEPT = -2.0
CLICK_AFFINITY = 0.9
CLICK_QUALITY = 0.3
VIEW_INTERCEPT = 1.4
VIEW_QUALITY = 0.4
CART_INTERCEPT = -0.9
CART_AFFINITY = 0.5
CART_QUALITY = 0.4
PURCHASE_INTERCEPT = 0.2
DISCOUNT_LEVELS = np.array([0.1, 0.2, 0.3, 0.5])
DISCOUNT_PROBABILITY = {"email": 0.5, "other": 0.15}
#: Affinity is log(K x preference), floored so that a disliked category is not impossible.
AFFINITY_FLOOR = -3.0


@dataclass(frozen=True)
class Segment:
    """The means that one customer segment sets for its members.

    Rates are per week while active; ``purchase_rate_shape`` below 1 is heavy-tailed;
    ``category_tilt`` is a Dirichlet concentration in :data:`CATEGORIES` order;
    ``purchase_logit`` is the segment's term in the purchase stage of :meth:`Shop.events`.
    """

    name: str
    share: float
    age_mean: float
    age_sd: float
    female_share: float
    purchase_rate_mean: float
    purchase_rate_shape: float
    sessions_per_purchase: float
    price_sensitivity_mean: float
    weekly_churn: float
    email_responsiveness_mean: float
    spend_level: float
    purchase_logit: float
    category_tilt: tuple[float, ...]
    channel_shares: tuple[float, float, float]
    new_share: float


#: The shop's customer segments.
SEGMENTS = (Segment("loyal regulars", 0.15, 46, 12, 0.55, 0.08, 2.0, 5.0, 0.5, 0.003, 0.35, 1.3, 2.3,
                    (1.2, 1.0, 0.8, 0.8, 1.0, 0.8, 1.0, 0.6), (0.35, 0.40, 0.25), 0.05),
            Segment("bargain hunters", 0.25, 36, 11, 0.60, 0.035, 1.0, 8.0, 2.0, 0.008, 0.40, 0.7, -1.65,
                    (1.0, 0.8, 0.8, 1.0, 1.0, 0.6, 0.6, 0.8), (0.50, 0.40, 0.10), 0.15),
            Segment("occasional gift buyers", 0.20, 43, 14, 0.50, 0.012, 0.8, 6.0, 0.8, 0.004, 0.12, 1.5,
                    0.95, (0.6, 0.6, 0.4, 0.8, 0.6, 0.8, 1.0, 1.4), (0.40, 0.52, 0.08), 0.10),
            Segment("window shoppers", 0.15, 29, 8, 0.55, 0.010, 0.7, 25.0, 1.2, 0.010, 0.15, 0.8, -2.4,
                    (1.0, 1.0, 1.0, 0.8, 0.6, 1.0, 0.6, 0.4), (0.60, 0.30, 0.10), 0.20),
            Segment("new or at-risk", 0.25, 32, 10, 0.50, 0.020, 0.6, 10.0, 1.0, 0.040, 0.08, 0.9, -0.75,
                    (0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8), (0.45, 0.47, 0.08), 0.60))
SEGMENT_NAMES = tuple(segment.name for segment in SEGMENTS)
SEGMENT_DTYPE = CategoricalDtype(list(SEGMENT_NAMES))
#: Preference for one's own gender's apparel relative to the other's.
OWN_APPAREL_TILT = 4.0

DEFAULT_START = "2024-01-01"
DEFAULT_NUM_DAYS = 182


def _segment_table(field: str) -> np.ndarray:
    return np.array([getattr(segment, field) for segment in SEGMENTS], dtype=float)


class Shop:
    """A simulated shop: ``customers``, ``products`` and their :meth:`events`.

    ``customers`` holds the true ``segment``, demographics, rates per active week,
    ``signup_day`` (relative to ``start``), ``churn_day`` and one ``preference_<category>``
    column per category; ``products`` holds ``category``, ``price``, ``popularity``
    (sums to 1) and ``quality``. ``successors`` links each product to the next of
    its category; with ``session_order`` p > 0, sessions follow it with probability p.
    """

    def __init__(
        self, random_state: int | None = 0, n_customers: int = 10_000, n_products: int = 1_000,
        start: str = DEFAULT_START, n_days: int = DEFAULT_NUM_DAYS, session_order: float = 0.0,
    ) -> None:
        self.random_state = check_random_state(random_state)
        self.n_customers = positive_int(n_customers, "n_customers")
        self.n_products = positive_int(n_products, "n_products", minimum=len(CATEGORIES))
        self.n_days = positive_int(n_days, "n_days")
        try:
            self.start = pd.Timestamp(start).normalize()
        except (TypeError, ValueError):
            raise ValueError(f"start must be a date such as '2024-01-01', got {start!r}") from None
        if isinstance(session_order, bool) or not isinstance(session_order, (int, float, np.number)) \
                or not 0 <= session_order <= 1:
            raise ValueError(f"session_order must be a probability between 0 and 1, got {session_order!r}")
        self.session_order = float(session_order)
        self.customers, self.preferences = self._make_customers()
        self.products = self._make_products()
        self.successors = self._make_successors()
        self._events: pd.DataFrame | None = None

    def __repr__(self) -> str:
        order = f", session_order={self.session_order:g}" if self.session_order else ""
        return (f"Shop(random_state={self.random_state}, n_customers={self.n_customers}, "
                f"n_products={self.n_products}, start='{self.start.date()}', "
                f"n_days={self.n_days}{order})")

    def _rng(self, *names: str) -> np.random.Generator:
        return stream(self.random_state, "shop", *names)

    def _make_customers(self) -> tuple[pd.DataFrame, np.ndarray]:
        n = self.n_customers
        segment = self._rng("customers", "segment").choice(len(SEGMENTS), size=n, p=_segment_table("share"))

        def by_segment(field: str) -> np.ndarray:
            return _segment_table(field)[segment]

        age = self._rng("customers", "age").normal(by_segment("age_mean"), by_segment("age_sd"))
        female = self._rng("customers", "gender").random(n) < by_segment("female_share")
        region = self._rng("customers", "region").choice(len(REGIONS), size=n, p=REGION_SHARES)
        channel_shares = np.array([profile.channel_shares for profile in SEGMENTS])[segment]
        channel = choose_per_row(self._rng("customers", "channel"), channel_shares)

        shape = by_segment("purchase_rate_shape")
        purchase_rate = self._rng("customers", "purchase_rate").gamma(
            shape, by_segment("purchase_rate_mean") / shape
        )
        price_sensitivity = self._rng("customers", "price_sensitivity").gamma(
            4.0, by_segment("price_sensitivity_mean") / 4.0
        )
        responsiveness_mean = by_segment("email_responsiveness_mean")
        email_responsiveness = self._rng("customers", "email").beta(
            10 * responsiveness_mean, 10 * (1 - responsiveness_mean)
        )
        spend_level = by_segment("spend_level") * self._rng("customers", "spend").lognormal(0, 0.3, n)

        # Life cycle: some sign up during the period; churn is a constant weekly hazard.
        is_new = self._rng("customers", "is_new").random(n) < by_segment("new_share")
        signup_day = np.where(is_new, self._rng("customers", "new_signup").integers(0, self.n_days, n),
                              -self._rng("customers", "old_signup").integers(1, SIGNUP_HISTORY_DAYS, n))
        weekly_churn = np.minimum(
            by_segment("weekly_churn") * self._rng("customers", "churn").lognormal(0, 0.5, n), 0.5
        )
        daily_hazard = -np.log1p(-weekly_churn) / 7
        lifetime_days = self._rng("customers", "lifetime").exponential(1 / daily_hazard)
        churn_day = np.maximum(signup_day, 0) + lifetime_days

        # Category preferences: Dirichlet by segment, tilted towards one's own apparel.
        tilt = np.array([profile.category_tilt for profile in SEGMENTS])[segment]
        gamma_draws = self._rng("customers", "preferences").gamma(tilt)
        womens, mens = CATEGORIES.index("womens apparel"), CATEGORIES.index("mens apparel")
        gamma_draws[:, womens] *= np.where(female, OWN_APPAREL_TILT, 1.0)
        gamma_draws[:, mens] *= np.where(female, 1.0, OWN_APPAREL_TILT)
        preferences = gamma_draws / gamma_draws.sum(axis=1, keepdims=True)

        customers = pd.DataFrame({
            "customer_id": np.arange(1, n + 1, dtype=np.int32),
            "segment": pd.Categorical.from_codes(segment, dtype=SEGMENT_DTYPE),
            "age": np.clip(np.round(age), 16, 90).astype(np.int8),
            "gender": pd.Categorical.from_codes(np.where(female, 0, 1), categories=list(GENDERS)),
            "region": pd.Categorical.from_codes(region, categories=list(REGIONS)),
            "channel": pd.Categorical.from_codes(channel, categories=list(CUSTOMER_CHANNELS)),
            "purchase_rate": purchase_rate,
            "session_rate": purchase_rate * by_segment("sessions_per_purchase"),
            "price_sensitivity": price_sensitivity, "email_responsiveness": email_responsiveness,
            "spend_level": spend_level, "signup_day": signup_day.astype(np.int32),
            "weekly_churn": weekly_churn, "churn_day": churn_day, "churned": churn_day < self.n_days,
        })
        for index, category in enumerate(CATEGORIES):
            customers[f"preference_{category}"] = preferences[:, index]
        return customers, preferences

    def _make_products(self) -> pd.DataFrame:
        n = self.n_products
        rng = self._rng("products")
        category = np.sort(rng.choice(len(CATEGORIES), size=n, p=CATEGORY_SHARES))
        category[: len(CATEGORIES)] = np.arange(len(CATEGORIES))  # every category stocked
        category = np.sort(category)
        price_z = rng.normal(size=n)
        price = np.round(CATEGORY_MEDIAN_PRICES[category] * np.exp(PRICE_LOG_SD * price_z), 2)
        popularity = zipf_weights(n, POPULARITY_EXPONENT)[rng.permutation(n)]
        quality = 0.3 * price_z + np.sqrt(1 - 0.3**2) * rng.normal(size=n)
        return pd.DataFrame({"product_id": np.arange(1, n + 1, dtype=np.int32),
                             "category": pd.Categorical.from_codes(category, categories=list(CATEGORIES)),
                             "price": np.maximum(price, 0.99), "popularity": popularity, "quality": quality})

    def _make_successors(self) -> pd.Series:
        codes = self.products["category"].cat.codes.to_numpy()
        first = np.searchsorted(codes, codes)
        size = np.bincount(codes, minlength=len(CATEGORIES))[codes]
        successor = first + (np.arange(len(codes)) - first + 1) % size
        ids = self.products["product_id"].to_numpy()
        return pd.Series(ids[successor], index=pd.Index(ids, name="product_id"), name="successor_id")

    def events(self) -> pd.DataFrame:
        """The shop's event log over the period, one row per event, sorted by time (a cached copy).

        Sessions arrive as a Poisson process at each customer's ``session_rate`` while
        active (sign-up to churn), thinned by :data:`WEEKDAY_WEIGHTS` and placed in the
        day by :data:`HOUR_WEIGHTS`. A session comes through e-mail with probability
        ``EMAIL_SESSION_SHARE x email_responsiveness``, else through the customer's
        usual channels. It shows ``1 + Poisson(1.5)`` products: a category drawn from
        the customer's preferences, then a product by popularity (or, with probability
        ``session_order``, the successor of the one before); a product is on discount
        ``d`` with probability 0.15 (0.5 in e-mail sessions). With affinity
        ``a = log(8 x preference)``, quality ``q``, price sensitivity ``s`` and
        ``r = log(paid price / category median price)``, each stage happens only after
        the previous one, with probability

        - click: ``sigmoid(-2.0 + 0.9 a + 0.3 q + 2 s d)``
        - view (engaged product view): ``sigmoid(1.4 + 0.4 q)``
        - cart: ``sigmoid(-0.9 + 0.5 a + 0.4 q - s r + 3 s d)``
        - purchase: ``sigmoid(0.2 + segment logit - 0.5 s r + 2 s d)``

        The segment logits make a customer's purchases per active week match their
        ``purchase_rate`` on average (within about 10 % per segment). ``event`` is
        ordered (impression < click < view < cart < purchase); ``price`` is after discount.
        """
        if self._events is None:
            self._events = self._simulate_events()
        return self._events.copy()

    def _simulate_events(self) -> pd.DataFrame:
        customers = self.customers
        # Sessions: an inhomogeneous Poisson process by thinning a homogeneous one.
        active_start = np.maximum(customers["signup_day"].to_numpy(), 0).astype(float)
        active_end = np.minimum(customers["churn_day"].to_numpy(), self.n_days)
        active_days = np.clip(active_end - active_start, 0, None)
        peak_ratio = WEEKDAY_WEIGHTS.max() / WEEKDAY_WEIGHTS.mean()
        rng = self._rng("events", "sessions")
        expected = customers["session_rate"].to_numpy() / 7 * active_days * peak_ratio
        session_customer = np.repeat(np.arange(self.n_customers), rng.poisson(expected))
        day = np.floor(
            active_start[session_customer] + rng.random(len(session_customer)) * active_days[session_customer]
        ).astype(np.int64)
        weekday = (self.start.day_of_week + day) % 7
        keep = rng.random(len(day)) < WEEKDAY_WEIGHTS[weekday] / WEEKDAY_WEIGHTS.max()
        session_customer, day = session_customer[keep], day[keep]
        num_sessions = len(day)
        hour = rng.choice(24, size=num_sessions, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
        session_start = day * SECONDS_PER_DAY + hour * 3600 + rng.integers(0, 3600, num_sessions)
        order = np.lexsort((session_customer, session_start))
        session_customer, session_start = session_customer[order], session_start[order]

        # Session channel: e-mail first, else the customer's usual mix.
        rng = self._rng("events", "channels")
        responsiveness = customers["email_responsiveness"].to_numpy()[session_customer]
        via_email = rng.random(num_sessions) < EMAIL_SESSION_SHARE * responsiveness
        mix = np.array([SESSION_CHANNEL_MIX[name] for name in CUSTOMER_CHANNELS])
        usual = choose_per_row(rng, mix[customers["channel"].cat.codes.to_numpy()[session_customer]])
        non_email_channels = np.array([EVENT_CHANNELS.index(name) for name in ("web", "app", "phone")])
        session_channel = np.where(via_email, EVENT_CHANNELS.index("email"), non_email_channels[usual])

        # Impressions: category by preference, then product by popularity within it.
        rng = self._rng("events", "impressions")
        shown = 1 + rng.poisson(IMPRESSIONS_PER_SESSION - 1, num_sessions)
        session = np.repeat(np.arange(num_sessions), shown)
        slot = np.arange(len(session)) - np.repeat(np.cumsum(shown) - shown, shown)
        customer = session_customer[session]
        category = choose_per_row(rng, self.preferences[customer])
        product = self._draw_products(rng, category)
        if self.session_order > 0:
            product = self._follow_successors(product, slot)
            category = self.products["category"].cat.codes.to_numpy()[product]
        on_email = via_email[session]
        discounted = rng.random(len(session)) < np.where(
            on_email, DISCOUNT_PROBABILITY["email"], DISCOUNT_PROBABILITY["other"]
        )
        discount = np.where(discounted, rng.choice(DISCOUNT_LEVELS, len(session)), 0.0)
        price = np.round(self.products["price"].to_numpy()[product] * (1 - discount), 2)

        # The funnel.
        sensitivity = customers["price_sensitivity"].to_numpy()[customer]
        quality = self.products["quality"].to_numpy()[product]
        affinity = np.maximum(np.log(len(CATEGORIES) * self.preferences[customer, category]), AFFINITY_FLOOR)
        log_price_ratio = np.log(price / CATEGORY_MEDIAN_PRICES[category])
        segment_logit = _segment_table("purchase_logit")[customers["segment"].cat.codes.to_numpy()[customer]]
        stage_probability = np.stack([
            sigmoid(CLICK_INTERCEPT + CLICK_AFFINITY * affinity + CLICK_QUALITY * quality
                    + 2 * sensitivity * discount),
            sigmoid(VIEW_INTERCEPT + VIEW_QUALITY * quality),
            sigmoid(CART_INTERCEPT + CART_AFFINITY * affinity + CART_QUALITY * quality
                    - sensitivity * log_price_ratio + 3 * sensitivity * discount),
            sigmoid(PURCHASE_INTERCEPT + segment_logit - 0.5 * sensitivity * log_price_ratio
                    + 2 * sensitivity * discount),
        ], axis=1)
        rng = self._rng("events", "funnel")
        passed = np.cumprod(rng.random(stage_probability.shape) < stage_probability, axis=1)
        depth = passed.sum(axis=1)  # 0 = impression only, 4 = purchased

        # Seconds after the session start at which each stage happens.
        delays = np.stack([
            15 * slot + rng.integers(0, 15, len(slot)), 1 + rng.exponential(10, len(slot)),
            1 + rng.exponential(5, len(slot)), 5 + rng.exponential(60, len(slot)),
            10 + rng.exponential(180, len(slot)),
        ], axis=1)
        offset = np.cumsum(delays, axis=1).astype(np.int64)

        row_impression = np.repeat(np.arange(len(depth)), depth + 1)
        row_stage = np.arange(len(row_impression)) - np.repeat(np.cumsum(depth + 1) - depth - 1, depth + 1)
        seconds = session_start[session[row_impression]] + offset[row_impression, row_stage]
        order = np.lexsort((row_stage, customer[row_impression], seconds))
        row_impression, row_stage, seconds = row_impression[order], row_stage[order], seconds[order]

        timestamp = self.start.to_datetime64().astype("datetime64[s]") + seconds.astype("timedelta64[s]")
        return pd.DataFrame({
            "customer_id": customers["customer_id"].to_numpy()[customer[row_impression]],
            "product_id": self.products["product_id"].to_numpy()[product[row_impression]],
            "timestamp": timestamp, "event": pd.Categorical.from_codes(row_stage, dtype=EVENT_DTYPE),
            "price": price[row_impression],
            "channel": pd.Categorical.from_codes(
                session_channel[session[row_impression]], dtype=EVENT_CHANNEL_DTYPE
            ),
            "session_id": (session[row_impression] + 1).astype(np.int32),
        })

    def _follow_successors(self, product: np.ndarray, slot: np.ndarray) -> np.ndarray:
        """With probability ``session_order``, replace a product by the successor of the one shown before it."""
        follows = (slot > 0) & (self._rng("events", "order").random(len(slot)) < self.session_order)
        successor = self.successors.to_numpy() - 1  # ids are positions + 1
        product = product.copy()
        for position in range(1, int(slot.max(initial=0)) + 1):
            rows = np.flatnonzero(follows & (slot == position))
            product[rows] = successor[product[rows - 1]]
        return product

    def _draw_products(self, rng: np.random.Generator, category: np.ndarray) -> np.ndarray:
        """A product per drawn category, by popularity within it (category k owns [k, k + 1) of a cumulative scale)."""
        codes = self.products["category"].cat.codes.to_numpy()
        popularity = self.products["popularity"].to_numpy()
        within = popularity / np.bincount(codes, weights=popularity, minlength=len(CATEGORIES))[codes]
        scale = codes + pd.Series(within).groupby(codes).cumsum().to_numpy()
        index = np.searchsorted(scale, category + rng.random(len(category)), side="right")
        first = np.searchsorted(codes, np.arange(len(CATEGORIES)))
        last = np.searchsorted(codes, np.arange(len(CATEGORIES)), side="right") - 1
        return np.clip(index, first[category], last[category])
