"""Group fairness of yes/no decisions: rates by group and group thresholds.

Chapter 12 measures and mitigates unequal treatment of groups in credit
decisions; this module keeps the reusable parts:

- :func:`group_rates`: per group, the base rate, the approval rate and the
  true- and false-positive rates of the decisions;
- :func:`group_thresholds`: one threshold per group so that each group
  reaches a target approval rate, or a target true-positive rate (equal
  opportunity, Hardt, Price and Srebro, 2016);
- :func:`apply_group_thresholds`: decisions from scores and those
  thresholds.

Conventions: the *favourable* decision (approve, show the ad) is coded 1 or
True, and so is the favourable outcome (a good risk, a click). A case is
approved when its score (higher = better) is at least its group's
threshold. The true-positive rate of a group is the share of its
favourable cases that are approved.

Examples
--------
>>> import pandas as pd
>>> decisions = pd.DataFrame({"group": list("aabb"), "approved": [1, 0, 1, 1],
...                           "good": [1, 1, 1, 0]})
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


def group_rates(
    frame: pd.DataFrame,
    *,
    col_group: str = "group",
    col_decision: str = "approved",
    col_label: str = "good",
) -> pd.DataFrame:
    """Base rate, approval rate, TPR and FPR of decisions, group by group.

    Returns
    -------
    pandas.DataFrame
        Indexed by group: ``cases``, ``base_rate`` (share of favourable
        outcomes), ``approval_rate``, ``true_positive_rate`` (approved among
        favourable outcomes) and ``false_positive_rate`` (approved among
        unfavourable ones; NaN for a group without any).

    Examples
    --------
    >>> table = pd.DataFrame({"group": list("aaab"), "approved": [1, 1, 0, 0],
    ...                       "good": [1, 0, 1, 1]})
    >>> group_rates(table)["approval_rate"].round(3).tolist()
    [0.667, 0.0]
    """
    columns(frame, [col_group, col_decision, col_label], "frame")
    if frame[col_group].isna().any():
        raise ValueError(f"{col_group} contains missing groups")
    approved = _zero_one(frame[col_decision].to_numpy(), col_decision)
    good = _zero_one(frame[col_label].to_numpy(), col_label)
    parts = pd.DataFrame({
        "group": frame[col_group].to_numpy(),
        "approved": approved,
        "good": good,
        "approved_good": approved * good,
        "approved_bad": approved * (1 - good),
    })
    sums = parts.groupby("group", observed=True, sort=True).agg(
        cases=("approved", "size"), approved=("approved", "sum"), good=("good", "sum"),
        approved_good=("approved_good", "sum"), approved_bad=("approved_bad", "sum"),
    )
    bad = sums["cases"] - sums["good"]
    rates = pd.DataFrame({
        "cases": sums["cases"],
        "base_rate": sums["good"] / sums["cases"],
        "approval_rate": sums["approved"] / sums["cases"],
        "true_positive_rate": sums["approved_good"] / sums["good"].where(sums["good"] > 0),
        "false_positive_rate": sums["approved_bad"] / bad.where(bad > 0),
    })
    rates.index.name = col_group
    return rates


def group_thresholds(
    scores: Any,
    labels: Any,
    groups: Any,
    *,
    target: float,
    rate: str = "true_positive_rate",
) -> pd.Series:
    """Per-group thresholds reaching a target approval or true-positive rate.

    Within each group, the threshold is the highest score such that
    approving every case scoring at least that much approves a share of at
    least ``target`` of the group (``rate="approval_rate"``) or of its
    favourable cases (``rate="true_positive_rate"``). Ties at the threshold
    are all approved, so the reached rate can exceed the target a little.

    Parameters
    ----------
    scores : array-like of float
        Higher means more favourable (for example the probability of being
        a good risk).
    labels : array-like of 0/1
        The outcomes (1 = favourable); used only for the true-positive rate.
    groups : array-like
        The group of each case.
    target : float
        The rate to reach, between 0 and 1.
    rate : {"true_positive_rate", "approval_rate"}

    Returns
    -------
    pandas.Series
        One threshold per group (``inf`` approves nobody).

    Examples
    --------
    >>> scores = [0.9, 0.8, 0.4, 0.7, 0.3, 0.2]
    >>> labels = [1, 1, 0, 1, 1, 0]
    >>> group_thresholds(scores, labels, list("aaabbb"), target=1.0).tolist()
    [0.8, 0.3]
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
    """Approve each case whose score reaches its group's threshold.

    Examples
    --------
    >>> apply_group_thresholds([0.5, 0.5], ["a", "b"], pd.Series({"a": 0.4, "b": 0.6})).tolist()
    [True, False]
    """
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
