"""Self-checks for chapter 4: deep recommenders."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from smartmkt_helpers.exercises import register, require_columns
from smartmkt_helpers.workshop import CheckResult, check_answer


def _ease_inverse(interactions: Any, penalty: float) -> np.ndarray:
    matrix = sp.csr_matrix(interactions)
    gram = (matrix.T @ matrix).toarray().astype(float)
    gram[np.diag_indices_from(gram)] += float(penalty)
    return np.linalg.inv(gram)


@register("4.1")
def _ease_weights(answer: Any, *, interactions: Any, penalty: float) -> CheckResult:
    inverse = _ease_inverse(interactions, penalty)
    expected = inverse / -np.diag(inverse)
    no_zero_diagonal = expected.copy()
    np.fill_diagonal(expected, 0.0)
    wrong_sign = -expected
    row_scaled = inverse / -np.diag(inverse)[:, None]
    np.fill_diagonal(row_scaled, 0.0)
    return check_answer(
        answer,
        expected,
        name="ease_weights",
        rtol=1e-4,
        atol=1e-8,
        mistakes={
            "Set the diagonal to 0 after dividing: the constraint diag(B) = 0 "
            "keeps a movie from predicting itself.": no_zero_diagonal,
            "Check the sign: B_ij = -P_ij / P_jj.": wrong_sign,
            "Divide each column j by P_jj (the diagonal entry of the column), "
            "not each row.": row_scaled,
        },
    )


def _average_precision_sums(truth: pd.DataFrame, recommendations: pd.DataFrame,
                            k: int) -> tuple[pd.Series, pd.Series]:
    ranked = recommendations.copy()
    ranked["rank"] = ranked.groupby("user_id").cumcount() + 1
    ranked = ranked[ranked["rank"] <= k]
    truth = truth[truth["user_id"].isin(ranked["user_id"].unique())]
    hits = ranked.merge(truth[["user_id", "item_id"]].drop_duplicates(),
                        on=["user_id", "item_id"])
    hits = hits.sort_values(["user_id", "rank"])
    hits["precision"] = (hits.groupby("user_id").cumcount() + 1) / hits["rank"]
    relevant = truth.groupby("user_id").size()
    summed = hits.groupby("user_id")["precision"].sum().reindex(relevant.index, fill_value=0.0)
    return summed, relevant


@register("4.2")
def _map_at_10(answer: Any, *, truth: pd.DataFrame,
               recommendations: pd.DataFrame, k: int = 10) -> CheckResult:
    require_columns(truth, ["user_id", "item_id"], "truth")
    require_columns(recommendations, ["user_id", "item_id"], "recommendations")
    summed, relevant = _average_precision_sums(truth, recommendations, k)
    return check_answer(
        answer,
        float((summed / relevant.clip(upper=k)).mean()),
        name="map_at_10",
        mistakes={
            "You divided by all relevant test movies: that is the benchmark's "
            "'MAP'. MAP@10 divides by min(relevant, 10).":
                float((summed / relevant).mean()),
            "You divided by 10 for every user; a user with fewer than 10 "
            "relevant movies cannot reach 10 hits. Divide by min(relevant, 10).":
                float((summed / k).mean()),
        },
    )


@register("4.3")
def _top10_share(answer: Any, *, recommendations: pd.DataFrame) -> CheckResult:
    require_columns(recommendations, ["item_id"], "recommendations")
    counts = recommendations["item_id"].value_counts()
    return check_answer(
        answer,
        float(counts.iloc[:10].sum() / len(recommendations)),
        name="top10_share",
        mistakes={
            "You divided by the number of distinct movies. Divide by the "
            "number of recommendation slots (rows of the lists).":
                float(counts.iloc[:10].sum() / len(counts)),
            "That is the share of distinct movies; count how many slots the "
            "10 most frequent movies fill.":
                float(min(10, len(counts)) / len(recommendations)),
        },
    )
