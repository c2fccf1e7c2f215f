"""GitHubEmulator: a stateful loopback HTTP server speaking GitHub's REST API at ``/api/v3``.

PyGithub works against it unchanged with ``base_url=emulator.start()``; GraphQL lives at
``/api/graphql`` (where PyGithub derives it from that base url). The token, when set, is
required on every API request and never logged or echoed.
"""

from __future__ import annotations

import errno
import hmac
import itertools
import json
import re
import socket
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qsl

from . import graphql, routes_contents, routes_git, routes_issues, routes_pulls, routes_repos, routes_search
from .errors import DOCS_URL, ApiError
from .faults import PRIMARY_RATE_LIMIT_MESSAGE, SECONDARY_RATE_LIMIT_MESSAGE, Fault, FaultPlan
from .pages import render_page
from .render import Renderer
from .routing import Request, Response, Router
from .seed import Seed, load_seed
from .state import ForgeState

API_PREFIX = "/api/v3"
GRAPHQL_PATH = "/api/graphql"
LOOPBACK = ("127.0.0.1", "localhost")
_SECRET_PARAM = re.compile(r"((?:access_token|token|client_secret)=)[^&]*")

ROUTER = Router()
for _module in (routes_repos, routes_git, routes_contents, routes_pulls, routes_issues, routes_search, graphql):
    ROUTER.include(_module.router)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str  # path and query as sent, with any secret redacted
    status: int  # 0 when the connection was dropped on purpose


class GitHubEmulator:
    def __init__(self, seed: Seed | str | Path, host: str = "127.0.0.1", port: int = 0,
                 token: str | None = None, clock: Callable[[], float] = time.time) -> None:
        if host not in LOOPBACK and not host.startswith("127."):
            raise ValueError(f"GitHubEmulator serves loopback only, not {host!r}")
        if not isinstance(seed, Seed):
            seed = load_seed(seed)
        self.forge = ForgeState(seed, clock)
        self.faults = FaultPlan()
        self.requests: list[RecordedRequest] = []
        self.server_errors: list[str] = []  # tracebacks of emulator bugs (answered as 500)
        self._token = token
        self._others: dict[str, str] = {}  # token -> login of other users (reviewers)
        self._apps: dict[int, tuple[str, str, str]] = {}  # installation id -> (app id, public key PEM, slug)
        self._host, self._port = host, port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._request_ids = itertools.count(1)
        self._log_lock = threading.Lock()

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> str:
        if self._server is None:
            handler = type("GitHubHandler", (_Handler,), {"emulator": self})
            try:
                self._server = _Server((self._host, self._port), handler)
            except OSError as exc:  # name the address: errno text alone does not say which port
                reason = "port in use?" if exc.errno == errno.EADDRINUSE else (exc.strerror or str(exc))
                raise OSError(f"cannot listen on {self._host}:{self._port} ({reason})") from None
            self._server.emulator = self
            self._thread = threading.Thread(target=self._server.serve_forever, name="github-emulator",
                                            kwargs={"poll_interval": 0.05}, daemon=True)
            self._thread.start()
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server.close_connections()  # kept-alive clients must not reach a stopped forge
            self._server = None

    def __enter__(self) -> "GitHubEmulator":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("GitHubEmulator is not started")
        return self._server.server_address[1]

    @property
    def origin(self) -> str:
        return f"http://{self._host}:{self.port}"

    @property
    def base_url(self) -> str:
        return self.origin + API_PREFIX

    @property
    def renderer(self) -> Renderer:
        return Renderer(self.forge, self.origin)

    # -- test helpers --------------------------------------------------------------------------

    def inject(self, kind: str | int, *, at: int = 1, method: str | None = None,
               path_regex: str | None = None, times: int = 1, retry_after: int = 1,
               delay: float = 0.0) -> Fault:
        """Make the ``at``-th matching request from now (and ``times``-1 more) fail as ``kind``.

        Kinds: "500", "502", "503", "secondary_rate_limit" (403 + Retry-After), "rate_limit"
        (the primary limit: 403, X-RateLimit-Remaining 0, reset in ``retry_after`` s), "429"
        (+ Retry-After), "drop" (close the connection, no response), "slow" (wait ``delay`` s).
        ``path_regex`` is searched in the request path (``/api/v3/repos/...``).
        """
        return self.faults.add(kind, at=at, method=method, path_regex=path_regex, times=times,
                               retry_after=retry_after, delay=delay)

    def configure(self, repo: str, *, allow_merge_commit: bool | None = None,
                  allow_squash_merge: bool | None = None, allow_rebase_merge: bool | None = None,
                  drafts: bool | None = None, protect: str | None = None,
                  required_checks: list[str] | None = None, required_approvals: int = 0) -> None:
        """Repo settings and a branch protection rule, as an admin would set them on GitHub."""
        from .records import Protection

        with self.forge.lock:
            r = self.forge.repos[repo.lower()]
            for name, value in (("allow_merge_commit", allow_merge_commit), ("allow_squash_merge", allow_squash_merge),
                                ("allow_rebase_merge", allow_rebase_merge), ("drafts", drafts)):
                if value is not None:
                    setattr(r.settings, name, value)
            if protect:
                r.protection[protect] = Protection(list(required_checks or []), required_approvals)

    def state(self) -> dict[str, Any]:
        """A JSON-able dump: per repo its default branch, refs, pull requests and issues."""
        with self.forge.lock:
            return self.forge.dump()

    def read_file(self, repo: str, path: str, ref: str | None = None) -> bytes | None:
        """A file's bytes at ``ref`` (default branch when None); None when absent."""
        with self.forge.lock:
            r = self.forge.repo(*repo.split("/", 1))
            entry = r.git.lookup(r.git.commits[self.forge.resolve(r, ref)].tree, path)
            return r.git.blobs[entry.sha] if entry and entry.type == "blob" else None

    # -- called by the handler -----------------------------------------------------------------

    def _record(self, method: str, path: str, status: int) -> None:
        path = _SECRET_PARAM.sub(r"\1***", path)
        if self._token and len(self._token) >= 6:  # a very short test token would mangle paths
            path = path.replace(self._token, "***")
        with self._log_lock:
            self.requests.append(RecordedRequest(method, path, status))

    def add_user(self, login: str, token: str) -> None:
        """Another account (a reviewer) with its own token: its requests act as `login`."""
        with self.forge.lock:
            self.forge.user(login)
            self._others[token] = login

    def add_app(self, app_id: str | int, public_key_pem: str, installation_id: int, slug: str = "atlas") -> None:
        """A GitHub App installed on every repo: a JWT signed with its key buys installation
        tokens that act as `<slug>[bot]`."""
        with self.forge.lock:
            self.forge.user(f"{slug}[bot]", "Bot")
            self._apps[int(installation_id)] = (str(app_id), public_key_pem, slug)

    def _installation_token(self, installation_id: int, header: str | None) -> Response:
        """POST /app/installations/{id}/access_tokens: the JWT is checked as GitHub checks it
        (RS256 with the app's key, `iss` the app id, `exp` at most 10 minutes ahead:
        docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/
        generating-a-json-web-token-jwt-for-a-github-app)."""
        import secrets

        import jwt

        scheme, _, value = (header or "").strip().partition(" ")
        app = self._apps.get(installation_id)
        if scheme.lower() != "bearer" or not value:
            return _error(ApiError(401, "A JSON web token could not be decoded"))
        try:
            claims = jwt.decode(value.strip(), app[1] if app else "", algorithms=["RS256"],
                                options={"require": ["exp", "iat", "iss"], "verify_signature": app is not None},
                                leeway=0)
        except jwt.ExpiredSignatureError:
            return _error(ApiError(401, "'Expiration time' claim ('exp') must be a numeric value representing the "
                                        "future time at which the assertion expires"))
        except jwt.PyJWTError:
            return _error(ApiError(401, "A JSON web token could not be decoded"))
        if app is None:
            return _error(ApiError(404, "Not Found"))
        if str(claims["iss"]) != app[0]:
            return _error(ApiError(401, "A JSON web token could not be decoded"))
        if claims["exp"] - self.forge.clock() > 600:
            return _error(ApiError(401, "'Expiration time' claim ('exp') is too far in the future"))
        token = "ghs_" + secrets.token_hex(18)
        with self.forge.lock:
            self._others[token] = f"{app[2]}[bot]"
        from .state import iso

        return Response(201, {"token": token, "expires_at": iso(self.forge.clock() + 3600),
                              "permissions": {"contents": "write", "pull_requests": "write", "statuses": "write",
                                              "issues": "write", "checks": "read"},
                              "repository_selection": "all"})

    def _viewer(self, header: str | None) -> str | None:
        """The login a request acts as, or None when its credentials are refused."""
        scheme, _, value = (header or "").strip().partition(" ")
        value = value.strip()
        for token, login in self._others.items():
            if scheme.lower() in ("token", "bearer") and hmac.compare_digest(value.encode(), token.encode()):
                return login
        if not self._token:
            return self.forge.viewer
        if scheme.lower() not in ("token", "bearer"):
            return None
        return self.forge.viewer if hmac.compare_digest(value.encode(), self._token.encode()) else None

    def _authorized(self, header: str | None) -> bool:
        return self._viewer(header) is not None

    def _respond(self, method: str, raw_path: str, raw_query: str, headers: Any, raw_body: bytes) -> Response:
        app_token = re.match(re.escape(API_PREFIX) + r"/app/installations/(\d+)/access_tokens/?$", raw_path)
        if app_token and method == "POST":
            return self._installation_token(int(app_token.group(1)), headers.get("Authorization"))
        if raw_path == GRAPHQL_PATH or raw_path.startswith(API_PREFIX + "/") or raw_path == API_PREFIX:
            if not self._authorized(headers.get("Authorization")):
                return _error(ApiError(401, "Bad credentials"))
            path = "/graphql" if raw_path == GRAPHQL_PATH else raw_path[len(API_PREFIX):] or "/"
            found = ROUTER.match(method, path)
            if found is None:
                return _error(ApiError(404, "Not Found"))
            handler, params = found
            try:
                body = json.loads(raw_body) if raw_body.strip() else None
            except (ValueError, UnicodeDecodeError):
                return _error(ApiError(400, "Problems parsing JSON"))
            public = self.origin + raw_path + (f"?{raw_query}" if raw_query else "")
            query = {k: v for k, v in parse_qsl(raw_query, keep_blank_values=True)}
            req = Request(method, path, query, body, self.forge, self.renderer,
                          self._viewer(headers.get("Authorization")) or self.forge.viewer, public, params)
            with self.forge.lock:
                try:
                    return handler(req)
                except ApiError as exc:
                    return _error(exc)
                except Exception:  # an emulator bug: answer like GitHub would, keep the trace
                    self.server_errors.append(traceback.format_exc())
                    return _error(ApiError(500, "Server Error"))
        if method == "GET":
            with self.forge.lock:
                return render_page(self.forge, raw_path)
        return _error(ApiError(404, "Not Found"))


def _error(exc: ApiError) -> Response:
    return Response(exc.status, exc.body(), dict(exc.headers))


def _fault_response(fault: Fault, request_id: str) -> Response:
    if fault.kind == "secondary_rate_limit":
        body = {"message": SECONDARY_RATE_LIMIT_MESSAGE.format(request_id=request_id),
                "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
                                     "#about-secondary-rate-limits"}
        return Response(403, body, {"Retry-After": str(fault.retry_after)})
    if fault.kind == "rate_limit":
        body = {"message": PRIMARY_RATE_LIMIT_MESSAGE.format(request_id=request_id),
                "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
                                     "#about-primary-rate-limits"}
        return Response(403, body, {"X-RateLimit-Remaining": "0", "X-RateLimit-Used": "5000",
                                    "X-RateLimit-Reset": str(int(time.time()) + fault.retry_after)})
    if fault.kind == "429":
        return Response(429, {"message": "Too Many Requests", "documentation_url": DOCS_URL},
                        {"Retry-After": str(fault.retry_after)})
    status = int(fault.kind)
    messages = {500: "Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
    return Response(status, {"message": messages[status], "documentation_url": DOCS_URL})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    emulator: GitHubEmulator

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def track(self, conn: socket.socket, alive: bool) -> None:
        with self._connections_lock:
            (self._connections.add if alive else self._connections.discard)(conn)

    def close_connections(self) -> None:
        with self._connections_lock:
            for conn in self._connections:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self._connections.clear()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up (a timeout, a test that gave up) is not an emulator bug;
        # anything else is kept for the tests instead of being printed to stderr.
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, TimeoutError)):
            self.emulator.server_errors.append(traceback.format_exc())


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: PyGithub reuses its connection
    disable_nagle_algorithm = True  # otherwise each answer waits ~40 ms for a delayed ACK
    emulator: GitHubEmulator

    def version_string(self) -> str:
        return "GitHubEmulator/1.0"

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # request lines may carry secrets; the emulator keeps its own redacted log

    def _handle(self) -> None:
        emu = self.emulator
        method = self.command
        raw_path, _, raw_query = self.path.partition("?")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        raw_body = self.rfile.read(length) if length > 0 else b""
        request_id = f"EMU{next(emu._request_ids):06d}"
        fault = emu.faults.take(method, raw_path)
        if fault and fault.kind == "drop":
            emu._record(method, self.path, 0)
            self.close_connection = True
            return
        if fault and fault.kind == "slow":
            time.sleep(fault.delay)
            fault = None
        if fault:
            response = _fault_response(fault, request_id)
        elif length < 0:
            response = _error(ApiError(400, "Invalid Content-Length"))
            self.close_connection = True
        else:
            try:
                response = emu._respond(method, raw_path, raw_query, self.headers, raw_body)
            except Exception:  # an emulator bug outside the API routes (e.g. a page)
                emu.server_errors.append(traceback.format_exc())
                response = _error(ApiError(500, "Server Error"))
        emu._record(method, self.path, response.status)
        self._send(response, request_id)

    def _send(self, response: Response, request_id: str) -> None:
        if isinstance(response.body, bytes):
            payload = response.body
        elif response.body is None or response.status == 204:
            payload = b""
        else:
            payload = json.dumps(response.body).encode()
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(payload)))
        headers = {"X-GitHub-Request-Id": request_id, "X-GitHub-Media-Type": "github.v3; format=json",
                   "X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "4999",
                   "X-RateLimit-Reset": str(int(time.time()) + 3600), "X-RateLimit-Resource": "core"}
        headers.update(response.headers)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle
