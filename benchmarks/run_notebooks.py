"""Time every chapter notebook: wall time and the kernel's peak memory.

Each notebook runs in a fresh process with a fresh kernel, as a learner
would run it, and the results go to benchmarks/results/notebooks.csv (the
book's benchmarks page reads that file), one row per notebook and data
setting. Exits with status 1 when a notebook fails or runs over the budget
of NOTEBOOK_BUDGET_SECONDS.

Usage::

    python benchmarks/run_notebooks.py                 # every notebook
    python benchmarks/run_notebooks.py notebooks/00_getting_started.ipynb
    python benchmarks/run_notebooks.py --twins         # offline, empty cache
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULTS = REPO_ROOT / "benchmarks" / "results" / "notebooks.csv"
FIELDS = [
    "notebook",
    "data",
    "seconds",
    "peak_memory_mb",
    "budget_seconds",
    "within_budget",
    "cpu_threads",
    "real_data",
    "measured_on",
    "python",
    "machine",
]


def run_one(path: Path) -> dict:
    """Execute one notebook in this process's own kernel; return its figures."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    # The kernel was this process's child; once it has exited, its peak
    # resident memory is in RUSAGE_CHILDREN (kilobytes on Linux).
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": round(seconds, 1), "peak_memory_mb": round(peak_kb / 1024)}


def measure(path: Path, env: dict[str, str]) -> dict:
    """Run one notebook in a fresh Python process and collect its figures.

    JAX's cache of compiled programs starts empty, so the time is that of a
    learner's first run of the chapter (a rerun skips most compilation).
    """
    with tempfile.TemporaryDirectory(prefix="smartmkt-jax-cache-") as jax_cache:
        completed = subprocess.run(
            [sys.executable, __file__, "--one", str(path)],
            capture_output=True,
            text=True,
            cwd=REPO_ROOT,
            env={**env, "JAX_COMPILATION_CACHE_DIR": jax_cache},
        )
    if completed.returncode != 0:
        raise RuntimeError(f"{path.name} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> int:
    from smartmkt_helpers.config import NOTEBOOK_BUDGET_SECONDS
    from smartmkt_helpers.data import cache_status
    from smartmkt_helpers.environment import cpu_threads

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument(
        "--twins", action="store_true",
        help="run offline with an empty data cache, so every notebook uses the simulated twins",
    )
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one.resolve())))
        return 0

    paths = [p.resolve() for p in args.notebooks] or sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
    previous = {}
    if RESULTS.is_file():
        with open(RESULTS, newline="") as handle:
            previous = {
                (row["notebook"], row.get("data") or "real"): row for row in csv.DictReader(handle)
            }

    env = dict(os.environ)
    empty_cache = tempfile.TemporaryDirectory(prefix="smartmkt-empty-cache-")
    if args.twins:
        env.update(SMARTMKT_OFFLINE="1", SMARTMKT_DATA_HOME=empty_cache.name)
        setting, data_available = "twins", "none (offline, empty cache)"
    else:
        status = cache_status()
        setting = "real"
        verified = int((status["status"] == "verified").sum())
        if verified == 0:
            parser.error(
                "no verified real dataset in the data cache "
                f"(SMARTMKT_DATA_HOME={os.environ.get('SMARTMKT_DATA_HOME', 'unset')}): a 'real' row "
                "would time the simulated twins. Point SMARTMKT_DATA_HOME at the datasets, or pass --twins."
            )
        data_available = f"{verified} of {len(status)} real datasets"
    failures = []
    today = dt.date.today().isoformat()
    for path in paths:
        try:
            figures = measure(path, env)
        except RuntimeError as error:
            failures.append(str(error))
            print(f"{path.name}: FAILED", flush=True)
            continue
        within = figures["seconds"] <= NOTEBOOK_BUDGET_SECONDS
        previous[path.name, setting] = {
            "notebook": path.name,
            "data": setting,
            **figures,
            "budget_seconds": NOTEBOOK_BUDGET_SECONDS,
            "within_budget": within,
            "cpu_threads": cpu_threads(),
            "real_data": data_available,
            "measured_on": today,
            "python": platform.python_version(),
            "machine": platform.machine(),
        }
        if not within:
            failures.append(f"{path.name} took {figures['seconds']} s, over the {NOTEBOOK_BUDGET_SECONDS} s budget")
        print(f"{path.name} ({setting}): {figures['seconds']} s, peak {figures['peak_memory_mb']} MB", flush=True)
    empty_cache.cleanup()

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    partial = RESULTS.with_suffix(".csv.tmp")
    with open(partial, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        for key in sorted(previous):
            row = {"data": "real", **previous[key]}
            writer.writerow({field: row.get(field, "") for field in FIELDS})
    partial.replace(RESULTS)  # readers never see a half-written file
    print(f"Results: {RESULTS.relative_to(REPO_ROOT)}")
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
