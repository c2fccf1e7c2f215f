"""Pull requests: list, open (draft or not), edit, merge with a head-sha guard, files, reviews."""

from __future__ import annotations

from . import pulls
from .errors import ApiError, check_body, not_found, validation
from .records import Review
from .routing import Request, Response, Router, paginate

router = Router()
P = "/repos/{owner}/{repo}/pulls"


def _repo(req: Request):
    return req.state.repo(req.params["owner"], req.params["repo"])


def _pull(req: Request):
    repo = _repo(req)
    issue = repo.issues.get(req.int_param("number")) if req.params["number"].isdigit() else None
    if issue is None or issue.pull is None:
        raise not_found()
    pulls.sync(repo, issue)
    return repo, issue


@router.route("GET", P)
def list_pulls(req: Request) -> Response:
    repo = _repo(req)
    state = req.query.get("state", "open")
    if state not in ("open", "closed", "all"):
        raise validation("PullRequest", "state")
    found = [i for i in repo.issues.values() if i.pull and (state == "all" or i.state == state)]
    if "head" in req.query:
        owner, sep, branch = req.query["head"].partition(":")
        if not sep:  # GitHub ignores a head filter without "owner:"
            branch = None
        elif owner.lower() != repo.owner.lower():
            found = []
        if branch is not None:
            found = [i for i in found if i.pull.head_ref == branch]
    if "base" in req.query:
        found = [i for i in found if i.pull.base_ref == req.query["base"]]
    sort = req.query.get("sort", "created")
    key = {"created": lambda i: (i.created_at, i.number), "updated": lambda i: (i.updated_at, i.number),
           "popularity": lambda i: (len(i.comments), i.number),
           "long-running": lambda i: (i.created_at, i.number)}.get(sort)
    if key is None:
        raise validation("PullRequest", "sort")
    found.sort(key=key, reverse=req.query.get("direction", "desc") == "desc")
    return paginate(req, found, lambda i: req.render.pull(repo, i, full=False))


@router.route("POST", P)
def create_pull(req: Request) -> Response:
    repo = _repo(req)
    check_body(req.field("body"))
    issue = pulls.open_pull(
        req.state, repo,
        title=req.field("title", required=True, resource="PullRequest"),
        body=req.field("body", default=""),
        head=req.field("head", required=True, resource="PullRequest"),
        base=req.field("base", required=True, resource="PullRequest"),
        draft=bool(req.field("draft", bool, default=False)),
        author=req.viewer,
    )
    return Response(201, req.render.pull(repo, issue))


@router.route("GET", P + "/{number}")
def get_pull(req: Request) -> Response:
    repo, issue = _pull(req)
    return Response(200, req.render.pull(repo, issue))


@router.route("PATCH", P + "/{number}")
def update_pull(req: Request) -> Response:
    repo, issue = _pull(req)
    # validate everything first: a rejected edit changes nothing
    title, body, base, state = req.field("title"), req.field("body"), req.field("base"), req.field("state")
    check_body(body)
    if title is not None and not title:
        raise validation("PullRequest", "title", "missing_field")
    if base is not None and repo.branch_sha(base) is None:
        raise validation("PullRequest", "base")
    if state not in (None, "open", "closed"):
        raise validation("PullRequest", "state")
    if state == "open":
        req.state.reopen_issue(repo, issue)
    issue.title = title if title is not None else issue.title
    issue.body = body if body is not None else issue.body
    issue.pull.base_ref = base or issue.pull.base_ref
    if state == "closed":
        req.state.close_issue(repo, issue, req.viewer)
    issue.updated_at = req.state.now()
    return Response(200, req.render.pull(repo, issue))


@router.route("PUT", P + "/{number}/merge")
def merge_pull(req: Request) -> Response:
    repo, issue = _pull(req)
    sha = pulls.merge(req.state, repo, issue,
                      sha=req.field("sha"), method=req.field("merge_method", default="merge"),
                      title=req.field("commit_title"), message=req.field("commit_message"),
                      by=req.viewer)
    return Response(200, {"sha": sha, "merged": True, "message": "Pull Request successfully merged"})


@router.route("GET", P + "/{number}/merge")
def is_merged(req: Request) -> Response:
    _, issue = _pull(req)
    if not issue.pull.merged:
        raise not_found()
    return Response(204)


@router.route("GET", P + "/{number}/files")
def list_files(req: Request) -> Response:
    repo, issue = _pull(req)
    changes = pulls.changed_files(repo, issue)
    return paginate(req, changes, lambda ch: req.render.file_change(repo, ch, issue.pull.head_sha))


@router.route("GET", P + "/{number}/commits")
def list_pull_commits(req: Request) -> Response:
    repo, issue = _pull(req)
    return paginate(req, pulls.commits(repo, issue.pull), lambda c: req.render.commit(repo, c))


# -- reviews -------------------------------------------------------------------------------------

REVIEW_STATES = {"APPROVE": "APPROVED", "REQUEST_CHANGES": "CHANGES_REQUESTED", "COMMENT": "COMMENTED"}


@router.route("GET", P + "/{number}/reviews")
def list_reviews(req: Request) -> Response:
    repo, issue = _pull(req)
    return paginate(req, issue.pull.reviews, lambda r: req.render.review(repo, issue.number, r))


@router.route("POST", P + "/{number}/reviews")
def create_review(req: Request) -> Response:
    repo, issue = _pull(req)
    event = req.field("event")
    if event is not None and event not in REVIEW_STATES:
        raise validation("PullRequestReview", "event")
    body = req.field("body", default="")
    # GitHub refuses a verdict from the PR's author (hubtty/hubtty#33: 422 "Can not approve
    # your own pull request"); a comment review is allowed
    if event in ("APPROVE", "REQUEST_CHANGES") and req.viewer.lower() == issue.user.lower():
        verb = "approve" if event == "APPROVE" else "request changes on"
        raise ApiError(422, "Unprocessable Entity", [f"Can not {verb} your own pull request"])
    if event in ("REQUEST_CHANGES", "COMMENT") and not body:
        raise ApiError(422, "Unprocessable Entity", [{"message": f"Review body is required for {event}"}])
    review = Review(req.state.new_id(), body, REVIEW_STATES.get(event, "PENDING"), req.viewer,
                    req.field("commit_id", default=issue.pull.head_sha),
                    req.state.now() if event else None)
    issue.pull.reviews.append(review)
    if req.viewer in issue.pull.requested_reviewers and event:
        issue.pull.requested_reviewers.remove(req.viewer)
    return Response(200, req.render.review(repo, issue.number, review))


@router.route("GET", P + "/{number}/requested_reviewers")
def list_requested_reviewers(req: Request) -> Response:
    repo, issue = _pull(req)
    return Response(200, {"users": [req.render.user(u) for u in issue.pull.requested_reviewers], "teams": []})


@router.route("POST", P + "/{number}/requested_reviewers")
def request_reviewers(req: Request) -> Response:
    repo, issue = _pull(req)
    for login in req.field("reviewers", list, default=[]):
        if not isinstance(login, str):
            raise validation("PullRequest", "reviewers")
        if login.lower() == issue.user.lower():
            raise ApiError(422, "Review cannot be requested from pull request author.")
        login = req.state.user(login).login
        if login not in issue.pull.requested_reviewers:
            issue.pull.requested_reviewers.append(login)
    return Response(201, req.render.pull(repo, issue))


@router.route("DELETE", P + "/{number}/requested_reviewers")
def remove_reviewers(req: Request) -> Response:
    repo, issue = _pull(req)
    drop = {x.lower() for x in req.field("reviewers", list, default=[]) if isinstance(x, str)}
    issue.pull.requested_reviewers = [u for u in issue.pull.requested_reviewers if u.lower() not in drop]
    return Response(200, req.render.pull(repo, issue))
