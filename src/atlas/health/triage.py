"""Root-cause triage: "what is broken, and where did it start?". Pure: no I/O.

A failing component (WARN, CRIT or STALE) with no failing component anywhere upstream is a
probable CAUSE. Every other failing component is a probable SYMPTOM of the causes upstream
of it, listed under the nearest one (ties: the higher ranked cause). Causes rank by severity,
then blast radius, then tier (1 first). ERROR and NO_DATA say nothing about the product (the
query failed, or nothing is measured), so they neither cause nor hide anything; healthy
components downstream of a cause are listed as "at risk": they will go stale next.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from atlas.catalog.model import Catalog
from atlas.health.model import Status


@dataclass(slots=True)
class TriageItem:
    component: str
    status: Status
    reason: str
    role: str  # "cause" | "symptom"
    symptoms: list[TriageItem] = field(default_factory=list)
    owner: str = ""  # team id
    runbook: str | None = None  # workspace-relative path
    blast_radius: int = 0
    oncall: str = ""
    chat: str = ""
    tier: int = 2
    hops: int = 0  # symptoms: distance from their cause
    at_risk: list[str] = field(default_factory=list)  # causes: healthy components downstream

    def to_json(self) -> dict[str, Any]:
        out = {
            "component": self.component,
            "status": self.status.value,
            "reason": self.reason,
            "role": self.role,
            "owner": self.owner,
            "oncall": self.oncall,
            "chat": self.chat,
            "runbook": self.runbook,
            "blast_radius": self.blast_radius,
            "tier": self.tier,
        }
        if self.role == "cause":
            out["symptoms"] = [s.to_json() for s in self.symptoms]
            out["at_risk"] = list(self.at_risk)
        else:
            out["hops"] = self.hops
        return out


def _statuses(snapshot: Any) -> dict[str, tuple[Status, str]]:
    """Accepts a HealthSnapshot or a plain {id: ComponentHealth} mapping."""
    components = getattr(snapshot, "components", snapshot)
    return {cid: (h.status, h.reason) for cid, h in components.items()}


def _item(catalog: Catalog, graph: Any, cid: str, status: Status, reason: str, role: str) -> TriageItem:
    comp = catalog.components.get(cid)
    team = catalog.teams.get(comp.owner) if comp and comp.owner else None
    return TriageItem(
        component=cid,
        status=status,
        reason=reason,
        role=role,
        owner=comp.owner if comp else "",
        runbook=comp.runbook if comp else None,
        blast_radius=graph.blast_radius(cid).size if cid in graph else 0,
        oncall=team.oncall if team else "",
        chat=team.chat if team else "",
        tier=comp.tier if comp else 2,
    )


def triage(catalog: Catalog, graph: Any, snapshot: Any) -> list[TriageItem]:
    """Causes, best first, each with its symptoms (nearest first) and at-risk components."""
    statuses = _statuses(snapshot)
    failing = {cid for cid, (st, _) in statuses.items() if st.failing and cid in graph}
    upstream = {cid: graph.upstream(cid) for cid in failing}

    cause_ids = [cid for cid in sorted(failing) if not (failing & upstream[cid].keys())]
    # A cycle of failing components has no failing-free top: its members become causes,
    # so nothing failing is ever left out of the list.
    covered = set(cause_ids)
    for cid in sorted(failing):
        if cid not in covered and not any(u in cause_ids for u in upstream[cid]):
            cause_ids.append(cid)
            covered.add(cid)

    causes = {cid: _item(catalog, graph, cid, *statuses[cid], "cause") for cid in cause_ids}

    def rank(item: TriageItem) -> tuple:
        return (-item.status.severity, -item.blast_radius, item.tier, item.component)

    ranked = sorted(causes.values(), key=rank)
    position = {item.component: i for i, item in enumerate(ranked)}

    for cid in failing - causes.keys():
        candidates = [(hops, position[u]) for u, hops in upstream[cid].items() if u in causes]
        if not candidates:
            continue
        hops, pos = min(candidates)
        symptom = _item(catalog, graph, cid, *statuses[cid], "symptom")
        symptom.hops = hops
        ranked[pos].symptoms.append(symptom)

    for item in ranked:
        item.symptoms.sort(key=lambda s: (s.hops, -s.status.severity, s.component))
        item.at_risk = [
            d for d in graph.downstream(item.component)
            if statuses.get(d, (Status.NO_DATA, ""))[0] in (Status.OK, Status.NO_DATA)
        ]
    return ranked


def flatten(items: list[TriageItem]) -> list[TriageItem]:
    """Causes with their symptoms right after them: the row order of a triage table."""
    out: list[TriageItem] = []
    for item in items:
        out.append(item)
        out.extend(item.symptoms)
    return out
