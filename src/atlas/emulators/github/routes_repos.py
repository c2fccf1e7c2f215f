"""Users, repositories, branches, commits, compare, commit statuses and check runs."""

from __future__ import annotations

from . import pulls
from .errors import ApiError, not_found, validation
from .records import CheckRun
from .routing import Request, Response, Router, paginate

router = Router()
R = "/repos/{owner}/{repo}"


def _repo(req: Request):
    return req.state.repo(req.params["owner"], req.params["repo"])


@router.route("GET", "/user")
def get_viewer(req: Request) -> Response:
    return Response(200, req.render.user(req.viewer))


@router.route("GET", "/users/{login}")
def get_user(req: Request) -> Response:
    u = req.state.users.get(req.params["login"].lower())
    if u is None:
        raise not_found()
    return Response(200, req.render.user(u))


@router.route("GET", "/orgs/{org}")
def get_org(req: Request) -> Response:
    u = req.state.users.get(req.params["org"].lower())
    if u is None or u.type != "Organization":
        raise not_found()
    return Response(200, req.render.user(u))


@router.route("GET", "/orgs/{org}/repos")
@router.route("GET", "/users/{org}/repos")
def list_owner_repos(req: Request) -> Response:
    owner = req.params["org"].lower()
    repos = sorted((r for r in req.state.repos.values() if r.owner.lower() == owner), key=lambda r: r.name)
    return paginate(req, repos, req.render.repo)


@router.route("GET", "/user/repos")
def list_viewer_repos(req: Request) -> Response:
    return paginate(req, sorted(req.state.repos.values(), key=lambda r: r.full_name), req.render.repo)


@router.route("GET", R)
def get_repo(req: Request) -> Response:
    return Response(200, req.render.repo(_repo(req)))


# -- branches and commits --------------------------------------------------------------------

@router.route("GET", R + "/branches")
def list_branches(req: Request) -> Response:
    repo = _repo(req)
    names = sorted(r.removeprefix("refs/heads/") for r in repo.refs if r.startswith("refs/heads/"))
    return paginate(req, names, lambda n: {"name": n, "protected": False, "commit": {
        "sha": repo.refs[f"refs/heads/{n}"],
        "url": f"{req.render.repo_url(repo)}/commits/{repo.refs[f'refs/heads/{n}']}"}})


@router.route("GET", R + "/branches/{branch:path}")
def get_branch(req: Request) -> Response:
    repo = _repo(req)
    name = req.params["branch"]
    if f"refs/heads/{name}" not in repo.refs:
        raise not_found("Branch not found")
    return Response(200, req.render.branch(repo, name))


@router.route("GET", R + "/commits")
def list_commits(req: Request) -> Response:
    repo = _repo(req)
    head = req.state.resolve(repo, req.query.get("sha"))
    path = req.query.get("path")
    order = repo.git.ancestors(head)
    shas = sorted(order, key=lambda c: (-repo.git.commits[c].committer.timestamp, order[c]))
    if path:
        shas = [c for c in shas if _touches(repo, c, path)]
    return paginate(req, shas, lambda c: req.render.commit(repo, c))


def _touches(repo, sha: str, path: str) -> bool:
    c = repo.git.commits[sha]
    here = repo.git.lookup(c.tree, path)
    if not c.parents:
        return here is not None
    return any(repo.git.lookup(repo.git.commits[p].tree, path) != here for p in c.parents)


@router.route("GET", R + "/commits/{ref:path}/status")
def combined_status(req: Request) -> Response:
    repo = _repo(req)
    return Response(200, req.render.combined_status(repo, req.state.resolve(repo, req.params["ref"])))


@router.route("GET", R + "/commits/{ref:path}/statuses")
def list_statuses(req: Request) -> Response:
    repo = _repo(req)
    sha = req.state.resolve(repo, req.params["ref"])
    found = [s for s in reversed(repo.statuses) if s.sha == sha]
    return paginate(req, found, lambda s: req.render.status(repo, s))


@router.route("GET", R + "/commits/{ref:path}/check-runs")
def list_check_runs(req: Request) -> Response:
    repo = _repo(req)
    sha = req.state.resolve(repo, req.params["ref"])
    runs = [r for r in repo.check_runs.values() if r.head_sha == sha]
    if "check_name" in req.query:
        runs = [r for r in runs if r.name == req.query["check_name"]]
    return paginate(req, runs, lambda r: req.render.check_run(repo, r), wrap="check_runs")


@router.route("GET", R + "/commits/{ref:path}")
def get_commit(req: Request) -> Response:
    repo = _repo(req)
    sha = req.state.resolve(repo, req.params["ref"])
    c = repo.git.commits[sha]
    old = repo.git.flatten(repo.git.commits[c.parents[0]].tree) if c.parents else {}
    changes = pulls.diff_trees(repo, old, repo.git.flatten(c.tree))
    return Response(200, req.render.commit(repo, sha, [req.render.file_change(repo, ch, sha) for ch in changes]))


@router.route("GET", R + "/compare/{spec:path}")
def compare(req: Request) -> Response:
    repo = _repo(req)
    base_ref, sep, head_ref = req.params["spec"].partition("...")
    if not sep:
        raise not_found()
    base, head = req.state.resolve(repo, base_ref), req.state.resolve(repo, head_ref)
    mb = repo.git.merge_base(base, head)
    ahead = repo.git.commits_between(base, head)
    behind = repo.git.commits_between(head, base)
    status = ("identical" if base == head else "ahead" if not behind else "behind" if not ahead
              else "diverged")
    old = repo.git.flatten(repo.git.commits[mb].tree) if mb else {}
    changes = pulls.diff_trees(repo, old, repo.git.flatten(repo.git.commits[head].tree))
    url = req.render.repo_url(repo)
    return Response(200, {
        "url": f"{url}/compare/{req.params['spec']}",
        "html_url": f"{req.render.repo_html(repo)}/compare/{req.params['spec']}",
        "base_commit": req.render.commit(repo, base),
        "merge_base_commit": req.render.commit(repo, mb) if mb else None,
        "status": status, "ahead_by": len(ahead), "behind_by": len(behind),
        "total_commits": len(ahead), "commits": [req.render.commit(repo, c) for c in ahead],
        "files": [req.render.file_change(repo, ch, head) for ch in changes],
    })


# -- commit statuses and check runs ----------------------------------------------------------

@router.route("POST", R + "/statuses/{sha}")
def create_status(req: Request) -> Response:
    repo = _repo(req)
    sha = req.params["sha"]
    if sha not in repo.git.commits:
        raise validation("Status", "sha", message=f"No commit found for SHA: {sha}")
    s = req.state.add_status(repo, sha, req.field("state", required=True, resource="Status"),
                             req.field("context", default="default"),
                             req.field("description", default=""), req.field("target_url"))
    return Response(201, req.render.status(repo, s))


@router.route("POST", R + "/check-runs")
def create_check_run(req: Request) -> Response:
    repo = _repo(req)
    head_sha = req.field("head_sha", required=True, resource="CheckRun")
    if head_sha not in repo.git.commits:
        raise validation("CheckRun", "head_sha", message=f"No commit found for SHA: {head_sha}")
    run = CheckRun(req.state.new_id(), req.field("name", required=True, resource="CheckRun"), head_sha)
    repo.check_runs[run.id] = run
    _update_run(req, run)
    return Response(201, req.render.check_run(repo, run))


@router.route("GET", R + "/check-runs/{id}")
def get_check_run(req: Request) -> Response:
    repo = _repo(req)
    run = repo.check_runs.get(int(req.params["id"])) if req.params["id"].isdigit() else None
    if run is None:
        raise not_found()
    return Response(200, req.render.check_run(repo, run))


@router.route("PATCH", R + "/check-runs/{id}")
def update_check_run(req: Request) -> Response:
    repo = _repo(req)
    run = repo.check_runs.get(int(req.params["id"])) if req.params["id"].isdigit() else None
    if run is None:
        raise not_found()
    _update_run(req, run)
    return Response(200, req.render.check_run(repo, run))


def _update_run(req: Request, run: CheckRun) -> None:
    run.name = req.field("name", default=run.name)
    status = req.field("status", default=run.status)
    conclusion = req.field("conclusion", default=run.conclusion)
    if status not in ("queued", "in_progress", "completed"):
        raise validation("CheckRun", "status")
    if conclusion is not None:
        status = "completed"
    if status == "completed" and conclusion is None:
        raise ApiError(422, "Invalid request.\n\n\"conclusion\" is required when \"status\" is \"completed\".")
    run.status, run.conclusion = status, conclusion
    run.details_url = req.field("details_url", default=run.details_url)
    run.external_id = req.field("external_id", default=run.external_id)
    run.output = req.field("output", dict, default=run.output)
    run.started_at = req.field("started_at", default=run.started_at or req.state.now())
    if status == "completed":
        run.completed_at = req.field("completed_at", default=run.completed_at or req.state.now())
