"""A toy robo-adviser's data: questionnaire answers and asset returns, from known models (chapter 9)."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd

from smartmkt_helpers._checks import non_negative_number, positive_int

__all__ = ["ASSET_ASSUMPTIONS", "QUESTIONNAIRE", "simulate_asset_returns", "simulate_risk_questionnaire"]


def _seed(random_state: Any) -> int:
    if isinstance(random_state, bool) or not isinstance(random_state, numbers.Integral) or random_state < 0:
        raise ValueError(f"random_state must be a non-negative integer, got {random_state!r}")
    return int(random_state)



#: The simulated questionnaire: column, what it asks, and what it measures
#: (``willingness`` to take risk or ``capacity`` to bear losses).
QUESTIONNAIRE = pd.DataFrame([
                                 ("q1_fall_reaction", "If your savings fell 20% in a month, you would... "
                                  "(1 sell everything - 5 buy more)", "willingness"),
                                 ("q2_tradeoff", "Which matters more: safety or growth? "
                                  "(1 safety - 5 growth)", "willingness"),
                                 ("q3_experience", "How often have you invested in shares? "
                                  "(1 never - 5 often)", "willingness"),
                                 ("q4_horizon", "When will you need this money? "
                                  "(1 within a year - 5 in over 15 years)", "capacity"),
                                 ("q5_income", "How stable is your income? "
                                  "(1 very unstable - 5 very stable)", "capacity"),
                                 ("q6_reserve", "How many months of spending do you hold in cash? "
                                  "(1 none - 5 over a year)", "capacity"),
                             ],
                             columns=["question", "text", "measures"])

_PROFILES = ("cautious", "balanced", "adventurous")


def simulate_risk_questionnaire(
    n_customers: int = 2000, *, n_occasions: int = 1, answer_noise: float = 0.6, random_state: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Answers to the six questions of :data:`QUESTIONNAIRE`, and the truth behind them.

    Latent willingness (``q1``-``q3``) and capacity (``q4``-``q6``) are standard
    normal (correlation 0.3); an answer adds noise of sd ``answer_noise`` (redrawn
    each occasion) and is cut into 1-5 at -1.2, -0.4, 0.4, 1.2. The true profile is
    set by ``min(willingness, capacity)``: below -0.5 cautious, above 0.5 adventurous.
    Returns ``(answers, truth)``.
    """
    n_customers = positive_int(n_customers, "n_customers")
    n_occasions = positive_int(n_occasions, "n_occasions")
    noise = non_negative_number(answer_noise, "answer_noise")
    rng = np.random.default_rng([_seed(random_state), 9_2])
    latent = rng.multivariate_normal([0.0, 0.0], [[1.0, 0.3], [0.3, 1.0]], size=n_customers)
    weaker = latent.min(axis=1)
    profile = np.select([weaker < -0.5, weaker > 0.5], ["cautious", "adventurous"], "balanced")
    truth = pd.DataFrame({
        "customer_id": np.arange(1, n_customers + 1, dtype=np.int32), "willingness": latent[:, 0],
        "capacity": latent[:, 1], "true_profile": pd.Categorical(profile, categories=_PROFILES),
    })
    measures = (QUESTIONNAIRE["measures"] == "capacity").to_numpy().astype(int)
    per_question = latent[:, measures]                       # (customers, questions)
    responses = per_question[None] + rng.normal(0, noise, (n_occasions,) + per_question.shape)
    scale = np.digitize(responses, [-1.2, -0.4, 0.4, 1.2]) + 1
    answers = pd.DataFrame(
        scale.reshape(-1, len(QUESTIONNAIRE)).astype(np.int8), columns=QUESTIONNAIRE["question"].tolist(),
    )
    answers.insert(0, "occasion", np.repeat(np.arange(1, n_occasions + 1), n_customers) .astype(np.int8))
    answers.insert(0, "customer_id", np.tile(truth["customer_id"].to_numpy(), n_occasions))
    return answers, truth


#: Yearly mean return and volatility of the simulated asset classes (an
#: assumption for teaching, not a forecast), and their correlations.
ASSET_ASSUMPTIONS = pd.DataFrame(
    {"annual_return": [0.02, 0.035, 0.07], "annual_volatility": [0.005, 0.06, 0.16]},
    index=pd.Index(["cash", "bonds", "equities"], name="asset"),
)
_CORRELATION = np.array([[1.0, 0.2, 0.0], [0.2, 1.0, 0.1], [0.0, 0.1, 1.0]])


def simulate_asset_returns(
    n_months: int = 240, *, degrees_of_freedom: float = 5.0, random_state: int = 0,
) -> pd.DataFrame:
    """Monthly returns of cash, bonds and equities: multivariate Student-t with :data:`ASSET_ASSUMPTIONS`.

    An assumption for teaching, not a forecast.
    """
    n_months = positive_int(n_months, "n_months")
    dof = non_negative_number(degrees_of_freedom, "degrees_of_freedom")
    if dof <= 2:
        raise ValueError(f"degrees_of_freedom must be > 2 (finite variance), got {dof}")
    rng = np.random.default_rng([_seed(random_state), 9_3])
    monthly_mean = ASSET_ASSUMPTIONS["annual_return"].to_numpy() / 12
    monthly_vol = ASSET_ASSUMPTIONS["annual_volatility"].to_numpy() / np.sqrt(12)
    normal = rng.multivariate_normal(np.zeros(3), _CORRELATION, size=n_months)
    scale = np.sqrt(rng.chisquare(dof, size=(n_months, 1)) / (dof - 2))
    returns = monthly_mean + monthly_vol * normal / scale
    index = pd.period_range("2000-01", periods=n_months, freq="M")
    return pd.DataFrame(returns, index=index, columns=ASSET_ASSUMPTIONS.index.tolist())
