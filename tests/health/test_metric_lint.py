"""`atlas lint` with the metric table: the sample has no metric error; a template Google
would refuse is an error naming the file, the template and the field, with what Google accepts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from atlas.cli import cli

WORKSPACE = Path(__file__).resolve().parents[2]


def lint(catalog: Path):
    return CliRunner().invoke(cli, ["lint", "--catalog", str(catalog), "--json"], catch_exceptions=False)


def metric_problems(result) -> list[dict]:
    codes = {"aggregation-mismatch", "unknown-aligner", "unknown-reducer"}
    return [p for p in json.loads(result.output)["problems"] if p["code"] in codes]


def test_the_sample_catalog_has_no_metric_error():
    result = lint(WORKSPACE / "catalog")
    assert metric_problems(result) == []


def copy_with(tmp_path: Path, old: str, new: str) -> Path:
    root = tmp_path / "catalog"
    shutil.copytree(WORKSPACE / "catalog", root)
    signals = root / "signals.toml"
    text = signals.read_text(encoding="utf-8")
    assert old in text
    signals.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


def test_align_max_on_a_bool_metric_is_an_error_naming_file_template_and_field(tmp_path):
    root = copy_with(tmp_path, 'aligner = "ALIGN_COUNT_TRUE"', 'aligner = "ALIGN_MAX"')
    result = lint(root)
    assert result.exit_code == 1
    [problem] = metric_problems(result)
    assert problem["severity"] == "error"
    assert problem["file"].endswith("signals.toml") and problem["line"]
    assert problem["entity"] == "signal dataproc-job-error" and problem["field"] == "aligner"
    assert problem["message"] == ("ALIGN_MAX does not apply to BOOL dataproc.googleapis.com/job/state: "
                                  "use ALIGN_COUNT_TRUE or ALIGN_FRACTION_TRUE")


def test_a_misspelt_reducer_is_an_error_with_a_suggestion(tmp_path):
    root = copy_with(tmp_path, 'reducer = "REDUCE_PERCENTILE_99"', 'reducer = "REDUCE_PERCENTILE99"')
    [problem] = metric_problems(lint(root))
    assert problem["code"] == "unknown-reducer" and "REDUCE_PERCENTILE_99" in problem["hint"]


def test_mean_over_a_delta_and_a_window_inside_the_delay_are_warnings(tmp_path):
    root = copy_with(tmp_path, 'aligner = "ALIGN_RATE"           # a DELTA of CPU-seconds',
                     'aligner = "ALIGN_MEAN"           # a DELTA of CPU-seconds')
    problems = json.loads(lint(root).output)["problems"]
    mean = [p for p in problems if p["code"] == "mean-over-delta"]
    assert [p["entity"] for p in mean] == ["signal redis-main-thread-cpu"] and mean[0]["severity"] == "warning"


def test_lint_online_checks_templates_against_the_projects_descriptors(tmp_path):
    from atlas.emulators.gcp import GcpEmulator
    from atlas.emulators.scenario import load_scenario

    root = copy_with(tmp_path, 'metric_type = "dataflow.googleapis.com/job/system_lag"',
                     'metric_type = "dataflow.googleapis.com/job/system_lagg"')
    with GcpEmulator(load_scenario(WORKSPACE / "scenarios" / "nw-recs.toml")) as emu:
        env = {"MONITORING_EMULATOR_HOST": emu.address}
        clean = CliRunner().invoke(cli, ["lint", "--online", "--catalog", str(WORKSPACE / "catalog"), "--json"],
                                   env=env, catch_exceptions=False)
        typo = CliRunner().invoke(cli, ["lint", "--online", "--catalog", str(root), "--json"],
                                  env=env, catch_exceptions=False)
        described = emu.calls["ListMetricDescriptors"]
    online = {"metric-not-in-project", "online-unavailable"}
    assert [p for p in json.loads(clean.output)["problems"] if p["code"] in online] == []
    found = [p for p in json.loads(typo.output)["problems"] if p["code"] == "metric-not-in-project"]
    assert typo.exit_code == 1 and found and found[0]["entity"] == "signal dataflow-system-lag"
    assert "system_lagg has no descriptor in project nw-recs-data-prod" in found[0]["message"]
    assert described >= 3  # one per project the components live in (twice: two runs)
