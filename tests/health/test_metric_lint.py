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
