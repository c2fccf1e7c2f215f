"""A Kubeflow Pipelines v2beta1 REST client (the plain `requests` atlas already has).

Wire facts it relies on (github.com/kubeflow/pipelines):
- backend/api/v2beta1/swagger/run.swagger.json, recurring_run.swagger.json: GET
  /apis/v2beta1/runs, /apis/v2beta1/runs/{run_id}, /apis/v2beta1/recurringruns; snake_case
  fields, except the recurring-run list key `recurringRuns` (the proto's own spelling);
  empty lists are omitted (an empty page is `{}`); int64 fields are strings;
- an unfinished run's `finished_at` is 1970-01-01T00:00:00Z (api_converter.go converts 0 s);
- backend/src/apiserver/server/list_request_util.go: `filter` is JSON of predicates that the
  server URL-unescapes a second time, so we escape it once ourselves before the HTTP layer
  does; at most 200 per page (list/list.go maxPageSize), `next_page_token` to read on.
Every call has a timeout; a refused or unreachable endpoint raises KubeflowError at once
with one line. Tokens are sent, never put in a message.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from urllib.parse import quote

from atlas.kubeflow.model import PipelineRun, RecurringRun, TaskRun

PAGE_SIZE = 200  # the server's maximum
MAX_PAGES = 500  # 100k runs: past that the window is wrong, not the server
PREFIX = "/apis/v2beta1"


class KubeflowError(RuntimeError):
    """One readable line; `unreachable` when the endpoint itself did not answer."""

    def __init__(self, message: str, *, unreachable: bool = False) -> None:
        super().__init__(message)
        self.unreachable = unreachable


def parse_time(text: str | None) -> float | None:
    """RFC 3339 -> epoch seconds; the zero timestamp (unset, unfinished) -> None."""
    if not text:
        return None
    try:
        t = dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None
    return None if t <= 0 else t


def rfc3339(epoch: float) -> str:
    return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _message(status: object) -> str:
    if isinstance(status, dict):
        return str(status.get("message") or "")[:300]
    return ""


def run_from_json(data: dict, *, detailed: bool = False) -> PipelineRun:
    details = data.get("run_details") or {}
    tasks = []
    for t in details.get("task_details") or []:
        name = t.get("display_name") or ""
        # the DAG's own driver/root entries carry no display name worth showing
        if not name or name in ("root", "root-driver"):
            continue
        tasks.append(TaskRun(name, t.get("state") or "RUNTIME_STATE_UNSPECIFIED", parse_time(t.get("start_time")),
                             parse_time(t.get("end_time")), _message(t.get("error"))))
    tasks.sort(key=lambda t: (t.start is None, t.start or 0.0, t.name))  # never started: last
    created = parse_time(data.get("created_at")) or 0.0
    return PipelineRun(
        run_id=data.get("run_id", ""), display_name=data.get("display_name", ""),
        recurring_run_id=data.get("recurring_run_id", ""), state=data.get("state") or "RUNTIME_STATE_UNSPECIFIED",
        created=created, finished=parse_time(data.get("finished_at")), tasks=tuple(tasks),
        error=_message(data.get("error")), detailed=detailed)


def recurring_from_json(data: dict) -> RecurringRun:
    trigger = data.get("trigger") or {}
    cron = (trigger.get("cron_schedule") or {}).get("cron", "")
    interval = (trigger.get("periodic_schedule") or {}).get("interval_second")
    return RecurringRun(
        recurring_run_id=data.get("recurring_run_id", ""), display_name=data.get("display_name", ""),
        enabled=data.get("status") == "ENABLED", cron=cron,
        created=parse_time(data.get("created_at")) or 0.0, updated=parse_time(data.get("updated_at")) or 0.0,
        interval=float(interval) if interval else None)  # int64: a string on the wire


class KfpClient:
    """One deployment: `host` (scheme://host[:port][/path]) and `namespace`."""

    kind = "kfp"

    def __init__(self, host: str, namespace: str = "", *, auth: Callable[[], str | None] | None = None,
                 timeout: float = 10.0, connect_timeout: float = 3.0, session=None) -> None:
        import requests

        host = host.strip().rstrip("/")
        # the kfp SDK takes a host without a scheme ("ml-pipeline.kubeflow:8888", and it strips
        # http:// itself: kfp/client/client.py _load_config) and urllib3 then speaks plain HTTP;
        # people set KF_PIPELINES_ENDPOINT that way, so read it that way too
        self.host = host if "://" in host else f"http://{host}"
        self.namespace = namespace
        self._auth = auth
        self._timeout = (connect_timeout, timeout)
        self._session = session or requests.Session()
        self.calls = 0

    @property
    def target(self) -> str:
        return f"{self.host} ({self.namespace or 'all namespaces'})"

    def _get(self, path: str, params: dict[str, str] | None = None) -> dict:
        import requests

        headers = {"Accept": "application/json"}
        if self._auth is not None:
            token = self._auth()
            if token:
                headers["Authorization"] = f"Bearer {token}"
        self.calls += 1
        try:
            resp = self._session.get(self.host + path, params=params, headers=headers, timeout=self._timeout,
                                     allow_redirects=False)
        except requests.exceptions.ConnectTimeout:
            raise KubeflowError(f"Kubeflow API at {self.host} did not answer within {self._timeout[0]:g} s",
                                unreachable=True) from None
        except requests.exceptions.ConnectionError:
            raise KubeflowError(f"Kubeflow API at {self.host} is unreachable (connection refused or reset)",
                                unreachable=True) from None
        except requests.exceptions.Timeout:
            raise KubeflowError(f"Kubeflow API at {self.host} took longer than {self._timeout[1]:g} s") from None
        except requests.exceptions.RequestException as exc:
            first = (str(exc).splitlines() or [""])[0][:200]  # the URL at most: tokens sit in headers
            raise KubeflowError(f"Kubeflow API at {self.host}: {exc.__class__.__name__}"
                                + (f": {first}" if first else "")) from None
        if resp.status_code in (301, 302, 303, 307, 401, 403):
            # IAP answers 302 to its sign-in page without a valid ID token
            raise KubeflowError(f"Kubeflow API at {self.host} refused the credentials (HTTP {resp.status_code}); "
                                "check the deployment's auth in the catalog")
        try:
            body = resp.json()
        except ValueError:
            body = None
        if resp.status_code != 200 or not isinstance(body, dict):
            detail = self._error_detail(body) if isinstance(body, dict) else ""
            raise KubeflowError(f"Kubeflow API at {self.host}{path}: HTTP {resp.status_code}"
                                + (f": {detail.splitlines()[0]}" if detail else ""),
                                unreachable=resp.status_code in (502, 503, 504))
        return body

    def _error_detail(self, body: dict) -> str:
        return _message(body)  # grpc-gateway: {"code", "message", "details"}

    def _pages(self, path: str, key: str, params: dict[str, str]) -> list[dict]:
        out: list[dict] = []
        token = ""
        for _ in range(MAX_PAGES):
            query = {**params, "page_size": str(PAGE_SIZE)}
            if token:
                query["page_token"] = token
            body = self._get(path, query)
            out.extend(body.get(key) or [])  # an empty page is {}
            token = body.get("next_page_token") or ""
            if not token:
                return out
        raise KubeflowError(f"Kubeflow API at {self.host}{path}: more than {MAX_PAGES} pages; narrow the window")

    def _scope(self) -> dict[str, str]:
        return {"namespace": self.namespace} if self.namespace else {}

    def list_recurring_runs(self) -> list[RecurringRun]:
        rows = self._pages(f"{PREFIX}/recurringruns", "recurringRuns", self._scope())
        return [recurring_from_json(r) for r in rows]

    def list_runs(self, created_after: float) -> list[PipelineRun]:
        predicate = {"operation": "GREATER_THAN_EQUALS", "key": "created_at", "timestamp_value": rfc3339(created_after)}
        flt = json.dumps({"predicates": [predicate]}, separators=(",", ":"))
        params = {**self._scope(), "filter": quote(flt, safe=""), "sort_by": "created_at desc"}
        return [run_from_json(r) for r in self._pages(f"{PREFIX}/runs", "runs", params)]

    def get_run(self, run_id: str) -> PipelineRun:
        return run_from_json(self._get(f"{PREFIX}/runs/{quote(run_id, safe='')}"), detailed=True)

    def close(self) -> None:
        self._session.close()
