"""How a failing component's recent series looks: one clean step, or flapping. Pure: no I/O.

A real fault usually shows as a step: the signal was fine, crossed its threshold once and
stayed over it. A value hovering at its threshold crosses it back and forth (Naemon calls a
check "flapping" when it "changes state too frequently", often because of "thresholds set
too low": naemon.io/documentation/usersguide/flapping). Its `since` dates only the latest
crossing, so it looks fresh while nothing new happened: triage must not read it as news,
and orders it by when its on-and-off episode began.

Read from what the health refresh already returns: each signal's `points` (its look-back
window, oldest first) judged point by point against its own warn/crit/direction, the
evaluator's rule (`atlas.health.evaluate.level`). A series is read only when it is the one
the status was judged from (its newest point is the signal's value and reproduces its
status): a freshness signal's points are not ages and a log count has no series, so for
those the shape is "unknown", never "step".

A signal that flapped all through its window cannot be dated from it. The health refresh
then reads the same series once more over a day (`SignalStatus.history`, same period: a
coarser period would average the flips away), and the episode is dated from that, or stays
unknown when it flapped all day too.
"""

from __future__ import annotations

from dataclasses import dataclass

from atlas.health.evaluate import level
from atlas.health.model import ComponentHealth, SignalStatus, Status

STEP, FLAPPING, UNKNOWN = "step", "flapping", "unknown"


def judged(sig: SignalStatus) -> bool:
    """Was this signal's WARN/CRIT judged from its points (so the points can be read)?"""
    if sig.status not in (Status.WARN, Status.CRIT) or not sig.points:
        return False
    at, value = sig.points[-1]
    return at == sig.observed_at and value == sig.value and level(sig, value) is sig.status


def failing_runs(sig: SignalStatus, pts=None) -> list[tuple[float, float]]:
    """(start, end) of each run of points over a threshold (WARN or CRIT), oldest first; a
    point covers the period before it, so a run starts one period before its first point.
    `pts`: another series of the same signal (its `history`); default its window."""
    pts = sig.points if pts is None else pts
    period = _period(pts)
    # the first threshold crossed, in the direction of the signal (level's rule, inlined:
    # a cascade of a thousand components has this many points to read)
    limits = [x for x in (sig.warn, sig.crit) if x is not None]
    if not limits:
        return []
    above = sig.direction != "below"
    limit = min(limits) if above else max(limits)
    runs: list[list[float]] = []
    inside = False
    for t, v in pts:
        bad = v > limit if above else v < limit
        if bad and not inside:
            runs.append([t - period, t])
        elif bad:
            runs[-1][1] = t
        inside = bad
    return [(a, b) for a, b in runs]


def episode_start(sig: SignalStatus, runs: list[tuple[float, float]], pts=None) -> float | None:
    """When a flapping signal's on-and-off episode began: its first failing run, if the
    series was fine before it for clearly longer (twice) than its longest gap between
    failing runs; otherwise the fine stretch at the series' start may be one more gap, and
    the episode began before it: None. `pts`: the series `runs` were read from."""
    pts = sig.points if pts is None else pts
    gaps = [b[0] - a[1] for a, b in zip(runs, runs[1:])]
    if not gaps:
        return None
    lead = runs[0][0] - (pts[0][0] - _period(pts))
    return runs[0][0] if lead > 2 * max(gaps) else None


def undated(sig: SignalStatus) -> bool:
    """Does this failing signal flap all through its window, so that only a longer look at
    its series (`history`) can date its episode? What the health refresh asks first."""
    if not judged(sig):
        return False
    runs = failing_runs(sig)
    return len(runs) > 1 and episode_start(sig, runs) is None


@dataclass(slots=True, frozen=True)
class Shape:
    kind: str = UNKNOWN  # STEP | FLAPPING | UNKNOWN
    # FLAPPING: when its on-and-off episode began (see `episode_start`); None when the
    # series cannot tell (it flapped through its window)
    episode: float | None = None

    @property
    def flapping(self) -> bool:
        return self.kind == FLAPPING


def shape(health: ComponentHealth) -> Shape:
    """A component's shape, from the signals that give it its status: STEP when one of them
    fails steadily (a steady failure is there, whatever else flaps), FLAPPING when every
    readable one turned failing more than once in its window, UNKNOWN when none can be
    read. Among flapping signals, the earliest episode (an unknown start is earliest)."""
    episodes: list[float | None] = []
    for sig in health.signals:
        if sig.status is not health.status or not judged(sig):
            continue
        runs = failing_runs(sig)
        if len(runs) <= 1:
            return Shape(STEP)
        start = episode_start(sig, runs)
        if start is None and sig.history:
            longer = failing_runs(sig, sig.history)
            start = episode_start(sig, longer, sig.history) if len(longer) > 1 else None
        episodes.append(start)
    if not episodes:
        return Shape(UNKNOWN)
    return Shape(FLAPPING, None if None in episodes else min(episodes))


def _period(pts) -> float:
    return pts[1][0] - pts[0][0] if len(pts) > 1 else 60.0


def failing_signals(health: ComponentHealth) -> int:
    """How many of its signals are failing (WARN, CRIT or STALE)."""
    return sum(1 for s in health.signals if s.status.failing)
