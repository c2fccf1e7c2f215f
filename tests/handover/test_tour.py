"""The onboarding tour walks the product in data-flow order and tracks what a person learned."""

from __future__ import annotations

import pytest

from atlas.graph import CatalogGraph
from atlas.handover.tour import build_tour, tour_order
from tests.handover.conftest import load
from tests.helpers import component, write_catalog


@pytest.fixture
def catalog(tmp_path):
    root = write_catalog(tmp_path, [
        # serving first in the file, and an edge from serving back into pipelines
        component("api", owner="t", system="serving", depends_on=["model"]),
        component("logger", owner="t", system="serving"),
        component("model", kind="model", owner="t", system="training", depends_on=["features"]),
        component("a-features", kind="bigquery_dataset", owner="t", system="pipelines"),
        component("features", kind="bigquery_dataset", owner="t", system="pipelines", depends_on=["raw"]),
        component("raw", kind="pubsub_topic", owner="t", system="pipelines", depends_on=["logger"],
                  handover={"knowledge": {"amara": "can-operate"}}),
    ], systems=[{"id": "serving", "order": 3}, {"id": "training", "order": 2}, {"id": "pipelines", "order": 1}],
        people=[{"id": "amara", "team": "t"}])
    return load(root)


def test_the_tour_follows_the_data_across_systems(catalog):
    order = tour_order(catalog, CatalogGraph(catalog))
    # logger (serving) is where raw's data comes from: it comes first, then the data onwards
    assert order == ["a-features", "logger", "raw", "features", "model", "api"]


def test_the_sample_tour_starts_at_a_source_and_never_before_what_a_stop_needs(sample):
    graph = CatalogGraph(sample)
    tour = build_tour(sample, graph)
    index = {s.component: s.index for s in tour.stops}
    for stop in tour.stops:
        assert all(index[d] < stop.index for d in graph.dependencies(stop.component)), stop.component
    assert not graph.dependencies(tour.stops[0].component)
    # the topics' data comes from event-logger: it comes before them, not as stop 41
    assert index["event-logger"] < index["clickstream-raw"] and index["event-logger"] < index["impressions"]
    assert index["recs-api"] > index["ranker-svc"]  # the serving edge after what it serves
    assert tour.stops[-1].system == "serving"
    assert index["clickstream-raw"] < index["clickstream-raw-df"] < index["clickstream-sessionizer"] < index["events"]
    assert index["example-gen"] < index["trainer"] < index["pusher"] < index["ranker"]
    assert len(tour.stops) == len(sample.components)


def test_a_person_sees_their_levels_and_the_next_stop_to_learn(catalog):
    tour = build_tour(catalog, CatalogGraph(catalog), person="amara")
    assert [s.level for s in tour.stops] == [None, None, "can-operate", None, None, None]
    assert tour.learned_count == 1
    assert tour.next_stop().component == "a-features"
    assert tour.next_stop(after="logger").component == "features"  # raw is learned already


def test_marking_learned_gives_a_new_tour_and_keeps_the_old_one(catalog):
    tour = build_tour(catalog, CatalogGraph(catalog), person="amara")
    later = tour.with_learned("features", "can-debug")
    assert later.stops[3].level == "can-debug" and later.stops[3].learned
    assert tour.stops[3].level is None
    assert later.progress == pytest.approx(2 / 6)
    assert not later.with_learned("api", "heard-of").stops[5].learned  # heard-of is not learned
    with pytest.raises(ValueError):
        tour.with_learned("api", "guru")


def test_a_tour_can_be_narrowed_to_some_components_keeping_the_order(catalog):
    tour = build_tour(catalog, CatalogGraph(catalog), component_ids={"api", "raw"})
    assert [(s.index, s.component) for s in tour.stops] == [(0, "raw"), (1, "api")]
