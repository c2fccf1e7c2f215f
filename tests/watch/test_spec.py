"""The template's watch table: read into a WatchSpec, or one line per mistake naming the
file, the template and the field (also through `atlas lint`)."""

from __future__ import annotations

import tomllib

from click.testing import CliRunner

from atlas.cli import cli
from atlas.watch.spec import parse_watch

from .conftest import SAMPLE_TEMPLATES, manifest_text, write_catalog


def sample_watch() -> dict:
    return tomllib.loads(SAMPLE_TEMPLATES.read_text())["experiment_template"][0]["watch"]


def test_the_sample_ranker_template_declares_where_the_numbers_are():
    spec, errors = parse_watch("ranker", sample_watch())
    assert errors == []
    assert spec.metric_types == ("prometheus.googleapis.com/ranker_experiment_requests_total/counter",
                                 "prometheus.googleapis.com/ranker_experiment_handling_seconds/histogram",
                                 "prometheus.googleapis.com/feature_fetcher_feature_age_seconds/gauge")
    assert (spec.experiment_label, spec.arm_label, spec.requests.served_label) == ("experiment", "arm", "model_alias")
    assert spec.resource_type == "prometheus_target" and spec.component == "ranker-svc"


def test_mistakes_are_one_line_each_naming_the_field():
    raw = sample_watch()
    raw["requests"] = {**raw["requests"], "served_label": "served_by"}
    raw["latency"] = {**raw["latency"], "metric_type": "prometheus.googleapis.com/ranker_experiment_requests_total/counter"}
    raw["srm_p"] = 2
    spec, errors = parse_watch("ranker", raw)
    assert spec is None
    assert errors == [
        "experiment_template ranker: watch.requests.metric_type: prometheus.googleapis.com/ranker_experiment_requests_total"
        "/counter has no label served_by (its labels: experiment, arm, model_alias, grpc_code, grpc_method, grpc_service)",
        "experiment_template ranker: watch.latency.metric_type: prometheus.googleapis.com/ranker_experiment_requests_total"
        "/counter is CUMULATIVE DOUBLE; this check needs CUMULATIVE DISTRIBUTION or DELTA DISTRIBUTION",
        "experiment_template ranker: watch.srm_p: must be a number from 1e-12 to 0.5",
    ]
    assert parse_watch("ranker", {}) == (None, [])  # no watch declared: nothing to say here


def test_lint_names_the_watch_field_and_a_running_manifest_without_merge_time(tmp_path):
    text = SAMPLE_TEMPLATES.read_text().replace('param = "max_p99_latency_ms"', 'param = "max_p99_ms"')
    cat = write_catalog(tmp_path, {"m": manifest_text("m", merged_hours_ago=None)}, templates=text)
    result = CliRunner().invoke(cli, ["lint", "--catalog", str(cat)])
    assert "experiment_template ranker: watch.latency.param: names parameter 'max_p99_ms', which the template " \
           "does not declare" in result.output
    assert "experiment m: merged_at: running, but the manifest does not say when the set merged" in result.output
    assert result.exit_code == 1


def test_every_pull_request_of_a_watched_template_links_to_the_watch():
    from atlas.experiments.manifest import load_manifest
    from atlas.experiments.prbody import SetMember, pr_body
    from atlas.experiments.template_parse import load_templates_file

    from .conftest import ROOT

    templates, _ = load_templates_file(SAMPLE_TEMPLATES)
    manifest = load_manifest(ROOT / "catalog" / "experiments" / "exp-ranker-dwell-v2.toml", templates)
    members = [SetMember("serving", "nw-recs/serving", "serving", 7, "http://x/7", "open")]
    body = pr_body(manifest, templates["ranker"], members, "serving")
    assert "- [ ] Once traffic flows: `atlas experiment watch exp-ranker-dwell-v2` is OK" in body


def test_merging_records_when_the_set_merged_once(tmp_path):
    from atlas.experiments.manifest import set_state

    from .conftest import NOW

    path = tmp_path / "m.toml"
    text = manifest_text("m", merged_hours_ago=None, state="open")
    path.write_text(text)
    set_state(path, "merged", merged_at=NOW)
    set_state(path, "merged", merged_at=NOW + 3600)  # a second merge run keeps the first time
    data = tomllib.loads(path.read_text())
    assert data["state"] == "merged" and data["merged_at"].isoformat() == "2026-12-03T10:00:00+00:00"
    assert path.read_text().startswith(text.splitlines()[0])  # the comment stays
