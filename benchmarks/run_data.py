"""Time the data layer: loading each real dataset, simulating each twin.

Every figure is the median of ``--repeats`` runs in this process (after one
warm-up run, so imports are not counted). Loading includes the SHA-256
verification of the cached files. Results go to
benchmarks/results/data.csv, which the book's benchmarks page reads.

Usage::

    SMARTMKT_DATA_HOME=../shared/datasets python benchmarks/run_data.py
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import platform
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULTS = REPO_ROOT / "benchmarks" / "results" / "data.csv"
FIELDS = ["task", "name", "rows", "seconds", "repeats", "cpu_threads", "measured_on", "python"]


def median_seconds(action, repeats: int) -> tuple[float, object]:
    """Run ``action`` once to warm up, then ``repeats`` times; median wall time."""
    result = action()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> int:
    from smartmkt_helpers import data, simulate
    from smartmkt_helpers.environment import cpu_threads

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    rows = []
    status = data.cache_status()
    for name in data.DATASETS:
        if status.loc[name, "status"] != "verified":
            print(f"load {name}: skipped, not verified in {data.data_home()}")
            continue
        seconds, bunch = median_seconds(lambda name=name: data.load(name), args.repeats)
        rows.append({"task": "load real", "name": name, "rows": len(bunch.frame), "seconds": seconds})
    seconds, events = median_seconds(lambda: simulate.Shop(random_state=0).events(), args.repeats)
    rows.append({"task": "simulate", "name": "Shop(random_state=0).events()", "rows": len(events), "seconds": seconds})
    for name in simulate.TWINS:
        seconds, bunch = median_seconds(lambda name=name: simulate.simulate(name, random_state=0), args.repeats)
        rows.append({"task": "simulate", "name": name, "rows": len(bunch.frame), "seconds": seconds})

    common = {
        "repeats": args.repeats,
        "cpu_threads": cpu_threads(),
        "measured_on": dt.date.today().isoformat(),
        "python": platform.python_version(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    partial = RESULTS.with_suffix(".csv.tmp")
    with open(partial, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        for row in rows:
            row = {**row, **common, "seconds": round(row["seconds"], 3)}
            writer.writerow(row)
            print(f"{row['task']:>10} {row['name']:<24} {row['rows']:>8} rows {row['seconds']:7.3f} s")
    partial.replace(RESULTS)  # readers never see a half-written file
    print(f"Results: {RESULTS.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
