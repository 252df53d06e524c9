"""Input checks shared by several helper modules (not part of the public API)."""

from __future__ import annotations

from typing import Any

import numpy as np


def zero_one(values: Any, name: str, meaning: str) -> np.ndarray:
    """``values`` as a one-dimensional int8 array of 0/1, or a clear error.

    ``meaning`` says what 1 stands for, for the error message (for example
    ``"1 = the positive class"``).
    """
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} is empty")
    if array.dtype.kind == "b":
        return array.astype(np.int8)
    if array.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold 0/1 labels or True/False, got dtype {array.dtype}")
    if np.isnan(array.astype(float)).any():
        raise ValueError(f"{name} contains NaN")
    if not np.isin(array, (0, 1)).all():
        raise ValueError(f"{name} must hold only 0 and 1 ({meaning})")
    return array.astype(np.int8)
