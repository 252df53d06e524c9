"""Online experiments: read an A/B test, and size one before it starts.

A campaign's effect is measured by comparing a treated group with a control
group drawn at random from the same customers. Three questions recur:

- how large is the difference, and how sure are we
  (:func:`difference_in_means`, with a normal-approximation interval, and
  :func:`bootstrap_difference`, which makes no normality assumption);
- how many customers does a test need to detect a given lift
  (:func:`sample_size_proportions`, :func:`sample_size_means`), or a
  difference between two policies' uplifts
  (:func:`sample_size_uplift_difference`);
- can the readout be trusted: did the split give each group its planned
  share (:func:`sample_ratio_mismatch`), can a pre-period covariate shrink
  the noise (:func:`cuped_adjust`), and which of several tested metrics
  or variants stay significant once the tests are counted
  (:func:`adjust_p_values`).

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> treated = rng.binomial(1, 0.12, size=20_000)
>>> control = rng.binomial(1, 0.10, size=20_000)
>>> result = difference_in_means(treated, control)
>>> bool(result.ci_low > 0)
True
>>> sample_size_proportions(0.10, 0.01)
14751
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from smartmkt_helpers._checks import positive_int

__all__ = [
    "TestResult",
    "adjust_p_values",
    "bootstrap_difference",
    "cuped_adjust",
    "difference_in_means",
    "sample_size_means",
    "sample_size_uplift_difference",
    "power_proportions",
    "sample_ratio_mismatch",
    "sample_size_proportions",
    "team_draft_interleave",
]


@dataclass(frozen=True)
class TestResult:
    """The difference between a treated and a control group.

    ``effect`` is mean(treated) - mean(control), in the outcome's units;
    ``ci_low`` and ``ci_high`` bound it at ``confidence``.
    """

    effect: float
    standard_error: float
    ci_low: float
    ci_high: float
    p_value: float
    confidence: float
    treated_mean: float
    control_mean: float
    n_treated: int
    n_control: int
    method: str

    def __str__(self) -> str:
        level = f"{self.confidence:.0%}"
        return (
            f"effect {self.effect:.4g} ({level} CI {self.ci_low:.4g} to "
            f"{self.ci_high:.4g}), p = {self.p_value:.3g}, {self.method}"
        )


def _outcomes(values, name: str) -> np.ndarray:
    """Validate one group's outcomes: a non-empty 1-D numeric array, no NaN."""
    array = np.asarray(values)
    if array.dtype == object or not np.issubdtype(array.dtype, np.number):
        if array.dtype != bool:
            raise TypeError(f"{name} must be numeric outcomes, got dtype {array.dtype}")
    array = array.astype(float)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {array.shape}")
    if array.size < 2:
        raise ValueError(f"{name} needs at least 2 outcomes, got {array.size}")
    if np.isnan(array).any():
        raise ValueError(f"{name} contains NaN; drop or fill missing outcomes first")
    return array


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")


def difference_in_means(treated, control, *, confidence: float = 0.95) -> TestResult:
    """Difference of two group means with Welch's normal-approximation interval.

    Works for conversions (0/1 outcomes) and for amounts such as revenue per
    customer. The standard error is sqrt(var_t / n_t + var_c / n_c), which
    does not assume equal variances; with thousands of customers per group
    the normal approximation is accurate even for skewed amounts.

    Parameters
    ----------
    treated, control : array-like of numbers
        One outcome per customer in each group.
    confidence : float
        Coverage of the interval, 0.95 by default.

    Examples
    --------
    >>> print(difference_in_means([1, 0, 1, 1], [0, 0, 1, 0]))
    effect 0.5 (95% CI -0.193 to 1.193), p = 0.157, Welch normal approximation
    """
    _check_confidence(confidence)
    treated = _outcomes(treated, "treated")
    control = _outcomes(control, "control")
    effect = treated.mean() - control.mean()
    standard_error = math.sqrt(treated.var(ddof=1) / treated.size + control.var(ddof=1) / control.size)
    z = stats.norm.ppf(0.5 + confidence / 2)
    if standard_error > 0:
        p_value = float(2 * stats.norm.sf(abs(effect) / standard_error))
    else:
        p_value = 1.0 if effect == 0 else 0.0
    return TestResult(
        effect=float(effect),
        standard_error=standard_error,
        ci_low=float(effect - z * standard_error),
        ci_high=float(effect + z * standard_error),
        p_value=p_value,
        confidence=confidence,
        treated_mean=float(treated.mean()),
        control_mean=float(control.mean()),
        n_treated=treated.size,
        n_control=control.size,
        method="Welch normal approximation",
    )


def bootstrap_difference(
    treated,
    control,
    *,
    confidence: float = 0.95,
    n_resamples: int = 2000,
    random_state: int | None = 0,
) -> TestResult:
    """Difference of two group means with a percentile bootstrap interval.

    Each resample draws both groups again with replacement, keeping their
    sizes. The p-value is the two-sided share of resampled differences on
    the far side of zero, so it cannot be smaller than 1 / n_resamples.

    Examples
    --------
    >>> result = bootstrap_difference([3.0, 5.0, 4.0, 6.0], [1.0, 2.0, 2.0, 3.0])
    >>> result.effect, bool(result.ci_low > 0)
    (2.5, True)
    """
    _check_confidence(confidence)
    n_resamples = positive_int(n_resamples, "n_resamples", minimum=100)
    treated = _outcomes(treated, "treated")
    control = _outcomes(control, "control")
    rng = np.random.default_rng(random_state)
    # Resampled means from counts of each observation: one multinomial draw
    # per resample instead of materialising every resampled group.
    treated_means = rng.multinomial(treated.size, np.full(treated.size, 1 / treated.size), n_resamples) @ treated
    control_means = rng.multinomial(control.size, np.full(control.size, 1 / control.size), n_resamples) @ control
    differences = treated_means / treated.size - control_means / control.size
    tail = (1 - confidence) / 2
    low, high = np.quantile(differences, [tail, 1 - tail])
    below, above = (differences <= 0).mean(), (differences >= 0).mean()
    p_value = float(min(1.0, 2 * max(min(below, above), 1 / n_resamples)))
    return TestResult(
        effect=float(treated.mean() - control.mean()),
        standard_error=float(differences.std(ddof=1)),
        ci_low=float(low),
        ci_high=float(high),
        p_value=p_value,
        confidence=confidence,
        treated_mean=float(treated.mean()),
        control_mean=float(control.mean()),
        n_treated=treated.size,
        n_control=control.size,
        method=f"percentile bootstrap, {n_resamples} resamples",
    )


def _check_error_rates(alpha: float, power: float) -> tuple[float, float]:
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    if not 0 < power < 1:
        raise ValueError(f"power must be between 0 and 1, got {power}")
    return stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)


def sample_size_proportions(
    baseline_rate: float,
    minimum_detectable_effect: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
) -> int:
    """Customers needed in each group to detect an absolute lift in a rate.

    Two-sided test of two proportions with equal group sizes, using the
    variance under each hypothesis (the textbook formula; see Kohavi, Tang
    and Xu, *Trustworthy Online Controlled Experiments*, 2020, for the
    rule-of-thumb version 16 p (1 - p) / effect^2).

    Parameters
    ----------
    baseline_rate : float
        The control group's expected rate, between 0 and 1.
    minimum_detectable_effect : float
        The smallest absolute difference worth detecting (0.01 for one
        percentage point), positive.

    Examples
    --------
    >>> sample_size_proportions(0.05, 0.005)
    31234
    """
    if not 0 < baseline_rate < 1:
        raise ValueError(f"baseline_rate must be between 0 and 1, got {baseline_rate}")
    if minimum_detectable_effect <= 0:
        raise ValueError(
            f"minimum_detectable_effect must be a positive absolute difference, got {minimum_detectable_effect}"
        )
    treated_rate = baseline_rate + minimum_detectable_effect
    if treated_rate >= 1:
        raise ValueError(
            f"baseline_rate + minimum_detectable_effect = {treated_rate:g} is not a rate below 1"
        )
    z_alpha, z_power = _check_error_rates(alpha, power)
    pooled = (baseline_rate + treated_rate) / 2
    numerator = z_alpha * math.sqrt(2 * pooled * (1 - pooled)) + z_power * math.sqrt(
        baseline_rate * (1 - baseline_rate) + treated_rate * (1 - treated_rate)
    )
    return math.ceil((numerator / minimum_detectable_effect) ** 2)


def sample_size_means(
    standard_deviation: float,
    minimum_detectable_effect: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
) -> int:
    """Customers needed in each group to detect a difference in a mean.

    For amounts such as revenue per customer, whose standard deviation is
    known from past data: n = 2 (z_alpha/2 + z_power)^2 sd^2 / effect^2.

    Examples
    --------
    >>> sample_size_means(standard_deviation=40.0, minimum_detectable_effect=2.0)
    6280
    """
    if standard_deviation <= 0:
        raise ValueError(f"standard_deviation must be positive, got {standard_deviation}")
    if minimum_detectable_effect <= 0:
        raise ValueError(f"minimum_detectable_effect must be positive, got {minimum_detectable_effect}")
    z_alpha, z_power = _check_error_rates(alpha, power)
    return math.ceil(2 * ((z_alpha + z_power) * standard_deviation / minimum_detectable_effect) ** 2)


def sample_size_uplift_difference(
    standard_deviations,
    minimum_detectable_effect: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
) -> int:
    """Customers needed in each of four groups to tell two policies' uplifts apart.

    Each policy's uplift is measured by its own test, a treated and a held-out
    group: uplift = mean(treated) - mean(held out). The difference of the two
    uplifts is a difference of differences of four independent group means, so
    with n customers per group its variance is (s1^2 + s2^2 + s3^2 + s4^2) / n,
    twice the 2 sd^2 / n of a single two-group comparison when the four
    standard deviations are equal. Hence
    n = (z_alpha/2 + z_power)^2 (s1^2 + s2^2 + s3^2 + s4^2) / effect^2.

    Parameters
    ----------
    standard_deviations : float or sequence of 4 floats
        The outcome's standard deviation in each group (treated and held out
        under policy A, then under policy B), or one value for all four.
    minimum_detectable_effect : float
        The smallest difference between the two uplifts worth detecting.

    Examples
    --------
    >>> sample_size_uplift_difference(40.0, minimum_detectable_effect=2.0)
    12559
    >>> sample_size_means(40.0, 2.0)  # one uplift against zero: half as many
    6280
    """
    spreads = np.broadcast_to(np.asarray(standard_deviations, dtype=float), (4,)) \
        if np.ndim(standard_deviations) == 0 else np.asarray(standard_deviations, dtype=float)
    if spreads.shape != (4,):
        raise ValueError(
            f"standard_deviations must be one number or four (treated and held out under each policy), "
            f"got shape {spreads.shape}")
    if not np.isfinite(spreads).all() or (spreads <= 0).any():
        raise ValueError(f"standard_deviations must be positive, got {spreads.tolist()}")
    if minimum_detectable_effect <= 0:
        raise ValueError(f"minimum_detectable_effect must be positive, got {minimum_detectable_effect}")
    z_alpha, z_power = _check_error_rates(alpha, power)
    return math.ceil((z_alpha + z_power) ** 2 * float(np.sum(spreads**2)) / minimum_detectable_effect**2)


def power_proportions(
    baseline_rate: float,
    minimum_detectable_effect: float,
    n_per_group,
    *,
    alpha: float = 0.05,
) -> np.ndarray | float:
    """Chance that a two-sided test of two proportions detects a true lift.

    The inverse of :func:`sample_size_proportions`: given ``n_per_group``
    customers in each group (a number or an array of them), the power
    Phi((|effect| sqrt(n) - z_alpha/2 sqrt(2 pbar (1 - pbar))) / sqrt(p0 q0 + p1 q1)),
    ignoring the negligible chance of significance in the wrong direction.

    Examples
    --------
    >>> n = sample_size_proportions(0.05, 0.005)
    >>> round(float(power_proportions(0.05, 0.005, n)), 3)
    0.8
    >>> power_proportions(0.05, 0.005, [1000, 100_000]).round(3).tolist()
    [0.072, 0.999]
    """
    if not 0 < baseline_rate < 1:
        raise ValueError(f"baseline_rate must be between 0 and 1, got {baseline_rate}")
    treated_rate = baseline_rate + minimum_detectable_effect
    if minimum_detectable_effect == 0 or not 0 < treated_rate < 1:
        raise ValueError(
            f"minimum_detectable_effect must be non-zero and keep the rate in (0, 1), "
            f"got {minimum_detectable_effect}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    sizes = np.asarray(n_per_group, dtype=float)
    if np.isnan(sizes).any() or (sizes < 1).any():
        raise ValueError("n_per_group must be at least 1 customer per group")
    z_alpha = stats.norm.ppf(1 - alpha / 2)
    pooled = (baseline_rate + treated_rate) / 2
    spread = math.sqrt(baseline_rate * (1 - baseline_rate) + treated_rate * (1 - treated_rate))
    z = (abs(minimum_detectable_effect) * np.sqrt(sizes)
         - z_alpha * math.sqrt(2 * pooled * (1 - pooled))) / spread
    power = stats.norm.cdf(z)
    return float(power) if power.ndim == 0 else power


def sample_ratio_mismatch(counts, planned_shares=None) -> float:
    """P-value of a chi-square test that the groups got their planned shares.

    A sample-ratio mismatch (SRM) -- say 50.6% / 49.4% of a million users
    under a planned 50 / 50 split -- means the assignment or the logging is
    broken, and the test's readout cannot be trusted, however good it looks.
    A p-value below about 0.001 is the usual alarm.

    Parameters
    ----------
    counts : array-like of int
        Units (customers) assigned to each group, at least two groups.
    planned_shares : array-like of float, optional
        Planned share of each group (normalised to sum to 1); equal shares
        by default.

    Examples
    --------
    >>> round(sample_ratio_mismatch([5_000, 5_000]), 3)
    1.0
    >>> sample_ratio_mismatch([506_000, 494_000]) < 0.001
    True
    """
    observed = np.asarray(counts, dtype=float)
    if observed.ndim != 1 or observed.size < 2:
        raise ValueError(f"counts must be 1-D with at least 2 groups, got shape {observed.shape}")
    if np.isnan(observed).any() or (observed < 0).any() or observed.sum() == 0:
        raise ValueError("counts must be non-negative numbers with a positive total")
    if planned_shares is None:
        shares = np.full(observed.size, 1.0 / observed.size)
    else:
        shares = np.asarray(planned_shares, dtype=float)
        if shares.shape != observed.shape:
            raise ValueError(
                f"planned_shares must have one share per group ({observed.size}), got shape {shares.shape}")
        if np.isnan(shares).any() or (shares <= 0).any():
            raise ValueError("planned_shares must be positive")
        shares = shares / shares.sum()
    expected = shares * observed.sum()
    return float(stats.chisquare(observed, expected).pvalue)


def cuped_adjust(outcome, covariate) -> tuple[np.ndarray, float]:
    """Outcome minus its part explained by a pre-experiment covariate (CUPED).

    Deng, Xu, Kohavi and Walker (WSDM 2013): with ``theta = cov(Y, X) /
    var(X)`` over all units of the experiment (both groups pooled), the
    adjusted outcome ``Y - theta (X - mean(X))`` has the same expected
    difference between groups and a variance smaller by the factor
    ``1 - corr(Y, X)^2``. The covariate must be measured before assignment
    (last month's spend, say), so the treatment cannot move it.

    Returns the adjusted outcomes and ``theta``.

    Examples
    --------
    >>> adjusted, theta = cuped_adjust([3.0, 5.0, 7.0, 9.0], [1.0, 2.0, 3.0, 5.0])
    >>> round(theta, 3)  # cov(Y, X) / var(X) = 13 / 8.75
    1.486
    >>> round(float(adjusted.mean()), 3)  # the mean is kept
    6.0
    """
    outcome = _outcomes(outcome, "outcome")
    covariate = _outcomes(covariate, "covariate")
    if outcome.size != covariate.size:
        raise ValueError(
            f"outcome and covariate must have one value per unit, got {outcome.size} and {covariate.size}")
    spread = covariate.var(ddof=1)
    if spread == 0:
        raise ValueError("covariate is constant; it cannot explain any variance")
    theta = float(np.cov(outcome, covariate)[0, 1] / spread)
    return outcome - theta * (covariate - covariate.mean()), theta


def adjust_p_values(p_values, method: str = "holm") -> np.ndarray:
    """P-values adjusted for testing several metrics or variants at once.

    ``method="holm"`` (Holm 1979) controls the family-wise error rate, the
    chance of any false positive among the tests; ``method="bh"``
    (Benjamini and Hochberg 1995) controls the false discovery rate, the
    expected share of false positives among the tests declared
    significant. Compare the adjusted values with the usual level (0.05).

    Examples
    --------
    >>> adjust_p_values([0.01, 0.04, 0.03], method="holm").round(2).tolist()
    [0.03, 0.06, 0.06]
    >>> adjust_p_values([0.01, 0.04, 0.03], method="bh").round(2).tolist()
    [0.03, 0.04, 0.04]
    """
    values = np.asarray(p_values, dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"p_values must be a non-empty 1-D list, got shape {values.shape}")
    if np.isnan(values).any() or (values < 0).any() or (values > 1).any():
        raise ValueError("p_values must lie between 0 and 1")
    if method not in ("holm", "bh"):
        raise ValueError(f"method must be 'holm' or 'bh', got {method!r}")
    num_tests = values.size
    order = np.argsort(values, kind="stable")
    ranked = values[order]
    if method == "holm":
        stepped = np.maximum.accumulate((num_tests - np.arange(num_tests)) * ranked)
    else:
        scaled = ranked * num_tests / np.arange(1, num_tests + 1)
        stepped = np.minimum.accumulate(scaled[::-1])[::-1]
    adjusted = np.empty(num_tests)
    adjusted[order] = np.minimum(stepped, 1.0)
    return adjusted


def _ranking_array(ranking, name: str) -> np.ndarray:
    array = np.asarray(ranking)
    if array.ndim != 2:
        raise ValueError(f"{name} must be 2-D (users x ranked item positions), got {array.ndim}-D")
    if array.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integer item numbers, got dtype {array.dtype}")
    if array.size and array.min() < 0:
        raise ValueError(f"{name} holds a negative item number")
    return array


def team_draft_interleave(
    ranking_a,
    ranking_b,
    length: int = 10,
    *,
    random_state: int | None = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Team-draft interleaving of two rankers' lists, for many users at once.

    Radlinski, Kurup and Joachims (2008): the two rankers pick in turns like
    captains choosing teams; the one with fewer picks so far goes next (a
    coin decides ties), and it adds its highest-ranked item not yet in the
    list. A click on an item credits the ranker that picked it; the ranker
    with more credited clicks wins that user.

    Parameters
    ----------
    ranking_a, ranking_b : int array, shape (n_users, depth)
        Each row holds one user's ranked item numbers (distinct within a
        row; item numbers are column positions, 0 to n_items - 1).
    length : int
        Length of the interleaved list.
    random_state : int, optional
        Seed of the coin flips.

    Returns
    -------
    items : int array (n_users, length)
        The interleaved lists.
    from_b : bool array (n_users, length)
        True where ranker B picked the item, False where ranker A did.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.array([[0, 1, 2, 3]])
    >>> b = np.array([[1, 0, 3, 2]])
    >>> items, from_b = team_draft_interleave(a, b, length=4, random_state=0)
    >>> sorted(items[0].tolist()), int(from_b.sum())
    ([0, 1, 2, 3], 2)
    """
    ranking_a = _ranking_array(ranking_a, "ranking_a")
    ranking_b = _ranking_array(ranking_b, "ranking_b")
    if ranking_a.shape[0] != ranking_b.shape[0]:
        raise ValueError(
            f"ranking_a has {ranking_a.shape[0]} users but ranking_b has {ranking_b.shape[0]}")
    if isinstance(length, bool) or int(length) != length or length < 1:
        raise ValueError(f"length must be a positive integer, got {length!r}")
    n_users = ranking_a.shape[0]
    n_items = int(max(ranking_a.max(initial=0), ranking_b.max(initial=0))) + 1
    rankings = (ranking_a, ranking_b)
    depth = np.array([ranking_a.shape[1], ranking_b.shape[1]])
    pointer = np.zeros((2, n_users), dtype=int)
    picks = np.zeros((2, n_users), dtype=int)
    in_list = np.zeros((n_users, n_items), dtype=bool)
    items = np.zeros((n_users, length), dtype=int)
    from_b = np.zeros((n_users, length), dtype=bool)
    rng = np.random.default_rng(random_state)
    users = np.arange(n_users)
    for position in range(length):
        coin = rng.random(n_users) < 0.5
        team_b = (picks[1] < picks[0]) | ((picks[0] == picks[1]) & coin)
        for team in (0, 1):
            rows = users[team_b == bool(team)]
            ranking, ptr = rankings[team], pointer[team]
            # skip items the other team already placed in the list
            while True:
                exhausted = ptr[rows] >= depth[team]
                if exhausted.any():
                    raise ValueError(
                        f"ranking_{'ab'[team]} ran out of items before the "
                        f"interleaved list reached length {length}")
                taken = in_list[rows, ranking[rows, ptr[rows]]]
                if not taken.any():
                    break
                ptr[rows[taken]] += 1
            chosen = ranking[rows, ptr[rows]]
            items[rows, position] = chosen
            from_b[rows, position] = bool(team)
            in_list[rows, chosen] = True
            ptr[rows] += 1
            picks[team, rows] += 1
    return items, from_b
