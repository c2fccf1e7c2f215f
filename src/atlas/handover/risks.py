"""Handover risks: what would hurt most if it broke tomorrow, worst first.

    risk = criticality x gap,   gap = 100 - readiness score

    criticality = 1 + tier part + blast part        (between 1 and 2)
      tier part   tier 1: 0.5, tier 2: 0.25, tier 3: 0
      blast part  0.5 x (components downstream) / (largest blast radius in the catalog)

Criticality only scales the gap, at most twice: a leaf nobody knows with no runbook stays
a top risk next to a hub with a thinner gap, because the gap is what the handover can fix.
Pure: takes the readiness and the blast radius sizes from the graph.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from atlas.handover.readiness import ComponentReadiness

TIER_PART = {1: 0.5, 2: 0.25, 3: 0.0}
BLAST_PART = 0.5


@dataclass(slots=True)
class Risk:
    component: str
    owner: str
    score: int
    gap: int
    tier: int
    blast_radius: int
    criticality: float
    value: float  # criticality x gap
    reasons: list[str]  # the failed rules' reasons

    def to_json(self) -> dict:
        return {"component": self.component, "owner": self.owner, "score": self.score, "gap": self.gap,
                "tier": self.tier, "blast_radius": self.blast_radius,
                "criticality": round(self.criticality, 2), "risk": round(self.value, 1),
                "reasons": list(self.reasons)}


def criticality(tier: int, blast_radius: int, largest_blast: int) -> float:
    blast = BLAST_PART * blast_radius / largest_blast if largest_blast else 0.0
    return 1.0 + TIER_PART.get(tier, 0.25) + blast


def blast_sizes(graph, component_ids) -> dict[str, int]:
    """Component id -> how many components sit downstream of it (its blast radius size).

    One pass over the graph in reverse data-flow order, each component's downstream set an
    int bitset (the union of its dependents' sets): 10k components in ~0.1 s where a walk
    per component takes seconds. A graph with a cycle falls back to one walk each.
    """
    order = graph.topological_order()
    position = {cid: i for i, cid in enumerate(order)}
    dependents = {cid: graph.dependents(cid) for cid in order}
    if any(position[d] <= position[cid] for cid in order for d in dependents[cid]):
        return {cid: graph.blast_radius(cid).size for cid in component_ids}
    reach: dict[str, int] = {}
    for cid in reversed(order):
        bits = 0
        for d in dependents[cid]:
            bits |= reach[d] | (1 << position[d])
        reach[cid] = bits
    return {cid: reach[cid].bit_count() for cid in component_ids}


def rank_risks(readiness: Mapping[str, ComponentReadiness], blast: Mapping[str, int], *,
               largest_blast: int | None = None) -> list[Risk]:
    """Every assessed component with a gap, highest risk first (ties: tier, then id).

    `blast` maps component id -> blast radius size (`blast_sizes`). `largest_blast` defaults
    to the largest among the assessed components; pass the catalog-wide one to keep values
    comparable when only a team's part is assessed.
    """
    largest = largest_blast if largest_blast is not None else max((blast.get(c, 0) for c in readiness), default=0)
    out = []
    for cid, r in readiness.items():
        gap = 100 - r.score
        if gap <= 0:
            continue
        size = blast.get(cid, 0)
        crit = criticality(r.tier, size, largest)
        out.append(Risk(cid, r.owner, r.score, gap, r.tier, size, crit, crit * gap,
                        [f"{rule.title}: {rule.reason}" for rule in r.failed]))
    out.sort(key=lambda k: (-round(k.value, 6), k.tier, k.component))
    return out
