"""Sample ratio mismatch: a chi-square goodness-of-fit test of the observed counts per arm
against the configured weights. Pure, standard library only (no scipy at run time).

The p-value is the chi-square survival function for k - 1 degrees of freedom, which is the
regularized upper incomplete gamma function Q(dof / 2, x / 2): the series expansion below
a + 1, Lentz's continued fraction above it (Numerical Recipes, 3rd ed., section 6.2). For
one degree of freedom (two arms, the common case) Q(1/2, x/2) = erfc(sqrt(x / 2)) exactly.
The tests compare both against `scipy.stats.chisquare`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

_EPS = 1e-15
_TINY = 1e-300
_MAX_ITER = 10_000


def upper_regularized_gamma(a: float, x: float) -> float:
    """Q(a, x) = Gamma(a, x) / Gamma(a), for a > 0, x >= 0."""
    if a <= 0:
        raise ValueError("a must be positive")
    if x <= 0:
        return 1.0
    log_prefix = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:  # series for P(a, x), then Q = 1 - P
        term = total = 1.0 / a
        ap = a
        for _ in range(_MAX_ITER):
            ap += 1
            term *= x / ap
            total += term
            if abs(term) < abs(total) * _EPS:
                break
        return max(0.0, 1.0 - total * math.exp(log_prefix))
    # continued fraction for Q(a, x) (modified Lentz)
    b = x + 1 - a
    c = 1 / _TINY
    d = 1 / b
    h = d
    for i in range(1, _MAX_ITER):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = _TINY if abs(d) < _TINY else d
        c = b + an / c
        c = _TINY if abs(c) < _TINY else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < _EPS:
            break
    return math.exp(log_prefix) * h


def chi2_sf(x: float, dof: int) -> float:
    """P(X >= x) for X ~ chi-square with `dof` degrees of freedom."""
    if dof < 1:
        raise ValueError("dof must be at least 1")
    if x <= 0:
        return 1.0
    if dof == 1:
        return math.erfc(math.sqrt(x / 2))
    return upper_regularized_gamma(dof / 2, x / 2)


@dataclass(frozen=True, slots=True)
class SrmResult:
    observed: dict[str, float]  # arm -> count
    expected_share: dict[str, float]  # arm -> configured weight (normalised)
    total: float
    chi2: float
    p_value: float

    def share(self, arm: str) -> float:
        return self.observed.get(arm, 0.0) / self.total if self.total else 0.0

    def worst_arm(self) -> str:
        """The arm whose observed share is furthest (relatively) from its weight; between
        equals (two arms), the one that got too few: that is where users went missing."""
        return max(self.expected_share, key=lambda a: (round(abs(self.share(a) - self.expected_share[a])
                                                             / self.expected_share[a], 9), -self.share(a), a))


def chi_square(observed: Mapping[str, float], weights: Mapping[str, float]) -> SrmResult:
    """The test over the arms of `weights` (an arm absent from `observed` counted 0)."""
    arms: Sequence[str] = list(weights)
    if len(arms) < 2:
        raise ValueError("SRM needs at least two arms")
    wsum = sum(weights.values())
    share = {a: weights[a] / wsum for a in arms}
    counts = {a: float(observed.get(a, 0.0)) for a in arms}
    total = sum(counts.values())
    if total <= 0:
        return SrmResult(counts, share, 0.0, 0.0, 1.0)
    stat = sum((counts[a] - total * share[a]) ** 2 / (total * share[a]) for a in arms)
    return SrmResult(counts, share, total, stat, chi2_sf(stat, len(arms) - 1))


def format_p(p: float) -> str:
    """"p = 3e-12", "p = 0.41"; "p < 1e-300" where the float underflows."""
    if p <= 0:
        return "p < 1e-300"
    if p >= 0.01:
        return f"p = {p:.2f}"
    return f"p = {p:.0e}".replace("e-0", "e-")


def format_count(n: float) -> str:
    """1.2 M, 38 k, 412."""
    if n >= 1e6:
        return f"{n / 1e6:.1f} M"
    if n >= 1e4:
        return f"{n / 1e3:.0f} k"
    if n >= 1e3:
        return f"{n / 1e3:.1f} k"
    return f"{n:.0f}"
