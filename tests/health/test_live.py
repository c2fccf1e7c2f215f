"""The real google-cloud-monitoring / google-cloud-logging clients against the loopback
emulator: statuses, paging, every fault, a dead endpoint, an unsupported filter, call counts."""

from __future__ import annotations


import pytest

from atlas.health.model import Status
from atlas.health.planner import plan
from atlas.health.service import HealthQueryError, UnknownComponentError

from .builders import NOW, failed_signal, job, lag_signal, make_catalog
from .live import dead_address, model, model_freshness_signal, scenario_catalog, service_for, start_emulator


@pytest.fixture(scope="module")
def shared_emulator(tmp_path_factory):
    emu = start_emulator(tmp_path_factory.mktemp("scenario"))
    yield emu
    emu.stop()


@pytest.fixture()
def emulator(shared_emulator):
    """One server for the module (start/stop costs ~0.5 s); each test starts clean."""
    shared_emulator.clear_faults()
    shared_emulator.calls.clear()
    shared_emulator.requests.clear()
    return shared_emulator


def status_of(snapshot, cid, signal=None):
    comp = snapshot.components[cid]
    if signal is None:
        return comp.status, comp.reason
    s = next(s for s in comp.signals if s.name == signal)
    return s.status, s.reason


def test_statuses_the_scenario_implies(emulator):
    service = service_for(scenario_catalog(), emulator.address)
    snap = service.refresh()
    assert snap.errors == []
    # system_lag points appear up to 4 min after sampling (the metric table, Google's 240 s):
    # the newest is 4 min old
    assert status_of(snap, "j-crit") == (Status.CRIT, "system_lag 412 s > crit 300 s, 4 min ago")
    assert status_of(snap, "j-ok", "dataflow-system-lag") == (Status.OK, "system_lag 12 s (warn above 60 s), 4 min ago")
    st, reason = status_of(snap, "j-stale", "dataflow-system-lag")
    assert st is Status.STALE and reason.startswith("system_lag: newest point 40 min old (stale after 30 min)")
    assert status_of(snap, "j-none", "dataflow-system-lag") == (Status.NO_DATA, "no data in the last 60 min")
    # ratio from grpc_code-grouped series: 60 / (940 + 60) = 6 %
    st, reason = status_of(snap, "ranker-svc")
    assert st is Status.CRIT and reason.startswith("grpc error ratio 6 % > crit 5 %")
    assert status_of(snap, "recs-api")[0] is Status.OK
    # log signal: entry counts in the window
    assert status_of(snap, "j-ok", "dataflow-error-logs")[1] == "error logs 3 entries > warn 1 in the last 15 min"
    assert status_of(snap, "j-crit", "dataflow-error-logs")[1] == "error logs 1 entry (warn above 1) in the last 15 min"
    assert snap.systems == {"pipes": Status.CRIT, "serving": Status.CRIT}
    assert snap.taken_at == NOW
    j_ok = next(s for s in snap.components["j-ok"].signals if s.name == "dataflow-system-lag")
    assert j_ok.value == 12.0 and j_ok.unit == "s" and NOW - j_ok.observed_at <= 240 + 60  # system_lag ingestion delay


def test_one_list_time_series_per_distinct_group_however_many_components(emulator):
    jobs = [job(f"job-{i:02d}", project="proj-a" if i % 2 else "proj-b") for i in range(30)]
    watermark = lag_signal(id="wm", name="watermark", metric_type="dataflow.googleapis.com/job/data_watermark_age")
    catalog = make_catalog(jobs, [lag_signal(), failed_signal(), watermark])
    groups = {(g.key.project, g.key.metric_type, g.key.aligner, g.key.reducer) for g in plan(catalog).groups}
    assert len(groups) == 6
    snap = service_for(catalog, emulator.address).refresh()
    assert emulator.calls["ListTimeSeries"] == 6 == snap.calls
    assert sum(len(c.signals) for c in snap.components.values()) == 90
    filters = [r.filter for r in emulator.requests]
    assert all("one_of(" in f for f in filters)


def test_paging_follows_next_page_token_and_maps_every_series(emulator):
    catalog = scenario_catalog()
    service = service_for(catalog, emulator.address, page_size=1)
    snap = service.refresh()
    # lag: 3 series -> 3 pages; is_failed: 2; grpc ratio: 3 (code groups); + 6 log queries... logs stay 1 each;
    # + 1: j-crit has failed since before its look-back, so one wider query dates the onset
    assert emulator.calls["ListTimeSeries"] == 3 + 2 + 3 + 1
    assert status_of(snap, "j-crit")[0] is Status.CRIT
    assert status_of(snap, "ranker-svc")[0] is Status.CRIT
    assert status_of(snap, "j-ok", "dataflow-system-lag")[0] is Status.OK
    assert snap.calls == emulator.calls["ListTimeSeries"] + emulator.calls["ListLogEntries"]


FAULTS = [
    ("PERMISSION_DENIED", "permission denied on proj-a"),
    ("RESOURCE_EXHAUSTED", "quota exhausted on proj-a"),
    ("UNAVAILABLE", "service unavailable at emulator {address}"),
    ("DEADLINE_EXCEEDED", "timed out after 1 s on proj-a"),
]


@pytest.mark.parametrize("kind,message", FAULTS, ids=[f[0] for f in FAULTS])
def test_every_injected_fault_is_an_error_status_with_the_last_value_kept(emulator, kind, message):
    message = message.format(address=emulator.address)
    service = service_for(scenario_catalog(), emulator.address, timeout=1.0, retry_deadline=0.3)
    first = service.refresh()
    assert status_of(first, "j-crit")[0] is Status.CRIT
    emulator.inject_fault("dataflow.googleapis.com/job/system_lag", kind)
    service.now = lambda: NOW + 340  # the failing refresh comes 6 minutes later
    snap = service.refresh()
    st, reason = status_of(snap, "j-crit", "dataflow-system-lag")
    assert st is Status.ERROR
    assert reason.startswith(f"query failed: {message}")
    assert reason.endswith("(last value 412 s at 14:09, 10 min old)")  # 6 min + system_lag's 4 min delay
    lag = next(s for s in snap.components["j-crit"].signals if s.name == "dataflow-system-lag")
    assert lag.value == 412.0
    # one readable line for the failed group, none for the groups that worked
    assert len(snap.errors) == 1
    assert snap.errors[0].startswith("Cloud Monitoring dataflow.googleapis.com/job/system_lag in proj-a: ")
    assert snap.errors[0].endswith(f"{message} (4 signals on 4 components)")
    assert "Traceback" not in snap.errors[0]
    assert status_of(snap, "ranker-svc")[0] is Status.CRIT  # other groups unaffected


@pytest.mark.timeout(60)  # returns with an error instead of hanging (the figure: benchmarks/bench_failures.py)
def test_a_slow_endpoint_times_out_instead_of_hanging(emulator):
    service = service_for(scenario_catalog(), emulator.address, timeout=0.5, retry_deadline=0.3)
    emulator.inject_fault("dataflow.googleapis.com/job/is_failed", "latency", ms=3000)
    snap = service.refresh()
    st, reason = status_of(snap, "j-ok", "dataflow-failed")
    assert st is Status.ERROR and reason == "query failed: timed out after 0.5 s on proj-a"


@pytest.mark.timeout(60)  # returns instead of hanging (the figure: benchmarks/bench_failures.py)
def test_a_missing_endpoint_fails_fast_with_one_message_per_group():
    catalog = scenario_catalog()
    service = service_for(catalog, dead_address())  # the default retry and timeout
    snap = service.refresh()
    assert {c.status for c in snap.components.values()} == {Status.ERROR}
    signal_plan = plan(catalog)
    assert len(snap.errors) == signal_plan.calls == 4  # 3 metric groups + 1 log batch
    assert all("service unavailable at emulator 127.0.0.1:" in e for e in snap.errors)


@pytest.mark.timeout(60)
def test_an_unreachable_endpoint_is_called_by_the_groups_in_flight_not_by_every_group():
    # 24 projects = 24 metric groups. The first UNAVAILABLE marks the endpoint down for the
    # rest of the refresh, so only the groups already in flight (two workers) spend a call
    # and its retry deadline; the other 22 fail at once with the same message.
    catalog = make_catalog([job(f"j-{i}", project=f"proj-{i}") for i in range(24)], [lag_signal()])
    address = dead_address()
    snap = service_for(catalog, address, max_concurrency=2).refresh()
    assert len(plan(catalog).groups) == 24
    assert 1 <= snap.calls <= 2
    assert {c.status for c in snap.components.values()} == {Status.ERROR}
    assert list(snap.unreachable) == [f"emulator {address}"]
    assert len(snap.errors) == 24 and all(f"service unavailable at emulator {address}" in e for e in snap.errors)


def test_a_filter_outside_the_emulators_subset_is_a_readable_error(emulator):
    catalog = scenario_catalog()
    bad = catalog.signals["dataflow-error-logs"]
    bad.log_filter = 'resource.labels.job_name="{job_name}" OR severity>=ERROR'
    snap = service_for(catalog, emulator.address).refresh()
    st, reason = status_of(snap, "j-ok", "dataflow-error-logs")
    assert st is Status.ERROR
    assert reason.startswith("query failed: query rejected on proj-a: ListLogEntries: OR is not supported")
    assert status_of(snap, "j-ok", "dataflow-system-lag")[0] is Status.OK


@pytest.mark.parametrize("creds", ["missing", "malformed"])
def test_no_credentials_is_an_error_status_not_a_traceback(monkeypatch, tmp_path, creds):
    from atlas.health.clients import make_clients
    from atlas.health.service import HealthService

    path = tmp_path / "creds.json"
    if creds == "malformed":
        path.write_text('{"type": "nonsense", "private_key": "SECRET-KEY-MATERIAL"}')
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(path))
    monkeypatch.delenv("MONITORING_EMULATOR_HOST", raising=False)
    monkeypatch.delenv("LOGGING_EMULATOR_HOST", raising=False)
    clients = make_clients({})  # ADC itself reads GOOGLE_APPLICATION_CREDENTIALS
    assert clients.monitoring is None and "no Google credentials" in clients.monitoring_problem
    snap = HealthService(scenario_catalog(), clients=clients, now=lambda: NOW).refresh()
    st, reason = status_of(snap, "j-crit", "dataflow-system-lag")
    assert st is Status.ERROR
    assert "no Google credentials" in reason and "gcloud auth application-default login" in reason
    assert "SECRET-KEY-MATERIAL" not in reason + " ".join(snap.errors)
    assert snap.calls == 0
    with pytest.raises(HealthQueryError, match="no Google credentials"):
        HealthService(scenario_catalog(), clients=clients).recent_errors("j-crit")


def test_recent_errors_newest_first_with_severity_names_messages_and_trace(emulator):
    service = service_for(scenario_catalog(), emulator.address)
    lines = service.recent_errors("j-crit")
    assert [(round(NOW - l.time), l.severity, l.message) for l in lines] == [
        (180, "CRITICAL", "worker pool exhausted"),
        (1200, "ERROR", "Workflow failed. Causes: S05:Read events failed."),
    ]
    assert lines[0].trace == "projects/proj-a/traces/0123456789abcdef0123456789abcdef"
    assert lines[1].trace == ""
    request = emulator.requests[-1]
    assert request.filter.startswith('resource.type="dataflow_step" AND resource.labels.job_name="j-crit" '
                                     'AND severity>=ERROR AND timestamp>="2026-')
    assert request.order_by == "timestamp desc"
    assert len(service.recent_errors("j-ok", limit=2)) == 2
    with pytest.raises(UnknownComponentError):
        service.recent_errors("nope")
    with pytest.raises(HealthQueryError, match="has no log filter"):
        service.recent_errors("ranker-svc")


def test_progress_reports_statuses_before_the_refresh_ends(emulator):
    service = service_for(scenario_catalog(), emulator.address)
    seen = []
    snap = service.refresh(on_progress=lambda batch: seen.append(len(batch)))
    assert sum(seen) == sum(len(c.signals) for c in snap.components.values())


def test_log_freshness_of_many_components_is_one_batched_request(emulator):
    catalog = make_catalog([model("ranker"), model("retrieval"), model("two-tower")], [model_freshness_signal()])
    snap = service_for(catalog, emulator.address).refresh()
    assert emulator.calls["ListLogEntries"] == 1 == snap.calls
    (request,) = emulator.requests
    assert request.filter.startswith('resource.type="aiplatform.googleapis.com/PipelineJob" AND '
                                     'jsonPayload.event="model_pushed" AND timestamp>="2026-09-18T14:13:20')
    assert status_of(snap, "ranker") == (Status.OK, "model age: newest 2 h old (at 12:13)")
    assert status_of(snap, "retrieval") == (Status.CRIT, "model age: newest 2.1 d old > crit 36 h (at Sep 19 12:13)")
    assert status_of(snap, "two-tower") == (Status.NO_DATA, "no data in the last 3 d")
