"""`atlas triage --at TIME`: statuses as they were at a past moment, what the on-call saw
then (the emulator answers past intervals, as Cloud Monitoring and Logging do)."""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner

from atlas.cli import cli
from tests.helpers import component, write_catalog

from .builders import NOW
from .live import start_emulator

SCENARIO = """
[scenario]
name = "triage-at"
project = "proj-a"
history = "-3h"

[[series]]   # lag broke 30 min ago
metric_type = "dataflow.googleapis.com/job/system_lag"
resource_type = "dataflow_job"
resource_labels = { job_name = "j-late" }
step = { at = "-30m", before = 10, after = 900 }

[[log]]      # a failure logged 10 min ago
resource_type = "dataflow_step"
resource_labels = { job_name = "j-late" }
severity = "ERROR"
text = "sink rejected the write"
at = "-10m"
"""

SIGNALS = [
    {"id": "dataflow-system-lag", "name": "system_lag", "kinds": ["dataflow_job"], "type": "metric",
     "metric_type": "dataflow.googleapis.com/job/system_lag", "resource_type": "dataflow_job",
     "resource_labels": ["job_name"], "aligner": "ALIGN_MAX", "reducer": "REDUCE_MAX", "window": 900,
     "unit": "s", "warn": 60, "crit": 300},
    {"id": "dataflow-errors", "name": "worker errors", "kinds": ["dataflow_job"], "type": "log",
     "log_filter": 'resource.type="dataflow_step" AND resource.labels.job_name="{job_name}" AND severity>=ERROR',
     "window": 900, "warn": 0},
]


@pytest.fixture()
def setup(tmp_path):
    emu = start_emulator(tmp_path, SCENARIO, now=time.time)
    catalog_dir = write_catalog(tmp_path, [component("j-late", kind="dataflow_job", system="pipes", owner="data-eng",
                                                     project="proj-a", labels={"job_name": "j-late"})],
                                signals=SIGNALS)
    env = {"MONITORING_EMULATOR_HOST": emu.address, "LOGGING_EMULATOR_HOST": emu.address,
           "GITHUB_TOKEN": "", "GH_TOKEN": ""}
    yield catalog_dir, env
    emu.stop()


def triage_json(catalog_dir, env, *extra):
    result = CliRunner().invoke(cli, ["triage", "--catalog", str(catalog_dir), "--json", *extra], env=env)
    return result, json.loads(result.stdout) if result.stdout.startswith("{") else None


def test_now_the_job_is_a_cause_but_an_hour_ago_nothing_was_failing(setup):
    catalog_dir, env = setup
    result, now = triage_json(catalog_dir, env)
    assert result.exit_code == 1
    assert [(c["component"], c["status"]) for c in now["causes"]] == [("j-late", "CRIT")]
    # an absolute moment, so the assertion needs no wall clock ("1h" is _parse_at's, below)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 3600))
    result, then = triage_json(catalog_dir, env, "--at", stamp)
    assert result.exit_code == 0, result.output
    assert then["causes"] == []
    assert then["at"] == stamp  # evaluated for that moment


@pytest.mark.parametrize("text,ago", [("1h", 3600), ("90m", 5400), ("2d", 2 * 86400), ("45s", 45)])
def test_an_age_is_counted_back_from_the_clock_it_is_given(text, ago):
    from atlas.commands.health import _parse_at

    assert _parse_at(text, NOW) == NOW - ago
    assert _parse_at("2026-09-21T13:13:20Z", NOW) == NOW - 3600  # ISO 8601, UTC


def test_the_log_written_after_the_moment_does_not_count(setup):
    catalog_dir, env = setup
    result = CliRunner().invoke(cli, ["health", "--catalog", str(catalog_dir), "--json"], env=env)
    assert json.loads(result.stdout)[0]["signals"][1]["value"] == 1.0  # the error, now
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 12 * 60))
    result = CliRunner().invoke(cli, ["triage", "--catalog", str(catalog_dir), "--at", stamp], env=env)
    # 12 min ago the lag had broken (30 min ago) but the error was not yet logged (10 min ago)
    assert result.stdout.startswith(f"As at {stamp}")
    assert "system_lag 900 s > crit 300 s" in result.stdout
    assert "worker errors" not in result.stdout


@pytest.mark.parametrize("bad", ["yesterday-ish", "2999-01-01T00:00Z"])
def test_a_bad_or_future_time_is_one_usage_line(setup, bad):
    catalog_dir, env = setup
    result = CliRunner().invoke(cli, ["triage", "--catalog", str(catalog_dir), "--at", bad], env=env)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"atlas: --at {bad!r}") and "Traceback" not in result.output
