"""Health statuses and results: the contract between the health core, triage, CLI and TUI.

Pure data; no I/O, no Google imports.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Status(str, enum.Enum):
    OK = "OK"
    WARN = "WARN"
    CRIT = "CRIT"
    NO_DATA = "NO_DATA"
    STALE = "STALE"
    ERROR = "ERROR"

    @property
    def failing(self) -> bool:
        """Statuses that count as 'something is wrong here' for triage."""
        return self in (Status.WARN, Status.CRIT, Status.STALE)

    @property
    def severity(self) -> int:
        """Ordering for roll-up: the worst status wins."""
        return _SEVERITY[self]


_SEVERITY = {
    Status.OK: 0,
    Status.NO_DATA: 1,
    Status.ERROR: 2,
    Status.STALE: 3,
    Status.WARN: 4,
    Status.CRIT: 5,
}


@dataclass(slots=True)
class SignalStatus:
    component: str
    name: str  # the signal template id
    status: Status
    reason: str  # a sentence a person can read: "system_lag 412 s > crit 300 s, 2 min ago"
    value: float | None = None
    unit: str = ""
    observed_at: float | None = None  # epoch seconds of the point the value came from
    points: list[tuple[float, float]] = field(default_factory=list)  # (epoch s, value), oldest first
    warn: float | None = None
    crit: float | None = None
    direction: str = "above"
    # epoch seconds when this status began (read from the series or the log entry); None
    # when it cannot be told. Triage orders causes by it; screens say "failing for 3 h".
    since: float | None = None
    # a longer look-back of the same series, at the same period, read only when the window
    # could not tell when a flapping signal's on-and-off episode began (see
    # `atlas.health.series`); oldest first, empty otherwise
    history: list[tuple[float, float]] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "status": self.status.value,
            "value": self.value,
            "unit": self.unit,
            "observed_at": self.observed_at,
            "since": iso8601(self.since),
            "reason": self.reason,
        }


@dataclass(slots=True)
class ComponentHealth:
    id: str
    status: Status
    reason: str
    signals: list[SignalStatus] = field(default_factory=list)
    since: float | None = None  # when the component's current status began (see SignalStatus.since)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "status": self.status.value,
            "reason": self.reason,
            "since": iso8601(self.since),
            "signals": [s.to_json() for s in self.signals],
        }


def iso8601(epoch: float | None) -> str | None:
    """ISO 8601 UTC ("2026-12-03T06:25:00Z"), or None when the onset is not known."""
    if epoch is None:
        return None
    import datetime

    return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
