"""The SRM test's p-values against scipy's reference implementation (a test-only dependency:
atlas computes them with the standard library at run time)."""

from __future__ import annotations

import math

import pytest

from atlas.watch.srm import chi2_sf, chi_square, format_p, upper_regularized_gamma

scipy_stats = pytest.importorskip("scipy.stats")


def reference(observed: dict[str, float], weights: dict[str, float]) -> tuple[float, float]:
    total = sum(observed.values())
    wsum = sum(weights.values())
    f_exp = [total * weights[a] / wsum for a in weights]
    result = scipy_stats.chisquare([observed[a] for a in weights], f_exp=f_exp)
    return float(result.statistic), float(result.pvalue)


@pytest.mark.parametrize("observed, weights", [
    # balanced: a fair 50/50 split of 1.2 M requests
    ({"control": 600_211, "treatment": 599_789}, {"control": 0.5, "treatment": 0.5}),
    # mismatched: the issue's example, treatment 46.1 % of 1.2 M
    ({"control": 646_800, "treatment": 553_200}, {"control": 0.5, "treatment": 0.5}),
    # a small mismatch that is just significant
    ({"control": 50_900, "treatment": 49_100}, {"control": 0.5, "treatment": 0.5}),
    # low traffic: a few dozen requests say nothing either way
    ({"control": 31, "treatment": 19}, {"control": 0.5, "treatment": 0.5}),
    # uneven weights and more arms (k - 1 = 2 and 3 degrees of freedom)
    ({"control": 8_050, "treatment": 1_950}, {"control": 0.8, "treatment": 0.2}),
    ({"control": 3_400, "a": 3_300, "b": 3_150}, {"control": 1 / 3, "a": 1 / 3, "b": 1 / 3}),
    ({"control": 5_000, "a": 1_650, "b": 1_700, "c": 1_500}, {"control": 0.5, "a": 0.5 / 3, "b": 0.5 / 3,
                                                               "c": 0.5 / 3}),
    ({"control": 1_000, "a": 700, "b": 1_300, "c": 1_000}, {"control": 0.25, "a": 0.25, "b": 0.25, "c": 0.25}),
])
def test_p_values_match_scipy(observed, weights):
    stat, p = reference(observed, weights)
    ours = chi_square(observed, weights)
    assert ours.chi2 == pytest.approx(stat, rel=1e-12)
    if p > 1e-300:
        assert ours.p_value == pytest.approx(p, rel=1e-9, abs=1e-300)
    else:
        assert ours.p_value < 1e-290


def test_the_issue_example_reads_as_broken_assignment():
    ours = chi_square({"control": 646_800, "treatment": 553_200}, {"control": 0.5, "treatment": 0.5})
    assert ours.worst_arm() == "treatment"
    assert round(100 * ours.share("treatment"), 1) == 46.1
    assert ours.p_value < 1e-12


@pytest.mark.parametrize("dof", [1, 2, 3, 4, 5, 7, 10, 25])
@pytest.mark.parametrize("x", [0.01, 0.5, 1.0, 2.7, 6.0, 11.3, 20.0, 45.0, 120.0])
def test_survival_function_over_both_branches_of_the_incomplete_gamma(dof, x):
    expected = float(scipy_stats.chi2.sf(x, dof))
    assert chi2_sf(x, dof) == pytest.approx(expected, rel=1e-9, abs=1e-300)


def test_regularized_gamma_edges():
    assert upper_regularized_gamma(2.0, 0.0) == 1.0
    assert chi2_sf(0.0, 3) == 1.0
    assert upper_regularized_gamma(1.0, 3.0) == pytest.approx(math.exp(-3.0), rel=1e-12)  # Q(1, x) = e^-x
    with pytest.raises(ValueError):
        chi2_sf(1.0, 0)


def test_p_values_are_written_for_people():
    assert format_p(3.2e-12) == "p = 3e-12"
    assert format_p(0.4123) == "p = 0.41"
    assert format_p(0.0) == "p < 1e-300"
