"""Self-checks for chapter 8: e-commerce."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from smartmkt_helpers.exercises import register, require_columns
from smartmkt_helpers.exercises.checking import CheckResult, check_answer


def _routing_inputs(probabilities: Any, labels: Any,
                    cost_matrix: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    proba = np.asarray(probabilities, dtype=float)
    true = np.asarray(labels)
    costs = np.asarray(cost_matrix, dtype=float)
    if proba.ndim != 2 or len(proba) == 0:
        raise ValueError(f"probabilities must be a non-empty 2-D array, got shape {proba.shape}")
    if costs.shape != (proba.shape[1], proba.shape[1]):
        raise ValueError(f"cost_matrix must be {proba.shape[1]} x {proba.shape[1]}, got shape {costs.shape}")
    if true.shape != (len(proba),):
        raise ValueError(f"labels must have one entry per row of probabilities ({len(proba)})")
    if np.isnan(proba).any() or np.isnan(costs).any():
        raise ValueError("probabilities and cost_matrix must not contain NaN")
    return proba, true.astype(int), costs


@register("8.1")
def _incremental_revenue(answer: Any, *, revenue: np.ndarray, holdout: np.ndarray,
                         audience: np.ndarray) -> CheckResult:
    revenue, holdout, audience = np.asarray(revenue, float), np.asarray(holdout, bool), np.asarray(audience)
    if audience.size == 0:
        raise ValueError("audience must list at least one customer")
    treated, held_out = audience[~holdout[audience]], audience[holdout[audience]]
    per_customer = revenue[treated].mean() - revenue[held_out].mean()
    expected = per_customer * audience.size
    return check_answer(
        answer, expected, name="random_incremental", mistakes={
            "That is the effect per customer. Multiply by the number of customers in the audience to get the "
            "campaign's incremental revenue.": per_customer,
            "You multiplied by the e-mailed half only. The policy would e-mail the whole audience, so "
            "multiply by all its customers.": per_customer * treated.size,
            "That is the revenue of the e-mailed customers, not the difference with the held-out ones.":
                revenue[treated].sum()})


@register("8.2")
def _cost_with_triage(answer: Any, *, probabilities: Any, labels: Any, cost_matrix: Any, threshold: float,
                      human_cost: float) -> CheckResult:
    proba, true, costs = _routing_inputs(probabilities, labels, cost_matrix)
    unsure = proba.max(axis=1) < threshold
    by_cost = (proba @ costs).argmin(axis=1)
    routed_cost = costs[true, by_cost]
    expected = float(np.where(unsure, human_cost, routed_cost).mean())
    by_argmax = costs[true, proba.argmax(axis=1)]
    return check_answer(
        answer, expected, name="triage_cost", mistakes={
            "You left out the cost of the human triage: every message below the threshold costs human_cost, "
            "it is not free.": float(np.where(unsure, 0.0, routed_cost).mean()),
            "You routed the confident messages to the most probable intent. Route them by the smallest "
            "expected cost, probabilities @ cost_matrix.":
                float(np.where(unsure, human_cost, by_argmax).mean())})


def _category_rule_hits(sessions: pd.DataFrame, products: pd.DataFrame, popularity: np.ndarray, k: int,
                        prior_weight: float, exclude_seen: bool) -> float:
    """Hit rate@k of P(category | session) x P(product | category)."""
    num_items = len(popularity)
    codes = pd.factorize(products["category"])[0]
    category = np.zeros(num_items, dtype=int)
    category[products["product_id"].to_numpy()] = codes
    known = np.zeros(num_items, dtype=bool)
    known[products["product_id"].to_numpy()] = True
    category_total = np.bincount(category[known], weights=popularity[known], minlength=codes.max() + 1)
    share = category_total / category_total.sum()
    within = np.where(known, popularity / np.maximum(category_total[category], 1e-12), 0.0)
    hits = []
    for items in sessions["items"]:
        prefix, target = np.asarray(items[:-1]), items[-1]
        seen = np.bincount(category[prefix], minlength=len(share))
        score = (seen + prior_weight * share)[category] * within
        score[~known] = -np.inf
        if exclude_seen:
            score[prefix] = -np.inf
        hits.append(target in np.argsort(-score, kind="stable")[:k])
    return float(np.mean(hits))


@register("8.3")
def _category_popularity_hit_rate(answer: Any, *, test_sessions: pd.DataFrame, products: pd.DataFrame,
                                  popularity: Any) -> CheckResult:
    require_columns(test_sessions, ["items"], "test_sessions")
    require_columns(products, ["product_id", "category"], "products")
    counts = np.asarray(popularity, dtype=float)
    if counts.ndim != 1 or len(counts) <= products["product_id"].max():
        raise ValueError("popularity must be a 1-D array indexed by product id (index 0 is padding)")
    if (test_sessions["items"].map(len) < 2).any():
        raise ValueError("every test session needs two products or more")
    expected = _category_rule_hits(test_sessions, products, counts, 10, 1.0, True)
    return check_answer(
        answer, expected, name="category_hit_rate", rtol=0.02, mistakes={
            "You ranked all products by popularity: that is the popularity baseline. Weight each product by "
            "how likely its category is given the session.":
                _category_rule_hits(test_sessions, products, counts, 10, 1e9, True),
            "You used only the categories seen in the session. Add the prior: each category's share of "
            "training popularity, with weight 1.":
                _category_rule_hits(test_sessions, products, counts, 10, 1e-9, True),
            "You left the products already seen in the session in the ranking; exclude them, as the "
            "notebook's evaluation does.":
                _category_rule_hits(test_sessions, products, counts, 10, 1.0, False)})
