"""Issues (pull requests included, as GitHub lists them), their labels and comments, repo labels."""

from __future__ import annotations

from typing import Any

from .errors import ApiError, check_body, not_found, validation
from .records import Comment, Issue, Label
from .routing import Request, Response, Router, paginate

router = Router()
RP = "/repos/{owner}/{repo}"
I = RP + "/issues"


def _repo(req: Request):
    return req.state.repo(req.params["owner"], req.params["repo"])


def _issue(req: Request):
    repo = _repo(req)
    if not req.params["number"].isdigit():
        raise not_found()
    return repo, req.state.issue(repo, req.int_param("number"))


def filter_issues(issues: list[Issue], query: dict[str, str]) -> list[Issue]:
    state = query.get("state", "open")
    if state not in ("open", "closed", "all"):
        raise validation("Issue", "state")
    found = [i for i in issues if state == "all" or i.state == state]
    if query.get("labels"):
        wanted = {x.strip().lower() for x in query["labels"].split(",") if x.strip()}
        found = [i for i in found if wanted <= {x.lower() for x in i.labels}]
    if "creator" in query:
        found = [i for i in found if i.user.lower() == query["creator"].lower()]
    if "assignee" in query:
        who = query["assignee"].lower()
        if who == "none":
            found = [i for i in found if not i.assignees]
        elif who != "*":
            found = [i for i in found if who in (a.lower() for a in i.assignees)]
    if "since" in query:
        found = [i for i in found if i.updated_at >= query["since"]]
    sort = query.get("sort", "created")
    if sort not in ("created", "updated", "comments"):
        raise validation("Issue", "sort")
    key = {"created": lambda i: (i.created_at, i.number), "updated": lambda i: (i.updated_at, i.number),
           "comments": lambda i: (len(i.comments), i.number)}[sort]
    return sorted(found, key=key, reverse=query.get("direction", "desc") == "desc")


@router.route("GET", I)
def list_issues(req: Request) -> Response:
    repo = _repo(req)
    found = filter_issues(list(repo.issues.values()), req.query)
    return paginate(req, found, lambda i: req.render.issue(repo, i))


@router.route("POST", I)
def create_issue(req: Request) -> Response:
    repo = _repo(req)
    check_body(req.field("body"))
    issue = req.state.create_issue(
        repo, req.field("title", required=True, resource="Issue"), req.field("body", default=""),
        _names(req.field("labels", list, default=[])), _names(req.field("assignees", list, default=[])),
        req.viewer)
    return Response(201, req.render.issue(repo, issue))


@router.route("GET", I + "/{number}")
def get_issue(req: Request) -> Response:
    repo, issue = _issue(req)
    return Response(200, req.render.issue(repo, issue))


@router.route("PATCH", I + "/{number}")
def update_issue(req: Request) -> Response:
    repo, issue = _issue(req)
    # validate everything first: a rejected edit changes nothing
    title, body, state = req.field("title"), req.field("body"), req.field("state")
    check_body(body)
    labels, assignees = req.field("labels", list), req.field("assignees", list)
    if title is not None and not title:
        raise validation("Issue", "title", "missing_field")
    if state not in (None, "open", "closed"):
        raise validation("Issue", "state")
    labels = _names(labels) if labels is not None else None
    assignees = _names(assignees) if assignees is not None else None
    if state == "open":
        req.state.reopen_issue(repo, issue)
    issue.title = title if title is not None else issue.title
    issue.body = body if body is not None else issue.body
    if labels is not None:
        req.state.set_labels(repo, issue, labels)
    if assignees is not None:
        issue.assignees = [req.state.user(a).login for a in assignees]
    if state == "closed":
        req.state.close_issue(repo, issue, req.viewer, req.field("state_reason", default="completed"))
    issue.updated_at = req.state.now()
    return Response(200, req.render.issue(repo, issue))


# -- an issue's labels ---------------------------------------------------------------------------

def _label_list(req: Request, repo, issue: Issue) -> list[dict[str, Any]]:
    return [req.render.label(repo, req.state.label(repo, n, create=True)) for n in issue.labels]


def _names(value: Any) -> list[str]:
    if isinstance(value, dict):  # {"labels": [...]} is accepted as well as a bare list
        value = value.get("labels", [])
    names = [v.get("name") if isinstance(v, dict) else v for v in value or []]
    if not all(isinstance(n, str) and n for n in names):
        raise validation("Label", "name", "invalid")
    return names


@router.route("GET", I + "/{number}/labels")
def list_issue_labels(req: Request) -> Response:
    repo, issue = _issue(req)
    return paginate(req, _label_list(req, repo, issue))


@router.route("POST", I + "/{number}/labels")
def add_issue_labels(req: Request) -> Response:
    repo, issue = _issue(req)
    req.state.add_labels(repo, issue, _names(req.body))
    return Response(200, _label_list(req, repo, issue))


@router.route("PUT", I + "/{number}/labels")
def set_issue_labels(req: Request) -> Response:
    repo, issue = _issue(req)
    req.state.set_labels(repo, issue, _names(req.body))
    return Response(200, _label_list(req, repo, issue))


@router.route("DELETE", I + "/{number}/labels/{name}")
def remove_issue_label(req: Request) -> Response:
    repo, issue = _issue(req)
    name = req.params["name"].lower()
    if name not in (x.lower() for x in issue.labels):
        raise ApiError(404, "Label does not exist")
    issue.labels = [x for x in issue.labels if x.lower() != name]
    issue.updated_at = req.state.now()
    return Response(200, _label_list(req, repo, issue))


@router.route("DELETE", I + "/{number}/labels")
def clear_issue_labels(req: Request) -> Response:
    _, issue = _issue(req)
    issue.labels = []
    return Response(204)


# -- comments ------------------------------------------------------------------------------------

@router.route("GET", I + "/{number}/comments")
def list_comments(req: Request) -> Response:
    repo, issue = _issue(req)
    return paginate(req, issue.comments, lambda c: req.render.comment(repo, c))


@router.route("POST", I + "/{number}/comments")
def create_comment(req: Request) -> Response:
    repo, issue = _issue(req)
    check_body(req.field("body"), "IssueComment")
    now = req.state.now()
    c = Comment(req.state.new_id(), issue.number, req.field("body", required=True, resource="IssueComment"),
                req.viewer, now, now)
    issue.comments.append(c)
    issue.updated_at = now
    return Response(201, req.render.comment(repo, c))


def _comment(req: Request):
    repo = _repo(req)
    cid = int(req.params["id"]) if req.params["id"].isdigit() else -1
    for issue in repo.issues.values():
        for c in issue.comments:
            if c.id == cid:
                return repo, issue, c
    raise not_found()


@router.route("GET", I + "/comments/{id}")
def get_comment(req: Request) -> Response:
    repo, _, c = _comment(req)
    return Response(200, req.render.comment(repo, c))


@router.route("PATCH", I + "/comments/{id}")
def update_comment(req: Request) -> Response:
    repo, _, c = _comment(req)
    check_body(req.field("body"), "IssueComment")
    c.body = req.field("body", required=True, resource="IssueComment")
    c.updated_at = req.state.now()
    return Response(200, req.render.comment(repo, c))


@router.route("DELETE", I + "/comments/{id}")
def delete_comment(req: Request) -> Response:
    _, issue, c = _comment(req)
    issue.comments.remove(c)
    return Response(204)


# -- repository labels ---------------------------------------------------------------------------

@router.route("GET", RP + "/labels")
def list_labels(req: Request) -> Response:
    repo = _repo(req)
    labels = sorted(repo.labels.values(), key=lambda lab: lab.name.lower())
    return paginate(req, labels, lambda lab: req.render.label(repo, lab))


@router.route("GET", RP + "/labels/{name}")
def get_label(req: Request) -> Response:
    repo = _repo(req)
    return Response(200, req.render.label(repo, req.state.label(repo, req.params["name"])))


@router.route("POST", RP + "/labels")
def create_label(req: Request) -> Response:
    repo = _repo(req)
    name = req.field("name", required=True, resource="Label")
    from .state import check_label_name

    check_label_name(name)
    if name.lower() in repo.labels:
        raise validation("Label", "name", "already_exists")
    color = req.field("color", default="ededed").lstrip("#")
    if len(color) != 6 or any(ch not in "0123456789abcdefABCDEF" for ch in color):
        raise validation("Label", "color")
    lab = Label(req.state.new_id(), name, color.lower(), req.field("description", default=""))
    repo.labels[name.lower()] = lab
    return Response(201, req.render.label(repo, lab))


@router.route("PATCH", RP + "/labels/{name}")
def update_label(req: Request) -> Response:
    repo = _repo(req)
    lab = req.state.label(repo, req.params["name"])
    new_name = req.field("new_name") or req.field("name") or lab.name
    if new_name.lower() != lab.name.lower() and new_name.lower() in repo.labels:
        raise validation("Label", "name", "already_exists")
    old = lab.name
    del repo.labels[old.lower()]
    lab.name = new_name
    lab.color = req.field("color", default=lab.color).lstrip("#")
    lab.description = req.field("description", default=lab.description)
    repo.labels[new_name.lower()] = lab
    for issue in repo.issues.values():
        issue.labels = [new_name if x.lower() == old.lower() else x for x in issue.labels]
    return Response(200, req.render.label(repo, lab))


@router.route("DELETE", RP + "/labels/{name}")
def delete_label(req: Request) -> Response:
    repo = _repo(req)
    lab = req.state.label(repo, req.params["name"])
    del repo.labels[lab.name.lower()]
    for issue in repo.issues.values():
        issue.labels = [x for x in issue.labels if x.lower() != lab.name.lower()]
    return Response(204)
