"""A failing experiment as a probable cause in triage: when its serving component's
symptoms began when the experiment's finding did (within an hour: the watch reads hourly
counts), the on-call sees the experiment, its owner and what the watch found, with the
component under it. Pure: builds what `atlas.health.triage.triage(extra_causes=...)` takes."""

from __future__ import annotations

from atlas.watch.model import WatchReport
from atlas.health.triage import TriageItem

ALIGN_WINDOW = 3600.0  # onsets this close line up (one bucket of the request counter)


def experiment_causes(report: WatchReport | None, window: float = ALIGN_WINDOW) -> list[tuple[TriageItem, str, float]]:
    """(cause item, serving component, window) for every failing experiment that names one."""
    if report is None:
        return []
    out = []
    for e in report.failing:
        if not e.component:
            continue
        item = TriageItem(component=f"experiment:{e.experiment}", status=e.status,
                          reason=f"experiment {e.experiment} {e.reason} (atlas experiment watch {e.experiment})",
                          role="cause", owner=e.owner, since=e.since)
        out.append((item, e.component, window))
    return out
