"""The forge adapter: the only module that talks to GitHub (through PyGithub, imported
lazily). Every call is wrapped so a failure becomes one ForgeError line with the token
scrubbed; rate limits (403 secondary, 429 with Retry-After) and 5xx are retried for every
method including PATCH, by a urllib3 Retry given to PyGithub. Here: the connection, its
error policy, and branch and file reads and writes; pull requests are in forge_pulls, the
merge gates' reads and the conversation in forge_gates."""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Mapping
from typing import Any, Callable, TypeVar
from urllib.parse import urlparse

from atlas.experiments.errors import ForgeError
from atlas.experiments.forge_gates import GateReads
from atlas.experiments.forge_pulls import PullRequests
from atlas.experiments.token import AppCredentials, Secret, remember, scrub

DEFAULT_API_URL = "https://api.github.com"
T = TypeVar("T")


def is_loopback(url: str) -> bool:
    """Is this API URL on this machine (an emulator): no rate pacing, plain http allowed."""
    host = urlparse(url).hostname or ""
    return host in ("127.0.0.1", "localhost", "::1")


def api_url_from_env(env: Mapping[str, str]) -> str:
    """GITHUB_API_URL from `env` (checked), else github.com's. Core code is handed its
    environment: only atlas.services reads the process's."""
    value = env.get("GITHUB_API_URL") or ""
    return check_api_url(value, "GITHUB_API_URL") if value else DEFAULT_API_URL


def check_api_url(value: str, variable: str) -> str:
    """The API URL without a trailing slash, or ForgeError naming the variable: only http(s)
    with a host and a port in range reaches requests (which otherwise raises assertion
    errors or "Failed to parse" lines that name no variable). A user:password@ part is
    never echoed: it may be the token."""
    shown = scrub(value.split("@", 1)[-1] if "@" in value else value)[:120]
    bad = lambda why: ForgeError(f"{variable}={shown!r}: {why} (expected e.g. https://api.github.com or "  # noqa: E731
                                 "http://127.0.0.1:8300 for the emulator)")
    if any(ch.isspace() or not ch.isprintable() for ch in value):
        raise bad("contains a space or a control character")
    try:
        parsed = urlparse(value)
        port = parsed.port
    except ValueError as exc:  # "Port out of range 0-65535", "Port could not be cast..."
        raise bad(str(exc).lower()) from None
    if parsed.scheme not in ("http", "https"):
        raise bad(f"scheme must be http or https, not {parsed.scheme or 'missing'!r}")
    if not parsed.hostname:
        raise bad("no host")
    if port == 0:
        raise bad("port 0 is not a port")
    return value.rstrip("/")


# Waiting: GitHub ends any request it takes more than 10 s to process ("Timeouts" in the
# REST API best practices: docs.github.com/en/rest/using-the-rest-api/best-practices-for-
# using-the-rest-api), so a read that is silent for longer than that will never be answered.
READ_TIMEOUT = 10  # PyGithub takes one int, used by requests for connect and read alike
CONNECT_TIMEOUT = READ_TIMEOUT
DEADLINE = 14.0  # seconds for one request with all its retries (rate-limit waits aside)


def _deadline_retry(**kwargs: Any):
    """A GithubRetry that stops retrying when another attempt could end after DEADLINE
    seconds from the request's start. urllib3 only calls `increment` on a failure, so the
    start is worked out from what failed: a read timeout took READ_TIMEOUT, a connect
    timeout CONNECT_TIMEOUT, a refused connection or a 5xx about nothing. Waits that GitHub
    asks for (403/429 rate limits with Retry-After) are left to GithubRetry's own caps."""
    from github.GithubRetry import GithubRetry
    from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, ReadTimeoutError

    class DeadlineRetry(GithubRetry):
        def __init__(self, *, deadline: float = DEADLINE, read_timeout: float = READ_TIMEOUT,
                     started: float | None = None, **kw: Any) -> None:
            self.deadline, self.read_timeout, self.started = deadline, read_timeout, started
            super().__init__(**kw)

        def new(self, **kw: Any):
            kw.update(deadline=self.deadline, read_timeout=self.read_timeout, started=self.started)
            return super().new(**kw)

        def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
            now = time.monotonic()
            me = self
            if self.started is None:
                spent = (self.read_timeout if isinstance(error, ReadTimeoutError)
                         else CONNECT_TIMEOUT if isinstance(error, ConnectTimeoutError) else 0.0)
                me = self.new()
                me.started = now - spent
            nxt = GithubRetry.increment(me, method, url, response, error, _pool, _stacktrace)
            rate_limited = response is not None and response.status in (403, 429)
            if not rate_limited and now - me.started + nxt.get_backoff_time() + self.read_timeout > self.deadline:
                if isinstance(error, ReadTimeoutError):
                    raise error  # requests makes it a Timeout: "timed out", not urllib3's repr
                raise MaxRetryError(_pool, url, error or "deadline") from error
            return nxt

    return DeadlineRetry(**kwargs)


class Forge(PullRequests, GateReads):
    """GitHub through PyGithub, with the retry, pacing and error policy atlas wants."""

    def __init__(
        self,
        token: "Secret | AppCredentials",
        base_url: str | None = None,
        *,
        pacing: bool | None = None,
        retries: int = 4,
        backoff: float = 0.5,
        secondary_rate_wait: float = 60.0,
        timeout: int = READ_TIMEOUT,
        deadline: float = DEADLINE,
    ) -> None:
        from github import Auth, Github

        self._installation = None
        if isinstance(token, AppCredentials):
            auth: Any = Auth.AppAuth(token.app_id, token.private_key.value).get_installation_auth(token.installation_id)
            self._installation = auth
        else:
            remember(token)
            auth = Auth.Token(token.value)
        self._secret = token
        self.base_url = check_api_url(base_url, "the GitHub API URL") if base_url else DEFAULT_API_URL
        if pacing is None:
            # Pacing protects the public API from bursts; loopback emulators need none.
            pacing = not is_loopback(self.base_url)
        self.pacing = pacing
        retry = _deadline_retry(
            deadline=max(deadline, timeout),  # at least one whole attempt
            read_timeout=timeout,
            total=retries,
            backoff_factor=backoff,
            backoff_max=120,
            # 5xx and 429 for every verb (PATCH and PUT too); GithubRetry adds 403 and only
            # retries it when it is a rate limit; Retry-After is honoured.
            status_forcelist=[429, 500, 502, 503, 504],
            allowed_methods=None,
            respect_retry_after_header=True,
            raise_on_status=True,
            secondary_rate_wait=secondary_rate_wait,
        )
        kwargs: dict[str, Any] = {"auth": auth, "retry": retry, "timeout": timeout}
        if self.base_url != DEFAULT_API_URL:
            kwargs["base_url"] = self.base_url
        if not pacing:
            kwargs["seconds_between_requests"] = 0
            kwargs["seconds_between_writes"] = 0
        kwargs["lazy"] = True  # objects fetch on first use: no GET just to hold a repo or PR
        self._gh = Github(**kwargs)
        self._repos: dict[str, Any] = {}
        self._pulls: dict[tuple[str, int], Any] = {}  # PR objects this run already holds

    # ------------------------------------------------------------------ plumbing

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        import requests
        from github import GithubException

        try:
            out = fn()
            if self._installation is not None:  # the installation token now exists: scrub it too
                remember(Secret(self._installation.token, "GitHub App installation token"))
            return out
        except GithubException as exc:
            message = ""
            if isinstance(exc.data, dict):
                message = str(exc.data.get("message", ""))
                errors = exc.data.get("errors")
                if errors:
                    details = [e.get("message", "") if isinstance(e, dict) else str(e) for e in errors]
                    message += " (" + "; ".join(d for d in details if d) + ")"
            elif exc.data:
                message = str(exc.data)[:200]
            status = exc.status
            if status == 401:  # say which token was refused, never the token itself
                message += f" (the token from {self._secret.source} was rejected: set a valid one)"
            retriable = status >= 500 or status in (403, 429)
            raise ForgeError(
                scrub(f"{what}: GitHub answered {status}" + (f": {message}" if message else "")),
                retriable=retriable,
                status=status,
            ) from None
        except requests.exceptions.RetryError as exc:
            reason = _short_reason(exc)
            raise ForgeError(scrub(f"{what}: GitHub still failing after retries ({reason})"), retriable=True) from None
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            raise ForgeError(
                scrub(f"{what}: connection to {_host_port(self.base_url)} failed ({_connection_reason(exc)}; "
                      "check GITHUB_API_URL, or start `atlas emulator` for the demo)"),
                retriable=True,
            ) from None

    def repo(self, github: str) -> Any:
        if github not in self._repos:
            self._repos[github] = self._gh.get_repo(github)
        return self._repos[github]

    # ------------------------------------------------------------------ reading

    def head_sha(self, github: str, branch: str) -> str:
        return self._call(
            f"{github}: read branch {branch}", lambda: self.repo(github).get_git_ref(f"heads/{branch}").object.sha
        )

    def branch_sha(self, github: str, branch: str) -> str | None:
        """The branch head, or None when the branch does not exist."""
        try:
            return self.head_sha(github, branch)
        except ForgeError as exc:
            if exc.status == 404:
                return None
            raise

    def read_file(self, github: str, path: str, ref: str) -> str | None:
        def get() -> Any:
            return self.repo(github).get_contents(path, ref=ref)

        try:
            content = self._call(f"{github}: read {path}", get)
        except ForgeError as exc:
            if exc.status == 404:
                return None
            raise
        if isinstance(content, list):
            raise ForgeError(f"{github}: {path} is a directory, not a file")
        raw = base64.b64decode(self._call(f"{github}: read {path}", lambda: content.content) or "")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:  # atlas edits text only: say which file, not a traceback
            raise ForgeError(f"{github}: {path} at {ref[:12]} is not UTF-8 text (byte {exc.start})") from None

    # ------------------------------------------------------------------ writing

    def commit_files(self, github: str, base_sha: str, files: dict[str, str], message: str) -> str:
        """One commit on top of base_sha with the given files (git data API); returns its sha."""
        from github import InputGitTreeElement

        repo = self.repo(github)
        def read_base() -> Any:
            commit = repo.get_git_commit(base_sha)
            commit.tree  # noqa: B018 - completes a lazy object inside the error handling
            return commit

        base = self._call(f"{github}: read commit {base_sha[:12]}", read_base)
        elements = []
        for path, text in files.items():
            blob = self._call(f"{github}: create blob for {path}", lambda t=text: repo.create_git_blob(t, "utf-8"))
            elements.append(InputGitTreeElement(path, "100644", "blob", sha=blob.sha))
        tree = self._call(f"{github}: create tree", lambda: repo.create_git_tree(elements, base_tree=base.tree))
        commit = self._call(f"{github}: create commit", lambda: repo.create_git_commit(message, tree, [base]))
        return commit.sha

    def create_branch(self, github: str, branch: str, sha: str) -> None:
        self._call(f"{github}: create branch {branch}", lambda: self.repo(github).create_git_ref(f"refs/heads/{branch}", sha))

    def move_branch(self, github: str, branch: str, sha: str) -> None:
        def move() -> None:
            ref = self.repo(github).get_git_ref(f"heads/{branch}")
            ref.object  # noqa: B018 - complete it: the API's own url is the one to PATCH
            ref.edit(sha, force=True)

        self._call(f"{github}: move branch {branch}", move)

    def delete_branch(self, github: str, branch: str) -> bool:
        """Delete a branch; False when it was already gone."""

        def delete() -> None:
            ref = self.repo(github).get_git_ref(f"heads/{branch}")
            ref.object  # noqa: B018 - complete it: the API's own url is the one to DELETE
            ref.delete()

        try:
            self._call(f"{github}: delete branch {branch}", delete)
        except ForgeError as exc:
            if exc.status in (404, 422):
                return False
            raise
        return True


def _short_reason(exc: BaseException) -> str:
    text = str(exc)
    for marker in ("Caused by ", "caused by "):
        if marker in text:
            text = text.split(marker, 1)[1]
    text = text.strip("()'\" ")
    return text.splitlines()[0][:160] if text else type(exc).__name__


def _host_port(url: str) -> str:
    """host:port of a URL without any user:password@ part (which may hold a token)."""
    parsed = urlparse(url)
    host = parsed.hostname or "?"
    return f"{host}:{parsed.port}" if parsed.port else host


def _connection_reason(exc: BaseException) -> str:
    """'connection refused', 'timed out'...: the OS's words, not urllib3's nested reprs."""
    import requests

    if isinstance(exc, requests.exceptions.Timeout):
        return "timed out"
    m = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", str(exc))
    if m:
        return m.group(1).strip().rstrip(".").lower()
    return _short_reason(exc)


def open_forge(env: Mapping[str, str], **kwargs: Any) -> Forge:
    """A Forge from `env` (atlas.services hands it over): the token (GITHUB_TOKEN/GH_TOKEN,
    a GitHub App's, or `gh auth token`) and GITHUB_API_URL."""
    from atlas.experiments.token import resolve_token

    from atlas.experiments.token import resolve_app

    secret: Secret | AppCredentials | None = None
    if not (env.get("GITHUB_TOKEN") or env.get("GH_TOKEN") or "").strip():
        try:
            secret = resolve_app(env)
        except ValueError as exc:
            raise ForgeError(str(exc)) from None
    if secret is None:
        secret = resolve_token(env, api_url_from_env(env))
    if secret is None:
        raise ForgeError("no GitHub token: set GITHUB_TOKEN (or GH_TOKEN), a GitHub App (GITHUB_APP_ID, "
                         "GITHUB_APP_INSTALLATION_ID, GITHUB_APP_PRIVATE_KEY), or log in with `gh auth login`")
    # Tuning for CI and tests: ATLAS_GITHUB_RETRIES (default 4), ATLAS_GITHUB_BACKOFF (s, 0.5).
    for name, key, cast in (("ATLAS_GITHUB_RETRIES", "retries", int), ("ATLAS_GITHUB_BACKOFF", "backoff", float)):
        if env.get(name):
            try:
                kwargs.setdefault(key, cast(env[name]))
            except ValueError:
                raise ForgeError(f"{name}={env[name]!r} is not a number") from None
    if env.get("ATLAS_GITHUB_PACING", "") == "0":  # from the mapping given, never the process
        kwargs.setdefault("pacing", False)
    return Forge(secret, api_url_from_env(env), **kwargs)
