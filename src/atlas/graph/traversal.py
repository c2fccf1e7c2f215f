"""Walking an adjacency list of small ints: hop layers and shortest paths.

The graph keeps its components numbered in data-flow key order, with plain lists of
neighbour numbers. A breadth-first walk over those (a bytearray for "seen", no hashing)
costs well under a microsecond per node, so even a blast radius that covers half of a
10k catalog stays within a few milliseconds, and no query copies or filters a graph.
"""

from __future__ import annotations

from collections.abc import Sequence

Adjacency = Sequence[Sequence[int]]


def hop_layers(adjacency: Adjacency, start: int, depth: int | None = None) -> list[list[int]]:
    """Nodes reachable from `start`, grouped by shortest hop count: [[1 hop], [2 hops], ...].

    `start` itself is not included. `depth` limits the walk (1 = direct neighbours only);
    None walks everything. Inside a layer, nodes are in discovery (adjacency) order.
    """
    if depth is not None and depth < 0:
        raise ValueError(f"depth must be 0 or more, not {depth}")
    seen = bytearray(len(adjacency))
    seen[start] = 1
    layers: list[list[int]] = []
    frontier = [start]
    while frontier and (depth is None or len(layers) < depth):
        following: list[int] = []
        for node in frontier:
            for nxt in adjacency[node]:
                if not seen[nxt]:
                    seen[nxt] = 1
                    following.append(nxt)
        if following:
            layers.append(following)
        frontier = following
    return layers


def shortest_path(adjacency: Adjacency, source: int, target: int) -> list[int] | None:
    """The fewest-hops path source -> target following the adjacency, or None."""
    if source == target:
        return [source]
    parent = [-1] * len(adjacency)
    parent[source] = source
    frontier = [source]
    while frontier:
        following: list[int] = []
        for node in frontier:
            for nxt in adjacency[node]:
                if parent[nxt] >= 0:
                    continue
                parent[nxt] = node
                if nxt == target:
                    path = [target]
                    while path[-1] != source:
                        path.append(parent[path[-1]])
                    path.reverse()
                    return path
                following.append(nxt)
        frontier = following
    return None
