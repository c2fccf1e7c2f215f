"""The commands that keep running: ports already taken, and Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from .conftest import ROOT, assert_clean, atlas


def test_a_taken_github_port_names_the_address(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = atlas("emulator", "--scenario", str(ROOT / "scenarios" / "nw-recs.toml"),
                       "--github-port", str(port))
    assert_clean(result, 1)
    assert result.output.strip() == f"atlas: cannot start the emulators: cannot listen on 127.0.0.1:{port} (port in use?)"


@pytest.mark.timeout(30)
def test_ctrl_c_during_health_watch_exits_cleanly():
    env = {k: v for k, v in os.environ.items() if not k.endswith("_EMULATOR_HOST")}
    proc = subprocess.Popen([sys.executable, "-m", "atlas.cli", "health", "--watch", "1"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # wait for the first refresh to be drawn (its footer goes to stderr)
        seen = ""
        deadline = time.monotonic() + 20
        while "calls in" not in seen and time.monotonic() < deadline:
            seen += proc.stderr.readline()
        assert "calls in" in seen, seen
        time.sleep(0.3)  # now inside the sleep or the next poll
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert proc.returncode in (0, 1)  # the last snapshot's verdict
    assert "feature-backfill" in out


def test_a_demo_scenario_whose_github_seed_is_missing_is_one_line(tmp_path):
    from tests.helpers import component, write_catalog

    (tmp_path / "scenario.toml").write_text(
        '[scenario]\nproject = "p"\n\n[github]\nrepos_dir = "repos"\n\n[[series]]\n'
        'metric_type = "dataflow.googleapis.com/job/is_failed"\nresource_type = "dataflow_job"\n'
        'resource_labels = { job_name = "nightly" }\nconstant = 1\n')
    root = write_catalog(tmp_path, [component("nightly", kind="dataflow_job", owner="data-eng", project="p",
                                              labels={"job_name": "nightly"})],
                         atlas={"name": "demo", "demo": True, "demo_scenario": "scenario.toml"})
    env = {"MONITORING_EMULATOR_HOST": None, "LOGGING_EMULATOR_HOST": None}
    for command in ("health", "triage"):
        result = atlas(command, "--catalog", str(root), env=env)
        assert_clean(result, 1)
        assert result.output.strip() == (f"atlas: cannot start the embedded emulators: {tmp_path}/repos: "
                                         "GitHub seed directory not found")


def test_a_scenario_that_is_not_utf8_names_the_byte(tmp_path):
    scenario = tmp_path / "scenario.toml"
    scenario.write_bytes(b'[scenario]\nproject = "caf\xe9"\n')
    result = atlas("emulator", "--scenario", str(scenario))
    assert_clean(result, 1)
    assert result.output.strip() == f"atlas: {scenario}: not UTF-8 text (byte 25); save it as UTF-8"
