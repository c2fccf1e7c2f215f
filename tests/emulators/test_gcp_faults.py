"""Injected faults, seen through the real client libraries: what a flaky Google looks like."""

from __future__ import annotations

import time

import pytest
from google.api_core import exceptions as gexc
from google.api_core.retry import Retry, if_exception_type

from atlas.emulators.gcp import GcpEmulator
from atlas.emulators.scenario import ScenarioError, scenario_from_dict

from .clients import NO_RETRY, logging_client, metric_client

NOW = 1_800_000_000
LAG = "dataflow.googleapis.com/job/system_lag"
FAILED = "dataflow.googleapis.com/job/is_failed"


def scenario(faults=()):
    series = [{"metric_type": m, "resource_type": "dataflow_job", "resource_labels": {"job_name": "sessionizer"},
               "constant": 1} for m in (LAG, FAILED)]
    logs = [{"at": "-1m", "severity": "ERROR", "resource_type": "dataflow_step", "text": "boom"}]
    return scenario_from_dict({"scenario": {"project": "p"}, "series": series, "log": logs, "fault": list(faults)})


@pytest.fixture
def emulator():
    emu = GcpEmulator(scenario(), now=lambda: NOW)
    emu.start()
    yield emu
    emu.stop(grace=0)


def clients(emu):
    return metric_client(emu.address), logging_client(emu.address)


def series(mon, metric, *, timeout=5.0, retry=NO_RETRY):
    request = {"name": "projects/p", "filter": f'metric.type = "{metric}"',
               "interval": {"start_time": {"seconds": NOW - 300}, "end_time": {"seconds": NOW}}}
    return list(mon.list_time_series(request=request, retry=retry, timeout=timeout))


def logs(log):
    return list(log.list_log_entries(request={"resource_names": ["projects/p"]}, retry=NO_RETRY, timeout=5))


@pytest.mark.parametrize("kind, error", [
    ("UNAVAILABLE", gexc.ServiceUnavailable),
    ("DEADLINE_EXCEEDED", gexc.DeadlineExceeded),
    ("PERMISSION_DENIED", gexc.PermissionDenied),
    ("RESOURCE_EXHAUSTED", gexc.ResourceExhausted),
])
def test_status_faults_fail_the_call_once_then_wear_off(emulator, kind, error):
    mon, _ = clients(emulator)
    emulator.inject_fault(LAG, kind, times=1)
    with pytest.raises(error):
        series(mon, LAG)
    assert len(series(mon, LAG)) == 1


def test_latency_fault_slows_the_answer_and_trips_a_short_deadline(emulator):
    mon, _ = clients(emulator)
    emulator.inject_fault("*", "latency", ms=300, times=2)
    with pytest.raises(gexc.DeadlineExceeded):
        series(mon, LAG, timeout=0.1)
    started = time.monotonic()
    assert len(series(mon, LAG, timeout=5)) == 1
    assert time.monotonic() - started >= 0.3  # a lower bound: a slow machine only adds to it
    assert emulator.faults.pending == []  # worn off after its two calls
    series(mon, LAG)


def test_a_metric_fault_spares_other_metrics_and_logging(emulator):
    mon, log = clients(emulator)
    emulator.inject_fault(FAILED, "PERMISSION_DENIED")
    with pytest.raises(gexc.PermissionDenied, match="Permission denied"):
        series(mon, FAILED)
    assert len(series(mon, LAG)) == 1
    assert len(logs(log)) == 1
    emulator.clear_faults()
    assert len(series(mon, FAILED)) == 1


def test_logging_fault_spares_monitoring(emulator):
    mon, log = clients(emulator)
    emulator.inject_fault("logging", "UNAVAILABLE")
    with pytest.raises(gexc.ServiceUnavailable):
        logs(log)
    assert len(series(mon, LAG)) == 1


def test_a_client_retry_recovers_from_transient_unavailability(emulator):
    mon, _ = clients(emulator)
    emulator.inject_fault("monitoring", "UNAVAILABLE", times=2)
    retry = Retry(initial=0.01, maximum=0.05, multiplier=2, timeout=3, predicate=if_exception_type(gexc.ServiceUnavailable))
    assert len(series(mon, LAG, retry=retry)) == 1
    assert emulator.calls["ListTimeSeries"] == 3


def test_faults_declared_in_the_scenario():
    emu = GcpEmulator(scenario([{"target": LAG, "kind": "RESOURCE_EXHAUSTED", "times": 1}]), now=lambda: NOW)
    emu.start()
    try:
        mon, _ = clients(emu)
        with pytest.raises(gexc.ResourceExhausted, match="Quota exceeded"):
            series(mon, LAG)
        assert len(series(mon, LAG)) == 1
    finally:
        emu.stop(grace=0)


def test_a_bad_injected_fault_is_a_clear_error(emulator):
    with pytest.raises(ScenarioError, match="kind: 'BROKEN' is not one of latency"):
        emulator.inject_fault("*", "BROKEN")
    with pytest.raises(ScenarioError, match="latency fault needs ms"):
        emulator.inject_fault("*", "latency")
