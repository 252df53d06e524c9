"""Online experiments: read an A/B test, size one before it starts, and check it can be trusted.

Welch and bootstrap intervals, sample sizes and power, sample-ratio
mismatch, CUPED (Deng et al., 2013), Holm (1979) and Benjamini-Hochberg
(1995) adjustments, team-draft interleaving (Radlinski et al., 2008).

>>> sample_size_proportions(0.10, 0.01)
14751
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from smartmkt_helpers._checks import positive_int

__all__ = ["TestResult", "adjust_p_values", "bootstrap_difference", "cuped_adjust", "difference_in_means",
           "sample_size_means", "sample_size_uplift_difference", "power_proportions", "sample_ratio_mismatch",
           "sample_size_proportions", "team_draft_interleave"]


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

    For 0/1 conversions or amounts; the standard error
    sqrt(var_t / n_t + var_c / n_c) does not assume equal variances.
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
    return TestResult(effect=float(effect), standard_error=standard_error,
                      ci_low=float(effect - z * standard_error), ci_high=float(effect + z * standard_error),
                      p_value=p_value, confidence=confidence, treated_mean=float(treated.mean()),
                      control_mean=float(control.mean()), n_treated=treated.size, n_control=control.size,
                      method="Welch normal approximation")


def bootstrap_difference(treated, control, *, confidence: float = 0.95, n_resamples: int = 2000,
                         random_state: int | None = 0) -> TestResult:
    """Difference of two group means with a percentile bootstrap interval.

    Both groups are resampled with replacement at their sizes; the two-sided
    p-value cannot be smaller than 1 / n_resamples.
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
    return TestResult(effect=float(treated.mean() - control.mean()),
                      standard_error=float(differences.std(ddof=1)), ci_low=float(low), ci_high=float(high),
                      p_value=p_value, confidence=confidence, treated_mean=float(treated.mean()),
                      control_mean=float(control.mean()), n_treated=treated.size, n_control=control.size,
                      method=f"percentile bootstrap, {n_resamples} resamples")


def _check_error_rates(alpha: float, power: float) -> tuple[float, float]:
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    if not 0 < power < 1:
        raise ValueError(f"power must be between 0 and 1, got {power}")
    return stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)


def sample_size_proportions(baseline_rate: float, minimum_detectable_effect: float, *, alpha: float = 0.05,
                            power: float = 0.8) -> int:
    """Customers needed in each group to detect an absolute lift in a rate (0.01 is one point).

    Two-sided test of two proportions, equal groups, the variance under each
    hypothesis (Kohavi, Tang and Xu, 2020, give the rule of thumb 16 p (1 - p) / effect^2).
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


def sample_size_means(standard_deviation: float, minimum_detectable_effect: float, *, alpha: float = 0.05,
                      power: float = 0.8) -> int:
    """Customers needed in each group to detect a difference in a mean.

    n = 2 (z_alpha/2 + z_power)^2 sd^2 / effect^2.
    """
    if standard_deviation <= 0:
        raise ValueError(f"standard_deviation must be positive, got {standard_deviation}")
    if minimum_detectable_effect <= 0:
        raise ValueError(f"minimum_detectable_effect must be positive, got {minimum_detectable_effect}")
    z_alpha, z_power = _check_error_rates(alpha, power)
    return math.ceil(2 * ((z_alpha + z_power) * standard_deviation / minimum_detectable_effect) ** 2)


def sample_size_uplift_difference(standard_deviations, minimum_detectable_effect: float, *,
                                  alpha: float = 0.05, power: float = 0.8) -> int:
    """Customers needed in each of four groups to tell two policies' uplifts apart.

    Each uplift is mean(treated) - mean(held out) of its own test, so
    n = (z_alpha/2 + z_power)^2 (s1^2 + s2^2 + s3^2 + s4^2) / effect^2: twice a
    two-group test when the spreads are equal. ``standard_deviations`` is one
    number or four (treated and held out under policy A, then B).
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


def power_proportions(baseline_rate: float, minimum_detectable_effect: float, n_per_group, *,
                      alpha: float = 0.05) -> np.ndarray | float:
    """Chance that a two-sided test of two proportions detects a true lift (inverse of the sample size).

    Phi((|effect| sqrt(n) - z_alpha/2 sqrt(2 pbar (1 - pbar))) / sqrt(p0 q0 + p1 q1));
    ``n_per_group`` may be an array, and so is then the result.
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
    """P-value of a chi-square test that the groups got their planned shares (equal by default).

    A sample-ratio mismatch (say 50.6% / 49.4% under a planned 50 / 50) means
    assignment or logging is broken; below about 0.001 is the usual alarm.
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
    """Outcome minus its part explained by a pre-experiment covariate (CUPED); returns it and ``theta``.

    ``theta = cov(Y, X) / var(X)`` over both groups pooled (Deng, Xu, Kohavi and
    Walker, 2013): ``Y - theta (X - mean(X))`` keeps the expected difference and
    shrinks the variance by ``1 - corr(Y, X)^2``.
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

    ``"holm"`` (Holm, 1979) controls the family-wise error rate, ``"bh"``
    (Benjamini and Hochberg, 1995) the false discovery rate.
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


def team_draft_interleave(ranking_a, ranking_b, length: int = 10, *,
                          random_state: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """Team-draft interleaving of two rankers' lists (users x ranked item numbers); returns ``items, from_b``.

    Radlinski, Kurup and Joachims (2008): the ranker with fewer picks goes next
    (a coin breaks ties) and adds its best item not yet listed; a click credits
    the ranker that picked the item. ``from_b`` is True where ranker B picked.
    """
    ranking_a = _ranking_array(ranking_a, "ranking_a")
    ranking_b = _ranking_array(ranking_b, "ranking_b")
    if ranking_a.shape[0] != ranking_b.shape[0]:
        raise ValueError(f"ranking_a has {ranking_a.shape[0]} users but ranking_b has {ranking_b.shape[0]}")
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
