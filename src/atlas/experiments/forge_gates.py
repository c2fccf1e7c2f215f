"""The forge's reads for merge gates and its conversation writes: check runs and commit
statuses together, allowed merge methods, a PR's files, open and labelled PRs, comments and
commit statuses. A mixin of Forge (same retry and error policy through `_call`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from atlas.experiments.errors import ForgeError

if TYPE_CHECKING:
    from atlas.experiments.forge_pulls import PrInfo


def combine(results: list[tuple[str, str]]) -> str:
    states = {s for _, s in results}
    if not states:
        return ""
    if "failure" in states:
        return "failure"
    return "pending" if "pending" in states else "success"



class GateReads:
    """Needs `_call`, `repo`, `_pull`, `_info` and `get_pr` from Forge."""

    def check_results(self, github: str, sha: str) -> list[tuple[str, str]]:
        """The latest check run per name and the latest commit status per context on `sha`.
        Both: GitHub Actions reports check runs only, older CI commit statuses only."""
        repo = self.repo(github)

        def read() -> list[tuple[str, str]]:
            commit = repo.get_commit(sha)
            out: dict[str, str] = {}
            for run in sorted(commit.get_check_runs(), key=lambda r: r.id):
                if run.status != "completed":
                    out[run.name] = "pending"
                else:
                    out[run.name] = "success" if run.conclusion in ("success", "neutral", "skipped") else "failure"
            combined = commit.get_combined_status()
            for s in combined.statuses:
                out[s.context] = {"error": "failure"}.get(s.state, s.state)
            return sorted(out.items())

        try:
            return self._call(f"{github}: read checks of {sha[:12]}", read)
        except ForgeError as exc:
            if exc.status == 404:
                return []
            raise

    def merge_methods(self, github: str) -> list[str]:
        """The merge methods the repo allows, in GitHub's button order."""
        repo = self.repo(github)

        def read() -> list[str]:
            allowed = [("merge", repo.allow_merge_commit), ("squash", repo.allow_squash_merge),
                       ("rebase", repo.allow_rebase_merge)]
            return [m for m, ok in allowed if ok is not False]

        return self._call(f"{github}: read merge settings", read)

    def default_branch(self, github: str) -> str:
        return self._call(f"{github}: read repository", lambda: self.repo(github).default_branch)

    def pr_files(self, github: str, number: int) -> list[str]:
        return self._call(f"{github}#{number}: list files",
                          lambda: [f.filename for f in self._pull(github, number).get_files()])

    def open_prs(self, github: str) -> list[PrInfo]:
        pulls = self._call(f"{github}: list open pull requests", lambda: list(self.repo(github).get_pulls(state="open")))
        return [self._info(github, p) for p in pulls]

    def prs_labelled(self, github: str, label: str) -> list[PrInfo]:
        """Every PR (any state) carrying `label`: finds a set when the local journal is gone."""
        def listing() -> list[int]:
            issues = self.repo(github).get_issues(state="all", labels=[label])
            return [i.number for i in issues if i.pull_request is not None]

        numbers = self._call(f"{github}: list pull requests labelled {label}", listing)
        return [self.get_pr(github, n) for n in numbers]

    def viewer_login(self) -> str | None:
        """The login this token acts as; None when GitHub will not say (a GitHub App's
        installation token cannot read /user)."""
        try:
            return self._call("read the authenticated user", lambda: self._gh.get_user().login)
        except ForgeError:
            return None

    def comments(self, github: str, number: int) -> list[tuple[int, str, str]]:
        """(id, author login, body) of the PR's conversation comments."""
        def read() -> list[tuple[int, str, str]]:
            return [(c.id, c.user.login if c.user else "", c.body or "")
                    for c in self.repo(github).get_issue(number).get_comments()]

        return self._call(f"{github}#{number}: read comments", read)

    def comment(self, github: str, number: int, body: str, *, edit_id: int | None = None) -> None:
        def write() -> None:
            issue = self.repo(github).get_issue(number)
            if edit_id is None:
                issue.create_comment(body)
            else:
                issue.get_comment(edit_id).edit(body)

        self._call(f"{github}#{number}: {'edit' if edit_id else 'add'} comment", write)

    def set_status(self, github: str, sha: str, state: str, context: str, description: str, url: str = "") -> None:
        def write() -> None:
            kwargs: dict[str, Any] = {"state": state, "context": context, "description": description[:140]}
            if url:
                kwargs["target_url"] = url
            self.repo(github).get_commit(sha).create_status(**kwargs)

        self._call(f"{github}: set status {context} on {sha[:12]}", write)

    def _review(self, github: str, pr: Any) -> str:
        reviews = self._call(f"{github}#{pr.number}: read reviews", lambda: list(pr.get_reviews()))
        latest: dict[str, str] = {}
        for r in reviews:
            if r.state in ("APPROVED", "CHANGES_REQUESTED", "DISMISSED"):
                latest[r.user.login if r.user else "?"] = r.state
        if "CHANGES_REQUESTED" in latest.values():
            return "changes requested"
        if "APPROVED" in latest.values():
            return "approved"
        return "pending review"

