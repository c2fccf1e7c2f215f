"""The onboarding tour: the product walked in true data-flow order, one component per stop.

Order: a topological walk across systems that starts at the product's sources (components
that depend on nothing) and follows the data: after each stop, what it has just made ready
comes next (depth first), so a topic comes right after the service that publishes to it,
wherever either lives. Every stop comes after everything it depends on. Ties (several
sources, several newly ready dependents) go by system `order`, then id. A person
marks a stop learned at a level; `Tour.with_learned` gives the updated tour and
`atlas.handover.knowledge.mark_learned` records it in the catalog:

    tour = build_tour(catalog, graph, person="amara")
    stop = tour.next_stop()
    mark_learned(catalog, stop.component, "amara", "can-operate")   # writes the TOML
    tour = tour.with_learned(stop.component, "can-operate")          # pure

Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from atlas.catalog.model import KNOWLEDGE_LEVELS, Catalog

DEFAULT_LEVEL = "can-operate"  # what "I have learned this" means unless the person says more
LEARNED_LEVELS = frozenset(KNOWLEDGE_LEVELS[KNOWLEDGE_LEVELS.index(DEFAULT_LEVEL):])


@dataclass(frozen=True, slots=True)
class TourStop:
    index: int  # 0-based position in the tour
    component: str
    system: str
    system_name: str
    kind: str
    owner: str
    description: str
    runbook: str | None  # workspace-relative path, None when the component has none
    level: str | None  # the person's knowledge level, None when not recorded (or no person)

    @property
    def learned(self) -> bool:
        return self.level in LEARNED_LEVELS


@dataclass(frozen=True, slots=True)
class Tour:
    person: str | None
    stops: tuple[TourStop, ...]

    @property
    def learned_count(self) -> int:
        return sum(1 for s in self.stops if s.learned)

    @property
    def progress(self) -> float:
        return self.learned_count / len(self.stops) if self.stops else 1.0

    def index_of(self, component_id: str) -> int:
        for stop in self.stops:
            if stop.component == component_id:
                return stop.index
        raise KeyError(component_id)

    def next_stop(self, after: str | None = None) -> TourStop | None:
        """The first stop not yet learned (after `after` when given, wrapping round)."""
        n = len(self.stops)
        start = self.index_of(after) + 1 if after is not None else 0
        for k in range(n):
            stop = self.stops[(start + k) % n]
            if not stop.learned:
                return stop
        return None

    def with_learned(self, component_id: str, level: str = DEFAULT_LEVEL) -> "Tour":
        if level not in KNOWLEDGE_LEVELS:
            raise ValueError(f"unknown knowledge level {level!r}; one of {', '.join(KNOWLEDGE_LEVELS)}")
        i = self.index_of(component_id)
        stops = list(self.stops)
        stops[i] = replace(stops[i], level=level)
        return Tour(self.person, tuple(stops))


def tour_order(catalog: Catalog, graph) -> list[str]:
    """Component ids in data-flow order: every component after all it depends on, each
    followed (when it is ready) by what it feeds. A dependency cycle (a loader error) does
    not stop the walk: what is left joins at the end, by key."""
    order = {s.id: s.order for s in catalog.systems.values()}
    undeclared = 1 << 30

    def key(cid: str) -> tuple:
        system = catalog.components[cid].system
        return (order.get(system, undeclared), system, cid)

    waiting = {cid: len([d for d in graph.dependencies(cid) if d in catalog.components]) for cid in catalog.components}
    ready = sorted((cid for cid, n in waiting.items() if n == 0), key=key, reverse=True)  # a stack: next on top
    walked: list[str] = []
    seen: set[str] = set()
    while ready:
        cid = ready.pop()
        if cid in seen:
            continue
        seen.add(cid)
        walked.append(cid)
        unlocked = []
        for dependent in graph.dependents(cid):
            if dependent in waiting:
                waiting[dependent] -= 1
                if waiting[dependent] == 0:
                    unlocked.append(dependent)
        ready.extend(sorted(unlocked, key=key, reverse=True))
    walked += sorted((cid for cid in catalog.components if cid not in seen), key=key)
    return walked


def build_tour(catalog: Catalog, graph, person: str | None = None, component_ids=None) -> Tour:
    """The tour for `person` (their recorded levels filled in); `component_ids` narrows it
    (e.g. to one team's components) without changing the order."""
    keep = None if component_ids is None else set(component_ids)
    stops = []
    for cid in tour_order(catalog, graph):
        if keep is not None and cid not in keep:
            continue
        c = catalog.components[cid]
        system = catalog.systems.get(c.system)
        level = c.handover.knowledge.get(person) if (person and c.handover) else None
        stops.append(TourStop(len(stops), cid, c.system, system.name if system and system.name else c.system,
                              c.kind, c.owner, c.description, c.runbook, level))
    return Tour(person, tuple(stops))
