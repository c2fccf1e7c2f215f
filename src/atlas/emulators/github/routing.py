"""Requests, responses, a small path router and GitHub-style pagination."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import unquote, urlencode

from .errors import ApiError, validation
from .render import Renderer
from .state import ForgeState


@dataclass
class Request:
    method: str
    path: str  # without the /api/v3 prefix, still percent-encoded
    query: dict[str, str]
    body: Any
    state: ForgeState
    render: Renderer
    viewer: str
    public_url: str  # the absolute url of this request, for Link headers
    params: dict[str, str] = field(default_factory=dict)

    def field(self, name: str, kind: type | tuple[type, ...] = str, required: bool = False,
              resource: str = "Resource", default: Any = None) -> Any:
        """A field of the JSON body, checked the way GitHub checks (422 naming the field)."""
        body = self.body if isinstance(self.body, dict) else {}
        if name not in body or body[name] is None:
            if required:
                raise validation(resource, name, "missing_field")
            return default
        value = body[name]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ApiError(422, f"Invalid request.\n\nFor '{name}', {value!r} is not a {_kind_name(kind)}.")
        return value

    def int_param(self, name: str) -> int:
        return int(self.params[name])


@dataclass
class Response:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"


Handler = Callable[[Request], Response]


class Router:
    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []

    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        """``{name}`` matches one path segment, ``{name:path}`` the rest (slashes included)."""
        def to_regex(m: re.Match[str]) -> str:
            name, _, kind = m.group(1).partition(":")
            return f"(?P<{name}>.+)" if kind == "path" else f"(?P<{name}>[^/]+)"

        regex = re.compile("^" + re.sub(r"\{([^}]+)\}", to_regex, pattern) + "/?$")

        def register(handler: Handler) -> Handler:
            self._routes.append((method.upper(), regex, handler))
            return handler

        return register

    def include(self, other: "Router") -> None:
        self._routes.extend(other._routes)

    def match(self, method: str, path: str) -> tuple[Handler, dict[str, str]] | None:
        for m, regex, handler in self._routes:
            if m != method:
                continue
            found = regex.match(path)
            if found:
                return handler, {k: unquote(v) for k, v in found.groupdict().items()}
        return None


def paginate(req: Request, items: list[Any], render: Callable[[Any], Any] | None = None,
             wrap: str | None = None, extra: dict[str, Any] | None = None) -> Response:
    """One page of ``items`` with GitHub's ``Link`` header (first/prev/next/last)."""
    try:
        per_page = max(1, min(100, int(req.query.get("per_page", 30))))
        page = max(1, int(req.query.get("page", 1)))
    except ValueError:
        raise ApiError(400, "Invalid per_page or page parameter") from None
    last = max(1, -(-len(items) // per_page))
    chunk = items[(page - 1) * per_page: page * per_page]
    rendered = [render(x) for x in chunk] if render else chunk
    links = []
    if page < last:
        links += [(page + 1, "next"), (last, "last")]
    if page > 1:
        links = [(1, "first"), (page - 1, "prev")] + links
    headers = {}
    if links:
        headers["Link"] = ", ".join(f'<{_with_page(req, n)}>; rel="{rel}"' for n, rel in links)
    body: Any = rendered
    if wrap:
        body = {"total_count": len(items), wrap: rendered, **(extra or {})}
    return Response(200, body, headers)


def _with_page(req: Request, page: int) -> str:
    query = dict(req.query)
    query["page"] = str(page)
    return req.public_url.split("?", 1)[0] + "?" + urlencode(query)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {str: "string", int: "integer", bool: "boolean", list: "array", dict: "object"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)
