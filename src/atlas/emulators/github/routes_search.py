"""Issue search (``GET /search/issues``) over every emulated repo, with GitHub's common qualifiers.

Supported: ``repo:``, ``org:``/``user:``, ``label:`` (repeatable, all must match), ``is:``/
``type:``/``state:`` (open, closed, issue, pr, merged, draft), ``author:``, ``assignee:``,
``no:label``, ``in:`` (ignored); other words must all appear in the title or body.
"""

from __future__ import annotations

import shlex

from .errors import ApiError
from .routing import Request, Response, Router, paginate

router = Router()


def _matches(repo, issue, quals: list[tuple[str, str]], words: list[str]) -> bool:
    for key, value in quals:
        v = value.lower()
        if key == "repo" and repo.full_name.lower() != v:
            return False
        if key in ("org", "user") and repo.owner.lower() != v:
            return False
        if key == "label" and v not in (x.lower() for x in issue.labels):
            return False
        if key == "author" and issue.user.lower() != v:
            return False
        if key == "assignee" and v not in (a.lower() for a in issue.assignees):
            return False
        if key == "no" and v == "label" and issue.labels:
            return False
        if key in ("is", "type", "state"):
            pr = issue.pull
            checks = {"open": issue.state == "open", "closed": issue.state == "closed",
                      "issue": pr is None, "pr": pr is not None,
                      "merged": bool(pr and pr.merged), "unmerged": bool(pr and not pr.merged),
                      "draft": bool(pr and pr.draft and issue.state == "open")}
            if v not in checks:
                raise ApiError(422, "Validation Failed", [{"message": f"unsupported qualifier {key}:{value}",
                                                           "resource": "Search", "field": "q",
                                                           "code": "invalid"}])
            if not checks[v]:
                return False
    text = f"{issue.title}\n{issue.body}".lower()
    return all(w.lower() in text for w in words)


@router.route("GET", "/search/issues")
def search_issues(req: Request) -> Response:
    q = req.query.get("q", "")
    if not q.strip():
        raise ApiError(422, "Validation Failed", [{"resource": "Search", "field": "q", "code": "missing"}])
    try:
        tokens = shlex.split(q)
    except ValueError:
        tokens = q.split()
    quals, words = [], []
    for tok in tokens:
        key, sep, value = tok.partition(":")
        if sep and key.lower() in ("repo", "org", "user", "label", "is", "type", "state", "author",
                                   "assignee", "no", "in"):
            if key.lower() != "in":
                quals.append((key.lower(), value.strip('"')))
        else:
            words.append(tok)
    hits = [(repo, issue) for repo in req.state.repos.values() for issue in repo.issues.values()
            if _matches(repo, issue, quals, words)]
    order = req.query.get("order", "desc") == "desc"
    sort = req.query.get("sort", "created")
    attr = {"created": "created_at", "updated": "updated_at", "comments": "comments"}.get(sort, "created_at")
    if attr == "comments":
        hits.sort(key=lambda h: len(h[1].comments), reverse=order)
    else:
        hits.sort(key=lambda h: (getattr(h[1], attr), h[1].number), reverse=order)
    resp = paginate(req, hits, lambda h: {**req.render.issue(h[0], h[1]), "score": 1.0},
                    wrap="items", extra={"incomplete_results": False})
    # GitHub puts incomplete_results before items; key order matters to nobody but readers.
    return resp
