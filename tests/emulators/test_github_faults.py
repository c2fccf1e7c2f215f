"""Injected faults surface in PyGithub exactly as GitHub's own failures do.

Without retries each kind is a distinct exception; with PyGithub's GithubRetry the transient
ones are retried (honouring Retry-After) and a persistent one ends in RetryError.
"""

from __future__ import annotations

import time

import pytest
import requests
from github import Github, GithubException, GithubRetry, RateLimitExceededException

from .clients import github_client

REPO = "nw-recs/serving"


@pytest.fixture
def emulator_bugs_fail_the_test():
    return False  # as before the fixtures were shared: these tests check the faults they inject


def client(emu, retry=None) -> Github:
    return github_client(emu.base_url, retry=retry, timeout=5)


def retrying(total: int = 3) -> GithubRetry:
    return GithubRetry(total=total, backoff_factor=0)


def statuses(emu) -> list[int]:
    return [r.status for r in emu.requests]


@pytest.mark.parametrize("kind, status", [("500", 500), ("502", 502), ("503", 503)])
def test_server_errors_raise_github_exception_without_retry(emu, kind, status):
    emu.inject(kind)
    with pytest.raises(GithubException) as err:
        client(emu).get_repo(REPO)
    assert err.value.status == status
    assert client(emu).get_repo(REPO).full_name == REPO  # only once


def test_secondary_rate_limit_is_a_rate_limit_exception_with_retry_after(emu):
    emu.inject("secondary_rate_limit")
    with pytest.raises(RateLimitExceededException) as err:
        client(emu).get_repo(REPO)
    assert err.value.status == 403
    assert err.value.data["message"].startswith("You have exceeded a secondary rate limit")
    assert err.value.headers["retry-after"] == "1"


def test_429_carries_retry_after(emu):
    emu.inject("429", retry_after=2)
    with pytest.raises(GithubException) as err:
        client(emu).get_repo(REPO)
    assert err.value.status == 429 and err.value.headers["retry-after"] == "2"


def test_dropped_connection_is_a_connection_error(emu):
    emu.inject("drop")
    with pytest.raises(requests.exceptions.ConnectionError):
        client(emu).get_repo(REPO)
    assert emu.requests[-1].status == 0


def test_retry_recovers_from_one_server_error_and_gives_up_on_a_persistent_one(emu):
    emu.inject("502")
    assert client(emu, retrying()).get_repo(REPO).full_name == REPO
    assert statuses(emu) == [502, 200]
    emu.inject("500", times=10)
    with pytest.raises(requests.exceptions.RetryError):
        client(emu, retrying(total=2)).get_repo(REPO)


def test_retry_waits_out_secondary_rate_limit_and_429_using_retry_after(emu):
    emu.inject("secondary_rate_limit")
    emu.inject("429", at=2)
    started = time.monotonic()
    gh = client(emu, retrying())
    assert gh.get_repo(REPO).full_name == REPO
    assert statuses(emu) == [403, 429, 200]
    assert time.monotonic() - started >= 1.9  # Retry-After: 1, twice


def test_retry_resends_a_get_after_a_dropped_connection(emu):
    emu.inject("drop")
    assert client(emu, retrying()).get_repo(REPO).full_name == REPO
    assert statuses(emu) == [0, 200]


def test_patch_is_not_retried_by_default(emu):
    issue = client(emu, retrying()).get_repo(REPO).get_issue(1)
    emu.inject("502", method="PATCH")
    with pytest.raises(GithubException) as err:
        issue.edit(title="new")
    assert err.value.status == 502
    assert [r.status for r in emu.requests if r.method == "PATCH"] == [502]


def test_at_counts_matching_requests_from_now_and_filters_by_method_and_path(emu):
    gh = client(emu)
    emu.inject("500", at=3)
    repo = gh.get_repo(REPO)  # 1
    repo.get_branch("main")  # 2
    with pytest.raises(GithubException):
        repo.get_branch("main")  # 3
    repo.get_branch("main")

    sha = repo.get_branch("main").commit.sha
    emu.inject("502", method="POST", path_regex=r"/git/refs$", times=2)
    repo.get_git_ref("heads/main")  # a GET to refs is not affected
    for _ in range(2):
        with pytest.raises(GithubException) as err:
            repo.create_git_ref("refs/heads/exp/x", sha)
        assert err.value.status == 502
    assert repo.create_git_ref("refs/heads/exp/x", sha).ref == "refs/heads/exp/x"
    assert emu.faults.pending == []


def test_slow_answers_late_but_correctly(emu):
    emu.inject("slow", delay=0.3)
    started = time.monotonic()
    assert client(emu).get_repo(REPO).full_name == REPO
    assert time.monotonic() - started >= 0.3


def test_unknown_fault_kind_is_refused(emu):
    with pytest.raises(ValueError, match="unknown fault kind 'teapot'"):
        emu.inject("teapot")


def test_primary_rate_limit_reports_zero_remaining_and_the_reset_time(emu):
    emu.inject("rate_limit", retry_after=30)
    before = int(time.time())
    with pytest.raises(RateLimitExceededException) as err:
        client(emu).get_repo(REPO)
    after = int(time.time())
    assert err.value.data["message"].startswith("API rate limit exceeded")
    assert err.value.headers["x-ratelimit-remaining"] == "0"
    assert before + 30 <= int(err.value.headers["x-ratelimit-reset"]) <= after + 30  # epoch s, when it ends
    assert client(emu).get_repo(REPO).full_name == REPO
