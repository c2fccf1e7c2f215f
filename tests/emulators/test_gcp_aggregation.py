"""Alignment and reduction as pure functions: the rules a dashboard reader relies on."""

from __future__ import annotations

import pytest

from atlas.emulators.gcp.aggregation import AggregationError, Dist, SeriesData, aggregate, raw_series
from atlas.emulators.scenario import scenario_from_dict

NOW = 1_800_000_000 + 20
NEWEST = 1_800_000_000


def series(**fields) -> SeriesData:
    spec = scenario_from_dict({"series": [{"metric_type": "custom.googleapis.com/x", "resource_type": "global",
                                           **fields}]}).series[0]
    base = SeriesData(spec.metric_type, spec.resource_type, dict(spec.resource_labels), {}, spec.metric_kind,
                      spec.value_type)
    return raw_series(spec.points(NOW), base)


def test_a_gap_leaves_the_newest_aligned_point_in_the_past():
    s = series(constant=5, gap={"from": "-40m"})
    (out,) = aggregate([s], NOW - 3600, NOW, "ALIGN_MAX", 60, "REDUCE_NONE", [])
    assert out.points[0].end <= NOW - 40 * 60  # what a freshness check sees as stale


def test_series_without_points_in_the_window_disappear():
    s = series(constant=5, gap={"from": "-40m"})
    assert aggregate([s], NOW - 900, NOW, "ALIGN_MAX", 60, "REDUCE_MAX", []) == []


def test_five_minute_periods_step_back_from_the_newest_minute():
    s = series(values=list(range(1, 16)))  # 15 minutes, 15 newest
    (out,) = aggregate([s], NOW - 900, NOW, "ALIGN_MAX", 300, "REDUCE_NONE", [])
    assert [(p.end, p.value) for p in out.points] == [(NEWEST, 15), (NEWEST - 300, 10), (NEWEST - 600, 5)]


def test_delta_points_cover_their_period():
    s = series(values=[1, 2, 3, 4], metric_kind="delta", value_type="int64")
    (out,) = aggregate([s], NOW - 240, NOW, "ALIGN_DELTA", 120, "REDUCE_NONE", [])
    assert [(p.start, p.end, p.value) for p in out.points] == [(NEWEST - 120, NEWEST, 7), (NEWEST - 240, NEWEST - 120, 3)]
    assert out.metric_kind == "delta" and out.value_type == "int64"


def test_percentile_of_a_minute_is_the_value_the_scenario_states():
    assert Dist.with_p99(420).percentile(0.99) == 420
    assert Dist.with_p99(420).percentile(0.5) < 420


def test_a_reducer_needs_an_aligner_and_periods_are_whole_minutes():
    s = series(constant=1)
    with pytest.raises(AggregationError, match="needs a per_series_aligner"):
        aggregate([s], NOW - 600, NOW, "ALIGN_NONE", 0, "REDUCE_SUM", [])
    with pytest.raises(AggregationError, match="whole number of minutes"):
        aggregate([s], NOW - 600, NOW, "ALIGN_MAX", 90, "REDUCE_NONE", [])
    with pytest.raises(AggregationError, match="alignment_period is required"):
        aggregate([s], NOW - 600, NOW, "ALIGN_MAX", 0, "REDUCE_NONE", [])
