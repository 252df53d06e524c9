"""Privacy tools for customer data (chapter 12): keyed pseudonyms, k-anonymity, Laplace noise.

k-anonymity is Sweeney (2002); the Laplace mechanism is Dwork et al. (2006).

>>> table = pd.DataFrame({"age": [31, 33, 35, 52], "region": list("aaab")})
>>> table["age"] = generalise_numeric(table["age"], width=30)
>>> k_anonymity(table, ["age", "region"]), k_anonymity(table, ["age"])
(1, 4)
"""

from __future__ import annotations

import hashlib
import hmac
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from smartmkt_helpers._checks import columns, positive_int

__all__ = ["equivalence_classes", "generalise_numeric", "k_anonymity", "laplace_mechanism", "pseudonymise"]


def _key_bytes(key: Any) -> bytes:
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, (bytes, bytearray)):
        raise TypeError(f"key must be bytes or str, got {type(key).__name__}")
    if len(key) < 16:
        raise ValueError(
            f"key has {len(key)} bytes; use a random secret of at least 16 bytes "
            "(for example secrets.token_bytes(32))"
        )
    return bytes(key)


def pseudonymise(values: Any, key: bytes | str, *, length: int = 16) -> np.ndarray:
    """Keyed pseudonyms: the first ``length`` hex digits (4 to 64) of HMAC-SHA256 of ``str(value)``.

    The same identifier gets the same pseudonym under the same key, so tables
    still join; without the key (at least 16 bytes, kept apart from the data)
    nobody can recompute it, whereas a plain hash of a small identifier space
    is reversed by hashing every candidate.
    """
    secret = _key_bytes(key)
    length = positive_int(length, "length")
    if not 4 <= length <= 64:
        raise ValueError(f"length must be between 4 and 64 hex digits, got {length}")
    series = pd.Series(np.asarray(values, dtype=object).ravel())
    if series.empty:
        raise ValueError("values is empty")
    if series.isna().any():
        raise ValueError("values contains missing identifiers (NaN or None)")
    codes, uniques = pd.factorize(series.map(str))
    digests = np.array([
        hmac.new(secret, value.encode("utf-8"), hashlib.sha256).hexdigest()[:length]
        for value in uniques
    ], dtype=object)
    return digests[codes]


def _check_quasi_identifiers(frame: Any, quasi_identifiers: Sequence[str]) -> list[str]:
    if isinstance(quasi_identifiers, str):
        quasi_identifiers = [quasi_identifiers]
    wanted = list(quasi_identifiers)
    if not wanted:
        raise ValueError("quasi_identifiers is empty: name at least one column")
    columns(frame, wanted, "frame")
    if frame.empty:
        raise ValueError("frame is empty")
    return wanted


def equivalence_classes(frame: pd.DataFrame, quasi_identifiers: Sequence[str]) -> pd.DataFrame:
    """Every combination of quasi-identifiers in ``frame`` with its row count ``size``, smallest first.

    Rows in one class cannot be told apart by someone who knows those columns;
    missing values form their own class.
    """
    columns = _check_quasi_identifiers(frame, quasi_identifiers)
    sizes = frame.groupby(columns, observed=True, dropna=False).size().rename("size")
    classes = sizes.reset_index().sort_values("size", kind="stable")
    return classes.reset_index(drop=True)


def k_anonymity(frame: pd.DataFrame, quasi_identifiers: Sequence[str]) -> int:
    """The ``k`` of k-anonymity: the size of the smallest equivalence class."""
    return int(equivalence_classes(frame, quasi_identifiers)["size"].min())


def generalise_numeric(values: Any, width: int, *, origin: int = 0) -> pd.Series:
    """Replace integers by the band of ``width`` values, from ``origin``, they fall in (33 -> ``30-39``)."""
    width = positive_int(width, "width")
    numbers_in = pd.Series(values)
    if numbers_in.empty:
        raise ValueError("values is empty")
    if numbers_in.isna().any():
        raise ValueError("values contains NaN")
    if not pd.api.types.is_numeric_dtype(numbers_in):
        raise TypeError(f"values must be numbers, got dtype {numbers_in.dtype}")
    low = (np.floor((numbers_in.to_numpy(float) - origin) / width) * width + origin).astype(int)
    labels = pd.Series(low).astype(str) + "-" + pd.Series(low + width - 1).astype(str)
    labels.index = numbers_in.index
    return labels


def laplace_mechanism(counts: Any, epsilon: float, *, sensitivity: float = 1.0,
                      random_state: int | np.random.Generator | None = None) -> np.ndarray:
    """Counts plus Laplace noise of scale ``sensitivity / epsilon`` (epsilon-differential privacy).

    ``sensitivity`` is the largest total (L1) change one person can make to the
    counts: 1 for adding or removing a person from disjoint segments, 2 for
    replacing one. Leave ``random_state`` at None for a real release (a known seed
    lets anyone subtract the noise); this is a teaching copy (floating-point
    samples leak, Mironov, 2012): use OpenDP or diffprivlib for real releases.
    """
    true_counts = np.asarray(counts, dtype=float)
    if true_counts.size == 0:
        raise ValueError("counts is empty")
    if not np.isfinite(true_counts).all():
        raise ValueError("counts contains NaN or infinite values")
    for name, value in (("epsilon", epsilon), ("sensitivity", sensitivity)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{name} must be a number, got {type(value).__name__}")
        if not np.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a finite number > 0, got {value}")
    rng = random_state if isinstance(random_state, np.random.Generator) else np.random.default_rng(random_state)
    return true_counts + rng.laplace(0.0, sensitivity / epsilon, size=true_counts.shape)
