"""Watch results: one per running experiment, each a list of checks. Pure data.

Statuses are health's (`atlas.health.model.Status`) so the screens show the same glyphs;
a check that could not run is ERROR (the query failed) or NO_DATA (too little traffic
yet), never OK.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from atlas.health.model import Status, iso8601

# in the order a tie is told: the sample ratio first, it invalidates everything else
CHECKS = ("srm", "served", "fed", "exposure", "errors", "latency")


@dataclass(slots=True)
class Check:
    name: str  # one of CHECKS
    status: Status
    reason: str  # what a data scientist can act on
    since: float | None = None  # epoch seconds the status began, when it can be told
    arm: str = ""  # the arm a guardrail or served check names
    numbers: dict[str, Any] = field(default_factory=dict)  # the figures behind the reason (JSON)

    def to_json(self) -> dict:
        return {"check": self.name, "status": self.status.value, "reason": self.reason,
                "since": iso8601(self.since), "arm": self.arm or None, "numbers": self.numbers}


@dataclass(slots=True)
class ExperimentWatch:
    experiment: str
    template: str
    owner: str = ""
    component: str = ""  # the serving component its traffic runs through
    merged_at: float | None = None
    checks: list[Check] = field(default_factory=list)
    taken_at: float = 0.0

    @property
    def worst(self) -> Check | None:
        if not self.checks:
            return None
        rank = {name: i for i, name in enumerate(CHECKS)}
        return max(self.checks, key=lambda c: (c.status.severity, -rank.get(c.name, len(CHECKS))))

    @property
    def status(self) -> Status:
        worst = self.worst
        return worst.status if worst is not None else Status.NO_DATA

    @property
    def reason(self) -> str:
        worst = self.worst
        if worst is None:
            return "nothing to check: the template declares no watch"
        bad = [c for c in self.checks if c.status is worst.status]
        if worst.status is Status.OK:
            more = f" (all {len(bad)} checks OK)"
        else:
            more = f" (+{len(bad) - 1} more {worst.status.value})" if len(bad) > 1 else ""
        return f"{worst.name}: {worst.reason}{more}"

    @property
    def since(self) -> float | None:
        times = [c.since for c in self.checks if c.status is self.status and c.since is not None]
        return min(times) if times else None

    @property
    def failing(self) -> bool:
        return self.status in (Status.WARN, Status.CRIT)

    def to_json(self) -> dict:
        return {"experiment": self.experiment, "template": self.template, "owner": self.owner,
                "component": self.component or None, "status": self.status.value, "reason": self.reason,
                "since": iso8601(self.since), "merged_at": iso8601(self.merged_at),
                "checked_at": iso8601(self.taken_at), "checks": [c.to_json() for c in self.checks]}


@dataclass(slots=True)
class WatchReport:
    experiments: list[ExperimentWatch] = field(default_factory=list)
    calls: int = 0  # ListTimeSeries RPCs, pages included
    queries: int = 0  # requests planned (one per distinct metric unless a filter was split)
    metrics: int = 0  # distinct metric types asked about
    duration: float = 0.0  # wall seconds
    taken_at: float = 0.0
    errors: list[str] = field(default_factory=list)  # one line per failed query
    skipped: list[str] = field(default_factory=list)  # running experiments the watch cannot read, and why

    @property
    def failing(self) -> list[ExperimentWatch]:
        return [e for e in self.experiments if e.failing]

    @property
    def exit_code(self) -> int:
        """1 when any experiment is WARN or CRIT, or could not be watched (a query failed,
        a manifest or template is broken): a scheduled job pages on it. Too little traffic
        yet (NO_DATA) alone is 0: it is said, not paged."""
        bad = any(e.failing or e.status is Status.ERROR for e in self.experiments)
        return 1 if bad or self.errors or self.skipped else 0

    def to_json(self) -> dict:
        return {"taken_at": iso8601(self.taken_at), "calls": self.calls, "queries": self.queries,
                "metrics": self.metrics, "duration_s": round(self.duration, 3), "errors": list(self.errors),
                "skipped": list(self.skipped), "experiments": [e.to_json() for e in self.experiments]}
