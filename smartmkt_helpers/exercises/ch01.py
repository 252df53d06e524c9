"""Self-checks for chapter 1: background."""

from __future__ import annotations

from typing import Any

import pandas as pd

from smartmkt_helpers.exercises import register, require_columns
from smartmkt_helpers.exercises.checking import CheckResult, check_answer

_FUNNEL = ("impression", "click", "view", "cart", "purchase")


@register("1.1")
def _funnel_step_rates(answer: Any, *, events: pd.DataFrame) -> CheckResult:
    require_columns(events, ["event"], "events")
    counts = events["event"].astype(str).value_counts().reindex(list(_FUNNEL), fill_value=0)
    expected = (counts / counts.shift(1)).iloc[1:]
    of_impressions = (counts / counts.iloc[0]).iloc[1:]
    return check_answer(
        answer, expected, name="step_rates", mistakes={
            "You divided every step by the impressions, which gives the share of impressions that reach each "
            "step. Divide each step by the step just before it.": of_impressions})


@register("1.2")
def _one_time_buyer_share(answer: Any, *, events: pd.DataFrame) -> CheckResult:
    require_columns(events, ["event", "customer_id"], "events")
    purchases_per_buyer = events.loc[events["event"] == "purchase", "customer_id"].value_counts()
    expected = float((purchases_per_buyer == 1).mean())
    all_customers = events["customer_id"].nunique()
    return check_answer(
        answer, expected, name="one_time_share", mistakes={
            "You divided by every customer in the log, including those who never bought. The share is among "
            "buyers: customers with at least one purchase.":
                float((purchases_per_buyer == 1).sum() / all_customers)})


@register("1.3")
def _weekend_lift(answer: Any, *, events: pd.DataFrame) -> CheckResult:
    require_columns(events, ["event", "timestamp"], "events")
    days = events["timestamp"].dt.normalize()
    all_days = pd.date_range(days.min(), days.max(), freq="D")
    daily = (days[events["event"] == "purchase"].value_counts().reindex(all_days, fill_value=0))
    weekend = daily.index.day_of_week >= 5
    expected = float(daily[weekend].mean() / daily[~weekend].mean())
    totals = float(daily[weekend].sum() / daily[~weekend].sum())
    return check_answer(
        answer, expected, name="weekend_lift", mistakes={
            "You compared totals: there are five weekdays for every two weekend days. Compare the average "
            "number of purchases per day instead.": totals})
