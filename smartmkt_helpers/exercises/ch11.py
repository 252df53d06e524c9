"""Self-checks for chapter 11: evaluation."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from smartmkt_helpers.evaluation import gini_coefficient
from smartmkt_helpers.exercises import register, require_columns
from smartmkt_helpers.exercises.checking import CheckResult, check_answer
from smartmkt_helpers.experiments import sample_size_proportions
from smartmkt_helpers.metrics import precision_at_k, recall_at_k


@register("11.1")
def _recall_at_10(answer: Any, *, lists: pd.DataFrame, test: pd.DataFrame) -> CheckResult:
    require_columns(lists, ["user_id", "item_id"], "lists")
    require_columns(test, ["user_id", "item_id"], "test")
    scored = lists.assign(prediction=-lists.groupby("user_id").cumcount())
    k = int(lists.groupby("user_id").size().max())
    expected = recall_at_k(test, scored, k=k)
    users = np.intersect1d(lists["user_id"].unique(), test["user_id"].unique())
    relevant = test.drop_duplicates(["user_id", "item_id"]).groupby("user_id").size()
    list_length = lists.groupby("user_id").size()
    source_ratio = float((list_length[users] / relevant[users]).mean())
    return check_answer(
        answer, expected, name="itemcf_recall", mistakes={
            "You divided the list length by the number of test movies, the source's wording. Recall counts "
            "hits: recommended movies that are in the test set.": source_ratio,
            "You divided the hits by the list length: that is precision. Recall divides by the user's number "
            "of test movies.": precision_at_k(test, scored, k=k)})


@register("11.2")
def _customers_per_group(answer: Any) -> CheckResult:
    expected = sample_size_proportions(0.04, 0.004, power=0.9)
    return check_answer(
        answer, expected, name="customers_per_group", rtol=2e-3, mistakes={
            "That is the size for 80% power. The test asks for 90%: pass power=0.9.":
                sample_size_proportions(0.04, 0.004, power=0.8),
            "That is both groups together; the question asks per group.": 2 * expected,
            "The lift is absolute: 4% to 4.4% is 0.004, not 0.4 or 10%.":
                sample_size_proportions(0.04, 0.04, power=0.9)})


@register("11.3")
def _exposure_gini(answer: Any, *, lists: pd.DataFrame, catalog) -> CheckResult:
    require_columns(lists, ["item_id"], "lists")
    counts = lists["item_id"].value_counts()
    expected = gini_coefficient(counts.reindex(pd.Index(catalog), fill_value=0))
    return check_answer(
        answer, expected, name="ease_gini", mistakes={
            "You left out the movies that are never recommended. Exposure inequality is measured over the "
            "whole catalogue: reindex the counts on catalog with fill_value=0.": gini_coefficient(counts)})
