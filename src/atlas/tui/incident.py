"""Incident first: what is failing now, as the catalog's top group (causes, then their
symptoms), each with how long it has been failing. Pure: built from the triage ranking."""

from __future__ import annotations

from dataclasses import dataclass, field

from atlas.health.readable import duration
from atlas.tui.health_view import HealthView

INCIDENT = "(failing now)"  # the group id: no system can be called that


def failing_for(since: float | None, now: float | None) -> str:
    """"failing for 3 h", or "onset unknown" when no reader could tell (never a guess)."""
    if since is None or now is None:
        return "onset unknown"
    age = max(0.0, now - since)
    return f"failing for {duration(age) if age >= 60 else 'under a minute'}"


@dataclass(slots=True)
class Incident:
    ids: list[str] = field(default_factory=list)  # causes (best first), then their symptoms
    notes: dict[str, str] = field(default_factory=dict)  # id -> "cause · failing for 3 h · why"
    causes: int = 0
    symptoms: int = 0
    unexplained: int = 0
    at_risk: int = 0

    @property
    def title(self) -> str:
        parts = [f"{self.causes} cause{'s' if self.causes != 1 else ''}"]
        if self.symptoms:
            parts.append(f"{self.symptoms} symptom{'s' if self.symptoms != 1 else ''}")
        if self.unexplained:
            parts.append(f"{self.unexplained} unexplained")
        if self.at_risk:
            parts.append(f"{self.at_risk} at risk")
        return "Failing now · " + ", ".join(parts)


def incident(health: HealthView) -> Incident:
    """Causes first (triage order), each followed by its symptoms; empty when all is well."""
    out = Incident()
    now = health.taken_at
    for cause in health.triage:
        if getattr(cause, "role", "cause") == "unexplained":  # failing, no checked chain to a cause
            if cause.component not in out.notes:
                out.unexplained += 1
                out.ids.append(cause.component)
                out.notes[cause.component] = f"unexplained · {_when(health, cause.component, now)} · {_why(health, cause)}"
            continue
        out.causes += 1
        out.at_risk += len(cause.at_risk)
        out.ids.append(cause.component)
        out.notes[cause.component] = f"cause · {_when(health, cause.component, now)} · {_why(health, cause)}"
        for symptom in cause.symptoms:
            if symptom.component in out.notes:
                continue
            out.symptoms += 1
            out.ids.append(symptom.component)
            role = "failed step of" if getattr(symptom, "step_of", "") else "symptom of"
            out.notes[symptom.component] = (f"{role} {cause.component} · {_when(health, symptom.component, now)}"
                                            f" · {_why(health, symptom)}")
    return out


def _when(health: HealthView, component_id: str, now: float | None) -> str:
    current = health.component(component_id)
    return failing_for(getattr(current, "since", None), now)


def _why(health: HealthView, item) -> str:
    current = health.component(item.component)
    return (current.reason if current is not None else "") or item.reason
