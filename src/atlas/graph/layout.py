"""Layers for drawing a piece of the dependency graph as text, data flowing top to bottom.

A small Sugiyama layout: longest-path layering of the induced subgraph (every edge goes
from a lower layer to a higher one), then barycentre sweeps that reorder each layer to cut
edge crossings. Long edges get invisible placeholder nodes in the layers they pass through
so the sweeps see them too. Everything is ordered by (system order, id) first, and the
sweeps use stable sorts, so the same input always gives the same picture.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from atlas.graph.ordering import data_flow_order

_SWEEPS = 6  # down+up passes; crossings stop improving after a few on catalog-shaped graphs


def layered(graph: Any, ids: Iterable[str]) -> list[list[str]]:
    """The components `ids` (unknown ones dropped) in drawing layers, top to bottom.

    `graph` is an `atlas.graph.CatalogGraph` or a `networkx.DiGraph` whose edges point
    dependency -> dependent. Only edges between the given ids count. A cycle among them
    is broken at its lowest-ordered member so a picture still comes out.
    """
    if hasattr(graph, "dependents"):  # a CatalogGraph: no need to build its networkx view
        key, dependents = graph.sort_key, graph.dependents
    else:
        key, dependents = (lambda node: (0, str(node))), graph.successors
    names = sorted({i for i in ids if i in graph}, key=key)
    if not names:
        return []
    index = {name: i for i, name in enumerate(names)}
    n = len(names)
    succ: list[list[int]] = [[index[v] for v in dependents(u) if v in index] for u in names]
    for s in succ:
        s.sort()

    order = data_flow_order(range(n), succ, int)
    rank = [0] * n
    for pos, u in enumerate(order):
        rank[u] = pos
    # Edges that point backwards in the ordering close a cycle: they are left out.
    forward = [[v for v in succ[u] if rank[v] > rank[u]] for u in range(n)]
    layer = _longest_path_layers(order, forward)
    return _order_layers(names, forward, layer)


def _longest_path_layers(order: list[int], forward: list[list[int]]) -> list[int]:
    layer = [0] * len(order)
    has_pred = [False] * len(order)
    for u in order:
        for v in forward[u]:
            has_pred[v] = True
            if layer[u] + 1 > layer[v]:
                layer[v] = layer[u] + 1
    # A pure source (a bucket, a cluster) sits right above its nearest dependent instead of
    # at the top, which shortens its edges without breaking the lower-to-higher rule.
    for u in reversed(order):
        if not has_pred[u] and forward[u]:
            layer[u] = min(layer[v] for v in forward[u]) - 1
    return layer


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
