"""`atlas runs`: the last runs of a recurring run with their task states, on the sample."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from atlas.cli import cli
from atlas.emulators.kfp import KfpEmulator
from atlas.emulators.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]


def run(*args, endpoint):
    return CliRunner().invoke(cli, ["--catalog", str(ROOT / "catalog"), "runs", *args],
                              env={"KF_PIPELINES_ENDPOINT": endpoint})


def test_runs_lists_the_sample_nightly_runs_with_task_states_and_the_failure():
    with KfpEmulator(load_scenario(ROOT / "scenarios" / "nw-recs.toml").kubeflow) as emu:
        result = run("ranker-training-nightly", endpoint=emu.endpoint)
        as_json = json.loads(run("ranker-training-nightly", "--limit", "3", "--json", endpoint=emu.endpoint).stdout)
    assert result.exit_code == 1  # the newest run failed
    lines = result.stdout.splitlines()
    assert "ENABLED, cron 0 0 3 * * *" in lines[0]
    assert lines[2].split()[0] == "FAILED"
    # the two newest runs stopped at the trainer (no GPU node), the five before them succeeded
    assert "data-validation SUCCEEDED, transform SUCCEEDED, trainer FAILED" in lines[2]
    assert "trainer failed at" in lines[3] and "nvidia-l4" in lines[3]
    assert lines[4].split()[0] == "FAILED" and "trainer failed at" in lines[5]
    assert sum(line.split()[0] == "SUCCEEDED" for line in lines[6:]) == 5
    runs = as_json[0]["runs"]
    assert len(runs) == 3 and [r["state"] for r in runs] == ["FAILED", "FAILED", "SUCCEEDED"]
    assert [t["state"] for t in runs[0]["tasks"]] == ["SUCCEEDED"] * 4 + ["FAILED"]


def test_runs_of_a_pipeline_lists_each_recurring_run_that_uses_it():
    with KfpEmulator(load_scenario(ROOT / "scenarios" / "nw-recs.toml").kubeflow) as emu:
        result = run("ranker-training", "--limit", "1", endpoint=emu.endpoint)
    assert "recurring run ranker-training-nightly" in result.stdout
    assert "recurring run retrieval-two-tower-weekly on kfp-prod (DISABLED" in result.stdout


def test_runs_of_something_else_is_a_usage_error_in_one_line():
    result = run("ranker", endpoint="http://127.0.0.1:9")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == ["atlas: ranker is a model, not a kubeflow_recurring_run or kubeflow_pipeline"]


def test_runs_json_gives_times_in_iso_8601_utc():
    with KfpEmulator(load_scenario(ROOT / "scenarios" / "nw-recs.toml").kubeflow) as emu:
        rows = json.loads(run("ranker-training-nightly", "--limit", "1", "--json", endpoint=emu.endpoint).stdout)
    newest = rows[0]["runs"][0]
    assert newest["created_at"].endswith("Z") and "T" in newest["created_at"]
    assert rows[0]["enabled"] is True and rows[0]["cron"] == "0 0 3 * * *"
