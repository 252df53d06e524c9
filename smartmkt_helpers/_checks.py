"""Input checks shared by several helper modules (not part of the public API)."""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd


def zero_one(values: Any, name: str, meaning: str) -> np.ndarray:
    """``values`` as a 1-D int8 array of 0/1; ``meaning`` ("1 = the positive class") goes into the error."""
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


def positive_int(value: Any, name: str, minimum: int = 1) -> int:
    """``value`` as an ``int`` of at least ``minimum`` (a ``bool`` is refused), or a clear error."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def vector(values: Any, name: str, length: int | None = None, what: str = "one per row") -> np.ndarray:
    """``values`` as a finite, non-empty 1-D float array of ``length`` values (``what`` each is), or a clear error."""
    array = values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers, got dtype {array.dtype}")
    array = array.astype(float)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} is empty")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    if length is not None and array.size != length:
        raise ValueError(f"{name} has {array.size} values, expected {length} ({what})")
    return array


def columns(frame: Any, wanted: Iterable[str], name: str = "the table") -> None:
    """Raise a clear error unless ``frame`` is a DataFrame with every column in ``wanted``."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [column for column in wanted if column not in frame.columns]
    if missing:
        raise ValueError(f"{name} has no column(s) {missing}; it has {list(frame.columns)}")


def filled_frame(frame: Any, wanted: Iterable[str], name: str) -> None:
    """Like :func:`columns`, and the frame has rows and no NaN in the ``wanted`` columns."""
    wanted = list(wanted)
    columns(frame, wanted, name)
    if len(frame) == 0:
        raise ValueError(f"{name} is empty")
    for column in wanted:
        if frame[column].isna().any():
            raise ValueError(f"{name} column {column!r} contains missing values (NaN)")


def non_negative_number(value: Any, name: str) -> float:
    """``value`` as a finite ``float`` of at least 0 (a ``bool`` is refused), or a clear error."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value}")
    return value
