"""Customer features from transaction logs: RFM, behaviour histograms, and transforms for K-means.

>>> log = pd.DataFrame({"customer_id": [1, 1, 2], "amount": [10.0, 30.0, 5.0],
...                     "date": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-01-05"])})
>>> rfm_features(log, as_of="2024-01-21")[["recency_days", "frequency", "monetary"]].to_numpy().tolist()
[[10.0, 2.0, 20.0], [16.0, 1.0, 5.0]]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from smartmkt_helpers import _checks

__all__ = ["histogram_features", "log1p_columns", "rfm_features", "standardize"]


def _require(frame: pd.DataFrame, wanted: Sequence[str], name: str) -> None:
    _checks.columns(frame, wanted, name)
    if frame.empty:
        raise ValueError(f"{name} is empty: it has no rows")


def _numeric_columns(frame: pd.DataFrame, wanted: Sequence[str] | None, name: str) -> list[str]:
    _checks.columns(frame, [] if wanted is None else wanted, name)
    wanted = list(frame.columns if wanted is None else wanted)
    bad = [str(c) for c in wanted
           if not pd.api.types.is_numeric_dtype(frame[c])
           or pd.api.types.is_bool_dtype(frame[c])]
    if bad:
        raise TypeError(f"{name} has non-numeric column(s) {', '.join(bad)}")
    if frame.empty:
        raise ValueError(f"{name} is empty: it has no rows")
    return wanted


def rfm_features(transactions: pd.DataFrame, *, col_customer: str = "customer_id", col_date: str = "date",
                 col_amount: str = "amount", col_quantity: str | None = None,
                 as_of: Any = None) -> pd.DataFrame:
    """One row per customer: recency, frequency, monetary value and behaviour.

    Columns ``recency_days`` and ``tenure_days`` (last and first purchase to
    ``as_of``, by default the day after the last purchase; later purchases are
    ignored), ``frequency``, ``monetary`` (mean amount), ``total_amount`` (summed
    exactly in integer cents when amounts are whole cents), ``purchases_per_month``
    (per 30 days of tenure) and, with ``col_quantity``, ``mean_quantity``.
    """
    wanted = [col_customer, col_date, col_amount] + ([col_quantity] if col_quantity else [])
    _require(transactions, wanted, "transactions")
    dates = pd.to_datetime(transactions[col_date])
    amounts = transactions[col_amount]
    if not pd.api.types.is_numeric_dtype(amounts):
        raise TypeError(f"transactions column {col_amount} must be numeric")
    if amounts.isna().any() or dates.isna().any():
        raise ValueError(f"transactions has NaN in {col_amount} or {col_date}")
    as_of = dates.max() + pd.Timedelta(days=1) if as_of is None else pd.Timestamp(as_of)
    keep = dates < as_of
    if not keep.any():
        raise ValueError(f"no purchase before as_of={as_of.date()}")
    amount = amounts.to_numpy(dtype=float)
    cents = np.round(amount * 100)
    # Amounts in whole cents are summed exactly, as integer cents: the totals
    # then do not depend on the order of the rows (a float sum does, in its
    # last bit), and a Spark job that sums decimals gets the same numbers.
    in_cents = bool(np.all(np.abs(amount * 100 - cents) < 1e-6) and np.all(np.abs(cents) < 2**53))
    frame = pd.DataFrame({"customer": transactions[col_customer].to_numpy(), "date": dates.to_numpy(),
                          "amount": cents.astype(np.int64) if in_cents else amount})
    if col_quantity:
        frame["quantity"] = transactions[col_quantity].to_numpy(dtype=float)
    grouped = frame[keep.to_numpy()].groupby("customer")
    aggregations = {"last": ("date", "max"), "first": ("date", "min"),
                    "frequency": ("amount", "size"), "total_amount": ("amount", "sum")}
    if col_quantity:
        aggregations["mean_quantity"] = ("quantity", "mean")
    table = grouped.agg(**aggregations)
    if in_cents:
        table["total_amount"] = table["total_amount"] / 100
    day = pd.Timedelta(days=1)
    out = pd.DataFrame(index=table.index.rename(col_customer))
    out["recency_days"] = (as_of - table["last"]) / day
    out["frequency"] = table["frequency"]
    out["monetary"] = table["total_amount"] / table["frequency"]
    out["total_amount"] = table["total_amount"]
    out["tenure_days"] = (as_of - table["first"]) / day
    out["purchases_per_month"] = out["frequency"] / np.maximum(out["tenure_days"], 1.0) * 30
    if col_quantity:
        out["mean_quantity"] = table["mean_quantity"]
    return out


def histogram_features(events: pd.DataFrame, *, col_customer: str = "customer_id",
                       col_timestamp: str = "timestamp", col_category: str = "category", freq: str = "W",
                       customers: Sequence[Any] | None = None, normalize: bool = False) -> pd.DataFrame:
    """Count each customer's events by category and period, one column per (category, period).

    ``freq`` is a pandas period alias (``"W"``, ``"M"``); every period from the first
    to the last gets a column. ``customers`` fixes the rows (customers without
    events get zeros); ``normalize`` divides each row by its total.
    """
    _require(events, [col_customer, col_timestamp, col_category], "events")
    times = pd.to_datetime(events[col_timestamp])
    if times.isna().any():
        raise ValueError(f"events has NaN in {col_timestamp}")
    periods = times.dt.to_period(freq)
    first = periods.min()
    all_periods = pd.period_range(first, periods.max(), freq=first.freq)
    period_codes = periods.array.asi8 - first.ordinal
    categories = events[col_category]
    if isinstance(categories.dtype, pd.CategoricalDtype):
        all_categories = list(categories.cat.categories)
        category_codes = categories.cat.codes.to_numpy()
    else:
        all_categories = sorted(categories.dropna().unique())
        category_codes = pd.Categorical(categories, categories=all_categories).codes
    if (category_codes < 0).any():
        raise ValueError(f"events has missing values in {col_category}")
    rows = (pd.Index(pd.unique(events[col_customer])) if customers is None else pd.Index(customers))
    row_codes = rows.get_indexer(events[col_customer])
    keep = row_codes >= 0
    n_periods = len(all_periods)
    flat = (row_codes[keep] * len(all_categories) + category_codes[keep]) * n_periods + period_codes[keep]
    counts = np.bincount(flat, minlength=len(rows) * len(all_categories) * n_periods)
    counts = counts.reshape(len(rows), -1)
    if normalize:
        counts = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    bins = pd.MultiIndex.from_product([all_categories, all_periods], names=[col_category, "period"])
    return pd.DataFrame(counts, index=rows.rename(col_customer), columns=bins)


def log1p_columns(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Copy of ``frame`` with ``log(1 + x)`` applied to ``columns`` (default all); negative values raise."""
    columns = _numeric_columns(frame, columns, "frame")
    if (frame[columns] < 0).any().any():
        bad = [c for c in columns if (frame[c] < 0).any()]
        raise ValueError(f"log1p needs values >= 0; negative values in {', '.join(bad)}")
    out = frame.copy()
    out[columns] = np.log1p(frame[columns].astype(float))
    return out


def standardize(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Copy of ``frame`` with ``columns`` centred and scaled to unit standard deviation (constant columns become 0)."""
    columns = _numeric_columns(frame, columns, "frame")
    values = frame[columns].astype(float)
    if values.isna().any().any():
        bad = [str(c) for c in columns if values[c].isna().any()]
        raise ValueError(f"frame has NaN in {', '.join(bad)}; impute or drop first")
    scale = values.std(ddof=0).replace(0.0, 1.0)
    out = frame.copy()
    out[columns] = (values - values.mean()) / scale
    return out
