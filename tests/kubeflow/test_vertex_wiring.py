"""The Vertex emulator started with the others from a scenario, and `atlas runs` on a
Vertex-backed recurring run through it."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from atlas.cli import cli
from atlas.emulators.runner import start_all
from atlas.services.demo import DemoSession
from tests.helpers import write_catalog

SCENARIO = Path(__file__).with_name("vertex-scenario.toml")
KUBEFLOW = '[[kubeflow]]\nid = "vx"\nkind = "vertex"\nproject = "ml"\nregion = "us-central1"\nauth = "adc"\n'


def _catalog(tmp_path):
    comps = [{"id": name, "kind": "kubeflow_recurring_run", "system": "training", "owner": "ml", "project": "ml",
              "labels": {"kubeflow": "vx", "recurring_run": name}}
             for name in ("ranker-training-vertex", "retrieval-vertex-weekly")]
    signals = [{"id": "kfp-last-run", "name": "last run", "kinds": ["kubeflow_recurring_run"], "type": "pipeline_run",
                "resource_labels": ["kubeflow", "recurring_run"], "unit": "runs", "crit": 0}]
    return write_catalog(tmp_path, comps, signals=signals, files={"kubeflow.toml": KUBEFLOW})


def test_start_all_starts_vertex_for_a_scenario_with_a_vertex_section_and_hands_out_its_variables():
    with start_all(SCENARIO) as emulators:
        env = emulators.env()
        assert env["ATLAS_VERTEX_ENDPOINT"] == emulators.vertex.endpoint
        assert env["ATLAS_VERTEX_TOKEN"] == emulators.vertex.token
        assert "KF_PIPELINES_ENDPOINT" not in env  # no [kubeflow] section: no KFP emulator
    assert emulators.vertex is None  # stopped with the others


def test_the_demo_session_gives_the_kubeflow_part_the_vertex_endpoint():
    session = DemoSession(SCENARIO)
    try:
        env = session.endpoints(["kubeflow"], {})
        assert env["ATLAS_VERTEX_ENDPOINT"].startswith("http://127.0.0.1:")
        # a user's own endpoint wins: nothing is started for the part
        assert DemoSession(SCENARIO).endpoints(["kubeflow"], {"ATLAS_VERTEX_ENDPOINT": "http://x"}) == {}
    finally:
        session.close()


def test_atlas_runs_lists_a_vertex_schedules_jobs_with_their_task_states(tmp_path):
    cat = _catalog(tmp_path)
    with start_all(SCENARIO) as emulators:
        env = emulators.env()
        result = CliRunner().invoke(cli, ["--catalog", str(cat), "runs", "ranker-training-vertex"], env=env)
        as_json = json.loads(CliRunner().invoke(cli, ["--catalog", str(cat), "runs", "ranker-training-vertex",
                                                      "--json", "--limit", "2"], env=env).stdout)
        paused = CliRunner().invoke(cli, ["--catalog", str(cat), "runs", "retrieval-vertex-weekly"], env=env)
    assert result.exit_code == 1, result.output  # the newest job failed
    lines = result.stdout.splitlines()
    assert "ranker-training-vertex on vx (ENABLED, cron TZ=UTC 0 3 * * *)" in lines[0]
    assert lines[2].split()[0] == "FAILED" and "example-gen SUCCEEDED, trainer FAILED" in lines[2]
    assert "trainer failed at" in lines[3] and "OOMKilled" in lines[3]
    assert sum(line.split()[0] == "SUCCEEDED" for line in lines[4:]) == 3
    assert "ranker-training" not in lines[2]  # the root DAG is not a step
    assert [t["state"] for t in as_json[0]["runs"][1]["tasks"]] == ["SUCCEEDED"] * 3
    assert "(DISABLED, cron 0 4 * * 1)" in paused.stdout
    assert env["ATLAS_VERTEX_TOKEN"] not in result.output + paused.output
