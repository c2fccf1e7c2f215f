"""GitHub-shaped API errors: the status and the JSON body GitHub would answer with."""

from __future__ import annotations

from typing import Any

DOCS_URL = "https://docs.github.com/rest"


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        errors: list[dict[str, Any] | str] | None = None,  # GitHub sends either
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"message": self.message}
        if self.errors:
            out["errors"] = self.errors
        out["documentation_url"] = DOCS_URL
        out["status"] = str(self.status)
        return out


def not_found(message: str = "Not Found") -> ApiError:
    return ApiError(404, message)


def validation(resource: str, field: str | None = None, code: str = "invalid", message: str | None = None) -> ApiError:
    """422 "Validation Failed" with one entry in ``errors``, as GitHub reports bad fields."""
    err: dict[str, Any] = {"resource": resource, "code": code}
    if field:
        err["field"] = field
    if message:
        err["message"] = message
    return ApiError(422, "Validation Failed", [err])


MAX_BODY = 65536  # characters in an issue, pull request or comment body


def check_body(body: object, resource: str = "Issue") -> None:
    """GitHub's body limit: 422 with its own words, an issue's or PR's (renovatebot/renovate#2032:
    resource Issue, code custom, field body) and a comment's (telia-oss/github-pr-resource#259:
    resource IssueComment, field data, code unprocessable) spelled differently."""
    if not isinstance(body, str) or len(body) <= MAX_BODY:
        return
    if resource == "IssueComment":
        raise validation("IssueComment", "data", "unprocessable",
                         message=f"Body is too long (maximum is {MAX_BODY} characters)")
    raise validation("Issue", "body", "custom", message=f"body is too long (maximum is {MAX_BODY} characters)")
