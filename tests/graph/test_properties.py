"""Properties of the graph queries on random DAGs, checked against networkx itself."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from atlas.catalog.model import Component
from atlas.graph import CatalogGraph
from atlas.graph.layout import layered

from .catalogs import SYSTEMS, catalog_of

# No per-example deadline (it flakes on a busy 2-core machine); speed is test_scale's job.

SYSTEM_IDS = [s.id for s in SYSTEMS] + [""]


@st.composite
def random_dags(draw, max_nodes: int = 24):
    """A catalog whose components form a random DAG, ids in random order vs the edges."""
    n = draw(st.integers(min_value=1, max_value=max_nodes))
    ids = draw(st.permutations([f"c{i:02d}" for i in range(n)]))
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] < p[1])
    edges = draw(st.lists(pairs, max_size=3 * n, unique=True)) if n > 1 else []
    deps: dict[int, list[str]] = {i: [] for i in range(n)}
    for a, b in edges:  # the drawn position order is the hidden topological order
        deps[b].append(ids[a])
    systems = draw(st.lists(st.sampled_from(SYSTEM_IDS), min_size=n, max_size=n))
    return catalog_of(
        [
            Component(id=ids[i], kind="dataflow_job", system=systems[i], depends_on=tuple(deps[i]))
            for i in range(n)
        ]
    )


def _graph_and_node(data):
    graph = CatalogGraph(data.draw(random_dags()))
    node = data.draw(st.sampled_from(sorted(graph.g.nodes)))
    return graph, node


@settings(deadline=None)
@given(st.data())
def test_upstream_and_downstream_are_inverse(data):
    graph, a = _graph_and_node(data)
    down = graph.downstream(a)
    for b, hops in down.items():
        assert graph.upstream(b)[a] == hops
    for b in graph.g.nodes:
        assert (b in down) == (a in graph.upstream(b))


@settings(deadline=None)
@given(st.data())
def test_hop_counts_are_shortest_path_lengths(data):
    graph, a = _graph_and_node(data)
    expected = nx.single_source_shortest_path_length(graph.g, a)
    del expected[a]
    assert graph.downstream(a) == expected
    assert set(graph.upstream(a)) == nx.ancestors(graph.g, a)


@settings(deadline=None)
@given(st.data(), st.integers(min_value=0, max_value=5))
def test_depth_limit_cuts_the_walk(data, depth):
    graph, a = _graph_and_node(data)
    full = graph.downstream(a)
    assert graph.downstream(a, depth=depth) == {k: v for k, v in full.items() if v <= depth}
    up = graph.upstream(a)
    assert graph.upstream(a, depth=depth) == {k: v for k, v in up.items() if v <= depth}


@settings(deadline=None)
@given(st.data())
def test_blast_radius_is_the_downstream_closure(data):
    graph, a = _graph_and_node(data)
    blast = graph.blast_radius(a)
    assert set(blast.affected) == nx.descendants(graph.g, a)
    assert blast.size == len(blast.affected)
    grouped = [c for ids in blast.by_system.values() for c in ids]
    assert sorted(grouped) == sorted(blast.affected)
    for system, ids in blast.by_system.items():
        assert all(graph.catalog.components[c].system == system for c in ids)
        assert [blast.affected[c] for c in ids] == sorted(blast.affected[c] for c in ids)


@settings(deadline=None)
@given(st.data())
def test_path_endpoints_and_edges_are_valid(data):
    graph, a = _graph_and_node(data)
    b = data.draw(st.sampled_from(sorted(graph.g.nodes)))
    path = graph.path(a, b)
    related = a == b or nx.has_path(graph.g, a, b) or nx.has_path(graph.g, b, a)
    assert (path is not None) == related
    if path is not None:
        assert {path[0], path[-1]} == {a, b}
        assert all(graph.g.has_edge(u, v) for u, v in zip(path, path[1:]))
        source, target = path[0], path[-1]
        assert len(path) - 1 == nx.shortest_path_length(graph.g, source, target)


@settings(deadline=None)
@given(random_dags())
def test_topological_order_respects_every_edge_and_is_stable(catalog):
    graph = CatalogGraph(catalog)
    order = graph.topological_order()
    assert sorted(order) == sorted(catalog.components)
    position = {c: i for i, c in enumerate(order)}
    assert all(position[u] < position[v] for u, v in graph.g.edges)
    # Ready components are taken lowest (system order, id) first: networkx agrees.
    assert order == list(nx.lexicographical_topological_sort(graph.g, key=graph.sort_key))


@settings(deadline=None)
@given(random_dags())
def test_roots_leaves_orphans_partition_by_degree(catalog):
    graph = CatalogGraph(catalog)
    g = graph.g
    assert set(graph.roots()) == {n for n in g if g.in_degree(n) == 0 and g.out_degree(n) > 0}
    assert set(graph.leaves()) == {n for n in g if g.out_degree(n) == 0 and g.in_degree(n) > 0}
    assert set(graph.orphans()) == set(nx.isolates(g))


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_layering_puts_every_edge_from_a_lower_to_a_higher_layer(data):
    graph = CatalogGraph(data.draw(random_dags(max_nodes=30)))
    nodes = sorted(graph.g.nodes)
    subset = data.draw(st.lists(st.sampled_from(nodes), min_size=1, unique=True))
    layers = layered(graph, subset + ["not-a-component"])
    placed = [c for layer in layers for c in layer]
    assert sorted(placed) == sorted(subset)
    assert all(layers), "no empty layers"
    layer_of = {c: i for i, layer in enumerate(layers) for c in layer}
    for u, v in graph.g.subgraph(subset).edges:
        assert layer_of[u] < layer_of[v]
    assert layered(graph, list(reversed(subset))) == layers  # deterministic
