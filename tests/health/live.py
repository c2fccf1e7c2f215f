"""Shared pieces for the tests that run the real client libraries against the emulator."""

from __future__ import annotations

import socket
from pathlib import Path

from atlas.catalog.model import Component, LogFilterTemplate
from atlas.emulators.gcp import GcpEmulator
from atlas.emulators.scenario import load_scenario
from atlas.health.clients import make_clients
from atlas.health.service import HealthService

from .builders import NOW, failed_signal, grpc_error_ratio, job, lag_signal, make_catalog

DATAFLOW_LOGS = LogFilterTemplate(
    kinds=("dataflow_job",), filter='resource.type="dataflow_step" AND resource.labels.job_name="{job_name}"')

SCENARIO = """
[scenario]
name = "health-test"
project = "proj-a"

[[series]]   # j-crit: lag far over crit
metric_type = "dataflow.googleapis.com/job/system_lag"
resource_type = "dataflow_job"
resource_labels = { job_name = "j-crit" }
constant = 412

[[series]]
metric_type = "dataflow.googleapis.com/job/system_lag"
resource_type = "dataflow_job"
resource_labels = { job_name = "j-ok" }
values = [30, 25, 20, 12, 12, 12, 12, 12]  # the last 4 min are not ingested yet (240 s)

[[series]]   # went quiet 41 minutes ago
metric_type = "dataflow.googleapis.com/job/system_lag"
resource_type = "dataflow_job"
resource_labels = { job_name = "j-stale" }
constant = 5
gap = { from = "-40m" }

[[series]]
metric_type = "dataflow.googleapis.com/job/is_failed"
resource_type = "dataflow_job"
resource_labels = { job_name = "j-crit" }
value_type = "int64"
constant = 0

[[series]]
metric_type = "dataflow.googleapis.com/job/is_failed"
resource_type = "dataflow_job"
resource_labels = { job_name = "j-ok" }
value_type = "int64"
constant = 0

[[series]]
metric_type = "prometheus.googleapis.com/grpc_server_handled_total/counter"
project = "proj-b"
resource_type = "prometheus_target"
resource_labels = { cluster = "serving-prod", namespace = "recs", job = "ranker-svc" }
metric_labels = { grpc_code = "OK" }
constant = 940

[[series]]
metric_type = "prometheus.googleapis.com/grpc_server_handled_total/counter"
project = "proj-b"
resource_type = "prometheus_target"
resource_labels = { cluster = "serving-prod", namespace = "recs", job = "ranker-svc" }
metric_labels = { grpc_code = "UNAVAILABLE" }
constant = 60

[[series]]
metric_type = "prometheus.googleapis.com/grpc_server_handled_total/counter"
project = "proj-b"
resource_type = "prometheus_target"
resource_labels = { cluster = "serving-prod", namespace = "recs", job = "recs-api" }
metric_labels = { grpc_code = "OK" }
constant = 1000

[[log]]
at = "-20m"
severity = "ERROR"
resource_type = "dataflow_step"
resource_labels = { job_name = "j-crit" }
text = "Workflow failed. Causes: S05:Read events failed."

[[log]]
at = "-3m"
severity = "CRITICAL"
resource_type = "dataflow_step"
resource_labels = { job_name = "j-crit" }
json = { message = "worker pool exhausted", attempt = 3 }
trace = "0123456789abcdef0123456789abcdef"

[[log]]
at = "-1m"
severity = "INFO"
resource_type = "dataflow_step"
resource_labels = { job_name = "j-crit" }
text = "autoscaling: 4 workers"

[[log]]
at = "-10m"
severity = "ERROR"
resource_type = "dataflow_step"
resource_labels = { job_name = "j-ok" }
text = "retrying read"
repeat = 3
every = "1m"

# model pushes: ranker fresh, retrieval 50 h old, "ghost" is not in any catalog
[[log]]
at = "-2h"
severity = "INFO"
resource_type = "aiplatform.googleapis.com/PipelineJob"
json = { event = "model_pushed", model = "ranker" }

[[log]]
at = "-26h"
severity = "INFO"
resource_type = "aiplatform.googleapis.com/PipelineJob"
json = { event = "model_pushed", model = "ranker" }

[[log]]
at = "-50h"
severity = "INFO"
resource_type = "aiplatform.googleapis.com/PipelineJob"
json = { event = "model_pushed", model = "retrieval" }

[[log]]
at = "-1h"
severity = "INFO"
resource_type = "aiplatform.googleapis.com/PipelineJob"
json = { event = "model_pushed", model = "ghost" }
"""


def grpc_service(cid: str) -> Component:
    return Component(id=cid, kind="grpc_service", system="serving", owner="serving", project="proj-b",
                     labels={"cluster": "serving-prod", "namespace": "recs", "job": cid})


def error_logs_signal():
    return lag_signal(id="dataflow-error-logs", name="error logs", type="log", metric_type="", unit="",
                      log_filter='resource.type="dataflow_step" AND resource.labels.job_name="{job_name}" '
                                 'AND severity>=ERROR', warn=1, crit=10)


def model_freshness_signal():
    return lag_signal(id="model-freshness", name="model age", kinds=("model",), type="freshness", metric_type="",
                      log_filter='resource.type="aiplatform.googleapis.com/PipelineJob" AND '
                                 'jsonPayload.event="model_pushed" AND jsonPayload.model="{model}"',
                      window=3600, warn=30 * 3600, crit=36 * 3600)


def model(cid: str) -> Component:
    return Component(id=cid, kind="model", system="pipes", project="proj-a", labels={"model": cid})


def scenario_catalog():
    comps = [job("j-crit"), job("j-ok"), job("j-stale"), job("j-none"),
             grpc_service("ranker-svc"), grpc_service("recs-api")]
    return make_catalog(comps, [lag_signal(), failed_signal(), grpc_error_ratio(), error_logs_signal()],
                        log_filters=[DATAFLOW_LOGS])


def start_emulator(tmp_path: Path, text: str = SCENARIO, now=lambda: NOW) -> GcpEmulator:
    """The emulator on a scenario; its clock is frozen at NOW unless `now` says otherwise
    (the CLI runs on the real clock, so its tests pass time.time)."""
    path = tmp_path / "scenario.toml"
    path.write_text(text)
    emu = GcpEmulator(load_scenario(path), now=now)
    emu.start()
    return emu


def service_for(catalog, host: str, **kw) -> HealthService:
    client_kw = {k: kw.pop(k) for k in ("timeout", "retry_deadline") if k in kw}
    clients = make_clients({"MONITORING_EMULATOR_HOST": host, "LOGGING_EMULATOR_HOST": host}, **client_kw)
    return HealthService(catalog, clients=clients, now=lambda: NOW, **kw)


def dead_address() -> str:
    """A loopback port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{s.getsockname()[1]}"
