"""Catalog files a user can get wrong: every one is a clear line naming file, entity and
field, and the command finishes (no hang, no traceback)."""

from __future__ import annotations

import os

import pytest

from atlas.catalog.loader import MAX_FILE_BYTES
from tests.helpers import component, write_catalog

from .conftest import assert_clean, atlas

LAG = {"id": "lag", "name": "system lag", "kinds": ["dataflow_job"], "type": "metric",
       "metric_type": "dataflow.googleapis.com/job/system_lag", "resource_type": "dataflow_job",
       "resource_labels": ["job_name"], "unit": "s", "warn": 60, "crit": 300}


def small(tmp_path, **kw):
    return write_catalog(tmp_path, [component("sessionizer", kind="dataflow_job", owner="data-eng",
                                              labels={"job_name": "sessionizer"})], **kw)


@pytest.mark.parametrize("command", [["lint"], ["health"], ["show", "x"], ["graph", "x"]])
def test_no_catalog_in_cwd_says_where_to_point_atlas(tmp_path, command):
    result = atlas(*command, cwd=tmp_path)
    assert_clean(result, 2)
    assert result.output.strip() == (
        "atlas: catalog directory catalog does not exist (run atlas in the workspace that holds "
        "catalog/, or pass --catalog DIR or set ATLAS_CATALOG)")


@pytest.mark.timeout(20)
def test_a_fifo_named_toml_is_reported_not_waited_on(tmp_path):
    root = small(tmp_path)
    os.mkfifo(root / "pipe.toml")
    result = atlas("lint", "--catalog", str(root))
    assert_clean(result, 1)
    assert "pipe.toml: not a regular file (remove it or rename it away from *.toml)" in result.output


def test_a_huge_file_is_refused_with_its_size(tmp_path):
    root = small(tmp_path)
    with open(root / "dump.toml", "wb") as fh:
        fh.write(b"#" * (MAX_FILE_BYTES + 1))
    result = atlas("lint", "--catalog", str(root))
    assert_clean(result, 1)
    assert "dump.toml: file is 16 MB; catalog files are text of at most 16 MB" in result.output


@pytest.mark.parametrize("text, shown", [("nan", "nan"), ("inf", "inf"), ("-inf", "-inf")])
def test_non_finite_thresholds_are_errors(tmp_path, text, shown):
    root = small(tmp_path, signals=[{**LAG}])
    path = root / "signals.toml"
    path.write_text(path.read_text().replace("warn = 60", f"warn = {text}"))
    result = atlas("lint", "--catalog", str(root))
    assert_clean(result, 1)
    assert f"signal lag: warn: {shown} is not a finite number" in result.output
    assert "signals.toml:" in result.output
    # and the commands that need the catalog refuse it the same way
    health = atlas("health", "--catalog", str(root))
    assert_clean(health, 1)
    assert "is not a finite number" in health.output


def test_a_runbook_that_is_a_directory_says_so(tmp_path):
    root = write_catalog(tmp_path, [component("ranker-svc", owner="ranking", runbook="runbooks/ranker.md")],
                         create_runbooks=False)
    (tmp_path / "runbooks" / "ranker.md").mkdir(parents=True)
    result = atlas("lint", "--catalog", str(root))
    assert_clean(result, 0)
    assert 'component ranker-svc: runbook: runbook "runbooks/ranker.md" is a directory, not a Markdown file' \
        in result.output


def test_inverted_thresholds_are_a_lint_warning(tmp_path):
    below = {**LAG, "id": "rows", "name": "rows written", "direction": "below", "warn": 0.5, "crit": 1}
    root = small(tmp_path, signals=[{**LAG, "warn": 600}, below])
    result = atlas("lint", "--catalog", str(root))
    assert_clean(result, 0)
    assert ("signal lag: crit: warn 600 is above crit 300: CRIT would fire before WARN (swap warn and crit)"
            in result.output)
    assert "signal rows: crit: warn 0.5 is below crit 1: for a 'below' signal CRIT would fire before WARN" \
        in result.output


def test_an_override_that_inverts_thresholds_is_named_on_the_component(tmp_path):
    comp = component("sessionizer", kind="dataflow_job", owner="data-eng", labels={"job_name": "sessionizer"},
                     signal_overrides={"lag": {"warn": 400}})
    root = write_catalog(tmp_path, [comp], signals=[LAG])
    result = atlas("lint", "--catalog", str(root))
    assert_clean(result, 0)
    assert "component sessionizer: signal_overrides.lag.crit: warn 400 is above crit 300" in result.output


def test_a_catalog_name_too_long_for_the_file_system_is_a_usage_error(tmp_path):
    name = "c" * 300
    result = atlas("lint", "--catalog", name, cwd=tmp_path)
    assert_clean(result, 2)
    assert result.output.startswith(f"atlas: catalog directory {name} cannot be read (File name too long)")


def test_a_catalog_without_components_says_so(tmp_path):
    root = write_catalog(tmp_path, [], teams=[{"id": "data-eng", "name": "Data", "oncall": "pagerduty:x"}])
    result = atlas("lint", "--catalog", str(root))
    assert_clean(result, 0)
    assert ("warning: the catalog has no components: health, triage and the graph will be empty "
            "(add [[component]] tables; see docs/catalog-format.md)") in result.output
