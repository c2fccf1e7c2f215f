"""The git data API: refs, blobs, trees and commits (many files in one commit)."""

from __future__ import annotations

import base64
import binascii

from .errors import ApiError, not_found, validation
from .gitstore import BLOB_MODES, TREE_MODE
from .routing import Request, Response, Router, paginate

router = Router()
G = "/repos/{owner}/{repo}/git"


def _repo(req: Request):
    return req.state.repo(req.params["owner"], req.params["repo"])


# -- refs --------------------------------------------------------------------------------------

@router.route("GET", G + "/refs")
def list_refs(req: Request) -> Response:
    repo = _repo(req)
    return paginate(req, sorted(repo.refs), lambda r: req.render.ref(repo, r))


@router.route("GET", G + "/matching-refs/{prefix:path}")
@router.route("GET", G + "/refs/{prefix:path}")
def matching_refs(req: Request) -> Response:
    repo = _repo(req)
    prefix = "refs/" + req.params["prefix"]
    exact = "/matching-refs/" not in req.path and prefix in repo.refs
    if exact:  # GET /git/refs/heads/main is the single ref; a prefix gives a list
        return Response(200, req.render.ref(repo, prefix))
    found = [req.render.ref(repo, r) for r in sorted(repo.refs) if r.startswith(prefix)]
    if not found and "/matching-refs/" not in req.path:
        raise not_found()
    return Response(200, found)


@router.route("GET", G + "/ref/{ref:path}")
def get_ref(req: Request) -> Response:
    repo = _repo(req)
    ref = "refs/" + req.params["ref"]
    if ref not in repo.refs:
        raise not_found()
    return Response(200, req.render.ref(repo, ref))


@router.route("POST", G + "/refs")
def create_ref(req: Request) -> Response:
    repo = _repo(req)
    ref = req.field("ref", required=True, resource="Reference")
    sha = req.field("sha", required=True, resource="Reference")
    req.state.create_ref(repo, ref, sha)
    return Response(201, req.render.ref(repo, ref))


@router.route("PATCH", G + "/refs/{ref:path}")
def update_ref(req: Request) -> Response:
    repo = _repo(req)
    ref = "refs/" + req.params["ref"]
    sha = req.field("sha", required=True, resource="Reference")
    req.state.move_ref(repo, ref, sha, force=bool(req.field("force", bool, default=False)))
    return Response(200, req.render.ref(repo, ref))


@router.route("DELETE", G + "/refs/{ref:path}")
def delete_ref(req: Request) -> Response:
    repo = _repo(req)
    req.state.delete_ref(repo, "refs/" + req.params["ref"])
    return Response(204)


# -- blobs, trees, commits -----------------------------------------------------------------------

@router.route("POST", G + "/blobs")
def create_blob(req: Request) -> Response:
    repo = _repo(req)
    content = req.field("content", required=True, resource="Blob")
    encoding = req.field("encoding", default="utf-8")
    if encoding == "base64":
        try:
            data = base64.b64decode(content, validate=False)
        except (binascii.Error, ValueError):
            raise validation("Blob", "content", message="content is not valid Base64") from None
    elif encoding in ("utf-8", "utf8"):
        data = content.encode("utf-8")
    else:
        raise validation("Blob", "encoding", message=f"encoding {encoding!r} is not supported")
    sha = repo.git.put_blob(data)
    return Response(201, {"sha": sha, "url": f"{req.render.repo_url(repo)}/git/blobs/{sha}"})


@router.route("GET", G + "/blobs/{sha}")
def get_blob(req: Request) -> Response:
    repo = _repo(req)
    if req.params["sha"] not in repo.git.blobs:
        raise not_found()
    return Response(200, req.render.blob(repo, req.params["sha"]))


@router.route("POST", G + "/trees")
def create_tree(req: Request) -> Response:
    repo = _repo(req)
    entries = req.field("tree", list, required=True, resource="Tree")
    base = req.field("base_tree")
    if base is not None:
        if base not in repo.git.trees:
            # GitHub also accepts a commit sha here and uses its tree.
            if base in repo.git.commits:
                base = repo.git.commits[base].tree
            else:
                raise validation("Tree", "base_tree", message=f"base_tree {base} is not a tree")
        flat = repo.git.flatten(base)
    else:
        flat = {}
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            raise ApiError(422, f"Invalid tree info: entry {i} needs a string 'path'")
        path, mode, sha = entry["path"].strip("/"), str(entry.get("mode", "100644")), entry.get("sha", "absent")
        kind = entry.get("type", "tree" if mode == TREE_MODE else "blob")
        if "content" in entry and entry["content"] is not None:
            if not isinstance(entry["content"], str):
                raise ApiError(422, f"Invalid tree info: entry {i} 'content' must be a string")
            sha = repo.git.put_blob(entry["content"].encode("utf-8"))
        elif sha == "absent":
            raise ApiError(422, f"Invalid tree info: entry {i} ({path}) needs 'sha' or 'content'")
        if sha is None:  # a null sha deletes the path (a file or a whole directory)
            for p in [p for p in flat if p == path or p.startswith(path + "/")]:
                del flat[p]
            continue
        if kind == "tree" or mode.lstrip("0") == "40000":
            if sha not in repo.git.trees:
                raise ApiError(422, f"Invalid tree info: tree {sha} for {path} does not exist")
            for p in [p for p in flat if p == path or p.startswith(path + "/")]:
                del flat[p]
            flat.update({f"{path}/{k}": v for k, v in repo.git.flatten(sha).items()})
            continue
        if mode not in BLOB_MODES:
            raise ApiError(422, f"Invalid tree info: mode {mode} for {path}")
        if sha not in repo.git.blobs:
            raise ApiError(422, f"Invalid tree info: blob {sha} for {path} does not exist")
        flat[path] = (mode, sha)
    tree = repo.git.write_flat_tree(flat)
    return Response(201, req.render.tree(repo, tree, recursive=False))


@router.route("GET", G + "/trees/{sha:path}")
def get_tree(req: Request) -> Response:
    repo = _repo(req)
    sha = req.params["sha"]
    if sha not in repo.git.trees:
        try:
            sha = repo.git.commits[req.state.resolve(repo, sha)].tree
        except ApiError:
            raise not_found() from None
    recursive = req.query.get("recursive") not in (None, "", "0", "false")
    return Response(200, req.render.tree(repo, sha, recursive))


@router.route("POST", G + "/commits")
def create_commit(req: Request) -> Response:
    repo = _repo(req)
    message = req.field("message", required=True, resource="Commit")
    tree = req.field("tree", required=True, resource="Commit")
    parents = req.field("parents", list, default=[])
    if tree not in repo.git.trees:
        raise validation("Commit", "tree", message=f"Tree SHA does not exist: {tree}")
    for p in parents:
        if p not in repo.git.commits:
            raise validation("Commit", "parents", message=f"Parent SHA does not exist or is not a commit object: {p}")
    author = req.field("author", dict)
    committer = req.field("committer", dict) or author
    sha = repo.git.put_commit(tree, parents, req.state.signature(author),
                              req.state.signature(committer), message)
    return Response(201, req.render.git_commit(repo, repo.git.commits[sha]))


@router.route("GET", G + "/commits/{sha}")
def get_git_commit(req: Request) -> Response:
    repo = _repo(req)
    c = repo.git.commits.get(req.params["sha"])
    if c is None:
        raise not_found()
    return Response(200, req.render.git_commit(repo, c))
