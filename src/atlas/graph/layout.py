"""Layers for drawing a piece of the dependency graph as text, data flowing top to bottom.

A small Sugiyama layout: networkx's topological generations of the induced subgraph give
the longest-path layering (every edge goes from a lower layer to a higher one), then
barycentre sweeps reorder each layer to cut edge crossings (networkx has no crossing
reduction). Long edges get invisible placeholder nodes in the layers they pass through
so the sweeps see them too. Everything is ordered by (system order, id) first, and the
sweeps use stable sorts, so the same input always gives the same picture.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from atlas.graph.ordering import data_flow_order, induced

_SWEEPS = 6  # down+up passes; crossings stop improving after a few on catalog-shaped graphs


def layered(graph: Any, ids: Iterable[str]) -> list[list[str]]:
    """The components `ids` (unknown ones dropped) in drawing layers, top to bottom.

    `graph` is an `atlas.graph.CatalogGraph` or a `networkx.DiGraph` whose edges point
    dependency -> dependent. Only edges between the given ids count. A cycle among them
    is broken at its lowest-ordered member so a picture still comes out.
    """
    if isinstance(graph, nx.DiGraph):
        g, key = graph, (lambda node: (0, str(node)))
    else:  # a CatalogGraph
        g, key = graph.g, graph.sort_key
    names = sorted({i for i in ids if i in g}, key=key)
    if not names:
        return []
    sub = induced(g, names)
    rank = {u: pos for pos, u in enumerate(data_flow_order(sub, key))}
    # Edges that point backwards in the data-flow order close a cycle: they are left out.
    sub.remove_edges_from([(u, v) for u, v in sub.edges if rank[v] <= rank[u]])
    index = {name: i for i, name in enumerate(names)}
    layer = [0] * len(names)
    for depth, generation in enumerate(nx.topological_generations(sub)):
        for name in generation:
            layer[index[name]] = depth
    forward = [[index[v] for v in sub.succ[u]] for u in names]  # in key order (induced)
    _raise_sources(sub, names, forward, layer, rank)
    return _order_layers(names, forward, layer)


def _raise_sources(sub: nx.DiGraph, names: list[str], forward: list[list[int]], layer: list[int],
                   rank: dict[str, int]) -> None:
    """A pure source (a bucket, a cluster) sits right above its nearest dependent instead of
    at the top, which shortens its edges without breaking the lower-to-higher rule."""
    for u in sorted(range(len(names)), key=lambda i: rank[names[i]], reverse=True):
        if forward[u] and not sub.pred[names[u]]:
            layer[u] = min(layer[v] for v in forward[u]) - 1


def _order_layers(names: list[str], forward: list[list[int]], layer: list[int]) -> list[list[str]]:
    n = len(names)
    depth = max(layer) + 1
    rows: list[list[int]] = [[] for _ in range(depth)]
    for u in range(n):  # names are already in key order
        rows[layer[u]].append(u)

    # Split long edges with placeholders (ids >= n) so every edge joins adjacent layers.
    up: list[list[int]] = [[] for _ in range(n)]
    down: list[list[int]] = [[] for _ in range(n)]
    for u in range(n):
        for v in forward[u]:
            prev = u
            for lay in range(layer[u] + 1, layer[v]):
                dummy = len(up)
                up.append([prev])
                down.append([])
                down[prev].append(dummy)
                rows[lay].append(dummy)
                prev = dummy
            down[prev].append(v)
            up[v].append(prev)

    best = [list(r) for r in rows]
    best_crossings = _crossings(rows, down)
    for _ in range(_SWEEPS):
        if best_crossings == 0:
            break
        for i in range(1, depth):
            _reorder(rows[i], rows[i - 1], up)
        for i in range(depth - 2, -1, -1):
            _reorder(rows[i], rows[i + 1], down)
        crossings = _crossings(rows, down)
        if crossings < best_crossings:
            best_crossings = crossings
            best = [list(r) for r in rows]
        else:
            break
    return [[names[u] for u in row if u < n] for row in best if any(u < n for u in row)]


def _reorder(row: list[int], fixed: list[int], links: list[list[int]]) -> None:
    """Sort `row` in place by the mean position of each node's neighbours in `fixed`."""
    pos = {u: i for i, u in enumerate(fixed)}
    scale = len(fixed) / max(len(row), 1)  # nodes without neighbours keep their place

    def barycentre(item: tuple[int, int]) -> float:
        i, u = item
        near = [pos[v] for v in links[u]]
        return sum(near) / len(near) if near else i * scale

    row[:] = [u for _, u in sorted(enumerate(row), key=barycentre)]


def _crossings(rows: list[list[int]], down: list[list[int]]) -> int:
    """Edge crossings between adjacent layers, counted as inversions (Fenwick tree)."""
    total = 0
    for i in range(len(rows) - 1):
        lower = {u: j for j, u in enumerate(rows[i + 1])}
        ends = sorted(
            (top, lower[v]) for top, u in enumerate(rows[i]) for v in down[u]
        )
        size = len(rows[i + 1])
        tree = [0] * (size + 1)
        seen = 0
        for _, b in ends:
            # edges already seen whose lower end is right of b cross this one
            j, le = b + 1, 0
            while j > 0:
                le += tree[j]
                j -= j & -j
            total += seen - le
            j = b + 1
            while j <= size:
                tree[j] += 1
                j += j & -j
            seen += 1
    return total
