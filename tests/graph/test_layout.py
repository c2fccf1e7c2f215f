"""Drawing layers for small pictures a person can check by eye."""

from __future__ import annotations

import networkx as nx

from atlas.graph import CatalogGraph
from atlas.graph.layout import layered

from .catalogs import catalog_of, comp, recs_slice


def test_a_chain_with_a_shortcut_keeps_the_long_way_down():
    graph = CatalogGraph(
        catalog_of(
            [
                comp("a", "pubsub_topic", "data-pipelines"),
                comp("b", "pubsub_subscription", "data-pipelines", "a"),
                comp("c", "dataflow_job", "data-pipelines", "a", "b"),
            ]
        )
    )
    assert layered(graph, ["c", "b", "a"]) == [["a"], ["b"], ["c"]]


def test_barycentre_sweep_untangles_a_crossing():
    # In id order the two edges a->d and b->c would cross; the sweep swaps the lower layer.
    graph = CatalogGraph(
        catalog_of(
            [
                comp("a", "pubsub_topic", "data-pipelines"),
                comp("b", "pubsub_topic", "data-pipelines"),
                comp("c", "dataflow_job", "data-pipelines", "b"),
                comp("d", "dataflow_job", "data-pipelines", "a"),
            ]
        )
    )
    assert layered(graph, ["a", "b", "c", "d"]) == [["a", "b"], ["d", "c"]]


def test_a_shared_cluster_sits_just_above_what_uses_it():
    graph = CatalogGraph(recs_slice())
    layers = layered(graph, graph.upstream("ranker-svc").keys() | {"ranker-svc"})
    layer_of = {c: i for i, layer in enumerate(layers) for c in layer}
    assert layers[0] == ["clickstream-raw"]
    assert layer_of["kfp-prod"] == layer_of["ranker-training"] - 1
    assert layers[-1] == ["ranker-svc"]


def test_only_edges_among_the_given_ids_count():
    graph = CatalogGraph(recs_slice())
    # events and ranker are linked only through components left out: same layer.
    assert layered(graph, ["ranker", "events"]) == [["events", "ranker"]]
    assert layered(graph, []) == []


def test_a_cycle_still_draws():
    g = nx.DiGraph([("x", "y"), ("y", "z"), ("z", "x"), ("z", "w")])
    layers = layered(g, ["w", "x", "y", "z"])
    assert layers == [["x"], ["y"], ["z"], ["w"]]


def test_plain_networkx_graph_is_accepted():
    g = nx.DiGraph([("topic", "sub"), ("sub", "job")])
    assert layered(g, ["job", "sub", "topic"]) == [["topic"], ["sub"], ["job"]]


def test_layers_are_the_topological_generations_of_the_subgraph():
    # a -> b -> d and a -> c -> d: d needs both, so it sits below the longer branch.
    catalog = catalog_of(
        [
            comp("a", "dataflow_job", "data-pipelines"),
            comp("b", "dataflow_job", "data-pipelines", "a"),
            comp("c", "dataflow_job", "data-pipelines", "b"),
            comp("d", "model", "training", "a", "c"),
        ]
    )
    graph = CatalogGraph(catalog)
    assert layered(graph, ["a", "b", "c", "d"]) == [["a"], ["b"], ["c"], ["d"]]
    assert layered(graph.g, ["a", "b", "c", "d"]) == [["a"], ["b"], ["c"], ["d"]]
