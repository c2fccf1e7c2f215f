"""The forge's pull-request flow: find, open, read (with review, checks and mergeability),
edit, label, merge and close PRs, and the PRs merged since a time. A mixin of Forge (same
retry and error policy through `_call`), like the gate reads in forge_gates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from atlas.experiments.errors import ForgeError
from atlas.experiments.forge_gates import combine


@dataclass(slots=True)
class PrInfo:
    github: str
    number: int
    url: str
    state: str  # open | closed
    merged: bool
    draft: bool
    head_ref: str
    head_sha: str
    base_ref: str
    body: str = ""
    labels: list[str] = field(default_factory=list)
    review: str = ""  # approved | changes requested | pending review | ""
    checks: str = ""  # success | pending | failure | "" (check runs and commit statuses together)
    check_details: list[tuple[str, str]] = field(default_factory=list)  # (name, success|failure|pending)
    mergeable: bool | None = None  # None: GitHub has not computed it (yet)
    mergeable_state: str = ""  # clean | blocked | dirty | unstable | draft | unknown ...
    author: str = ""

    @property
    def display_state(self) -> str:
        if self.merged:
            return "merged"
        if self.state == "closed":
            return "closed"
        return "draft" if self.draft else "open"


class PullRequests:
    """Needs `_call` and `repo` from Forge, `_review` and `check_results` from GateReads."""

    def _pull(self, github: str, number: int) -> Any:
        key = (github, number)
        if key not in self._pulls:
            self._pulls[key] = self.repo(github).get_pull(number)
        return self._pulls[key]

    def _info(self, github: str, pr: Any) -> PrInfo:
        self._pulls[(github, pr.number)] = pr
        return PrInfo(
            github=github,
            number=pr.number,
            url=pr.html_url,
            state=pr.state,
            merged=bool(pr.merged),
            draft=bool(pr.draft),
            head_ref=pr.head.ref,
            head_sha=pr.head.sha,
            base_ref=pr.base.ref,
            body=pr.body or "",
            labels=[label.name for label in pr.labels],
            author=pr.user.login if pr.user else "",
        )

    def find_prs(self, github: str, branch: str, base: str | None = None) -> list[PrInfo]:
        """Every PR (open or closed) whose head is `branch`, newest first."""
        repo = self.repo(github)
        owner = github.split("/")[0]

        def listing() -> list[Any]:
            kwargs: dict[str, Any] = {"state": "all", "head": f"{owner}:{branch}"}
            if base:
                kwargs["base"] = base
            return [p for p in repo.get_pulls(**kwargs) if p.head.ref == branch]

        pulls = self._call(f"{github}: list pull requests for {branch}", listing)
        return sorted((self._info(github, p) for p in pulls), key=lambda p: -p.number)

    def create_pr(self, github: str, *, title: str, body: str, head: str, base: str, draft: bool = True) -> PrInfo:
        repo = self.repo(github)
        pr = self._call(
            f"{github}: open pull request from {head}",
            lambda: repo.create_pull(base=base, head=head, title=title, body=body, draft=draft),
        )
        return self._info(github, pr)

    def get_pr(self, github: str, number: int, *, details: bool = False) -> PrInfo:
        repo = self.repo(github)

        def read() -> Any:
            pr = repo.get_pull(number)
            pr.draft  # noqa: B018 - completes a lazy object inside the error handling
            return pr

        pr = self._call(f"{github}#{number}: read pull request", read)
        info = self._info(github, pr)
        if details:
            info.review = self._review(github, pr)
            info.check_details = self.check_results(github, info.head_sha)
            info.checks = combine(info.check_details)
            info.mergeable = pr.mergeable
            info.mergeable_state = pr.mergeable_state or ""
        return info

    def edit_body(self, github: str, number: int, body: str) -> None:
        def edit() -> None:
            self._pull(github, number).edit(body=body)

        self._call(f"{github}#{number}: edit description", edit)

    def mark_ready(self, github: str, number: int) -> None:
        def ready() -> None:
            pr = self._pull(github, number)
            if pr.draft:
                pr.mark_ready_for_review()

        self._call(f"{github}#{number}: mark ready for review", ready)

    def add_labels(self, github: str, number: int, labels: list[str]) -> None:
        self._call(f"{github}#{number}: add labels", lambda: self._pull(github, number).add_to_labels(*labels))

    def merge_pr(self, github: str, number: int, sha: str, title: str, method: str = "merge") -> str:
        """Merge only if the head is still `sha`; returns the merge commit sha."""
        repo = self.repo(github)

        def merge() -> str:
            pr = repo.get_pull(number)
            status = pr.merge(commit_title=title, merge_method=method, sha=sha)
            if not status.merged:
                raise ForgeError(f"{github}#{number}: not merged: {status.message}")
            return status.sha

        return self._call(f"{github}#{number}: merge", merge)

    def close_pr(self, github: str, number: int) -> None:
        repo = self.repo(github)
        self._call(f"{github}#{number}: close", lambda: repo.get_pull(number).edit(state="closed"))

    def merged_pulls(self, github: str, base: str, since: float, *, with_files: bool = False) -> list[dict[str, Any]]:
        """Pull requests merged into `base` at or after `since` (epoch s), newest first:
        {number, title, author, merged_at (epoch s), url, files (with_files only)}. Reads
        closed PRs by last update, newest first, and stops at the first one updated before
        `since` (a merge updates the PR, so nothing older can have merged after it)."""
        repo = self.repo(github)

        def listing() -> list[dict[str, Any]]:
            out = []
            for pr in repo.get_pulls(state="closed", sort="updated", direction="desc", base=base):
                if pr.updated_at is not None and pr.updated_at.timestamp() < since:
                    break
                merged = pr.merged_at.timestamp() if pr.merged_at is not None else None
                if merged is None or merged < since:
                    continue
                entry = {"number": pr.number, "title": pr.title, "author": pr.user.login if pr.user else "",
                         "merged_at": merged, "url": pr.html_url}
                if with_files:  # one more call per PR, only when a code path asks for it
                    entry["files"] = [f.filename for f in pr.get_files()]
                out.append(entry)
            return out

        return self._call(f"{github}: list merged pull requests", listing)
