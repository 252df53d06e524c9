"""The settings chapters 4, 11 and 13 import are the ones the benchmarks chose."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd

from smartmkt_helpers.recommenders import protocol

RESULTS = Path(__file__).resolve().parents[1] / "benchmarks" / "results"


def _chosen(table: pd.DataFrame, score: str, lowest: bool = False) -> dict:
    best = table[score].idxmin() if lowest else table[score].idxmax()
    return ast.literal_eval(table.loc[best, "params"])


def test_protocol_holds_the_values_run_ranking_chose():
    runs = pd.read_csv(RESULTS / "ranking_validation.csv")
    by_model = {name: group for name, group in runs.groupby("model")}
    assert _chosen(by_model["EASE^R"], "validation ndcg@10") == {"lambda_": protocol.EASE_LAMBDA}
    mf = _chosen(by_model["Keras MF (by rating)"], "validation rmse", lowest=True)
    assert mf.items() <= protocol.MF.items()
    assert _chosen(by_model["NeuMF"], "validation ndcg@10").items() <= protocol.NEUMF.items()
    assert _chosen(by_model["two-tower"], "validation ndcg@10").items() <= protocol.TWO_TOWER.items()
    curve = pd.read_csv(RESULTS / "ranking_dae_curve.csv")
    dae = _chosen(curve, "validation ndcg@10")
    dae.pop("epochs")  # chapter 4 reads the epochs from the curve itself
    assert dae.items() <= protocol.DAE.items()


def test_protocol_holds_the_als_settings_run_spark_chose():
    runs = pd.read_csv(RESULTS / "spark_als_validation.csv")
    assert _chosen(runs, "validation ndcg@10") == protocol.ALS_PARAMS
