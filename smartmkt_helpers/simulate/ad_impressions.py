"""A Criteo-like log of ad impressions with a known click-through function.

No real counterpart (Criteo's terms forbid redistribution): heavy-tailed,
sometimes missing counts, long-tailed hashed tokens, a daily rhythm. The click
logit is a bias, token weights, log-count coefficients and a few
factorisation-machine interactions; each row also carries the highest competing bid.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from smartmkt_helpers._checks import positive_int
from smartmkt_helpers.simulate._common import (
    check_number,
    check_random_state,
    hashed_tokens,
    make_bunch,
    sigmoid,
    stream,
    zipf_weights,
)

NAME = "ad-impressions"
DEFAULT_NUM_ROWS = 100_000
NUMERIC_COLUMNS = ("I1", "I2", "I3", "I4", "I5")
CATEGORICAL_COLUMNS = tuple(f"C{i}" for i in range(1, 11))
#: Columns and dtypes of the log (there is no real dataset to share a schema with).
SCHEMA = {"frame": {
              "click": "int8", **{column: "float64" for column in NUMERIC_COLUMNS},
              **{column: "str" for column in CATEGORICAL_COLUMNS}, "hour": "int8", "market_price": "float64",
          }}
#: Number of distinct tokens of each categorical column, and the Zipf exponent of their frequencies.
CARDINALITIES = (3, 7, 12, 25, 60, 120, 250, 500, 800, 1_000)
TOKEN_FREQUENCY_EXPONENT = 1.1
#: Standard deviation of the token weights of each column (the first columns matter most).
TOKEN_WEIGHT_SD = (0.8, 0.6, 0.5, 0.4, 0.3, 0.25, 0.2, 0.15, 0.1, 0.1)
#: Numeric counts: negative binomial with these means, this dispersion and these shares missing.
NUMERIC_MEANS = (3.0, 20.0, 150.0, 1.0, 8.0)
NUMERIC_DISPERSION = 0.5
NUMERIC_MISSING = (0.0, 0.05, 0.2, 0.4, 0.1)
#: Coefficient of log1p(count) in the click logit; a missing count contributes nothing.
NUMERIC_COEFFICIENTS = (0.30, -0.20, 0.15, 0.35, -0.25)
#: The click logit's bias, chosen for a click rate of about 3.5 %.
BIAS = -4.1
#: Factorisation-machine interactions: pairs of columns whose tokens carry
#: latent vectors; the term is interaction_scale x <v_a, v_b>.
INTERACTION_PAIRS = (("C1", "C4"), ("C2", "C7"), ("C3", "C9"))
NUM_FACTORS = 4
FACTOR_SD = 0.34
DEFAULT_INTERACTION_SCALE = 1.0
MAX_INTERACTION_SCALE = 10.0
#: Impressions by hour of the day (evening peak).
HOUR_WEIGHTS = np.array([0.4, 0.25, 0.2, 0.15, 0.15, 0.25, 0.5, 0.8, 1.0, 1.05, 1.1, 1.15,
                         1.25, 1.2, 1.1, 1.1, 1.15, 1.3, 1.5, 1.7, 1.8, 1.6, 1.2, 0.7])
#: Highest competing bid (CPM, currency per 1,000 impressions): log-normal whose
#: log-median rises with the click logit, since rival bidders value clicks too.
MARKET_PRICE_LOG_MEDIAN = 0.3
MARKET_PRICE_LOGIT_SLOPE = 0.5
MARKET_PRICE_LOG_SD = 0.6


def simulate_ad_impressions(random_state: int | None = 0, n_rows: int = DEFAULT_NUM_ROWS,
                            interaction_scale: float = DEFAULT_INTERACTION_SCALE) -> Bunch:
    """A Criteo-like impression log with a known click-through function.

    ``interaction_scale`` (0 to 10) scales the pairwise terms; 0 is a purely
    additive world. ``ground_truth.rows`` splits each ``logit`` into its parts.
    """
    random_state = check_random_state(random_state)
    n = positive_int(n_rows, "n_rows")
    interaction_scale = check_number("interaction_scale", interaction_scale, 0.0, MAX_INTERACTION_SCALE)

    # The model: tokens, their weights and latent factors (independent of n_rows).
    rng = stream(random_state, NAME, "model")
    tokens = {column: np.array(hashed_tokens(random_state, column, cardinality, digits=8))
              for column, cardinality in zip(CATEGORICAL_COLUMNS, CARDINALITIES)}
    weights = {
        column: rng.normal(0, sd, len(tokens[column])) for column, sd in zip(CATEGORICAL_COLUMNS, TOKEN_WEIGHT_SD)
    }
    interacting = sorted({column for pair in INTERACTION_PAIRS for column in pair}, key=CATEGORICAL_COLUMNS.index)
    factors = {column: rng.normal(0, FACTOR_SD, (len(tokens[column]), NUM_FACTORS)) for column in interacting}
    # Frequent tokens are not always the first ones: each column's Zipf ranks are shuffled.
    frequency = {
        column: zipf_weights(len(tokens[column]), TOKEN_FREQUENCY_EXPONENT)[rng.permutation(len(tokens[column]))]
        for column in CATEGORICAL_COLUMNS
    }
    # Centre each column's weights on the average impression, so that BIAS sets the click rate.
    weights = {column: weights[column] - frequency[column] @ weights[column] for column in CATEGORICAL_COLUMNS}

    # The impressions.
    rng = stream(random_state, NAME, "rows")
    codes = {column: rng.choice(len(tokens[column]), n, p=frequency[column]) for column in CATEGORICAL_COLUMNS}
    counts = {}
    for column, mean, missing in zip(NUMERIC_COLUMNS, NUMERIC_MEANS, NUMERIC_MISSING):
        value = rng.negative_binomial(NUMERIC_DISPERSION, NUMERIC_DISPERSION / (NUMERIC_DISPERSION + mean), n)
        counts[column] = np.where(rng.random(n) < missing, np.nan, value.astype(float))
    hour = rng.choice(24, n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())

    token_part = sum(weights[column][codes[column]] for column in CATEGORICAL_COLUMNS)
    numeric_part = sum(coefficient * np.nan_to_num(np.log1p(counts[column]))
                       for column, coefficient in zip(NUMERIC_COLUMNS, NUMERIC_COEFFICIENTS))
    interaction_part = interaction_scale * sum(
        np.einsum("ij,ij->i", factors[a][codes[a]], factors[b][codes[b]]) for a, b in INTERACTION_PAIRS
    )
    logit = BIAS + token_part + numeric_part + interaction_part
    p_click = sigmoid(logit)

    rng = stream(random_state, NAME, "outcomes")
    click = rng.random(n) < p_click
    market_price = np.round(np.exp(MARKET_PRICE_LOG_MEDIAN + MARKET_PRICE_LOGIT_SLOPE * (logit - BIAS))
                            * rng.lognormal(0, MARKET_PRICE_LOG_SD, n), 4)

    frame = pd.DataFrame({"click": click.astype(int), **counts})
    for column in CATEGORICAL_COLUMNS:
        frame[column] = tokens[column][codes[column]]
    frame["hour"] = hour
    frame["market_price"] = market_price
    ground_truth = Bunch(
        rows=pd.DataFrame({
            "p_click": p_click, "logit": logit, "bias": BIAS, "token_part": token_part,
            "numeric_part": numeric_part, "interaction_part": interaction_part,
        }),
        token_weights={
            column: pd.Series(weights[column], index=tokens[column], name=column) for column in CATEGORICAL_COLUMNS
        },
        numeric_coefficients=pd.Series(NUMERIC_COEFFICIENTS, index=list(NUMERIC_COLUMNS), name="coefficient"),
        bias=BIAS, interaction_pairs=INTERACTION_PAIRS,
        token_factors={column: pd.DataFrame(factors[column], index=tokens[column]) for column in interacting},
        interaction_scale=interaction_scale,
        market_price_model=pd.Series({
            "log_median": MARKET_PRICE_LOG_MEDIAN, "logit_slope": MARKET_PRICE_LOGIT_SLOPE,
            "log_sd": MARKET_PRICE_LOG_SD,
        }),
    )
    options = {"n_rows": n, "interaction_scale": interaction_scale}
    return make_bunch(NAME, random_state, options, {"frame": frame}, ground_truth, schema=SCHEMA)
