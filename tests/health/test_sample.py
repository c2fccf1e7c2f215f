"""End to end on the bundled sample: catalog/ + scenarios/nw-recs.toml, the real clients,
the emulators over loopback. The scenario's story: the nightly training has stopped at its
trainer two nights in a row (no GPU node), so the ranker model is 57 h old (WARN); then,
3 h ago, feature-backfill failed, so features go stale; ranker-svc is fine (serving the old
model); noise elsewhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from atlas.catalog.loader import load_catalog
from atlas.cli import cli
from atlas.emulators.runner import start_all
from atlas.graph import CatalogGraph
from atlas.health.clients import make_clients
from atlas.health.model import Status
from atlas.health.service import HealthService
from atlas.health.triage import triage
from atlas.kubeflow.reader import make_reader

WORKSPACE = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sample():
    catalog = load_catalog(WORKSPACE / "catalog").catalog
    running = start_all(WORKSPACE / catalog.demo_scenario)
    service = HealthService(catalog, clients=make_clients(running.env()),
                            kubeflow_factory=lambda: make_reader(catalog, running.env()))
    try:
        yield catalog, service.refresh()
    finally:
        service.close()
        running.stop()


def test_sample_statuses_follow_the_scenario(sample):
    catalog, snap = sample
    assert catalog.demo
    assert snap.errors == []
    status = {cid: h.status for cid, h in snap.components.items()}
    assert status["feature-backfill"] is Status.CRIT
    assert status["features"].failing
    assert status["ranker-training-nightly"] is Status.CRIT  # its runs stopped at the trainer
    assert status["trainer"] is Status.CRIT
    assert status["statistics-gen"] is Status.OK and status["data-validation"] is Status.OK  # did their part
    assert status["ranker"] is Status.WARN  # last pushed ~57 h ago: older than its 36 h warn
    assert status["ranker-svc"] is Status.OK  # healthy, serving an old model
    assert status["clickstream-raw-dlq"] is Status.WARN  # unrelated noise
    # one call per distinct (project, metric, aggregation) group plus the log batches
    assert snap.calls <= 40


def test_sample_triage_puts_the_cascade_first_failure_on_top(sample):
    catalog, snap = sample
    items = triage(catalog, CatalogGraph(catalog), snap)
    top = items[0]
    assert top.component == "feature-backfill" and top.role == "cause"
    symptoms = [s.component for s in top.symptoms]
    assert symptoms[0] == "features"
    assert {"training_snapshot", "ranker-svc"} <= set(top.at_risk)
    # the nightly training began failing long before the backfill: a cause of its own,
    # earlier in time, with its failed step folded under it as part of the run
    causes = {i.component: i for i in items if i.role == "cause"}
    nightly = causes["ranker-training-nightly"]
    assert nightly.since < top.since
    assert [s.component for s in nightly.symptoms] == ["trainer", "ranker"]
    assert "trainer" not in causes and "ranker" not in causes
    assert top.owner == "feature-eng" and top.runbook == "runbooks/feature-backfill.md"
    causes = {i.component: i for i in items if i.role == "cause"}
    assert "clickstream-raw-dlq" in causes


def test_sample_triage_text_says_how_long_each_has_been_failing(sample):
    from atlas.health.report import triage_text

    catalog, snap = sample
    if snap.components["feature-backfill"].since is None:
        pytest.skip("needs onsets from the health refresh (issue 10): `since` is not set yet")
    items = triage(catalog, CatalogGraph(catalog), snap)
    text = triage_text(items, now=snap.taken_at)
    failing = [line for line in text.splitlines() if line.startswith(("1.", "2.", "3.", "     symptom"))]
    assert failing and all("failing for " in line for line in failing)
    backfill = next(line for line in failing if " feature-backfill " in line)
    assert re.search(r"failing for (2\.9|3|3\.1) h", backfill), backfill  # it failed ~3 h ago


def test_sample_cli_health_json_in_demo_mode():
    result = CliRunner().invoke(cli, ["health", "--catalog", str(WORKSPACE / "catalog"), "--json"],
                                env={"MONITORING_EMULATOR_HOST": "", "LOGGING_EMULATOR_HOST": ""})
    assert result.exit_code == 1  # something is failing: that is the demo
    assert "DEMO: using the embedded emulators" in result.stderr
    rows = json.loads(result.stdout)
    assert rows[0]["status"] == "CRIT"  # worst first, then by id
    assert {r["id"] for r in rows if r["status"] == "CRIT"} == {"feature-backfill", "ranker-training-nightly",
                                                                 "trainer"}
    assert len(rows) == len(load_catalog(WORKSPACE / "catalog").catalog.components)


def test_sample_says_since_when_feature_backfill_has_been_failing(sample):
    """The scenario's backfill failed 3 h ago: the JSON carries the onset, the TUI says "for 3 h"."""
    from atlas.tui.health_view import HealthView

    _, snap = sample
    backfill = snap.components["feature-backfill"]
    assert 3 * 3600 - 600 <= snap.taken_at - backfill.since <= 3 * 3600 + 600
    failed = next(s for s in backfill.signals if s.name == "dataflow-failed")
    assert backfill.to_json()["since"] == failed.to_json()["since"]
    assert failed.to_json()["since"].endswith("Z")
    view = HealthView()
    view.accept(snap, [])
    assert view.reason("feature-backfill").endswith("failing for 3 h")


def test_sample_triage_json_puts_the_failing_training_before_the_backfill(sample):
    """The issue's "done when": the training run behind the stale ranker is its own EARLIER
    cause (its failed step and the ranker under it), feature-backfill the cause of
    `features`, and every line says since when it has been failing."""
    catalog, snap = sample
    items = triage(catalog, CatalogGraph(catalog), snap)
    data = json.loads(json.dumps([i.to_json() for i in items]))
    causes = {c["component"]: c for c in data if c["role"] == "cause"}
    nightly, backfill = causes["ranker-training-nightly"], causes["feature-backfill"]
    assert nightly["since"] < backfill["since"]  # ISO 8601 UTC: the text order is time order
    below = {s["component"]: s for s in nightly["symptoms"]}
    assert set(below) == {"trainer", "ranker"}
    assert below["ranker"]["status"] == "WARN" and "pushed" in below["ranker"]["reason"]
    step = below["trainer"]["path"]
    assert [(h["from"], h["to"], h["relation"]) for h in step] == [("ranker-training-nightly", "trainer", "part_of")]
    assert step[0]["checks"] == {"follows_graph": "pass", "node_deviates": "pass", "upstream_onset_first": "pass"}
    assert below["ranker"]["path"][0]["relation"] == "part_of"
    assert below["ranker"]["path"][-1]["checks"]["upstream_onset_first"] == "pass"
    assert nightly["since"] <= below["trainer"]["since"] < below["ranker"]["since"] < backfill["since"]
    assert [s["component"] for s in backfill["symptoms"]] == ["features"]
    for item in [nightly, backfill, *nightly["symptoms"], *backfill["symptoms"]]:
        assert item["since"] is not None, item["component"]
