"""The contents API: read a file or directory at a ref; create, update or delete one file.

Each write is one commit on the branch. As on GitHub, updating or deleting needs the blob sha
the client last saw, and a stale sha gets 409 (what parallel writers run into).
"""

from __future__ import annotations

import base64
import binascii

from .errors import ApiError, not_found, validation
from .routing import Request, Response, Router

router = Router()
C = "/repos/{owner}/{repo}/contents"


def _repo(req: Request):
    return req.state.repo(req.params["owner"], req.params["repo"])


@router.route("GET", C)
@router.route("GET", C + "/{path:path}")
def get_contents(req: Request) -> Response:
    repo = _repo(req)
    path = req.params.get("path", "").strip("/")
    ref = req.query.get("ref") or repo.default_branch
    sha = req.state.resolve(repo, ref)
    entry = repo.git.lookup(repo.git.commits[sha].tree, path)
    if entry is None:
        raise not_found()
    if entry.type == "tree":
        items = [req.render.content(repo, f"{path}/{e.name}".lstrip("/"), ref, e.type, e.sha, False)
                 for e in repo.git.trees[entry.sha]]
        return Response(200, items)
    return Response(200, req.render.content(repo, path, ref, "blob", entry.sha, True))


@router.route("GET", "/repos/{owner}/{repo}/readme")
def get_readme(req: Request) -> Response:
    req.params["path"] = "README.md"
    return get_contents(req)


@router.route("PUT", C + "/{path:path}")
def put_file(req: Request) -> Response:
    repo = _repo(req)
    path = req.params["path"].strip("/")
    message = req.field("message", required=True, resource="Commit")
    encoded = req.field("content", required=True, resource="Commit")
    try:
        data = base64.b64decode(encoded, validate=False)
    except (binascii.Error, ValueError):
        raise validation("Commit", "content", message="content is not valid Base64") from None
    branch, current = _current(req, repo, path)
    given = req.field("sha")
    if current is not None and given is None:
        raise ApiError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
    if current is not None and given != current:
        raise ApiError(409, f"{path} does not match {given}")
    commit = req.state.commit_changes(repo, branch, {path: data}, message,
                                      req.field("author", dict), req.field("committer", dict))
    blob = repo.git.lookup(repo.git.commits[commit].tree, path)
    body = {"content": req.render.content(repo, path, branch, "blob", blob.sha, False),
            "commit": req.render.git_commit(repo, repo.git.commits[commit])}
    return Response(200 if current is not None else 201, body)


@router.route("DELETE", C + "/{path:path}")
def delete_file(req: Request) -> Response:
    repo = _repo(req)
    path = req.params["path"].strip("/")
    message = req.field("message", required=True, resource="Commit")
    given = req.field("sha", required=True, resource="Commit")
    branch, current = _current(req, repo, path)
    if current is None:
        raise not_found()
    if given != current:
        raise ApiError(409, f"{path} does not match {given}")
    commit = req.state.commit_changes(repo, branch, {path: None}, message,
                                      req.field("author", dict), req.field("committer", dict))
    return Response(200, {"content": None, "commit": req.render.git_commit(repo, repo.git.commits[commit])})


def _current(req: Request, repo, path: str) -> tuple[str, str | None]:
    """The target branch and the blob sha now at ``path`` on it (None when absent)."""
    branch = req.field("branch", default=repo.default_branch)
    head = repo.branch_sha(branch)
    if head is None:
        raise ApiError(404, f"Branch {branch} not found")
    entry = repo.git.lookup(repo.git.commits[head].tree, path)
    if entry is not None and entry.type == "tree":
        raise ApiError(422, f"{path} is a directory")
    return branch, entry.sha if entry else None
