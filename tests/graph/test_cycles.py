"""A catalog with a dependency cycle is an error, but the tour and the picture still come out."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from atlas.catalog.model import Component
from atlas.graph import CatalogGraph
from atlas.graph.layout import layered

from .catalogs import catalog_of

# No per-example deadline (it flakes on a busy 2-core machine); speed is test_scale's job.


@st.composite
def random_digraphs(draw):
    n = draw(st.integers(min_value=1, max_value=16))
    ids = [f"c{i:02d}" for i in range(n)]
    pairs = st.tuples(st.sampled_from(ids), st.sampled_from(ids))
    edges = draw(st.lists(pairs, max_size=3 * n))
    deps: dict[str, list[str]] = {i: [] for i in ids}
    for a, b in edges:
        deps[b].append(a)
    system = draw(st.lists(st.sampled_from(["data-pipelines", "training", "serving"]), min_size=n, max_size=n))
    return catalog_of(
        [Component(id=c, kind="dataflow_job", system=s, depends_on=tuple(deps[c])) for c, s in zip(ids, system)]
    )


def _cross_component_edges(g: nx.DiGraph):
    scc = {}
    for number, members in enumerate(nx.strongly_connected_components(g)):
        for m in members:
            scc[m] = number
    return [(u, v) for u, v in g.edges if scc[u] != scc[v]]


@settings(deadline=None)
@given(random_digraphs())
def test_tour_visits_everyone_once_and_respects_edges_outside_cycles(catalog):
    graph = CatalogGraph(catalog)
    order = graph.topological_order()
    assert sorted(order) == sorted(catalog.components)
    position = {c: i for i, c in enumerate(order)}
    for u, v in _cross_component_edges(graph.g):
        assert position[u] < position[v]


@settings(deadline=None)
@given(random_digraphs())
def test_layers_place_everyone_once_and_respect_edges_outside_cycles(catalog):
    graph = CatalogGraph(catalog)
    layers = layered(graph, list(catalog.components))
    layer_of = {c: i for i, layer in enumerate(layers) for c in layer}
    assert sorted(c for layer in layers for c in layer) == sorted(catalog.components)
    for u, v in _cross_component_edges(graph.g):
        assert layer_of[u] < layer_of[v]


def test_walks_terminate_on_a_cycle():
    catalog = catalog_of(
        [
            Component(id="a", kind="dataflow_job", system="training", depends_on=("c",)),
            Component(id="b", kind="dataflow_job", system="training", depends_on=("a",)),
            Component(id="c", kind="dataflow_job", system="training", depends_on=("b",)),
        ]
    )
    graph = CatalogGraph(catalog)
    assert graph.downstream("a") == {"b": 1, "c": 2}
    assert graph.upstream("a") == {"c": 1, "b": 2}
    assert graph.blast_radius("b").size == 2
    assert graph.path("c", "a") == ["c", "a"]


def test_a_cycle_is_entered_only_once_nothing_else_is_ready_and_walked_whole():
    # x is in an undeclared system (it sorts last) but is ready at once, so it comes before
    # the cycle; the cycle a -> b -> c (b's dependency on the outside y included) starts
    # once y is done, at its lowest id, and comes out in one piece before what it feeds.
    catalog = catalog_of(
        [
            Component(id="y", kind="dataflow_job", system="data-pipelines"),
            Component(id="a", kind="dataflow_job", system="training", depends_on=("c",)),
            Component(id="b", kind="dataflow_job", system="training", depends_on=("a", "y")),
            Component(id="c", kind="dataflow_job", system="training", depends_on=("b",)),
            Component(id="after", kind="model", system="training", depends_on=("c",)),
            Component(id="x", kind="model", system="elsewhere"),
        ]
    )
    graph = CatalogGraph(catalog)
    assert not graph.is_dag()
    assert graph.topological_order() == ["y", "x", "a", "b", "c", "after"]


def test_a_dag_says_so_and_its_order_is_networkx_lexicographic_sort():
    catalog = catalog_of(
        [
            Component(id="b", kind="dataflow_job", system="serving", depends_on=("a",)),
            Component(id="a", kind="dataflow_job", system="training"),
            Component(id="c", kind="dataflow_job", system="data-pipelines"),
        ]
    )
    graph = CatalogGraph(catalog)
    assert graph.is_dag()
    assert graph.topological_order() == list(nx.lexicographical_topological_sort(graph.g, key=graph.sort_key))
    assert graph.topological_order() == ["c", "a", "b"]


@settings(deadline=None)
@given(random_digraphs())
def test_the_first_frames_order_without_networkx_is_the_graphs_node_for_node(catalog):
    """atlas.graph.flow orders the catalog screen before networkx is imported: on a DAG
    exactly the graph's order; on a cycle it declines (None) and the graph's walk is used."""
    from atlas.graph.flow import flow_order
    from atlas.services import Loaded

    graph = CatalogGraph(catalog)
    order = flow_order(catalog)
    if graph.is_dag():
        assert order == graph.topological_order()
    else:
        assert order is None
    assert Loaded(catalog).order == graph.topological_order()
