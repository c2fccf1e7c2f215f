"""The slice of GitHub's GraphQL API that PyGithub's REST objects call: toggling a PR's draft.

PyGithub sends ``mutation Mutation($input: XInput!) { x(input: $input) { <schema> } }`` with
``variables.input.pullRequestId`` set to the PR's ``node_id``, and reads
``data.<mutation>.pullRequest.isDraft``. Errors come back as HTTP 200 with an ``errors`` list,
as GitHub answers them.
"""

from __future__ import annotations

import re
from typing import Any

from . import pulls
from .render import decode_node_id
from .routing import Request, Response, Router

router = Router()

_MUTATION = re.compile(r"\bmutation\b[^{]*\{\s*(\w+)\s*\(")
DRAFT_AFTER = {"markPullRequestReadyForReview": False, "convertPullRequestToDraft": True}


def _error(message: str, kind: str | None = None) -> Response:
    err: dict[str, Any] = {"message": message}
    if kind:
        err["type"] = kind
    return Response(200, {"errors": [err]})


@router.route("POST", "/graphql")
def graphql(req: Request) -> Response:
    body = req.body if isinstance(req.body, dict) else {}
    query = body.get("query")
    if not isinstance(query, str):
        return Response(400, {"message": "Problems parsing JSON", "documentation_url":
                              "https://docs.github.com/graphql"})
    found = _MUTATION.search(query)
    name = found.group(1) if found else None
    if name not in DRAFT_AFTER:
        return _error(f"The emulator does not implement this operation ({name or 'query'}); "
                      "supported: " + ", ".join(DRAFT_AFTER))
    variables = body.get("variables") or {}
    payload = variables.get("input") if isinstance(variables, dict) else None
    if not isinstance(payload, dict) or not isinstance(payload.get("pullRequestId"), str):
        return _error(f"Variable $input of type {name[0].upper()}{name[1:]}Input! was provided invalid value")
    node = decode_node_id(payload["pullRequestId"])
    issue = repo = None
    if node and node[0] == "PR":
        full_name, _, number = node[1].rpartition("#")
        repo = req.state.repos.get(full_name.lower())
        issue = repo.issues.get(int(number)) if repo and number.isdigit() else None
    if issue is None or issue.pull is None:
        return _error(f"Could not resolve to a node with the global id of '{payload['pullRequestId']}'",
                      "NOT_FOUND")
    pulls.sync(repo, issue)
    if issue.state != "open":
        return _error("Pull request is closed and cannot be changed", "UNPROCESSABLE")
    issue.pull.draft = DRAFT_AFTER[name]
    issue.updated_at = req.state.now()
    return Response(200, {"data": {name: {"clientMutationId": payload.get("clientMutationId"),
                                          "pullRequest": {"isDraft": issue.pull.draft,
                                                          "number": issue.number}}}})
