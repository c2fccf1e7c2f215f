"""Signals roll up into a component, components into a system: the worst status wins.

Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from atlas.catalog.model import Catalog
from atlas.health.model import ComponentHealth, SignalStatus, Status

NO_SIGNALS = "no health signals declared"


def worst(statuses: Iterable[Status]) -> Status | None:
    out = None
    for s in statuses:
        if out is None or s.severity > out.severity:
            out = s
    return out


def component_health(component_id: str, signals: list[SignalStatus]) -> ComponentHealth:
    """Worst signal wins and lends its reason; ties go to the first declared signal."""
    if not signals:
        return ComponentHealth(component_id, Status.NO_DATA, NO_SIGNALS, [])
    top = signals[0]
    for s in signals[1:]:
        if s.status.severity > top.status.severity:
            top = s
    since = _since(top.status, signals)
    if top.status is Status.OK and len(signals) > 1:
        # every signal is fine: say so, rather than lend one signal's sentence, which reads
        # like a warning ("restarts 0 (warn above 0)") on a healthy component
        return ComponentHealth(component_id, Status.OK, f"all {len(signals)} signals OK", list(signals), since)
    return ComponentHealth(component_id, top.status, top.reason, list(signals), since)


def _since(status: Status, signals: list[SignalStatus]) -> float | None:
    """A WARN or CRIT component has been failing since the earliest of its WARN and CRIT
    signals turned (a WARN for 3 h under a CRIT of 10 min: failing for 3 h); otherwise since
    its earliest signal in that status turned; an OK one recovered when its last signal did
    (None when none was failing)."""
    levels = (Status.WARN, Status.CRIT) if status in (Status.WARN, Status.CRIT) else (status,)
    times = [s.since for s in signals if s.status in levels and s.since is not None]
    if not times:
        return None
    return max(times) if status is Status.OK else min(times)


def system_rollup(catalog: Catalog, components: Mapping[str, ComponentHealth]) -> dict[str, Status]:
    """Worst status of each system's components; components without signals do not count
    (a bucket nobody monitors should not turn its whole system grey)."""
    members: dict[str, list[Status]] = {sid: [] for sid in catalog.systems}
    for cid, health in components.items():
        comp = catalog.components.get(cid)
        if comp is None or not comp.system or not health.signals:
            continue
        members.setdefault(comp.system, []).append(health.status)
    return {sid: worst(statuses) or Status.NO_DATA for sid, statuses in members.items()}


def counts(components: Iterable[ComponentHealth]) -> dict[Status, int]:
    out = {s: 0 for s in Status}
    for c in components:
        out[c.status] += 1
    return out


def ordered(components: Iterable[ComponentHealth]) -> list[ComponentHealth]:
    """Worst first, then by id: the order of every health table."""
    return sorted(components, key=lambda c: (-c.status.severity, c.id))
