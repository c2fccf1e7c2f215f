"""End to end on the bundled sample: catalog/ + scenarios/nw-recs.toml, the real clients,
the emulators over loopback. The scenario's story: feature-backfill failed, so features go
stale and the nightly training that started after it stopped at data-validation; the ranker
model is still fresh (at risk); ranker-svc is fine; noise elsewhere."""

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
    assert status["ranker-training-nightly"] is Status.CRIT  # its run stopped at data-validation
    assert status["ranker"] is Status.OK  # pushed by the previous night's run, not stale yet
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
    assert {"ranker", "ranker-svc"} <= set(top.at_risk)
    # the nightly training started after the backfill failed and stopped at data-validation;
    # the export and snapshot between them say OK, so it is a cause of its own, later in time
    causes = {i.component: i for i in items if i.role == "cause"}
    assert causes["ranker-training-nightly"].since > top.since
    assert causes["data-validation"].since > top.since
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
                                                                 "data-validation"}
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
