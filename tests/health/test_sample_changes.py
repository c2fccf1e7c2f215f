"""The demo's "what changed": kwame's PR switching feature-backfill to sessions_v2 (seeded in
scenarios/repos/pulls.toml) merged 40 min before the backfill failed, read by `atlas triage`
through PyGithub from the embedded GitHub emulator. The repo's other PRs of the day are not
under the backfill's code path, or are older than the 24 h window, and are left out. And
the backfill's workers logged errors as it broke (a burst at its onset, read from the GCP
emulator's Cloud Logging); the Pub/Sub noise logged none."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from atlas.cli import cli

WORKSPACE = Path(__file__).resolve().parents[2]
DEMO_ENV = {"MONITORING_EMULATOR_HOST": "", "LOGGING_EMULATOR_HOST": "", "GITHUB_API_URL": "", "GITHUB_TOKEN": ""}


def seconds(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


@pytest.fixture(scope="module")
def triage_runs():
    runner = CliRunner()
    as_json = runner.invoke(cli, ["triage", "--catalog", str(WORKSPACE / "catalog"), "--json"], env=DEMO_ENV)
    as_text = runner.invoke(cli, ["triage", "--catalog", str(WORKSPACE / "catalog")], env=DEMO_ENV)
    return as_json, as_text


def test_triage_json_lists_kwames_pr_under_feature_backfill(triage_runs):
    result, _ = triage_runs
    assert result.exit_code == 1, result.output  # the demo is failing
    causes = {c["component"]: c for c in json.loads(result.stdout)["causes"]}
    backfill = causes["feature-backfill"]
    assert backfill["changes_note"] is None  # the lookup ran
    assert backfill["changes_scope"] == "nw-recs/data-pipelines under dataflow/feature_backfill/, 24 h before onset"
    (change,) = backfill["changes"]
    assert (change["kind"], change["repo"], change["title"], change["author"]) == (
        "pull_request", "nw-recs/data-pipelines", "feature-backfill: read dwell time from sessions_v2", "kwame")
    # merged 3 h 40 min 30 s before the emulator started; the onset is read on the minute
    # boundary at or before "-3h" of the moment Monitoring is asked, a little later
    before = seconds(backfill["since"]) - seconds(change["merged_at"])
    assert 39.5 * 60 <= before <= 41 * 60
    assert change["url"].endswith(f"/nw-recs/data-pipelines/pull/{change['number']}")
    # the same day's data-pipelines PR under dags/ is no suspect for the Pub/Sub noise either
    for noise in ("catalog-updates-df", "clickstream-raw-dlq"):
        assert causes[noise]["changes"] == [] and causes[noise]["changes_note"] is None


def test_triage_text_says_what_changed_before_the_backfill_failed(triage_runs):
    _, result = triage_runs
    assert result.exit_code == 1, result.output
    lines = [line.strip() for line in result.stdout.splitlines()]
    changed = [line for line in lines if line.startswith("changed before:")]
    assert len(changed) == 1, changed
    assert re.fullmatch(r"changed before: PR #\d+ 'feature-backfill: read dwell time from sessions_v2' "
                        r"merged (40|41) min before onset, by kwame \(nw-recs/data-pipelines\)", changed[0]), changed[0]
    # it sits under feature-backfill, the first cause
    first = next(i for i, line in enumerate(lines) if line.startswith("1. "))
    second = next(i for i, line in enumerate(lines) if line.startswith("2. "))
    assert "feature-backfill" in lines[first] and first < lines.index(changed[0]) < second


def test_triage_json_says_the_backfill_burst_into_errors_at_its_onset_and_the_noise_did_not(triage_runs):
    result, _ = triage_runs
    causes = {c["component"]: c for c in json.loads(result.stdout)["causes"]}
    backfill = causes["feature-backfill"]["errors_at_onset"]
    # scenarios/nw-recs.toml: four worker tracebacks from -3h20m, then the load error and
    # the job's own "Workflow failed" as the job gave up
    assert (backfill["verdict"], backfill["errors"], backfill["baseline_errors"]) == ("burst", 6, 0)
    assert seconds(backfill["window_start"]) < seconds(causes["feature-backfill"]["since"])
    assert "errors" not in causes["feature-backfill"]["rank_points"]  # shown, not weighed (triage.ERRORS_POINT)
    for noise in ("catalog-updates-df", "clickstream-raw-dlq"):
        assert causes[noise]["errors_at_onset"]["verdict"] == "none", causes[noise]["errors_at_onset"]


def test_triage_text_shows_the_burst_under_the_backfill(triage_runs):
    _, result = triage_runs
    lines = [line.strip() for line in result.stdout.splitlines()]
    first = next(i for i, line in enumerate(lines) if line.startswith("1. "))
    second = next(i for i, line in enumerate(lines) if line.startswith("2. "))
    (burst,) = [line for line in lines[first:second] if line.startswith("errors at onset:")]
    assert re.fullmatch(r"errors at onset: 6 error entries in the \d+ min from \d\d:\d\d \(none in the 6 h before\)",
                        burst), burst
