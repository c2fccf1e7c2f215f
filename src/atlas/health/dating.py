"""Dating a failure the look-back cannot date: one more Monitoring query, for those signals only.

A signal's look-back (its window, typically 15 min to 1 h) says when its current status
began only if the change happened inside it. Two cases need a longer look, over
ONSET_HORIZON (a day: triage's "recently", `atlas.health.triage.FRESH`):
- a steady failing run that reaches back to the window's start: read at a coarser period,
  its start says "failing for 3 h", not "for 1 h";
- a signal that flapped all through its window (`atlas.health.series.undated`): read at its
  own period, as `SignalStatus.history` (a coarser period would average the flips away);
  triage dates its on-and-off episode from it.
Best effort: when the call fails, a failure keeps its lower bound and its episode stays
undated. A day back is inside every metric type's retention, which "varies with the metric
type" and is weeks at the least (cloud.google.com/monitoring/api/v3/latency-n-retention).
"""

from __future__ import annotations

from dataclasses import replace

from atlas.health import evaluate, series
from atlas.health.model import SignalStatus, Status
from atlas.health.planner import QueryGroup

ONSET_HORIZON = 24 * 3600  # how far back a failure's start is looked for
ONSET_PERIOD = 600  # the coarser period a steady run is dated at


def date_onsets(clients, group: QueryGroup, statuses: list[SignalStatus], now: float) -> int:
    """Widen `since` of the steady runs and attach `history` to the flapping signals of one
    query group's statuses, in place; the calls made (0 when nothing needed it)."""
    by_key = {(m.component, m.id): m for m in group.members}
    early, flapping = [], []
    for s in statuses:
        spec = by_key.get((s.component, s.name))
        if spec is None or spec.type != "metric" or s.status not in (Status.WARN, Status.CRIT) or not s.points:
            continue
        if s.since is not None and s.since <= s.points[0][0] - spec.alignment_period + 1:
            early.append((s, spec))
        elif series.undated(s):
            flapping.append((s, spec))
    calls = 0
    if early:
        made, found = _probe(clients, group, early, max(group.key.alignment_period, ONSET_PERIOD), now)
        calls += made
        for (status, spec), pts in zip(early, found):
            since = evaluate.onset(spec, pts, status.status) if pts else None
            if since is not None and since < status.since:
                status.since = since
    if flapping:
        made, found = _probe(clients, group, flapping, group.key.alignment_period, now)
        calls += made
        for (status, _), pts in zip(flapping, found):
            status.history = pts
    return calls


def _probe(clients, group: QueryGroup, wanted, period: int, now: float) -> tuple[int, list[list]]:
    """(calls made, each wanted signal's points over ONSET_HORIZON at `period`); empty lists
    when the call fails."""
    from atlas.health.monitoring import fetch_group

    wide = []
    for _, spec in wanted:
        w = replace(spec, alignment_period=period)
        w.lookback = ONSET_HORIZON
        wide.append(w)
    probe = QueryGroup(replace(group.key, alignment_period=period), wide)
    try:
        result = fetch_group(clients.monitoring, probe, now, retry=clients.retry, timeout=clients.timeout)
    except Exception:  # noqa: BLE001 - the statuses stand; only their age stays a lower bound
        return 1, [[] for _ in wanted]
    return result.calls, [sorted(p for p in result.points.get(spec.label_key, ()) if p[0] >= now - ONSET_HORIZON)
                          for spec in wide]
