"""The emulator is never more lenient than Google: every aligner/reducer combination the
metric table says Google refuses is INVALID_ARGUMENT through the real client; counters have
no points in idle minutes; points appear only after the ingestion delay; ListMetricDescriptors
comes from the table; Logging pages "searching", keeps 30 days and enforces its read quota."""

from __future__ import annotations

import grpc
import pytest
from google.api import metric_pb2
from google.api_core import exceptions
from google.cloud import monitoring_v3
from google.cloud.logging_v2.services.logging_service_v2 import LoggingServiceV2Client
from google.cloud.logging_v2.services.logging_service_v2.transports import LoggingServiceV2GrpcTransport
from google.cloud.logging_v2.types import ListLogEntriesRequest

from atlas.emulators.gcp import GcpEmulator
from atlas.emulators.scenario import scenario_from_dict
from atlas import metrictable as metrics

from .clients import NO_RETRY, metric_client

NOW = 1_790_000_000.0
MetricDescriptor = metric_pb2.MetricDescriptor


def _one_series(m: metrics.Metric) -> dict:
    return {"metric_type": m.type, "resource_type": m.resource_types[0], "resource_labels": {"id": "x"},
            "constant": 1}


@pytest.fixture(scope="module")
def emulator():
    scenario = scenario_from_dict({
        "scenario": {"project": "p", "logging_read_quota": 3},
        "series": [_one_series(m) for m in metrics.table().values()] + [
            # a topic that published until 20 min ago, then nothing (DELTA: no points, not zeros)
            {"metric_type": "pubsub.googleapis.com/topic/send_request_count", "resource_type": "pubsub_topic",
             "resource_labels": {"topic_id": "quiet"}, "step": {"at": "-20m", "before": 600, "after": 0}},
        ],
        "log": [
            {"at": "-10m", "resource_type": "gce_instance", "text": "recent"},
            {"at": "-31d", "resource_type": "gce_instance", "text": "older than retention"},
        ],
    })
    emu = GcpEmulator(scenario, now=lambda: NOW)
    emu.start()
    yield emu
    emu.stop()


@pytest.fixture(scope="module")
def client(emulator):
    return metric_client(emulator.address)


def _list(client, metric_type, aligner, reducer, period=60, minutes=30, group_by=()):
    agg = {"per_series_aligner": aligner, "cross_series_reducer": reducer, "group_by_fields": list(group_by)}
    if period:
        agg["alignment_period"] = {"seconds": period}
    request = monitoring_v3.ListTimeSeriesRequest(
        name="projects/p", filter=f'metric.type = "{metric_type}"',
        interval={"start_time": {"seconds": int(NOW - minutes * 60)}, "end_time": {"seconds": int(NOW)}},
        aggregation=agg)
    return list(client.list_time_series(request=request, retry=NO_RETRY, timeout=5))


def _refused() -> list[tuple[str, str, str]]:
    """(metric, aligner, reducer) Google refuses: every unfitting aligner (reducer NONE), and
    every unfitting reducer after each fitting aligner."""
    out = []
    for m in metrics.table().values():
        for aligner in metrics.ALIGNERS[1:]:
            if metrics.aggregation_problem(m, aligner, "REDUCE_NONE")[1]:
                out.append((m.type, aligner, "REDUCE_NONE"))
                continue
            for reducer in metrics.REDUCERS[1:]:
                if metrics.aggregation_problem(m, aligner, reducer)[1]:
                    out.append((m.type, aligner, reducer))
    return out


REFUSED = _refused()


def test_the_table_refuses_what_the_issue_names():
    assert ("dataproc.googleapis.com/job/state", "ALIGN_MAX", "REDUCE_NONE") in REFUSED
    assert ("redis.googleapis.com/stats/memory/system_memory_usage_ratio", "ALIGN_RATE", "REDUCE_NONE") in REFUSED
    assert ("run.googleapis.com/request_latencies", "ALIGN_RATE", "REDUCE_NONE") in REFUSED
    # the Aggregation reference: REDUCE_MEAN takes "numeric or distribution values", not BOOL
    assert ("composer.googleapis.com/environment/healthy", "ALIGN_NEXT_OLDER", "REDUCE_MEAN") in REFUSED


def test_the_true_counting_aligners_are_for_bool_gauges_only():
    # "valid for GAUGE metrics with Boolean values" (ALIGN_COUNT alone also takes DELTA)
    delta_bool = metrics.Metric("custom.googleapis.com/x", "DELTA", "BOOL", "", 60, 0, (), ())
    for aligner in ("ALIGN_COUNT_TRUE", "ALIGN_COUNT_FALSE", "ALIGN_FRACTION_TRUE"):
        assert metrics.aggregation_problem(delta_bool, aligner, "REDUCE_NONE")[0] == "aligner"
    assert metrics.aggregation_problem(delta_bool, "ALIGN_COUNT", "REDUCE_NONE") == ("", "")


@pytest.mark.parametrize("metric_type,aligner,reducer", REFUSED, ids=[f"{m.split('/', 1)[1]}-{a}-{r}" for m, a, r in REFUSED])
def test_every_combination_google_refuses_is_invalid_argument(client, metric_type, aligner, reducer):
    with pytest.raises(exceptions.InvalidArgument) as info:
        _list(client, metric_type, aligner, reducer, group_by=() if reducer == "REDUCE_NONE" else ["resource.labels.id"])
    assert "does not apply" in info.value.message


@pytest.mark.parametrize("metric_type,aligner,reducer", [
    ("dataproc.googleapis.com/job/state", "ALIGN_COUNT_TRUE", "REDUCE_MAX"),
    ("redis.googleapis.com/stats/cpu_utilization_main_thread", "ALIGN_RATE", "REDUCE_SUM"),
    ("run.googleapis.com/request_latencies", "ALIGN_DELTA", "REDUCE_PERCENTILE_99"),
    ("kubernetes.io/container/restart_count", "ALIGN_DELTA", "REDUCE_SUM"),
])
def test_the_combinations_google_accepts_answer(client, metric_type, aligner, reducer):
    assert _list(client, metric_type, aligner, reducer, group_by=["resource.labels.id"])


def test_an_aligner_without_an_alignment_period_is_refused(client):
    with pytest.raises(exceptions.InvalidArgument, match="alignment period"):
        _list(client, "dataflow.googleapis.com/job/system_lag", "ALIGN_MAX", "REDUCE_NONE", period=0)


def test_an_alignment_period_over_104_weeks_is_refused(client):
    with pytest.raises(exceptions.InvalidArgument, match="104 weeks"):
        _list(client, "dataflow.googleapis.com/job/system_lag", "ALIGN_MAX", "REDUCE_NONE",
              period=104 * 7 * 86400 + 60)


def test_two_metric_types_in_one_filter_are_refused(client):
    request = monitoring_v3.ListTimeSeriesRequest(
        name="projects/p", filter='metric.type = "a/b" AND metric.type = "c/d"',
        interval={"end_time": {"seconds": int(NOW)}})
    with pytest.raises(exceptions.InvalidArgument, match="exactly one metric.type"):
        list(client.list_time_series(request=request, retry=NO_RETRY, timeout=5))


def test_an_idle_counter_has_no_points_and_the_newest_waits_out_the_ingestion_delay(client):
    series = _list(client, "pubsub.googleapis.com/topic/send_request_count", "ALIGN_NONE", "REDUCE_NONE",
                   period=0, minutes=40)
    quiet = next(s for s in series if s.resource.labels["topic_id"] == "quiet")
    ends = [p.interval.end_time.timestamp() for p in quiet.points]
    assert max(ends) <= NOW - 20 * 60  # nothing after publishing stopped: no zeros
    busy = next(s for s in series if s.resource.labels.get("id") == "x")
    newest = max(p.interval.end_time.timestamp() for p in busy.points)
    assert NOW - newest >= metrics.lookup("pubsub.googleapis.com/topic/send_request_count").ingest_delay


def test_metric_descriptors_come_from_the_table(client):
    found = {d.type: d for d in client.list_metric_descriptors(name="projects/p", retry=NO_RETRY, timeout=5)}
    kind, vtype = MetricDescriptor.MetricKind, MetricDescriptor.ValueType
    state = found["dataproc.googleapis.com/job/state"]
    assert state.metric_kind == kind.GAUGE and state.value_type == vtype.BOOL
    cpu = found["redis.googleapis.com/stats/cpu_utilization_main_thread"]
    # Google: "not visible for up to 240 seconds" (metrics_gcp_p_z); proto-plus keeps Duration a message here
    assert cpu.metric_kind == kind.DELTA and cpu.metadata.ingest_delay.seconds == 240


def _logging(address):
    return LoggingServiceV2Client(transport=LoggingServiceV2GrpcTransport(channel=grpc.insecure_channel(address)))


def test_logging_keeps_30_days_then_refuses_past_its_read_quota(emulator):
    client = _logging(emulator.address)
    request = ListLogEntriesRequest(resource_names=["projects/p"], order_by="timestamp desc")
    entries = list(client.list_log_entries(request=request, retry=NO_RETRY, timeout=5))
    assert [e.text_payload for e in entries] == ["recent"]  # the 31-day-old entry is gone
    list(client.list_log_entries(request=request, retry=NO_RETRY, timeout=5))
    list(client.list_log_entries(request=request, retry=NO_RETRY, timeout=5))
    with pytest.raises(exceptions.ResourceExhausted, match="Read requests per minute"):
        list(client.list_log_entries(request=request, retry=NO_RETRY, timeout=5))


def test_a_search_still_running_answers_empty_pages_with_a_token():
    scenario = scenario_from_dict({"scenario": {"project": "p", "logging_search_pages": 2},
                                   "log": [{"at": "-1m", "resource_type": "gce_instance", "text": "found"}]})
    with GcpEmulator(scenario, now=lambda: NOW) as emu:
        client = _logging(emu.address)
        pager = client.list_log_entries(request=ListLogEntriesRequest(resource_names=["projects/p"]),
                                        retry=NO_RETRY, timeout=5)
        pages = [list(page.entries) for page in pager.pages]
    assert pages[0] == [] and pages[1] == [] and [e.text_payload for e in pages[2]] == ["found"]


def test_a_metric_outside_the_table_is_held_to_its_own_kind_and_value_type():
    # a custom BOOL gauge: Google refuses ALIGN_MAX on it exactly as on dataproc's job/state
    scenario = scenario_from_dict({"scenario": {"project": "p"}, "series": [
        {"metric_type": "custom.googleapis.com/export/ok", "resource_type": "global", "resource_labels": {"id": "x"},
         "value_type": "bool", "constant": 1}]})
    emu = GcpEmulator(scenario, now=lambda: NOW)
    emu.start()
    try:
        client = metric_client(emu.address)
        with pytest.raises(exceptions.InvalidArgument, match="does not apply to BOOL"):
            _list(client, "custom.googleapis.com/export/ok", "ALIGN_MAX", "REDUCE_NONE")
        assert _list(client, "custom.googleapis.com/export/ok", "ALIGN_FRACTION_TRUE", "REDUCE_NONE")
    finally:
        emu.stop()
