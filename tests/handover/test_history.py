"""Runbook facts from the workspace: the file, and its last commit in git history."""

from __future__ import annotations

import datetime as dt
import os
import subprocess

import pytest

from atlas.handover.history import inspect_runbooks
from atlas.handover.readiness import assess
from tests.handover.conftest import TODAY, load
from tests.helpers import component, write_catalog

def git(cwd, *args, date: str | None = None):
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.com", GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_SYSTEM=os.devnull)
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


@pytest.fixture
def workspace(tmp_path):
    root = write_catalog(tmp_path, [
        component("old", owner="serving", runbook="runbooks/old.md"),
        component("new", owner="serving", runbook="runbooks/new.md"),
        component("draft", owner="serving", runbook="runbooks/draft.md"),
        component("ghost", owner="serving", runbook="runbooks/ghost.md"),
    ])
    (tmp_path / "runbooks" / "ghost.md").unlink()
    return tmp_path, root


def test_commit_times_come_from_git_log_per_file(workspace):
    ws, root = workspace
    git(ws, "init", "-q")
    git(ws, "add", "runbooks/old.md")
    git(ws, "commit", "-q", "-m", "old", date="2026-03-01T12:00:00Z")
    git(ws, "add", "runbooks/new.md")
    git(ws, "commit", "-q", "-m", "new", date="2026-11-20T12:00:00Z")
    catalog = load(root)
    facts = inspect_runbooks(catalog)
    assert facts["runbooks/old.md"].committed_at == dt.datetime(2026, 3, 1, 12, tzinfo=dt.timezone.utc).timestamp()
    assert facts["runbooks/draft.md"].exists and facts["runbooks/draft.md"].committed_at is None
    assert not facts["runbooks/ghost.md"].exists

    readiness = assess(catalog, facts, TODAY)
    assert readiness["old"].rule("runbook-fresh").reason.startswith("stale: last committed 2026-03-01 (271 days ago)")
    assert readiness["new"].rule("runbook-fresh").passed
    assert readiness["draft"].rule("runbook-fresh").reason == "runbooks/draft.md never committed"
    assert readiness["ghost"].rule("runbook").reason == "runbooks/ghost.md is declared but missing"


def test_a_workspace_outside_git_reads_as_never_committed_with_the_reason(workspace):
    ws, root = workspace
    catalog = load(root)
    facts = inspect_runbooks(catalog)
    assert facts["runbooks/old.md"].committed_at is None
    assert facts["runbooks/old.md"].note == "not in a git repository"
    reason = assess(catalog, facts, TODAY)["old"].rule("runbook-fresh").reason
    assert reason == "runbooks/old.md never committed (not in a git repository)"


def test_many_runbooks_are_read_in_one_history_walk_with_the_same_answer(tmp_path, monkeypatch):
    from atlas.handover import history

    root = write_catalog(tmp_path, [component(f"c{i}", owner="serving", runbook=f"runbooks/c{i}.md")
                                    for i in range(6)])
    git(tmp_path, "init", "-q")
    for i in range(4):  # c4 and c5 stay uncommitted
        git(tmp_path, "add", f"runbooks/c{i}.md")
        git(tmp_path, "commit", "-q", "-m", f"c{i}", date=f"2026-0{i + 1}-01T00:00:00Z")
    git(tmp_path, "commit", "-q", "--allow-empty", "-m", "later")
    (tmp_path / "runbooks" / "c0.md").write_text("edited\n")
    git(tmp_path, "commit", "-q", "-am", "edit c0", date="2026-10-01T00:00:00Z")
    catalog = load(root)
    one_by_one = inspect_runbooks(catalog)
    monkeypatch.setattr(history, "BATCH_ABOVE", 1)
    batched = inspect_runbooks(catalog)
    assert batched == one_by_one
    assert batched["runbooks/c0.md"].committed_at == dt.datetime(2026, 10, 1, tzinfo=dt.timezone.utc).timestamp()
    assert batched["runbooks/c3.md"].committed_at == dt.datetime(2026, 4, 1, tzinfo=dt.timezone.utc).timestamp()
    assert batched["runbooks/c5.md"].committed_at is None


def test_runbooks_in_a_workspace_below_the_repository_root(tmp_path, monkeypatch):
    from atlas.handover import history

    ws = tmp_path / "product"
    root = write_catalog(ws, [component("a", owner="serving", runbook="runbooks/a.md"),
                              component("b", owner="serving", runbook="runbooks/b.md")])
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "all", date="2026-11-01T00:00:00Z")
    catalog = load(root)
    nov1 = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc).timestamp()
    assert inspect_runbooks(catalog)["runbooks/a.md"].committed_at == nov1
    monkeypatch.setattr(history, "BATCH_ABOVE", 0)
    assert inspect_runbooks(catalog)["runbooks/b.md"].committed_at == nov1


def test_without_git_on_path_the_reason_says_so(workspace, monkeypatch):
    ws, root = workspace
    catalog = load(root)
    monkeypatch.setenv("PATH", str(ws))  # no git here
    facts = inspect_runbooks(catalog)
    assert facts["runbooks/new.md"] == facts["runbooks/new.md"].__class__(exists=True, note="git not found")
