"""Data-flow order: every node after its dependencies, ties broken by a sort key.

networkx's lexicographical topological sort does the work: among the nodes that are ready
together the lowest key goes first (a stable tour: system by system, then by id). A
catalog with a dependency cycle is an error the loader reports, but the tour must still
come out: the cycles become blocks of the condensation, a block is entered only when no
plain node is ready, at its lowest-keyed member, and the rest of it is ordered the same
way with that member taken out.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import networkx as nx


def data_flow_order(g: nx.DiGraph, key: Callable[[Hashable], Any]) -> list:
    """The nodes of `g` (edges: dependency -> dependent) in dependency order."""
    try:
        return list(nx.lexicographical_topological_sort(g, key=key))
    except nx.NetworkXUnfeasible:  # a cycle (or a self-loop)
        return _through_cycles(g, key)


def _through_cycles(g: nx.DiGraph, key: Callable[[Hashable], Any]) -> list:
    blocks = nx.condensation(g)
    members = {b: sorted(m, key=key) for b, m in blocks.nodes(data="members")}

    def block_key(b: int) -> tuple:
        # a plain node by its own key; a cycle only once no plain node is ready
        return (len(members[b]) > 1, key(members[b][0]))

    order: list = []
    for b in nx.lexicographical_topological_sort(blocks, key=block_key):
        entry, *rest = members[b]
        order.append(entry)
        if rest:
            order.extend(data_flow_order(induced(g, rest), key))
    return order


def induced(g: nx.DiGraph, nodes: list) -> nx.DiGraph:
    """The subgraph of `g` on `nodes`, nodes and edges in the order given (a subgraph view
    iterates in set order, which would make pictures differ from run to run)."""
    inside = set(nodes)
    sub = nx.DiGraph()
    sub.add_nodes_from(nodes)
    sub.add_edges_from((u, v) for u in nodes for v in g.succ[u] if v in inside)
    return sub
