"""The stored notebook timings say what they measured."""

import csv
import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[1] / "benchmarks" / "results" / "notebooks.csv"


def _rows():
    with open(RESULTS, newline="") as handle:
        return list(csv.DictReader(handle))


def test_real_data_rows_ran_on_real_data():
    # A "real" row measured with no dataset in the cache timed the twins.
    wrong = []
    for row in _rows():
        if row["data"] != "real":
            continue
        found = re.match(r"(\d+) of (\d+) real datasets", row["real_data"])
        if found is None or int(found.group(1)) == 0:
            wrong.append(f"{row['notebook']}: {row['real_data']!r}")
    assert not wrong, ("real-data timings measured without the real data "
                       f"(rerun benchmarks/run_notebooks.py with SMARTMKT_DATA_HOME set): {wrong}")


def test_twin_rows_ran_offline_on_an_empty_cache():
    wrong = [row["notebook"] for row in _rows()
             if row["data"] == "twins" and not row["real_data"].startswith("none")]
    assert not wrong, f"twin timings not measured offline on an empty cache: {wrong}"
