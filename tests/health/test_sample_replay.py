"""A post-mortem on the bundled demo: `atlas triage --at` sees what the on-call saw then.

The scenario's story, counted back from now: the nightly training has failed since ~34 h
ago, feature-backfill failed 3 h ago, and the noise (catalog-updates-df's backlog 15 min
ago, dead letters 20 min ago, the weekly retrain disabled 40 min ago) came later. The
scheduled DAGs and queries ran on their schedules all along (pulses in the scenario), so
none of them reads "no successful run" in the past."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from atlas.cli import cli

WORKSPACE = Path(__file__).resolve().parents[2]
NOISE = {"catalog-updates-df", "clickstream-raw-dlq", "retrieval-two-tower-weekly"}
SCHEDULED = {"bq_quality_checks", "user-aggregates-hourly", "daily_feature_build", "training_snapshot",
             "item-popularity-daily"}


def replay(age: str) -> dict:
    result = CliRunner().invoke(cli, ["triage", "--catalog", str(WORKSPACE / "catalog"), "--json", "--at", age],
                                env={"MONITORING_EMULATOR_HOST": "", "LOGGING_EMULATOR_HOST": ""})
    assert result.exit_code == 1, result.output  # something was failing then too
    return json.loads(result.stdout)


def seconds(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def failing_for(item: dict, at: str) -> float:
    """Hours the item had been failing at the replayed moment."""
    return (seconds(at) - seconds(item["since"])) / 3600


def named(data: dict) -> set[str]:
    """Every component triage mentions: causes, their symptoms, the unexplained."""
    out = set()
    for item in data["causes"] + data["unexplained"]:
        out |= {item["component"], *(s["component"] for s in item.get("symptoms", []))}
    return out


@pytest.fixture(scope="module")
def two_hours_ago():
    return replay("2h")


def test_two_hours_ago_the_backfill_was_already_a_cause_failing_for_an_hour(two_hours_ago):
    data = two_hours_ago
    assert data["errors"] == []
    causes = {c["component"]: c for c in data["causes"]}
    assert set(causes) == {"feature-backfill", "ranker-training-nightly"}
    backfill, nightly = causes["feature-backfill"], causes["ranker-training-nightly"]
    assert backfill["status"] == "CRIT" and 0.8 <= failing_for(backfill, data["at"]) <= 1.2
    assert nightly["status"] == "CRIT" and 31 <= failing_for(nightly, data["at"]) <= 33
    assert {s["component"] for s in nightly["symptoms"]} == {"trainer", "ranker"}


def test_two_hours_ago_the_later_noise_and_the_scheduled_runs_are_not_findings(two_hours_ago):
    mentioned = named(two_hours_ago)
    assert not mentioned & NOISE  # it began 15-40 min ago: after that moment
    assert not mentioned & SCHEDULED  # each had its run of that hour / day, so none swallows the backfill
    assert two_hours_ago["unexplained"] == []


def test_four_hours_ago_the_backfill_had_not_failed_yet():
    data = replay("4h")
    assert [c["component"] for c in data["causes"]] == ["ranker-training-nightly"]
    assert "feature-backfill" not in named(data) and "features" not in named(data)
    assert not named(data) & (NOISE | SCHEDULED)
