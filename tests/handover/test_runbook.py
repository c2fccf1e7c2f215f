"""`atlas runbook new` drafts: filled from the catalog with real console links, TODO where a
person must write, never over an existing file, and recorded in the catalog."""

from __future__ import annotations

from urllib.parse import quote, unquote

import pytest

from atlas.catalog.loader import load_catalog
from atlas.graph import CatalogGraph
from atlas.handover.runbook import RunbookError, RunbookExists, draft_runbook, write_runbook
from tests.handover.conftest import TODAY, load
from tests.helpers import component, team, write_catalog

LAG = {"id": "dataflow-system-lag", "name": "system lag", "kinds": ["dataflow_job"], "type": "metric",
       "metric_type": "dataflow.googleapis.com/job/system_lag", "resource_type": "dataflow_job",
       "resource_labels": ["job_name"], "unit": "s", "warn": 60, "crit": 300,
       "description": "How far behind the job is"}
LOG = {"kinds": ["dataflow_job"], "filter": 'resource.type="dataflow_step" AND resource.labels.job_name="{job_name}"'}


@pytest.fixture
def workspace(tmp_path):
    write_catalog(
        tmp_path,
        [component("events", kind="bigquery_dataset", owner="data-eng", system="pipes", runbook="runbooks/bq.md",
                   depends_on=["sessionizer"]),
         component("sessionizer", kind="dataflow_job", owner="data-eng", system="pipes", tier=1,
                   description="Sessionises clicks", labels={"job_name": "clickstream-sessionizer"},
                   handover={"previous_owner": "recs-core", "stage": "shadowing", "contact": "lena",
                             "knowledge": {"amara": "can-debug"}}),
         component("clicks", kind="pubsub_topic", owner="data-eng", system="pipes")],
        teams=[team("data-eng", chat="#data"), team("recs-core", new_owner=False)],
        people=[{"id": "amara", "name": "Amara", "team": "data-eng"},
                {"id": "lena", "name": "Lena Fischer", "team": "recs-core", "chat": "@lena"}],
        systems=[{"id": "pipes", "name": "Pipelines", "order": 1, "project": "nw-data"}],
        projects=[{"id": "nw-data"}],
        signals=[LAG], log_filters=[LOG],
    )
    (tmp_path / "catalog" / "systems" / "pipes.toml").write_text(
        (tmp_path / "catalog" / "systems" / "pipes.toml").read_text().replace(
            'depends_on = ["sessionizer"]', 'depends_on = ["sessionizer"]  # the daily tables'))
    return tmp_path


def test_the_draft_is_prefilled_from_the_catalog_with_real_links(workspace):
    catalog = load(workspace / "catalog")
    text = draft_runbook(catalog, CatalogGraph(catalog), "sessionizer", TODAY)
    assert text.startswith("# Runbook: sessionizer\n")
    assert "Sessionises clicks" in text
    assert "**Data Eng** (`data-eng`), chat #data, on-call pagerduty:data-eng" in text
    assert "- Previous owner: recs-core (stage shadowing)" in text
    assert "- Ask: Lena Fischer (`lena`), @lena" in text
    assert "- Who knows it: amara (can-debug)" in text
    assert "- `events` (bigquery_dataset, owner data-eng, runbook runbooks/bq.md)" in text  # downstream
    assert "### system lag (`dataflow-system-lag`)" in text
    assert "- Thresholds: WARN above 60 s, CRIT above 300 s" in text
    metrics = next(line for line in text.splitlines() if line.startswith("- [Metrics Explorer]("))
    url = metrics[len("- [Metrics Explorer]("):-1]
    assert url.startswith("https://console.cloud.google.com/monitoring/metrics-explorer?project=nw-data&pageState=")
    assert 'resource.labels.job_name = \\"clickstream-sessionizer\\"' in unquote(url)
    log_filter = 'resource.type="dataflow_step" AND resource.labels.job_name="clickstream-sessionizer"'
    assert f"```\n{log_filter}\n```" in text
    assert (f"- [Logs Explorer](https://console.cloud.google.com/logs/query;query={quote(log_filter, safe='')}"
            "?project=nw-data)") in text
    for section in ("## Symptoms", "## First steps", "## Known issues"):
        after = text.split(section, 1)[1].split("\n## ", 1)[0]
        assert "**TODO**" in after, section


def test_a_component_without_signals_or_logs_says_what_to_add(workspace):
    catalog = load(workspace / "catalog")
    text = draft_runbook(catalog, CatalogGraph(catalog), "clicks", TODAY)
    assert "None declared for kind pubsub_topic. **TODO**" in text
    assert "No log filter for kind pubsub_topic. **TODO**" in text
    assert "- nothing: data enters here" in text


def test_writing_creates_the_file_and_records_it_in_the_catalog_byte_for_byte(workspace):
    catalog = load(workspace / "catalog")
    toml = workspace / "catalog" / "systems" / "pipes.toml"
    before = toml.read_text()
    done = write_runbook(catalog, CatalogGraph(catalog), "sessionizer", TODAY)
    assert (done.path, done.catalog_updated) == ("runbooks/sessionizer.md", True)
    assert (workspace / "runbooks" / "sessionizer.md").read_text().startswith("# Runbook: sessionizer")
    after = toml.read_text()
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    assert added == ['runbook = "runbooks/sessionizer.md"']
    assert after.replace('runbook = "runbooks/sessionizer.md"\n', "", 1) == before  # comments and all
    reloaded = load_catalog(workspace / "catalog")
    assert reloaded.ok and reloaded.catalog.components["sessionizer"].runbook == "runbooks/sessionizer.md"


def test_it_refuses_a_component_that_has_a_runbook(workspace):
    catalog = load(workspace / "catalog")
    original = (workspace / "runbooks" / "bq.md").read_text()
    with pytest.raises(RunbookExists) as err:
        write_runbook(catalog, CatalogGraph(catalog), "events", TODAY)
    assert str(err.value) == "events already has a runbook: runbooks/bq.md"
    assert err.value.path == "runbooks/bq.md"
    assert (workspace / "runbooks" / "bq.md").read_text() == original


def test_it_never_overwrites_a_file_that_is_already_there(workspace):
    catalog = load(workspace / "catalog")
    existing = workspace / "runbooks" / "clicks.md"
    existing.write_text("hand-written notes\n")
    toml = (workspace / "catalog" / "systems" / "pipes.toml").read_text()
    with pytest.raises(RunbookExists) as err:
        write_runbook(catalog, CatalogGraph(catalog), "clicks", TODAY)
    assert "runbooks/clicks.md already exists; not overwriting it" in str(err.value)
    assert existing.read_text() == "hand-written notes\n"
    assert (workspace / "catalog" / "systems" / "pipes.toml").read_text() == toml


def test_a_declared_but_missing_runbook_is_written_at_its_declared_path(tmp_path):
    root = write_catalog(tmp_path, [component("api", owner="serving", runbook="docs/run/api.md")],
                         create_runbooks=False)
    catalog = load(root)
    toml_before = {p: p.read_bytes() for p in root.rglob("*.toml")}
    done = write_runbook(catalog, CatalogGraph(catalog), "api", TODAY)
    assert (done.path, done.catalog_updated) == ("docs/run/api.md", False)
    assert (tmp_path / "docs" / "run" / "api.md").is_file()
    assert {p: p.read_bytes() for p in root.rglob("*.toml")} == toml_before


def test_a_path_outside_the_workspace_is_refused(tmp_path):
    root = write_catalog(tmp_path / "ws", [component("api", owner="serving")])
    catalog = load(root)
    catalog.components["api"].runbook = "../outside.md"  # the loader refuses this; the writer must too
    with pytest.raises(RunbookError) as err:
        write_runbook(catalog, CatalogGraph(catalog), "api", TODAY)
    assert "outside the workspace" in str(err.value)
    assert not (tmp_path / "outside.md").exists()


def test_an_unknown_component_suggests_the_close_one(workspace):
    catalog = load(workspace / "catalog")
    with pytest.raises(RunbookError) as err:
        write_runbook(catalog, CatalogGraph(catalog), "sessionizr", TODAY)
    assert str(err.value) == "unknown component 'sessionizr' (did you mean sessionizer?)"


def test_creating_a_file_never_replaces_one_that_appeared_meanwhile(tmp_path):
    from atlas.fsutil import atomic_create_text

    target = tmp_path / "runbooks" / "x.md"
    atomic_create_text(target, "draft\n")
    with pytest.raises(FileExistsError):
        atomic_create_text(target, "second draft\n")
    assert target.read_text() == "draft\n"
    assert [p.name for p in target.parent.iterdir()] == ["x.md"]  # no temp file left
