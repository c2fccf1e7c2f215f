"""Open GitHub issues per component: bugs and improvement requests, by label.

An issue belongs to a component when it carries the label `component:<id>`; `bug` makes it
a bug, `enhancement` an improvement, anything else lands in `other` (e.g. a `handover`
question). Every repo of the catalog is listed once (open issues, 100 per page) and the
issues are grouped by label here, so the number of requests grows with repos, not
components; a component without a `repo` still gets the issues other repos file for it.

PyGithub is imported lazily. The API URL comes from GITHUB_API_URL (default
api.github.com), the token from GITHUB_TOKEN or GH_TOKEN (none: anonymous). Pacing is off
for a loopback URL. Failures come back as one readable line in `IssueReport.errors` with
the token scrubbed, never as an exception: the rest of the plan still prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlparse

from atlas.experiments.forge import DEFAULT_API_URL, is_loopback

LABEL_PREFIX = "component:"
_TIMEOUT = 10


@dataclass(frozen=True, slots=True)
class IssueRef:
    repo: str  # owner/name
    number: int
    title: str
    url: str
    labels: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        if "bug" in self.labels:
            return "bug"
        if "enhancement" in self.labels:
            return "improvement"
        return "other"

    def to_json(self) -> dict:
        return {"repo": self.repo, "number": self.number, "title": self.title, "url": self.url,
                "labels": list(self.labels)}


@dataclass(slots=True)
class ComponentIssues:
    component: str
    bugs: list[IssueRef] = field(default_factory=list)
    improvements: list[IssueRef] = field(default_factory=list)
    other: list[IssueRef] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.bugs) + len(self.improvements) + len(self.other)

    def to_json(self) -> dict:
        return {"bugs": [i.to_json() for i in self.bugs], "improvements": [i.to_json() for i in self.improvements],
                "other": [i.to_json() for i in self.other]}


@dataclass(slots=True)
class IssueReport:
    by_component: dict[str, ComponentIssues] = field(default_factory=dict)
    repos: list[str] = field(default_factory=list)  # repos listed
    errors: list[str] = field(default_factory=list)  # one line each, token-free
    skipped: str = ""  # why issues were not fetched at all ("--no-issues")

    @property
    def ok(self) -> bool:
        return not self.errors

    def for_component(self, component_id: str) -> ComponentIssues:
        return self.by_component.get(component_id) or ComponentIssues(component_id)

    def to_json(self) -> dict:
        return {"repos": list(self.repos), "errors": list(self.errors), "skipped": self.skipped or None,
                "by_component": {k: v.to_json() for k, v in self.by_component.items()}}


def group_issues(issues: Iterable[IssueRef], component_ids: Iterable[str]) -> dict[str, ComponentIssues]:
    """Component id -> its issues (only components that have some), by issue number per repo."""
    wanted = set(component_ids)
    out: dict[str, ComponentIssues] = {}
    for issue in sorted(issues, key=lambda i: (i.repo, i.number)):
        for label in issue.labels:
            if not label.startswith(LABEL_PREFIX):
                continue
            cid = label[len(LABEL_PREFIX):]
            if cid not in wanted:
                continue
            bucket = out.setdefault(cid, ComponentIssues(cid))
            {"bug": bucket.bugs, "improvement": bucket.improvements}.get(issue.kind, bucket.other).append(issue)
    return out


def _token(env: Mapping[str, str]) -> str:
    for name in ("GITHUB_TOKEN", "GH_TOKEN"):
        value = (env.get(name) or "").strip()
        if value:
            return value
    return ""


def _scrub(text: str, token: str) -> str:
    # every spelling: plain, URL-encoded, base64 (a proxy reflecting "Authorization: Basic")
    from atlas.experiments.token import scrub

    return scrub(text, token) if token else text


_CAUSES = (("connection refused", "connection refused"), ("timed out", "timed out"),
           ("name or service not known", "unknown host"), ("no route to host", "no route to host"),
           ("remotedisconnected", "connection closed without a response"),
           ("connection aborted", "connection closed without a response"),
           ("too many 5", "still failing after retries"))


def _short(exc: BaseException) -> str:
    """The cause a person can act on ('connection refused'), not a urllib3 repr."""
    text = str(exc)
    lowered = text.lower()
    for marker, phrase in _CAUSES:
        if marker in lowered:
            return phrase
    return text.splitlines()[0][:160] if text else type(exc).__name__


def _link(issue, repo_url: str | None) -> str:
    """The issue's page under the repo URL the catalog declares (stable, unlike an
    emulator's port), else the one GitHub returns."""
    return f"{repo_url.rstrip('/')}/issues/{issue.number}" if repo_url else issue.html_url


def fetch_issues(catalog, component_ids: Iterable[str] | None = None, *,
                 env: Mapping[str, str]) -> IssueReport:
    """Open issues of every catalog repo, grouped by `component:<id>` for the given components
    (`env`: the environment the GitHub client sees, from atlas.services)."""
    ids = list(catalog.components) if component_ids is None else list(component_ids)
    repos = sorted({r.github for r in catalog.repos.values() if r.github})
    report = IssueReport(repos=repos)
    if not repos:
        return report
    from atlas.experiments.errors import ForgeError
    from atlas.experiments.forge import check_api_url

    token = _token(env)
    try:
        api_url = check_api_url(env["GITHUB_API_URL"], "GITHUB_API_URL") if env.get("GITHUB_API_URL") \
            else DEFAULT_API_URL
    except ForgeError as exc:
        report.errors.append(_scrub(f"{exc}: issues skipped", token))
        return report
    host = urlparse(api_url).netloc or api_url

    import requests
    from github import Auth, Github, GithubException
    from urllib3.util.retry import Retry

    kwargs: dict = {
        "timeout": _TIMEOUT,
        "per_page": 100,
        # A short retry for 5xx and a dropped connection; a dead host fails in well under a
        # second. Rate limits are not waited out (GitHub's reset can be an hour away): the
        # plan prints without issues and says why. A read that timed out is not retried:
        # GitHub ends any request it cannot answer in 10 s (REST API best practices,
        # "Timeouts"), so a silent one stays silent; one wait of _TIMEOUT bounds the plan.
        "retry": Retry(total=3, connect=1, read=0, status=2, backoff_factor=0.2,
                       status_forcelist=[500, 502, 503, 504], allowed_methods=["GET"],
                       respect_retry_after_header=False, raise_on_status=True),
    }
    if token:
        kwargs["auth"] = Auth.Token(token)
    if api_url != DEFAULT_API_URL:
        kwargs["base_url"] = api_url
    kwargs["lazy"] = True
    if is_loopback(api_url):
        kwargs["seconds_between_requests"] = 0
        kwargs["seconds_between_writes"] = 0
    gh = Github(**kwargs)
    web = {r.github: r.url for r in catalog.repos.values() if r.github and r.url}
    found: list[IssueRef] = []
    try:
        for name in repos:
            try:
                repo = gh.get_repo(name)  # lazy: no request until the listing
                for issue in repo.get_issues(state="open"):
                    # The issues API lists pull requests too; their page is /pull/N. (Reading
                    # `issue.pull_request` would cost one request per issue: PyGithub fetches
                    # the full issue to learn that the attribute is absent.)
                    if "/pull/" in issue.html_url:
                        continue
                    found.append(IssueRef(name, issue.number, issue.title, _link(issue, web.get(name)),
                                          tuple(label.name for label in issue.labels)))
            except GithubException as exc:
                message = str(exc.data.get("message", "")) if isinstance(exc.data, dict) else ""
                message = message.split(". ", 1)[0].rstrip(".")  # GitHub's first sentence says it
                why = f"GitHub answered {exc.status}" + (f": {message}" if message else "")
                if exc.status == 401:  # the same for every repo: say it once
                    report.errors.append(_scrub(f"GitHub rejected the token at {host} ({why}): issues skipped", token))
                    break
                if exc.status == 429 or (exc.status == 403 and "rate limit" in message.lower()):
                    report.errors.append(_scrub(f"GitHub rate limit reached at {host} ({why}): issues skipped", token))
                    break
                report.errors.append(_scrub(f"GitHub issues of {name} unavailable ({why})", token))
            except requests.exceptions.RetryError as exc:
                report.errors.append(_scrub(f"GitHub issues of {name} unavailable ({_short(exc)})", token))
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                report.errors.append(_scrub(f"GitHub unreachable at {host} ({_short(exc)}): issues skipped", token))
                break  # every other repo would fail the same way
            except Exception as exc:  # a malformed answer: one line, never a traceback  # noqa: BLE001
                report.errors.append(_scrub(f"GitHub issues of {name} unreadable ({type(exc).__name__}: "
                                            f"{_short(exc)})", token))
    finally:
        gh.close()
    report.by_component = group_issues(found, ids)
    return report
