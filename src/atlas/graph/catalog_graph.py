"""The catalog as a dependency graph: who feeds whom, and what breaks when something does.

Edges point from a dependency to its dependent, the way data flows: `clickstream-raw ->
clickstream-raw-df -> clickstream-sessionizer -> events`. "Upstream" is where data comes
from, "downstream" is what goes stale when a component fails.

The graph is built once per loaded catalog and is read-only afterwards. Every query runs on
the networkx DiGraph `.g`: breadth-first layers for hop counts, shortest paths, the
lexicographical topological sort for the tour. Nodes and edges are added in data-flow key
order, so networkx's adjacency (and with it every list returned here) comes out sorted.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from dataclasses import dataclass, field

import networkx as nx

from atlas.catalog.model import Catalog
from atlas.catalog.validate import closest
from atlas.graph.flow import flow_index
from atlas.graph.ordering import data_flow_order


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
    """Dependency graph of a catalog's components (edges: dependency -> dependent).

    `order` is this catalog's data-flow order when it is known already (the start-up
    cache, `atlas.graph.flow`): `topological_order` then returns it instead of sorting."""

    def __init__(self, catalog: Catalog, order: list[str] | None = None):
        self.catalog = catalog
        components = catalog.components
        system_order = {s.id: s.order for s in catalog.systems.values()}

        # Data-flow key: (system order, id). Edges sorted by (dependency, dependent) key, so
        # that both successor and predecessor lists come out in key order.
        keyed, pairs = flow_index(catalog)
        self._key: dict[str, tuple[int, str]] = {k[1]: k for k in keyed}
        ids = [cid for _, cid in keyed]
        self._ids = ids
        # Tens of thousands of small dicts next to a big live catalog set off full
        # collections that find nothing: pausing the collector makes this 2-4x faster.
        paused = gc.isenabled()
        gc.disable()
        try:
            g = nx.DiGraph()
            # Plain ids, then the attributes into networkx's own node dicts: (id, dict)
            # pairs would cost networkx a caught TypeError per node (twice the time).
            g.add_nodes_from(ids)
            for cid, data in g.nodes.items():
                component = components[cid]
                data["kind"] = component.kind
                data["system"] = component.system
            g.add_edges_from([(ids[u], ids[v]) for u, v in pairs])
        finally:
            if paused:
                gc.enable()
        self._g = g
        self._upstream_view = g.reverse(copy=False)

        # Systems in data-flow order (declared ones, then any only components name).
        systems = sorted(catalog.systems, key=lambda s: (system_order[s], s))
        extra = sorted({c.system for c in components.values() if c.system and c.system not in system_order})
        self._systems: list[str] = systems + extra
        system_rank = {s: r for r, s in enumerate(self._systems)}
        no_system = len(self._systems)  # components without a system group under ""
        self._system_of = {cid: system_rank.get(components[cid].system, no_system) for cid in ids}
        self._members: list[list[str]] = [[] for _ in range(no_system + 1)]
        for cid in ids:
            self._members[self._system_of[cid]].append(cid)
        self._topo: list[str] | None = list(order) if order is not None else None

    @property
    def g(self) -> nx.DiGraph:
        """The networkx DiGraph every query runs on (nodes carry `kind` and `system`).
        Shared, not a copy: do not mutate it."""
        return self._g

    # -- lookups -------------------------------------------------------------------------

    def __contains__(self, component_id: object) -> bool:
        return component_id in self._key

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def edge_count(self) -> int:
        """Dependencies between known components."""
        return self._g.number_of_edges()

    def _known(self, component_id: str) -> str:
        if component_id not in self._key:
            raise UnknownComponent(component_id, closest(component_id, self._ids))
        return component_id

    def sort_key(self, component_id: str) -> tuple[int, str]:
        """(system order, id): the data-flow order used for every list this graph returns."""
        return self._key[component_id]

    def dependencies(self, component_id: str) -> list[str]:
        """Direct upstream: what `component_id` depends on (known components only)."""
        return list(self._g.pred[self._known(component_id)])

    def dependents(self, component_id: str) -> list[str]:
        """Direct downstream: what depends on `component_id`."""
        return list(self._g.succ[self._known(component_id)])

    def edges_among(self, component_ids) -> list[tuple[str, str]]:
        """The (dependency, dependent) edges between the given components, in key order:
        what a drawing of a neighbourhood needs."""
        key = self._key
        chosen = sorted({c for c in component_ids if c in key}, key=key.__getitem__)
        inside = set(chosen)
        succ = self._g.succ
        return [(u, v) for u in chosen for v in succ[u] if v in inside]

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
        return list(self._members[rank])

    # -- walks ---------------------------------------------------------------------------

    def _layers(self, view: nx.DiGraph, component_id: str, depth: int | None = None) -> Iterator[tuple[int, list[str]]]:
        """(hops, components at that many hops, nearest first) by breadth-first layers."""
        if depth is not None and depth < 0:
            raise ValueError(f"depth must be 0 or more, not {depth}")
        layers = nx.bfs_layers(view, self._known(component_id))
        next(layers)  # layer 0: the component itself
        for hops, layer in enumerate(layers, 1):
            if depth is not None and hops > depth:
                break
            yield hops, layer

    def upstream(self, component_id: str, depth: int | None = None) -> dict[str, int]:
        """Everything `component_id` depends on, transitively: id -> hops (nearest first)."""
        out: dict[str, int] = {}
        for hops, layer in self._layers(self._upstream_view, component_id, depth):
            out.update(dict.fromkeys(layer, hops))
        return out

    def downstream(self, component_id: str, depth: int | None = None) -> dict[str, int]:
        """Everything that depends on `component_id`, transitively: id -> hops (nearest first)."""
        out: dict[str, int] = {}
        for hops, layer in self._layers(self._g, component_id, depth):
            out.update(dict.fromkeys(layer, hops))
        return out

    def blast_radius(self, component_id: str) -> BlastRadius:
        system_of = self._system_of
        affected: dict[str, int] = {}
        grouped: dict[int, list[str]] = {}
        for hops, layer in self._layers(self._g, component_id):
            affected.update(dict.fromkeys(layer, hops))
            for name in layer:
                rank = system_of[name]
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
        self._known(a), self._known(b)
        for source, target in ((a, b), (b, a)):
            try:
                return nx.shortest_path(self._g, source, target)
            except nx.NetworkXNoPath:
                continue
        return None

    # -- shape ---------------------------------------------------------------------------

    def roots(self) -> list[str]:
        """Components with dependents but no dependencies: where data enters."""
        g = self._g
        return [c for c in self._ids if not g.pred[c] and g.succ[c]]

    def leaves(self) -> list[str]:
        """Components with dependencies but no dependents: where data ends up."""
        g = self._g
        return [c for c in self._ids if not g.succ[c] and g.pred[c]]

    def orphans(self) -> list[str]:
        """Components with no edges at all."""
        g = self._g
        return [c for c in self._ids if not g.succ[c] and not g.pred[c]]

    def is_dag(self) -> bool:
        """No dependency cycle among the components (the loader reports any it finds)."""
        return nx.is_directed_acyclic_graph(self._g)

    def topological_order(self) -> list[str]:
        """Every component, each after all of its dependencies (the onboarding tour order).

        Among components that are ready at the same time, the lowest (system order, id)
        comes first, so the order is stable and walks system by system. A dependency cycle
        (an error the loader reports) does not stop it: once no other component is ready,
        the walk enters the cycle at its lowest-keyed member (graph.ordering).
        """
        if self._topo is None:
            # key order = insertion order: an int key sorts faster than the (order, id) tuple
            rank = {cid: i for i, cid in enumerate(self._ids)}
            self._topo = data_flow_order(self._g, rank.__getitem__)
        return list(self._topo)
