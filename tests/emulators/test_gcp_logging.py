"""Cloud Logging through the real low-level LoggingServiceV2Client against the emulator."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from google.api_core import exceptions as gexc

from .clients import NO_RETRY, logging_client

NOW = 1_800_000_000
JOB = {"job_name": "nightly-export", "region": "us-central1"}

SCENARIO = {
    "scenario": {"project": "shop-prod"},
    "log": [
        {"at": "-30m", "every": "2m", "repeat": 5, "severity": "ERROR", "log_name": "dataflow.googleapis.com/worker",
         "resource_type": "dataflow_step", "resource_labels": JOB, "trace": "auto",
         "text": "KeyError: 'dwell_time_ms'"},
        {"at": "-10m", "severity": "CRITICAL", "resource_type": "dataflow_step", "resource_labels": JOB,
         "text": "Workflow failed.", "trace": "0123456789abcdef0123456789abcdef"},
        {"at": "-45m", "every": "5m", "repeat": 3, "severity": "INFO", "resource_type": "dataflow_step",
         "resource_labels": JOB, "text": "bundle done"},
        {"at": "-5m", "severity": "WARNING", "resource_type": "cloud_run_revision",
         "resource_labels": {"service_name": "explain-svc"}, "labels": {"env": "prod"},
         "json": {"message": "slow attribution", "grpc": {"code": "DeadlineExceeded"}}},
        {"at": "-1m", "severity": "ERROR", "project": "other-prod", "resource_type": "dataflow_step",
         "resource_labels": JOB, "text": "someone else's problem"},
        {"at": "-1m", "every": "1m", "repeat": 5, "severity": "ERROR", "resource_type": "dataflow_step",
         "resource_labels": JOB, "text": "at -1m and now; the rest has not happened yet"},
    ],
}


@pytest.fixture(scope="module")
def client(emulator):
    with logging_client(emulator.address) as client:  # closes its channel on the way out
        yield client


def entries(client, flt="", *, order_by="", page_size=0, projects=("shop-prod",)):
    request = {"resource_names": [f"projects/{p}" for p in projects], "filter": flt, "order_by": order_by,
               "page_size": page_size}
    return list(client.list_log_entries(request=request, retry=NO_RETRY, timeout=5))


def rfc3339(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_severity_at_least_error_for_one_job(client):
    got = entries(client, 'resource.type="dataflow_step" AND resource.labels.job_name="nightly-export" '
                          'AND severity>=ERROR')
    assert len(got) == 8  # 5 worker errors + the critical + the two past entries of the last spec
    assert {e.severity for e in got} == {500, 600}  # the low-level client gives LogSeverity numbers
    assert all(e.log_name.startswith("projects/shop-prod/logs/") for e in got)


@pytest.mark.parametrize("flt, count", [
    ("severity=ERROR", 7), ("severity>ERROR", 1), ("severity<=INFO", 3), ("severity<WARNING", 3),
    ("severity>=WARNING", 9),
])
def test_severity_comparisons(client, flt, count):
    assert len(entries(client, flt)) == count


def test_entries_come_oldest_first_by_default_and_newest_first_on_request(client):
    asc = [e.timestamp for e in entries(client)]
    desc = [e.timestamp for e in entries(client, order_by="timestamp desc")]
    assert asc == sorted(asc) and desc == sorted(desc, reverse=True) and len(asc) == 12


def test_paging_two_per_page(client, emulator):
    before = emulator.calls["ListLogEntries"]
    got = entries(client, "severity=ERROR", page_size=2)
    assert len(got) == 7 and len({e.insert_id for e in got}) == 7
    assert emulator.calls["ListLogEntries"] - before == 4


def test_timestamp_bounds(client):
    got = entries(client, f'timestamp>="{rfc3339(NOW - 25 * 60)}" AND timestamp<"{rfc3339(NOW - 60)}"')
    assert [e.text_payload or e.json_payload["message"] for e in got] == [
        "KeyError: 'dwell_time_ms'", "KeyError: 'dwell_time_ms'", "Workflow failed.", "slow attribution"]


def test_json_payload_labels_and_trace(client):
    (entry,) = entries(client, 'jsonPayload.grpc.code="DeadlineExceeded" AND labels.env="prod"')
    assert entry.json_payload["message"] == "slow attribution"
    assert entry.resource.labels["service_name"] == "explain-svc"
    (critical,) = entries(client, "severity=CRITICAL")
    assert critical.trace == "projects/shop-prod/traces/0123456789abcdef0123456789abcdef"
    worker = entries(client, 'logName="projects/shop-prod/logs/dataflow.googleapis.com%2Fworker"')
    assert len(worker) == 5 and len({e.trace for e in worker}) == 5  # trace = "auto": one per entry


def test_only_the_requested_projects(client):
    assert [e.text_payload for e in entries(client, projects=("other-prod",))] == ["someone else's problem"]
    assert len(entries(client, projects=("shop-prod", "other-prod"))) == 13


@pytest.mark.parametrize("flt, message", [
    ('severity>=ERROR OR severity=INFO', "OR is not supported"),
    ('NOT severity=INFO', "NOT is not supported"),
    ('(severity=INFO)', "parentheses"),
    ('httpRequest.status=500', "unsupported filter field 'httpRequest.status'"),
    ('severity>=LOUD', "severity must be one of"),
    ('timestamp>="yesterday"', "not RFC 3339"),
])
def test_filters_outside_the_subset_are_invalid_argument(client, flt, message):
    with pytest.raises(gexc.InvalidArgument) as err:
        entries(client, flt)
    assert message in str(err.value)


def test_unsupported_order_and_missing_resource_names(client):
    with pytest.raises(gexc.InvalidArgument, match="order_by"):
        entries(client, order_by="severity desc")
    with pytest.raises(gexc.InvalidArgument, match="resource_names is required"):
        entries(client, projects=())
