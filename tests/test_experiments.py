"""A/B test reading and sizing."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from smartmkt_helpers.experiments import (
    adjust_p_values,
    bootstrap_difference,
    cuped_adjust,
    difference_in_means,
    sample_ratio_mismatch,
    sample_size_means,
    sample_size_proportions,
    sample_size_uplift_difference,
)


def test_difference_in_means_by_hand():
    result = difference_in_means([1, 0, 1, 1], [0, 0, 1, 0])
    # both groups have sample variance 1/4, so se = sqrt(1/16 + 1/16)
    standard_error = np.sqrt(0.25 / 4 + 0.25 / 4)
    assert result.effect == pytest.approx(0.5)
    assert result.standard_error == pytest.approx(standard_error)
    assert result.ci_high - result.ci_low == pytest.approx(2 * 1.959964 * standard_error, rel=1e-6)
    assert result.p_value == pytest.approx(2 * stats.norm.sf(0.5 / standard_error))
    assert (result.n_treated, result.n_control) == (4, 4)


def test_difference_in_means_matches_welch_t_test_for_large_groups():
    rng = np.random.default_rng(1)
    treated = rng.gamma(2.0, 30.0, size=5000)
    control = rng.gamma(2.0, 29.0, size=6000)
    ours = difference_in_means(treated, control)
    welch = stats.ttest_ind(treated, control, equal_var=False)
    assert ours.p_value == pytest.approx(welch.pvalue, rel=0.01)


def test_intervals_cover_the_true_effect_at_their_rate():
    rng = np.random.default_rng(2)
    true_effect = 0.02
    covered = 0
    for _ in range(400):
        treated = rng.binomial(1, 0.12, size=2000)
        control = rng.binomial(1, 0.10, size=2000)
        result = difference_in_means(treated, control, confidence=0.9)
        covered += result.ci_low <= true_effect <= result.ci_high
    assert 0.86 <= covered / 400 <= 0.94


def test_bootstrap_agrees_with_the_normal_interval_on_large_groups():
    rng = np.random.default_rng(3)
    treated = rng.exponential(50, size=4000)
    control = rng.exponential(45, size=4000)
    normal = difference_in_means(treated, control)
    boot = bootstrap_difference(treated, control, n_resamples=2000, random_state=0)
    assert boot.effect == pytest.approx(normal.effect)
    assert boot.ci_low == pytest.approx(normal.ci_low, abs=0.15 * normal.standard_error * 4)
    assert boot.ci_high == pytest.approx(normal.ci_high, abs=0.15 * normal.standard_error * 4)
    assert boot.standard_error == pytest.approx(normal.standard_error, rel=0.1)


def test_bootstrap_is_reproducible_with_a_seed():
    treated, control = [3.0, 5.0, 4.0, 6.0, 2.0], [1.0, 2.0, 2.0, 3.0, 4.0]
    first = bootstrap_difference(treated, control, random_state=7)
    assert first == bootstrap_difference(treated, control, random_state=7)
    assert first != bootstrap_difference(treated, control, random_state=8)


def test_no_difference_gives_a_large_p_value():
    result = difference_in_means(np.ones(10), np.ones(10))
    assert result.effect == 0 and result.p_value == 1.0


def test_sample_size_for_proportions_matches_the_textbook_formula():
    # 10% baseline, one point of lift, alpha 0.05 two-sided, power 0.8
    n = sample_size_proportions(0.10, 0.01)
    assert n == 14751
    # the rule of thumb 16 p (1 - p) / delta^2 is close to it
    assert abs(n - 16 * 0.105 * 0.895 / 0.01**2) / n < 0.05
    assert sample_size_proportions(0.10, 0.02) < n / 3.5  # quarter-ish for double the effect
    assert sample_size_proportions(0.10, 0.01, power=0.9) > n


def test_sample_size_means():
    assert sample_size_means(standard_deviation=40.0, minimum_detectable_effect=2.0) == 6280
    assert sample_size_means(40.0, 4.0) == pytest.approx(6280 / 4, abs=1)


def test_sample_size_uplift_difference_doubles_the_two_group_size():
    one = sample_size_means(40.0, 2.0)
    assert sample_size_uplift_difference(40.0, 2.0) == pytest.approx(2 * one, abs=2)
    assert sample_size_uplift_difference([40.0] * 4, 2.0) == sample_size_uplift_difference(40.0, 2.0)
    # unequal spreads add their variances
    assert sample_size_uplift_difference([40.0, 40.0, 0.01, 0.01], 2.0) == pytest.approx(one, abs=2)


def test_sample_size_uplift_difference_gives_the_nominal_power():
    """Four groups of n skewed outcomes: the difference of differences is
    detected in about 80% of simulated tests, not in the half that the
    two-group formula's n gives."""
    rng = np.random.default_rng(0)
    spread, effect, repeats = 3.0, 0.3, 4_000
    z = stats.norm.ppf(0.975)

    def detected_share(n):
        # exponential outcomes (sd = mean = spread), the last group shifted by the effect
        means = rng.gamma(n, spread / n, size=(repeats, 4))
        variances = spread**2 * rng.chisquare(n - 1, size=(repeats, 4)) / (n - 1)
        difference = (means[:, 0] - means[:, 1]) - (means[:, 2] - means[:, 3] - effect)
        return np.mean(np.abs(difference) / np.sqrt(variances.sum(axis=1) / n) > z)

    n = sample_size_uplift_difference(spread, effect)
    assert detected_share(n) == pytest.approx(0.8, abs=0.03)
    assert detected_share(sample_size_means(spread, effect)) < 0.6


def test_sample_size_uplift_difference_rejects_bad_input():
    with pytest.raises(ValueError, match="one number or four"):
        sample_size_uplift_difference([1.0, 2.0], 0.1)
    with pytest.raises(ValueError, match="standard_deviations must be positive"):
        sample_size_uplift_difference([1.0, 1.0, 0.0, 1.0], 0.1)
    with pytest.raises(ValueError, match="minimum_detectable_effect"):
        sample_size_uplift_difference(1.0, 0.0)
    with pytest.raises(ValueError, match="power"):
        sample_size_uplift_difference(1.0, 0.1, power=1.5)


@pytest.mark.parametrize(
    ("treated", "control", "error", "message"),
    [
        ([], [1, 0], ValueError, "treated needs at least 2"),
        ([1, 0], [[1, 0]], ValueError, "control must be 1-D"),
        ([1, np.nan], [1, 0], ValueError, "treated contains NaN"),
        (["a", "b"], [1, 0], TypeError, "treated must be numeric"),
    ],
)
def test_bad_outcomes_are_named(treated, control, error, message):
    with pytest.raises(error, match=message):
        difference_in_means(treated, control)
    with pytest.raises(error, match=message):
        bootstrap_difference(treated, control)


def test_bad_parameters_are_named():
    with pytest.raises(ValueError, match="confidence"):
        difference_in_means([1, 0], [1, 0], confidence=95)
    with pytest.raises(ValueError, match="n_resamples"):
        bootstrap_difference([1, 0], [1, 0], n_resamples=10)
    with pytest.raises(ValueError, match="baseline_rate"):
        sample_size_proportions(10, 0.01)
    with pytest.raises(ValueError, match="minimum_detectable_effect"):
        sample_size_proportions(0.1, -0.01)
    with pytest.raises(ValueError, match="not a rate below 1"):
        sample_size_proportions(0.95, 0.1)
    with pytest.raises(ValueError, match="power"):
        sample_size_proportions(0.1, 0.01, power=80)
    with pytest.raises(ValueError, match="standard_deviation"):
        sample_size_means(0, 1)


def test_power_inverts_sample_size():
    from smartmkt_helpers.experiments import power_proportions

    n = sample_size_proportions(0.10, 0.01)
    assert power_proportions(0.10, 0.01, n) == pytest.approx(0.8, abs=0.002)
    curve = power_proportions(0.10, 0.01, [100, 1000, 10_000, 100_000])
    assert np.all(np.diff(curve) > 0) and curve[-1] > 0.99


def test_power_matches_simulation():
    from smartmkt_helpers.experiments import power_proportions

    rng = np.random.default_rng(0)
    n, p0, p1 = 2000, 0.10, 0.13
    control = rng.binomial(n, p0, 4000) / n
    treated = rng.binomial(n, p1, 4000) / n
    pooled = (control + treated) / 2
    z = (treated - control) / np.sqrt(2 * pooled * (1 - pooled) / n)
    simulated = np.mean(np.abs(z) > stats.norm.ppf(0.975))
    assert simulated == pytest.approx(power_proportions(p0, 0.03, n), abs=0.03)


def test_power_bad_inputs():
    from smartmkt_helpers.experiments import power_proportions

    with pytest.raises(ValueError, match="baseline_rate"):
        power_proportions(1.5, 0.01, 100)
    with pytest.raises(ValueError, match="minimum_detectable_effect"):
        power_proportions(0.1, 0.0, 100)
    with pytest.raises(ValueError, match="n_per_group"):
        power_proportions(0.1, 0.01, [0, 10])
    with pytest.raises(ValueError, match="alpha"):
        power_proportions(0.1, 0.01, 10, alpha=5)


def test_team_draft_by_hand_and_fair_share():
    from smartmkt_helpers.experiments import team_draft_interleave

    a = np.tile(np.arange(6), (500, 1))
    b = np.tile(np.array([5, 4, 3, 2, 1, 0]), (500, 1))
    items, from_b = team_draft_interleave(a, b, length=4, random_state=1)
    # each team picks twice; A's picks are its top items, B's its top items
    assert (from_b.sum(axis=1) == 2).all()
    assert set(items[~from_b]) <= {0, 1} and set(items[from_b]) <= {4, 5}
    # distinct items within each list
    assert all(len(set(row)) == 4 for row in items.tolist())
    # the coin gives B the first pick about half the time
    assert 0.4 < from_b[:, 0].mean() < 0.6


def test_team_draft_identical_rankings_keep_the_order():
    from smartmkt_helpers.experiments import team_draft_interleave

    ranking = np.array([[3, 1, 2, 0], [0, 1, 2, 3]])
    items, _ = team_draft_interleave(ranking, ranking, length=4)
    np.testing.assert_array_equal(items, ranking)


def test_team_draft_bad_inputs():
    from smartmkt_helpers.experiments import team_draft_interleave

    a = np.array([[0, 1, 2]])
    with pytest.raises(ValueError, match="ran out of items"):
        team_draft_interleave(a, a, length=4)
    with pytest.raises(ValueError, match="users"):
        team_draft_interleave(a, np.array([[0, 1, 2], [2, 1, 0]]))
    with pytest.raises(TypeError, match="integer"):
        team_draft_interleave(a.astype(float), a)
    with pytest.raises(ValueError, match="2-D"):
        team_draft_interleave(np.arange(3), a)
    with pytest.raises(ValueError, match="length"):
        team_draft_interleave(a, a, length=0)


def test_sample_ratio_mismatch_matches_the_chi_square_by_hand():
    counts = np.array([50_600, 49_400])
    expected = counts.sum() / 2
    statistic = ((counts - expected) ** 2 / expected).sum()
    assert np.isclose(sample_ratio_mismatch(counts), stats.chi2.sf(statistic, df=1))
    # unequal planned shares: 20 / 80 observed exactly gives no alarm
    assert np.isclose(sample_ratio_mismatch([2_000, 8_000], [1, 4]), 1.0)
    assert sample_ratio_mismatch([2_000, 8_000]) < 1e-10


def test_sample_ratio_mismatch_false_alarms_at_their_rate():
    rng = np.random.default_rng(0)
    assigned = rng.binomial(10_000, 0.5, size=2_000)
    p_values = np.array([sample_ratio_mismatch([a, 10_000 - a]) for a in assigned])
    assert abs((p_values < 0.05).mean() - 0.05) < 0.015


@pytest.mark.parametrize("counts, shares, message", [
    ([10], None, "at least 2 groups"),
    ([10, -1], None, "non-negative"),
    ([0, 0], None, "positive total"),
    ([10, 10], [1, 1, 1], "one share per group"),
    ([10, 10], [1, 0], "positive"),
])
def test_sample_ratio_mismatch_bad_inputs(counts, shares, message):
    with pytest.raises(ValueError, match=message):
        sample_ratio_mismatch(counts, shares)


def test_cuped_keeps_the_effect_and_shrinks_the_variance():
    rng = np.random.default_rng(1)
    pre = rng.gamma(2.0, 10.0, size=40_000)
    treated = np.arange(pre.size) % 2 == 1
    outcome = 0.8 * pre + rng.normal(0.0, 5.0, pre.size) + 1.0 * treated
    adjusted, theta = cuped_adjust(outcome, pre)
    assert np.isclose(theta, np.cov(outcome, pre)[0, 1] / pre.var(ddof=1))
    assert np.isclose(adjusted.mean(), outcome.mean())
    correlation = np.corrcoef(outcome, pre)[0, 1]
    assert np.isclose(adjusted.var() / outcome.var(), 1 - correlation ** 2, rtol=1e-6)
    effect = adjusted[treated].mean() - adjusted[~treated].mean()
    assert abs(effect - 1.0) < 0.2


def test_cuped_bad_inputs():
    with pytest.raises(ValueError, match="one value per unit"):
        cuped_adjust([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="constant"):
        cuped_adjust([1.0, 2.0, 3.0], [4.0, 4.0, 4.0])
    with pytest.raises(ValueError, match="NaN"):
        cuped_adjust([1.0, np.nan, 3.0], [1.0, 2.0, 3.0])


def test_adjust_p_values_by_hand():
    p_values = [0.01, 0.04, 0.03, 0.20]
    # Holm: sorted 0.01, 0.03, 0.04, 0.20 times 4, 3, 2, 1, then running max
    assert np.allclose(adjust_p_values(p_values, "holm"), [0.04, 0.09, 0.09, 0.20])
    # Benjamini-Hochberg: times 4/1, 4/2, 4/3, 4/4, then running min from the top
    assert np.allclose(adjust_p_values(p_values, "bh"), [0.04, 0.0533333, 0.0533333, 0.20])
    assert np.allclose(adjust_p_values([0.9, 0.8], "holm"), [1.0, 1.0])


def test_adjust_p_values_bh_matches_scipy():
    rng = np.random.default_rng(2)
    p_values = rng.uniform(size=30) ** 3
    assert np.allclose(adjust_p_values(p_values, "bh"), stats.false_discovery_control(p_values))


def test_holm_controls_the_family_wise_error():
    rng = np.random.default_rng(3)
    p_values = rng.uniform(size=(4_000, 10))  # ten true null hypotheses per family
    raw_any = (p_values < 0.05).any(axis=1).mean()
    holm_any = np.mean([(adjust_p_values(row) < 0.05).any() for row in p_values])
    assert raw_any > 0.35
    assert holm_any < 0.06


@pytest.mark.parametrize("p_values, method, message", [
    ([], "holm", "non-empty"),
    ([0.5, 1.2], "holm", "between 0 and 1"),
    ([0.5], "bonferroni", "'holm' or 'bh'"),
])
def test_adjust_p_values_bad_inputs(p_values, method, message):
    with pytest.raises(ValueError, match=message):
        adjust_p_values(p_values, method)
