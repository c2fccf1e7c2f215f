"""The emulated forge's state and its operations, free of HTTP.

One re-entrant lock guards everything: the server is threaded, and GitHub's own guarantees
(a ref update is atomic, a merge sees one head) are what clients rely on.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from datetime import datetime, timezone
from typing import Any, Callable

from .errors import ApiError, not_found, validation
from .gitstore import FILE_MODE, Signature
from .records import CommitStatus, Issue, Label, Repo, User
from .seed import SEED_DATE, Seed

_SHA = re.compile(r"^[0-9a-f]{7,40}$")


def iso(ts: float) -> str:
    return datetime.fromtimestamp(int(ts), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_label_name(name: str) -> None:
    # "name is too long (maximum is 50 characters)": github/docs#32156
    if len(name) > 50:
        raise validation("Label", "name", "custom", message="name is too long (maximum is 50 characters)")


def parse_iso(text: str) -> int:
    return int(datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp())


class ForgeState:
    def __init__(self, seed: Seed, clock: Callable[[], float] = time.time) -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self.viewer = seed.viewer
        self.users: dict[str, User] = {}
        self.repos: dict[str, Repo] = {}  # lower-cased "owner/name" -> repo
        self._ids = itertools.count(1001)
        self.user(self.viewer)
        for seed_repo in seed.repos.values():
            self._create_repo(seed_repo.owner, seed_repo.name, seed_repo.description,
                              seed_repo.default_branch, seed_repo.files)
        for repo in self.repos.values():
            for lab in seed.labels:
                repo.labels[lab.name.lower()] = Label(self.new_id(), lab.name, lab.color, lab.description)
        for si in seed.issues:
            repo = self.repos[si.repo.lower()]
            issue = self.create_issue(repo, si.title, si.body, list(si.labels), list(si.assignees),
                                      si.author, created_at=si.created_at)
            if si.state == "closed":
                issue.state, issue.closed_at, issue.state_reason = "closed", si.created_at, "completed"
        if seed.pulls:
            from .seed_pulls import materialise

            materialise(self, seed.pulls, clock())

    # -- basics ----------------------------------------------------------------------------

    def new_id(self) -> int:
        return next(self._ids)

    def now(self) -> str:
        return iso(self.clock())

    def user(self, login: str, kind: str = "User") -> User:
        key = login.lower()
        if key not in self.users:
            self.users[key] = User(login, self.new_id(), kind)
        return self.users[key]

    def repo(self, owner: str, name: str) -> Repo:
        repo = self.repos.get(f"{owner}/{name}".lower())
        if repo is None:
            raise not_found()
        return repo

    def signature(self, who: dict[str, Any] | None = None, date: str | None = None) -> Signature:
        when = (who or {}).get("date") or date or self.now()
        try:
            ts = parse_iso(when)
        except ValueError:
            raise validation("Commit", "author", message=f"invalid date {when!r}") from None
        if who and who.get("name"):
            return Signature(str(who["name"]), str(who.get("email", "")), when, ts)
        viewer = self.user(self.viewer)
        return Signature(viewer.login, viewer.email, when, ts)

    def _create_repo(self, owner: str, name: str, description: str, default_branch: str,
                     files: dict[str, bytes]) -> Repo:
        self.user(owner, "Organization")
        repo = Repo(self.new_id(), owner, name, description, default_branch, SEED_DATE, SEED_DATE)
        tree = repo.git.write_flat_tree({p: (FILE_MODE, repo.git.put_blob(d)) for p, d in files.items()})
        sig = Signature("recs-core-bot", "recs-core-bot@users.noreply.github.com", SEED_DATE,
                        parse_iso(SEED_DATE))
        sha = repo.git.put_commit(tree, [], sig, sig, "Initial import from recs-core")
        repo.refs[f"refs/heads/{default_branch}"] = sha
        self.repos[repo.full_name.lower()] = repo
        return repo

    # -- refs and commits ------------------------------------------------------------------

    def resolve(self, repo: Repo, ref: str | None) -> str:
        """A branch, tag, ``heads/x``/``refs/heads/x`` name or a (short) sha -> commit sha."""
        ref = ref or repo.default_branch
        for candidate in (ref, f"refs/{ref}", f"refs/heads/{ref}", f"refs/tags/{ref}"):
            if candidate in repo.refs:
                return repo.refs[candidate]
        if _SHA.match(ref):
            hits = [c for c in repo.git.commits if c.startswith(ref)]
            if len(hits) == 1:
                return hits[0]
        raise ApiError(404, f"No commit found for the ref {ref}")

    def commit_changes(self, repo: Repo, branch: str, changes: dict[str, bytes | None],
                       message: str, author: dict | None = None, committer: dict | None = None) -> str:
        """One commit on ``branch`` applying file writes (bytes) and deletions (None)."""
        parent = repo.branch_sha(branch)
        if parent is None:
            raise not_found(f"Branch {branch} not found")
        flat = repo.git.flatten(repo.git.commits[parent].tree)
        for path, data in changes.items():
            if data is None:
                flat.pop(path, None)
            else:
                flat[path] = (flat.get(path, (FILE_MODE, ""))[0], repo.git.put_blob(data))
        tree = repo.git.write_flat_tree(flat)
        a = self.signature(author)
        sha = repo.git.put_commit(tree, [parent], a, self.signature(committer) if committer else a, message)
        self.move_ref(repo, f"refs/heads/{branch}", sha, force=True)
        return sha

    def move_ref(self, repo: Repo, ref: str, sha: str, force: bool) -> None:
        if sha not in repo.git.commits:
            raise ApiError(422, "Object does not exist")
        old = repo.refs.get(ref)
        if old is None:
            raise ApiError(422, "Reference does not exist")
        if not force and not repo.git.is_ancestor(old, sha):
            raise ApiError(422, "Update is not a fast forward")
        repo.refs[ref] = sha
        repo.pushed_at = self.now()

    def create_ref(self, repo: Repo, ref: str, sha: str) -> None:
        if not ref.startswith("refs/") or ref.count("/") < 2:
            raise ApiError(422, "Reference name must start with 'refs/' and have at least two slashes.")
        if ref in repo.refs:
            raise ApiError(422, "Reference already exists")
        if sha not in repo.git.commits:
            raise ApiError(422, "Object does not exist")
        repo.refs[ref] = sha
        repo.pushed_at = self.now()

    def delete_ref(self, repo: Repo, ref: str) -> None:
        if ref not in repo.refs:
            raise ApiError(422, "Reference does not exist")
        if ref == f"refs/heads/{repo.default_branch}":
            raise ApiError(422, "Cannot delete the default branch")
        del repo.refs[ref]
        # GitHub closes the open pull requests whose head branch disappears.
        branch = ref.removeprefix("refs/heads/")
        for issue in repo.issues.values():
            pr = issue.pull
            if pr and issue.state == "open" and pr.head_ref == branch:
                self.close_issue(repo, issue, self.viewer)

    # -- labels and issues -----------------------------------------------------------------

    def label(self, repo: Repo, name: str, create: bool = False) -> Label:
        found = repo.labels.get(name.lower())
        if found is None:
            if not create:
                raise not_found()
            found = repo.labels[name.lower()] = Label(self.new_id(), name)
        return found

    def set_labels(self, repo: Repo, issue: Issue, names: list[str]) -> None:
        issue.labels = []
        self.add_labels(repo, issue, names)

    def add_labels(self, repo: Repo, issue: Issue, names: list[str]) -> None:
        for name in names:
            if not isinstance(name, str) or not name:
                raise validation("Label", "name", "missing_field")
            check_label_name(name)
            canonical = self.label(repo, name, create=True).name
            if canonical.lower() not in (x.lower() for x in issue.labels):
                issue.labels.append(canonical)
        issue.updated_at = self.now()

    def create_issue(self, repo: Repo, title: str, body: str, labels: list[str], assignees: list[str],
                     author: str, created_at: str | None = None, number: int | None = None) -> Issue:
        when = created_at or self.now()
        issue = Issue(number or repo.next_number(), self.new_id(), title, body or "", self.user(author).login, when, when)
        repo.issues[issue.number] = issue
        self.add_labels(repo, issue, labels)
        issue.updated_at = when
        issue.assignees = [self.user(a).login for a in assignees]
        return issue

    def issue(self, repo: Repo, number: int) -> Issue:
        found = repo.issues.get(number)
        if found is None:
            raise not_found()
        return found

    def close_issue(self, repo: Repo, issue: Issue, by: str, reason: str = "completed") -> None:
        if issue.state == "closed":
            return
        issue.state, issue.closed_at, issue.closed_by = "closed", self.now(), by
        issue.state_reason = None if issue.pull else reason
        issue.updated_at = issue.closed_at
        pr = issue.pull
        if pr and not pr.merged:
            pr.merge_base_at_close = repo.git.merge_base(pr.base_sha, pr.head_sha)

    def reopen_issue(self, repo: Repo, issue: Issue) -> None:
        if issue.pull and issue.pull.merged:
            raise validation("PullRequest", "state", message="Cannot reopen a merged pull request")
        if issue.pull and repo.branch_sha(issue.pull.head_ref) is None:
            raise validation("PullRequest", "state", message="Cannot reopen: the head branch was deleted")
        issue.state, issue.closed_at, issue.closed_by = "open", None, None
        issue.state_reason = None if issue.pull else "reopened"
        issue.updated_at = self.now()
        if issue.pull:
            issue.pull.merge_base_at_close = None

    # -- commit statuses -------------------------------------------------------------------

    def add_status(self, repo: Repo, sha: str, state: str, context: str, description: str,
                   target_url: str | None) -> CommitStatus:
        if state not in ("error", "failure", "pending", "success"):
            raise validation("Status", "state")
        status = CommitStatus(self.new_id(), sha, state, context or "default", description or "",
                              target_url, self.viewer, self.now())
        repo.statuses.append(status)
        return status

    def latest_statuses(self, repo: Repo, sha: str) -> list[CommitStatus]:
        latest: dict[str, CommitStatus] = {}
        for s in repo.statuses:
            if s.sha == sha:
                latest[s.context] = s
        return sorted(latest.values(), key=lambda s: s.context)

    def check_conclusions(self, repo: Repo, sha: str) -> dict[str, str]:
        """name -> success | failure | pending for the latest check run of each name and the
        latest commit status of each context, as branch protection reads them."""
        out: dict[str, str] = {}
        for run in sorted(repo.check_runs.values(), key=lambda r: r.id):
            if run.head_sha != sha:
                continue
            if run.status != "completed":
                out[run.name] = "pending"
            else:  # neutral and skipped count as passing for required checks
                out[run.name] = "success" if run.conclusion in ("success", "neutral", "skipped") else "failure"
        for s in self.latest_statuses(repo, sha):
            out[s.context] = {"error": "failure"}.get(s.state, s.state)
        return out

    def combined_state(self, repo: Repo, sha: str) -> str:
        states = {s.state for s in self.latest_statuses(repo, sha)}
        if states & {"error", "failure"}:
            return "failure"
        if not states or "pending" in states:
            return "pending"
        return "success"

    # -- for tests -------------------------------------------------------------------------

    def dump(self) -> dict[str, Any]:
        """A plain snapshot: repos with their refs, pull requests and issues."""
        out: dict[str, Any] = {}
        for repo in self.repos.values():
            pulls, issues = [], []
            for issue in sorted(repo.issues.values(), key=lambda i: i.number):
                entry = {"number": issue.number, "title": issue.title, "state": issue.state,
                         "labels": list(issue.labels)}
                if issue.pull:
                    pr = issue.pull
                    entry.update(head=pr.head_ref, head_sha=pr.head_sha, base=pr.base_ref,
                                 draft=pr.draft, merged=pr.merged, merge_commit_sha=pr.merge_commit_sha,
                                 body=issue.body)
                    pulls.append(entry)
                else:
                    issues.append(entry)
            out[repo.full_name] = {"default_branch": repo.default_branch, "refs": dict(repo.refs),
                                   "pulls": pulls, "issues": issues}
        return {"repos": out}
