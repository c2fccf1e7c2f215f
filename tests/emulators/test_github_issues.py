"""Issues, labels, comments, paging, reviews and CI statuses as a new owner's tools see them."""

from __future__ import annotations

import pytest
from github import GithubException, InputGitTreeElement

from tests.emulators.clients import github_client


@pytest.fixture
def github_options():
    return {"per_page": 5}  # small pages, so paging shows with the seeded issues and a few PRs


def open_prs(repo, count: int) -> list[int]:
    base = repo.get_git_commit(repo.get_branch("main").commit.sha)
    numbers = []
    for i in range(count):
        tree = repo.create_git_tree([InputGitTreeElement(f"exp/{i}.txt", "100644", "blob", content=f"{i}\n")],
                                    base.tree)
        commit = repo.create_git_commit(f"exp {i}", tree, [base])
        repo.create_git_ref(f"refs/heads/exp-{i}", commit.sha)
        numbers.append(repo.create_pull(base="main", head=f"exp-{i}", title=f"exp {i}", body="").number)
    return numbers


def test_issues_by_component_label_across_the_seeded_repos(gh):
    serving = gh.get_repo("nw-recs/serving")
    ranker = serving.get_issues(state="open", labels=["component:ranker-svc"])
    titles = [i.title for i in ranker]
    assert titles and all("component:ranker-svc" in [x.name for x in i.labels] for i in ranker)
    assert "ranker-svc p99 latency over 200 ms after model reload" in titles
    bugs_and_ranker = serving.get_issues(labels=["bug", "component:ranker-svc"])
    assert {i.title for i in bugs_and_ranker} <= set(titles)
    assert serving.get_issues(labels=["component:no-such-thing"]).totalCount == 0
    label = serving.get_label("component:feature-cache")
    assert label.name == "component:feature-cache"
    assert [i.number for i in serving.get_issues(labels=[label])]


def test_issue_lifecycle_labels_comments_and_close(gh):
    repo = gh.get_repo("nw-recs/data-pipelines")
    issue = repo.create_issue("Runbook for feature-backfill", body="Write it", labels=["handover"])
    issue.add_to_labels("component:feature-backfill")  # a new label is created on the fly
    assert {x.name for x in issue.get_labels()} == {"handover", "component:feature-backfill"}
    issue.remove_from_labels("handover")
    assert [x.name for x in repo.get_issue(issue.number).labels] == ["component:feature-backfill"]
    with pytest.raises(GithubException) as err:
        issue.remove_from_labels("handover")
    assert err.value.status == 404

    issue.create_comment("Drafted in docs/runbooks")
    assert [c.body for c in issue.get_comments()] == ["Drafted in docs/runbooks"]
    issue.edit(title="Runbook: feature-backfill", state="closed")
    closed = repo.get_issue(issue.number)
    assert closed.state == "closed" and closed.title == "Runbook: feature-backfill" and closed.comments == 1
    assert issue.number not in [i.number for i in repo.get_issues(state="open")]
    assert issue.number in [i.number for i in repo.get_issues(state="closed")]


def test_repo_labels_create_get_and_duplicate(gh):
    repo = gh.get_repo("nw-recs/training")
    created = repo.create_label("exp:exp-ranker-dwell-v2", "0e8a16", "PR set of one experiment")
    assert repo.get_label("exp:exp-ranker-dwell-v2").description == "PR set of one experiment"
    assert created.color == "0e8a16"
    with pytest.raises(GithubException) as err:
        repo.create_label("exp:exp-ranker-dwell-v2", "0e8a16")
    assert err.value.status == 422 and err.value.data["errors"][0]["code"] == "already_exists"
    with pytest.raises(GithubException) as err:
        repo.get_label("missing")
    assert err.value.status == 404


def test_pull_list_pages_with_link_headers_and_filters(gh, emu):
    repo = gh.get_repo("nw-recs/training")
    numbers = open_prs(repo, 12)
    pulls = repo.get_pulls(state="open")
    assert pulls.totalCount == 12
    assert [p.number for p in pulls] == sorted(numbers, reverse=True)  # newest first, over 3 pages
    page_requests = [r for r in emu.requests if r.path.startswith("/api/v3/repos/nw-recs/training/pulls?")]
    assert any("page=3" in r.path for r in page_requests)
    assert [p.number for p in repo.get_pulls(state="open", head="nw-recs:exp-3")] == [numbers[3]]
    assert repo.get_pulls(state="open", base="no-such-base").totalCount == 0
    assert repo.get_pulls(state="closed").totalCount == 0
    # pull requests are issues too, as GitHub lists them
    issues = list(repo.get_issues(state="open"))
    assert {i.number for i in issues if i.pull_request} == set(numbers)


def test_search_finds_issues_by_repo_label_and_words(gh):
    found = gh.search_issues("dwell", repo="nw-recs/data-pipelines", label="experiment", state="open")
    assert [i.title for i in found] == ["bq_quality_checks: null-rate check on user_dwell_time_v2_7d"]
    assert gh.search_issues("", label="component:ranker-svc", type="issue").totalCount >= 2


def test_reviews_and_requested_reviewers(gh, emu, github_options):
    repo = gh.get_repo("nw-recs/serving")
    [number] = open_prs(repo, 1)
    pr = repo.get_pull(number)
    pr.create_review_request(reviewers=["rcosta", "sgupta"])
    users, _teams = pr.get_review_requests()
    assert sorted(u.login for u in users) == ["rcosta", "sgupta"]
    emu.add_user("rcosta", "ghp_rcostaTOKEN0123456789abcdefREVIEWER")
    reviewer = github_client(emu.base_url, token="ghp_rcostaTOKEN0123456789abcdefREVIEWER", **github_options)
    reviewer.get_repo("nw-recs/serving").get_pull(number).create_review(body="LGTM", event="APPROVE")
    assert [(r.state, r.body, r.user.login) for r in pr.get_reviews()] == [("APPROVED", "LGTM", "rcosta")]
    assert [u.login for u in pr.get_review_requests()[0]] == ["sgupta"]
    with pytest.raises(GithubException) as err:
        reviewer.get_repo("nw-recs/serving").get_pull(number).create_review(event="REQUEST_CHANGES")
    assert err.value.status == 422  # a body is required


def test_the_author_cannot_approve_or_request_changes_on_their_own_pull_request(gh):
    # hubtty/hubtty#33: 422 {"message": "Unprocessable Entity", "errors": ["Can not approve
    # your own pull request"]}; a plain comment review is allowed
    repo = gh.get_repo("nw-recs/serving")
    [number] = open_prs(repo, 1)
    pr = repo.get_pull(number)
    for event, verb in (("APPROVE", "approve"), ("REQUEST_CHANGES", "request changes on")):
        with pytest.raises(GithubException) as err:
            pr.create_review(body="self", event=event)
        assert err.value.status == 422 and err.value.data["errors"] == [f"Can not {verb} your own pull request"]
    pr.create_review(body="a note to myself", event="COMMENT")
    assert [r.state for r in pr.get_reviews()] == ["COMMENTED"]


def test_commit_statuses_and_check_runs_roll_up(gh):
    repo = gh.get_repo("nw-recs/serving")
    [number] = open_prs(repo, 1)
    sha = repo.get_pull(number).head.sha
    commit = repo.get_commit(sha)
    assert commit.get_combined_status().state == "pending"  # nothing reported yet
    commit.create_status("success", context="ci/unit", description="ok")
    commit.create_status("pending", context="atlas/experiment-verify")
    assert commit.get_combined_status().state == "pending"
    commit.create_status("failure", context="atlas/experiment-verify", description="serving alias missing")
    combined = commit.get_combined_status()
    assert combined.state == "failure" and combined.total_count == 2
    assert repo.get_pull(number).mergeable_state == "unstable"

    run = repo.create_check_run("lint", sha, status="completed", conclusion="success")
    assert [(r.name, r.conclusion) for r in commit.get_check_runs()] == [("lint", "success")]
    run.edit(conclusion="failure")
    assert repo.get_check_run(run.id).conclusion == "failure"
