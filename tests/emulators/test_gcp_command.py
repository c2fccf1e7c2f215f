"""`atlas emulator` as a user runs it, `start_all`, and the demo scenario's incident."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from atlas.emulators.runner import DEMO_TOKEN, start_all, start_github

from .clients import NO_RETRY, github_client, logging_client, metric_client

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "scenarios" / "nw-recs.toml"
SMALL = """
[scenario]
project = "p"
[[series]]
metric_type = "dataflow.googleapis.com/job/is_failed"
resource_type = "dataflow_job"
resource_labels = { job_name = "nightly" }
constant = 1
"""


def newest(host: str, project: str, flt: str, *, minutes: int = 15, **aggregation) -> dict[str, float]:
    now = int(time.time())
    request = {"name": f"projects/{project}", "filter": flt,
               "interval": {"start_time": {"seconds": now - minutes * 60}, "end_time": {"seconds": now}}}
    if aggregation:
        request["aggregation"] = aggregation
    out = {}
    for ts in metric_client(host).list_time_series(request=request, retry=NO_RETRY, timeout=5):
        key = "/".join(v for k, v in sorted(ts.resource.labels.items()) if k != "project_id")
        v = ts.points[0].value
        out[key] = getattr(v, v._pb.WhichOneof("value"))
    return out


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_atlas_emulator_serves_until_stopped(tmp_path, stop_signal):
    scenario = tmp_path / "small.toml"
    scenario.write_text(SMALL)
    proc = subprocess.Popen([sys.executable, "-m", "atlas.cli", "emulator", "--scenario", str(scenario)],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        lines = []
        while not any(line.startswith("  export LOGGING_EMULATOR_HOST=") for line in lines):
            line = proc.stdout.readline()
            assert line, f"emulator exited early: {proc.stderr.read()}"
            lines.append(line)
        host = next(l.split("=", 1)[1].strip() for l in lines if "export MONITORING_EMULATOR_HOST=" in l)
        assert host.startswith("127.0.0.1:")
        assert any(f"(gRPC): {host}" in l for l in lines)
        assert newest(host, "p", 'metric.type = "dataflow.googleapis.com/job/is_failed"') == {"nightly": 1.0}
        proc.send_signal(stop_signal)
        out, err = proc.communicate(timeout=10)
        assert proc.returncode == 0 and "stopped" in out and "Traceback" not in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_atlas_emulator_without_a_scenario_says_where_it_looked(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "atlas.cli", "emulator"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=30)
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("atlas: scenarios/nw-recs.toml: scenario file not found "
                                   "(run from the workspace top level, or pass --scenario FILE)")


def test_atlas_emulator_reports_a_bad_scenario_in_one_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[series]]\nmetric_type = 'm'\nresource_type = 'r'\n")
    proc = subprocess.run([sys.executable, "-m", "atlas.cli", "emulator", "--scenario", str(bad)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"atlas: {bad}: [[series]] #1 (m): give exactly one shape: constant, values, step or pulse (found none)"


def test_atlas_emulator_on_a_taken_port_says_so(tmp_path):
    scenario = tmp_path / "small.toml"
    scenario.write_text(SMALL)
    with start_all(scenario) as running:
        port = running.monitoring_host.rsplit(":", 1)[1]
        proc = subprocess.run([sys.executable, "-m", "atlas.cli", "emulator", "--scenario", str(scenario),
                               "--port", port], cwd=tmp_path, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"atlas: cannot start the emulators: cannot listen on 127.0.0.1:{port} (port in use?)"


def test_start_all_env_points_clients_at_the_emulators(tmp_path):
    scenario = tmp_path / "small.toml"
    scenario.write_text(SMALL)
    with start_all(scenario) as running:
        env = running.env()
        assert env["MONITORING_EMULATOR_HOST"] == env["LOGGING_EMULATOR_HOST"] == running.monitoring_host
        assert "GITHUB_API_URL" not in env  # no [github] section: nothing to serve
        assert newest(env["MONITORING_EMULATOR_HOST"], "p",
                      'metric.type = "dataflow.googleapis.com/job/is_failed"') == {"nightly": 1.0}
    with pytest.raises(Exception):
        newest(running.monitoring_host, "p", 'metric.type = "dataflow.googleapis.com/job/is_failed"')


@pytest.fixture(scope="module")
def demo():
    with start_all(SAMPLE) as running:
        yield running


def test_demo_starts_github_seeded_with_the_sample_repos(demo):
    env = demo.env()
    assert env["GITHUB_API_URL"].startswith("http://127.0.0.1:") and env["GITHUB_TOKEN"] == DEMO_TOKEN
    gh = github_client(env["GITHUB_API_URL"], env["GITHUB_TOKEN"])
    repo = gh.get_repo("nw-recs/serving")
    assert b'"experiments"' in repo.get_contents("deploy/ranker-svc/experiments.json").decoded_content


def test_demo_incident_feature_backfill_failed_and_features_stopped(demo):
    host = demo.monitoring_host
    failed = newest(host, "nw-recs-data-prod", 'metric.type = "dataflow.googleapis.com/job/is_failed"',
                    alignment_period={"seconds": 60}, per_series_aligner="ALIGN_MAX",
                    cross_series_reducer="REDUCE_MAX", group_by_fields=["resource.labels.job_name"])
    assert failed == {"feature-backfill": 1, "clickstream-sessionizer": 0, "catalog-enricher": 0,
                      "training-data-export": 0}
    rows = newest(host, "nw-recs-data-prod", 'metric.type = "bigquery.googleapis.com/storage/uploaded_row_count"',
                  minutes=30, alignment_period={"seconds": 1800}, per_series_aligner="ALIGN_RATE",
                  cross_series_reducer="REDUCE_SUM", group_by_fields=["resource.labels.dataset_id"])
    # Google shows BigQuery storage points up to 6 h late: the last 30 min are empty for both,
    # which is why the sample judges `features` by its audit log, not by this metric
    assert rows == {}


def test_demo_noise_dlq_and_backlog_and_healthy_latency(demo):
    host = demo.monitoring_host
    dlq = newest(host, "nw-recs-data-prod",
                 'metric.type = "pubsub.googleapis.com/subscription/num_undelivered_messages"')
    assert dlq == {"clickstream-raw-dlq": 3}
    p99 = newest(host, "nw-recs-serving-prod", 'metric.type = "run.googleapis.com/request_latencies"',
                 alignment_period={"seconds": 300}, per_series_aligner="ALIGN_DELTA",
                 cross_series_reducer="REDUCE_PERCENTILE_99", group_by_fields=["resource.labels.service_name"])
    assert p99["explain-svc"] < 500 and p99["event-logger"] < 100  # latency noise would sit under the ranker
    age = newest(host, "nw-recs-data-prod",
                 'metric.type = "pubsub.googleapis.com/subscription/oldest_unacked_message_age"')
    assert age["catalog-updates-df"] == 420 and age["clickstream-raw-df"] < 300


def test_demo_backfill_errors_have_traces(demo):
    client = logging_client(demo.monitoring_host)
    errors = list(client.list_log_entries(request={
        "resource_names": ["projects/nw-recs-data-prod"],
        "filter": 'resource.type="dataflow_step" AND resource.labels.job_name="feature-backfill" AND severity>=ERROR'},
        retry=NO_RETRY, timeout=5))
    assert len(errors) >= 5 and all(e.trace.startswith("projects/nw-recs-data-prod/traces/") for e in errors)
    assert any("KeyError: 'dwell_time_ms'" in e.text_payload for e in errors)


def test_start_github_serves_the_repos_and_points_no_client_at_google_emulators():
    """Commands that only read GitHub (handover issues, experiment plan) skip the GCP side."""
    with start_github(SAMPLE) as running:
        env = running.env()
        assert running.gcp is None and "MONITORING_EMULATOR_HOST" not in env
        gh = github_client(env["GITHUB_API_URL"], env["GITHUB_TOKEN"])
        assert gh.get_repo("nw-recs/training").get_contents("pipelines/ranker/variants.yaml").decoded_content
