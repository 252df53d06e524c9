"""The top-10 benchmark of chapters 4, 11 and 13: its split and the settings chosen under it.

Microsoft Recommenders' MovieLens split: ``TRAIN_RATIO`` of each movie's ratings train
(``stratified_split(..., filter_by="item", random_state=SPLIT_SEED)``), lists of ``K``. The settings were chosen
on a validation split by ``benchmarks/run_ranking.py`` and ``run_spark.py ranking``
(``benchmarks/results/ranking_validation.csv``, ``spark_als_validation.csv``; checked by
``tests/test_protocol.py``). Benchmarks and chapters import them from here, so no value is typed twice.
"""

from __future__ import annotations

__all__ = ["ALS_BLOCKS", "ALS_PARAMS", "ALS_SEED", "DAE", "EASE_LAMBDA", "K", "MF", "NEUMF",
           "SPLIT_SEED", "TRAIN_RATIO", "TWO_TOWER"]

TRAIN_RATIO = 0.75  # share of each movie's ratings that trains
SPLIT_SEED = 42  # random_state of the benchmark's split
K = 10  # length of the top-k lists

# chosen on the validation split by benchmarks/run_ranking.py
EASE_LAMBDA = 500
MF = {"embedding_dim": 32, "l2": 3e-4, "epochs": 10, "batch_size": 2048, "learning_rate": 1e-2}
NEUMF = {"embedding_dim": 16, "hidden_units": (64, 32, 16),
         "n_negatives": 4, "epochs": 6, "batch_size": 4096,
         "learning_rate": 3e-3}
TWO_TOWER = {"embedding_dim": 32, "hidden_units": (64,), "id_dropout": 0.2,
             "epochs": 20, "batch_size": 64, "learning_rate": 3e-3}
# the autoencoder's epochs come from its validation curve
# (benchmarks/results/ranking_dae_curve.csv)
DAE = {"latent_dim": 200, "dropout": 0.7, "batch_size": 64, "learning_rate": 1e-3}

# Spark MLlib's ALS (implicit feedback), chosen by benchmarks/run_spark.py
ALS_PARAMS = {"rank": 32, "regParam": 0.1, "alpha": 0.05, "maxIter": 10}
ALS_SEED = 0
ALS_BLOCKS = 2  # user and item blocks (fixed, so results do not depend on cores)
