"""JSON shapes of GitHub's REST API, every url absolute and pointing back at this server.

PyGithub builds follow-up requests from the ``url`` fields it receives, so they must name the
emulator's own host and port (and the ``/api/v3`` prefix), never api.github.com.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

from . import pulls
from .gitstore import GitCommit, Signature
from .records import CheckRun, Comment, CommitStatus, Issue, Label, Repo, Review, User
from .state import ForgeState


def node_id(kind: str, key: str) -> str:
    return f"{kind}_" + base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def decode_node_id(value: str) -> tuple[str, str] | None:
    kind, sep, rest = value.partition("_")
    if not sep:
        return None
    try:
        return kind, base64.urlsafe_b64decode(rest + "=" * (-len(rest) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None


class Renderer:
    def __init__(self, state: ForgeState, origin: str) -> None:
        self.state = state
        self.origin = origin  # "http://127.0.0.1:PORT"
        self.api = origin + "/api/v3"

    # -- urls ------------------------------------------------------------------------------

    def repo_url(self, repo: Repo) -> str:
        return f"{self.api}/repos/{repo.full_name}"

    def repo_html(self, repo: Repo) -> str:
        return f"{self.origin}/{repo.full_name}"

    # -- people ----------------------------------------------------------------------------

    def user(self, login: str | User | None) -> dict[str, Any] | None:
        if login is None:
            return None
        u = login if isinstance(login, User) else self.state.user(login)
        base = f"{self.api}/{'orgs' if u.type == 'Organization' else 'users'}/{u.login}"
        return {"login": u.login, "id": u.id, "node_id": node_id("U", u.login), "type": u.type,
                "url": base, "html_url": f"{self.origin}/{u.login}",
                "avatar_url": f"{self.origin}/avatars/{u.login}", "site_admin": False,
                "repos_url": f"{base}/repos"}

    # -- repos -----------------------------------------------------------------------------

    def repo(self, repo: Repo) -> dict[str, Any]:
        url = self.repo_url(repo)
        return {
            "id": repo.id, "node_id": node_id("R", repo.full_name), "name": repo.name,
            "full_name": repo.full_name, "owner": self.user(repo.owner), "private": True,
            "html_url": self.repo_html(repo), "description": repo.description, "fork": False,
            "url": url, "default_branch": repo.default_branch, "visibility": "private",
            "created_at": repo.created_at, "updated_at": repo.pushed_at, "pushed_at": repo.pushed_at,
            "archived": False, "disabled": False, "has_issues": True,
            "open_issues_count": sum(1 for i in repo.issues.values() if i.state == "open"),
            "permissions": {"admin": True, "maintain": True, "push": True, "triage": True, "pull": True},
            "allow_merge_commit": repo.settings.allow_merge_commit,
            "allow_squash_merge": repo.settings.allow_squash_merge,
            "allow_rebase_merge": repo.settings.allow_rebase_merge,
            "delete_branch_on_merge": False,
            "pulls_url": url + "/pulls{/number}", "issues_url": url + "/issues{/number}",
            "labels_url": url + "/labels{/name}", "git_refs_url": url + "/git/refs{/sha}",
            "contents_url": url + "/contents/{+path}", "branches_url": url + "/branches{/branch}",
            "clone_url": f"{self.repo_html(repo)}.git",
        }

    def branch(self, repo: Repo, name: str) -> dict[str, Any]:
        sha = repo.refs[f"refs/heads/{name}"]
        return {"name": name, "commit": self.commit(repo, sha), "protected": name in repo.protection,
                "_links": {"self": f"{self.repo_url(repo)}/branches/{quote(name)}",
                           "html": f"{self.repo_html(repo)}/tree/{quote(name)}"}}

    def ref(self, repo: Repo, ref: str) -> dict[str, Any]:
        sha = repo.refs[ref]
        return {"ref": ref, "node_id": node_id("REF", f"{repo.full_name}:{ref}"),
                "url": f"{self.repo_url(repo)}/git/{quote(ref)}",
                "object": {"sha": sha, "type": "commit", "url": f"{self.repo_url(repo)}/git/commits/{sha}"}}

    # -- git data --------------------------------------------------------------------------

    def signature(self, sig: Signature) -> dict[str, str]:
        return {"name": sig.name, "email": sig.email, "date": sig.date}

    def git_commit(self, repo: Repo, c: GitCommit) -> dict[str, Any]:
        url = self.repo_url(repo)
        return {
            "sha": c.sha, "node_id": node_id("C", c.sha), "url": f"{url}/git/commits/{c.sha}",
            "html_url": f"{self.repo_html(repo)}/commit/{c.sha}",
            "author": self.signature(c.author), "committer": self.signature(c.committer),
            "message": c.message, "tree": {"sha": c.tree, "url": f"{url}/git/trees/{c.tree}"},
            "parents": [{"sha": p, "url": f"{url}/git/commits/{p}",
                         "html_url": f"{self.repo_html(repo)}/commit/{p}"} for p in c.parents],
            "verification": {"verified": False, "reason": "unsigned", "signature": None, "payload": None},
        }

    def commit(self, repo: Repo, sha: str, files: list | None = None) -> dict[str, Any]:
        """The REST commit (``/commits/{sha}``): the git commit wrapped with users and links."""
        c = repo.git.commits[sha]
        url = self.repo_url(repo)
        gc = self.git_commit(repo, c)
        inner = {k: gc[k] for k in ("author", "committer", "message", "tree", "verification")}
        inner["url"] = gc["url"]
        inner["comment_count"] = 0
        out = {
            "sha": sha, "node_id": gc["node_id"], "url": f"{url}/commits/{sha}",
            "html_url": gc["html_url"], "comments_url": f"{url}/commits/{sha}/comments",
            "commit": inner, "author": self._commit_user(c.author),
            "committer": self._commit_user(c.committer),
            "parents": [{"sha": p, "url": f"{url}/commits/{p}",
                         "html_url": f"{self.repo_html(repo)}/commit/{p}"} for p in c.parents],
        }
        if files is not None:
            out["files"] = files
            out["stats"] = {"additions": sum(f["additions"] for f in files),
                            "deletions": sum(f["deletions"] for f in files),
                            "total": sum(f["changes"] for f in files)}
        return out

    def _commit_user(self, sig: Signature) -> dict[str, Any] | None:
        login = sig.email.split("@")[0] if sig.email.endswith("@users.noreply.github.com") else None
        return self.user(login) if login else None

    def tree(self, repo: Repo, sha: str, recursive: bool) -> dict[str, Any]:
        url = self.repo_url(repo)
        items = repo.git.walk_tree(sha) if recursive else ((e.name, e) for e in repo.git.trees[sha])
        entries = []
        for path, e in items:
            item = {"path": path, "mode": e.mode, "type": e.type, "sha": e.sha,
                    "url": f"{url}/git/{'trees' if e.type == 'tree' else 'blobs'}/{e.sha}"}
            if e.type == "blob":
                item["size"] = len(repo.git.blobs[e.sha])
            entries.append(item)
        return {"sha": sha, "url": f"{url}/git/trees/{sha}", "tree": entries, "truncated": False}

    def blob(self, repo: Repo, sha: str) -> dict[str, Any]:
        data = repo.git.blobs[sha]
        return {"sha": sha, "node_id": node_id("B", sha), "size": len(data),
                "url": f"{self.repo_url(repo)}/git/blobs/{sha}",
                "content": _b64_lines(data), "encoding": "base64"}

    def file_change(self, repo: Repo, ch: pulls.FileChange, ref: str) -> dict[str, Any]:
        out = {"sha": ch.sha, "filename": ch.filename, "status": ch.status,
               "additions": ch.additions, "deletions": ch.deletions,
               "changes": ch.additions + ch.deletions,
               "blob_url": f"{self.repo_html(repo)}/blob/{ref}/{quote(ch.filename)}",
               "raw_url": f"{self.repo_html(repo)}/raw/{ref}/{quote(ch.filename)}",
               "contents_url": f"{self.repo_url(repo)}/contents/{quote(ch.filename)}?ref={ref}"}
        if ch.patch is not None:
            out["patch"] = ch.patch
        return out

    # -- contents --------------------------------------------------------------------------

    def content(self, repo: Repo, path: str, ref: str, mode_type: str, sha: str,
                with_body: bool) -> dict[str, Any]:
        url = self.repo_url(repo)
        name = path.rsplit("/", 1)[-1]
        is_dir = mode_type == "tree"
        self_url = f"{url}/contents/{quote(path)}?ref={quote(ref)}"
        git_url = f"{url}/git/{'trees' if is_dir else 'blobs'}/{sha}"
        html_url = f"{self.repo_html(repo)}/{'tree' if is_dir else 'blob'}/{quote(ref)}/{quote(path)}"
        out: dict[str, Any] = {
            "type": "dir" if is_dir else "file", "name": name, "path": path, "sha": sha,
            "size": 0 if is_dir else len(repo.git.blobs[sha]), "url": self_url, "git_url": git_url,
            "html_url": html_url,
            "download_url": None if is_dir else f"{self.repo_html(repo)}/raw/{quote(ref)}/{quote(path)}",
            "_links": {"self": self_url, "git": git_url, "html": html_url},
        }
        if with_body and not is_dir:
            out["content"] = _b64_lines(repo.git.blobs[sha])
            out["encoding"] = "base64"
        return out

    # -- issues and pulls ------------------------------------------------------------------

    def label(self, repo: Repo, lab: Label) -> dict[str, Any]:
        return {"id": lab.id, "node_id": node_id("LA", f"{repo.full_name}:{lab.name}"),
                "url": f"{self.repo_url(repo)}/labels/{quote(lab.name, safe='')}", "name": lab.name,
                "color": lab.color, "description": lab.description, "default": False}

    def issue(self, repo: Repo, issue: Issue) -> dict[str, Any]:
        url = f"{self.repo_url(repo)}/issues/{issue.number}"
        out = {
            "id": issue.id, "node_id": node_id("I", f"{repo.full_name}#{issue.number}"),
            "url": url, "repository_url": self.repo_url(repo), "labels_url": url + "/labels{/name}",
            "comments_url": url + "/comments", "events_url": url + "/events",
            "html_url": f"{self.repo_html(repo)}/{'pull' if issue.pull else 'issues'}/{issue.number}",
            "number": issue.number, "state": issue.state, "state_reason": issue.state_reason,
            "title": issue.title, "body": issue.body, "user": self.user(issue.user),
            "labels": [self.label(repo, self.state.label(repo, n, create=True)) for n in issue.labels],
            "assignee": self.user(issue.assignees[0]) if issue.assignees else None,
            "assignees": [self.user(a) for a in issue.assignees], "milestone": None, "locked": False,
            "comments": len(issue.comments), "created_at": issue.created_at,
            "updated_at": issue.updated_at, "closed_at": issue.closed_at,
            "closed_by": self.user(issue.closed_by), "author_association": "MEMBER",
        }
        if issue.pull:
            pull_url = f"{self.repo_url(repo)}/pulls/{issue.number}"
            out["pull_request"] = {"url": pull_url, "html_url": out["html_url"],
                                   "diff_url": out["html_url"] + ".diff",
                                   "patch_url": out["html_url"] + ".patch",
                                   "merged_at": issue.pull.merged_at}
            out["draft"] = issue.pull.draft
        return out

    def pull(self, repo: Repo, issue: Issue, full: bool = True) -> dict[str, Any]:
        pr = pulls.sync(repo, issue)
        url = f"{self.repo_url(repo)}/pulls/{issue.number}"
        issue_url = f"{self.repo_url(repo)}/issues/{issue.number}"
        html = f"{self.repo_html(repo)}/pull/{issue.number}"
        out: dict[str, Any] = {
            "id": issue.id, "node_id": node_id("PR", f"{repo.full_name}#{issue.number}"),
            "url": url, "html_url": html, "diff_url": html + ".diff", "patch_url": html + ".patch",
            "issue_url": issue_url, "commits_url": url + "/commits",
            "review_comments_url": url + "/comments", "comments_url": issue_url + "/comments",
            "statuses_url": f"{self.repo_url(repo)}/statuses/{pr.head_sha}",
            "number": issue.number, "state": issue.state, "locked": False, "title": issue.title,
            "body": issue.body, "user": self.user(issue.user),
            "labels": [self.label(repo, self.state.label(repo, n, create=True)) for n in issue.labels],
            "assignee": self.user(issue.assignees[0]) if issue.assignees else None,
            "assignees": [self.user(a) for a in issue.assignees],
            "requested_reviewers": [self.user(r) for r in pr.requested_reviewers],
            "requested_teams": [], "milestone": None, "draft": pr.draft,
            "created_at": issue.created_at, "updated_at": issue.updated_at,
            "closed_at": issue.closed_at, "merged_at": pr.merged_at,
            "merge_commit_sha": pr.merge_commit_sha,
            "head": self._part(repo, pr.head_ref, pr.head_sha),
            "base": self._part(repo, pr.base_ref, pr.base_sha),
            "_links": {"self": {"href": url}, "html": {"href": html}, "issue": {"href": issue_url},
                       "comments": {"href": issue_url + "/comments"},
                       "commits": {"href": url + "/commits"},
                       "statuses": {"href": f"{self.repo_url(repo)}/statuses/{pr.head_sha}"}},
            "author_association": "MEMBER", "auto_merge": None,
        }
        if full:
            mergeable, mstate = pulls.mergeability(self.state, repo, issue)
            files = pulls.changed_files(repo, issue)
            out.update({
                "merged": pr.merged, "mergeable": mergeable, "rebaseable": mergeable,
                "mergeable_state": mstate, "merged_by": self.user(pr.merged_by),
                "comments": len(issue.comments), "review_comments": 0,
                "maintainer_can_modify": False, "commits": len(pulls.commits(repo, pr)),
                "additions": sum(f.additions for f in files),
                "deletions": sum(f.deletions for f in files), "changed_files": len(files),
            })
        return out

    def _part(self, repo: Repo, ref: str, sha: str) -> dict[str, Any]:
        return {"label": f"{repo.owner}:{ref}", "ref": ref, "sha": sha,
                "user": self.user(repo.owner), "repo": self.repo(repo)}

    def comment(self, repo: Repo, c: Comment) -> dict[str, Any]:
        issue = repo.issues[c.issue_number]
        kind = "pull" if issue.pull else "issues"
        return {"id": c.id, "node_id": node_id("IC", str(c.id)),
                "url": f"{self.repo_url(repo)}/issues/comments/{c.id}",
                "html_url": f"{self.repo_html(repo)}/{kind}/{c.issue_number}#issuecomment-{c.id}",
                "issue_url": f"{self.repo_url(repo)}/issues/{c.issue_number}",
                "body": c.body, "user": self.user(c.user), "created_at": c.created_at,
                "updated_at": c.updated_at, "author_association": "MEMBER"}

    def review(self, repo: Repo, number: int, r: Review) -> dict[str, Any]:
        pull_url = f"{self.repo_url(repo)}/pulls/{number}"
        html = f"{self.repo_html(repo)}/pull/{number}#pullrequestreview-{r.id}"
        return {"id": r.id, "node_id": node_id("PRR", str(r.id)), "user": self.user(r.user),
                "body": r.body, "state": r.state, "html_url": html, "pull_request_url": pull_url,
                "commit_id": r.commit_id, "submitted_at": r.submitted_at,
                "author_association": "MEMBER",
                "_links": {"html": {"href": html}, "pull_request": {"href": pull_url}}}

    # -- CI --------------------------------------------------------------------------------

    def status(self, repo: Repo, s: CommitStatus) -> dict[str, Any]:
        return {"id": s.id, "node_id": node_id("SC", str(s.id)),
                "url": f"{self.repo_url(repo)}/statuses/{s.sha}", "state": s.state,
                "description": s.description, "target_url": s.target_url, "context": s.context,
                "creator": self.user(s.creator), "created_at": s.created_at, "updated_at": s.created_at,
                "avatar_url": None}

    def combined_status(self, repo: Repo, sha: str) -> dict[str, Any]:
        statuses = self.state.latest_statuses(repo, sha)
        return {"state": self.state.combined_state(repo, sha), "sha": sha,
                "total_count": len(statuses), "statuses": [self.status(repo, s) for s in statuses],
                "repository": self.repo(repo), "commit_url": f"{self.repo_url(repo)}/commits/{sha}",
                "url": f"{self.repo_url(repo)}/commits/{sha}/status"}

    def check_run(self, repo: Repo, run: CheckRun) -> dict[str, Any]:
        url = f"{self.repo_url(repo)}/check-runs/{run.id}"
        return {"id": run.id, "node_id": node_id("CR", str(run.id)), "name": run.name,
                "head_sha": run.head_sha, "status": run.status, "conclusion": run.conclusion,
                "url": url, "html_url": f"{self.repo_html(repo)}/runs/{run.id}",
                "details_url": run.details_url, "external_id": run.external_id,
                "started_at": run.started_at, "completed_at": run.completed_at,
                "output": {"title": run.output.get("title"), "summary": run.output.get("summary"),
                           "text": run.output.get("text"), "annotations_count": 0,
                           "annotations_url": url + "/annotations"},
                "app": None, "pull_requests": []}


def _b64_lines(data: bytes) -> str:
    # GitHub wraps base64 content at 60 characters with "\n"; clients must cope, so do we.
    raw = base64.b64encode(data).decode()
    return "\n".join(raw[i:i + 60] for i in range(0, len(raw), 60)) + ("\n" if raw else "")
