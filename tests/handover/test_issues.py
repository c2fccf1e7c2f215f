"""Open bugs and improvement requests per component, read with PyGithub from the GitHub
emulator over a real loopback socket; failures are one line, never the token."""

from __future__ import annotations

import socket

import pytest
from github import Auth, Github, InputGitTreeElement

from atlas.emulators.github import GitHubEmulator, load_seed
from atlas.handover.issues import IssueRef, group_issues, fetch_issues
from tests.handover.conftest import ROOT

TOKEN = "ghp_handoverIssuesToken0001"


@pytest.fixture(scope="module")
def seed():
    return load_seed(ROOT / "scenarios" / "repos")


@pytest.fixture
def emu(seed):
    emulator = GitHubEmulator(seed, token=TOKEN)
    emulator.start()
    yield emulator
    emulator.stop()
    assert emulator.server_errors == []


def env_for(emu, token=TOKEN):
    return {"GITHUB_API_URL": emu.base_url, "GITHUB_TOKEN": token}


def test_issues_are_split_into_bugs_and_improvements_per_component(sample, emu):
    report = fetch_issues(sample, env=env_for(emu))
    assert report.ok and report.repos == ["nw-recs/data-pipelines", "nw-recs/serving", "nw-recs/training"]
    ranker = report.for_component("ranker-svc")
    assert [i.title for i in ranker.bugs] == ["ranker-svc p99 latency over 200 ms after model reload",
                                            "ranker-svc logs use slog `level`, not `severity`"]
    assert [i.title for i in ranker.improvements] == ["experiments.json: validate arm weights and aliases in CI"]
    assert ranker.bugs[0].url == "https://github.com/nw-recs/serving/issues/1"  # the catalog's repo URL
    backfill = report.for_component("feature-backfill")
    assert [i.title for i in backfill.bugs] == ["feature-backfill fails on DST change day (23h partition)"]
    assert report.for_component("catalog-enricher").improvements[0].title == "Add runbook for catalog-enricher"
    # neither bug nor enhancement: kept, not dropped
    assert [i.title for i in report.for_component("recs-admin").other] == ["Who owns recs-admin?"]
    # a component without a repo of its own still gets what other repos file for it
    assert sample.components["kfp-prod"].repo == ""
    assert report.for_component("kfp-prod").improvements[0].repo == "nw-recs/training"
    assert report.for_component("events").total == 0
    # one listing per repo, not one per component
    lists = [r for r in emu.requests if r.method == "GET" and "/issues" in r.path]
    assert len(lists) == 3


def test_only_the_requested_components_are_grouped(sample, emu):
    report = fetch_issues(sample, ["ranker-svc"], env=env_for(emu))
    assert list(report.by_component) == ["ranker-svc"]


def test_closed_issues_and_pull_requests_are_left_out(sample, emu):
    gh = Github(auth=Auth.Token(TOKEN), base_url=emu.base_url, seconds_between_requests=0,
                seconds_between_writes=0, retry=None)
    repo = gh.get_repo("nw-recs/serving")
    repo.get_issue(1).edit(state="closed")
    base = repo.get_git_commit(repo.get_branch("main").commit.sha)
    tree = repo.create_git_tree([InputGitTreeElement("x.txt", "100644", "blob", content="x\n")], base.tree)
    commit = repo.create_git_commit("x", tree, [base])
    repo.create_git_ref("refs/heads/x", commit.sha)
    pr = repo.create_pull(base="main", head="x", title="Fix ranker-svc latency", body="")
    repo.get_issue(pr.number).add_to_labels("bug", "component:ranker-svc")
    gh.close()

    titles = [i.title for i in fetch_issues(sample, env=env_for(emu)).for_component("ranker-svc").bugs]
    assert titles == ["ranker-svc logs use slog `level`, not `severity`"]


def test_unreachable_github_is_one_line_without_the_token(sample):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    report = fetch_issues(sample, env={"GITHUB_API_URL": f"http://127.0.0.1:{port}/api/v3", "GITHUB_TOKEN": TOKEN})
    assert len(report.errors) == 1
    [line] = report.errors
    assert line == f"GitHub unreachable at 127.0.0.1:{port} (connection refused): issues skipped"
    assert TOKEN not in line and "\n" not in line
    assert report.by_component == {}


def test_a_rejected_token_is_reported_once_without_echoing_it(sample, emu):
    wrong = "ghp_wrongTokenThatMustNotLeak"
    report = fetch_issues(sample, env=env_for(emu, wrong))
    assert report.errors == [f"GitHub rejected the token at {emu.base_url.split('//')[1].split('/')[0]} "
                             "(GitHub answered 401: Bad credentials): issues skipped"]
    assert wrong not in report.errors[0]


def test_server_errors_are_retried(sample, emu):
    emu.inject("502", path_regex="/repos/nw-recs/serving/issues")
    report = fetch_issues(sample, env=env_for(emu))
    assert report.ok
    assert report.for_component("ranker-svc").bugs


def test_grouping_is_pure_and_ordered_by_repo_and_number():
    issues = [IssueRef("o/b", 2, "second", "u", ("enhancement", "component:x")),
              IssueRef("o/a", 9, "first", "u", ("bug", "component:x", "component:y")),
              IssueRef("o/a", 3, "unrelated", "u", ("bug",))]
    grouped = group_issues(issues, ["x", "y", "z"])
    assert [i.title for i in grouped["x"].bugs] == ["first"]
    assert [i.title for i in grouped["x"].improvements] == ["second"]
    assert [i.title for i in grouped["y"].bugs] == ["first"]
    assert "z" not in grouped


@pytest.mark.timeout(60)  # Retry-After is an hour: waiting it out would time the test out
def test_a_rate_limit_is_not_waited_out(sample, emu):
    emu.inject("rate_limit", path_regex="/issues", retry_after=3600, times=5)
    report = fetch_issues(sample, env=env_for(emu))
    [line] = report.errors
    assert line.startswith("GitHub rate limit reached at 127.0.0.1:")
    assert line.endswith("(GitHub answered 403: API rate limit exceeded for user ID 1001): issues skipped")
