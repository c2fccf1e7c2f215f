"""Pull requests: opening, tracking their branches, changed files, and merging for real.

Merging writes a commit on the base branch (a merge commit with two parents, or one squashed
commit), so the default branch read afterwards shows the change, as on GitHub.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from .errors import ApiError, validation
from .gitstore import FlatTree, Signature
from .records import Issue, Pull, Repo
from .state import ForgeState


@dataclass(frozen=True)
class FileChange:
    filename: str
    status: str  # added | modified | removed
    sha: str | None
    additions: int
    deletions: int
    patch: str | None


def sync(repo: Repo, issue: Issue) -> Pull:
    """Follow the branches of an open pull request (they move under it)."""
    pr = issue.pull
    assert pr is not None
    if issue.state == "open":
        pr.head_sha = repo.branch_sha(pr.head_ref) or pr.head_sha
        pr.base_sha = repo.branch_sha(pr.base_ref) or pr.base_sha
    return pr


def parse_head(repo: Repo, head: str) -> str:
    """``owner:branch`` or ``branch`` -> branch (forks are not emulated)."""
    owner, sep, branch = head.partition(":")
    if sep and owner.lower() != repo.owner.lower():
        raise validation("PullRequest", "head", message=f"forks are not emulated: {head}")
    return branch if sep else head


def open_pull(state: ForgeState, repo: Repo, *, title: str, body: str, head: str, base: str,
              draft: bool, author: str) -> Issue:
    if not title:
        raise validation("PullRequest", "title", "missing_field")
    branch = parse_head(repo, head)
    head_sha = repo.branch_sha(branch)
    if head_sha is None:
        raise validation("PullRequest", "head")
    base_sha = repo.branch_sha(base)
    if base_sha is None:
        raise validation("PullRequest", "base")
    if draft and not repo.settings.drafts:
        # what GitHub answers on plans without drafts (SWE-agent/SWE-agent#179)
        raise ApiError(422, "Draft pull requests are not supported in this repository.")
    for other in repo.issues.values():
        p = other.pull
        if p and other.state == "open" and p.head_ref == branch and p.base_ref == base:
            raise validation("PullRequest", code="custom",
                             message=f"A pull request already exists for {repo.owner}:{branch}.")
    if not repo.git.commits_between(base_sha, head_sha):
        raise validation("PullRequest", code="custom", message=f"No commits between {base} and {branch}")
    issue = state.create_issue(repo, title, body, [], [], author)
    issue.pull = Pull(branch, head_sha, base, base_sha, draft=draft)
    return issue


def diff_base(repo: Repo, pr: Pull) -> str | None:
    if pr.merge_base_at_close:
        return pr.merge_base_at_close
    return repo.git.merge_base(pr.base_sha, pr.head_sha)


def commits(repo: Repo, pr: Pull) -> list[str]:
    base = diff_base(repo, pr)
    if base is None:
        return list(repo.git.ancestors(pr.head_sha))
    return repo.git.commits_between(base, pr.head_sha)


def conflicts(repo: Repo, pr: Pull) -> list[str]:
    base = repo.git.merge_base(pr.base_sha, pr.head_sha)
    return repo.git.three_way(base, pr.base_sha, pr.head_sha)[1]


def mergeability(state: ForgeState, repo: Repo, issue: Issue) -> tuple[bool | None, str]:
    pr = sync(repo, issue)
    if issue.state != "open":
        return None, "unknown"
    if conflicts(repo, pr):
        return False, "dirty"
    if pr.draft:
        return True, "draft"
    if protection_problem(state, repo, issue):
        return True, "blocked"
    if "failure" in state.check_conclusions(repo, pr.head_sha).values():
        return True, "unstable"
    return True, "clean"


_METHOD_NAMES = {"merge": ("allow_merge_commit", "Merge commits"), "squash": ("allow_squash_merge", "Squash merges"),
                 "rebase": ("allow_rebase_merge", "Rebase merges")}


def protection_problem(state: ForgeState, repo: Repo, issue: Issue) -> str:
    """Why branch protection blocks the merge ("" when it does not), in GitHub's 405 words:
    'Required status check "ci" is expected.' (Mergifyio/mergify#1812) and 'At least 1
    approving review is required by reviewers with write access.' (Reviewable/Reviewable#561)."""
    pr = issue.pull
    rule = repo.protection.get(pr.base_ref)
    if rule is None:
        return ""
    results = state.check_conclusions(repo, pr.head_sha)
    for name in rule.required_checks:
        if results.get(name) != "success":
            return f'Required status check "{name}" is expected.'
    latest: dict[str, str] = {}
    for r in pr.reviews:
        if r.state in ("APPROVED", "CHANGES_REQUESTED", "DISMISSED") and r.user.lower() != issue.user.lower():
            latest[r.user.lower()] = r.state
    if "CHANGES_REQUESTED" in latest.values():
        return "Changes must be made through a pull request: a reviewer requested changes."
    approvals = sum(1 for s in latest.values() if s == "APPROVED")
    if approvals < rule.required_approvals:
        n = rule.required_approvals
        return (f"At least {n} approving review{' is' if n == 1 else 's are'} required by reviewers "
                "with write access.")
    return ""


def changed_files(repo: Repo, issue: Issue) -> list[FileChange]:
    pr = sync(repo, issue)
    base = diff_base(repo, pr)
    old = repo.git.flatten(repo.git.commits[base].tree) if base else {}
    new = repo.git.flatten(repo.git.commits[pr.head_sha].tree)
    return diff_trees(repo, old, new)


def diff_trees(repo: Repo, old: FlatTree, new: FlatTree) -> list[FileChange]:
    out = []
    for path in sorted(set(old) | set(new)):
        a, b = old.get(path), new.get(path)
        if a == b:
            continue
        status = "added" if a is None else "removed" if b is None else "modified"
        before = repo.git.blobs[a[1]] if a else b""
        after = repo.git.blobs[b[1]] if b else b""
        adds = dels = 0
        patch = None
        try:
            la = before.decode("utf-8").splitlines()
            lb = after.decode("utf-8").splitlines()
        except UnicodeDecodeError:
            pass
        else:
            lines = list(difflib.unified_diff(la, lb, lineterm="", n=3))[2:]  # drop ---/+++ headers
            adds = sum(1 for x in lines if x.startswith("+"))
            dels = sum(1 for x in lines if x.startswith("-"))
            patch = "\n".join(lines)
        out.append(FileChange(path, status, b[1] if b else None, adds, dels, patch))
    return out


def merge(state: ForgeState, repo: Repo, issue: Issue, *, sha: str | None, method: str,
          title: str | None, message: str | None, by: str) -> str:
    pr = sync(repo, issue)
    if issue.state != "open" or pr.merged:
        raise ApiError(405, "Pull Request is not mergeable")
    if sha and sha != pr.head_sha:
        raise ApiError(409, "Head branch was modified. Review and try the merge again.")
    if pr.draft:
        raise ApiError(405, "Pull Request is still a draft")
    if method not in ("merge", "squash", "rebase"):
        raise validation("PullRequest", "merge_method")
    setting, words = _METHOD_NAMES[method]
    if not getattr(repo.settings, setting):
        # akuity/kargo#6490: 405 "Squash merges are not allowed on this repository."
        raise ApiError(405, f"{words} are not allowed on this repository.")
    blocked = protection_problem(state, repo, issue)
    if blocked:
        raise ApiError(405, blocked)
    base = repo.git.merge_base(pr.base_sha, pr.head_sha)
    merged_tree, conflicted = repo.git.three_way(base, pr.base_sha, pr.head_sha)
    if conflicted:
        raise ApiError(405, "Pull Request is not mergeable")
    merger = state.user(by)  # the merge commit is the merger's, as GitHub records it
    sig = state.signature({"name": merger.login, "email": merger.email})
    if method == "rebase":
        new = _replay(repo, pr, sig)
    else:
        if method == "merge":
            subject = title or f"Merge pull request #{issue.number} from {repo.owner}/{pr.head_ref}"
            body = message if message is not None else issue.title
            parents = [pr.base_sha, pr.head_sha]
        else:  # squash
            subject = title or f"{issue.title} (#{issue.number})"
            body = message if message is not None else ""
            parents = [pr.base_sha]
        text = subject + ("\n\n" + body if body else "")
        new = repo.git.put_commit(repo.git.write_flat_tree(merged_tree), parents, sig, sig, text)
    pr.merge_base_at_close = base
    state.move_ref(repo, f"refs/heads/{pr.base_ref}", new, force=False)
    pr.merged, pr.merged_at, pr.merged_by, pr.merge_commit_sha = True, state.now(), by, new
    state.close_issue(repo, issue, by)
    return new


def _replay(repo: Repo, pr: Pull, committer: Signature) -> str:
    """Rebase-merge: re-apply each of the PR's commits on the base, keeping authors and messages."""
    tip = pr.base_sha
    for sha in commits(repo, pr):
        c = repo.git.commits[sha]
        parent = c.parents[0] if c.parents else None
        flat, conflicted = repo.git.three_way(parent, tip, sha)
        if conflicted:  # the PR as a whole merges, but one of its commits does not apply
            raise ApiError(405, "This branch can't be rebased")
        tip = repo.git.put_commit(repo.git.write_flat_tree(flat), [tip], c.author, committer, c.message)
    return tip
