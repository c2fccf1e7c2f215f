"""Cloud Monitoring through the real MetricServiceClient against the emulator on loopback."""

from __future__ import annotations

import grpc
import pytest
from google.api import metric_pb2
from google.api_core import exceptions as gexc
from google.cloud import monitoring_v3
from google.cloud.monitoring_v3.services.alert_policy_service.transports import AlertPolicyServiceGrpcTransport

from atlas.emulators.gcp import GcpEmulator
from atlas.emulators.scenario import scenario_from_dict

from .clients import NO_RETRY, metric_client

NOW = 1_800_000_000 + 20  # frozen clock: 20 s after a minute boundary
NEWEST = 1_800_000_000


def _instances():
    zones = {"i1": "a", "i2": "a", "i3": "b", "i4": "b", "i5": "b"}
    return [{"metric_type": "custom.googleapis.com/queue/depth", "resource_type": "gce_instance",
             "resource_labels": {"instance_id": iid, "zone": zone}, "metric_labels": {"queue": "q"},
             "constant": float(n)} for n, (iid, zone) in enumerate(zones.items(), 1)]


SCENARIO = {
    "scenario": {"project": "shop-prod"},
    "series": _instances() + [
        {"metric_type": "custom.googleapis.com/worker/load", "resource_type": "gce_instance",
         "resource_labels": {"instance_id": "w1"}, "values": [1, 2, 3, 4, 5, 6]},
        {"metric_type": "custom.googleapis.com/requests", "resource_type": "gce_instance",
         "metric_kind": "delta", "value_type": "int64",
         "resource_labels": {"instance_id": "w1"}, "values": [60, 120, 180]},
        {"metric_type": "custom.googleapis.com/bytes_sent", "resource_type": "gce_instance",
         "metric_kind": "cumulative", "value_type": "int64",
         "resource_labels": {"instance_id": "w1"}, "values": [10, 20, 30]},
        {"metric_type": "custom.googleapis.com/up", "resource_type": "gce_instance", "value_type": "bool",
         "resource_labels": {"instance_id": "w1"}, "values": [1, 0, 1, 1]},
        {"metric_type": "run.googleapis.com/request_latencies", "resource_type": "cloud_run_revision",
         "resource_labels": {"service_name": "fast"}, "constant": 100},
        {"metric_type": "run.googleapis.com/request_latencies", "resource_type": "cloud_run_revision",
         "resource_labels": {"service_name": "slow"}, "constant": 300},
        {"metric_type": "custom.googleapis.com/queue/depth", "resource_type": "gce_instance",
         "project": "other-prod", "resource_labels": {"instance_id": "x9", "zone": "a"}, "constant": 99},
    ],
    "alert_policy": [
        {"name": "Queue too deep", "filter": 'metric.type = "custom.googleapis.com/queue/depth"',
         "threshold": 100, "duration": "5m", "severity": "WARNING"},
        {"name": "Old alert", "filter": 'metric.type = "custom.googleapis.com/up"', "enabled": False},
    ],
}


@pytest.fixture(scope="module")
def client(emulator):
    with metric_client(emulator.address) as client:  # closes its channel on the way out
        yield client


def query(client, flt, *, minutes=15, aligner=None, period=60, reducer=None, group_by=(), page_size=0,
          view=None, project="shop-prod"):
    request = {"name": f"projects/{project}", "filter": flt,
               "interval": {"start_time": {"seconds": NOW - minutes * 60}, "end_time": {"seconds": NOW}},
               "page_size": page_size}
    if aligner:
        request["aggregation"] = {"alignment_period": {"seconds": period}, "per_series_aligner": aligner,
                                  "cross_series_reducer": reducer or "REDUCE_NONE", "group_by_fields": list(group_by)}
    if view:
        request["view"] = view
    return list(client.list_time_series(request=request, retry=NO_RETRY, timeout=5))


def value(point):
    v = point.value
    return {"double_value": v.double_value, "int64_value": v.int64_value, "bool_value": v.bool_value,
            "distribution_value": v.distribution_value}[v._pb.WhichOneof("value")]


DEPTH = 'metric.type = "custom.googleapis.com/queue/depth"'


def test_one_of_with_group_by_returns_one_series_per_selected_instance(client):
    series = query(client, DEPTH + ' AND resource.labels.instance_id = one_of("i1","i3")', aligner="ALIGN_MAX",
                   reducer="REDUCE_MAX", group_by=["resource.labels.instance_id"])
    assert {s.resource.labels["instance_id"]: value(s.points[0]) for s in series} == {"i1": 1.0, "i3": 3.0}
    # group_by keeps only the grouped labels, as Google does
    assert all(dict(s.resource.labels).keys() == {"instance_id"} for s in series)


def test_raw_points_are_on_minute_boundaries_newest_first(client):
    (series,) = query(client, DEPTH + ' AND resource.labels.instance_id = "i2"', minutes=5)
    times = [p.interval.end_time.timestamp() for p in series.points]
    assert times[0] == NEWEST
    assert times == sorted(times, reverse=True)
    assert all(int(t) % 60 == 0 for t in times)
    assert series.metric_kind == metric_pb2.MetricDescriptor.MetricKind.GAUGE
    assert series.resource.labels["project_id"] == "shop-prod"


def test_starts_with_and_metric_and_resource_type_terms(client):
    series = query(client, DEPTH + ' AND resource.type = "gce_instance" AND metric.labels.queue = "q"'
                   ' AND resource.labels.zone = starts_with("b")')
    assert sorted(s.resource.labels["instance_id"] for s in series) == ["i3", "i4", "i5"]


def test_each_project_sees_only_its_own_series(client):
    assert [s.resource.labels["instance_id"] for s in query(client, DEPTH, project="other-prod")] == ["x9"]


@pytest.mark.parametrize("aligner, expected", [
    ("ALIGN_MAX", [6.0, 3.0]), ("ALIGN_MIN", [4.0, 1.0]), ("ALIGN_MEAN", [5.0, 2.0]), ("ALIGN_SUM", [15.0, 6.0]),
])
def test_gauge_aligners_over_three_minute_periods(client, aligner, expected):
    (series,) = query(client, 'metric.type = "custom.googleapis.com/worker/load"', minutes=6, aligner=aligner,
                      period=180)
    assert [value(p) for p in series.points] == expected
    assert [p.interval.end_time.timestamp() for p in series.points] == [NEWEST, NEWEST - 180]


def test_align_rate_is_per_second_and_align_delta_the_count(client):
    flt = 'metric.type = "custom.googleapis.com/requests"'
    (rate,) = query(client, flt, aligner="ALIGN_RATE", period=180)
    (delta,) = query(client, flt, aligner="ALIGN_DELTA", period=180)
    assert value(rate.points[0]) == pytest.approx(360 / 180)
    assert value(delta.points[0]) == 360
    assert delta.metric_kind == metric_pb2.MetricDescriptor.MetricKind.DELTA


def test_cumulative_counter_raw_totals_and_delta(client):
    flt = 'metric.type = "custom.googleapis.com/bytes_sent"'
    (raw,) = query(client, flt)
    assert [value(p) for p in raw.points] == [60, 30, 10]  # running totals, newest first
    assert raw.points[0].interval.start_time.timestamp() == NEWEST - 180  # since the series began
    (delta,) = query(client, flt, aligner="ALIGN_DELTA", period=120)
    assert value(delta.points[0]) == 50  # 20 + 30 in the newest two minutes


def test_align_fraction_true_on_bool(client):
    (series,) = query(client, 'metric.type = "custom.googleapis.com/up"', aligner="ALIGN_FRACTION_TRUE", period=240)
    assert value(series.points[0]) == pytest.approx(0.75)


@pytest.mark.parametrize("reducer, zone_a, zone_b", [
    ("REDUCE_SUM", 3.0, 12.0), ("REDUCE_MAX", 2.0, 5.0), ("REDUCE_MIN", 1.0, 3.0), ("REDUCE_MEAN", 1.5, 4.0),
    ("REDUCE_COUNT", 2, 3), ("REDUCE_PERCENTILE_50", 1.5, 4.0), ("REDUCE_PERCENTILE_95", 1.95, 4.9),
    ("REDUCE_PERCENTILE_99", 1.99, 4.98),
])
def test_reducers_group_by_a_resource_label(client, reducer, zone_a, zone_b):
    series = query(client, DEPTH, aligner="ALIGN_MEAN", reducer=reducer, group_by=["resource.labels.zone"])
    got = {s.resource.labels["zone"]: value(s.points[0]) for s in series}
    assert got == {"a": pytest.approx(zone_a), "b": pytest.approx(zone_b)}


def test_reduce_without_group_by_gives_one_series(client):
    (series,) = query(client, DEPTH, aligner="ALIGN_MAX", reducer="REDUCE_SUM")
    assert value(series.points[0]) == 15.0
    assert dict(series.resource.labels) == {}


def test_group_by_metric_label(client):
    (series,) = query(client, DEPTH, aligner="ALIGN_MAX", reducer="REDUCE_COUNT", group_by=["metric.labels.queue"])
    assert series.metric.labels["queue"] == "q" and value(series.points[0]) == 5


def test_latency_distribution_delta_and_p99(client):
    flt = 'metric.type = "run.googleapis.com/request_latencies"'
    series = query(client, flt, aligner="ALIGN_DELTA", period=300)
    dist = value(series[0].points[0])
    # five minutes of 100 observations a minute, less the 2 min Google may take to ingest them
    # (run request_latencies: "not visible for up to 120 seconds", metrics_gcp_p_z)
    assert dist.count == 300 and dist.bucket_counts
    (p99,) = query(client, flt, aligner="ALIGN_DELTA", period=300, reducer="REDUCE_PERCENTILE_99")
    assert 290 < value(p99.points[0]) <= 300  # the p99 of all observations: the slow service's tail
    by_service = query(client, flt, aligner="ALIGN_DELTA", period=300, reducer="REDUCE_PERCENTILE_99",
                       group_by=["resource.labels.service_name"])
    assert {s.resource.labels["service_name"]: value(s.points[0]) for s in by_service} == {"fast": 100, "slow": 300}


def test_paging_two_per_page_across_five_series(client, emulator):
    before = emulator.calls["ListTimeSeries"]
    series = query(client, DEPTH, page_size=2)
    assert [s.resource.labels["instance_id"] for s in series] == ["i1", "i2", "i3", "i4", "i5"]
    assert emulator.calls["ListTimeSeries"] - before == 3
    tokens = [r.page_token for r in emulator.requests[-3:]]
    assert tokens[0] == "" and all(tokens[1:])


def test_headers_view_has_no_points(client):
    series = query(client, DEPTH, view="HEADERS")
    assert len(series) == 5 and all(len(s.points) == 0 for s in series)


@pytest.mark.parametrize("flt, message", [
    (DEPTH + ' OR metric.type = "x"', "OR is not supported"),
    ('NOT ' + DEPTH, "NOT is not supported"),
    ('(' + DEPTH + ')', "parentheses"),
    ('resource.type = "gce_instance"', "exactly one metric.type"),
    (DEPTH + ' AND metadata.system_labels.state = "x"', "unsupported filter field 'metadata.system_labels.state'"),
    (DEPTH + ' AND resource.labels.zone != "a"', "operator '!=' is not supported"),
])
def test_filter_outside_the_subset_is_invalid_argument(client, flt, message):
    with pytest.raises(gexc.InvalidArgument) as err:
        query(client, flt)
    assert message in str(err.value)


@pytest.mark.parametrize("aligner, reducer, message", [
    ("ALIGN_RATE", None, "ALIGN_RATE does not apply to GAUGE"),  # custom metrics have a descriptor too
    ("ALIGN_FRACTION_TRUE", None, "ALIGN_FRACTION_TRUE does not apply to"),
    ("ALIGN_NONE", "REDUCE_SUM", "needs a per-series aligner"),
    ("ALIGN_PERCENT_CHANGE", None, "not supported by the emulator"),
])
def test_aggregation_google_would_refuse_is_invalid_argument(client, aligner, reducer, message):
    with pytest.raises(gexc.InvalidArgument) as err:
        query(client, DEPTH, aligner=aligner, reducer=reducer)
    assert message in str(err.value)


def test_unsupported_reducer_and_group_by_field_are_invalid_argument(client):
    with pytest.raises(gexc.InvalidArgument, match="REDUCE_STDDEV is not supported"):
        query(client, DEPTH, aligner="ALIGN_MEAN", reducer="REDUCE_STDDEV")
    with pytest.raises(gexc.InvalidArgument, match="group_by_fields entry 'metadata.user_labels.team'"):
        query(client, 'metric.type = "custom.googleapis.com/none"', aligner="ALIGN_MEAN", reducer="REDUCE_SUM",
              group_by=["metadata.user_labels.team"])


def test_unknown_page_token_is_invalid_argument(client):
    request = {"name": "projects/shop-prod", "filter": DEPTH, "page_token": "forged",
               "interval": {"end_time": {"seconds": NOW}}}
    with pytest.raises(gexc.InvalidArgument, match="page_token"):
        list(client.list_time_series(request=request, retry=NO_RETRY, timeout=5))


def test_alert_policies_from_the_scenario(emulator):
    channel = grpc.insecure_channel(emulator.address)
    alerts = monitoring_v3.AlertPolicyServiceClient(transport=AlertPolicyServiceGrpcTransport(channel=channel))
    policies = list(alerts.list_alert_policies(name="projects/shop-prod", retry=NO_RETRY, timeout=5))
    channel.close()
    assert [p.display_name for p in policies] == ["Queue too deep", "Old alert"]
    first = policies[0]
    assert first.enabled is True and policies[1].enabled is False
    cond = first.conditions[0].condition_threshold
    assert cond.filter == 'metric.type = "custom.googleapis.com/queue/depth"'
    assert cond.threshold_value == 100 and cond.duration.total_seconds() == 300
    assert first.severity == monitoring_v3.AlertPolicy.Severity.WARNING


def test_calls_and_requests_are_recorded(client, emulator):
    before = emulator.calls["ListTimeSeries"]
    query(client, DEPTH)
    assert emulator.calls["ListTimeSeries"] == before + 1
    assert emulator.requests[-1].filter == DEPTH


def test_a_huge_answer_is_split_into_pages_under_the_clients_4mb_limit():
    blob = "x" * 2000  # fat labels: 3,000 series make ~6 MB
    sc = scenario_from_dict({"scenario": {"project": "p", "history": "now"}, "series": [
        {"metric_type": "custom.googleapis.com/fat", "resource_type": "global",
         "resource_labels": {"n": str(i), "blob": blob}, "constant": 1} for i in range(3000)]})
    with GcpEmulator(sc, now=lambda: NOW) as emu:
        with metric_client(emu.address) as client:  # default channel options: 4 MB receive limit
            series = query(client, 'metric.type = "custom.googleapis.com/fat"', project="p")
        assert len(series) == 3000 and len({s.resource.labels["n"] for s in series}) == 3000
        assert emu.calls["ListTimeSeries"] >= 2
