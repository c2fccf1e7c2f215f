"""The catalog as a dependency graph: who feeds whom, and what breaks when something does.

Edges point from a dependency to its dependent, the way data flows: `clickstream-raw ->
clickstream-raw-df -> clickstream-sessionizer -> events`. "Upstream" is where data comes
from, "downstream" is what goes stale when a component fails.

The graph is built once per loaded catalog and is read-only afterwards. Queries walk plain
adjacency lists of component numbers (numbered in data-flow key order, so sorting numbers
sorts by key); the networkx DiGraph `.g` is built from them on first use, for anyone who
wants a networkx algorithm. That keeps networkx (import and graph construction) off the
path to the first frame of the TUI and out of every per-query walk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from atlas.catalog.model import Catalog
from atlas.catalog.validate import closest
from atlas.graph.ordering import data_flow_order
from atlas.graph.rollup import worst
from atlas.graph.traversal import hop_layers, shortest_path
from atlas.health.model import Status

if TYPE_CHECKING:
    import networkx as nx

# Components whose system is not declared sort after every declared system.
_UNDECLARED_SYSTEM_ORDER = 1 << 30


class UnknownComponent(LookupError):
    """A query named a component id the catalog does not have. str() is one readable line."""

    def __init__(self, component_id: str, suggestion: str | None = None):
        self.component_id = component_id
        self.suggestion = suggestion
        text = f"unknown component {component_id!r}"
        if suggestion:
            text += f" (did you mean {suggestion!r}?)"
        super().__init__(text)

    def __str__(self) -> str:
        return self.args[0]


@dataclass(slots=True)
class BlastRadius:
    """Everything downstream of one component: what goes stale or wrong if it fails."""

    component: str
    affected: dict[str, int] = field(default_factory=dict)  # id -> hops, nearest first
    by_system: dict[str, list[str]] = field(default_factory=dict)  # system -> ids, nearest first

    @property
    def size(self) -> int:
        return len(self.affected)

    def to_json(self) -> dict:
        return {
            "component": self.component,
            "size": self.size,
            "affected": dict(self.affected),
            "by_system": {k: list(v) for k, v in self.by_system.items()},
        }


class CatalogGraph:
    """Dependency graph of a catalog's components (edges: dependency -> dependent)."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        components = catalog.components
        system_order = {s.id: s.order for s in catalog.systems.values()}

        # Data-flow key: (system order, id). Components are numbered in key order.
        keyed = sorted(
            (system_order.get(c.system, _UNDECLARED_SYSTEM_ORDER), cid) for cid, c in components.items()
        )
        self._keys = keyed
        self._ids: list[str] = [cid for _, cid in keyed]
        index = {cid: i for i, cid in enumerate(self._ids)}
        self._index = index

        succ: list[list[int]] = [[] for _ in keyed]
        pred: list[list[int]] = [[] for _ in keyed]
        for i, cid in enumerate(self._ids):
            deps = components[cid].depends_on
            if not deps:
                continue
            # Unknown ids and self-references are the loader's to report; the graph keeps
            # only edges between real, distinct components.
            ups = sorted({index[d] for d in deps if d in index and d != cid})
            pred[i] = ups
            for u in ups:
                succ[u].append(i)  # i grows, so every succ list comes out sorted
        self._succ = succ
        self._pred = pred

        # Systems in data-flow order (declared ones, then any only components name).
        systems = sorted(catalog.systems, key=lambda s: (system_order[s], s))
        extra = sorted({c.system for c in components.values() if c.system and c.system not in system_order})
        self._systems: list[str] = systems + extra
        system_rank = {s: r for r, s in enumerate(self._systems)}
        no_system = len(self._systems)  # components without a system group under ""
        self._system_of = [system_rank.get(components[cid].system, no_system) for cid in self._ids]
        self._members: list[list[int]] = [[] for _ in range(no_system + 1)]
        for i, r in enumerate(self._system_of):
            self._members[r].append(i)
        self._topo: list[str] | None = None
        self._g: nx.DiGraph | None = None

    # -- networkx view -------------------------------------------------------------------

    @property
    def g(self) -> nx.DiGraph:
        """The networkx DiGraph (nodes carry `kind` and `system`). A snapshot: do not mutate."""
        if self._g is None:
            import gc

            import networkx as nx  # lazy: ~0.17 s of import most sessions never need

            components = self.catalog.components
            ids = self._ids
            # Tens of thousands of small dicts next to a big live catalog set off full
            # collections that find nothing: pausing the collector makes this 2-4x faster.
            paused = gc.isenabled()
            gc.disable()
            try:
                g = nx.DiGraph()
                g.add_nodes_from((cid, {"kind": components[cid].kind, "system": components[cid].system}) for cid in ids)
                g.add_edges_from((ids[u], ids[v]) for u, vs in enumerate(self._succ) for v in vs)
            finally:
                if paused:
                    gc.enable()
            self._g = g
        return self._g

    # -- lookups -------------------------------------------------------------------------

    def __contains__(self, component_id: object) -> bool:
        return component_id in self._index

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def edge_count(self) -> int:
        """Dependencies between known components (without building the networkx view)."""
        return sum(len(s) for s in self._succ)

    def _number(self, component_id: str) -> int:
        try:
            return self._index[component_id]
        except KeyError:
            raise UnknownComponent(component_id, closest(component_id, self._ids)) from None

    def sort_key(self, component_id: str) -> tuple[int, str]:
        """(system order, id): the data-flow order used for every list this graph returns."""
        return self._keys[self._index[component_id]]

    def dependencies(self, component_id: str) -> list[str]:
        """Direct upstream: what `component_id` depends on (known components only)."""
        ids = self._ids
        return [ids[u] for u in self._pred[self._number(component_id)]]

    def dependents(self, component_id: str) -> list[str]:
        """Direct downstream: what depends on `component_id`."""
        ids = self._ids
        return [ids[v] for v in self._succ[self._number(component_id)]]

    def edges_among(self, component_ids) -> list[tuple[str, str]]:
        """The (dependency, dependent) edges between the given components, in key order.

        What a drawing of a neighbourhood needs, without building the networkx view.
        """
        index = self._index
        chosen = sorted({index[c] for c in component_ids if c in index})
        inside = set(chosen)
        ids = self._ids
        return [(ids[u], ids[v]) for u in chosen for v in self._succ[u] if v in inside]

    def systems(self) -> list[str]:
        """System ids in data-flow order."""
        return list(self._systems)

    def members(self, system_id: str) -> list[str]:
        """The components of a system in key order ("" = those without one; [] if unknown)."""
        if system_id == "":
            rank = len(self._systems)
        elif system_id in self._systems:
            rank = self._systems.index(system_id)
        else:
            return []
        ids = self._ids
        return [ids[i] for i in self._members[rank]]

    # -- walks ---------------------------------------------------------------------------

    def _hops(self, adjacency: list[list[int]], component_id: str, depth: int | None) -> dict[str, int]:
        ids = self._ids
        out: dict[str, int] = {}
        for hops, layer in enumerate(hop_layers(adjacency, self._number(component_id), depth), 1):
            out.update(dict.fromkeys([ids[v] for v in layer], hops))
        return out

    def upstream(self, component_id: str, depth: int | None = None) -> dict[str, int]:
        """Everything `component_id` depends on, transitively: id -> hops (nearest first)."""
        return self._hops(self._pred, component_id, depth)

    def downstream(self, component_id: str, depth: int | None = None) -> dict[str, int]:
        """Everything that depends on `component_id`, transitively: id -> hops (nearest first)."""
        return self._hops(self._succ, component_id, depth)

    def blast_radius(self, component_id: str) -> BlastRadius:
        ids = self._ids
        system_of = self._system_of
        affected: dict[str, int] = {}
        grouped: dict[int, list[str]] = {}
        for hops, layer in enumerate(hop_layers(self._succ, self._number(component_id)), 1):
            names = [ids[v] for v in layer]
            affected.update(dict.fromkeys(names, hops))
            for v, name in zip(layer, names):
                rank = system_of[v]
                if rank in grouped:
                    grouped[rank].append(name)
                else:
                    grouped[rank] = [name]
        names_of = self._systems + [""]
        by_system = {names_of[r]: grouped[r] for r in sorted(grouped)}
        return BlastRadius(component=component_id, affected=affected, by_system=by_system)

    def path(self, a: str, b: str) -> list[str] | None:
        """The shortest dependency chain between two components, in data-flow order.

        Tries a -> b along the data flow first, then b -> a; the list always starts at the
        upstream end, so each consecutive pair is an edge of `.g`. None when unrelated.
        """
        ia, ib = self._number(a), self._number(b)
        found = shortest_path(self._succ, ia, ib)
        if found is None:
            found = shortest_path(self._succ, ib, ia)
        return None if found is None else [self._ids[i] for i in found]

    # -- shape ---------------------------------------------------------------------------

    def roots(self) -> list[str]:
        """Components with dependents but no dependencies: where data enters."""
        return [self._ids[i] for i, ps in enumerate(self._pred) if not ps and self._succ[i]]

    def leaves(self) -> list[str]:
        """Components with dependencies but no dependents: where data ends up."""
        return [self._ids[i] for i, ss in enumerate(self._succ) if not ss and self._pred[i]]

    def orphans(self) -> list[str]:
        """Components with no edges at all."""
        return [self._ids[i] for i, ss in enumerate(self._succ) if not ss and not self._pred[i]]

    def topological_order(self) -> list[str]:
        """Every component, each after all of its dependencies (the onboarding tour order).

        Among components that are ready at the same time, the lowest (system order, id)
        comes first, so the order is stable and walks system by system. A dependency cycle
        (an error the loader reports) does not stop it: the walk enters the cycle at its
        lowest-keyed component once everything outside it that it needs is done.
        """
        if self._topo is None:
            order = data_flow_order(range(len(self._ids)), self._succ, int)
            self._topo = [self._ids[i] for i in order]
        return list(self._topo)

    # -- health --------------------------------------------------------------------------

    def system_rollup(self, statuses: Mapping[str, Status]) -> dict[str, Status]:
        """System id -> the worst status of its components (NO_DATA only if nothing else).

        Every system is in the result, in data-flow order; components missing from
        `statuses` count as no data.
        """
        ids = self._ids
        return {
            sid: worst(statuses[ids[i]] for i in self._members[r] if ids[i] in statuses)
            for r, sid in enumerate(self._systems)
        }
