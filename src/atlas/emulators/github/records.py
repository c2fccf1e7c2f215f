"""What the emulated forge remembers: users, repos, refs, issues, pull requests, labels, CI."""

from __future__ import annotations

from dataclasses import dataclass, field

from .gitstore import GitStore


@dataclass
class User:
    login: str
    id: int
    type: str = "User"  # or "Organization"

    @property
    def email(self) -> str:
        return f"{self.login}@users.noreply.github.com"


@dataclass
class Label:
    id: int
    name: str
    color: str = "ededed"
    description: str = ""


@dataclass
class Comment:
    id: int
    issue_number: int
    body: str
    user: str
    created_at: str
    updated_at: str


@dataclass
class Review:
    id: int
    body: str
    state: str  # APPROVED | CHANGES_REQUESTED | COMMENTED | PENDING
    user: str
    commit_id: str
    submitted_at: str | None  # None while PENDING


@dataclass
class Pull:
    head_ref: str  # branch name, no "refs/heads/"
    head_sha: str  # last known head commit; follows the branch while it exists
    base_ref: str
    base_sha: str  # the base branch's commit when last seen (frozen once closed)
    draft: bool = False
    merged: bool = False
    merged_at: str | None = None
    merged_by: str | None = None
    merge_commit_sha: str | None = None
    merge_base_at_close: str | None = None  # keeps "files changed" after merge
    requested_reviewers: list[str] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)


@dataclass
class Issue:
    """An issue, or the issue half of a pull request (they share numbers, as on GitHub)."""

    number: int
    id: int
    title: str
    body: str
    user: str
    created_at: str
    updated_at: str
    state: str = "open"
    state_reason: str | None = None
    closed_at: str | None = None
    closed_by: str | None = None
    labels: list[str] = field(default_factory=list)  # label names, in the repo's spelling
    assignees: list[str] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    pull: Pull | None = None


@dataclass
class CommitStatus:
    id: int
    sha: str
    state: str  # error | failure | pending | success
    context: str
    description: str
    target_url: str | None
    creator: str
    created_at: str


@dataclass
class CheckRun:
    id: int
    name: str
    head_sha: str
    status: str = "queued"  # queued | in_progress | completed
    conclusion: str | None = None
    details_url: str | None = None
    external_id: str | None = None
    started_at: str | None = None
    completed_at: str | None = None
    output: dict = field(default_factory=dict)


@dataclass
class Protection:
    """A branch protection rule: what GitHub requires before a pull request into it merges."""

    required_checks: list[str] = field(default_factory=list)  # status contexts / check run names
    required_approvals: int = 0


@dataclass
class Settings:
    """Repository settings that change what the API accepts (Settings > General)."""

    allow_merge_commit: bool = True
    allow_squash_merge: bool = True
    allow_rebase_merge: bool = True
    # Drafts are refused on private repos of some plans (422), see SWE-agent/SWE-agent#179.
    drafts: bool = True


@dataclass
class Repo:
    id: int
    owner: str
    name: str
    description: str
    default_branch: str
    created_at: str
    pushed_at: str
    git: GitStore = field(default_factory=GitStore)
    refs: dict[str, str] = field(default_factory=dict)  # "refs/heads/main" -> commit sha
    issues: dict[int, Issue] = field(default_factory=dict)
    labels: dict[str, Label] = field(default_factory=dict)  # lower-cased name -> label
    statuses: list[CommitStatus] = field(default_factory=list)
    check_runs: dict[int, CheckRun] = field(default_factory=dict)
    settings: Settings = field(default_factory=Settings)
    protection: dict[str, Protection] = field(default_factory=dict)  # branch -> rule

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def next_number(self) -> int:
        return max(self.issues, default=0) + 1

    def branch_sha(self, branch: str) -> str | None:
        return self.refs.get(f"refs/heads/{branch}")
