"""Decisions under unequal costs, fraud-alert budgets and portfolio risk (chapter 9).

The positive class (a bad credit risk, a fraud) is coded 1 and flagged when
its score is at least the threshold; a false positive costs
``cost_false_positive``, a false negative ``cost_false_negative``.

>>> bayes_threshold(cost_false_positive=1, cost_false_negative=5)
0.16666666666666666
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from smartmkt_helpers._checks import columns, non_negative_number, zero_one

__all__ = ["alert_budget_table", "bayes_threshold", "cost_curve", "cost_optimal_threshold", "expected_cost",
           "portfolio_summary"]


def _binary_labels(values: Any, name: str) -> np.ndarray:
    return zero_one(values, name, "1 = the positive class")


def _scores(values: Any, name: str, size: int) -> np.ndarray:
    scores = np.asarray(values, dtype=float)
    if scores.shape != (size,):
        raise ValueError(f"{name} has shape {scores.shape}; expected ({size},) like the labels")
    if not np.isfinite(scores).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return scores


def expected_cost(y_true: Any, y_pred: Any, *, cost_false_positive: float = 1.0,
                  cost_false_negative: float = 5.0) -> float:
    """Mean cost per case of 0/1 decisions ``y_pred`` given the truth ``y_true``.

    The defaults are German Credit's cost matrix with "bad" as positive: refusing
    a good applicant costs 1, accepting a bad one 5.
    """
    truth = _binary_labels(y_true, "y_true")
    decision = _binary_labels(y_pred, "y_pred")
    if decision.shape != truth.shape:
        raise ValueError(f"y_pred has {decision.size} decisions but y_true has {truth.size} labels")
    c_fp = non_negative_number(cost_false_positive, "cost_false_positive")
    c_fn = non_negative_number(cost_false_negative, "cost_false_negative")
    false_positives = np.sum((decision == 1) & (truth == 0))
    false_negatives = np.sum((decision == 0) & (truth == 1))
    return float((c_fp * false_positives + c_fn * false_negatives) / truth.size)


def bayes_threshold(cost_false_positive: float, cost_false_negative: float) -> float:
    """The probability above which acting costs less than not acting: ``c_fp / (c_fp + c_fn)``.

    Optimal only for calibrated probabilities.
    """
    c_fp = non_negative_number(cost_false_positive, "cost_false_positive")
    c_fn = non_negative_number(cost_false_negative, "cost_false_negative")
    if c_fp + c_fn == 0:
        raise ValueError("cost_false_positive and cost_false_negative cannot both be 0")
    return c_fp / (c_fp + c_fn)


def cost_curve(y_true: Any, scores: Any, *, cost_false_positive: float = 1.0,
               cost_false_negative: float = 5.0) -> pd.DataFrame:
    """Mean cost per case for every distinct threshold on ``scores``, thresholds falling.

    Columns ``threshold``, ``flagged``, ``false_positives``, ``false_negatives``
    and ``cost``; the first row (threshold ``inf``) flags nothing.
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
    curve = pd.DataFrame({"threshold": np.r_[np.inf, sorted_scores[last_of_run]],
                          "flagged": np.r_[0, flagged], "false_positives": np.r_[0, false_pos],
                          "false_negatives": np.r_[truth.sum(), false_neg]})
    curve["cost"] = (c_fp * curve["false_positives"] + c_fn * curve["false_negatives"]) / truth.size
    return curve


def cost_optimal_threshold(y_true: Any, scores: Any, *, cost_false_positive: float = 1.0,
                           cost_false_negative: float = 5.0) -> float:
    """The threshold that minimises the mean cost on ``(y_true, scores)``; ``inf`` means flag nothing.

    It lies halfway between the lowest flagged and highest unflagged score.
    """
    curve = cost_curve(y_true, scores, cost_false_positive=cost_false_positive,
                       cost_false_negative=cost_false_negative)
    best = int(curve["cost"].to_numpy().argmin())
    if best == 0:
        return float("inf")
    if best == len(curve) - 1:
        return float(curve["threshold"].iloc[best])
    return float((curve["threshold"].iloc[best] + curve["threshold"].iloc[best + 1]) / 2)


def alert_budget_table(frame: pd.DataFrame, alerts_per_day: Sequence[int] = (1, 2, 5, 10, 20), *,
                       col_score: str = "score", col_label: str = "is_fraud",
                       col_timestamp: str = "timestamp", col_amount: str | None = None) -> pd.DataFrame:
    """Frauds caught when the ``N`` highest-scored cases of each calendar day are reviewed.

    One row per budget: ``alerts_per_day``, ``alerts``, ``caught``, ``precision``
    and ``recall``; with ``col_amount`` also ``amount_caught`` and
    ``amount_recall``. Ranking needs the whole day's scores: an end-of-day review.
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
    table = pd.DataFrame({"alerts_per_day": budgets, "alerts": alerts, "caught": caught,
                          "precision": caught / np.maximum(alerts, 1),
                          "recall": caught / max(int(labels.sum()), 1)})
    if col_amount:
        amounts = _scores(frame[col_amount].to_numpy(), col_amount, labels.size)
        if (amounts < 0).any():
            raise ValueError(f"{col_amount} must be >= 0")
        fraud_amounts = amounts * labels
        table["amount_caught"] = alerted.astype(float) @ fraud_amounts
        table["amount_recall"] = table["amount_caught"] / max(fraud_amounts.sum(), 1e-12)
    return table


def portfolio_summary(returns: pd.DataFrame, weights: Mapping[str, Mapping[str, float]]
                      | pd.DataFrame) -> pd.DataFrame:
    """Risk and return of portfolios rebalanced to fixed weights every month.

    ``returns``: monthly simple returns, one column per asset. ``weights``: one
    row per portfolio (or ``{portfolio: {asset: weight}}``, missing assets 0),
    non-negative, summing to 1. Columns ``annual_return`` (geometric),
    ``annual_volatility``, ``worst_12_months`` and ``max_drawdown`` (negative).
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
