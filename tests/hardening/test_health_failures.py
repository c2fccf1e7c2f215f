"""`atlas health` / `triage` / `logs` when Google cannot be reached: one clear line, and an
answer rather than a hang (pytest-timeout; the seconds are in benchmarks/bench_failures.py)."""

from __future__ import annotations

import json

import pytest

from tests.helpers import component, write_catalog

from .conftest import assert_clean, atlas, closed_port

LAG = {"id": "lag", "name": "system lag", "kinds": ["dataflow_job"], "type": "metric",
       "metric_type": "dataflow.googleapis.com/job/system_lag", "resource_type": "dataflow_job",
       "resource_labels": ["job_name"], "unit": "s", "warn": 60, "crit": 300}
LOGS = [{"kinds": ["dataflow_job"], "filter": 'resource.labels.job_name="{job_name}"'}]


def real_catalog(tmp_path, n_projects: int = 1):
    """A catalog naming real projects (demo = false): atlas must use the real services."""
    comps = [component(f"job-{i}", kind="dataflow_job", owner="data-eng", project=f"proj-{i}",
                       labels={"job_name": f"job-{i}"}) for i in range(n_projects)]
    return write_catalog(tmp_path, comps, signals=[LAG], log_filters=LOGS,
                         atlas={"name": "real", "demo": False})


@pytest.mark.timeout(60)
@pytest.mark.parametrize("command", [["health"], ["triage"], ["logs", "job-0"]])
def test_no_application_default_credentials_is_one_line_with_the_fix(tmp_path, no_google, command):
    root = real_catalog(tmp_path)
    result = atlas(*command, "--catalog", str(root), env=no_google)
    assert_clean(result, 1)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("atlas: no Google credentials: Application Default Credentials were not found")
    assert "gcloud auth application-default login" in lines[0]
    assert "GOOGLE_APPLICATION_CREDENTIALS" in lines[0]


def test_a_malformed_key_file_is_named_without_python_reprs(tmp_path, no_google):
    root = real_catalog(tmp_path)
    key = tmp_path / "key.json"
    key.write_text('{"type": "service_account"}')
    result = atlas("health", "--catalog", str(root), env={**no_google, "GOOGLE_APPLICATION_CREDENTIALS": str(key)})
    assert_clean(result, 1)
    assert f"Application Default Credentials cannot be used (Failed to load service account credentials from {key}" \
        in result.output
    assert "missing fields" in result.output
    assert "MalformedError(" not in result.output and "('" not in result.output


@pytest.mark.timeout(60)
def test_an_emulator_host_nobody_listens_on_fails_fast(tmp_path, no_google):
    # 24 projects = 24 query groups: each used to wait out its own retry deadline (8 at a
    # time); now the first failure marks the endpoint down for the rest of the refresh
    # (the call count: tests/health/test_live.py; the seconds: benchmarks/bench_failures.py).
    root = real_catalog(tmp_path, n_projects=24)
    host = f"127.0.0.1:{closed_port()}"
    env = {**no_google, "MONITORING_EMULATOR_HOST": host, "LOGGING_EMULATOR_HOST": host}
    result = atlas("health", "--json", "--catalog", str(root), env=env)
    assert_clean(result, 1)
    payload = json.loads(result.stdout)
    assert len(payload) == 24
    assert {c["status"] for c in payload} == {"ERROR"}
    assert all(c["reason"] == f"query failed: service unavailable at emulator {host}" for c in payload)


def test_an_unreachable_endpoint_is_one_error_line_and_triage_does_not_say_all_clear(tmp_path, no_google):
    root = real_catalog(tmp_path, n_projects=6)
    host = f"127.0.0.1:{closed_port()}"
    env = {**no_google, "MONITORING_EMULATOR_HOST": host, "LOGGING_EMULATOR_HOST": host}
    result = atlas("triage", "--catalog", str(root), env=env)
    assert_clean(result, 1)
    assert "Nothing is failing" not in result.output
    assert "No probable cause found, but 6 components could not be checked (ERROR): the verdict is incomplete." \
        in result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: service unavailable at emulator {host}: 6 queries failed (is `atlas emulator` "
                      "running? check MONITORING_EMULATOR_HOST / LOGGING_EMULATOR_HOST)"]
