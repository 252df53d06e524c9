"""Self-checks for chapter 13: scaling out on Apache Spark."""

from __future__ import annotations

from typing import Any

from smartmkt_helpers._checks import positive_int
from smartmkt_helpers.exercises import register
from smartmkt_helpers.exercises.checking import CheckResult, check_answer


@register("13.1")
def _ease_gigabytes(answer: Any, *, num_items: int, bytes_per_value: int = 8) -> CheckResult:
    num_items = positive_int(num_items, "num_items")
    bytes_per_value = positive_int(bytes_per_value, "bytes_per_value")
    expected = num_items ** 2 * bytes_per_value / 1e9
    mistakes = {
        "That grows with the number of items, not with its square: EASE^R's weight matrix has one value for "
        "every pair of items.": num_items * bytes_per_value / 1e9,
        "You counted values, not bytes: multiply by the bytes each value takes.": num_items ** 2 / 1e9,
        "Gigabytes here are 10^9 bytes, not 2^30.": num_items ** 2 * bytes_per_value / 2 ** 30}
    if bytes_per_value != 4:
        mistakes["Each value is a 64-bit float (8 bytes), not 32-bit."] = num_items ** 2 * 4 / 1e9
    return check_answer(answer, expected, name="ease_gigabytes", mistakes=mistakes)


@register("13.2")
def _als_factor_megabytes(answer: Any, *, num_users: int, num_items: int, rank: int,
                          bytes_per_value: int = 4) -> CheckResult:
    num_users = positive_int(num_users, "num_users")
    num_items = positive_int(num_items, "num_items")
    rank = positive_int(rank, "rank")
    bytes_per_value = positive_int(bytes_per_value, "bytes_per_value")
    expected = (num_users + num_items) * rank * bytes_per_value / 1e6
    mistakes = {
        "You counted the item factors only. ALS keeps a factor vector for every user too.":
            num_items * rank * bytes_per_value / 1e6,
        "You counted the user factors only. ALS keeps a factor vector for every item too.":
            num_users * rank * bytes_per_value / 1e6,
        "You multiplied users by items: that is the score matrix ALS never stores, not its factors.":
            num_users * num_items * bytes_per_value / 1e6,
        "Megabytes here are 10^6 bytes, not 2^20.": (num_users + num_items) * rank * bytes_per_value / 2 ** 20
    }
    if bytes_per_value != 8:
        mistakes["Spark stores the factors as 32-bit floats (4 bytes), not 64-bit."] = (
            (num_users + num_items) * rank * 8 / 1e6)
    return check_answer(answer, expected, name="factor_megabytes", mistakes=mistakes)
