"""Dependency cycles among components, named so a person can break them."""

from __future__ import annotations


def find_cycles(depends_on: dict[str, tuple[str, ...]]) -> list[list[str]]:
    """One cycle per strongly connected component, each as [a, b, ..., a] along depends_on.

    Iterative Tarjan (no recursion limit at 10,000 components), then the shortest cycle
    through the smallest id of each component, so the report is stable.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    sccs: list[list[str]] = []
    counter = 0
    for start in depends_on:
        if start in index:
            continue
        work: list[tuple[str, int]] = [(start, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            deps = depends_on.get(node, ())
            recursed = False
            while i < len(deps):
                dep = deps[i]
                i += 1
                if dep not in depends_on:
                    continue  # unknown reference: reported elsewhere
                if dep not in index:
                    work.append((node, i))
                    work.append((dep, 0))
                    recursed = True
                    break
                if dep in on_stack:
                    low[node] = min(low[node], index[dep])
            if recursed:
                continue
            if low[node] == index[node]:
                scc = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    scc.append(w)
                    if w == node:
                        break
                if len(scc) > 1 or node in depends_on.get(node, ()):
                    sccs.append(scc)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    cycles = []
    for scc in sccs:
        members = set(scc)
        first = min(scc)
        cycles.append(_shortest_cycle(first, members, depends_on))
    cycles.sort()
    return cycles


def _shortest_cycle(start: str, members: set[str], depends_on: dict[str, tuple[str, ...]]) -> list[str]:
    parent: dict[str, str] = {}
    frontier = [start]
    seen = {start}
    while frontier:
        nxt = []
        for node in frontier:
            for dep in depends_on.get(node, ()):
                if dep == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    path.reverse()
                    return path + [start]
                if dep in members and dep not in seen:
                    seen.add(dep)
                    parent[dep] = node
                    nxt.append(dep)
        frontier = nxt
    return [start, start]  # unreachable for a real SCC
