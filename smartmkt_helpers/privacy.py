"""Privacy tools for customer data: pseudonyms, k-anonymity, noisy counts.

Chapter 12 teaches each idea in the notebook; this module keeps tested
versions for reuse:

- :func:`pseudonymise`: replace identifiers by keyed hashes (HMAC-SHA256),
  which cannot be reversed by hashing every possible identifier unless
  the key leaks;
- :func:`equivalence_classes` and :func:`k_anonymity`: how many released
  rows share each combination of quasi-identifiers, and the smallest such
  group (the ``k`` of k-anonymity);
- :func:`generalise_numeric`: coarsen a number into bands ("30-39");
- :func:`laplace_mechanism`: add Laplace noise of scale
  ``sensitivity / epsilon`` to counts (epsilon-differential privacy).

Examples
--------
>>> import pandas as pd

from smartmkt_helpers._checks import columns, positive_int
>>> table = pd.DataFrame({"age": [31, 33, 35, 52], "region": list("aaab")})
>>> k_anonymity(table, ["age", "region"])
1
>>> table["age"] = generalise_numeric(table["age"], width=30)
>>> k_anonymity(table, ["age", "region"])
1
>>> k_anonymity(table, ["age"])
4
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

__all__ = [
    "equivalence_classes",
    "generalise_numeric",
    "k_anonymity",
    "laplace_mechanism",
    "pseudonymise",
]


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
    """Keyed pseudonyms: the first ``length`` hex digits of HMAC-SHA256.

    The same identifier always gets the same pseudonym under the same key,
    so tables can still be joined; without the key, nobody can recompute
    the pseudonym of a known identifier. A plain hash (no key) does not
    have this property: when identifiers come from a small space (customer
    numbers, phone numbers), hashing every candidate reverses it.

    Each distinct value is hashed once.

    Parameters
    ----------
    values : array-like
        Identifiers; each is converted with ``str`` before hashing.
    key : bytes or str
        The secret key, at least 16 bytes. Keep it apart from the data.
    length : int, default 16
        Hex digits kept (4 to 64); 16 digits are 64 bits.

    Examples
    --------
    >>> key = b"0123456789abcdef"
    >>> pseudonymise([7, 7, 8], key, length=8).tolist()
    ['f69cf485', 'f69cf485', 'adde5a9b']
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
    """Every combination of quasi-identifiers in ``frame`` and its row count.

    An *equivalence class* is the set of rows that agree on all the
    quasi-identifiers: an attacker who knows a person's values of those
    columns cannot tell the rows of that class apart. Missing values form
    their own class.

    Returns
    -------
    pandas.DataFrame
        One row per class: the quasi-identifier columns and ``size``,
        smallest classes first.

    Examples
    --------
    >>> table = pd.DataFrame({"sex": list("FFM"), "band": ["20-29"] * 3})
    >>> equivalence_classes(table, ["sex", "band"])
      sex   band  size
    0   M  20-29     1
    1   F  20-29     2
    """
    columns = _check_quasi_identifiers(frame, quasi_identifiers)
    sizes = frame.groupby(columns, observed=True, dropna=False).size().rename("size")
    classes = sizes.reset_index().sort_values("size", kind="stable")
    return classes.reset_index(drop=True)


def k_anonymity(frame: pd.DataFrame, quasi_identifiers: Sequence[str]) -> int:
    """The ``k`` of k-anonymity: the size of the smallest equivalence class.

    A release is k-anonymous when every row shares its quasi-identifiers
    with at least ``k - 1`` other rows (Sweeney, 2002).

    Examples
    --------
    >>> table = pd.DataFrame({"sex": list("FFMM"), "band": ["20-29"] * 4})
    >>> k_anonymity(table, ["sex", "band"])
    2
    """
    return int(equivalence_classes(frame, quasi_identifiers)["size"].min())


def generalise_numeric(values: Any, width: int, *, origin: int = 0) -> pd.Series:
    """Replace integers by the band of ``width`` values they fall in.

    Bands start at ``origin`` and every ``width`` after it: with width 10,
    33 becomes ``"30-39"``. Wider bands make larger equivalence classes
    and less detailed data.

    Examples
    --------
    >>> generalise_numeric([19, 20, 34], width=10).tolist()
    ['10-19', '20-29', '30-39']
    """
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


def laplace_mechanism(
    counts: Any,
    epsilon: float,
    *,
    sensitivity: float = 1.0,
    random_state: int | np.random.Generator | None = None,
) -> np.ndarray:
    """Counts plus Laplace noise of scale ``sensitivity / epsilon``.

    If changing the data by one person changes the released counts by at
    most ``sensitivity`` in total (L1 norm), the noisy counts are
    epsilon-differentially private (Dwork et al., 2006): for any two such
    neighbouring data sets, the probability of any output differs by a
    factor of at most ``exp(epsilon)``. Which data sets are neighbours
    decides the sensitivity. Adding or removing one person changes the
    counts of disjoint segments by 1 in total (sensitivity 1); replacing
    one person by another can move one unit from one segment to another,
    changing two counts (sensitivity 2). The noise has mean 0 and mean
    absolute value ``sensitivity / epsilon``.

    .. warning::
       Leave ``random_state`` at ``None`` for a real release: the noise then comes
       from the operating system's entropy. With a known seed anyone can
       draw the same noise again and subtract it, and the guarantee is gone;
       a seed is for teaching and tests only. This function is a teaching
       copy, not a hardened one: floating-point Laplace samples leak
       through their lowest bits (Mironov, 2012). For real releases use a
       maintained library such as OpenDP or IBM's diffprivlib.

    Parameters
    ----------
    counts : array-like of numbers
        The true counts (or any query answers of the given sensitivity).
    epsilon : float
        The privacy budget, > 0: smaller means more noise, more privacy.
    sensitivity : float, default 1
        Largest total change one person can make to ``counts`` (L1 norm)
        under the chosen neighbour relation (see above).
    random_state : None, int or numpy.random.Generator, default None
        ``None`` draws fresh noise from the operating system's entropy. An
        int or a Generator makes the noise reproducible, which only a
        lesson or a test should want.

    Examples
    --------
    A fixed seed, so that this example prints the same numbers every time
    (never do this for a real release):

    >>> noisy = laplace_mechanism([120, 45, 8], epsilon=1.0, random_state=0)
    >>> noisy.round(2).tolist()
    [120.32, 44.38, 5.5]
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
