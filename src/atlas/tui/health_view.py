"""What the TUI knows about health right now: the last good snapshot, whether it is stale
and why, and the triage ranking computed from it. Pure state; the app updates it from its
refresh worker's results."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

from atlas.health.model import ComponentHealth, Status
from atlas.health.readable import onset


def one_line(error: BaseException | str, limit: int = 160) -> str:
    """A failure as one readable line (never a traceback)."""
    if isinstance(error, BaseException):
        text = str(error) or type(error).__name__
    else:
        text = error
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class HealthView:
    snapshot: Any = None  # HealthSnapshot | None: None until the first refresh lands
    error: str = ""  # why the last refresh failed (one line), "" when it worked
    partial: list[str] = field(default_factory=list)  # query groups that failed in a good refresh
    triage: list[Any] = field(default_factory=list)
    refreshing: bool = False

    @property
    def stale(self) -> bool:
        """Values shown are from an earlier refresh, because the latest one failed."""
        return bool(self.error) and self.snapshot is not None

    @property
    def taken_at(self) -> float | None:
        return getattr(self.snapshot, "taken_at", None)

    def component(self, component_id: str) -> ComponentHealth | None:
        if self.snapshot is None:
            return None
        return self.snapshot.components.get(component_id)

    def status(self, component_id: str) -> Status:
        health = self.component(component_id)
        return health.status if health is not None else Status.NO_DATA

    def reason(self, component_id: str) -> str:
        health = self.component(component_id)
        if health is None:
            return "no health data yet" if self.snapshot is None else "no signals"
        # "failing for 3 h" / "recovered 20 min ago", as of the snapshot (not the wall clock)
        when = onset(health.status.value, health.since, self.taken_at) if self.taken_at else ""
        return f"{health.reason}; {when}" if when else health.reason

    def counts(self, component_ids: Iterable[str]) -> Counter:
        return Counter(self.status(cid) for cid in component_ids)

    def accept(self, snapshot: Any, triage: list[Any]) -> None:
        self.snapshot = snapshot
        self.triage = triage
        self.error = ""
        self.partial = [one_line(e) for e in getattr(snapshot, "errors", []) or []]

    def fail(self, error: BaseException | str) -> None:
        """Keep the last values; say why in one line."""
        self.error = one_line(error)
