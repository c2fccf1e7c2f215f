"""What real GitHub refuses, the emulator refuses too (PyGithub over loopback): label names
over 50 characters, drafts on repos without them, disallowed merge methods, and branch
protection's required checks and approvals, each with GitHub's own words."""

from __future__ import annotations

import pytest
from github import GithubException

from .test_github_pull_flow import FEATURES, commit_files, enable_dwell_v2


def _pr(gh, draft=False):
    repo = gh.get_repo("nw-recs/data-pipelines")
    text = enable_dwell_v2(repo.get_contents(FEATURES, ref="main").decoded_content.decode())
    commit_files(repo, "exp/x", {FEATURES: text})
    return repo, repo.create_pull(base="main", head="exp/x", title="x", body="", draft=draft)


def test_label_names_longer_than_50_characters_are_refused(gh):
    repo = gh.get_repo("nw-recs/serving")
    with pytest.raises(GithubException) as err:
        repo.create_label("x" * 51, "ededed")
    assert err.value.status == 422
    assert err.value.data["errors"][0]["message"] == "name is too long (maximum is 50 characters)"
    repo.create_label("x" * 50, "ededed")  # 50 is fine
    issue = repo.create_issue("t")
    with pytest.raises(GithubException) as err:
        issue.add_to_labels("y" * 51)
    assert err.value.status == 422


def test_drafts_can_be_refused_per_repo(gh, emu):
    emu.configure("nw-recs/data-pipelines", drafts=False)
    with pytest.raises(GithubException) as err:
        _pr(gh, draft=True)
    assert err.value.status == 422 and err.value.data["message"] == "Draft pull requests are not supported in this repository."


def test_merge_methods_allowed_per_repo(gh, emu):
    emu.configure("nw-recs/data-pipelines", allow_merge_commit=False)
    repo, pr = _pr(gh)
    assert repo.allow_merge_commit is False and repo.allow_squash_merge is True
    with pytest.raises(GithubException) as err:
        pr.merge(merge_method="merge")
    assert err.value.status == 405 and err.value.data["message"] == "Merge commits are not allowed on this repository."
    assert pr.merge(merge_method="squash").merged


def test_branch_protection_requires_checks_and_approvals(gh, emu):
    emu.configure("nw-recs/data-pipelines", protect="main", required_checks=["ci"], required_approvals=1)
    repo, pr = _pr(gh)
    assert repo.get_branch("main").protected
    assert repo.get_pull(pr.number).mergeable_state == "blocked"
    with pytest.raises(GithubException) as err:
        pr.merge()
    assert err.value.status == 405 and err.value.data["message"] == 'Required status check "ci" is expected.'
    repo.create_check_run("ci", pr.head.sha, status="completed", conclusion="success")
    with pytest.raises(GithubException) as err:
        pr.merge()
    assert err.value.data["message"] == "At least 1 approving review is required by reviewers with write access."
    pr.create_review(body="looks fine to me", event="COMMENT")  # the author's own comment is no approval
    with pytest.raises(GithubException):
        pr.merge()


def test_bodies_over_65536_characters_are_refused_as_github_words_it(gh):
    # renovatebot/renovate#2032 (issue and PR body), telia-oss/github-pr-resource#259 (comment)
    repo, pr = _pr(gh)
    assert repo.get_pull(pr.number).body == ""
    with pytest.raises(GithubException) as err:
        pr.edit(body="x" * 65537)
    assert err.value.status == 422
    assert err.value.data["errors"] == [{"resource": "Issue", "code": "custom", "field": "body",
                                         "message": "body is too long (maximum is 65536 characters)"}]
    assert repo.get_pull(pr.number).body == ""  # a refused edit changes nothing
    pr.edit(body="x" * 65536)  # the limit itself is fine
    with pytest.raises(GithubException) as err:
        repo.get_issue(pr.number).create_comment("y" * 65537)
    assert err.value.status == 422 and err.value.data["errors"][0]["message"] == (
        "Body is too long (maximum is 65536 characters)")
    with pytest.raises(GithubException):
        repo.create_issue("too long", body="z" * 70000)
