"""A `pulse` series (one count per scheduled run) through the real MetricServiceClient:
served as Google serves a DELTA counter, a point only for a minute that counted a run, so
a query for a past interval finds the run before it, as a post-mortem replay does."""

from __future__ import annotations

import pytest

from .clients import NO_RETRY, metric_client

NOW = 1_800_000_000 + 30  # frozen clock: 30 s after a minute boundary
RUNS = "composer.googleapis.com/workflow/run_count"  # DELTA INT64 in Google's metric list

SCENARIO = {
    "scenario": {"project": "shop-prod", "history": "-6h"},
    "series": [
        {"metric_type": RUNS, "resource_type": "cloud_composer_workflow",
         "resource_labels": {"workflow_name": "hourly_checks"}, "metric_labels": {"state": "success"},
         "pulse": {"every": "1h", "last": "-12m"}},
        {"metric_type": "custom.googleapis.com/loads_total", "resource_type": "global",
         "metric_kind": "cumulative", "value_type": "int64", "history": "-3h",
         "pulse": {"every": "1h", "last": "-5m", "value": 2}},
    ],
}


@pytest.fixture(scope="module")
def client(emulator):
    with metric_client(emulator.address) as client:
        yield client


def query(client, flt, *, start, end, period=None):
    request = {"name": "projects/shop-prod", "filter": flt,
               "interval": {"start_time": {"seconds": start}, "end_time": {"seconds": end}}}
    if period:
        request["aggregation"] = {"alignment_period": {"seconds": period}, "per_series_aligner": "ALIGN_SUM",
                                  "cross_series_reducer": "REDUCE_SUM",
                                  "group_by_fields": ["resource.labels.workflow_name"]}
    return list(client.list_time_series(request=request, retry=NO_RETRY, timeout=5))


def test_a_delta_pulse_has_a_point_only_in_the_minute_of_each_run(client):
    (series,) = query(client, f'metric.type = "{RUNS}"', start=NOW - 6 * 3600, end=NOW)
    ends = [p.interval.end_time.timestamp() - NOW for p in series.points]
    # the run 12 min ago (NOW - 720) is in the minute ending 30 s later, then one an hour
    assert ends == [-690 - 3600 * k for k in range(6)]
    assert {p.value.int64_value for p in series.points} == {1}
    assert all(p.interval.end_time.timestamp() - p.interval.start_time.timestamp() == 60 for p in series.points)


def test_replaying_two_hours_back_finds_the_run_before_then(client):
    at = NOW - 2 * 3600
    (series,) = query(client, f'metric.type = "{RUNS}"', start=at - 4 * 3600, end=at, period=600)
    newest = series.points[0]
    assert newest.value.int64_value == 1
    assert at - newest.interval.end_time.timestamp() < 3600  # the hourly run of that hour


def test_a_cumulative_pulse_steps_its_total_at_each_run(client):
    (series,) = query(client, 'metric.type = "custom.googleapis.com/loads_total"', start=NOW - 3 * 3600, end=NOW)
    totals = [p.value.int64_value for p in reversed(series.points)]  # oldest first
    assert len(totals) == 180  # a total for every minute of the 3 h asked for, runs or not
    assert sorted(set(totals)) == [0, 2, 4, 6] and totals[-1] == 6
