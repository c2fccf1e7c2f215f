"""System roll-up: the worst status wins; missing data never hides a real reading."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from atlas.graph import CatalogGraph, worst
from atlas.health.model import Status

from .catalogs import recs_slice

# No per-example deadline (it flakes on a busy 2-core machine); speed is test_scale's job.

OK, WARN, CRIT, NO_DATA, STALE, ERROR = (
    Status.OK, Status.WARN, Status.CRIT, Status.NO_DATA, Status.STALE, Status.ERROR,
)


def test_each_system_shows_its_worst_component():
    graph = CatalogGraph(recs_slice())
    rollup = graph.system_rollup(
        {"events": WARN, "features": CRIT, "clickstream-raw": OK, "ranker": STALE, "ranker-svc": OK}
    )
    assert rollup == {"data-pipelines": CRIT, "training": STALE, "serving": OK}
    assert list(rollup) == ["data-pipelines", "training", "serving"]


def test_no_data_only_when_nothing_else_is_known():
    graph = CatalogGraph(recs_slice())
    rollup = graph.system_rollup({"events": NO_DATA, "features": OK, "ranker": NO_DATA})
    assert rollup == {"data-pipelines": OK, "training": NO_DATA, "serving": NO_DATA}


def test_a_failed_query_outranks_healthy():
    assert worst([OK, ERROR, NO_DATA]) is ERROR
    assert worst([ERROR, WARN]) is WARN
    assert worst([]) is NO_DATA


@settings(deadline=None)
@given(st.lists(st.sampled_from(list(Status))))
def test_worst_is_the_most_severe_real_reading(statuses):
    result = worst(statuses)
    real = [s for s in statuses if s is not Status.NO_DATA]
    if not real:
        assert result is NO_DATA
    else:
        assert result in real
        assert all(result.severity >= s.severity for s in real)
