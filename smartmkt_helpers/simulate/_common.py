"""Plumbing shared by the simulated twins: random streams, checks, cards, the Bunch.

Every twin draws from its own named random streams (see :func:`stream`), so
that adding a twin, or a draw to one twin, leaves every other twin's data
unchanged for the same ``random_state``.

Examples
--------
>>> stream(0, "example").integers(100) == stream(0, "example").integers(100)
np.True_
>>> hashed_tokens(0, "C1", 2, digits=8)
['7500a2a9', '87a47db1']
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from smartmkt_helpers.data.registry import DATASETS
from smartmkt_helpers.data.schema import SCHEMAS, conform

#: Bound on a logit before it goes through the logistic function.
LOGIT_BOUND = 30.0
SECONDS_PER_DAY = 86_400
#: The twins' data cards, one Markdown file per twin.
CARDS_FOLDER = Path(__file__).with_name("cards")


def check_random_state(random_state: object) -> int:
    """Return ``random_state`` as an int (a fresh one for None), or raise ValueError."""
    if random_state is None:
        return int(np.random.SeedSequence().entropy)
    if isinstance(random_state, bool) or not isinstance(random_state, (int, np.integer)) or random_state < 0:
        raise ValueError(f"random_state must be a non-negative integer or None, got {random_state!r}")
    return int(random_state)


def check_number(option: str, value: object, minimum: float, maximum: float) -> float:
    """Return a real-valued option as a float, or raise ValueError naming the option."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{option} must be a number, got {value!r}")
    if not minimum <= value <= maximum:
        raise ValueError(f"{option} must be between {minimum} and {maximum}, got {value!r}")
    return float(value)


def _stream_key(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


def stream(random_state: int, *names: str) -> np.random.Generator:
    """An independent random generator for ``random_state`` and a path of stream names.

    The same ``(random_state, names)`` always gives the same generator, and
    different names give statistically independent ones.
    """
    keys = [check_random_state(random_state)] + [_stream_key(name) for name in names]
    return np.random.default_rng(np.random.SeedSequence(keys))


def hashed_tokens(random_state: int, column: str, count: int, digits: int = 32) -> list[str]:
    """``count`` distinct hexadecimal tokens that look like hashed values.

    They are the first ``digits`` hex digits of the MD5 of the random state,
    the column name and the value's index, so they carry no information.
    """
    tokens = [
        hashlib.md5(f"{random_state}/{column}/{index}".encode()).hexdigest()[:digits]
        for index in range(count)
    ]
    if len(set(tokens)) != count:  # pragma: no cover - 8 hex digits, a few thousand values
        raise RuntimeError(f"hash collision among the tokens of {column}")
    return tokens


def sigmoid(logit: np.ndarray) -> np.ndarray:
    """The logistic function, safe for large logits."""
    return 1.0 / (1.0 + np.exp(-np.clip(logit, -LOGIT_BOUND, LOGIT_BOUND)))


def choose_per_row(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One category index per row of a (rows, categories) probability matrix."""
    cumulative = np.cumsum(probabilities, axis=1)
    cumulative /= cumulative[:, -1:]
    draws = rng.random(len(probabilities))[:, None]
    return np.minimum((cumulative < draws).sum(axis=1), probabilities.shape[1] - 1)


def zipf_weights(count: int, exponent: float, offset: float = 0.0) -> np.ndarray:
    """Weights proportional to ``(rank + offset) ** -exponent`` for ranks 1..count, summing to 1.

    A positive ``offset`` (the Zipf-Mandelbrot law) flattens the head.
    """
    weights = (np.arange(1, count + 1, dtype=float) + offset) ** -exponent
    return weights / weights.sum()


def data_card(name: str) -> str:
    """The Markdown data card of twin ``name`` (``cards/<name>.md``, its ``DESCR``).

    Examples
    --------
    >>> data_card("cdnow").splitlines()[0]
    '# Simulated twin: CDNOW master transactions'
    """
    path = CARDS_FOLDER / f"{name}.md"
    if not path.is_file():
        known = ", ".join(sorted(card.stem for card in CARDS_FOLDER.glob("*.md")))
        raise ValueError(f"no data card for {name!r}; the twins are: {known}")
    return path.read_text(encoding="utf-8")


def make_bunch(
    name: str,
    random_state: int,
    options: Mapping[str, object],
    tables: Mapping[str, pd.DataFrame],
    ground_truth: Bunch,
    extra_tables: Mapping[str, pd.DataFrame] | None = None,
    schema: Mapping[str, Mapping[str, object]] | None = None,
) -> Bunch:
    """Conform the tables of twin ``name`` to their schema and wrap everything in a Bunch.

    ``tables`` holds the main table under ``"frame"`` and one entry for each
    side table of the schema (the real dataset's, unless ``schema`` is given
    for a twin without a real counterpart); ``extra_tables`` holds side
    tables that have no schema (German Credit's cost matrix, for example).
    """
    schemas = {name: schema} if schema is not None else SCHEMAS
    if set(tables) != set(schemas[name]):
        raise RuntimeError(f"{name}: tables {sorted(tables)} differ from the schema's {sorted(schemas[name])}")
    conformed = {part: conform(table, name, part, schemas=schemas) for part, table in tables.items()}
    mirrored = DATASETS[name].title if name in DATASETS else "no real dataset (a course-made benchmark)"
    return Bunch(
        **conformed,
        **(extra_tables or {}),
        ground_truth=ground_truth,
        DESCR=data_card(name),
        source="simulated",
        citation=(
            f"Simulated twin generated by smartmkt_helpers.simulate (random_state={random_state}); "
            f"mirrors: {mirrored}."
        ),
        random_state=random_state,
        name=name,
        options=dict(options),
    )
