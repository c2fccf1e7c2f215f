"""Failure part-way: an error injected at each request of apply in turn, rate limits on
every method, and a kill mid-run. A re-run or --rollback always ends with either the
complete, consistent set or nothing: no duplicate PRs, no orphan branches."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest

from atlas.experiments.apply import apply_experiment, rollback
from atlas.experiments.errors import ExperimentError
from atlas.experiments.workspace import ExperimentWorkspace

from .conftest import FILES, ROOT, TOKEN, make_forge, write_catalog

MID = "exp-ranker-dwell-v2"
BRANCH = f"atlas/exp/{MID}"


@pytest.fixture
def fast_tmp(tmp_path):
    return tmp_path  # on tmpfs when there is one (conftest)


def pulls_for_branch(emu):
    state = emu.state()["repos"]
    return {repo: [p for p in state[f"nw-recs/{repo}"]["pulls"] if p["head"] == BRANCH] for repo in FILES}


def branches(emu):
    state = emu.state()["repos"]
    return {repo: sorted(state[f"nw-recs/{repo}"]["refs"]) for repo in FILES}


def assert_complete(emu, ws, exact: bool = True):
    """One open PR per repo (and no other PR for the branch when `exact`; a rollback
    before leaves its closed PRs), ready, labelled, cross-linked, recorded in the manifest."""
    pulls = pulls_for_branch(emu)
    manifest = ws.load_manifest(MID)
    assert manifest.state == "open"
    for repo, prs in pulls.items():
        assert len([p for p in prs if p["state"] == "open"]) == 1, f"{repo}: {len(prs)} PRs for {BRANCH}"
        if exact:
            assert len(prs) == 1, f"{repo}: {len(prs)} PRs for {BRANCH}"
        [pr] = [p for p in prs if p["state"] == "open"]
        assert not pr["draft"]
        assert set(pr["labels"]) >= {"experiment", f"exp:{MID}"}
        assert manifest.prs[repo].number == pr["number"]
        assert manifest.prs[repo].head_sha == pr["head_sha"]
        for other in manifest.prs.values():
            assert other.url in pr["body"]
        assert f"refs/heads/{BRANCH}" in branches(emu)[repo]
        assert MID in emu.read_file(f"nw-recs/{repo}", FILES[repo], BRANCH).decode()


def assert_nothing_left(emu, ws):
    for repo, prs in pulls_for_branch(emu).items():
        assert [p for p in prs if p["state"] == "open"] == [], repo
        assert f"refs/heads/{BRANCH}" not in branches(emu)[repo], repo
    manifest = ws.load_manifest(MID)
    assert (manifest.state, manifest.prs) == ("draft", {})


def run_apply(ws, forge):
    m = ws.load_manifest(MID)
    return apply_experiment(m, ws.templates[m.template], ws.repos, forge, ws.journal(MID))


def run_rollback(ws, forge):
    m = ws.load_manifest(MID)
    return rollback(m, ws.repos, forge, ws.journal(MID))


def test_apply_request_count_is_known(emulator, fast_tmp):
    ws = ExperimentWorkspace.load(write_catalog(fast_tmp))
    run_apply(ws, make_forge(emulator))
    per_repo = {repo: sum(1 for r in emulator.requests if f"/nw-recs/{repo}/" in r.path) for repo in FILES}
    graphql = sum(1 for r in emulator.requests if r.path.endswith("/graphql"))
    # 12 REST requests per repo (2 plan reads, 6 for branch + commit, 2 for the PR, body, labels)
    # plus one GraphQL mutation per repo to mark it ready
    assert per_repo == {"data-pipelines": 12, "training": 12, "serving": 12}
    assert graphql == 3


@pytest.mark.parametrize("seed_dir", ["repos", "repos-variant"])
def test_an_error_at_each_request_then_resume_or_rollback(fast_tmp, seed_dir):
    """Request i of apply fails (a 5xx or a dropped connection, no retries); then the next
    run either resumes to the complete set (every third i, which lands in every phase:
    reads, commits, branches, PRs, bodies, ready, labels) or rolls back to nothing."""
    from atlas.emulators.github import GitHubEmulator, load_seed

    seed = load_seed(ROOT / "scenarios" / seed_dir)  # the sample, and an independent variant of it
    total = 39
    for i in range(1, total + 1):
        work = fast_tmp / f"run{i}"
        work.mkdir()
        ws = ExperimentWorkspace.load(write_catalog(work))
        emu = GitHubEmulator(seed, token=TOKEN)
        emu.start()
        try:
            emu.inject("drop" if i % 4 == 0 else "500", at=i)
            with pytest.raises(ExperimentError) as failed:
                run_apply(ws, make_forge(emu, retries=0))
            assert TOKEN not in str(failed.value)
            assert ws.journal(MID).run_status == "failed"
            if i % 3 == 1:
                run_apply(ws, make_forge(emu))
                assert_complete(emu, ws)
            else:
                run_rollback(ws, make_forge(emu))
                assert_nothing_left(emu, ws)
        finally:
            emu.stop()


@pytest.mark.parametrize("kind,method,path,wait", [
    ("secondary_rate_limit", "PATCH", r"/pulls/\d+$", 1),
    ("429", "PATCH", r"/pulls/\d+$", 1),
    ("429", "POST", r"/api/graphql$", 0),
    ("secondary_rate_limit", "POST", r"/issues/\d+/labels$", 0),
    ("502", "POST", r"/pulls$", 0),
    ("drop", "POST", r"/git/refs$", 0),
])
def test_rate_limits_and_5xx_are_retried_for_every_method(emulator, fast_tmp, kind, method, path, wait):
    ws = ExperimentWorkspace.load(write_catalog(fast_tmp))
    emulator.inject(kind, method=method, path_regex=path, retry_after=wait)
    started = time.monotonic()
    run_apply(ws, make_forge(emulator))
    elapsed = time.monotonic() - started
    assert_complete(emulator, ws)
    statuses = [r.status for r in emulator.requests if r.method == method and re.search(path, r.path.split("?")[0])]
    expected_first = {"secondary_rate_limit": 403, "429": 429, "502": 502, "drop": 0}[kind]
    assert statuses[0] == expected_first and statuses[1] in (200, 201)
    assert elapsed >= wait  # Retry-After honoured


@pytest.mark.parametrize("after", ["rerun", "rollback"])
def test_kill_part_way_then_rerun_or_rollback(emulator, tmp_path, after):
    """A real process killed mid-apply (SIGKILL while a request hangs), then resumed."""
    catalog = write_catalog(tmp_path)
    emulator.inject("slow", method="POST", path_regex=r"/training/pulls$", delay=30)
    env = {**os.environ, "GITHUB_API_URL": emulator.base_url, "GITHUB_TOKEN": TOKEN, "GH_TOKEN": ""}
    proc = subprocess.Popen(
        [sys.executable, "-m", "atlas.cli", "experiment", "apply", MID, "--catalog", str(catalog)],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while not any(r.method == "POST" and r.path.endswith("/data-pipelines/pulls") for r in emulator.requests):
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.02)
    time.sleep(0.2)  # the training PR request is now hanging in the emulator
    proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate()
    assert TOKEN.encode() not in out + err
    ws = ExperimentWorkspace.load(catalog)
    assert ws.journal(MID).run_status == "running"  # the kill left it mid-run
    if after == "rerun":
        run_apply(ws, make_forge(emulator))  # resumes: adopts the branches and the PR it made
        assert_complete(emulator, ws)
    else:
        run_rollback(ws, make_forge(emulator))
        assert_nothing_left(emulator, ws)
        run_apply(ws, make_forge(emulator))  # and a fresh apply later opens the set once
        assert_complete(emulator, ws, exact=False)
