"""Dependency cycles among components, named so a person can break them."""

from __future__ import annotations

import networkx as nx


def find_cycles(depends_on: dict[str, tuple[str, ...]]) -> list[list[str]]:
    """One cycle per strongly connected component, each as [a, b, ..., a] along depends_on.

    networkx finds the strong components (iteratively: no recursion limit at 10,000
    components); each is named by the shortest cycle through its smallest id, so the report
    is stable. Unknown dependencies are reported elsewhere and ignored here.
    """
    g = nx.DiGraph()
    g.add_nodes_from(depends_on)
    g.add_edges_from((c, d) for c, deps in depends_on.items() for d in deps if d in depends_on)
    if nx.is_directed_acyclic_graph(g):  # the usual case: one cheap pass
        return []
    cycles = []
    for members in nx.strongly_connected_components(g):
        start = min(members)
        if len(members) == 1 and not g.has_edge(start, start):
            continue
        cycles.append(_shortest_cycle(g.subgraph(members), start))
    cycles.sort()
    return cycles


def _shortest_cycle(scc: nx.DiGraph, start: str) -> list[str]:
    # Breadth-first paths from start, in discovery order: the first node found that
    # depends on start again closes the shortest cycle (ties: the first found).
    for node, path in nx.single_source_shortest_path(scc, start).items():
        if scc.has_edge(node, start):
            return path + [start]
    return [start, start]  # unreachable for a real strong component
