"""Dependency cycles among components, named so a person can break them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx


def find_cycles(depends_on: dict[str, tuple[str, ...]]) -> list[list[str]]:
    """One cycle per strongly connected component, each as [a, b, ..., a] along depends_on.

    networkx finds the strong components (iteratively: no recursion limit at 10,000
    components); each is named by the shortest cycle through its smallest id, so the report
    is stable. Unknown dependencies are reported elsewhere and ignored here.
    """
    if _acyclic(depends_on):  # the usual case: one cheap pass, and no networkx import
        return []
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(depends_on)
    g.add_edges_from((c, d) for c, deps in depends_on.items() for d in deps if d in depends_on)
    cycles = []
    for members in nx.strongly_connected_components(g):
        start = min(members)
        if len(members) == 1 and not g.has_edge(start, start):
            continue
        cycles.append(_shortest_cycle(g.subgraph(members), start))
    cycles.sort()
    return cycles


def _acyclic(depends_on: dict[str, tuple[str, ...]]) -> bool:
    """No cycle along depends_on (a self-dependency is one): Kahn's algorithm. Importing
    networkx for this alone cost the TUI's first start (and the demo's) ~60 ms."""
    waiting = dict.fromkeys(depends_on, 0)  # known components that depend on each
    for deps in depends_on.values():
        for d in deps:
            if d in waiting:
                waiting[d] += 1
    ready = [c for c, n in waiting.items() if not n]
    done = 0
    while ready:
        done += 1
        for d in depends_on[ready.pop()]:
            if d in waiting:
                waiting[d] -= 1
                if not waiting[d]:
                    ready.append(d)
    return done == len(waiting)


def _shortest_cycle(scc: "nx.DiGraph", start: str) -> list[str]:
    # Breadth-first paths from start, in discovery order: the first node found that
    # depends on start again closes the shortest cycle (ties: the first found).
    import networkx as nx

    for node, path in nx.single_source_shortest_path(scc, start).items():
        if scc.has_edge(node, start):
            return path + [start]
    return [start, start]  # unreachable for a real strong component
