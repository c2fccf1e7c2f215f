"""The journal records a step before it runs and after it ends, scrubbed of the token."""

from __future__ import annotations

import json

import pytest

from atlas.experiments.journal import Journal, journal_path
from atlas.experiments.token import Secret, remember

from .conftest import TOKEN


def test_steps_are_on_disk_before_and_after(tmp_path):
    remember(Secret(TOKEN, "test"))
    path = journal_path(tmp_path, "exp-a")
    journal = Journal.load(path, "exp-a")
    with journal.step("serving", "create-branch", "atlas/exp/exp-a"):
        on_disk = json.loads(path.read_text())
        assert on_disk["steps"][-1] == {**on_disk["steps"][-1], "step": "create-branch", "status": "started"}
    assert json.loads(path.read_text())["steps"][-1]["status"] == "done"
    with pytest.raises(RuntimeError):
        with journal.step("serving", "create-pr"):
            raise RuntimeError(f"boom with {TOKEN} inside")
    saved = path.read_text()
    assert TOKEN not in saved
    failed = json.loads(saved)["steps"][-1]
    assert (failed["status"], failed["error"]) == ("failed", "boom with [redacted] inside")
    again = Journal.load(path, "exp-a")
    assert again.started("serving", "create-pr") and not again.started("training", "create-pr")


def test_an_unreadable_journal_starts_over(tmp_path):
    path = journal_path(tmp_path, "exp-b")
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    assert Journal.load(path, "exp-b").data["steps"] == []
