"""Execute the chapters into the book's execution cache, several at a time.

``jupyter-book build`` executes the notebooks it has no cached outputs for
one after another. This script fills the same cache (jupyter-cache, in
``_build/.jupyter_cache``) first, running ``--jobs`` notebooks at once, each
in its own kernel and its own folder exactly as the build would run it; the
build then finds every notebook cached and only renders. A notebook whose
code has not changed since it was cached is not run again.

Usage (``make book`` does this)::

    python book/execute.py            # every notebook in the table of contents
    python book/execute.py --jobs 1   # one at a time

It exits with status 1, naming the notebook and the failing cell, when a
notebook raises; the build would stop on the same error.

With more than one job, each kernel runs its numerical libraries (BLAS,
OpenMP, XLA) on one thread, unless the environment already says otherwise:
two notebooks whose libraries each start a thread per core would compete
for the same cores (measured on 2 cores: chapters 7 and 10 side by side
took 87 s of kernel time with the default threads, 76 s with one each).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import yaml
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from jupyter_cache.executors.utils import single_nb_execution

REPO_ROOT = Path(__file__).resolve().parents[1]
ONE_THREAD = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
}
CACHE = REPO_ROOT / "_build" / ".jupyter_cache"
TIMINGS = REPO_ROOT / "benchmarks" / "results" / "notebooks.csv"


def toc_notebooks() -> list[Path]:
    """The notebooks the table of contents lists, in reading order."""
    toc = yaml.safe_load((REPO_ROOT / "book" / "_toc.yml").read_text(encoding="utf-8"))
    files = []

    def walk(node) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for key in ("parts", "chapters", "sections"):
                walk(node.get(key, []))

    walk(toc)
    return [REPO_ROOT / f"{name}.ipynb" for name in files if (REPO_ROOT / f"{name}.ipynb").is_file()]


def longest_first(paths: list[Path]) -> list[Path]:
    """Order by the measured run time, longest first, so the pool ends together."""
    seconds = {}
    if TIMINGS.is_file():
        with open(TIMINGS, newline="") as handle:
            for row in csv.DictReader(handle):
                seconds[row["notebook"]] = max(seconds.get(row["notebook"], 0.0), float(row["seconds"]))
    return sorted(paths, key=lambda path: -seconds.get(path.name, 0.0))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="notebooks run at once (default: the number of CPU cores)")
    parser.add_argument("--timeout", type=int, default=300, help="seconds a cell may take")
    args = parser.parse_args()
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")

    cache = get_cache(str(CACHE))
    pending = []
    for path in longest_first(toc_notebooks()):
        notebook = nbformat.read(path, as_version=4)
        try:
            cache.match_cache_notebook(notebook)
        except KeyError:
            pending.append((path, notebook))
    if not pending:
        print("Every notebook's outputs are cached already.")
        return 0

    print(f"Executing {len(pending)} notebook(s), {args.jobs} at a time", flush=True)
    # In JupyterLab a solution's output is folded into a closed box, so Run
    # All shows no answers; the book hides the whole solution cell behind
    # its "Show solution" toggle instead, so there the output comes as it is.
    os.environ["SMARTMKT_OPEN_SOLUTIONS"] = "1"
    if args.jobs > 1:  # the kernels inherit this process's environment
        for name, value in ONE_THREAD.items():
            os.environ.setdefault(name, value)

    def run(item):
        path, notebook = item
        result = single_nb_execution(
            notebook, cwd=str(path.parent), timeout=args.timeout, allow_errors=False
        )
        print(f"  {path.name}: {result.time:.1f} s{' FAILED' if result.err else ''}", flush=True)
        return path, notebook, result

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(run, pending))
    failed = []
    for path, notebook, result in results:  # one writer for the cache's database
        if result.err is not None:
            failed.append(f"{path.relative_to(REPO_ROOT)}:\n{result.exc_string}")
            continue
        cache.cache_notebook_bundle(
            CacheBundleIn(notebook, str(path), data={"execution_seconds": result.time}),
            check_validity=False,
            overwrite=True,
        )
    print(f"Executed in {time.perf_counter() - start:.0f} s", flush=True)
    for failure in failed:
        print(f"Executing {failure}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
