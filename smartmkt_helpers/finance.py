"""Decisions under unequal costs, alert budgets, and a toy robo-adviser.

Chapter 9 applies the course's models to finance. What it teaches (the
scorecard, the autoencoder, the clustering) is written in the chapter; this
module keeps the pieces a later chapter or a workshop may reuse:

- costs of decisions: :func:`expected_cost` under a cost matrix,
  :func:`bayes_threshold` (the threshold that is optimal for calibrated
  probabilities), :func:`cost_curve` and :func:`cost_optimal_threshold`
  (the threshold that minimises the cost on data);
- fraud alerts: :func:`alert_budget_table`, precision and recall when an
  investigation team reviews the top ``N`` scored transactions of each day;
- investment suggestions: :func:`portfolio_summary` (the questionnaire
  and the asset returns it is tried on are simulated in
  :mod:`smartmkt_helpers.simulate.robo_adviser`).

Conventions: the *positive* class is the one we act on (a bad credit risk,
a fraud), coded 1; a case is flagged positive when its score is at least the
threshold. A false positive costs ``cost_false_positive`` (a good applicant
refused), a false negative ``cost_false_negative`` (a bad one accepted).

Examples
--------
>>> bayes_threshold(cost_false_positive=1, cost_false_negative=5)
0.16666666666666666
>>> float(expected_cost([1, 0, 0], [0, 0, 1], cost_false_positive=1,
...                     cost_false_negative=5))
2.0
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from smartmkt_helpers._checks import columns, non_negative_number, zero_one

__all__ = [
    "alert_budget_table",
    "bayes_threshold",
    "cost_curve",
    "cost_optimal_threshold",
    "expected_cost",
    "portfolio_summary",
]


# --------------------------------------------------------------------------
# input checks


def _binary_labels(values: Any, name: str) -> np.ndarray:
    return zero_one(values, name, "1 = the positive class")


def _scores(values: Any, name: str, size: int) -> np.ndarray:
    scores = np.asarray(values, dtype=float)
    if scores.shape != (size,):
        raise ValueError(f"{name} has shape {scores.shape}; expected ({size},) like the labels")
    if not np.isfinite(scores).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return scores


# --------------------------------------------------------------------------
# costs of decisions


def expected_cost(
    y_true: Any,
    y_pred: Any,
    *,
    cost_false_positive: float = 1.0,
    cost_false_negative: float = 5.0,
) -> float:
    """Mean cost per case of 0/1 decisions ``y_pred`` given the truth ``y_true``.

    Correct decisions cost nothing; a false positive (truth 0, decision 1)
    costs ``cost_false_positive`` and a false negative ``cost_false_negative``.
    The defaults are German Credit's cost matrix with "bad" as the positive
    class: refusing a good applicant costs 1, accepting a bad one costs 5.

    Examples
    --------
    >>> float(expected_cost([1, 1, 0, 0], [1, 0, 1, 0]))
    1.5
    """
    truth = _binary_labels(y_true, "y_true")
    decision = _binary_labels(y_pred, "y_pred")
    if decision.shape != truth.shape:
        raise ValueError(
            f"y_pred has {decision.size} decisions but y_true has {truth.size} labels"
        )
    c_fp = non_negative_number(cost_false_positive, "cost_false_positive")
    c_fn = non_negative_number(cost_false_negative, "cost_false_negative")
    false_positives = np.sum((decision == 1) & (truth == 0))
    false_negatives = np.sum((decision == 0) & (truth == 1))
    return float((c_fp * false_positives + c_fn * false_negatives) / truth.size)


def bayes_threshold(cost_false_positive: float, cost_false_negative: float) -> float:
    """The probability above which acting costs less than not acting.

    Flag a case when ``p * cost_false_negative > (1 - p) * cost_false_positive``,
    that is when ``p > cost_false_positive / (cost_false_positive +
    cost_false_negative)``. Optimal only if ``p`` is a calibrated probability.

    Examples
    --------
    >>> bayes_threshold(1, 1)
    0.5
    """
    c_fp = non_negative_number(cost_false_positive, "cost_false_positive")
    c_fn = non_negative_number(cost_false_negative, "cost_false_negative")
    if c_fp + c_fn == 0:
        raise ValueError("cost_false_positive and cost_false_negative cannot both be 0")
    return c_fp / (c_fp + c_fn)


def cost_curve(
    y_true: Any,
    scores: Any,
    *,
    cost_false_positive: float = 1.0,
    cost_false_negative: float = 5.0,
) -> pd.DataFrame:
    """Mean cost per case for every distinct threshold on ``scores``.

    Row ``i`` flags the cases whose score is at least ``threshold``; the first
    row (threshold ``inf``) flags nothing. Computed with one sort and
    cumulative sums, so it is fast for large data.

    Returns
    -------
    pandas.DataFrame
        Columns ``threshold``, ``flagged``, ``false_positives``,
        ``false_negatives`` and ``cost`` (mean per case), thresholds falling.

    Examples
    --------
    >>> cost_curve([0, 1, 1], [0.2, 0.6, 0.9])["cost"].round(3).tolist()
    [3.333, 1.667, 0.0, 0.333]
    """
    truth = _binary_labels(y_true, "y_true")
    score = _scores(scores, "scores", truth.size)
    c_fp = non_negative_number(cost_false_positive, "cost_false_positive")
    c_fn = non_negative_number(cost_false_negative, "cost_false_negative")
    order = np.argsort(-score, kind="stable")
    sorted_scores, sorted_truth = score[order], truth[order]
    # keep the last position of each run of equal scores: ties are flagged together
    last_of_run = np.r_[sorted_scores[1:] != sorted_scores[:-1], True]
    true_pos = np.cumsum(sorted_truth)[last_of_run]
    flagged = np.flatnonzero(last_of_run) + 1
    false_pos = flagged - true_pos
    false_neg = truth.sum() - true_pos
    curve = pd.DataFrame({
        "threshold": np.r_[np.inf, sorted_scores[last_of_run]],
        "flagged": np.r_[0, flagged],
        "false_positives": np.r_[0, false_pos],
        "false_negatives": np.r_[truth.sum(), false_neg],
    })
    curve["cost"] = (c_fp * curve["false_positives"]
                     + c_fn * curve["false_negatives"]) / truth.size
    return curve


def cost_optimal_threshold(
    y_true: Any,
    scores: Any,
    *,
    cost_false_positive: float = 1.0,
    cost_false_negative: float = 5.0,
) -> float:
    """The threshold that minimises the mean cost on ``(y_true, scores)``.

    Choose it on validation data (for example out-of-fold predictions), then
    apply it to new cases. The returned value lies halfway between the
    lowest flagged score and the highest unflagged one, so that it does not
    sit exactly on a validation case; ``inf`` means flag nothing.

    Examples
    --------
    >>> cost_optimal_threshold([0, 0, 1, 1], [0.1, 0.3, 0.4, 0.8])
    0.35
    """
    curve = cost_curve(y_true, scores, cost_false_positive=cost_false_positive,
                       cost_false_negative=cost_false_negative)
    best = int(curve["cost"].to_numpy().argmin())
    if best == 0:
        return float("inf")
    if best == len(curve) - 1:
        return float(curve["threshold"].iloc[best])
    return float((curve["threshold"].iloc[best] + curve["threshold"].iloc[best + 1]) / 2)


# --------------------------------------------------------------------------
# alert budgets


def alert_budget_table(
    frame: pd.DataFrame,
    alerts_per_day: Sequence[int] = (1, 2, 5, 10, 20),
    *,
    col_score: str = "score",
    col_label: str = "is_fraud",
    col_timestamp: str = "timestamp",
    col_amount: str | None = None,
) -> pd.DataFrame:
    """Frauds caught when the ``N`` highest-scored cases of each day are reviewed.

    A fraud team can investigate only so many alerts a day. For each budget
    ``N`` in ``alerts_per_day``, the ``N`` cases with the highest score of
    each calendar day are alerted (all of them on a day with fewer cases).
    Ranking within a day needs all of that day's scores, so the rule fits a
    review at the end of the day, not blocking a payment as it happens.
    With ``col_amount``, the frauds are also weighed by their amounts.

    Returns
    -------
    pandas.DataFrame
        One row per budget: ``alerts_per_day``, ``alerts``, ``caught``
        (frauds among the alerts), ``precision`` (caught / alerts) and
        ``recall`` (caught / all frauds). With ``col_amount`` also
        ``amount_caught`` (the summed amount of the caught frauds) and
        ``amount_recall`` (that sum over the amount of all frauds).

    Examples
    --------
    >>> log = pd.DataFrame({
    ...     "timestamp": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 10:00",
    ...                                  "2024-01-02 09:00", "2024-01-02 11:00"]),
    ...     "score": [0.9, 0.1, 0.2, 0.8], "is_fraud": [1, 0, 1, 0]})
    >>> alert_budget_table(log, [1, 2])[["alerts", "caught", "recall"]]
       alerts  caught  recall
    0       2       1     0.5
    1       4       2     1.0
    """
    columns(frame, [col_score, col_label, col_timestamp] + ([col_amount] if col_amount else []), "frame")
    if frame.empty:
        raise ValueError("frame is empty")
    budgets = np.asarray(alerts_per_day)
    if budgets.ndim != 1 or budgets.size == 0 or budgets.dtype.kind not in "iu":
        raise ValueError("alerts_per_day must be a non-empty list of integers")
    if (budgets < 1).any():
        raise ValueError(f"alerts_per_day must be >= 1, got {budgets.tolist()}")
    labels = _binary_labels(frame[col_label].to_numpy(), col_label)
    scores = _scores(frame[col_score].to_numpy(), col_score, labels.size)
    if not pd.api.types.is_datetime64_any_dtype(frame[col_timestamp]):
        raise TypeError(f"{col_timestamp} must hold datetimes, got {frame[col_timestamp].dtype}")
    day = frame[col_timestamp].dt.normalize().to_numpy()
    rank_in_day = pd.Series(scores).groupby(day).rank(method="first", ascending=False)
    rank_in_day = rank_in_day.to_numpy()
    alerted = rank_in_day[None, :] <= budgets[:, None]
    caught = (alerted & (labels[None, :] == 1)).sum(axis=1)
    alerts = alerted.sum(axis=1)
    table = pd.DataFrame({
        "alerts_per_day": budgets,
        "alerts": alerts,
        "caught": caught,
        "precision": caught / np.maximum(alerts, 1),
        "recall": caught / max(int(labels.sum()), 1),
    })
    if col_amount:
        amounts = _scores(frame[col_amount].to_numpy(), col_amount, labels.size)
        if (amounts < 0).any():
            raise ValueError(f"{col_amount} must be >= 0")
        fraud_amounts = amounts * labels
        table["amount_caught"] = alerted.astype(float) @ fraud_amounts
        table["amount_recall"] = table["amount_caught"] / max(fraud_amounts.sum(), 1e-12)
    return table


# --------------------------------------------------------------------------
# a toy robo-adviser: portfolios


def portfolio_summary(returns: pd.DataFrame, weights: Mapping[str, Mapping[str, float]]
                      | pd.DataFrame) -> pd.DataFrame:
    """Risk and return of portfolios rebalanced to fixed weights every month.

    Parameters
    ----------
    returns : pandas.DataFrame
        Monthly simple returns, one column per asset.
    weights : DataFrame or mapping
        One row per portfolio, one column per asset of ``returns`` (or
        ``{portfolio: {asset: weight}}``, where an asset left out has weight
        0); each row sums to 1 and has no negative weight.

    Returns
    -------
    pandas.DataFrame
        Per portfolio: ``annual_return`` (geometric mean, per year),
        ``annual_volatility`` (standard deviation of monthly returns times
        the square root of 12), ``worst_12_months`` (worst return over any
        12 consecutive months) and ``max_drawdown`` (largest fall from a
        previous peak of the wealth curve, negative).

    Examples
    --------
    >>> returns = pd.DataFrame({"a": [0.1, -0.1] * 12, "b": [0.0] * 24})
    >>> portfolio_summary(returns, {"half": {"a": 0.5, "b": 0.5}}).round(3)
          annual_return  annual_volatility  worst_12_months  max_drawdown
    half         -0.015              0.177           -0.015        -0.076
    """
    if not isinstance(returns, pd.DataFrame):
        raise TypeError(f"returns must be a pandas DataFrame, got {type(returns).__name__}")
    if len(returns) < 12:
        raise ValueError(f"returns needs at least 12 months, got {len(returns)}")
    if returns.isna().any().any():
        raise ValueError("returns contains NaN")
    if isinstance(weights, pd.DataFrame):
        table = weights
    else:  # a mapping: an asset a portfolio does not name has weight 0
        table = pd.DataFrame(weights).T.fillna(0.0)
    if table.empty:
        raise ValueError("weights is empty")
    unknown = [c for c in table.columns if c not in returns.columns]
    if unknown:
        raise ValueError(f"weights name asset(s) not in returns: {', '.join(map(str, unknown))}")
    table = table.reindex(columns=returns.columns, fill_value=0.0).astype(float)
    if table.isna().any().any() or (table < 0).any().any():
        raise ValueError("weights must be numbers >= 0 (no short positions)")
    sums = table.sum(axis=1)
    if not np.allclose(sums, 1.0, atol=1e-6):
        bad = sums[~np.isclose(sums, 1.0, atol=1e-6)]
        raise ValueError(f"weights of {', '.join(map(str, bad.index))} do not sum to 1")
    portfolio = returns.to_numpy() @ table.to_numpy().T       # (months, portfolios)
    wealth = np.cumprod(1 + portfolio, axis=0)
    years = len(returns) / 12
    log_wealth = np.log(np.vstack([np.ones(portfolio.shape[1]), wealth]))
    rolling_12 = np.exp(log_wealth[12:] - log_wealth[:-12]) - 1
    peak = np.maximum.accumulate(np.vstack([np.ones(portfolio.shape[1]), wealth]), axis=0)
    drawdown = (np.vstack([np.ones(portfolio.shape[1]), wealth]) / peak - 1).min(axis=0)
    return pd.DataFrame({
        "annual_return": wealth[-1] ** (1 / years) - 1,
        "annual_volatility": portfolio.std(axis=0, ddof=1) * np.sqrt(12),
        "worst_12_months": rolling_12.min(axis=0),
        "max_drawdown": drawdown,
    }, index=table.index)
