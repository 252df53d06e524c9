"""Customer features from transaction logs: RFM, behaviour histograms, transforms.

A transaction log has one row per purchase (``customer_id``, ``date``,
``amount``, ...). Segmenting customers needs one row per customer. This
module builds the classic **RFM** table (recency, frequency, monetary value)
with a few behavioural companions, the per-customer **histograms** (for
example purchases by category and week) that an autoencoder can compress,
and the transforms that make heavy-tailed spending data fit for K-means:
``log1p`` and standardising.

Examples
--------
>>> import pandas as pd
>>> log = pd.DataFrame({
...     "customer_id": [1, 1, 2],
...     "date": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-01-05"]),
...     "amount": [10.0, 30.0, 5.0]})
>>> rfm = rfm_features(log, as_of="2024-01-21")
>>> rfm[["recency_days", "frequency", "monetary"]].to_numpy().tolist()
[[10.0, 2.0, 20.0], [16.0, 1.0, 5.0]]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from smartmkt_helpers import _checks

__all__ = [
    "histogram_features",
    "log1p_columns",
    "rfm_features",
    "standardize",
]


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


def rfm_features(
    transactions: pd.DataFrame,
    *,
    col_customer: str = "customer_id",
    col_date: str = "date",
    col_amount: str = "amount",
    col_quantity: str | None = None,
    as_of: Any = None,
) -> pd.DataFrame:
    """One row per customer: recency, frequency, monetary value and behaviour.

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase.
    col_customer, col_date, col_amount : str
        Column names of the customer, the purchase date and the amount paid.
    col_quantity : str, optional
        Column of the number of items; adds ``mean_quantity``.
    as_of : date-like, optional
        The day the features describe; default one day after the last
        purchase in the log. Purchases after it are ignored.

    Returns
    -------
    DataFrame indexed by customer, with columns

    - ``recency_days``: days from the last purchase to ``as_of``;
    - ``frequency``: number of purchases;
    - ``monetary``: mean amount per purchase;
    - ``total_amount``: sum of amounts (exact, as integer cents, when every
      amount is a whole number of cents);
    - ``tenure_days``: days from the first purchase to ``as_of``;
    - ``purchases_per_month``: purchases per 30 days of tenure;
    - ``mean_quantity`` (only with ``col_quantity``).

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": [7, 7],
    ...                     "date": pd.to_datetime(["2024-01-01", "2024-01-31"]),
    ...                     "amount": [10.0, 20.0], "items": [1, 3]})
    >>> rfm_features(log, col_quantity="items").iloc[0].round(2).to_dict()
    ... # doctest: +NORMALIZE_WHITESPACE
    {'recency_days': 1.0, 'frequency': 2.0, 'monetary': 15.0, 'total_amount': 30.0,
     'tenure_days': 31.0, 'purchases_per_month': 1.94, 'mean_quantity': 2.0}
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
    frame = pd.DataFrame({"customer": transactions[col_customer].to_numpy(),
                          "date": dates.to_numpy(),
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


def histogram_features(
    events: pd.DataFrame,
    *,
    col_customer: str = "customer_id",
    col_timestamp: str = "timestamp",
    col_category: str = "category",
    freq: str = "W",
    customers: Sequence[Any] | None = None,
    normalize: bool = False,
) -> pd.DataFrame:
    """Count each customer's events by category and period (for example week).

    Parameters
    ----------
    events : DataFrame
        One row per event (a purchase, a view, ...).
    col_customer, col_timestamp, col_category : str
        Column names.
    freq : str
        pandas period alias for the time bins (``"W"`` weeks, ``"M"`` months).
    customers : sequence, optional
        Row order; customers without events get a row of zeros.
    normalize : bool
        Divide each row by its total (rows of zeros stay zero).

    Returns
    -------
    DataFrame with one row per customer and one column per
    ``(category, period)`` pair, every period from the first to the last.

    Examples
    --------
    >>> events = pd.DataFrame({
    ...     "customer_id": [1, 1, 2],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-09", "2024-01-02"]),
    ...     "category": ["books", "toys", "books"]})
    >>> histogram_features(events).to_numpy().tolist()
    [[1, 0, 0, 1], [1, 0, 0, 0]]
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
    rows = (pd.Index(pd.unique(events[col_customer])) if customers is None
            else pd.Index(customers))
    row_codes = rows.get_indexer(events[col_customer])
    keep = row_codes >= 0
    n_periods = len(all_periods)
    flat = (row_codes[keep] * len(all_categories) + category_codes[keep]) * n_periods \
        + period_codes[keep]
    counts = np.bincount(flat, minlength=len(rows) * len(all_categories) * n_periods)
    counts = counts.reshape(len(rows), -1)
    if normalize:
        counts = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    bins = pd.MultiIndex.from_product([all_categories, all_periods],
                                      names=[col_category, "period"])
    return pd.DataFrame(counts, index=rows.rename(col_customer), columns=bins)


def log1p_columns(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Copy of ``frame`` with ``log(1 + x)`` applied to ``columns`` (default all).

    Spending and purchase counts are heavy-tailed: a few customers are a
    hundred times the median, and squared distances would be ruled by them.

    Examples
    --------
    >>> log1p_columns(pd.DataFrame({"spend": [0.0, np.e - 1]}))["spend"].tolist()
    [0.0, 1.0]
    """
    columns = _numeric_columns(frame, columns, "frame")
    if (frame[columns] < 0).any().any():
        bad = [c for c in columns if (frame[c] < 0).any()]
        raise ValueError(f"log1p needs values >= 0; negative values in {', '.join(bad)}")
    out = frame.copy()
    out[columns] = np.log1p(frame[columns].astype(float))
    return out


def standardize(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Copy of ``frame`` with ``columns`` centred and divided by their standard deviation.

    A constant column becomes zeros. NaN raises, because K-means cannot use it.

    Examples
    --------
    >>> standardize(pd.DataFrame({"x": [1.0, 2.0, 3.0]}))["x"].round(3).tolist()
    [-1.225, 0.0, 1.225]
    """
    columns = _numeric_columns(frame, columns, "frame")
    values = frame[columns].astype(float)
    if values.isna().any().any():
        bad = [str(c) for c in columns if values[c].isna().any()]
        raise ValueError(f"frame has NaN in {', '.join(bad)}; impute or drop first")
    scale = values.std(ddof=0).replace(0.0, 1.0)
    out = frame.copy()
    out[columns] = (values - values.mean()) / scale
    return out
