"""The severity>=ERROR entries each component's own log filter holds on a replayed incident.

The model (its numbers are stated, with the rest, in `incidents.py`'s docstring): a
usual rate per component (a Poisson process), unrelated spikes, and the entries of the
failures that log. Everything here is drawn from its own random stream, so adding or
changing it leaves the incidents themselves (roots, statuses, onsets, changes) untouched.

`ErrorLogs.count(cid, a, b)` is what a read of Cloud Logging returns for [a, b): the
background drawn for that window (deterministic per incident, component and window), plus
the spike and failure entries that fall in it; `newest` says how far back a page of the
newest k of them reaches. Entries show at once (Cloud Logging shows an entry within
seconds); the page of 1,000 is the reader's (`bench_triage`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

MIN, H = 60.0, 3600.0
USUAL = {"fast": (0.5, 60.0), "batch": (0.05, 5.0)}  # usual errors per hour, log-uniform
USUAL_OTHER = (0.01, 1.0)  # data and model families
SPIKES_PER_COMPONENT = 0.05  # unrelated spikes per component in the last SPIKE_SPAN
SPIKE_SPAN, SPIKE_LEN, SPIKE_SIZE = 72 * H, 5 * MIN, (10, 100)
FAST_FAILURE = (60.0, 3000.0)  # a fast component that broke: errors per hour, log-uniform, until now
OTHER_FAILURE, OTHER_SPREAD = (3, 20), 10 * MIN  # any other: 3-20 entries in the 10 min after it broke
SYMPTOM_FAST, SYMPTOM_OTHER = 0.4, 0.2  # a cascade symptom, or a failure the noise spilled onto, logs
WARN_LOGS = 0.3  # an unrelated WARN (not one at its threshold, not the flapping noise)


def log_uniform(r: random.Random, lo: float, hi: float) -> float:
    return math.exp(r.uniform(math.log(lo), math.log(hi)))


def usual_rates(r: random.Random, ids: Sequence[str], family: Mapping[str, str]) -> dict[str, float]:
    """Each component's usual errors per hour, drawn once per catalog in id order."""
    return {cid: log_uniform(r, *USUAL.get(family[cid], USUAL_OTHER)) for cid in ids}


@dataclass
class ErrorLogs:
    seed: int  # the incident's: a window's background is drawn from (seed, component, window)
    now: float
    usual: Mapping[str, float]  # errors per hour, components with a log filter only
    spikes: dict[str, list[tuple[float, int, int]]] = field(default_factory=dict)  # cid -> (start, entries, no.)
    rates: dict[str, list[tuple[float, float]]] = field(default_factory=dict)  # cid -> (broke, per hour)
    entries: dict[str, list[float]] = field(default_factory=dict)  # cid -> failure entries' times

    def count(self, cid: str, a: float, b: float) -> int:
        """Entries of `cid`'s own log filter with a <= timestamp < b (b <= now)."""
        background, rated, points = self._parts(cid, a, b)
        return background + sum(n for _, _, n in rated) + len(points)

    def newest(self, cid: str, a: float, b: float, k: int) -> float:
        """The timestamp of the k-th newest of those entries (1 <= k <= count): where a page
        of k entries, newest first, reaches back to. The same entries `count` counted: the
        background and the rated ones placed uniformly in their spans (a Poisson process's
        entries, given their number)."""
        background, rated, points = self._parts(cid, a, b)
        r = random.Random(f"{self.seed}:{cid}:{a!r}:{b!r}:times")
        times = [a + r.random() * (b - a) for _ in range(background)] + points
        for lo, hi, n in rated:
            times.extend(lo + r.random() * (hi - lo) for _ in range(n))
        times.sort(reverse=True)
        return times[k - 1]

    def _parts(self, cid: str, a: float, b: float) -> tuple[int, list[tuple[float, float, int]], list[float]]:
        """The window's background count, its failures' (start, end, count) at a rate, and
        the times of its spike and failure entries."""
        if cid not in self.usual or b <= a:
            return 0, [], []
        r = random.Random(f"{self.seed}:{cid}:{a!r}:{b!r}")
        background = poisson(r, self.usual[cid] * (b - a) / H)
        rated = []
        for broke, per_hour in self.rates.get(cid, ()):
            lo, hi = max(a, broke), min(b, self.now)
            if hi > lo:
                rated.append((lo, hi, poisson(r, per_hour * (hi - lo) / H)))
        points = [t for t in self.entries.get(cid, ()) if a <= t < b]
        for start, size, no in self.spikes.get(cid, ()):
            if start < b and start + SPIKE_LEN >= a:
                times = random.Random(f"{self.seed}:spike:{no}")
                points.extend(t for t in (start + times.random() * SPIKE_LEN for _ in range(size)) if a <= t < b)
        return background, rated, points


def draw(r: random.Random, now: float, ids: Sequence[str], usual: Mapping[str, float],
         family: Mapping[str, str], failures: Sequence[tuple[str, float, float]]) -> ErrorLogs:
    """One incident's error entries. `failures`: (component, when it broke, the probability
    that it logs), in a fixed order; components without a log filter (not in `usual`) log
    nothing anyone can read."""
    logs = ErrorLogs(r.getrandbits(64), now, usual)
    for no in range(poisson(r, SPIKES_PER_COMPONENT * len(ids))):
        cid = r.choice(ids)
        start, size = now - r.uniform(0, SPIKE_SPAN), r.randint(*SPIKE_SIZE)
        if cid in usual:
            logs.spikes.setdefault(cid, []).append((start, size, no))
    for cid, broke, p in failures:
        if r.random() >= p or cid not in usual:
            continue
        if family[cid] == "fast":
            logs.rates.setdefault(cid, []).append((broke, log_uniform(r, *FAST_FAILURE)))
        else:
            logs.entries.setdefault(cid, []).extend(broke + r.uniform(0, OTHER_SPREAD)
                                                    for _ in range(r.randint(*OTHER_FAILURE)))
    return logs


def by_multiplication(r: random.Random, lam: float) -> int:
    """A Poisson(lam) draw by multiplying uniforms until they fall below exp(-lam): exact,
    but as many draws as the result (the incidents' small counts use it, draw for draw)."""
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= r.random()
        if p <= limit:
            return k
        k += 1


def poisson(r: random.Random, lam: float) -> int:
    """A Poisson(lam) draw, exact at any lam (a read can cover thousands of entries):
    multiplication below 10, else Hörmann's transformed rejection with squeeze (PTRS, as
    numpy's random_poisson_ptrs in numpy/random/src/distributions/distributions.c)."""
    if lam <= 0:
        return 0
    if lam < 10:
        return by_multiplication(r, lam)
    slam, loglam = math.sqrt(lam), math.log(lam)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    invalpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2)
    while True:
        u = r.random() - 0.5
        v = r.random()
        us = 0.5 - abs(u)
        if us <= 0:
            continue
        k = math.floor((2 * a / us + b) * u + lam + 0.43)
        if us >= 0.07 and v <= vr:
            return k
        if k < 0 or (us < 0.013 and v > us):
            continue
        if v == 0 or math.log(v) + math.log(invalpha) - math.log(a / (us * us) + b) <= -lam + k * loglam - math.lgamma(k + 1):
            return k
