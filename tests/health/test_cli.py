"""`atlas health`, `atlas triage` and `atlas logs` on a catalog written to disk, against the
emulator over loopback (the same client code as against Google)."""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner

from atlas.cli import cli
from tests.helpers import component, write_catalog

from .live import SCENARIO, start_emulator

SIGNALS = [
    {"id": "dataflow-system-lag", "name": "system_lag", "kinds": ["dataflow_job"], "type": "metric",
     "metric_type": "dataflow.googleapis.com/job/system_lag", "resource_type": "dataflow_job",
     "resource_labels": ["job_name"], "aligner": "ALIGN_MAX", "reducer": "REDUCE_MAX", "window": 900,
     "unit": "s", "warn": 60, "crit": 300},
]
LOG_FILTERS = [{"kinds": ["dataflow_job"],
                "filter": 'resource.type="dataflow_step" AND resource.labels.job_name="{job_name}"'}]


def dataflow(cid, **kw):
    return component(cid, kind="dataflow_job", system="pipes", owner="data-eng", project="proj-a",
                     labels={"job_name": cid}, **kw)


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    emu = start_emulator(tmp_path_factory.mktemp("cli-scenario"), now=time.time)
    yield emu
    emu.stop()


@pytest.fixture()
def catalog_dir(tmp_path):
    comps = [dataflow("j-ok"), dataflow("j-crit", depends_on=["j-ok"], runbook="runbooks/j-crit.md"),
             dataflow("j-stale", depends_on=["j-crit"]), dataflow("j-none")]
    return write_catalog(tmp_path, comps, signals=SIGNALS, log_filters=LOG_FILTERS)


def run(args, emulator=None, env=None):
    env = dict(env or {})
    if emulator is not None:
        env.update({"MONITORING_EMULATOR_HOST": emulator.address, "LOGGING_EMULATOR_HOST": emulator.address})
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


def test_health_json_lists_every_component_worst_first_and_exits_1(emulator, catalog_dir):
    result = run(["health", "--catalog", str(catalog_dir), "--json"], emulator)
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [(c["id"], c["status"]) for c in data] == [
        ("j-crit", "CRIT"), ("j-stale", "STALE"), ("j-none", "NO_DATA"), ("j-ok", "OK")]
    sig = data[0]["signals"][0]
    assert set(sig) == {"name", "status", "value", "unit", "observed_at", "since", "reason"}
    assert (sig["name"], sig["value"], sig["unit"]) == ("dataflow-system-lag", 412.0, "s")
    assert sig["reason"].startswith("system_lag 412 s > crit 300 s")


def test_health_text_has_counts_header_and_aligned_rows(emulator, catalog_dir):
    result = run(["health", "--catalog", str(catalog_dir)], emulator)
    lines = result.stdout.splitlines()
    assert lines[0] == "4 components: 1 CRIT, 1 STALE, 1 NO_DATA, 1 OK"
    assert lines[2].startswith("CRIT     j-crit   system_lag 412 s > crit 300 s")
    assert lines[5].startswith("OK       j-ok     ")
    assert "calls in" in result.stderr


def test_health_of_one_component_lists_its_signals_and_exit_0_when_ok(emulator, catalog_dir):
    result = run(["health", "--catalog", str(catalog_dir), "--component", "j-ok"], emulator)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "1 component: 1 OK"
    assert "- OK       dataflow-system-lag: system_lag 12 s" in result.stdout
    links = result.stdout.splitlines()[-2:]
    assert links[0].startswith("dataflow-system-lag: https://console.cloud.google.com/monitoring/metrics-explorer"
                               "?project=proj-a&pageState=")
    assert links[1].startswith("logs: https://console.cloud.google.com/logs/query;query=")


def test_unknown_component_is_a_usage_error_with_a_hint(emulator, catalog_dir):
    result = run(["health", "--catalog", str(catalog_dir), "--component", "j-crt"], emulator)
    assert result.exit_code == 2
    assert result.stderr.strip() == "atlas: unknown component 'j-crt' (did you mean j-crit?)"


def test_triage_puts_the_first_failure_on_top_with_symptoms_under_it(emulator, catalog_dir):
    result = run(["triage", "--catalog", str(catalog_dir)], emulator)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "1 probable cause, 1 symptom"
    assert lines[2].startswith("1. CRIT   j-crit  failing ") and "system_lag 412 s > crit 300 s" in lines[2]
    assert "owner data-eng, on-call pagerduty:data-eng" in lines[3]
    assert "runbook runbooks/j-crit.md, blast radius 1" in lines[3]
    assert lines[4].strip() == "changes: unknown (no repo in the catalog for this component)"
    # its two errors came long after its onset (the lag has been over its line all window)
    assert lines[5].strip().startswith("errors at onset: none (no error entries in the ")
    assert lines[6].strip().startswith("symptom STALE  j-stale (1 hop down)")
    data = json.loads(run(["triage", "--catalog", str(catalog_dir), "--json"], emulator).stdout)
    assert [c["component"] for c in data["causes"]] == ["j-crit"]
    assert [s["component"] for s in data["causes"][0]["symptoms"]] == ["j-stale"]


def test_logs_shows_recent_errors_and_the_logs_explorer_link(emulator, catalog_dir):
    result = run(["logs", "j-crit", "--catalog", str(catalog_dir)], emulator)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "2 recent errors for j-crit (severity >= ERROR, newest first)"
    assert "CRITICAL worker pool exhausted  trace 0123456789abcdef0123456789abcdef" in lines[1]
    assert "ERROR    Workflow failed." in lines[2]
    assert lines[-1].startswith("Logs Explorer: https://console.cloud.google.com/logs/query;query=resource.type%3D")
    assert lines[-1].endswith("?project=proj-a")
    data = json.loads(run(["logs", "j-crit", "--catalog", str(catalog_dir), "--json", "--limit", "1"], emulator).stdout)
    assert [e["severity"] for e in data["entries"]] == ["CRITICAL"]
    assert data["entries"][0]["time"].endswith("Z")


def test_demo_catalog_starts_the_embedded_emulators(tmp_path):
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "demo.toml").write_text(SCENARIO)
    catalog_dir = write_catalog(tmp_path, [dataflow("j-crit"), dataflow("j-ok")], signals=SIGNALS,
                                log_filters=LOG_FILTERS,
                                atlas={"name": "demo", "demo": True, "demo_scenario": "scenarios/demo.toml"})
    result = run(["health", "--catalog", str(catalog_dir), "--json"])
    assert "DEMO: using the embedded emulators" in result.stderr
    assert {c["id"]: c["status"] for c in json.loads(result.stdout)}["j-ok"] == "OK"


def test_a_broken_demo_scenario_is_one_line_not_a_traceback(tmp_path):
    catalog_dir = write_catalog(tmp_path, [dataflow("j-ok")], signals=SIGNALS,
                                atlas={"name": "demo", "demo": True, "demo_scenario": "scenarios/missing.toml"})
    result = run(["health", "--catalog", str(catalog_dir)])
    assert result.exit_code == 1
    assert result.stderr.startswith("atlas: cannot start the embedded emulators: ")
    assert "scenario file not found" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["health", "triage"])
def test_a_missing_or_broken_catalog_is_one_line_before_any_query(tmp_path, command):
    missing = run([command, "--catalog", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "does not exist" in missing.stderr
    (tmp_path / "atlas.toml").write_text("name = [\n")
    broken = run([command, "--catalog", str(tmp_path)])
    assert broken.exit_code == 1 and "atlas.toml" in broken.stderr
    assert broken.stderr.splitlines()[-1] == f"atlas: 1 error in catalog {tmp_path}: fix them first (atlas lint --catalog {tmp_path})"
    assert "Traceback" not in broken.stderr and "DEMO" not in broken.stderr


def test_watch_redraws_until_ctrl_c(emulator, catalog_dir):
    import os
    import signal
    import subprocess
    import sys

    import threading

    env = dict(os.environ, MONITORING_EMULATOR_HOST=emulator.address, LOGGING_EMULATOR_HOST=emulator.address)
    proc = subprocess.Popen([sys.executable, "-m", "atlas.cli", "health", "--catalog", str(catalog_dir),
                             "--watch", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines: list[str] = []
    twice = threading.Event()  # set once two screens were drawn (however slow the machine)

    def read() -> None:
        for line in proc.stdout:
            lines.append(line)
            if sum("4 components: 1 CRIT, 1 STALE, 1 NO_DATA, 1 OK" in seen for seen in lines) >= 2:
                twice.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        twice.wait(60)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
        reader.join(10)
    err = proc.stderr.read()
    out = "".join(lines)
    assert out.count("4 components: 1 CRIT, 1 STALE, 1 NO_DATA, 1 OK") >= 2
    assert "Traceback" not in err
    assert proc.returncode == 1  # the last status: something is failing
