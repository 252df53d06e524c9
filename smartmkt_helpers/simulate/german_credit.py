"""Twin of the Statlog German Credit data: applicants and a known default model.

A latent financial standing tilts several attributes together; default
(``risk == "bad"``) follows a logistic model on :func:`design_matrix`, whose
true coefficients are known.

>>> twin = simulate_german_credit(random_state=0)
>>> design_matrix(twin.frame).shape[1] == len(twin.ground_truth.coefficients) - 1
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from smartmkt_helpers._checks import positive_int
from smartmkt_helpers.data.schema import (
    GERMAN_CREDIT_ATTRIBUTES,
    german_credit_cost_matrix,
    german_credit_labels,
)
from smartmkt_helpers.simulate._common import check_random_state, choose_per_row, make_bunch, sigmoid, stream

NAME = "german-credit"
DEFAULT_NUM_APPLICANTS = 1_000

#: For each qualitative attribute, per code: its share in the population, its
#: tilt with the latent financial standing, and its coefficient in the default
#: logit (the first code is the reference, coefficient 0).
QUALITATIVE = {
    "checking_status": ((0.274, 0.269, 0.063, 0.394), (-0.5, -0.2, 0.3, 0.4), (0.0, -0.4, -1.0, -1.7)),
    "credit_history": ((0.04, 0.049, 0.53, 0.088, 0.293), (-0.3, -0.3, 0.0, 0.0, 0.3), (0.0, 0.0, -0.8, -0.9, -1.4)),
    "purpose": (
        (0.234, 0.103, 0.181, 0.28, 0.012, 0.022, 0.05, 0.0, 0.009, 0.097, 0.012), (0.0,) * 11,
        (0.0, -1.5, -0.7, -0.8, -0.5, -0.4, 0.2, 0.0, -1.5, -0.7, -1.2),
    ),
    "savings": ((0.603, 0.103, 0.063, 0.048, 0.183), (-0.3, 0.0, 0.2, 0.4, 0.2), (0.0, -0.3, -0.5, -1.2, -0.9)),
    "employment_since": ((0.062, 0.172, 0.339, 0.174, 0.253), (-0.5, -0.3, 0.0, 0.2, 0.3), (0.0, 0.1, -0.1, -0.6, -0.2)),
    "personal_status_sex": ((0.05, 0.31, 0.548, 0.092, 0.0), (0.0,) * 5, (0.0, -0.2, -0.7, -0.4, 0.0)),
    "other_debtors": ((0.907, 0.041, 0.052), (0.0, 0.0, 0.0), (0.0, 0.4, -0.9)),
    "property": ((0.282, 0.232, 0.332, 0.154), (0.3, 0.1, 0.0, -0.3), (0.0, 0.2, 0.2, 0.7)),
    "other_installment_plans": ((0.139, 0.047, 0.814), (0.0, 0.0, 0.0), (0.0, 0.0, -0.6)),
    "housing": ((0.179, 0.713, 0.108), (-0.2, 0.2, -0.1), (0.0, -0.4, -0.2)),
    "job": ((0.022, 0.2, 0.63, 0.148), (-0.4, -0.2, 0.0, 0.3), (0.0, 0.1, 0.1, 0.1)),
    "telephone": ((0.596, 0.404), (0.0, 0.3), (0.0, -0.3)),
    "foreign_worker": ((0.963, 0.037), (0.0, 0.0), (0.0, -1.2)),
}
#: Numerical attributes: shares of the values of the small integer ones.
INSTALLMENT_RATE_SHARES = (0.136, 0.231, 0.157, 0.476)
RESIDENCE_SHARES = (0.13, 0.308, 0.149, 0.413)
EXISTING_CREDITS_SHARES = (0.633, 0.333, 0.028, 0.006)
DEPENDENTS_SHARES = (0.845, 0.155)
#: Duration (months) is gamma; the amount is log-linear in the duration.
DURATION_SHAPE, DURATION_MEAN, DURATION_BOUNDS = 3.0, 20.9, (4, 72)
AMOUNT_LOG_INTERCEPT, AMOUNT_LOG_SLOPE, AMOUNT_LOG_SD, AMOUNT_BOUNDS = 5.95, 0.65, 0.7, (250, 18_424)
AGE_MINIMUM, AGE_SHAPE, AGE_SCALE, AGE_MAXIMUM = 19, 2.1, 7.9, 75
#: Coefficients of the numerical features of :func:`design_matrix` in the default logit.
NUMERIC_COEFFICIENTS = {
    "duration_months": 0.03, "log_credit_amount": 0.3, "installment_rate": 0.3, "residence_since": 0.0,
    "age": -0.015, "existing_credits": 0.2, "num_dependents": 0.2,
}
#: Intercept, chosen for a default rate of about 30 %.
INTERCEPT = 1.65
REFERENCE_AMOUNT = 2_500.0
REFERENCE_AGE = 35.0
REFERENCE_INSTALLMENT_RATE = 3.0


def design_matrix(frame: pd.DataFrame) -> pd.DataFrame:
    """The features of the true default model, from German Credit columns (real or twin).

    One indicator ``<attribute>_<code>`` per non-reference code, then the numerical
    attributes (``log_credit_amount`` is log(amount / 2,500); ``installment_rate``
    minus 3; ``age`` minus 35).
    """
    columns = {}
    for name, codes in GERMAN_CREDIT_ATTRIBUTES:
        if codes is None:
            continue
        values = frame[name].astype(str).to_numpy()
        for code in codes[1:]:
            columns[f"{name}_{code}"] = (values == code).astype(float)
    columns["duration_months"] = frame["duration_months"].to_numpy(float)
    columns["log_credit_amount"] = np.log(frame["credit_amount"].to_numpy(float) / REFERENCE_AMOUNT)
    columns["installment_rate"] = frame["installment_rate"].to_numpy(float) - REFERENCE_INSTALLMENT_RATE
    columns["residence_since"] = frame["residence_since"].to_numpy(float)
    columns["age"] = frame["age"].to_numpy(float) - REFERENCE_AGE
    columns["existing_credits"] = frame["existing_credits"].to_numpy(float)
    columns["num_dependents"] = frame["num_dependents"].to_numpy(float)
    return pd.DataFrame(columns, index=frame.index)


def true_coefficients() -> pd.Series:
    """The default logit's coefficients, named like :func:`design_matrix`'s columns, plus ``intercept``."""
    coefficients = {"intercept": INTERCEPT}
    for name, (_, _, effects) in QUALITATIVE.items():
        codes = dict(GERMAN_CREDIT_ATTRIBUTES)[name]
        coefficients.update({f"{name}_{code}": effect for code, effect in zip(codes[1:], effects[1:])})
    coefficients.update(NUMERIC_COEFFICIENTS)
    return pd.Series(coefficients, name="coefficient")


def simulate_german_credit(random_state: int | None = 0, n_applicants: int = DEFAULT_NUM_APPLICANTS) -> Bunch:
    """Simulated twin of Statlog German Credit.

    ``ground_truth`` holds ``rows`` (``p_default``, ``logit``, ``financial_standing``),
    ``design`` (:func:`design_matrix`) and ``coefficients`` (plus ``intercept``).
    """
    random_state = check_random_state(random_state)
    n = positive_int(n_applicants, "n_applicants")
    rng = stream(random_state, NAME, "applicants")
    standing = rng.normal(size=n)
    frame = pd.DataFrame(index=range(n))
    for name, codes in GERMAN_CREDIT_ATTRIBUTES:
        if codes is not None:
            shares, tilts, _ = QUALITATIVE[name]
            weights = np.array(shares) * np.exp(np.outer(standing, tilts))
            frame[name] = np.array(codes)[choose_per_row(rng, weights)]
    duration = rng.gamma(DURATION_SHAPE, DURATION_MEAN / DURATION_SHAPE, n)
    frame["duration_months"] = np.clip(np.round(duration), *DURATION_BOUNDS)
    log_amount = (AMOUNT_LOG_INTERCEPT + AMOUNT_LOG_SLOPE * np.log(frame["duration_months"].to_numpy())
                  + rng.normal(0, AMOUNT_LOG_SD, n))
    frame["credit_amount"] = np.clip(np.round(np.exp(log_amount)), *AMOUNT_BOUNDS)
    frame["installment_rate"] = 1 + rng.choice(4, n, p=INSTALLMENT_RATE_SHARES)
    frame["residence_since"] = 1 + rng.choice(4, n, p=RESIDENCE_SHARES)
    frame["age"] = np.minimum(AGE_MINIMUM + np.round(rng.gamma(AGE_SHAPE, AGE_SCALE, n)), AGE_MAXIMUM)
    frame["existing_credits"] = 1 + rng.choice(4, n, p=EXISTING_CREDITS_SHARES)
    frame["num_dependents"] = 1 + rng.choice(2, n, p=DEPENDENTS_SHARES)

    design = design_matrix(frame)
    coefficients = true_coefficients()
    logit = coefficients["intercept"] + design.to_numpy() @ coefficients[design.columns].to_numpy()
    p_default = sigmoid(logit)
    bad = stream(random_state, NAME, "outcomes").random(n) < p_default
    frame["risk"] = np.where(bad, "bad", "good")

    ground_truth = Bunch(
        rows=pd.DataFrame({"p_default": p_default, "logit": logit, "financial_standing": standing}),
        design=design, coefficients=coefficients,
    )
    extra = {"attribute_labels": german_credit_labels(), "cost_matrix": german_credit_cost_matrix()}
    return make_bunch(NAME, random_state, {"n_applicants": n}, {"frame": frame}, ground_truth, extra)
