"""Data-flow order: every node after its dependencies, ties broken by a sort key.

Kahn's algorithm with a heap, so among the nodes that are ready together the lowest key
goes first (a stable tour: system by system, then by id). A catalog with a dependency
cycle is an error the loader reports, but the tour must still come out: when nothing is
ready, the walk enters the cycle whose outside dependencies are all done, at its
lowest-keyed member, and carries on from there.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, TypeVar

N = TypeVar("N", bound=Hashable)


def data_flow_order(nodes: Sequence[N], succ: Mapping[N, Sequence[N]], key: Callable[[N], Any]) -> list[N]:
    """`nodes` in dependency order; `succ[u]` lists u's dependents (all within `nodes`)."""
    by_rank = sorted(nodes, key=key)
    rank = {u: i for i, u in enumerate(by_rank)}
    out = [[rank[v] for v in succ[u]] for u in by_rank]
    n = len(by_rank)
    waiting = [0] * n
    for targets in out:
        for v in targets:
            waiting[v] += 1
    ready = [u for u in range(n) if waiting[u] == 0]  # already sorted: a valid heap
    done = [False] * n
    order: list[int] = []
    # Set up on the first cycle only: strong components and, per node, how many of its
    # dependencies outside its own component are not done yet.
    scc: list[int] | None = None
    outside: list[int] = []
    unblocked: list[int] = []
    while len(order) < n:
        if not ready:
            if scc is None:
                scc = _strong_components(out)
                outside = [0] * n
                for u in range(n):
                    if not done[u]:
                        for v in out[u]:
                            if scc[v] != scc[u]:
                                outside[v] += 1
                unblocked = [u for u in range(n) if not done[u] and outside[u] == 0]
            while done[unblocked[0]]:
                heapq.heappop(unblocked)
            ready.append(heapq.heappop(unblocked))
        u = heapq.heappop(ready)
        if done[u]:
            continue
        done[u] = True
        order.append(u)
        for v in out[u]:
            waiting[v] -= 1
            if waiting[v] == 0 and not done[v]:
                heapq.heappush(ready, v)
            if scc is not None and scc[v] != scc[u]:
                outside[v] -= 1
                if outside[v] == 0:
                    heapq.heappush(unblocked, v)
    return [by_rank[u] for u in order]


def _strong_components(out: list[list[int]]) -> list[int]:
    """Tarjan's algorithm without recursion: node -> component number."""
    n = len(out)
    index = [-1] * n
    low = [0] * n
    on_stack = [False] * n
    stack: list[int] = []
    label = [-1] * n
    counter = 0
    components = 0
    for root in range(n):
        if index[root] >= 0:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        work = [(root, iter(out[root]))]
        while work:
            u, edges = work[-1]
            for v in edges:
                if index[v] < 0:
                    index[v] = low[v] = counter
                    counter += 1
                    stack.append(v)
                    on_stack[v] = True
                    work.append((v, iter(out[v])))
                    break
                if on_stack[v] and index[v] < low[u]:
                    low[u] = index[v]
            else:
                work.pop()
                if work and low[u] < low[work[-1][0]]:
                    low[work[-1][0]] = low[u]
                if low[u] == index[u]:
                    while True:
                        w = stack.pop()
                        on_stack[w] = False
                        label[w] = components
                        if w == u:
                            break
                    components += 1
    return label
