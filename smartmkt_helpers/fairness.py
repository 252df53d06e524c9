"""Group fairness of yes/no decisions (chapter 12): rates by group and per-group thresholds.

The favourable decision (approve) and outcome (a good risk) are coded 1; a
case is approved when its score (higher is better) reaches its group's
threshold. Equal opportunity is Hardt, Price and Srebro (2016).

>>> decisions = pd.DataFrame({"group": list("aabb"), "approved": [1, 0, 1, 1], "good": [1, 1, 1, 0]})
>>> group_rates(decisions)["true_positive_rate"].tolist()
[0.5, 1.0]
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd

from smartmkt_helpers._checks import columns, zero_one

__all__ = ["apply_group_thresholds", "group_rates", "group_thresholds"]


def _zero_one(values: Any, name: str) -> np.ndarray:
    return zero_one(values, name, "1 = favourable")


def group_rates(frame: pd.DataFrame, *, col_group: str = "group", col_decision: str = "approved",
                col_label: str = "good") -> pd.DataFrame:
    """Cases, base rate, approval rate, true- and false-positive rate of decisions, indexed by group.

    The false-positive rate is NaN for a group without unfavourable outcomes.
    """
    columns(frame, [col_group, col_decision, col_label], "frame")
    if frame[col_group].isna().any():
        raise ValueError(f"{col_group} contains missing groups")
    approved = _zero_one(frame[col_decision].to_numpy(), col_decision)
    good = _zero_one(frame[col_label].to_numpy(), col_label)
    parts = pd.DataFrame({"group": frame[col_group].to_numpy(), "approved": approved, "good": good,
                          "approved_good": approved * good, "approved_bad": approved * (1 - good)})
    sums = parts.groupby("group", observed=True, sort=True).agg(
        cases=("approved", "size"), approved=("approved", "sum"), good=("good", "sum"),
        approved_good=("approved_good", "sum"), approved_bad=("approved_bad", "sum"),
    )
    bad = sums["cases"] - sums["good"]
    rates = pd.DataFrame({"cases": sums["cases"], "base_rate": sums["good"] / sums["cases"],
                          "approval_rate": sums["approved"] / sums["cases"],
                          "true_positive_rate": sums["approved_good"] / sums["good"].where(sums["good"] > 0),
                          "false_positive_rate": sums["approved_bad"] / bad.where(bad > 0)})
    rates.index.name = col_group
    return rates


def group_thresholds(scores: Any, labels: Any, groups: Any, *, target: float,
                     rate: str = "true_positive_rate") -> pd.Series:
    """Per-group thresholds (a Series) reaching a target approval or true-positive rate.

    In each group, the highest threshold that approves at least ``target`` of the
    group (``rate="approval_rate"``) or of its favourable cases
    (``"true_positive_rate"``, equal opportunity); ties are all approved, so the
    rate can overshoot a little; ``inf`` approves nobody.
    """
    score = np.asarray(scores, dtype=float)
    if score.ndim != 1 or score.size == 0:
        raise ValueError(f"scores must be a non-empty 1-D array, got shape {score.shape}")
    if not np.isfinite(score).all():
        raise ValueError("scores contains NaN or infinite values")
    label = _zero_one(labels, "labels")
    group = pd.Series(np.asarray(groups, dtype=object))
    if not (len(label) == len(group) == len(score)):
        raise ValueError(
            f"scores, labels and groups must have the same length, got {len(score)}, "
            f"{len(label)} and {len(group)}"
        )
    if group.isna().any():
        raise ValueError("groups contains missing values")
    if isinstance(target, bool) or not isinstance(target, numbers.Real) or not 0 <= target <= 1:
        raise ValueError(f"target must be a number between 0 and 1, got {target!r}")
    if rate not in ("true_positive_rate", "approval_rate"):
        raise ValueError(f"rate must be 'true_positive_rate' or 'approval_rate', got {rate!r}")
    thresholds = {}
    for name, rows in group.groupby(group, sort=True).groups.items():
        rows = np.asarray(rows)
        if rate == "true_positive_rate":
            rows = rows[label[rows] == 1]
            if rows.size == 0:
                raise ValueError(f"group {name!r} has no favourable cases: its TPR is undefined")
        ranked = np.sort(score[rows])[::-1]
        needed = int(np.ceil(target * ranked.size - 1e-9))
        thresholds[name] = np.inf if needed == 0 else float(ranked[needed - 1])
    return pd.Series(thresholds, name="threshold", dtype=float)


def apply_group_thresholds(scores: Any, groups: Any, thresholds: pd.Series) -> np.ndarray:
    """Approve each case whose score reaches its group's threshold."""
    score = np.asarray(scores, dtype=float)
    group = pd.Series(np.asarray(groups, dtype=object))
    if score.ndim != 1 or len(score) != len(group):
        raise ValueError(f"scores and groups must be 1-D of the same length, got {score.shape} and {len(group)}")
    if not isinstance(thresholds, pd.Series):
        raise TypeError(f"thresholds must be a pandas Series, got {type(thresholds).__name__}")
    unknown = sorted(set(group.dropna()) - set(thresholds.index), key=str)
    if unknown or group.isna().any():
        raise ValueError(f"no threshold for group(s) {', '.join(map(str, unknown)) or 'NaN'}")
    return score >= thresholds.reindex(group).to_numpy(float)
