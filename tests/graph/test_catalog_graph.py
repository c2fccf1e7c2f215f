"""The dependency graph on a readable slice of nw-recs: what an on-call engineer asks."""

from __future__ import annotations

import pytest

from atlas.catalog.model import Component
from atlas.graph import BlastRadius, CatalogGraph, UnknownComponent

from .catalogs import catalog_of, comp, recs_slice


@pytest.fixture(scope="module")
def graph() -> CatalogGraph:
    return CatalogGraph(recs_slice())


def test_edges_point_from_dependency_to_dependent(graph):
    assert graph.g.has_edge("events", "feature-backfill")
    assert not graph.g.has_edge("feature-backfill", "events")
    assert graph.g.number_of_nodes() == 13
    assert graph.g.nodes["ranker"]["system"] == "training"


def test_downstream_is_what_goes_stale_with_hop_counts(graph):
    assert graph.downstream("features") == {
        "ranker-training": 1,
        "feature-fetcher": 1,
        "ranker": 2,
        "ranker-svc": 2,
        "explain-svc": 3,
    }


def test_upstream_with_depth_limit_lists_only_near_dependencies(graph):
    assert graph.upstream("ranker-svc", depth=1) == {"ranker": 1, "feature-fetcher": 1}
    assert graph.upstream("ranker-svc", depth=2) == {
        "ranker": 1,
        "feature-fetcher": 1,
        "ranker-training": 2,
        "features": 2,
    }
    assert graph.upstream("ranker-svc", depth=0) == {}
    assert "clickstream-raw" in graph.upstream("ranker-svc")


def test_blast_radius_groups_affected_components_by_system_in_data_flow_order(graph):
    blast = graph.blast_radius("feature-backfill")
    assert isinstance(blast, BlastRadius)
    assert blast.component == "feature-backfill"
    assert blast.size == 6
    assert blast.affected["ranker-svc"] == 3  # via feature-fetcher, the shorter way
    assert list(blast.by_system) == ["data-pipelines", "training", "serving"]
    assert blast.by_system == {
        "data-pipelines": ["features"],
        "training": ["ranker-training", "ranker"],
        "serving": ["feature-fetcher", "ranker-svc", "explain-svc"],
    }
    assert blast.to_json()["size"] == 6


def test_blast_radius_of_a_leaf_is_empty(graph):
    blast = graph.blast_radius("ranker-svc")
    assert blast.size == 0 and blast.by_system == {}


def test_path_is_returned_in_data_flow_order_whichever_way_it_is_asked(graph):
    expected = ["feature-backfill", "features", "feature-fetcher", "ranker-svc"]
    assert graph.path("feature-backfill", "ranker-svc") == expected
    assert graph.path("ranker-svc", "feature-backfill") == expected
    assert graph.path("events", "events") == ["events"]


def test_path_between_unrelated_components_is_none(graph):
    assert graph.path("explain-svc", "feature-fetcher") is None
    assert graph.path("nw-recs-landing", "ranker") is None


def test_roots_leaves_and_orphans(graph):
    assert graph.roots() == ["clickstream-raw", "kfp-prod"]
    assert graph.leaves() == ["explain-svc", "ranker-svc"]
    assert graph.orphans() == ["nw-recs-landing"]


def test_direct_neighbours(graph):
    assert graph.dependencies("ranker-training") == ["features", "kfp-prod"]
    assert graph.dependents("ranker") == ["explain-svc", "ranker-svc"]


def test_topological_order_is_the_onboarding_tour(graph):
    assert graph.topological_order() == [
        "clickstream-raw",
        "clickstream-raw-df",
        "clickstream-sessionizer",
        "events",
        "feature-backfill",
        "features",
        "nw-recs-landing",
        "kfp-prod",
        "ranker-training",
        "ranker",
        "explain-svc",
        "feature-fetcher",
        "ranker-svc",
    ]


def test_topological_order_is_a_copy(graph):
    graph.topological_order().clear()
    assert len(graph.topological_order()) == 13


def test_unknown_component_is_one_readable_line_with_a_suggestion(graph):
    with pytest.raises(UnknownComponent) as info:
        graph.blast_radius("feature-fetchr")
    assert str(info.value) == "unknown component 'feature-fetchr' (did you mean 'feature-fetcher'?)"
    with pytest.raises(UnknownComponent, match=r"^unknown component 'zzz'$"):
        graph.path("events", "zzz")
    assert "zzz" not in graph and "events" in graph and len(graph) == 13


def test_negative_depth_is_refused(graph):
    with pytest.raises(ValueError, match="depth must be 0 or more"):
        graph.downstream("events", depth=-1)


def test_broken_catalog_still_gives_a_graph():
    # The loader reports these as errors but hands over a best-effort catalog: the graph
    # must still show everything, in an order, without raising.
    catalog = catalog_of(
        [
            comp("a", "dataflow_job", "data-pipelines", "c", "ghost"),
            comp("b", "dataflow_job", "data-pipelines", "a"),
            comp("c", "dataflow_job", "data-pipelines", "b"),
            comp("d", "model", "training", "c", "d"),
            Component(id="e", kind="model", system="nowhere"),
        ]
    )
    graph = CatalogGraph(catalog)
    assert "ghost" not in graph.g
    assert not graph.g.has_edge("d", "d")
    # e is ready at once; the cycle a -> b -> c is entered at a; d waits for c.
    assert graph.topological_order() == ["e", "a", "b", "c", "d"]
    assert graph.downstream("a") == {"b": 1, "c": 2, "d": 3}


def test_components_without_a_system_are_grouped_last_in_blast_radius():
    catalog = catalog_of(
        [
            comp("topic", "pubsub_topic", "data-pipelines"),
            Component(id="loose", kind="dataflow_job", depends_on=("topic",)),
            comp("sub", "pubsub_subscription", "data-pipelines", "topic"),
        ]
    )
    assert list(CatalogGraph(catalog).blast_radius("topic").by_system) == ["data-pipelines", ""]


def test_queries_run_on_the_one_networkx_graph(graph):
    assert graph.g is graph.g
    assert graph.edge_count == graph.g.number_of_edges() == 12


def test_edges_among_a_neighbourhood_for_drawing(graph):
    ids = ["ranker", "ranker-svc", "feature-fetcher", "features", "explain-svc", "not-there"]
    edges = graph.edges_among(ids)
    assert edges == [
        ("features", "feature-fetcher"),
        ("ranker", "explain-svc"),
        ("ranker", "ranker-svc"),
        ("feature-fetcher", "ranker-svc"),
    ]
    assert sorted(edges) == sorted(graph.g.subgraph(ids[:-1]).edges)


def test_systems_and_their_members_in_data_flow_order(graph):
    assert graph.systems() == ["data-pipelines", "training", "serving"]
    assert graph.members("training") == ["kfp-prod", "ranker", "ranker-training"]
    assert graph.members("nowhere") == []
