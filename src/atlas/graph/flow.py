"""The data-flow key and order of a catalog's components, without networkx.

The catalog screen needs only the order (every component after its dependencies, ties by
(system order, id)) for its first frame; importing networkx and building the DiGraph costs
more than the rest of start-up together, so the order is computed here from the catalog
alone and the graph is built after the first frame. `CatalogGraph` takes its keys and
edges from `flow_index` too, so both always agree.
"""

from __future__ import annotations

import heapq

from atlas.catalog.model import Catalog

# Components whose system is not declared sort after every declared system.
UNDECLARED_SYSTEM_ORDER = 1 << 30


def flow_index(catalog: Catalog) -> tuple[list[tuple[int, str]], list[tuple[int, int]]]:
    """(every component's (system order, id) key, sorted; the (dependency, dependent) edges
    as indices into that list, sorted). Unknown ids and self-references are the loader's to
    report: only edges between real, distinct components are kept, each once."""
    components = catalog.components
    system_order = {s.id: s.order for s in catalog.systems.values()}
    keyed = sorted((system_order.get(c.system, UNDECLARED_SYSTEM_ORDER), cid) for cid, c in components.items())
    index = {cid: i for i, (_, cid) in enumerate(keyed)}
    pairs = sorted(
        (index[d], i)
        for i, (_, cid) in enumerate(keyed)
        for d in set(components[cid].depends_on)
        if d != cid and d in index
    )
    return keyed, pairs


def flow_order(catalog: Catalog) -> list[str] | None:
    """Every component after all of its dependencies; among those ready together the lowest
    (system order, id) first. None when there is a dependency cycle: that order is
    `CatalogGraph.topological_order`'s to make (graph.ordering).

    Kahn's algorithm on a heap of key ranks, as networkx's lexicographical topological sort
    with a unique key does it: the same order, node for node."""
    keyed, pairs = flow_index(catalog)
    n = len(keyed)
    dependents: list[list[int]] = [[] for _ in range(n)]
    waiting = [0] * n  # dependencies not yet placed
    for u, v in pairs:
        dependents[u].append(v)
        waiting[v] += 1
    ready = [i for i in range(n) if not waiting[i]]  # ascending: already a heap
    order: list[str] = []
    while ready:
        i = heapq.heappop(ready)
        order.append(keyed[i][1])
        for j in dependents[i]:
            waiting[j] -= 1
            if not waiting[j]:
                heapq.heappush(ready, j)
    return order if len(order) == n else None
