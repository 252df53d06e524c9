"""Twin of MovieLens 100K: ratings from a known latent-factor model.

Users are shop customers (more often men); movie factors come from genres and
user factors from segments. Who rates what depends on popularity and on the
true score (missing not at random); ratings follow an ordered logit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from smartmkt_helpers._checks import positive_int
from smartmkt_helpers.data.schema import MOVIELENS_GENRES, MOVIELENS_OCCUPATIONS
from smartmkt_helpers.simulate._common import (
    check_random_state,
    choose_per_row,
    make_bunch,
    sigmoid,
    stream,
    zipf_weights,
)
from smartmkt_helpers.simulate.shop import SEGMENT_NAMES, SEGMENTS, Shop

NAME = "movielens-100k"
DEFAULT_SIZES = {"n_users": 943, "n_items": 1_682, "n_ratings": 100_000}
MINIMUM_RATINGS_PER_USER = 20
#: The ratings span 1997-09-20 to 1998-04-22, like MovieLens 100K's.
FIRST_RATING = pd.Timestamp("1997-09-20")
LAST_RATING = pd.Timestamp("1998-04-22 23:59:59")
#: Relative chance that a shop customer of each gender joins the rating site.
JOIN_WEIGHT = {"F": 0.32, "M": 1.0}
#: Occupation base shares (the schema's order), then age effects.
OCCUPATION_SHARES = np.array([0.084, 0.030, 0.008, 0.101, 0.071, 0.019, 0.034, 0.017, 0.008, 0.013, 0.054,
                              0.028, 0.010, 0.111, 0.070, 0.015, 0.013, 0.033, 0.208, 0.029, 0.048])
STUDENT_AGE_LIMIT, STUDENT_BOOST = 24, 4.0
RETIRED_AGE_LIMIT, RETIRED_BOOST = 60, 20.0
#: Share of movies in each genre (MOVIELENS_GENRES order); a movie with none gets one.
GENRE_SHARES = np.array([0.0, 0.135, 0.072, 0.023, 0.066, 0.27, 0.059, 0.027, 0.39, 0.012, 0.013, 0.05, 0.03,
                         0.033, 0.133, 0.054, 0.135, 0.038, 0.015])
#: Release years: most movies are recent; the rest spread over 1922-1992.
RECENT_YEARS = np.arange(1993, 1999)
RECENT_YEAR_SHARES = np.array([0.12, 0.17, 0.22, 0.25, 0.20, 0.04])
RECENT_SHARE = 0.72
OLDEST_YEAR = 1922

#: The rating model: score = GLOBAL_MEAN + user bias + item bias + p_u . q_i,
#: rating ~ ordered logit with these cut points.
NUM_FACTORS = 8
GLOBAL_MEAN = 0.0
USER_BIAS_SD = 0.6
ITEM_BIAS_SD = 0.7
USER_FACTOR_SD = 0.5
SEGMENT_FACTOR_SD = 0.5
ITEM_FACTOR_NOISE_SD = 0.35
GENRE_FACTOR_SD = 0.6
CUT_POINTS = np.array([-2.45, -0.95, 0.85, 3.0])
#: Selection: log-odds of rating a movie grow with popularity and with the true score.
POPULARITY_EXPONENT = 1.1
POPULARITY_OFFSET = 15.0
SELECTION_SCORE = 0.6
POPULARITY_BIAS_LINK = 0.8


def _raters(random_state: int, n_users: int) -> pd.DataFrame:
    """The first ``n_users`` shop customers who join the rating site."""
    size = 3 * n_users + 100
    while True:
        customers = Shop(random_state, n_customers=size).customers
        weight = customers["gender"].astype(str).map(JOIN_WEIGHT).to_numpy()
        joined = stream(random_state, NAME, "join").random(size) < weight
        if joined.sum() >= n_users:
            return customers.iloc[np.flatnonzero(joined)[:n_users]].reset_index(drop=True)
        size *= 2  # pragma: no cover


def _ratings_per_user(rng: np.random.Generator, activity: np.ndarray, n_items: int, total: int) -> np.ndarray:
    """At least 20 ratings each, the rest shared out by heavy-tailed activity, capped."""
    cap = n_items // 2
    counts = np.full(len(activity), MINIMUM_RATINGS_PER_USER)
    weights = activity / activity.sum()
    for _ in range(20):  # redistribute what the cap cuts off; converges in a few rounds
        remaining = total - counts.sum()
        if remaining == 0:
            break
        open_users = counts < cap
        share = np.where(open_users, weights, 0.0)
        counts = np.minimum(counts + rng.multinomial(remaining, share / share.sum()), cap)
    return counts


def simulate_movielens(
    random_state: int | None = 0, n_users: int = DEFAULT_SIZES["n_users"],
    n_items: int = DEFAULT_SIZES["n_items"], n_ratings: int = DEFAULT_SIZES["n_ratings"],
) -> Bunch:
    """Simulated twin of MovieLens 100K (at least 20 ratings per user).

    ``ground_truth`` holds ``rows`` (per rating: ``score``, ``expected_rating``),
    user and item parameters and factors, ``genre_preferences`` and
    ``expected_ratings`` (array users x items, row ``user_id - 1``, column ``item_id - 1``).
    """
    random_state = check_random_state(random_state)
    n_users = positive_int(n_users, "n_users")
    n_items = positive_int(n_items, "n_items", minimum=2 * MINIMUM_RATINGS_PER_USER)
    n_ratings = positive_int(n_ratings, "n_ratings", minimum=MINIMUM_RATINGS_PER_USER * n_users)
    if n_ratings > n_users * n_items // 2:
        raise ValueError(f"n_ratings must be at most {n_users * n_items // 2:,} (half the user-item pairs), "
                         f"got {n_ratings}")
    customers = _raters(random_state, n_users)
    users = _users_table(random_state, customers)
    items, genres = _items_table(random_state, n_items)

    # Latent factors.
    rng = stream(random_state, NAME, "factors")
    genre_factors = rng.normal(0, GENRE_FACTOR_SD, (len(MOVIELENS_GENRES), NUM_FACTORS))
    segment_factors = rng.normal(0, SEGMENT_FACTOR_SD, (len(SEGMENTS), NUM_FACTORS))
    segment = customers["segment"].cat.codes.to_numpy()
    user_factors = segment_factors[segment] + rng.normal(0, USER_FACTOR_SD, (n_users, NUM_FACTORS))
    genre_count = genres.sum(axis=1, keepdims=True)
    item_factors = genres @ genre_factors / np.sqrt(genre_count) + rng.normal(
        0, ITEM_FACTOR_NOISE_SD, (n_items, NUM_FACTORS)
    )
    user_bias = rng.normal(0, USER_BIAS_SD, n_users)
    item_bias = rng.normal(0, ITEM_BIAS_SD, n_items)
    score = GLOBAL_MEAN + user_bias[:, None] + item_bias[None, :] + user_factors @ item_factors.T
    expected_ratings = _expected_rating(score)

    # Popularity: Zipf ranks, ordered mostly by item bias (good movies are seen more).
    rank_key = POPULARITY_BIAS_LINK * item_bias / ITEM_BIAS_SD + rng.normal(size=n_items)
    popularity = np.empty(n_items)
    popularity[np.argsort(-rank_key)] = zipf_weights(n_items, POPULARITY_EXPONENT, POPULARITY_OFFSET)

    # Who rates what: Gumbel top-k sampling without replacement.
    rng = stream(random_state, NAME, "selection")
    activity = customers["purchase_rate"].to_numpy() ** 0.8 * rng.lognormal(0, 0.5, n_users)
    counts = _ratings_per_user(rng, activity, n_items, n_ratings)
    keys = np.log(popularity)[None, :] + SELECTION_SCORE * score + rng.gumbel(size=score.shape)
    ranking = np.argsort(-keys, axis=1)
    chosen = np.arange(n_items)[None, :] < counts[:, None]
    user_index = np.repeat(np.arange(n_users), counts)
    item_index = ranking[chosen]

    # Ratings and their times.
    rng = stream(random_state, NAME, "ratings")
    pair_score = score[user_index, item_index]
    at_most = sigmoid(CUT_POINTS[None, :] - pair_score[:, None])
    rating = 1 + (rng.random(len(pair_score))[:, None] > at_most).sum(axis=1)
    span = (LAST_RATING - FIRST_RATING).total_seconds()
    user_start = rng.random(n_users) ** 1.3 * span
    spread = rng.lognormal(np.log(2 * 86_400), 2.0, n_users)  # seconds
    offset = rng.exponential(spread[user_index])
    room = span - user_start[user_index]
    offset = np.where(offset < room, offset, rng.random(len(offset)) * room)  # late ones: uniform till the end
    seconds = user_start[user_index] + offset
    timestamp = FIRST_RATING.to_datetime64().astype("datetime64[s]") + seconds.astype("timedelta64[s]")

    order = np.lexsort((item_index, seconds, user_index))
    frame = pd.DataFrame({
        "user_id": user_index[order] + 1, "item_id": item_index[order] + 1, "rating": rating[order],
        "timestamp": timestamp[order],
    })
    user_ids = np.arange(1, n_users + 1)
    item_ids = np.arange(1, n_items + 1)
    factor_names = [f"factor_{k}" for k in range(NUM_FACTORS)]
    ground_truth = Bunch(
        rows=pd.DataFrame({
            "score": pair_score[order], "expected_rating": expected_ratings[user_index, item_index][order],
        }),
        user_parameters=pd.DataFrame({
            "user_id": user_ids, "shop_customer_id": customers["customer_id"].to_numpy(),
            "segment": pd.Categorical(customers["segment"].astype(str), categories=list(SEGMENT_NAMES)),
            "bias": user_bias,
        }),
        item_parameters=pd.DataFrame({"item_id": item_ids, "bias": item_bias, "popularity": popularity}),
        user_factors=pd.DataFrame(user_factors, index=pd.Index(user_ids, name="user_id"), columns=factor_names),
        item_factors=pd.DataFrame(item_factors, index=pd.Index(item_ids, name="item_id"), columns=factor_names),
        genre_preferences=pd.DataFrame(
            user_factors @ genre_factors.T, index=pd.Index(user_ids, name="user_id"), columns=list(MOVIELENS_GENRES)
        ),
        expected_ratings=expected_ratings, cut_points=CUT_POINTS.copy(), global_mean=GLOBAL_MEAN,
    )
    options = {"n_users": n_users, "n_items": n_items, "n_ratings": n_ratings}
    tables = {"frame": frame, "users": users, "movies": items}
    return make_bunch(NAME, random_state, options, tables, ground_truth)


def _expected_rating(score: np.ndarray) -> np.ndarray:
    """E[rating] under the ordered logit: 1 + sum over cut points of P(rating > cut)."""
    return 1 + sigmoid(score[..., None] - CUT_POINTS).sum(axis=-1)


def _users_table(random_state: int, customers: pd.DataFrame) -> pd.DataFrame:
    rng = stream(random_state, NAME, "users")
    n = len(customers)
    age = np.clip(customers["age"].to_numpy().astype(int) - 4, 7, 73)
    weights = np.tile(OCCUPATION_SHARES, (n, 1))
    student = MOVIELENS_OCCUPATIONS.index("student")
    retired = MOVIELENS_OCCUPATIONS.index("retired")
    weights[:, student] *= np.where(age < STUDENT_AGE_LIMIT, STUDENT_BOOST, 0.5)
    weights[:, retired] *= np.where(age >= RETIRED_AGE_LIMIT, RETIRED_BOOST, 0.2)
    occupation = choose_per_row(rng, weights)
    zip_code = pd.Series(rng.integers(1_000, 100_000, n)).astype(str).str.zfill(5)
    return pd.DataFrame({
        "user_id": np.arange(1, n + 1), "age": age, "gender": customers["gender"].astype(str).to_numpy(),
        "occupation": np.array(MOVIELENS_OCCUPATIONS)[occupation], "zip_code": zip_code.to_numpy(),
    })


def _items_table(random_state: int, n_items: int) -> tuple[pd.DataFrame, np.ndarray]:
    rng = stream(random_state, NAME, "items")
    genres = rng.random((n_items, len(MOVIELENS_GENRES))) < GENRE_SHARES
    none = ~genres.any(axis=1)
    fallback = rng.choice(len(MOVIELENS_GENRES), size=n_items, p=GENRE_SHARES / GENRE_SHARES.sum())
    genres[np.flatnonzero(none), fallback[none]] = True
    recent = rng.random(n_items) < RECENT_SHARE
    old_year = OLDEST_YEAR + np.floor((RECENT_YEARS[0] - OLDEST_YEAR) * rng.beta(2.5, 1.0, n_items))
    year = np.where(recent, rng.choice(RECENT_YEARS, n_items, p=RECENT_YEAR_SHARES), old_year).astype(int)
    # Recent movies carry a day of release; older ones, like MovieLens's, 1 January.
    day_of_year = np.where(year >= 1996, rng.integers(0, 365, n_items), 0)
    day_of_year = np.where(year == 1998, day_of_year % 100, day_of_year)
    release = pd.to_datetime(pd.Series(year).astype(str) + "-01-01") + pd.to_timedelta(day_of_year, unit="D")
    item_ids = np.arange(1, n_items + 1)
    items = pd.DataFrame({
        "item_id": item_ids,
        "title": "Item " + pd.Series(item_ids).astype(str) + " (" + pd.Series(year).astype(str) + ")",
        "release_date": release.to_numpy(), "imdb_url": "",
    })
    for index, genre in enumerate(MOVIELENS_GENRES):
        items[genre] = genres[:, index]
    return items, genres.astype(float)
