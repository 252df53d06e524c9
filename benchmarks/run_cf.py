"""Chapter 3's rating-prediction table: Surprise's benchmark, re-measured.

Surprise's protocol on MovieLens 100K: 5-fold cross-validation with
``KFold(n_splits=5, random_state=0)``, every algorithm with its default
parameters, mean RMSE and MAE over the folds, and the total time to fit and
test on all five folds. Next to each row: the figures published in
Surprise's README (Hug 2020, https://github.com/NicolasHug/Surprise), and
two rows for the course's own user-based CF
(:class:`smartmkt_helpers.recommenders.neighbours.UserKNN`) with the
settings of KNNBasic and KNNWithMeans, run on the same folds.

Results go to benchmarks/results/cf_ratings.csv. SVD++ alone takes a few
minutes; ``--skip-slow`` leaves it out.

Usage::

    SMARTMKT_DATA_HOME=../shared/datasets python benchmarks/run_cf.py
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULTS = REPO_ROOT / "benchmarks" / "results" / "cf_ratings.csv"
FIELDS = ["algorithm", "implementation", "rmse", "mae", "seconds",
          "published_rmse", "published_mae", "data", "cpu_threads", "measured_on",
          "python"]

# Surprise README, MovieLens 100K table (5-fold CV, default parameters).
PUBLISHED = {
    "SVD": (0.934, 0.737),
    "SVD++": (0.919, 0.721),
    "NMF": (0.963, 0.758),
    "SlopeOne": (0.946, 0.743),
    "KNNBasic": (0.980, 0.774),
    "KNNWithMeans": (0.951, 0.749),
    "KNNBaseline": (0.931, 0.733),
    "CoClustering": (0.963, 0.753),
    "BaselineOnly": (0.944, 0.748),
    "NormalPredictor": (1.518, 1.219),
}
SLOW = {"SVD++"}


def surprise_algorithms():
    import surprise

    return {
        "SVD": lambda: surprise.SVD(random_state=0),
        "SVD++": lambda: surprise.SVDpp(random_state=0),
        "NMF": lambda: surprise.NMF(random_state=0),
        "SlopeOne": surprise.SlopeOne,
        "KNNBasic": lambda: surprise.KNNBasic(verbose=False),
        "KNNWithMeans": lambda: surprise.KNNWithMeans(verbose=False),
        "KNNBaseline": lambda: surprise.KNNBaseline(verbose=False),
        "CoClustering": lambda: surprise.CoClustering(random_state=0),
        "BaselineOnly": lambda: surprise.BaselineOnly(verbose=False),
        "NormalPredictor": surprise.NormalPredictor,
    }


def folds(frame: pd.DataFrame):
    """Surprise's five folds, as (trainset, testset, train frame, test frame)."""
    import surprise
    from surprise.model_selection import KFold

    reader = surprise.Reader(rating_scale=(1, 5))
    dataset = surprise.Dataset.load_from_df(frame[["user_id", "item_id", "rating"]], reader)
    for trainset, testset in KFold(n_splits=5, random_state=0).split(dataset):
        # item by item, each item's raters in Surprise's order (the fold's), so that
        # equally similar neighbours are taken in the same order by both
        train = pd.DataFrame(
            [(trainset.to_raw_uid(u), trainset.to_raw_iid(i), r)
             for i, raters in trainset.ir.items() for u, r in raters],
            columns=["user_id", "item_id", "rating"])
        test = pd.DataFrame(testset, columns=["user_id", "item_id", "rating"])
        yield trainset, testset, train, test


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-slow", action="store_true", help="leave out SVD++")
    args = parser.parse_args(argv)

    import smartmkt_helpers  # noqa: F401
    from smartmkt_helpers.datasets import load
    from smartmkt_helpers.recommenders.neighbours import UserKNN

    bunch = load("movielens-100k", fallback="simulate")
    print(f"data: {bunch.source}")
    all_folds = list(folds(bunch.frame))
    errors: dict[str, list[tuple[float, float]]] = {}
    seconds: dict[str, float] = {}
    implementation: dict[str, str] = {}

    for name, make in surprise_algorithms().items():
        if args.skip_slow and name in SLOW:
            continue
        started = time.perf_counter()
        for trainset, testset, _, _ in all_folds:
            predictions = make().fit(trainset).test(testset)
            truth = np.array([p.r_ui for p in predictions])
            est = np.array([p.est for p in predictions])
            errors.setdefault(name, []).append(
                (np.sqrt(np.mean((truth - est) ** 2)), np.mean(np.abs(truth - est))))
        seconds[name] = time.perf_counter() - started
        implementation[name] = "surprise"
        print(f"{name:16s} rmse {np.mean([e[0] for e in errors[name]]):.4f} "
              f"{seconds[name]:.1f}s", flush=True)

    ours = {
        "UserKNN (KNNBasic settings)": ("KNNBasic", dict(mean_centered=False)),
        "UserKNN (KNNWithMeans settings)": ("KNNWithMeans", dict(mean_centered=True)),
    }
    for name, (_, params) in ours.items():
        started = time.perf_counter()
        for _, _, train, test in all_folds:
            est = UserKNN(**params).fit(train).predict(test)
            truth = test["rating"].to_numpy(dtype=float)
            errors.setdefault(name, []).append(
                (np.sqrt(np.mean((truth - est) ** 2)), np.mean(np.abs(truth - est))))
        seconds[name] = time.perf_counter() - started
        implementation[name] = "smartmkt_helpers"
        print(f"{name:16s} rmse {np.mean([e[0] for e in errors[name]]):.4f} "
              f"{seconds[name]:.1f}s", flush=True)

    published_of = {name: PUBLISHED.get(name) for name in errors}
    for name, (surprise_name, _) in ours.items():
        published_of[name] = PUBLISHED[surprise_name]
    measured_on = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        for name, values in errors.items():
            published = published_of[name]
            writer.writerow({
                "algorithm": name,
                "implementation": implementation[name],
                "rmse": round(float(np.mean([v[0] for v in values])), 4),
                "mae": round(float(np.mean([v[1] for v in values])), 4),
                "seconds": round(seconds[name], 1),
                "published_rmse": published[0] if published else "",
                "published_mae": published[1] if published else "",
                "data": bunch.source,
                "cpu_threads": os.cpu_count(),
                "measured_on": measured_on,
                "python": platform.python_version(),
            })
    print(f"wrote {RESULTS.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
