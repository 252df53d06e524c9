"""Self-checks for chapter 2: user profiling."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from smartmkt_helpers.exercises import register, require_columns
from smartmkt_helpers.exercises.checking import CheckResult, check_answer


def _points(points: Any) -> np.ndarray:
    values = np.asarray(points, dtype=float)
    if values.ndim != 2 or values.shape[0] == 0:
        raise ValueError("points must be a non-empty 2-D array (customers x features)")
    return values


@register("2.1")
def _top_decile_revenue_share(answer: Any, *, transactions: pd.DataFrame) -> CheckResult:
    require_columns(transactions, ["customer_id", "amount"], "transactions")
    totals = transactions.groupby("customer_id")["amount"].sum().sort_values(ascending=False)
    top = len(totals) // 10
    expected = float(totals.iloc[:top].sum() / totals.sum())
    rows = transactions["amount"].sort_values(ascending=False)
    by_rows = float(rows.iloc[: len(rows) // 10].sum() / rows.sum())
    counts = transactions.groupby("customer_id").size().sort_values(ascending=False)
    by_count = float(totals.loc[counts.index[:top]].sum() / totals.sum())
    return check_answer(
        answer, expected, name="top_decile_share", mistakes={
            "You took the 10% largest purchases (rows). Add up each customer's purchases first, then take "
            "the 10% of customers who spent most.": by_rows,
            "You ranked customers by their number of purchases. Rank them by the total amount they spent.":
                by_count})


@register("2.2")
def _one_kmeans_step(answer: Any, *, points: Any, centres: Any) -> CheckResult:
    points = _points(points)
    centres = np.asarray(centres, dtype=float)
    if centres.ndim != 2 or centres.shape[1] != points.shape[1]:
        raise ValueError("centres must be a 2-D array with as many columns as points")
    distances = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    labels = distances.argmin(axis=1)
    expected = centres.copy()
    medians = centres.copy()
    for cluster in np.unique(labels):
        members = points[labels == cluster]
        expected[cluster] = members.mean(axis=0)
        medians[cluster] = np.median(members, axis=0)
    return check_answer(
        answer, expected, name="new_centres", mistakes={
            "These are the starting centres: step 3 moves each centre to the mean of the points assigned to "
            "it in step 2.": centres,
            "You took the median of each cluster; K-means uses the mean (the point that minimises the sum of "
            "squared distances).": medians})


@register("2.3")
def _inertia(answer: Any, *, points: Any, labels: Any) -> CheckResult:
    points = _points(points)
    labels = np.asarray(labels)
    if labels.shape != (points.shape[0],):
        raise ValueError("labels must hold one cluster number per row of points")
    frame = pd.DataFrame(points)
    means = frame.groupby(labels).transform("mean").to_numpy()
    squared = ((points - means) ** 2).sum(axis=1)
    expected = float(squared.sum())
    return check_answer(
        answer, expected, name="sample_inertia", mistakes={
            "You added up distances, not squared distances.": float(np.sqrt(squared).sum()),
            "You averaged the squared distances; inertia is their sum.": float(squared.mean())})


@register("2.4")
def _best_segment_revenue_share(answer: Any, *, rfm: pd.DataFrame, labels: Any) -> CheckResult:
    require_columns(rfm, ["frequency", "total_amount"], "rfm")
    labels = np.asarray(labels)
    if labels.shape != (len(rfm),):
        raise ValueError("labels must hold one segment number per row of rfm")
    by_segment = rfm.groupby(labels).agg(
        frequency=("frequency", "mean"), revenue=("total_amount", "sum"), customers=("frequency", "size"))
    best = by_segment["frequency"].idxmax()
    expected = float(by_segment.loc[best, "revenue"] / by_segment["revenue"].sum())
    customer_share = float(by_segment.loc[best, "customers"] / by_segment["customers"].sum())
    return check_answer(
        answer, expected, name="best_revenue_share", mistakes={
            "That is the segment's share of customers. The question asks for its share of revenue "
            "(total_amount).": customer_share})
